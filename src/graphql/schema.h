// A GraphQL schema built in code: object, input object, enum and scalar types, fields with
// arguments and resolvers, a query type and an optional mutation type. Types refer to each other
// by name ("[Film!]!"), so they can be declared in any order; finalize() resolves the names,
// checks the schema, adds the introspection types and precomputes what execution needs. After
// that the schema is read-only and may be shared by every loop.
//
//   Schema schema;
//   schema.object("Film").field("id", "ID!");
//   schema.object("Query").field("films", "[Film!]").arg("limit", "Int")
//       .resolve([](const ResolveParams& p) -> Task<ResolveResult> { co_return ...; });
//   schema.setQueryType("Query");
//   if (auto problem = schema.finalize()) ...
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/asio.h"
#include "common/result.h"
#include "graphql/ast.h"

namespace watt::graphql {

class Schema;
class NamedType;
class ObjectType;
struct FieldDefinition;

enum class TypeKind : uint8_t { Scalar, Object, Enum, InputObject };

// A named type with its list/non-null wrappers.
struct TypeRef {
  const NamedType* named = nullptr;
  TypeWrapping wrapping;

  bool isNonNull() const { return wrapping.isNonNull(); }
  bool isList() const { return wrapping.isList(); }
  TypeRef inner() const { return {named, wrapping.inner()}; }
  TypeRef nullable() const { return isNonNull() ? inner() : *this; }
  std::string toString() const;  // "[Film!]!"
  bool operator==(const TypeRef&) const = default;
};

// Where a value sits in the response: response keys and list indices, innermost last.
struct Path {
  const Path* parent = nullptr;
  std::string_view key;  // a response key; empty for a list index
  int64_t index = -1;
  json::array toJson() const;
};

struct ResolveInfo {
  const Schema& schema;
  const ObjectType& parentType;
  const FieldDefinition& field;
  const Path& path;  // the field's path; for a batch resolver, the first parent's
  // Names of the fields selected on the returned object (empty for scalars and enums), once each,
  // in document order: what a resolver needs to fetch.
  std::span<const std::string_view> selectedFields;
  const ast::Document& document;
  const json::object& variables;  // coerced variable values
  ast::OperationType operation;

  const std::string& fieldName() const;
  const std::string& returnTypeName() const;  // the named type: "Film" for "[Film!]!"
};

// What a resolver produces: the field's value (an object for object types, which the fields
// below read; it may carry extra keys) or an error message for the response.
using ResolveResult = Result<json::value>;

struct ResolveParams {
  const json::value& parent;  // the object this field belongs to (the root value at the top)
  const json::object& args;   // coerced arguments, defaults applied
  void* context;              // ExecutionOptions::context
  const ResolveInfo& info;
};

struct BatchParams {
  std::span<const json::value* const> parents;  // every parent of this field at one list level
  const json::object& args;
  void* context;
  const ResolveInfo& info;
};

using Resolver = std::function<Task<ResolveResult>(const ResolveParams&)>;
using SyncResolver = std::function<ResolveResult(const ResolveParams&)>;
// One result per parent, in order; an error for the whole batch fails the field for each parent.
using BatchResolver = std::function<Task<Result<std::vector<ResolveResult>>>(const BatchParams&)>;

struct InputValueDefinition {
  std::string name;
  std::string typeName;  // as declared, e.g. "[ID!]"
  std::string description;
  // The internal value. finalize() reshapes it the way mercurius's SDL round trip does
  // (input object fields in declaration order, their own defaults filled in).
  std::optional<json::value> defaultValue;
  std::optional<std::string> deprecationReason;
  TypeRef type;  // resolved by Schema::finalize()

  bool isRequired() const { return type.isNonNull() && !defaultValue; }
};

inline constexpr std::string_view kDefaultDeprecationReason = "No longer supported";

struct FieldDefinition {
  std::string name;
  std::string typeName;
  std::string description;
  std::optional<std::string> deprecationReason;
  std::vector<InputValueDefinition> args;
  // At most one is used: batch, then async, then sync; with none, the field reads the property
  // of the same name from its parent object.
  BatchResolver batchResolver;
  Resolver resolver;
  SyncResolver syncResolver;
  TypeRef type;            // resolved by Schema::finalize()
  std::string typeString;  // type.toString(), precomputed
  ObjectType* owner = nullptr;

  // Another field of the same object type, for chaining: .field("a", "Int").field("b", "ID").
  FieldDefinition& field(std::string fieldName, std::string type);
  FieldDefinition& arg(std::string argName, std::string argType,
                       std::optional<json::value> defaultValue = std::nullopt,
                       std::string argDescription = {});
  FieldDefinition& describe(std::string text);
  FieldDefinition& deprecate(std::string reason = std::string(kDefaultDeprecationReason));
  FieldDefinition& resolve(Resolver fn);
  FieldDefinition& resolveSync(SyncResolver fn);
  FieldDefinition& resolveBatch(BatchResolver fn);
  const InputValueDefinition* findArg(std::string_view argName) const;
};

class NamedType {
 public:
  virtual ~NamedType() = default;
  NamedType(const NamedType&) = delete;
  NamedType& operator=(const NamedType&) = delete;

  TypeKind kind() const { return kind_; }
  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  bool isLeaf() const { return kind_ == TypeKind::Scalar || kind_ == TypeKind::Enum; }
  bool isInputType() const { return kind_ != TypeKind::Object; }
  bool isOutputType() const { return kind_ != TypeKind::InputObject; }
  size_t index() const { return index_; }  // position in Schema::types()

 protected:
  NamedType(TypeKind kind, std::string name, std::string description)
      : kind_(kind), name_(std::move(name)), description_(std::move(description)) {}

 private:
  friend class Schema;
  TypeKind kind_;
  std::string name_;
  std::string description_;
  size_t index_ = SIZE_MAX;
};

class ScalarType final : public NamedType {
 public:
  enum class Builtin : uint8_t { None, Int, Float, String, Boolean, ID };
  // Custom scalars: each hook returns the coerced value or an error message (used verbatim,
  // like a GraphQLError thrown by graphql-js hooks). Missing hooks pass values through;
  // a missing parseLiteral converts the literal to JSON and calls parseValue.
  using Coerce = std::function<Result<json::value>(const json::value&)>;
  using ParseLiteral =
      std::function<Result<json::value>(const ast::Value&, const json::object* variables)>;
  struct Hooks {
    Coerce serialize;
    Coerce parseValue;
    ParseLiteral parseLiteral;
  };

  ScalarType(std::string name, Hooks hooks, std::string description, Builtin builtin)
      : NamedType(TypeKind::Scalar, std::move(name), std::move(description)),
        hooks_(std::move(hooks)),
        builtin_(builtin) {}

  const Hooks& hooks() const { return hooks_; }
  Builtin builtin() const { return builtin_; }
  const std::string& specifiedByUrl() const { return specifiedByUrl_; }
  ScalarType& specifiedBy(std::string url) {
    specifiedByUrl_ = std::move(url);
    return *this;
  }

 private:
  Hooks hooks_;
  Builtin builtin_;
  std::string specifiedByUrl_;
};

class EnumType final : public NamedType {
 public:
  struct Value {
    std::string name;  // also the internal value, as in an SDL-built graphql-js schema
    std::string description;
    std::optional<std::string> deprecationReason;
  };

  EnumType(std::string name, std::string description)
      : NamedType(TypeKind::Enum, std::move(name), std::move(description)) {}

  EnumType& value(std::string valueName, std::string valueDescription = {},
                  std::optional<std::string> deprecationReason = std::nullopt);
  const std::deque<Value>& values() const { return values_; }
  const Value* find(std::string_view valueName) const;

 private:
  std::deque<Value> values_;
};

class ObjectType final : public NamedType {
 public:
  ObjectType(std::string name, std::string description)
      : NamedType(TypeKind::Object, std::move(name), std::move(description)) {}

  // Adds a field; returns it for chaining arg()/resolve()/describe().
  FieldDefinition& field(std::string fieldName, std::string type);
  const std::deque<FieldDefinition>& fields() const { return fields_; }
  FieldDefinition* findField(std::string_view fieldName);
  const FieldDefinition* findField(std::string_view fieldName) const;

 private:
  friend class Schema;
  std::deque<FieldDefinition> fields_;  // a deque: references handed out stay valid
  std::unordered_map<std::string_view, size_t> byName_;
};

class InputObjectType final : public NamedType {
 public:
  InputObjectType(std::string name, std::string description)
      : NamedType(TypeKind::InputObject, std::move(name), std::move(description)) {}

  InputObjectType& field(std::string fieldName, std::string type,
                         std::optional<json::value> defaultValue = std::nullopt,
                         std::string fieldDescription = {});
  const std::deque<InputValueDefinition>& fields() const { return fields_; }
  InputValueDefinition* findField(std::string_view fieldName);
  const InputValueDefinition* findField(std::string_view fieldName) const;

 private:
  friend class Schema;
  std::deque<InputValueDefinition> fields_;
  std::unordered_map<std::string_view, size_t> byName_;
};

struct DirectiveDefinition {
  std::string name;
  std::string description;
  std::vector<std::string> locations;  // "FIELD", "INLINE_FRAGMENT", ...
  std::vector<InputValueDefinition> args;
  bool repeatable = false;

  bool allows(std::string_view location) const;
  const InputValueDefinition* findArg(std::string_view argName) const;
};

class Schema {
 public:
  Schema();
  Schema(Schema&&) = default;
  Schema& operator=(Schema&&) = default;

  // ---- Building (before finalize) ----
  ObjectType& object(std::string name, std::string description = {});
  InputObjectType& inputObject(std::string name, std::string description = {});
  EnumType& enumeration(std::string name, std::string description = {});
  ScalarType& scalar(std::string name, ScalarType::Hooks hooks = {}, std::string description = {});
  void setQueryType(std::string name) { queryTypeName_ = std::move(name); }
  void setMutationType(std::string name) { mutationTypeName_ = std::move(name); }
  // Checks and freezes the schema; returns what is wrong with it, if anything.
  std::optional<std::string> finalize();

  // ---- Reading (after finalize) ----
  bool finalized() const { return finalized_; }
  const ObjectType* queryType() const { return queryType_; }
  const ObjectType* mutationType() const { return mutationType_; }
  // The types of the schema (those reachable from its roots, plus every type declared), in
  // graphql-js type-map order; built-in scalars appear only when used.
  const std::vector<const NamedType*>& types() const { return types_; }
  const NamedType* findType(std::string_view name) const;
  const std::vector<DirectiveDefinition>& directives() const { return directives_; }
  const DirectiveDefinition* findDirective(std::string_view name) const;
  // A field of `parent`, including __typename, and __schema/__type on the query type.
  const FieldDefinition* fieldDefinition(const ObjectType& parent, std::string_view name) const;
  // The schema in SDL, as graphql-js printSchema() writes it.
  std::string printSdl() const;

 private:
  friend void installIntrospection(Schema& schema);
  template <typename T, typename... Args>
  T& add(std::string name, Args&&... args);
  NamedType* lookup(std::string_view name) const;
  std::optional<std::string> resolveType(TypeRef& ref, const std::string& typeName, bool input,
                                         const std::string& owner);
  void collectTypes();
  void normalizeDefaults();

  std::vector<std::unique_ptr<NamedType>> allTypes_;
  std::unordered_map<std::string_view, NamedType*> byName_;
  std::vector<std::string> problems_;
  bool allowReservedNames_ = false;
  std::string queryTypeName_;
  std::string mutationTypeName_;
  bool finalized_ = false;

  const ObjectType* queryType_ = nullptr;
  const ObjectType* mutationType_ = nullptr;
  std::vector<const NamedType*> types_;
  std::unordered_map<std::string_view, const NamedType*> typeMap_;
  std::vector<DirectiveDefinition> directives_;
  std::unique_ptr<FieldDefinition> typenameField_;
  std::unique_ptr<FieldDefinition> schemaField_;
  std::unique_ptr<FieldDefinition> typeField_;
};

}  // namespace watt::graphql
