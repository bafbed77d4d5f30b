#include "graphql/schema.h"

#include <algorithm>
#include <list>
#include <unordered_set>

#include "graphql/coercion.h"
#include "graphql/introspection.h"
#include "graphql/parser.h"

namespace watt::graphql {
namespace {

// graphql-js assertName(), plus the reservation of "__" for introspection.
std::optional<std::string> nameProblem(std::string_view name, bool allowReserved) {
  if (name.empty()) return "Expected name to be a non-empty string.";
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!letter(name[0]))
    return "Names must start with [_a-zA-Z] but \"" + std::string(name) + "\" does not.";
  for (char c : name) {
    if (!letter(c) && !(c >= '0' && c <= '9')) {
      return "Names must only contain [_a-zA-Z0-9] but \"" + std::string(name) + "\" does not.";
    }
  }
  if (!allowReserved && name.starts_with("__")) {
    return "Name \"" + std::string(name) +
           "\" must not begin with \"__\", which is reserved by GraphQL introspection.";
  }
  return std::nullopt;
}

InputValueDefinition inputValue(std::string name, std::string type, std::string description = {},
                                std::optional<json::value> defaultValue = std::nullopt) {
  InputValueDefinition def;
  def.name = std::move(name);
  def.typeName = std::move(type);
  def.description = std::move(description);
  def.defaultValue = std::move(defaultValue);
  return def;
}

}  // namespace

std::string TypeRef::toString() const {
  std::string out;
  auto render = [&](auto& self, TypeWrapping w) -> void {
    if (w.isNonNull()) {
      self(self, w.inner());
      out += '!';
    } else if (w.isList()) {
      out += '[';
      self(self, w.inner());
      out += ']';
    } else {
      out += named ? named->name() : std::string("?");
    }
  };
  render(render, wrapping);
  return out;
}

const std::string& ResolveInfo::fieldName() const {
  return field.name;
}

const std::string& ResolveInfo::returnTypeName() const {
  return field.type.named->name();
}

json::array Path::toJson() const {
  size_t depth = 0;
  for (const Path* p = this; p; p = p->parent) ++depth;
  json::array out(depth);
  size_t i = depth;
  for (const Path* p = this; p; p = p->parent) {
    --i;
    if (p->index >= 0) {
      out[i] = p->index;
    } else {
      out[i] = json::string(p->key);
    }
  }
  return out;
}

FieldDefinition& FieldDefinition::field(std::string fieldName, std::string type) {
  return owner->field(std::move(fieldName), std::move(type));
}

FieldDefinition& FieldDefinition::arg(std::string argName, std::string argType,
                                      std::optional<json::value> defaultValue,
                                      std::string argDescription) {
  args.push_back(inputValue(std::move(argName), std::move(argType), std::move(argDescription),
                            std::move(defaultValue)));
  return *this;
}

FieldDefinition& FieldDefinition::describe(std::string text) {
  description = std::move(text);
  return *this;
}

FieldDefinition& FieldDefinition::deprecate(std::string reason) {
  deprecationReason = std::move(reason);
  return *this;
}

FieldDefinition& FieldDefinition::resolve(Resolver fn) {
  resolver = std::move(fn);
  return *this;
}

FieldDefinition& FieldDefinition::resolveSync(SyncResolver fn) {
  syncResolver = std::move(fn);
  return *this;
}

FieldDefinition& FieldDefinition::resolveBatch(BatchResolver fn) {
  batchResolver = std::move(fn);
  return *this;
}

const InputValueDefinition* FieldDefinition::findArg(std::string_view argName) const {
  for (const auto& a : args) {
    if (a.name == argName) return &a;
  }
  return nullptr;
}

EnumType& EnumType::value(std::string valueName, std::string valueDescription,
                          std::optional<std::string> deprecationReason) {
  values_.push_back(
      Value{std::move(valueName), std::move(valueDescription), std::move(deprecationReason)});
  return *this;
}

const EnumType::Value* EnumType::find(std::string_view valueName) const {
  for (const Value& v : values_) {
    if (v.name == valueName) return &v;
  }
  return nullptr;
}

FieldDefinition& ObjectType::field(std::string fieldName, std::string type) {
  FieldDefinition& def = fields_.emplace_back();
  def.name = std::move(fieldName);
  def.typeName = std::move(type);
  def.owner = this;
  byName_.emplace(def.name, fields_.size() - 1);
  return def;
}

FieldDefinition* ObjectType::findField(std::string_view fieldName) {
  auto it = byName_.find(fieldName);
  return it == byName_.end() ? nullptr : &fields_[it->second];
}

const FieldDefinition* ObjectType::findField(std::string_view fieldName) const {
  auto it = byName_.find(fieldName);
  return it == byName_.end() ? nullptr : &fields_[it->second];
}

InputObjectType& InputObjectType::field(std::string fieldName, std::string type,
                                        std::optional<json::value> defaultValue,
                                        std::string fieldDescription) {
  fields_.push_back(inputValue(std::move(fieldName), std::move(type), std::move(fieldDescription),
                               std::move(defaultValue)));
  byName_.emplace(fields_.back().name, fields_.size() - 1);
  return *this;
}

InputValueDefinition* InputObjectType::findField(std::string_view fieldName) {
  auto it = byName_.find(fieldName);
  return it == byName_.end() ? nullptr : &fields_[it->second];
}

const InputValueDefinition* InputObjectType::findField(std::string_view fieldName) const {
  auto it = byName_.find(fieldName);
  return it == byName_.end() ? nullptr : &fields_[it->second];
}

bool DirectiveDefinition::allows(std::string_view location) const {
  return std::find(locations.begin(), locations.end(), location) != locations.end();
}

const InputValueDefinition* DirectiveDefinition::findArg(std::string_view argName) const {
  for (const auto& a : args) {
    if (a.name == argName) return &a;
  }
  return nullptr;
}

Schema::Schema() {
  using B = ScalarType::Builtin;
  add<ScalarType>("String", ScalarType::Hooks{},
                  "The `String` scalar type represents textual data, represented as UTF-8 "
                  "character sequences. The String type is most often used by GraphQL to "
                  "represent free-form human-readable text.",
                  B::String);
  add<ScalarType>("Int", ScalarType::Hooks{},
                  "The `Int` scalar type represents non-fractional signed whole numeric values. "
                  "Int can represent values between -(2^31) and 2^31 - 1.",
                  B::Int);
  add<ScalarType>("Float", ScalarType::Hooks{},
                  "The `Float` scalar type represents signed double-precision fractional values "
                  "as specified by [IEEE 754](https://en.wikipedia.org/wiki/IEEE_floating_point).",
                  B::Float);
  add<ScalarType>("Boolean", ScalarType::Hooks{},
                  "The `Boolean` scalar type represents `true` or `false`.", B::Boolean);
  add<ScalarType>("ID", ScalarType::Hooks{},
                  "The `ID` scalar type represents a unique identifier, often used to refetch an "
                  "object or as key for a cache. The ID type appears in a JSON response as a "
                  "String; however, it is not intended to be human-readable. When expected as an "
                  "input type, any string (such as `\"4\"`) or integer (such as `4`) input value "
                  "will be accepted as an ID.",
                  B::ID);

  const std::vector<std::string> fieldOrFragment = {"FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"};
  directives_.push_back(DirectiveDefinition{
      "include",
      "Directs the executor to include this field or fragment only when the `if` argument is "
      "true.",
      fieldOrFragment,
      {inputValue("if", "Boolean!", "Included when true.")},
      false});
  directives_.push_back(DirectiveDefinition{
      "skip",
      "Directs the executor to skip this field or fragment when the `if` argument is true.",
      fieldOrFragment,
      {inputValue("if", "Boolean!", "Skipped when true.")},
      false});
  directives_.push_back(DirectiveDefinition{
      "deprecated",
      "Marks an element of a GraphQL schema as no longer supported.",
      {"FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INPUT_FIELD_DEFINITION", "ENUM_VALUE",
       "DIRECTIVE_DEFINITION"},
      {inputValue("reason", "String",
                  "Explains why this element was deprecated, usually also including a "
                  "suggestion for how to access supported similar data. Formatted using the "
                  "Markdown syntax, as specified by [CommonMark](https://commonmark.org/).",
                  json::value(std::string(kDefaultDeprecationReason)))},
      false});
  directives_.push_back(DirectiveDefinition{
      "specifiedBy",
      "Exposes a URL that specifies the behavior of this scalar.",
      {"SCALAR"},
      {inputValue("url", "String!", "The URL that specifies the behavior of this scalar.")},
      false});
  directives_.push_back(DirectiveDefinition{
      "oneOf",
      "Indicates exactly one field must be supplied and this field must not be `null`.",
      {"INPUT_OBJECT"},
      {},
      false});
}

template <typename T, typename... Args>
T& Schema::add(std::string name, Args&&... args) {
  if (finalized_) problems_.push_back("Type \"" + name + "\" was added after finalize().");
  if (auto problem = nameProblem(name, allowReservedNames_)) problems_.push_back(*problem);
  auto owned = std::make_unique<T>(std::move(name), std::forward<Args>(args)...);
  T& type = *owned;
  if (!byName_.emplace(type.name(), &type).second) {
    problems_.push_back(
        "Schema must contain uniquely named types but contains multiple types "
        "named \"" +
        type.name() + "\".");
  }
  allTypes_.push_back(std::move(owned));
  return type;
}

ObjectType& Schema::object(std::string name, std::string description) {
  return add<ObjectType>(std::move(name), std::move(description));
}

InputObjectType& Schema::inputObject(std::string name, std::string description) {
  return add<InputObjectType>(std::move(name), std::move(description));
}

EnumType& Schema::enumeration(std::string name, std::string description) {
  return add<EnumType>(std::move(name), std::move(description));
}

ScalarType& Schema::scalar(std::string name, ScalarType::Hooks hooks, std::string description) {
  return add<ScalarType>(std::move(name), std::move(hooks), std::move(description),
                         ScalarType::Builtin::None);
}

NamedType* Schema::lookup(std::string_view name) const {
  auto it = byName_.find(name);
  return it == byName_.end() ? nullptr : it->second;
}

std::optional<std::string> Schema::resolveType(TypeRef& ref, const std::string& typeName,
                                               bool input, const std::string& owner) {
  auto node = parseTypeReference(typeName);
  if (!node)
    return "The type of " + owner + " is not a valid type reference: \"" + typeName + "\".";
  NamedType* named = lookup(node->name);
  if (!named) {
    return "Unknown type \"" + std::string(node->name) + "\" referenced by " + owner + ".";
  }
  ref = TypeRef{named, node->wrapping};
  if (input && !named->isInputType()) {
    return "The type of " + owner + " must be Input Type but got: " + ref.toString() + ".";
  }
  if (!input && !named->isOutputType()) {
    return "The type of " + owner + " must be Output Type but got: " + ref.toString() + ".";
  }
  return std::nullopt;
}

std::optional<std::string> Schema::finalize() {
  if (finalized_) return std::nullopt;
  allowReservedNames_ = true;
  installIntrospection(*this);
  allowReservedNames_ = false;

  std::vector<std::string> problems = problems_;
  auto check = [&](std::optional<std::string> problem) {
    if (problem) problems.push_back(std::move(*problem));
  };
  auto checkName = [&](const std::string& name, bool reserved) {
    check(nameProblem(name, reserved));
  };
  for (auto& owned : allTypes_) {
    NamedType* type = owned.get();
    const bool reserved = type->name().starts_with("__");
    if (type->kind() == TypeKind::Object) {
      auto* object = static_cast<ObjectType*>(type);
      if (object->fields_.empty()) {
        problems.push_back("Type " + object->name() + " must define one or more fields.");
      }
      for (FieldDefinition& field : object->fields_) {
        const std::string owner = object->name() + "." + field.name;
        if (object->findField(field.name) != &field) {
          problems.push_back("Field " + owner + " is declared more than once.");
        }
        checkName(field.name, reserved);
        check(resolveType(field.type, field.typeName, false, owner));
        field.typeString = field.type.toString();
        for (InputValueDefinition& arg : field.args) {
          checkName(arg.name, reserved);
          check(resolveType(arg.type, arg.typeName, true, owner + "(" + arg.name + ":)"));
          if (field.findArg(arg.name) != &arg) {
            problems.push_back("Argument " + owner + "(" + arg.name +
                               ":) is declared more than once.");
          }
        }
      }
    } else if (type->kind() == TypeKind::InputObject) {
      auto* input = static_cast<InputObjectType*>(type);
      if (input->fields_.empty()) {
        problems.push_back("Input Object type " + input->name() +
                           " must define one or more fields.");
      }
      for (InputValueDefinition& field : input->fields_) {
        const std::string owner = input->name() + "." + field.name;
        if (input->findField(field.name) != &field) {
          problems.push_back("Field " + owner + " is declared more than once.");
        }
        checkName(field.name, reserved);
        check(resolveType(field.type, field.typeName, true, owner));
      }
    } else if (type->kind() == TypeKind::Enum) {
      auto* enumType = static_cast<EnumType*>(type);
      if (enumType->values().empty()) {
        problems.push_back("Enum type " + enumType->name() + " must define one or more values.");
      }
      for (const auto& v : enumType->values()) {
        checkName(v.name, reserved);
        if (v.name == "true" || v.name == "false" || v.name == "null") {
          problems.push_back("Enum type " + enumType->name() + " cannot include value: " + v.name +
                             ".");
        }
      }
    }
  }
  for (DirectiveDefinition& directive : directives_) {
    for (InputValueDefinition& arg : directive.args) {
      check(
          resolveType(arg.type, arg.typeName, true, "@" + directive.name + "(" + arg.name + ":)"));
    }
  }
  auto root = [&](const std::string& name, const char* label, bool required) -> const ObjectType* {
    if (name.empty()) {
      if (required) problems.push_back(std::string(label) + " root type must be provided.");
      return nullptr;
    }
    NamedType* type = lookup(name);
    auto* object =
        type && type->kind() == TypeKind::Object ? static_cast<ObjectType*>(type) : nullptr;
    if (!object) {
      problems.push_back(
          std::string(label) + " root type must be Object type" +
          (type ? ", it cannot be " + name + "." : " but \"" + name + "\" is not declared."));
    }
    return object;
  };
  queryType_ = root(queryTypeName_, "Query", true);
  mutationType_ = root(mutationTypeName_, "Mutation", false);

  for (auto* meta : {typenameField_.get(), schemaField_.get(), typeField_.get()}) {
    check(resolveType(meta->type, meta->typeName, false, meta->name));
    meta->typeString = meta->type.toString();
    for (InputValueDefinition& arg : meta->args) {
      check(resolveType(arg.type, arg.typeName, true, meta->name + "(" + arg.name + ":)"));
    }
  }
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "\n") + p;
    return all;
  }
  normalizeDefaults();
  collectTypes();
  finalized_ = true;
  return std::nullopt;
}

void Schema::collectTypes() {
  // graphql-js's GraphQLSchema constructor, given the declared types in order (as buildSchema()
  // does for the SDL mercurius receives): the type set starts with them; each in turn is taken
  // out and added back at the end, followed by what it references that is not in the set yet.
  std::list<const NamedType*> order;
  std::unordered_map<const NamedType*, std::list<const NamedType*>::iterator> where;
  auto add = [&](const NamedType* type) { where[type] = order.insert(order.end(), type); };
  // graphql-js collectReferencedTypes(): depth first, a field's type before its arguments.
  auto collect = [&](auto& self, const NamedType* type) -> void {
    if (where.contains(type)) return;
    add(type);
    if (type->kind() == TypeKind::Object) {
      for (const FieldDefinition& field : static_cast<const ObjectType*>(type)->fields()) {
        self(self, field.type.named);
        for (const InputValueDefinition& arg : field.args) self(self, arg.type.named);
      }
    } else if (type->kind() == TypeKind::InputObject) {
      for (const InputValueDefinition& field :
           static_cast<const InputObjectType*>(type)->fields()) {
        self(self, field.type.named);
      }
    }
  };
  std::vector<const NamedType*> declared;
  for (auto& owned : allTypes_) {
    const NamedType* type = owned.get();
    bool builtin = type->kind() == TypeKind::Scalar &&
                   static_cast<const ScalarType*>(type)->builtin() != ScalarType::Builtin::None;
    if (!builtin && !type->name().starts_with("__")) declared.push_back(type);
  }
  for (const NamedType* type : declared) add(type);
  for (const NamedType* type : declared) {
    order.erase(where[type]);
    where.erase(type);
    collect(collect, type);
  }
  if (queryType_) collect(collect, queryType_);
  if (mutationType_) collect(collect, mutationType_);
  for (const DirectiveDefinition& directive : directives_) {
    for (const InputValueDefinition& arg : directive.args) collect(collect, arg.type.named);
  }
  collect(collect, lookup("__Schema"));
  types_.assign(order.begin(), order.end());
  for (size_t i = 0; i < types_.size(); ++i) {
    const_cast<NamedType*>(types_[i])->index_ = i;
    typeMap_.emplace(types_[i]->name(), types_[i]);
  }
}

namespace {

// A default value as graphql-js sees it after the SDL round trip mercurius makes (printed with
// astFromValue(), read back with valueFromAST()): leaf values re-coerced, fields of input
// objects in declaration order, their own defaults filled in.
json::value normalizeDefault(const json::value& value, TypeRef type) {
  if (type.isNonNull()) return normalizeDefault(value, type.inner());
  if (value.is_null()) return nullptr;
  if (type.isList()) {
    json::array out;
    if (!value.is_array()) {
      out.push_back(normalizeDefault(value, type.inner()));
      return out;
    }
    for (const json::value& item : value.get_array()) {
      out.push_back(normalizeDefault(item, type.inner()));
    }
    return out;
  }
  if (type.named->kind() == TypeKind::InputObject) {
    if (!value.is_object()) return value;
    json::object out;
    for (const InputValueDefinition& field :
         static_cast<const InputObjectType*>(type.named)->fields()) {
      const json::value* v = value.get_object().if_contains(field.name);
      if (v) {
        out[field.name] = normalizeDefault(*v, field.type);
      } else if (field.defaultValue) {
        out[field.name] = normalizeDefault(*field.defaultValue, field.type);
      }
    }
    return out;
  }
  auto serialized = serializeLeaf(*type.named, value);
  if (!serialized) return value;
  auto parsed = parseLeafValue(*type.named, *serialized);
  return parsed ? std::move(*parsed) : value;
}

}  // namespace

void Schema::normalizeDefaults() {
  auto normalize = [](InputValueDefinition& def) {
    if (def.defaultValue) def.defaultValue = normalizeDefault(*def.defaultValue, def.type);
  };
  for (auto& owned : allTypes_) {
    if (owned->kind() == TypeKind::Object) {
      for (FieldDefinition& field : static_cast<ObjectType*>(owned.get())->fields_) {
        for (InputValueDefinition& arg : field.args) normalize(arg);
      }
    } else if (owned->kind() == TypeKind::InputObject) {
      for (InputValueDefinition& field : static_cast<InputObjectType*>(owned.get())->fields_) {
        normalize(field);
      }
    }
  }
}

const NamedType* Schema::findType(std::string_view name) const {
  auto it = typeMap_.find(name);
  return it == typeMap_.end() ? nullptr : it->second;
}

const DirectiveDefinition* Schema::findDirective(std::string_view name) const {
  for (const auto& d : directives_) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

const FieldDefinition* Schema::fieldDefinition(const ObjectType& parent,
                                               std::string_view name) const {
  if (name.size() > 2 && name[0] == '_' && name[1] == '_') {
    if (name == "__typename") return typenameField_.get();
    if (&parent == queryType_) {
      if (name == "__schema") return schemaField_.get();
      if (name == "__type") return typeField_.get();
    }
  }
  return parent.findField(name);
}

}  // namespace watt::graphql
