// The syntax tree of an executable GraphQL document, as produced by graphql::parse(). Names and
// literal texts are views into the document's own copy of the source, so a Document is cheap to
// build and to cache; positions are byte offsets, turned into 1-based line/column (in UTF-16
// units, like graphql-js) only when an error needs them.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace watt::graphql {

struct SourceLocation {
  uint32_t line = 0;
  uint32_t column = 0;
  bool operator==(const SourceLocation&) const = default;
};

// The list and non-null wrappers of a type reference such as "[Int!]!", outermost first. Shared
// by the syntax tree and the schema, so that comparing and printing types costs no allocation.
class TypeWrapping {
 public:
  static constexpr unsigned kMaxWrappers = 32;

  TypeWrapping() = default;

  bool empty() const { return count_ == 0; }
  unsigned size() const { return count_; }
  bool isNonNull() const { return count_ > 0 && (bits_ & 1u) == 0; }
  bool isList() const { return count_ > 0 && (bits_ & 1u) == 1; }
  // The type inside the outermost wrapper.
  TypeWrapping inner() const { return TypeWrapping(bits_ >> 1, count_ - 1); }
  // Add an outermost wrapper; false when the wrapping is already kMaxWrappers deep.
  bool wrapList() { return push(1); }
  bool wrapNonNull() { return push(0); }
  bool operator==(const TypeWrapping&) const = default;

  // A compact form, for carrying a wrapping through JSON (introspection does).
  uint32_t bits() const { return bits_; }
  static std::optional<TypeWrapping> fromBits(uint32_t bits, unsigned count) {
    if (count > kMaxWrappers || (count < 32 && (bits >> count) != 0)) return std::nullopt;
    return TypeWrapping(bits, count);
  }

 private:
  TypeWrapping(uint32_t bits, unsigned count) : bits_(bits), count_(static_cast<uint8_t>(count)) {}
  bool push(uint32_t bit) {
    if (count_ >= kMaxWrappers) return false;
    bits_ = (bits_ << 1) | bit;
    ++count_;
    return true;
  }

  uint32_t bits_ = 0;  // bit i describes wrapper i (0 = outermost): 1 list, 0 non-null
  uint8_t count_ = 0;
};

class Parser;

namespace ast {

inline constexpr uint32_t kNoOffset = UINT32_MAX;

enum class ValueKind : uint8_t { Variable, Int, Float, String, Boolean, Null, Enum, List, Object };

struct ObjectField;

struct Value {
  ValueKind kind = ValueKind::Null;
  bool flag = false;        // Boolean: the value; String: written as a block string
  uint32_t offset = 0;      // where the literal starts ('$' for a variable)
  std::string_view text;    // Variable/Enum: the name; Int/Float: the literal; String: the contents
  std::vector<Value> list;  // List items
  std::vector<ObjectField> fields;  // Object fields, in source order
};

struct ObjectField {
  std::string_view name;
  uint32_t offset = 0;
  Value value;
};

struct Argument {
  std::string_view name;
  uint32_t offset = 0;
  Value value;
};

struct Directive {
  std::string_view name;
  uint32_t offset = 0;  // the '@'
  std::vector<Argument> arguments;
};

struct TypeNode {
  std::string_view name;  // the named type inside the wrappers
  uint32_t offset = 0;    // start of the whole reference ('[' for a list)
  uint32_t nameOffset = 0;
  TypeWrapping wrapping;
};

enum class SelectionKind : uint8_t { Field, FragmentSpread, InlineFragment };

struct Selection;

struct SelectionSet {
  uint32_t offset = kNoOffset;  // the '{'; kNoOffset when the selection has no sub-selection
  std::vector<Selection> selections;
  bool present() const { return offset != kNoOffset; }
};

struct Selection {
  SelectionKind kind = SelectionKind::Field;
  uint32_t offset = 0;             // field: alias or name; fragments: the "..."
  std::string_view alias;          // Field (empty when none)
  std::string_view name;           // Field name or FragmentSpread name
  uint32_t nameOffset = 0;         // offset of `name`
  std::string_view typeCondition;  // InlineFragment (empty when none)
  uint32_t typeConditionOffset = kNoOffset;
  std::vector<Argument> arguments;
  std::vector<Directive> directives;
  SelectionSet selectionSet;

  std::string_view responseKey() const { return alias.empty() ? name : alias; }
};

enum class DefinitionKind : uint8_t { Operation, Fragment, TypeSystem };
enum class OperationType : uint8_t { Query, Mutation, Subscription };

struct VariableDefinition {
  uint32_t offset = 0;          // start of the definition (its description, if any)
  uint32_t variableOffset = 0;  // the '$'
  std::string_view name;
  uint32_t nameOffset = 0;
  TypeNode type;
  std::optional<Value> defaultValue;
  std::vector<Directive> directives;
};

// A type or directive named inside a type-system definition, in document order.
struct TypeSystemReference {
  bool isDirective = false;
  std::string_view name;
  uint32_t offset = 0;
  const char* location = nullptr;  // directives: where they are applied ("OBJECT", ...)
};

// One top-level definition. Type-system definitions (SDL) are parsed for their syntax and kept
// as name, position and the names they refer to: an executable document may not contain them,
// and validation says so (checking those names as graphql-js does).
struct Definition {
  DefinitionKind kind = DefinitionKind::Operation;
  OperationType operation = OperationType::Query;  // Operation
  bool isSchema = false;     // TypeSystem: a schema definition or extension (it has no name)
  bool definesType = false;  // TypeSystem: a type definition (not an extension)
  uint32_t offset = 0;
  std::string_view name;  // operation name (empty when anonymous), fragment or type name
  uint32_t nameOffset = kNoOffset;
  TypeNode typeCondition;                     // Fragment
  std::vector<VariableDefinition> variables;  // Operation
  std::vector<Directive> directives;
  SelectionSet selectionSet;                         // Operation, Fragment
  std::vector<TypeSystemReference> references;       // TypeSystem
  std::vector<std::string_view> directiveLocations;  // TypeSystem: a directive definition
  bool repeatable = false;                           // TypeSystem: a directive definition
};

const char* operationName(OperationType type);  // "query", "mutation", "subscription"

class Document {
 public:
  Document() = default;
  Document(Document&&) = default;
  Document& operator=(Document&&) = default;

  std::string_view source() const {
    return source_ ? std::string_view(*source_) : std::string_view();
  }
  const std::vector<Definition>& definitions() const { return definitions_; }
  // The fragment definition with this name; the last one wins when repeated (as in graphql-js).
  const Definition* fragment(std::string_view name) const;
  // 1-based line and column of a byte offset; columns count UTF-16 units, as graphql-js does.
  SourceLocation locate(uint32_t offset) const;

 private:
  friend class graphql::Parser;

  std::unique_ptr<std::string> source_;  // on the heap: views into it survive moves
  std::deque<std::string> strings_;      // decoded string literals that differ from their source
  std::vector<Definition> definitions_;
  std::unordered_map<std::string_view, size_t> fragments_;
  std::vector<uint32_t> lineStarts_;  // offsets where lines 2, 3, ... start
  bool asciiOnly_ = true;
};

}  // namespace ast
}  // namespace watt::graphql
