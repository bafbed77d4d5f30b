// Helpers for the GraphQL tests: running a coroutine to completion, and a small in-memory
// schema shaped like the one @platformatic/db generates for the films/studios conformance app
// (no database involved).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include "common/asio.h"
#include "graphql/executor.h"
#include "graphql/http_endpoint.h"
#include "graphql/parser.h"
#include "graphql/schema.h"
#include "graphql/validator.h"

namespace watt::graphql::testing {

template <typename T>
T runTask(Task<T> task) {
  asio::io_context io;
  std::optional<T> out;
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
    if (e) std::rethrow_exception(e);
    out = std::move(value);
  });
  io.run();
  return std::move(*out);
}

inline json::value parseJson(std::string_view text) {
  return json::parse(text);
}

// Parses and validates; fails the test on errors.
inline std::shared_ptr<const ast::Document> mustParse(const Schema& schema, std::string query) {
  ParseResult parsed = parse(std::move(query));
  EXPECT_TRUE(parsed.document) << parsed.error.message;
  if (!parsed.document) return nullptr;
  auto errors = validate(schema, *parsed.document);
  for (const auto& e : errors) ADD_FAILURE() << "validation: " << e.message;
  return parsed.document;
}

// Executes and returns {"data":..., "errors":[...]} (errors only when there are some), with
// numbers in paths kept as numbers.
inline json::object run(const Schema& schema, std::string query, json::object variables = {},
                        void* context = nullptr, ExecutionLimits limits = {}) {
  auto document = mustParse(schema, std::move(query));
  if (!document) return {};
  ExecutionOptions options;
  options.variables = &variables;
  options.context = context;
  options.limits = limits;
  ExecutionResult result = runTask(execute(schema, document, options));
  json::object out;
  out["data"] = result.data;
  if (!result.errors.empty()) {
    json::array errors;
    for (const auto& e : result.errors) errors.push_back(e.toJson());
    out["errors"] = std::move(errors);
  }
  return out;
}

// ---- The films/studios app ----

struct CinemaData {
  json::array studios = json::parse(R"([
    {"id": 1, "name": "Ghibli", "city": "Tokyo"},
    {"id": 2, "name": "Pixar", "city": "Emeryville"},
    {"id": 3, "name": "Aardman", "city": "Bristol"}])")
                            .as_array();
  json::array films = json::parse(R"([
    {"id": 1, "title": "My Neighbor Totoro", "released": 1988, "rating": 8.1, "studioId": 1},
    {"id": 2, "title": "Spirited Away", "released": 2001, "rating": 8.6, "studioId": 1},
    {"id": 3, "title": "Toy Story", "released": 1995, "rating": 8.3, "studioId": 2},
    {"id": 4, "title": "Up", "released": 2009, "rating": 8.2, "studioId": 2},
    {"id": 5, "title": "Chicken Run", "released": 2000, "rating": 7.1, "studioId": 3},
    {"id": 6, "title": "Wallace & Gromit: The Curse of the Were-Rabbit", "released": 2005,
     "rating": 7.5, "studioId": 3}])")
                          .as_array();
  int nextFilmId = 7;
  int studioFilmsBatchCalls = 0;
  int filmStudioBatchCalls = 0;
};

inline double number(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double()) return v.get_double();
  if (v.is_string()) return std::stod(std::string(v.get_string()));
  return 0;
}

// where: {column: {eq|neq|gt|gte|lt|lte|in: ...}}
inline bool matches(const json::object& row, const json::value* where) {
  if (!where || !where->is_object()) return true;
  for (const auto& [column, ops] : where->get_object()) {
    if (!ops.is_object()) continue;
    const json::value* cell = row.if_contains(column);
    if (!cell) return false;
    for (const auto& [op, operand] : ops.get_object()) {
      if (operand.is_null()) continue;
      if (op == "in") {
        bool any = false;
        for (const auto& v : operand.get_array()) any = any || number(v) == number(*cell);
        if (!any) return false;
        continue;
      }
      if (cell->is_string()) {
        if (op == "eq" && cell->get_string() != operand.get_string()) return false;
        continue;
      }
      double a = number(*cell), b = number(operand);
      if ((op == "eq" && !(a == b)) || (op == "neq" && !(a != b)) || (op == "gt" && !(a > b)) ||
          (op == "gte" && !(a >= b)) || (op == "lt" && !(a < b)) || (op == "lte" && !(a <= b))) {
        return false;
      }
    }
  }
  return true;
}

inline void addWhereType(Schema& schema, const std::string& entity,
                         const std::vector<std::pair<std::string, std::string>>& columns) {
  auto& where = schema.inputObject(entity + "WhereArguments");
  for (const auto& [column, type] : columns) {
    auto& ops = schema.inputObject(entity + "WhereArguments" + column);
    for (const char* op : {"eq", "neq", "gt", "gte", "lt", "lte", "like"}) ops.field(op, type);
    ops.field("in", "[" + type + "]").field("nin", "[" + type + "]");
    where.field(column, entity + "WhereArguments" + column);
  }
}

inline json::array listRows(const json::array& rows, const ResolveParams& p) {
  json::array out;
  for (const auto& row : rows) {
    if (matches(row.get_object(), p.args.if_contains("where"))) out.push_back(row);
  }
  if (const json::value* orderBy = p.args.if_contains("orderBy"); orderBy && orderBy->is_array()) {
    for (auto it = orderBy->get_array().rbegin(); it != orderBy->get_array().rend(); ++it) {
      std::string field(it->at("field").get_string());
      bool desc = it->at("direction").get_string() == "DESC";
      std::stable_sort(out.begin(), out.end(), [&](const json::value& a, const json::value& b) {
        double x = number(a.at(field)), y = number(b.at(field));
        return desc ? x > y : x < y;
      });
    }
  }
  int64_t offset = 0;
  if (const json::value* o = p.args.if_contains("offset"); o && o->is_int64())
    offset = o->get_int64();
  json::array page;
  for (size_t i = static_cast<size_t>(offset); i < out.size(); ++i) {
    if (const json::value* l = p.args.if_contains("limit");
        l && l->is_int64() && page.size() >= static_cast<size_t>(l->get_int64())) {
      break;
    }
    page.push_back(out[i]);
  }
  return page;
}

inline std::unique_ptr<Schema> makeCinemaSchema() {
  auto schema = std::make_unique<Schema>();
  auto& film = schema->object("Film");
  film.field("id", "ID").field("title", "String").field("released", "Int").field("rating", "Float");
  // A batch resolver: one call for every film of a list level.
  film.field("studio", "Studio")
      .resolveBatch([](const BatchParams& p) -> Task<Result<std::vector<ResolveResult>>> {
        auto* data = static_cast<CinemaData*>(p.context);
        ++data->filmStudioBatchCalls;
        std::vector<ResolveResult> out;
        for (const json::value* parent : p.parents) {
          json::value found = nullptr;
          for (const auto& s : data->studios) {
            if (number(s.at("id")) == number(parent->at("studioId"))) found = s;
          }
          out.emplace_back(std::move(found));
        }
        co_return out;
      });
  auto& studio = schema->object("Studio");
  studio.field("id", "ID").field("name", "String").field("city", "String");
  studio.field("films", "[Film]")
      .resolveBatch([](const BatchParams& p) -> Task<Result<std::vector<ResolveResult>>> {
        auto* data = static_cast<CinemaData*>(p.context);
        ++data->studioFilmsBatchCalls;
        std::vector<ResolveResult> out;
        for (const json::value* parent : p.parents) {
          json::array films;
          for (const auto& f : data->films) {
            if (number(f.at("studioId")) == number(parent->at("id"))) films.push_back(f);
          }
          out.emplace_back(json::value(std::move(films)));
        }
        co_return out;
      });
  schema->object("filmsCount").field("total", "Int");
  schema->object("studiosCount").field("total", "Int");
  schema->enumeration("OrderByDirection").value("ASC").value("DESC");
  auto& filmField = schema->enumeration("FilmOrderByField");
  for (const char* c : {"id", "title", "released", "rating", "studioId"}) filmField.value(c);
  schema->inputObject("FilmOrderByArguments")
      .field("field", "FilmOrderByField")
      .field("direction", "OrderByDirection!");
  addWhereType(*schema, "Film",
               {{"id", "ID"},
                {"title", "String"},
                {"released", "Int"},
                {"rating", "Float"},
                {"studioId", "ID"}});
  addWhereType(*schema, "Studio", {{"id", "ID"}, {"name", "String"}, {"city", "String"}});
  schema->inputObject("FilmInput")
      .field("id", "ID")
      .field("title", "String")
      .field("released", "Int")
      .field("rating", "Float")
      .field("studioId", "ID");

  auto& query = schema->object("Query");
  query.field("films", "[Film]")
      .arg("limit", "Int")
      .arg("offset", "Int")
      .arg("orderBy", "[FilmOrderByArguments]")
      .arg("where", "FilmWhereArguments")
      .resolve([](const ResolveParams& p) -> Task<ResolveResult> {
        auto* data = static_cast<CinemaData*>(p.context);
        if (const json::value* l = p.args.if_contains("limit");
            l && l->is_int64() && l->get_int64() > 100) {
          co_return Error{"Param limit=" + std::to_string(l->get_int64()) +
                          " not allowed. Max accepted value 100."};
        }
        co_return json::value(listRows(data->films, p));
      });
  query.field("getFilmById", "Film")
      .arg("id", "ID!")
      .resolve([](const ResolveParams& p) -> Task<ResolveResult> {
        auto* data = static_cast<CinemaData*>(p.context);
        for (const auto& f : data->films) {
          if (number(f.at("id")) == number(p.args.at("id"))) co_return f;
        }
        co_return json::value(nullptr);
      });
  query.field("countFilms", "filmsCount")
      .arg("where", "FilmWhereArguments")
      .resolveSync([](const ResolveParams& p) -> ResolveResult {
        auto* data = static_cast<CinemaData*>(p.context);
        return json::value(json::object{{"total", listRows(data->films, p).size()}});
      });
  query.field("studios", "[Studio]")
      .arg("where", "StudioWhereArguments")
      .resolve([](const ResolveParams& p) -> Task<ResolveResult> {
        co_return json::value(listRows(static_cast<CinemaData*>(p.context)->studios, p));
      });
  query.field("getStudioById", "Studio")
      .arg("id", "ID!")
      .resolve([](const ResolveParams& p) -> Task<ResolveResult> {
        auto* data = static_cast<CinemaData*>(p.context);
        for (const auto& s : data->studios) {
          if (number(s.at("id")) == number(p.args.at("id"))) co_return s;
        }
        co_return json::value(nullptr);
      });
  query.field("countStudios", "studiosCount")
      .resolveSync([](const ResolveParams& p) -> ResolveResult {
        auto* data = static_cast<CinemaData*>(p.context);
        return json::value(json::object{{"total", data->studios.size()}});
      });

  auto& mutation = schema->object("Mutation");
  mutation.field("saveFilm", "Film")
      .arg("input", "FilmInput!")
      .resolve([](const ResolveParams& p) -> Task<ResolveResult> {
        auto* data = static_cast<CinemaData*>(p.context);
        const json::object& input = p.args.at("input").as_object();
        if (const json::value* id = input.if_contains("id")) {
          for (auto& f : data->films) {
            if (number(f.at("id")) != number(*id)) continue;
            for (const auto& [k, v] : input) {
              if (k != "id") f.as_object()[k] = v;
            }
            co_return f;
          }
        }
        if (!input.contains("title")) co_return Error{"NOT NULL constraint failed: films.title"};
        json::object row{{"id", data->nextFilmId++}};
        for (const auto& [k, v] : input) row[k] = v;
        for (const char* k : {"title", "released", "rating", "studioId"}) {
          if (!row.contains(k)) row[k] = nullptr;
        }
        data->films.push_back(row);
        co_return json::value(row);
      });
  mutation.field("insertFilms", "[Film]")
      .arg("inputs", "[FilmInput]!")
      .resolve([](const ResolveParams& p) -> Task<ResolveResult> {
        auto* data = static_cast<CinemaData*>(p.context);
        json::array out;
        for (const auto& input : p.args.at("inputs").as_array()) {
          json::object row{{"id", data->nextFilmId++}};
          for (const auto& [k, v] : input.as_object()) row[k] = v;
          data->films.push_back(row);
          out.push_back(row);
        }
        co_return json::value(std::move(out));
      });
  mutation.field("deleteFilms", "[Film]")
      .arg("where", "FilmWhereArguments")
      .resolve([](const ResolveParams& p) -> Task<ResolveResult> {
        auto* data = static_cast<CinemaData*>(p.context);
        json::array removed, kept;
        for (auto& f : data->films) {
          (matches(f.as_object(), p.args.if_contains("where")) ? removed : kept).push_back(f);
        }
        data->films = std::move(kept);
        co_return json::value(std::move(removed));
      });
  schema->setQueryType("Query");
  schema->setMutationType("Mutation");
  auto problem = schema->finalize();
  EXPECT_FALSE(problem) << *problem;
  return schema;
}

}  // namespace watt::graphql::testing
