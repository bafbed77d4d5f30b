#include "graphql/introspection.h"

#include "graphql/printer.h"
#include "graphql/schema.h"

namespace watt::graphql {
namespace {

// Introspection objects are JSON objects holding their scalar fields, plus hidden keys ("$t",
// ...) naming the schema element they describe; '$' cannot start a GraphQL name, so a query can
// never select those keys.

json::value nullableText(const std::string& text) {
  return text.empty() ? json::value(nullptr) : json::value(text);
}

json::value optionalText(const std::optional<std::string>& text) {
  return text ? json::value(*text) : json::value(nullptr);
}

void putTypeRef(json::object& out, TypeRef ref) {
  out["$t"] = ref.named->index();
  out["$w"] = ref.wrapping.bits();
  out["$n"] = ref.wrapping.size();
}

std::optional<TypeRef> typeRefOf(const Schema& schema, const json::value& parent) {
  const json::object* o = parent.if_object();
  if (!o) return std::nullopt;
  const json::value* t = o->if_contains("$t");
  const json::value* w = o->if_contains("$w");
  const json::value* n = o->if_contains("$n");
  if (!t || !w || !n || (!t->is_uint64() && !t->is_int64())) return std::nullopt;
  auto index = t->to_number<uint64_t>();
  if (index >= schema.types().size()) return std::nullopt;
  auto wrapping = TypeWrapping::fromBits(w->to_number<uint32_t>(), n->to_number<unsigned>());
  if (!wrapping) return std::nullopt;
  return TypeRef{schema.types()[index], *wrapping};
}

std::optional<size_t> indexOf(const json::value& parent, std::string_view key) {
  const json::object* o = parent.if_object();
  const json::value* v = o ? o->if_contains(key) : nullptr;
  if (!v || !(v->is_uint64() || v->is_int64())) return std::nullopt;
  return v->to_number<uint64_t>();
}

const char* kindName(TypeRef ref) {
  if (ref.wrapping.isNonNull()) return "NON_NULL";
  if (ref.wrapping.isList()) return "LIST";
  switch (ref.named->kind()) {
    case TypeKind::Scalar:
      return "SCALAR";
    case TypeKind::Object:
      return "OBJECT";
    case TypeKind::Enum:
      return "ENUM";
    case TypeKind::InputObject:
      return "INPUT_OBJECT";
  }
  return "SCALAR";
}

json::value typeValue(TypeRef ref) {
  json::object out;
  const bool wrapped = !ref.wrapping.empty();
  const NamedType& type = *ref.named;
  out["kind"] = kindName(ref);
  out["name"] = wrapped ? json::value(nullptr) : json::value(type.name());
  out["description"] = wrapped ? json::value(nullptr) : nullableText(type.description());
  out["specifiedByURL"] = !wrapped && type.kind() == TypeKind::Scalar
                              ? nullableText(static_cast<const ScalarType&>(type).specifiedByUrl())
                              : json::value(nullptr);
  out["isOneOf"] =
      !wrapped && type.kind() == TypeKind::InputObject ? json::value(false) : json::value(nullptr);
  putTypeRef(out, ref);
  return out;
}

json::value inputValueValue(const InputValueDefinition& def) {
  json::object out;
  out["name"] = def.name;
  out["description"] = nullableText(def.description);
  std::optional<std::string> printed;
  if (def.defaultValue) printed = printDefaultValue(*def.defaultValue, def.type);
  out["defaultValue"] = optionalText(printed);
  out["isDeprecated"] = def.deprecationReason.has_value();
  out["deprecationReason"] = optionalText(def.deprecationReason);
  putTypeRef(out, def.type);
  return out;
}

bool includeDeprecated(const ResolveParams& p) {
  const json::value* v = p.args.if_contains("includeDeprecated");
  return v && v->is_bool() && v->get_bool();
}

json::value inputValues(const std::vector<InputValueDefinition>& defs, bool withDeprecated) {
  json::array out;
  for (const auto& def : defs) {
    if (withDeprecated || !def.deprecationReason) out.push_back(inputValueValue(def));
  }
  return out;
}

json::value directiveValue(const DirectiveDefinition& directive, size_t index) {
  json::object out;
  out["name"] = directive.name;
  out["description"] = nullableText(directive.description);
  out["isRepeatable"] = directive.repeatable;
  json::array locations;
  for (const auto& l : directive.locations) locations.push_back(json::value(l));
  out["locations"] = std::move(locations);
  out["isDeprecated"] = false;
  out["deprecationReason"] = nullptr;
  out["$d"] = index;
  return out;
}

const ObjectType* objectOf(std::optional<TypeRef> ref) {
  if (!ref || !ref->wrapping.empty() || ref->named->kind() != TypeKind::Object) return nullptr;
  return static_cast<const ObjectType*>(ref->named);
}

ResolveResult schemaTypes(const ResolveParams& p) {
  json::array out;
  for (const NamedType* type : p.info.schema.types()) out.push_back(typeValue(TypeRef{type, {}}));
  return json::value(std::move(out));
}

ResolveResult typeFields(const ResolveParams& p) {
  const ObjectType* object = objectOf(typeRefOf(p.info.schema, p.parent));
  if (!object) return json::value(nullptr);
  json::array out;
  size_t index = 0;
  for (const FieldDefinition& field : object->fields()) {
    if (includeDeprecated(p) || !field.deprecationReason) {
      json::object f;
      f["name"] = field.name;
      f["description"] = nullableText(field.description);
      f["isDeprecated"] = field.deprecationReason.has_value();
      f["deprecationReason"] = optionalText(field.deprecationReason);
      f["$o"] = object->index();
      f["$f"] = index;
      putTypeRef(f, field.type);
      out.push_back(std::move(f));
    }
    ++index;
  }
  return json::value(std::move(out));
}

ResolveResult fieldArgs(const ResolveParams& p) {
  auto owner = indexOf(p.parent, "$o");
  auto field = indexOf(p.parent, "$f");
  const auto& types = p.info.schema.types();
  if (!owner || !field || *owner >= types.size() || types[*owner]->kind() != TypeKind::Object) {
    return json::value(json::array());
  }
  const auto& fields = static_cast<const ObjectType*>(types[*owner])->fields();
  if (*field >= fields.size()) return json::value(json::array());
  return inputValues(fields[*field].args, includeDeprecated(p));
}

ResolveResult typeOfValue(const ResolveParams& p) {
  auto ref = typeRefOf(p.info.schema, p.parent);
  if (!ref) return json::value(nullptr);
  return typeValue(*ref);
}

ResolveResult typeEnumValues(const ResolveParams& p) {
  auto ref = typeRefOf(p.info.schema, p.parent);
  if (!ref || !ref->wrapping.empty() || ref->named->kind() != TypeKind::Enum) {
    return json::value(nullptr);
  }
  json::array out;
  for (const auto& v : static_cast<const EnumType*>(ref->named)->values()) {
    if (!includeDeprecated(p) && v.deprecationReason) continue;
    out.push_back(json::object{{"name", v.name},
                               {"description", nullableText(v.description)},
                               {"isDeprecated", v.deprecationReason.has_value()},
                               {"deprecationReason", optionalText(v.deprecationReason)}});
  }
  return json::value(std::move(out));
}

ResolveResult typeInputFields(const ResolveParams& p) {
  auto ref = typeRefOf(p.info.schema, p.parent);
  if (!ref || !ref->wrapping.empty() || ref->named->kind() != TypeKind::InputObject) {
    return json::value(nullptr);
  }
  json::array out;
  for (const auto& f : static_cast<const InputObjectType*>(ref->named)->fields()) {
    if (includeDeprecated(p) || !f.deprecationReason) out.push_back(inputValueValue(f));
  }
  return json::value(std::move(out));
}

ResolveResult typeInterfaces(const ResolveParams& p) {
  return objectOf(typeRefOf(p.info.schema, p.parent)) ? json::value(json::array())
                                                      : json::value(nullptr);
}

ResolveResult typeOfType(const ResolveParams& p) {
  auto ref = typeRefOf(p.info.schema, p.parent);
  if (!ref || ref->wrapping.empty()) return json::value(nullptr);
  return typeValue(ref->inner());
}

ResolveResult schemaDirectives(const ResolveParams& p) {
  json::array out;
  const auto& directives = p.info.schema.directives();
  for (size_t i = 0; i < directives.size(); ++i) out.push_back(directiveValue(directives[i], i));
  return json::value(std::move(out));
}

ResolveResult directiveArgs(const ResolveParams& p) {
  auto index = indexOf(p.parent, "$d");
  const auto& directives = p.info.schema.directives();
  if (!index || *index >= directives.size()) return json::value(json::array());
  return inputValues(directives[*index].args, includeDeprecated(p));
}

}  // namespace

void installIntrospection(Schema& schema) {
  if (schema.lookup("__Schema")) return;

  ObjectType& schemaType = schema.object(
      "__Schema",
      "A GraphQL Schema defines the capabilities of a GraphQL server. It exposes all available "
      "types and directives on the server, as well as the entry points for query, mutation, and "
      "subscription operations.");
  schemaType.field("description", "String");
  schemaType.field("types", "[__Type!]!")
      .describe("A list of all types supported by this server.")
      .resolveSync(schemaTypes);
  schemaType.field("queryType", "__Type!")
      .describe("The type that query operations will be rooted at.")
      .resolveSync([](const ResolveParams& p) -> ResolveResult {
        return typeValue(TypeRef{p.info.schema.queryType(), {}});
      });
  schemaType.field("mutationType", "__Type")
      .describe(
          "If this server supports mutation, the type that mutation operations will be "
          "rooted at.")
      .resolveSync([](const ResolveParams& p) -> ResolveResult {
        const ObjectType* mutation = p.info.schema.mutationType();
        return mutation ? typeValue(TypeRef{mutation, {}}) : json::value(nullptr);
      });
  schemaType.field("subscriptionType", "__Type")
      .describe(
          "If this server support subscription, the type that subscription operations "
          "will be rooted at.")
      .resolveSync([](const ResolveParams&) -> ResolveResult { return json::value(nullptr); });
  schemaType.field("directives", "[__Directive!]!")
      .describe("A list of all directives supported by this server.")
      .arg("includeDeprecated", "Boolean!", json::value(false))
      .resolveSync(schemaDirectives);

  ObjectType& directive = schema.object(
      "__Directive",
      "A Directive provides a way to describe alternate runtime execution and type validation "
      "behavior in a GraphQL document.\n\nIn some cases, you need to provide options to alter "
      "GraphQL's execution behavior in ways field arguments will not suffice, such as "
      "conditionally including or skipping a field. Directives provide this by describing "
      "additional information to the executor.");
  directive.field("name", "String!");
  directive.field("description", "String");
  directive.field("isRepeatable", "Boolean!");
  directive.field("locations", "[__DirectiveLocation!]!");
  directive.field("args", "[__InputValue!]!")
      .arg("includeDeprecated", "Boolean", json::value(false))
      .resolveSync(directiveArgs);
  directive.field("isDeprecated", "Boolean!");
  directive.field("deprecationReason", "String");

  EnumType& location = schema.enumeration(
      "__DirectiveLocation",
      "A Directive can be adjacent to many parts of the GraphQL language, a __DirectiveLocation "
      "describes one such possible adjacencies.");
  location.value("QUERY", "Location adjacent to a query operation.")
      .value("MUTATION", "Location adjacent to a mutation operation.")
      .value("SUBSCRIPTION", "Location adjacent to a subscription operation.")
      .value("FIELD", "Location adjacent to a field.")
      .value("FRAGMENT_DEFINITION", "Location adjacent to a fragment definition.")
      .value("FRAGMENT_SPREAD", "Location adjacent to a fragment spread.")
      .value("INLINE_FRAGMENT", "Location adjacent to an inline fragment.")
      .value("VARIABLE_DEFINITION", "Location adjacent to a variable definition.")
      .value("SCHEMA", "Location adjacent to a schema definition.")
      .value("SCALAR", "Location adjacent to a scalar definition.")
      .value("OBJECT", "Location adjacent to an object type definition.")
      .value("FIELD_DEFINITION", "Location adjacent to a field definition.")
      .value("ARGUMENT_DEFINITION", "Location adjacent to an argument definition.")
      .value("INTERFACE", "Location adjacent to an interface definition.")
      .value("UNION", "Location adjacent to a union definition.")
      .value("ENUM", "Location adjacent to an enum definition.")
      .value("ENUM_VALUE", "Location adjacent to an enum value definition.")
      .value("INPUT_OBJECT", "Location adjacent to an input object type definition.")
      .value("INPUT_FIELD_DEFINITION", "Location adjacent to an input object field definition.")
      .value("DIRECTIVE_DEFINITION", "Location adjacent to a directive definition.");

  ObjectType& type = schema.object(
      "__Type",
      "The fundamental unit of any GraphQL Schema is the type. There are many kinds of types in "
      "GraphQL as represented by the `__TypeKind` enum.\n\nDepending on the kind of a type, "
      "certain fields describe information about that type. Scalar types provide no information "
      "beyond a name, description and optional `specifiedByURL`, while Enum types provide their "
      "values. Object and Interface types provide the fields they describe. Abstract types, "
      "Union and Interface, provide the Object types possible at runtime. List and NonNull types "
      "compose other types.");
  type.field("kind", "__TypeKind!");
  type.field("name", "String");
  type.field("description", "String");
  type.field("specifiedByURL", "String");
  type.field("fields", "[__Field!]")
      .arg("includeDeprecated", "Boolean", json::value(false))
      .resolveSync(typeFields);
  type.field("interfaces", "[__Type!]").resolveSync(typeInterfaces);
  type.field("possibleTypes", "[__Type!]").resolveSync([](const ResolveParams&) -> ResolveResult {
    return json::value(nullptr);
  });
  type.field("enumValues", "[__EnumValue!]")
      .arg("includeDeprecated", "Boolean", json::value(false))
      .resolveSync(typeEnumValues);
  type.field("inputFields", "[__InputValue!]")
      .arg("includeDeprecated", "Boolean", json::value(false))
      .resolveSync(typeInputFields);
  type.field("ofType", "__Type").resolveSync(typeOfType);
  type.field("isOneOf", "Boolean");

  ObjectType& field = schema.object(
      "__Field",
      "Object and Interface types are described by a list of Fields, each of which has a name, "
      "potentially a list of arguments, and a return type.");
  field.field("name", "String!");
  field.field("description", "String");
  field.field("args", "[__InputValue!]!")
      .arg("includeDeprecated", "Boolean", json::value(false))
      .resolveSync(fieldArgs);
  field.field("type", "__Type!").resolveSync(typeOfValue);
  field.field("isDeprecated", "Boolean!");
  field.field("deprecationReason", "String");

  ObjectType& inputValue = schema.object(
      "__InputValue",
      "Arguments provided to Fields or Directives and the input fields of an InputObject are "
      "represented as Input Values which describe their type and optionally a default value.");
  inputValue.field("name", "String!");
  inputValue.field("description", "String");
  inputValue.field("type", "__Type!").resolveSync(typeOfValue);
  inputValue.field("defaultValue", "String")
      .describe(
          "A GraphQL-formatted string representing the default value for this input "
          "value.");
  inputValue.field("isDeprecated", "Boolean!");
  inputValue.field("deprecationReason", "String");

  ObjectType& enumValue = schema.object(
      "__EnumValue",
      "One possible value for a given Enum. Enum values are unique values, not a placeholder for "
      "a string or numeric value. However an Enum value is returned in a JSON response as a "
      "string.");
  enumValue.field("name", "String!");
  enumValue.field("description", "String");
  enumValue.field("isDeprecated", "Boolean!");
  enumValue.field("deprecationReason", "String");

  EnumType& typeKind =
      schema.enumeration("__TypeKind", "An enum describing what kind of type a given `__Type` is.");
  typeKind.value("SCALAR", "Indicates this type is a scalar.")
      .value("OBJECT",
             "Indicates this type is an object. `fields` and `interfaces` are valid fields.")
      .value("INTERFACE",
             "Indicates this type is an interface. `fields`, `interfaces`, and `possibleTypes` "
             "are valid fields.")
      .value("UNION", "Indicates this type is a union. `possibleTypes` is a valid field.")
      .value("ENUM", "Indicates this type is an enum. `enumValues` is a valid field.")
      .value("INPUT_OBJECT",
             "Indicates this type is an input object. `inputFields` is a valid field.")
      .value("LIST", "Indicates this type is a list. `ofType` is a valid field.")
      .value("NON_NULL", "Indicates this type is a non-null. `ofType` is a valid field.");

  schema.typenameField_ = std::make_unique<FieldDefinition>();
  schema.typenameField_->name = "__typename";
  schema.typenameField_->typeName = "String!";
  schema.typenameField_->describe("The name of the current Object type at runtime.")
      .resolveSync([](const ResolveParams& p) -> ResolveResult {
        return json::value(p.info.parentType.name());
      });
  schema.schemaField_ = std::make_unique<FieldDefinition>();
  schema.schemaField_->name = "__schema";
  schema.schemaField_->typeName = "__Schema!";
  schema.schemaField_->describe("Access the current type schema of this server.")
      .resolveSync([](const ResolveParams&) -> ResolveResult {
        return json::value(json::object{{"description", nullptr}});
      });
  schema.typeField_ = std::make_unique<FieldDefinition>();
  schema.typeField_->name = "__type";
  schema.typeField_->typeName = "__Type";
  schema.typeField_->describe("Request the type information of a single type.")
      .arg("name", "String!")
      .resolveSync([](const ResolveParams& p) -> ResolveResult {
        const json::value* name = p.args.if_contains("name");
        const NamedType* found =
            name && name->is_string() ? p.info.schema.findType(name->get_string()) : nullptr;
        return found ? typeValue(TypeRef{found, {}}) : json::value(nullptr);
      });
}

}  // namespace watt::graphql
