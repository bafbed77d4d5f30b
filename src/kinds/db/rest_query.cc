#include "kinds/db/rest_query.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <tuple>

#include "common/ascii.h"
#include "common/utf8.h"
#include "db/postgres_text.h"
#include "kinds/db/row_json.h"

namespace watt::kinds::db {
namespace {

constexpr std::string_view kOperators[] = {"eq",  "neq",      "gt",        "gte",      "lt",
                                           "lte", "like",     "ilike",     "in",       "nin",
                                           "contains", "contained", "overlaps", "isNull"};
constexpr std::string_view kArrayOperators[] = {"all", "any", "contains", "contained", "overlaps"};

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view typeName(JsonType t) {
  switch (t) {
    case JsonType::kInteger: return "integer";
    case JsonType::kNumber: return "number";
    case JsonType::kString: return "string";
    case JsonType::kBoolean: return "boolean";
    case JsonType::kObject: return "object";
    case JsonType::kArray: return "array";
  }
  return "string";
}

// JavaScript's Number(string): decimal (with exponent), Infinity, 0x/0o/0b; surrounding
// whitespace ignored; "" is 0.
std::optional<double> jsNumber(std::string_view text) {
  std::string_view t = ascii::trim(text);
  if (t.empty()) return 0.0;
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X' || t[1] == 'o' || t[1] == 'O' ||
                                      t[1] == 'b' || t[1] == 'B')) {
    int base = (t[1] == 'x' || t[1] == 'X') ? 16 : (t[1] == 'o' || t[1] == 'O') ? 8 : 2;
    double v = 0;
    for (char c : t.substr(2)) {
      int d = hexDigit(c);
      if (d < 0 || d >= base) return std::nullopt;
      v = v * base + d;
    }
    return v;
  }
  std::string_view body = t;
  bool negative = false;
  if (body.front() == '+' || body.front() == '-') {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  if (body == "Infinity") return negative ? -HUGE_VAL : HUGE_VAL;
  // from_chars accepts a subset close enough to JS for decimal text; reject hex floats, "inf".
  for (char c : body) {
    bool ok = (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
    if (!ok) return std::nullopt;
  }
  double v = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec != std::errc() || ptr != body.data() + body.size()) {
    // ".5" and "5." are valid in JS; from_chars handles both. Anything else is not a number.
    return std::nullopt;
  }
  return negative ? -v : v;
}

sql::Value numberValue(double d, bool integer) {
  if (integer && std::fabs(d) < 9.2e18) return sql::Value(static_cast<int64_t>(d));
  return sql::Value(d);
}

// JavaScript parseInt(text, 10) as a bound value: NaN becomes NULL (matches nothing).
sql::Value jsParseInt(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && ascii::isSpace(text[i])) ++i;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  size_t start = i;
  double v = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') v = v * 10 + (text[i++] - '0');
  if (i == start) return sql::Value();
  return numberValue(negative ? -v : v, true);
}

std::optional<sql::Value> coerceNumberText(std::string_view text, bool integer) {
  if (text.empty()) return std::nullopt;  // Ajv: `data && data == +data`
  auto d = jsNumber(text);
  if (!d || !std::isfinite(*d)) return std::nullopt;
  if (integer && std::trunc(*d) != *d) return std::nullopt;
  return numberValue(*d, integer);
}

struct Candidate {
  std::tuple<int, std::string, int> order;  // Ajv checks schema properties in this order
  ApiError error;
};

ApiError validation(std::string message) { return ApiError{400, "FST_ERR_VALIDATION", std::move(message)}; }

int operatorIndex(std::string_view op) {
  for (size_t i = 0; i < std::size(kOperators); ++i)
    if (kOperators[i] == op) return static_cast<int>(i);
  return 100;
}

bool isArrayOperator(std::string_view op) {
  return std::find(std::begin(kArrayOperators), std::end(kArrayOperators), op) != std::end(kArrayOperators);
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t at = text.find(separator, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return parts;
}

// in / nin: a comma list; integer fields go through parseInt like the reference does.
std::vector<sql::Value> listValues(const Field& field, std::string_view text) {
  std::vector<sql::Value> values;
  for (auto item : split(text, ',')) {
    if (field.type == JsonType::kInteger) values.push_back(jsParseInt(item));
    else values.emplace_back(std::string(item));
  }
  return values;
}

sql::Op opFromName(std::string_view op) {
  static const std::map<std::string_view, sql::Op> kOps = {
      {"eq", sql::Op::kEq},         {"neq", sql::Op::kNeq},         {"gt", sql::Op::kGt},
      {"gte", sql::Op::kGte},       {"lt", sql::Op::kLt},           {"lte", sql::Op::kLte},
      {"like", sql::Op::kLike},     {"ilike", sql::Op::kIlike},     {"in", sql::Op::kIn},
      {"nin", sql::Op::kNin},       {"contains", sql::Op::kContains}, {"contained", sql::Op::kContained},
      {"overlaps", sql::Op::kOverlaps}, {"isNull", sql::Op::kIsNull}};
  return kOps.at(op);
}

// eq/neq with the text "null" on a nullable text field means IS NULL / IS NOT NULL (on a
// numeric field it is just not a number: the validation error stands).
std::optional<sql::Condition> nullComparison(const Field& field, std::string_view op, std::string_view value) {
  if ((op != "eq" && op != "neq") || !field.nullable || field.type != JsonType::kString ||
      !ascii::iequals(value, "null"))
    return std::nullopt;
  return sql::Condition{field.column, sql::Op::kIsNull, {sql::Value(op == "eq")}};
}

}  // namespace

std::string percentDecode(std::string_view text, bool plusAsSpace) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plusAsSpace) {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hexDigit(text[i + 1]) >= 0 && hexDigit(text[i + 2]) >= 0) {
      out += static_cast<char>(hexDigit(text[i + 1]) * 16 + hexDigit(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  // Bytes that are not UTF-8 become U+FFFD, as Node's querystring decoding makes them: text
  // from the URL is echoed into JSON (error messages) and stored, so it must be valid.
  return utf8::toValid(out);
}

QueryParams parseQueryString(std::string_view query) {
  QueryParams params;
  for (auto part : split(query, '&')) {
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string key = percentDecode(part.substr(0, eq), true);
    std::string value = eq == std::string_view::npos ? "" : percentDecode(part.substr(eq + 1), true);
    params.emplace_back(std::move(key), std::move(value));
  }
  return params;
}

std::optional<sql::Value> coerceText(const Field& field, std::string_view text, std::string& error) {
  switch (field.type) {
    case JsonType::kInteger:
    case JsonType::kNumber: {
      auto v = coerceNumberText(text, field.type == JsonType::kInteger);
      if (!v) error = std::string("must be ") + std::string(typeName(field.type));
      return v;
    }
    case JsonType::kBoolean:
      if (text == "true") return sql::Value(true);
      if (text == "false") return sql::Value(false);
      error = "must be boolean";
      return std::nullopt;
    case JsonType::kObject:
      error = "must be object";
      return std::nullopt;
    case JsonType::kArray:
      error = "must be array";
      return std::nullopt;
    case JsonType::kString:
      break;
  }
  return sql::Value(std::string(text));
}

std::optional<sql::Value> coerceJson(const Field& field, const json::value& value, std::string& error) {
  const json::value* v = &value;
  // coerceTypes "array": a one-element array stands for its element where a scalar is expected.
  if (v->is_array() && field.type != JsonType::kArray && v->get_array().size() == 1) v = &v->get_array()[0];
  std::string must = std::string("must be ") + std::string(typeName(field.type));
  if (v->is_null()) {
    if (field.nullable) return sql::Value();
    switch (field.type) {
      case JsonType::kInteger: return sql::Value(int64_t{0});
      case JsonType::kNumber: return sql::Value(0.0);
      case JsonType::kString: return sql::Value(std::string());
      case JsonType::kBoolean: return sql::Value(false);
      default: error = must; return std::nullopt;
    }
  }
  switch (field.type) {
    case JsonType::kInteger:
    case JsonType::kNumber: {
      bool integer = field.type == JsonType::kInteger;
      if (v->is_int64()) return sql::Value(v->get_int64());
      if (v->is_uint64()) return numberValue(static_cast<double>(v->get_uint64()), integer);
      if (v->is_double()) {
        double d = v->get_double();
        if (!std::isfinite(d)) break;  // 1e999 parses as Infinity: not a number a column holds
        if (integer && std::trunc(d) != d) break;
        return numberValue(d, integer);
      }
      if (v->is_bool()) return sql::Value(int64_t{v->get_bool() ? 1 : 0});
      if (v->is_string()) {
        if (auto n = coerceNumberText(std::string_view(v->get_string()), integer)) return n;
      }
      break;
    }
    case JsonType::kString:
      if (v->is_string()) return sql::Value(std::string(v->get_string()));
      if (v->is_bool()) return sql::Value(std::string(v->get_bool() ? "true" : "false"));
      if (v->is_int64()) return sql::Value(std::to_string(v->get_int64()));
      if (v->is_uint64()) return sql::Value(std::to_string(v->get_uint64()));
      if (v->is_double() && std::isfinite(v->get_double())) {
        std::string s;
        appendJsNumber(s, v->get_double());
        return sql::Value(s);
      }
      break;
    case JsonType::kBoolean:
      if (v->is_bool()) return sql::Value(v->get_bool());
      if (v->is_string() && v->get_string() == "true") return sql::Value(true);
      if (v->is_string() && v->get_string() == "false") return sql::Value(false);
      if (v->is_number() && v->to_number<double>() == 1) return sql::Value(true);
      if (v->is_number() && v->to_number<double>() == 0) return sql::Value(false);
      break;
    case JsonType::kObject:
      if (v->is_object()) return sql::Value(json::serialize(*v));
      break;
    case JsonType::kArray:
      // Array columns exist on PostgreSQL only: the value travels as an array literal.
      if (v->is_array()) {
        std::vector<sql::Value> items;
        for (const auto& item : v->get_array()) {
          if (item.is_null()) items.emplace_back();
          else if (item.is_string()) items.emplace_back(std::string(item.get_string()));
          else if (item.is_int64()) items.emplace_back(item.get_int64());
          else if (item.is_uint64()) items.emplace_back(static_cast<double>(item.get_uint64()));
          else if (item.is_double()) items.emplace_back(item.get_double());
          else if (item.is_bool()) items.emplace_back(item.get_bool());
          else items.emplace_back(json::serialize(item));
        }
        return sql::Value(sql::postgres::arrayLiteral(items));
      }
      break;
  }
  error = must;
  return std::nullopt;
}

std::variant<sql::Value, ApiError> parsePathKey(const Field& key, std::string_view raw) {
  std::string error;
  if (auto v = coerceText(key, raw, error)) return *v;
  return validation("params/" + key.name + " " + error);
}

std::variant<ListQuery, ApiError> parseListQuery(const Entity& entity, const QueryParams& params,
                                                 QueryShape shape, const LimitConfig& limits) {
  ListQuery q;
  q.limit = limits.defaultLimit;
  bool list = shape == QueryShape::kList;
  bool pageable = list || shape == QueryShape::kReverseRelation;
  bool filterable = list || shape == QueryShape::kBulkUpdate;

  std::vector<Candidate> errors;
  auto fail = [&](int order, std::string name, int sub, ApiError e) {
    errors.push_back({{order, std::move(name), sub}, std::move(e)});
  };
  // Repeated keys become arrays in Fastify; a scalar parameter then fails its type check.
  std::map<std::string, std::vector<std::string>, std::less<>> byKey;
  for (const auto& [k, v] : params) byKey[k].push_back(v);
  auto single = [&](std::string_view key) -> const std::string* {
    auto it = byKey.find(key);
    if (it == byKey.end()) return nullptr;
    return &it->second.front();
  };
  auto count = [&](std::string_view key) {
    auto it = byKey.find(key);
    return it == byKey.end() ? size_t{0} : it->second.size();
  };

  auto integerParam = [&](std::string_view key, int order, int64_t& target) {
    const std::string* v = single(key);
    if (!v) return false;
    auto n = count(key) == 1 ? coerceNumberText(*v, true) : std::nullopt;
    if (!n) {
      fail(order, "", 0, validation("querystring/" + std::string(key) + " must be integer"));
      return false;
    }
    target = n->isInteger() ? n->integer() : static_cast<int64_t>(n->real());
    return true;
  };
  auto booleanParam = [&](std::string_view key, int order, bool& target) {
    const std::string* v = single(key);
    if (!v) return;
    if (count(key) == 1 && (*v == "true" || *v == "false")) target = *v == "true";
    else fail(order, "", 0, validation("querystring/" + std::string(key) + " must be boolean"));
  };

  if (pageable) {
    q.limitGiven = integerParam("limit", 0, q.limit);
    integerParam("offset", 1, q.offset);
    booleanParam("totalCount", 2, q.totalCount);
  }
  if (list) {
    booleanParam("cursor", 3, q.cursor);
    // Ajv's format "byte": standard base64, padded.
    auto base64Param = [&](std::string_view key, int order, std::optional<std::string>& target) {
      const std::string* v = single(key);
      if (!v) return;
      bool ok = count(key) == 1 && v->size() % 4 == 0;
      for (size_t i = 0; ok && i < v->size(); ++i) {
        char c = (*v)[i];
        bool padding = c == '=' && i + 2 >= v->size() && (i + 1 == v->size() || (*v)[i + 1] == '=');
        ok = std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || padding;
      }
      if (ok) target = *v;
      else fail(order, "", 0, validation("querystring/" + std::string(key) + " must match format \"byte\""));
    };
    base64Param("startAfter", 4, q.startAfter);
    base64Param("endBefore", 5, q.endBefore);
  }

  // fields: a comma list (or repeated parameter) of field names.
  if (auto it = byKey.find("fields"); it != byKey.end()) {
    std::vector<std::string> names;
    if (it->second.size() == 1) {
      for (auto n : split(it->second.front(), ',')) names.emplace_back(n);
    } else {
      names = it->second;
    }
    std::vector<bool> wanted(entity.fields.size(), false);
    for (size_t i = 0; i < names.size(); ++i) {
      const Field* f = entity.field(names[i]);
      if (!f) {
        fail(6, "", static_cast<int>(i),
             validation("querystring/fields/" + std::to_string(i) + " must be equal to one of the allowed values"));
        break;
      }
      wanted[static_cast<size_t>(f - entity.fields.data())] = true;
    }
    q.fieldsGiven = true;
    for (size_t i = 0; i < entity.fields.size(); ++i)
      if (wanted[i]) q.fields.push_back(&entity.fields[i]);
  }

  std::vector<ApiError> semantic;  // raised after validation passes, like the mapper does
  if (filterable) {
    for (const auto& [key, values] : byKey) {
      if (!key.starts_with("where.") || key == "where.or") continue;
      std::string_view rest = std::string_view(key).substr(6);
      size_t dot = rest.rfind('.');
      std::string_view fieldName = dot == std::string_view::npos ? rest : rest.substr(0, dot);
      std::string_view op = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
      const Field* field = entity.field(fieldName);
      if (!field) {
        fail(7, std::string(fieldName), 0,
             ApiError{400, "PLT_SQL_OPENAPI_UNKNOWN_FIELD",
                      "Unknown field \"" + std::string(fieldName) + "\" in " + key});
        continue;
      }
      bool arrayField = field->type == JsonType::kArray;
      bool known = arrayField ? isArrayOperator(op) || op == "isNull" : operatorIndex(op) < 100;
      if (!known) {
        fail(7, field->column, 99,
             validation("querystring/" + key + " is not a known filter: \"" + std::string(op) +
                        "\" is not an operator (use eq, neq, gt, gte, lt, lte, like, ilike, in, nin, isNull)"));
        continue;
      }
      int sub = operatorIndex(op);
      std::string prefix = "querystring/" + key + " ";
      if (values.size() != 1) {
        std::string type = op == "isNull" ? "boolean" : (op == "in" || op == "nin" || isArrayOperator(op))
                                                            ? "string"
                                                            : std::string(typeName(field->type));
        fail(7, field->column, sub, validation(prefix + "must be " + type));
        continue;
      }
      const std::string& value = values.front();
      if (op == "isNull") {
        if (value != "true" && value != "false") {
          fail(7, field->column, sub, validation(prefix + "must be boolean"));
          continue;
        }
        q.where.all.push_back({field->column, sql::Op::kIsNull, {sql::Value(value == "true")}});
      } else if (op == "in" || op == "nin") {
        q.where.all.push_back({field->column, opFromName(op), listValues(*field, value)});
      } else if (op == "contains" || op == "contained" || op == "overlaps") {
        if (!arrayField) {
          semantic.push_back({400, "PLT_SQL_MAPPER_UNSUPPORTED_OPERATOR_FOR_NON_ARRAY",
                              "Unsupported operator for non Array field"});
          continue;
        }
        std::vector<sql::Value> items;
        for (auto item : split(value, ','))
          items.push_back(field->itemType == JsonType::kInteger ? jsParseInt(item) : sql::Value(std::string(item)));
        q.where.all.push_back({field->column, opFromName(op), items});
      } else if (op == "any" || op == "all") {
        // value = ANY(column): the value has the type of the array's elements.
        Field element = *field;
        element.type = field->itemType;
        std::string error;
        auto v = coerceText(element, value, error);
        if (!v) {
          fail(7, field->column, sub, validation(prefix + error));
          continue;
        }
        q.where.all.push_back({field->column, op == "any" ? sql::Op::kAny : sql::Op::kAll, {*v}});
      } else if (auto isNull = nullComparison(*field, op, value)) {
        q.where.all.push_back(*isNull);
      } else {
        std::string error;
        auto v = coerceText(*field, value, error);
        if (!v) {
          fail(7, field->column, sub, validation(prefix + error));
          continue;
        }
        q.where.all.push_back({field->column, opFromName(op), {*v}});
      }
    }
    // where.or=(a.eq=1|b.gt=2): only the first one counts; the outer characters are dropped
    // as the reference does, without checking they are parentheses.
    if (auto it = byKey.find("where.or"); it != byKey.end()) {
      std::string_view text = it->second.front();
      if (text.size() >= 2) text = text.substr(1, text.size() - 2);
      else text = {};
      std::vector<sql::Condition> group;
      for (auto part : split(text, '|')) {
        if (part.empty()) continue;
        auto pieces = split(part, '=');
        std::string_view left = pieces[0];
        std::string_view value = pieces.size() > 1 ? pieces[1] : std::string_view{};
        size_t dot = left.find('.');
        std::string_view fieldName = left.substr(0, dot);
        std::string_view op = dot == std::string_view::npos ? std::string_view{} : left.substr(dot + 1);
        const Field* field = entity.field(fieldName);
        if (!field) {
          semantic.push_back({400, "PLT_SQL_OPENAPI_UNKNOWN_FIELD",
                              "Unknown field \"" + std::string(fieldName) + "\" in where.or"});
          break;
        }
        if (operatorIndex(op) >= 100 || op == "contains" || op == "contained" || op == "overlaps") {
          semantic.push_back({400, "PLT_SQL_MAPPER_UNSUPPORTED_WHERE_CLAUSE",
                              "Unsupported where clause \"" + std::string(part) + "\" in where.or"});
          break;
        }
        if (op == "isNull") {
          group.push_back({field->column, sql::Op::kIsNull, {sql::Value(value == "true")}});
        } else if (op == "in" || op == "nin") {
          group.push_back({field->column, opFromName(op), listValues(*field, value)});
        } else if (auto isNull = nullComparison(*field, op, value)) {
          group.push_back(*isNull);
        } else {
          // Values are not validated by the reference; typed when they can be, else text.
          std::string ignored;
          auto v = coerceText(*field, value, ignored);
          group.push_back({field->column, opFromName(op), {v ? *v : sql::Value(std::string(value))}});
        }
      }
      if (!group.empty()) q.where.addAnyOf(std::move(group));
    }
  }

  if (list) {
    for (const auto& [key, value] : params) {
      if (!key.starts_with("orderby.")) continue;
      const Field* field = entity.field(std::string_view(key).substr(8));
      if (!field || field->type == JsonType::kArray) continue;  // unknown: dropped
      if (count(key) != 1 || (value != "asc" && value != "desc")) {
        fail(9, field->column, 0, validation("querystring/" + key + " must be equal to one of the allowed values"));
        continue;
      }
      bool seen = std::any_of(q.orderBy.begin(), q.orderBy.end(), [&](const auto& o) { return o.first == field; });
      if (!seen) q.orderBy.emplace_back(field, value == "desc");
    }
  }

  if (!errors.empty()) {
    auto first = std::min_element(errors.begin(), errors.end(),
                                  [](const Candidate& a, const Candidate& b) { return a.order < b.order; });
    return first->error;
  }
  if (pageable) {
    if (q.limit > limits.maxLimit) {
      return ApiError{400, "PLT_SQL_MAPPER_PARAM_LIMIT_NOT_ALLOWED",
                      "Param limit=" + std::to_string(q.limit) + " not allowed. Max accepted value " +
                          std::to_string(limits.maxLimit) + "."};
    }
    if (q.limit < 0) {
      return ApiError{400, "PLT_SQL_MAPPER_PARAM_LIMIT_MUST_BE_NOT_NEGATIVE",
                      "Param limit=" + std::to_string(q.limit) + " not allowed. It must be a not negative value."};
    }
    if (q.offset < 0) {
      return ApiError{400, "PLT_SQL_MAPPER_PARAM_NOT_ALLOWED",
                      "Param offset=" + std::to_string(q.offset) + " not allowed. It must be not negative value."};
    }
  }
  if (!semantic.empty()) return semantic.front();
  return q;
}

std::variant<InputValues, ApiError> validateInput(const Entity& entity, const json::value* body,
                                                  bool allowPrimaryKeys) {
  if (!body || !body->is_object()) return validation("body must be object");
  const auto& obj = body->get_object();
  // Ajv: `required` (sorted names) before the properties.
  std::vector<const Field*> required;
  for (const auto& f : entity.fields)
    if (f.required) required.push_back(&f);
  std::sort(required.begin(), required.end(), [](const Field* a, const Field* b) { return a->name < b->name; });
  for (const Field* f : required) {
    if (!obj.contains(f->name)) return validation("body must have required property '" + f->name + "'");
  }
  InputValues values;
  for (const auto& f : entity.fields) {
    auto it = obj.find(f.name);
    if (it == obj.end()) continue;
    if (f.primaryKey && !allowPrimaryKeys) return validation("body/" + f.name + " must NOT be valid");
    std::string error;
    auto v = coerceJson(f, it->value(), error);
    if (!v) return validation("body/" + f.name + " " + error);
    values.emplace_back(&f, std::move(*v));
  }
  return values;
}

std::variant<std::optional<json::value>, ApiError> parseJsonBody(std::string_view contentType,
                                                                 const std::string& body) {
  std::string media = ascii::lower(ascii::trim(contentType.substr(0, contentType.find(';'))));
  if (media.empty()) {
    if (body.empty()) return std::optional<json::value>{};
    return ApiError{415, "FST_ERR_CTP_INVALID_MEDIA_TYPE", "Unsupported Media Type: undefined"};
  }
  bool isJson = media == "application/json" || media.ends_with("+json");
  if (!isJson) {
    if (media == "text/plain") return std::optional<json::value>(json::value(json::string(body)));
    return ApiError{415, "FST_ERR_CTP_INVALID_MEDIA_TYPE", "Unsupported Media Type: " + media};
  }
  if (body.empty()) {
    return ApiError{400, "FST_ERR_CTP_EMPTY_JSON_BODY",
                    "Body cannot be empty when content-type is set to 'application/json'"};
  }
  error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec) {
    return ApiError{400, "FST_ERR_CTP_INVALID_JSON_BODY",
                    "Body is not valid JSON but content-type is set to 'application/json'"};
  }
  return std::optional<json::value>(std::move(parsed));
}

}  // namespace watt::kinds::db
