#include "graphql/validator.h"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "graphql/coercion.h"
#include "graphql/printer.h"
#include "graphql/suggestions.h"

namespace watt::graphql {
namespace {

using ast::Selection;
using ast::SelectionKind;
using ast::SelectionSet;

constexpr size_t kMaxFragmentWork = 50000;    // graphql-js ValidationContext
constexpr size_t kMaxOverlapBudget = 500000;  // graphql-js OverlappingFieldsCanBeMerged
constexpr size_t kMaxConflictDetailLength = 1000;
constexpr size_t kMaxConflictNodes = 20;
constexpr int kMaxIntrospectionListDepth = 3;

// Thrown to stop validation from any depth; caught in validate(), never leaves this file.
struct ValidationAborted {};

std::string quoted(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

std::string maybeAbbreviate(std::string text) {
  if (text.size() <= kMaxConflictDetailLength) return text;
  return text.substr(0, kMaxConflictDetailLength) + "...";
}

const ObjectType* asObject(const NamedType* type) {
  return type && type->kind() == TypeKind::Object ? static_cast<const ObjectType*>(type) : nullptr;
}

// graphql-js isTypeSubTypeOf() for schemas without abstract types.
bool isSubType(TypeRef sub, TypeRef super) {
  if (super.isNonNull()) return sub.isNonNull() && isSubType(sub.inner(), super.inner());
  if (sub.isNonNull()) return isSubType(sub.inner(), super);
  if (super.isList()) return sub.isList() && isSubType(sub.inner(), super.inner());
  if (sub.isList()) return false;
  return sub.named == super.named;
}

struct VariableUsage {
  std::string_view name;
  uint32_t offset;
  std::optional<TypeRef> type;  // the input type expected where the variable is used
  bool hasLocationDefault;
};

class Validator {
 public:
  Validator(const Schema& schema, const ast::Document& document, const ValidationLimits& limits)
      : schema_(schema), doc_(document), limits_(limits) {}

  std::vector<GraphqlError> run() {
    try {
      if (checkEffectiveDepth()) visitDocument();
    } catch (const ValidationAborted&) {
    }
    return std::move(errors_);
  }

 private:
  // ---------------------------------------------------------------------------------------
  // Reporting and budgets

  void report(GraphqlError error) {
    if (errors_.size() >= limits_.maxErrors) {
      errors_.push_back(GraphqlError{
          "Too many validation errors, error limit reached. Validation aborted.", {}, {}});
      throw ValidationAborted{};
    }
    errors_.push_back(std::move(error));
  }
  void report(std::string message, std::initializer_list<uint32_t> offsets) {
    report(locatedError(doc_, std::move(message), offsets));
  }
  void report(std::string message, const std::vector<uint32_t>& offsets) {
    GraphqlError error{std::move(message), {}, {}};
    for (uint32_t o : offsets) error.locations.push_back(doc_.locate(o));
    report(std::move(error));
  }
  [[noreturn]] void abortValidation() {
    errors_.push_back(GraphqlError{"Validation aborted.", {}, {}});
    throw ValidationAborted{};
  }
  void spendFragmentWork(size_t cost) {
    fragmentWork_ += cost;
    if (fragmentWork_ > kMaxFragmentWork) abortValidation();
  }
  void spendOverlapBudget(size_t cost) {
    overlapWork_ += cost;
    if (overlapWork_ > kMaxOverlapBudget) abortValidation();
  }

  // ---------------------------------------------------------------------------------------
  // Nesting through fragments, checked before the rules (whose work follows fragments).

  struct DefinitionShape {
    unsigned localDepth = 0;
    std::vector<std::pair<std::string_view, unsigned>> spreads;  // name, depth of the spread
  };

  static void shapeOf(const SelectionSet& set, unsigned depth, DefinitionShape& shape) {
    shape.localDepth = std::max(shape.localDepth, depth);
    for (const Selection& sel : set.selections) {
      if (sel.kind == SelectionKind::FragmentSpread) {
        shape.spreads.emplace_back(sel.name, depth);
      } else if (sel.selectionSet.present()) {
        shapeOf(sel.selectionSet, depth + 1, shape);
      }
    }
  }

  bool checkEffectiveDepth() {
    std::unordered_map<std::string_view, DefinitionShape> fragments;
    for (const ast::Definition& def : doc_.definitions()) {
      if (def.kind == ast::DefinitionKind::Fragment && doc_.fragment(def.name) == &def) {
        shapeOf(def.selectionSet, 1, fragments[def.name]);
      }
    }
    // Longest path over the spread graph, iteratively (a chain of spreads can be long); edges
    // closing a cycle are ignored here, NoFragmentCycles reports them.
    std::unordered_map<std::string_view, unsigned> depthOf;
    std::unordered_set<std::string_view> inProgress;
    for (auto& [rootName, rootShape] : fragments) {
      if (depthOf.contains(rootName)) continue;
      std::vector<std::pair<std::string_view, size_t>> stack{{rootName, 0}};
      inProgress.insert(rootName);
      while (!stack.empty()) {
        auto& [name, next] = stack.back();
        const DefinitionShape& shape = fragments[name];
        if (next < shape.spreads.size()) {
          std::string_view target = shape.spreads[next++].first;
          if (fragments.contains(target) && !depthOf.contains(target) &&
              !inProgress.contains(target)) {
            inProgress.insert(target);
            stack.emplace_back(target, 0);
          }
          continue;
        }
        unsigned depth = shape.localDepth;
        for (auto& [target, at] : shape.spreads) {
          auto it = depthOf.find(target);
          if (it != depthOf.end()) depth = std::max(depth, at + it->second);
        }
        depthOf[name] = depth;
        inProgress.erase(name);
        stack.pop_back();
      }
    }
    for (const ast::Definition& def : doc_.definitions()) {
      if (def.kind == ast::DefinitionKind::TypeSystem) continue;
      DefinitionShape shape;
      shapeOf(def.selectionSet, 1, shape);
      unsigned depth = shape.localDepth;
      for (auto& [target, at] : shape.spreads) {
        auto it = depthOf.find(target);
        if (it != depthOf.end()) depth = std::max(depth, at + it->second);
      }
      if (depth > limits_.maxDepth) {
        report("Query is nested too deeply (more than " + std::to_string(limits_.maxDepth) +
                   " levels, counting fragment spreads).",
               {def.offset});
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------------------------------
  // Type information along the walk (graphql-js TypeInfo)

  std::optional<TypeRef> currentType() const {
    return typeStack_.empty() ? std::nullopt : typeStack_.back();
  }
  const ObjectType* parentType() const {
    return parentTypeStack_.empty() ? nullptr : parentTypeStack_.back();
  }
  const FieldDefinition* fieldDef() const {
    return fieldDefStack_.empty() ? nullptr : fieldDefStack_.back();
  }
  std::optional<TypeRef> inputType() const {
    return inputTypeStack_.empty() ? std::nullopt : inputTypeStack_.back();
  }
  std::optional<TypeRef> parentInputType() const {
    return inputTypeStack_.size() < 2 ? std::nullopt : inputTypeStack_[inputTypeStack_.size() - 2];
  }
  static std::optional<TypeRef> outputOnly(std::optional<TypeRef> t) {
    return t && t->named->isOutputType() ? t : std::nullopt;
  }
  static std::optional<TypeRef> inputOnly(std::optional<TypeRef> t) {
    return t && t->named->isInputType() ? t : std::nullopt;
  }
  static std::optional<TypeRef> namedOf(std::optional<TypeRef> t) {
    if (!t) return std::nullopt;
    return TypeRef{t->named, {}};
  }

  // ---------------------------------------------------------------------------------------
  // The walk

  void visitDocument() {
    // ExecutableDefinitions
    for (const ast::Definition& def : doc_.definitions()) {
      if (def.kind != ast::DefinitionKind::TypeSystem) continue;
      std::string name = def.isSchema ? std::string("schema") : quoted(def.name);
      report("The " + name + " definition is not executable.", {def.offset});
    }
    // LoneAnonymousOperation, KnownTypeNames (types defined in the document count as known)
    for (const ast::Definition& def : doc_.definitions()) {
      if (def.kind == ast::DefinitionKind::Operation) ++operationCount_;
      if (def.kind == ast::DefinitionKind::TypeSystem && def.definesType &&
          definedTypes_.insert(def.name).second) {
        definedTypeOrder_.push_back(def.name);
      }
    }
    for (const ast::Definition& def : doc_.definitions()) {
      if (def.kind == ast::DefinitionKind::TypeSystem && !def.directiveLocations.empty()) {
        documentDirectives_[def.name] = &def;
      }
    }
    for (const ast::Definition& def : doc_.definitions()) {
      if (def.kind == ast::DefinitionKind::Operation) visitOperation(def);
      if (def.kind == ast::DefinitionKind::Fragment) visitFragmentDefinition(def);
      if (def.kind == ast::DefinitionKind::TypeSystem) visitTypeSystem(def);
    }
    // NoUnusedFragments
    std::vector<const ast::Definition*> operations;
    for (const ast::Definition& def : doc_.definitions()) {
      if (def.kind == ast::DefinitionKind::Operation) operations.push_back(&def);
    }
    std::unordered_set<std::string_view> used;
    for (const ast::Definition* f : referencedFragments(operations)) used.insert(f->name);
    for (const ast::Definition& def : doc_.definitions()) {
      if (def.kind == ast::DefinitionKind::Fragment && !used.contains(def.name)) {
        report("Fragment " + quoted(def.name) + " is never used.", {def.offset});
      }
    }
  }

  void visitOperation(const ast::Definition& op) {
    const ObjectType* root = op.operation == ast::OperationType::Query      ? schema_.queryType()
                             : op.operation == ast::OperationType::Mutation ? schema_.mutationType()
                                                                            : nullptr;
    typeStack_.push_back(root ? std::optional<TypeRef>(TypeRef{root, {}}) : std::nullopt);

    // UniqueOperationNames
    if (!op.name.empty()) {
      auto [it, inserted] = knownOperationNames_.emplace(op.name, op.nameOffset);
      if (!inserted) {
        report("There can be only one operation named " + quoted(op.name) + ".",
               {it->second, op.nameOffset});
      }
    }
    // LoneAnonymousOperation
    if (op.name.empty() && operationCount_ > 1) {
      report("This anonymous operation must be the only defined operation.", {op.offset});
    }
    // UniqueVariableNames
    {
      std::vector<std::pair<std::string_view, std::vector<uint32_t>>> groups;
      for (const ast::VariableDefinition& v : op.variables) {
        auto it =
            std::find_if(groups.begin(), groups.end(), [&](auto& g) { return g.first == v.name; });
        if (it == groups.end()) {
          groups.push_back({v.name, {v.nameOffset}});
        } else {
          it->second.push_back(v.nameOffset);
        }
      }
      for (auto& [name, offsets] : groups) {
        if (offsets.size() > 1) {
          report("There can be only one variable named \"$" + std::string(name) + "\".", offsets);
        }
      }
    }
    // NoUndefinedVariables, NoUnusedVariables, VariablesInAllowedPosition: per operation state
    definedVariables_.clear();
    variableDefinitions_.clear();
    checkUniqueDirectives(op.directives);

    for (const ast::VariableDefinition& v : op.variables) visitVariableDefinition(v);
    const char* location = op.operation == ast::OperationType::Query      ? "QUERY"
                           : op.operation == ast::OperationType::Mutation ? "MUTATION"
                                                                          : "SUBSCRIPTION";
    for (const ast::Directive& d : op.directives) visitDirective(d, location);
    visitSelectionSet(op.selectionSet, false);

    const std::vector<VariableUsage>& usages = recursiveVariableUsages(op);
    // NoUndefinedVariables
    for (const VariableUsage& usage : usages) {
      if (definedVariables_.contains(usage.name)) continue;
      std::string var = "\"$" + std::string(usage.name) + "\"";
      report(op.name.empty()
                 ? "Variable " + var + " is not defined."
                 : "Variable " + var + " is not defined by operation " + quoted(op.name) + ".",
             {usage.offset, op.offset});
    }
    // NoUnusedVariables
    std::unordered_set<std::string_view> usedNames;
    for (const VariableUsage& usage : usages) usedNames.insert(usage.name);
    for (const ast::VariableDefinition* v : variableDefinitions_) {
      if (usedNames.contains(v->name)) continue;
      std::string var = "\"$" + std::string(v->name) + "\"";
      report(op.name.empty()
                 ? "Variable " + var + " is never used."
                 : "Variable " + var + " is never used in operation " + quoted(op.name) + ".",
             {v->offset});
    }
    // VariablesInAllowedPosition
    for (const VariableUsage& usage : usages) {
      auto def = std::find_if(variableDefinitions_.rbegin(), variableDefinitions_.rend(),
                              [&](auto* v) { return v->name == usage.name; });
      if (def == variableDefinitions_.rend() || !usage.type) continue;
      auto varType = typeFromAst(schema_, (*def)->type);
      if (!varType) continue;
      if (!allowedVariableUsage(*varType, **def, *usage.type, usage.hasLocationDefault)) {
        report("Variable \"$" + std::string(usage.name) + "\" of type \"" + varType->toString() +
                   "\" used in position expecting type \"" + usage.type->toString() + "\".",
               {(*def)->offset, usage.offset});
      }
    }
    typeStack_.pop_back();
  }

  static bool allowedVariableUsage(TypeRef varType, const ast::VariableDefinition& def,
                                   TypeRef locationType, bool hasLocationDefault) {
    if (locationType.isNonNull() && !varType.isNonNull()) {
      bool hasNonNullDefault = def.defaultValue && def.defaultValue->kind != ast::ValueKind::Null;
      if (!hasNonNullDefault && !hasLocationDefault) return false;
      return isSubType(varType, locationType.inner());
    }
    return isSubType(varType, locationType);
  }

  void visitVariableDefinition(const ast::VariableDefinition& v) {
    auto type = typeFromAst(schema_, v.type);
    inputTypeStack_.push_back(inputOnly(type));
    // VariablesAreInputTypes
    if (type && !type->named->isInputType()) {
      report("Variable \"$" + std::string(v.name) + "\" cannot be non-input type \"" +
                 printType(v.type) + "\".",
             {v.type.offset});
    }
    definedVariables_.insert(v.name);
    variableDefinitions_.push_back(&v);
    checkUniqueDirectives(v.directives);
    visitNamedType(v.type.name, v.type.nameOffset);
    if (v.defaultValue) visitValue(*v.defaultValue, true);
    for (const ast::Directive& d : v.directives) visitDirective(d, "VARIABLE_DEFINITION");
    inputTypeStack_.pop_back();
  }

  void visitNamedType(std::string_view name, uint32_t offset, bool inTypeSystem = false) {
    // KnownTypeNames; in type-system definitions, the standard types are known too.
    static constexpr std::string_view kStandardTypes[] = {
        "String",    "Int",      "Float",        "Boolean",
        "ID",        "__Schema", "__Directive",  "__DirectiveLocation",
        "__Type",    "__Field",  "__InputValue", "__EnumValue",
        "__TypeKind"};
    if (schema_.findType(name) || definedTypes_.contains(name)) return;
    std::vector<std::string_view> names;
    if (inTypeSystem) {
      for (std::string_view t : kStandardTypes) {
        if (t == name) return;
        names.push_back(t);
      }
    }
    for (const NamedType* t : schema_.types()) names.push_back(t->name());
    for (std::string_view t : definedTypeOrder_) names.push_back(t);
    report("Unknown type " + quoted(name) + "." + didYouMean(suggestionList(name, names)),
           {offset});
  }

  // Type-system definitions are not executable (reported above); graphql-js still checks the
  // type and directive names they use.
  void visitTypeSystem(const ast::Definition& def) {
    for (const ast::TypeSystemReference& ref : def.references) {
      if (ref.isDirective) {
        checkKnownDirective(ref.name, ref.offset, ref.location);
      } else {
        visitNamedType(ref.name, ref.offset, true);
      }
    }
  }

  // KnownDirectives; directives defined in the document count as known.
  void checkKnownDirective(std::string_view name, uint32_t offset, const char* location) {
    const DirectiveDefinition* def = schema_.findDirective(name);
    auto documentDefined = documentDirectives_.find(name);
    if (!def && documentDefined == documentDirectives_.end()) {
      report("Unknown directive \"@" + std::string(name) + "\".", {offset});
      return;
    }
    const auto* locations = def ? nullptr : &documentDefined->second->directiveLocations;
    bool allowed = def ? def->allows(location)
                       : std::find(locations->begin(), locations->end(),
                                   std::string_view(location)) != locations->end();
    if (!allowed) {
      report("Directive \"@" + std::string(name) + "\" may not be used on " + location + ".",
             {offset});
    }
  }

  void visitFragmentDefinition(const ast::Definition& def) {
    auto type = typeFromAst(schema_, def.typeCondition);
    typeStack_.push_back(outputOnly(type));
    // FragmentsOnCompositeTypes
    if (type && !asObject(type->named)) {
      report("Fragment " + quoted(def.name) + " cannot condition on non composite type \"" +
                 printType(def.typeCondition) + "\".",
             {def.typeCondition.offset});
    }
    // UniqueFragmentNames
    auto [it, inserted] = knownFragmentNames_.emplace(def.name, def.nameOffset);
    if (!inserted) {
      report("There can be only one fragment named " + quoted(def.name) + ".",
             {it->second, def.nameOffset});
    }
    detectFragmentCycles(def);
    checkUniqueDirectives(def.directives);
    visitNamedType(def.typeCondition.name, def.typeCondition.nameOffset);
    for (const ast::Directive& d : def.directives) visitDirective(d, "FRAGMENT_DEFINITION");
    visitSelectionSet(def.selectionSet, false);
    typeStack_.pop_back();
  }

  void visitSelectionSet(const SelectionSet& set, bool inInlineFragment) {
    auto named = namedOf(currentType());
    parentTypeStack_.push_back(named ? asObject(named->named) : nullptr);
    // OverlappingFieldsCanBeMerged
    if (!inInlineFragment &&
        (set.selections.size() > 1 ||
         (!set.selections.empty() && set.selections[0].kind == SelectionKind::InlineFragment))) {
      checkOverlappingFields(parentType(), set);
    }
    for (const Selection& sel : set.selections) {
      switch (sel.kind) {
        case SelectionKind::Field:
          visitField(sel);
          break;
        case SelectionKind::FragmentSpread:
          visitFragmentSpread(sel);
          break;
        case SelectionKind::InlineFragment:
          visitInlineFragment(sel);
          break;
      }
    }
    parentTypeStack_.pop_back();
  }

  void visitField(const Selection& field) {
    const ObjectType* parent = parentType();
    const FieldDefinition* def = parent ? schema_.fieldDefinition(*parent, field.name) : nullptr;
    fieldDefStack_.push_back(def);
    typeStack_.push_back(def ? std::optional<TypeRef>(def->type) : std::nullopt);

    // ScalarLeafs
    if (auto type = currentType()) {
      std::string fieldName(field.name);
      if (type->named->isLeaf()) {
        if (field.selectionSet.present()) {
          report("Field " + quoted(fieldName) + " must not have a selection since type \"" +
                     type->toString() + "\" has no subfields.",
                 {field.selectionSet.offset});
        }
      } else if (!field.selectionSet.present()) {
        report("Field " + quoted(fieldName) + " of type \"" + type->toString() +
                   "\" must have a selection of subfields. Did you mean \"" + fieldName +
                   " { ... }\"?",
               {field.offset});
      }
    }
    // FieldsOnCorrectType
    if (parent && !def) {
      std::vector<std::string_view> names;
      for (const FieldDefinition& f : parent->fields()) names.push_back(f.name);
      report("Cannot query field " + quoted(field.name) + " on type " + quoted(parent->name()) +
                 "." + didYouMean(suggestionList(field.name, names)),
             {field.offset});
    }
    checkUniqueDirectives(field.directives);
    checkUniqueArguments(field.arguments);
    // MaxIntrospectionDepth
    bool introspectionRuleWasActive = introspectionRuleActive_;
    if (introspectionRuleActive_ && (field.name == "__schema" || field.name == "__type")) {
      std::unordered_map<std::string_view, int> visited;
      if (introspectionTooDeep(field, visited, 0)) {
        report("Maximum introspection depth exceeded", {field.offset});
        introspectionRuleActive_ = false;
      }
    }

    for (const ast::Argument& arg : field.arguments) visitArgument(arg, false);
    for (const ast::Directive& d : field.directives) visitDirective(d, "FIELD");
    if (field.selectionSet.present()) visitSelectionSet(field.selectionSet, false);
    introspectionRuleActive_ = introspectionRuleWasActive;

    // ProvidedRequiredArguments
    if (def) {
      for (const InputValueDefinition& arg : def->args) {
        if (!arg.isRequired()) continue;
        bool provided = std::any_of(field.arguments.begin(), field.arguments.end(),
                                    [&](const ast::Argument& a) { return a.name == arg.name; });
        if (!provided) {
          report("Field " + quoted(def->name) + " argument " + quoted(arg.name) + " of type \"" +
                     arg.type.toString() + "\" is required, but it was not provided.",
                 {field.offset});
        }
      }
    }
    typeStack_.pop_back();
    fieldDefStack_.pop_back();
  }

  void visitArgument(const ast::Argument& arg, bool inDirective) {
    const InputValueDefinition* argDef = nullptr;
    if (directive_) {
      argDef = directive_->findArg(arg.name);
    } else if (const FieldDefinition* f = fieldDef()) {
      argDef = f->findArg(arg.name);
    }
    defaultStack_.push_back(argDef && argDef->defaultValue);
    inputTypeStack_.push_back(argDef ? inputOnly(argDef->type) : std::nullopt);
    // KnownArgumentNames (directive arguments are checked on the directive)
    if (!inDirective && !argDef && fieldDef() && parentType()) {
      std::vector<std::string_view> names;
      for (const InputValueDefinition& a : fieldDef()->args) names.push_back(a.name);
      report("Unknown argument " + quoted(arg.name) + " on field \"" + parentType()->name() + "." +
                 fieldDef()->name + "\"." + didYouMean(suggestionList(arg.name, names)),
             {arg.offset});
    }
    visitValue(arg.value, true);
    inputTypeStack_.pop_back();
    defaultStack_.pop_back();
  }

  void visitDirective(const ast::Directive& directive, const char* location) {
    directive_ = schema_.findDirective(directive.name);
    checkKnownDirective(directive.name, directive.offset, location);
    // KnownArgumentNames on directives
    if (directive_) {
      std::vector<std::string_view> names;
      for (const InputValueDefinition& a : directive_->args) names.push_back(a.name);
      for (const ast::Argument& arg : directive.arguments) {
        if (directive_->findArg(arg.name)) continue;
        report("Unknown argument " + quoted(arg.name) + " on directive \"@" +
                   std::string(directive.name) + "\"." +
                   didYouMean(suggestionList(arg.name, names)),
               {arg.offset});
      }
    }
    checkUniqueArguments(directive.arguments);
    for (const ast::Argument& arg : directive.arguments) visitArgument(arg, true);
    // ProvidedRequiredArguments on directives
    if (directive_) {
      for (const InputValueDefinition& arg : directive_->args) {
        if (!arg.isRequired()) continue;
        bool provided = std::any_of(directive.arguments.begin(), directive.arguments.end(),
                                    [&](const ast::Argument& a) { return a.name == arg.name; });
        if (!provided) {
          report("Directive \"@" + std::string(directive.name) + "\" argument " + quoted(arg.name) +
                     " of type \"" + arg.type.toString() +
                     "\" is required, but it was not provided.",
                 {directive.offset});
        }
      }
    }
    directive_ = nullptr;
  }

  void visitFragmentSpread(const Selection& spread) {
    const ast::Definition* fragment = doc_.fragment(spread.name);
    // KnownFragmentNames
    if (!fragment) report("Unknown fragment " + quoted(spread.name) + ".", {spread.nameOffset});
    // PossibleFragmentSpreads
    if (fragment) {
      auto type = typeFromAst(schema_, fragment->typeCondition);
      const ObjectType* fragType = type ? asObject(type->named) : nullptr;
      if (fragType && parentType() && fragType != parentType()) {
        report("Fragment " + quoted(spread.name) + " cannot be spread here as objects of type " +
                   quoted(parentType()->name()) + " can never be of type " +
                   quoted(fragType->name()) + ".",
               {spread.offset});
      }
    }
    checkUniqueDirectives(spread.directives);
    for (const ast::Directive& d : spread.directives) visitDirective(d, "FRAGMENT_SPREAD");
  }

  void visitInlineFragment(const Selection& inlineFragment) {
    std::optional<TypeRef> type;
    if (!inlineFragment.typeCondition.empty()) {
      ast::TypeNode node;
      node.name = inlineFragment.typeCondition;
      type = typeFromAst(schema_, node);
    } else {
      type = namedOf(currentType());
    }
    typeStack_.push_back(outputOnly(type));
    // FragmentsOnCompositeTypes
    if (!inlineFragment.typeCondition.empty() && type && !asObject(type->named)) {
      report("Fragment cannot condition on non composite type " +
                 quoted(inlineFragment.typeCondition) + ".",
             {inlineFragment.typeConditionOffset});
    }
    // PossibleFragmentSpreads
    auto fragType = currentType();
    const ObjectType* fragObject = fragType ? asObject(fragType->named) : nullptr;
    if (fragObject && fragType->wrapping.empty() && parentType() && fragObject != parentType()) {
      report("Fragment cannot be spread here as objects of type " + quoted(parentType()->name()) +
                 " can never be of type " + quoted(fragObject->name()) + ".",
             {inlineFragment.offset});
    }
    checkUniqueDirectives(inlineFragment.directives);
    if (!inlineFragment.typeCondition.empty()) {
      visitNamedType(inlineFragment.typeCondition, inlineFragment.typeConditionOffset);
    }
    for (const ast::Directive& d : inlineFragment.directives) visitDirective(d, "INLINE_FRAGMENT");
    visitSelectionSet(inlineFragment.selectionSet, true);
    typeStack_.pop_back();
  }

  // `valuesRule` is false below a literal that ValuesOfCorrectType already rejected whole.
  void visitValue(const ast::Value& value, bool valuesRule) {
    using K = ast::ValueKind;
    switch (value.kind) {
      case K::Variable:
        return;
      case K::Null:
        if (valuesRule) {
          auto type = inputType();
          if (type && type->isNonNull()) {
            report("Expected value of type \"" + type->toString() + "\", found null.",
                   {value.offset});
          }
        }
        return;
      case K::Int:
      case K::Float:
      case K::String:
      case K::Boolean:
      case K::Enum:
        if (valuesRule) checkLeafValue(value);
        return;
      case K::List: {
        std::optional<TypeRef> listType;
        if (auto t = inputType()) listType = t->nullable();
        std::optional<TypeRef> itemType =
            listType && listType->isList() ? listType->inner() : listType;
        defaultStack_.push_back(false);
        inputTypeStack_.push_back(inputOnly(itemType));
        bool itemsRule = valuesRule;
        if (valuesRule) {
          auto location = parentInputType();
          if (!(location && location->nullable().isList())) {
            checkLeafValue(value);
            itemsRule = false;
          }
        }
        for (const ast::Value& item : value.list) visitValue(item, itemsRule);
        inputTypeStack_.pop_back();
        defaultStack_.pop_back();
        return;
      }
      case K::Object: {
        bool fieldsRule = valuesRule;
        auto type = inputType();
        const InputObjectType* inputObject = type && type->named->kind() == TypeKind::InputObject
                                                 ? static_cast<const InputObjectType*>(type->named)
                                                 : nullptr;
        if (valuesRule) {
          if (!inputObject) {
            checkLeafValue(value);
            fieldsRule = false;
          } else {
            for (const InputValueDefinition& f : inputObject->fields()) {
              bool present =
                  std::any_of(value.fields.begin(), value.fields.end(),
                              [&](const ast::ObjectField& x) { return x.name == f.name; });
              if (!present && f.isRequired()) {
                report("Field \"" + inputObject->name() + "." + f.name + "\" of required type \"" +
                           f.type.toString() + "\" was not provided.",
                       {value.offset});
              }
            }
          }
        }
        // UniqueInputFieldNames
        std::unordered_map<std::string_view, uint32_t> known;
        for (const ast::ObjectField& field : value.fields) {
          const InputValueDefinition* fieldDefinition =
              inputObject ? inputObject->findField(field.name) : nullptr;
          defaultStack_.push_back(fieldDefinition && fieldDefinition->defaultValue);
          inputTypeStack_.push_back(fieldDefinition ? inputOnly(fieldDefinition->type)
                                                    : std::nullopt);
          if (fieldsRule && !fieldDefinition && inputObject) {
            std::vector<std::string_view> names;
            for (const auto& f : inputObject->fields()) names.push_back(f.name);
            report("Field " + quoted(field.name) + " is not defined by type " +
                       quoted(inputObject->name()) + "." +
                       didYouMean(suggestionList(field.name, names)),
                   {field.offset});
          }
          auto [it, inserted] = known.emplace(field.name, field.offset);
          if (!inserted) {
            report("There can be only one input field named " + quoted(field.name) + ".",
                   {it->second, field.offset});
          }
          visitValue(field.value, fieldsRule);
          inputTypeStack_.pop_back();
          defaultStack_.pop_back();
        }
        return;
      }
    }
  }

  // graphql-js ValuesOfCorrectType isValidValueNode().
  void checkLeafValue(const ast::Value& value) {
    auto location = inputType();
    if (!location) return;
    if (!location->named->isLeaf()) {
      report("Expected value of type \"" + location->toString() + "\", found " + printValue(value) +
                 ".",
             {value.offset});
      return;
    }
    auto parsed = parseLeafLiteral(*location->named, value, nullptr);
    if (!parsed) report(parsed.error().message, {value.offset});
  }

  void checkUniqueDirectives(const std::vector<ast::Directive>& directives) {
    std::unordered_map<std::string_view, uint32_t> seen;
    for (const ast::Directive& d : directives) {
      // Directives defined in the document override the schema's, as in graphql-js.
      auto documentDefined = documentDirectives_.find(d.name);
      const DirectiveDefinition* def = schema_.findDirective(d.name);
      bool unique = documentDefined != documentDirectives_.end()
                        ? !documentDefined->second->repeatable
                        : def && !def->repeatable;
      if (!unique) continue;
      auto [it, inserted] = seen.emplace(d.name, d.offset);
      if (!inserted) {
        report("The directive \"@" + std::string(d.name) +
                   "\" can only be used once at this location.",
               {it->second, d.offset});
      }
    }
  }

  void checkUniqueArguments(const std::vector<ast::Argument>& arguments) {
    std::vector<std::pair<std::string_view, std::vector<uint32_t>>> groups;
    for (const ast::Argument& a : arguments) {
      auto it =
          std::find_if(groups.begin(), groups.end(), [&](auto& g) { return g.first == a.name; });
      if (it == groups.end()) {
        groups.push_back({a.name, {a.offset}});
      } else {
        it->second.push_back(a.offset);
      }
    }
    for (auto& [name, offsets] : groups) {
      if (offsets.size() > 1)
        report("There can be only one argument named " + quoted(name) + ".", offsets);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Fragments and variables through fragments (graphql-js ValidationContext)

  const std::vector<const Selection*>& fragmentSpreads(const SelectionSet& root) {
    auto [it, inserted] = spreadsCache_.try_emplace(&root);
    if (!inserted) return it->second;
    std::vector<const Selection*>& spreads = it->second;
    std::vector<const SelectionSet*> toVisit{&root};
    while (!toVisit.empty()) {
      const SelectionSet* set = toVisit.back();
      toVisit.pop_back();
      for (const Selection& sel : set->selections) {
        if (sel.kind == SelectionKind::FragmentSpread) {
          spreads.push_back(&sel);
        } else if (sel.selectionSet.present()) {
          toVisit.push_back(&sel.selectionSet);
        }
      }
    }
    return spreads;
  }

  std::vector<const ast::Definition*> referencedFragments(
      const std::vector<const ast::Definition*>& operations) {
    std::vector<std::string_view> names;
    std::unordered_set<std::string_view> collected;
    for (const ast::Definition* op : operations) {
      for (const Selection* s : fragmentSpreads(op->selectionSet)) {
        if (collected.insert(s->name).second) names.push_back(s->name);
      }
    }
    spendFragmentWork(names.size());
    std::vector<const ast::Definition*> fragments;
    for (size_t i = 0; i < names.size(); ++i) {
      const ast::Definition* fragment = doc_.fragment(names[i]);
      if (!fragment) continue;
      fragments.push_back(fragment);
      const auto& spreads = fragmentSpreads(fragment->selectionSet);
      spendFragmentWork(spreads.size());
      for (const Selection* s : spreads) {
        if (collected.insert(s->name).second) names.push_back(s->name);
      }
    }
    return fragments;
  }

  const std::vector<VariableUsage>& variableUsages(const ast::Definition& def) {
    auto [it, inserted] = usagesCache_.try_emplace(&def);
    if (!inserted) return it->second;
    std::optional<TypeRef> start;
    if (def.kind == ast::DefinitionKind::Operation) {
      const ObjectType* root = def.operation == ast::OperationType::Query ? schema_.queryType()
                               : def.operation == ast::OperationType::Mutation
                                   ? schema_.mutationType()
                                   : nullptr;
      if (root) start = TypeRef{root, {}};
    } else {
      start = outputOnly(typeFromAst(schema_, def.typeCondition));
    }
    usagesInDirectives(def.directives, nullptr, it->second);
    usagesInSelectionSet(start, def.selectionSet, nullptr, it->second);
    return it->second;
  }

  const std::vector<VariableUsage>& recursiveVariableUsages(const ast::Definition& op) {
    auto [it, inserted] = recursiveUsagesCache_.try_emplace(&op);
    if (!inserted) return it->second;
    std::vector<VariableUsage> usages = variableUsages(op);
    auto fragments = referencedFragments({&op});
    spendFragmentWork(fragments.size());
    size_t fragmentUsages = 0;
    for (const ast::Definition* f : fragments) {
      const auto& local = variableUsages(*f);
      spendFragmentWork(local.size());
      fragmentUsages += local.size();
      usages.insert(usages.end(), local.begin(), local.end());
    }
    spendFragmentWork(fragmentUsages);
    it->second = std::move(usages);
    return it->second;
  }

  void usagesInDirectives(const std::vector<ast::Directive>& directives,
                          const FieldDefinition* enclosingField, std::vector<VariableUsage>& out) {
    for (const ast::Directive& d : directives) {
      const DirectiveDefinition* def = schema_.findDirective(d.name);
      for (const ast::Argument& arg : d.arguments) {
        const InputValueDefinition* argDef = def              ? def->findArg(arg.name)
                                             : enclosingField ? enclosingField->findArg(arg.name)
                                                              : nullptr;
        usagesInValue(arg.value, argDef ? inputOnly(argDef->type) : std::nullopt,
                      argDef && argDef->defaultValue, out);
      }
    }
  }

  void usagesInSelectionSet(std::optional<TypeRef> type, const SelectionSet& set,
                            const FieldDefinition* enclosingField,
                            std::vector<VariableUsage>& out) {
    auto named = namedOf(type);
    const ObjectType* parent = named ? asObject(named->named) : nullptr;
    for (const Selection& sel : set.selections) {
      switch (sel.kind) {
        case SelectionKind::Field: {
          const FieldDefinition* def =
              parent ? schema_.fieldDefinition(*parent, sel.name) : nullptr;
          for (const ast::Argument& arg : sel.arguments) {
            const InputValueDefinition* argDef = def ? def->findArg(arg.name) : nullptr;
            usagesInValue(arg.value, argDef ? inputOnly(argDef->type) : std::nullopt,
                          argDef && argDef->defaultValue, out);
          }
          usagesInDirectives(sel.directives, def, out);
          if (sel.selectionSet.present()) {
            usagesInSelectionSet(def ? std::optional<TypeRef>(def->type) : std::nullopt,
                                 sel.selectionSet, def, out);
          }
          break;
        }
        case SelectionKind::FragmentSpread:
          usagesInDirectives(sel.directives, enclosingField, out);
          break;
        case SelectionKind::InlineFragment: {
          std::optional<TypeRef> fragmentType = named;
          if (!sel.typeCondition.empty()) {
            ast::TypeNode node;
            node.name = sel.typeCondition;
            fragmentType = typeFromAst(schema_, node);
          }
          usagesInDirectives(sel.directives, enclosingField, out);
          usagesInSelectionSet(outputOnly(fragmentType), sel.selectionSet, enclosingField, out);
          break;
        }
      }
    }
  }

  void usagesInValue(const ast::Value& value, std::optional<TypeRef> type, bool hasDefault,
                     std::vector<VariableUsage>& out) {
    using K = ast::ValueKind;
    if (value.kind == K::Variable) {
      out.push_back({value.text, value.offset, type, hasDefault});
    } else if (value.kind == K::List) {
      std::optional<TypeRef> itemType;
      if (type) itemType = type->nullable().isList() ? type->nullable().inner() : type->nullable();
      for (const ast::Value& item : value.list)
        usagesInValue(item, inputOnly(itemType), false, out);
    } else if (value.kind == K::Object) {
      const InputObjectType* inputObject = type && type->named->kind() == TypeKind::InputObject
                                               ? static_cast<const InputObjectType*>(type->named)
                                               : nullptr;
      for (const ast::ObjectField& field : value.fields) {
        const InputValueDefinition* def =
            inputObject ? inputObject->findField(field.name) : nullptr;
        usagesInValue(field.value, def ? inputOnly(def->type) : std::nullopt,
                      def && def->defaultValue, out);
      }
    }
  }

  // NoFragmentCycles: graphql-js's depth-first search, with an explicit stack.
  void detectFragmentCycles(const ast::Definition& root) {
    if (!visitedFragments_.insert(root.name).second) return;
    const auto& rootSpreads = fragmentSpreads(root.selectionSet);
    if (rootSpreads.empty()) return;
    struct Frame {
      std::string_view name;
      const std::vector<const Selection*>* spreads;
      size_t next;
    };
    std::vector<const Selection*> spreadPath;
    std::unordered_map<std::string_view, size_t> indexByName;
    std::vector<Frame> frames{{root.name, &rootSpreads, 0}};
    indexByName[root.name] = 0;
    while (!frames.empty()) {
      Frame& frame = frames.back();
      if (frame.next == frame.spreads->size()) {
        indexByName.erase(frame.name);
        frames.pop_back();
        if (!frames.empty()) spreadPath.pop_back();
        continue;
      }
      const Selection* spread = (*frame.spreads)[frame.next++];
      auto cycle = indexByName.find(spread->name);
      spreadPath.push_back(spread);
      if (cycle == indexByName.end()) {
        const ast::Definition* fragment = doc_.fragment(spread->name);
        if (fragment && visitedFragments_.insert(fragment->name).second) {
          const auto& spreads = fragmentSpreads(fragment->selectionSet);
          if (!spreads.empty()) {
            indexByName[fragment->name] = spreadPath.size();
            frames.push_back({fragment->name, &spreads, 0});
            continue;  // the spread stays on the path until this fragment is done
          }
        }
      } else {
        std::vector<uint32_t> offsets;
        std::string via;
        for (size_t i = cycle->second; i < spreadPath.size(); ++i) {
          offsets.push_back(spreadPath[i]->offset);
          if (i + 1 < spreadPath.size())
            via += (via.empty() ? "" : ", ") + quoted(spreadPath[i]->name);
        }
        report("Cannot spread fragment " + quoted(spread->name) + " within itself" +
                   (via.empty() ? std::string(".") : " via " + via + "."),
               offsets);
      }
      spreadPath.pop_back();
    }
  }

  // MaxIntrospectionDepth
  bool introspectionTooDeep(const Selection& sel,
                            std::unordered_map<std::string_view, int>& visited, int depth) {
    if (sel.kind == SelectionKind::FragmentSpread) {
      auto exceeded = exceededFragments_.find(sel.name);
      if (exceeded != exceededFragments_.end() && exceeded->second <= depth) return true;
      auto v = visited.find(sel.name);
      auto checked = checkedFragments_.find(sel.name);
      if ((v != visited.end() && v->second >= depth) ||
          (checked != checkedFragments_.end() && checked->second >= depth)) {
        return false;
      }
      const ast::Definition* fragment = doc_.fragment(sel.name);
      if (!fragment) return false;
      visited[sel.name] = depth;
      for (const Selection& child : fragment->selectionSet.selections) {
        if (introspectionTooDeep(child, visited, depth)) {
          exceededFragments_[sel.name] = depth;
          return true;
        }
      }
      checkedFragments_[sel.name] = depth;
      return false;
    }
    if (sel.kind == SelectionKind::Field &&
        (sel.name == "fields" || sel.name == "interfaces" || sel.name == "possibleTypes" ||
         sel.name == "inputFields")) {
      if (++depth >= kMaxIntrospectionListDepth) return true;
    }
    for (const Selection& child : sel.selectionSet.selections) {
      if (introspectionTooDeep(child, visited, depth)) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------
  // OverlappingFieldsCanBeMerged

  struct FieldDetail {
    const ObjectType* parentType;
    const Selection* node;
    const FieldDefinition* def;  // own fields only, as graphql-js (no __typename)
    bool isSimpleLeaf;
  };
  struct Collected {
    std::vector<std::pair<std::string_view, std::vector<FieldDetail>>> groups;
    std::unordered_map<std::string_view, size_t> groupIndex;
    std::vector<std::string_view> fragmentNames;
    std::unordered_map<std::string_view, bool> comparedFragments;
    std::map<const Collected*, std::vector<std::pair<size_t, size_t>>> overlapping;
  };
  struct Conflict {
    std::string responseName;
    std::string reason;
    std::vector<const Selection*> fields1;
    std::vector<const Selection*> fields2;
  };

  Collected& collectFields(const ObjectType* parent, const SelectionSet& set) {
    auto& slot = collectedCache_[{parent, &set}];
    if (slot) return *slot;
    slot = std::make_unique<Collected>();
    std::unordered_set<std::string_view> fragmentSeen;
    collectFieldsInto(parent, set, *slot, fragmentSeen);
    return *slot;
  }

  void collectFieldsInto(const ObjectType* parent, const SelectionSet& set, Collected& out,
                         std::unordered_set<std::string_view>& fragmentSeen) {
    for (const Selection& sel : set.selections) {
      switch (sel.kind) {
        case SelectionKind::Field: {
          auto [it, inserted] = out.groupIndex.emplace(sel.responseKey(), out.groups.size());
          if (inserted) out.groups.emplace_back(sel.responseKey(), std::vector<FieldDetail>{});
          out.groups[it->second].second.push_back(
              {parent, &sel, parent ? parent->findField(sel.name) : nullptr,
               sel.arguments.empty() && !sel.selectionSet.present()});
          break;
        }
        case SelectionKind::FragmentSpread:
          if (fragmentSeen.insert(sel.name).second) out.fragmentNames.push_back(sel.name);
          break;
        case SelectionKind::InlineFragment: {
          const ObjectType* type = parent;
          if (!sel.typeCondition.empty()) {
            ast::TypeNode node;
            node.name = sel.typeCondition;
            auto t = typeFromAst(schema_, node);
            type = t ? asObject(t->named) : nullptr;
          }
          collectFieldsInto(type, sel.selectionSet, out, fragmentSeen);
          break;
        }
      }
    }
  }

  Collected* collectFragmentFields(const ast::Definition& fragment) {
    auto type = typeFromAst(schema_, fragment.typeCondition);
    return &collectFields(type ? asObject(type->named) : nullptr, fragment.selectionSet);
  }

  void checkOverlappingFields(const ObjectType* parent, const SelectionSet& set) {
    std::vector<Conflict> conflicts;
    Collected& collected = collectFields(parent, set);
    // (A) within the fields of this selection set
    for (auto& [responseName, fields] : collected.groups) {
      for (size_t i = 0; i < fields.size(); ++i) {
        for (size_t j = i + 1; j < fields.size(); ++j) {
          if (auto c = findConflict(false, responseName, fields[i], fields[j])) {
            conflicts.push_back(std::move(*c));
          }
        }
      }
    }
    // (B, C) between fields and fragments, and between fragments
    const auto names = collected.fragmentNames;
    if (!names.empty() && (!collected.groups.empty() || names.size() > 1)) {
      for (size_t i = 0; i < names.size(); ++i) {
        conflictsBetweenFieldsAndFragment(conflicts, false, collected, names[i]);
        for (size_t j = i + 1; j < names.size(); ++j) {
          conflictsBetweenFragments(conflicts, false, names[i], names[j]);
        }
      }
    }
    for (const Conflict& c : conflicts) {
      std::vector<uint32_t> offsets;
      for (const Selection* s : c.fields1) offsets.push_back(s->offset);
      for (const Selection* s : c.fields2) offsets.push_back(s->offset);
      report("Fields " + quoted(maybeAbbreviate(c.responseName)) + " conflict because " + c.reason +
                 ". Use different aliases on the fields to fetch both if this was intentional.",
             offsets);
    }
  }

  void conflictsBetweenFieldsAndFragment(std::vector<Conflict>& conflicts, bool exclusive,
                                         Collected& collected, std::string_view fragmentName) {
    spendOverlapBudget(1);
    if (collected.groups.empty()) return;
    auto compared = collected.comparedFragments.find(fragmentName);
    if (compared != collected.comparedFragments.end() &&
        (compared->second == false || (exclusive && compared->second == true))) {
      return;
    }
    collected.comparedFragments[fragmentName] = exclusive;
    const ast::Definition* fragment = doc_.fragment(fragmentName);
    if (!fragment) return;
    Collected* other = collectFragmentFields(*fragment);
    if (other == &collected) return;
    conflictsBetween(conflicts, exclusive, collected, *other);
    const auto names = other->fragmentNames;
    for (std::string_view name : names) {
      conflictsBetweenFieldsAndFragment(conflicts, exclusive, collected, name);
    }
  }

  void conflictsBetweenFragments(std::vector<Conflict>& conflicts, bool exclusive,
                                 std::string_view name1, std::string_view name2) {
    spendOverlapBudget(2);
    if (name1 == name2) return;
    if (comparedPairHas(name1, name2, exclusive)) return;
    comparedPairs_[name1][name2] = exclusive;
    const ast::Definition* fragment1 = doc_.fragment(name1);
    const ast::Definition* fragment2 = doc_.fragment(name2);
    if (!fragment1 || !fragment2) return;
    Collected* c1 = collectFragmentFields(*fragment1);
    Collected* c2 = collectFragmentFields(*fragment2);
    conflictsBetween(conflicts, exclusive, *c1, *c2);
    const auto names2 = c2->fragmentNames;
    for (std::string_view n : names2) conflictsBetweenFragments(conflicts, exclusive, name1, n);
    const auto names1 = c1->fragmentNames;
    for (std::string_view n : names1) conflictsBetweenFragments(conflicts, exclusive, n, name2);
  }

  bool comparedPairHas(std::string_view a, std::string_view b, bool exclusive) const {
    auto has = [&](std::string_view x, std::string_view y) {
      auto outer = comparedPairs_.find(x);
      if (outer == comparedPairs_.end()) return false;
      auto inner = outer->second.find(y);
      if (inner == outer->second.end()) return false;
      return exclusive ? true : inner->second == exclusive;
    };
    return has(a, b) || has(b, a);
  }

  void conflictsBetween(std::vector<Conflict>& conflicts, bool exclusive, Collected& c1,
                        Collected& c2) {
    if (c1.groups.empty() || c2.groups.empty()) return;
    auto [it, inserted] = c1.overlapping.try_emplace(&c2);
    if (inserted) {
      for (size_t i = 0; i < c1.groups.size(); ++i) {
        spendOverlapBudget(1);
        auto j = c2.groupIndex.find(c1.groups[i].first);
        if (j != c2.groupIndex.end()) it->second.emplace_back(i, j->second);
      }
    }
    const auto pairs = it->second;
    for (auto [i, j] : pairs) {
      for (const FieldDetail& f1 : c1.groups[i].second) {
        for (const FieldDetail& f2 : c2.groups[j].second) {
          if (auto c = findConflict(exclusive, c1.groups[i].first, f1, f2)) {
            conflicts.push_back(std::move(*c));
          }
        }
      }
    }
  }

  std::vector<Conflict> conflictsBetweenSubSelections(bool exclusive, const ObjectType* parent1,
                                                      const SelectionSet& set1,
                                                      const ObjectType* parent2,
                                                      const SelectionSet& set2) {
    std::vector<Conflict> conflicts;
    Collected& c1 = collectFields(parent1, set1);
    Collected& c2 = collectFields(parent2, set2);
    conflictsBetween(conflicts, exclusive, c1, c2);
    const auto names1 = c1.fragmentNames;
    const auto names2 = c2.fragmentNames;
    for (std::string_view n : names2)
      conflictsBetweenFieldsAndFragment(conflicts, exclusive, c1, n);
    for (std::string_view n : names1)
      conflictsBetweenFieldsAndFragment(conflicts, exclusive, c2, n);
    for (std::string_view a : names1) {
      for (std::string_view b : names2) conflictsBetweenFragments(conflicts, exclusive, a, b);
    }
    return conflicts;
  }

  bool typesConflict(TypeRef t1, TypeRef t2) {
    if (t1 == t2) return false;
    spendOverlapBudget(1);
    if (t1.isList()) return t2.isList() ? typesConflict(t1.inner(), t2.inner()) : true;
    if (t2.isList()) return true;
    if (t1.isNonNull()) return t2.isNonNull() ? typesConflict(t1.inner(), t2.inner()) : true;
    if (t2.isNonNull()) return true;
    if (t1.named->isLeaf() || t2.named->isLeaf()) return t1.named != t2.named;
    return false;
  }

  const std::string& stringifyValue(const ast::Value& value) {
    auto [it, inserted] = stringified_.try_emplace(&value);
    if (inserted) appendCanonical(it->second, value);
    return it->second;
  }

  static void appendCanonical(std::string& out, const ast::Value& value) {
    using K = ast::ValueKind;
    auto text = [&](std::string_view s) {
      out += std::to_string(s.size());
      out += ':';
      out.append(s);
    };
    out += static_cast<char>('A' + static_cast<int>(value.kind));
    switch (value.kind) {
      case K::List:
        out += '[';
        for (const ast::Value& item : value.list) appendCanonical(out, item);
        out += ']';
        break;
      case K::Object: {
        std::vector<const ast::ObjectField*> fields;
        for (const auto& f : value.fields) fields.push_back(&f);
        std::stable_sort(fields.begin(), fields.end(),
                         [](auto* a, auto* b) { return a->name < b->name; });
        out += '{';
        for (auto* f : fields) {
          text(f->name);
          appendCanonical(out, f->value);
        }
        out += '}';
        break;
      }
      case K::Boolean:
        out += value.flag ? 't' : 'f';
        break;
      case K::String:
        out += value.flag ? 'b' : 's';
        text(value.text);
        break;
      default:
        text(value.text);
        break;
    }
  }

  bool sameArguments(const Selection& a, const Selection& b) {
    if (a.arguments.empty()) return b.arguments.empty();
    if (a.arguments.size() != b.arguments.size()) return false;
    for (const ast::Argument& arg1 : a.arguments) {
      spendOverlapBudget(1);
      const ast::Argument* arg2 = nullptr;
      for (const ast::Argument& x : b.arguments) {
        if (x.name == arg1.name) arg2 = &x;
      }
      if (!arg2) return false;
      if (stringifyValue(arg1.value) != stringifyValue(arg2->value)) return false;
    }
    return true;
  }

  std::optional<Conflict> findConflict(bool parentsExclusive, std::string_view responseName,
                                       const FieldDetail& f1, const FieldDetail& f2) {
    const bool exclusive =
        parentsExclusive || (f1.parentType != f2.parentType && f1.parentType && f2.parentType);
    spendOverlapBudget(2);
    std::optional<TypeRef> type1 = f1.def ? std::optional<TypeRef>(f1.def->type) : std::nullopt;
    std::optional<TypeRef> type2 = f2.def ? std::optional<TypeRef>(f2.def->type) : std::nullopt;
    if (f1.isSimpleLeaf && f2.isSimpleLeaf && type1 == type2 && f1.node->name == f2.node->name) {
      return std::nullopt;
    }
    if (!exclusive) {
      std::string reason;
      if (f1.node->name != f2.node->name) {
        reason = quoted(maybeAbbreviate(std::string(f1.node->name))) + " and " +
                 quoted(maybeAbbreviate(std::string(f2.node->name))) + " are different fields";
      } else if (!sameArguments(*f1.node, *f2.node)) {
        reason = "they have differing arguments";
      }
      if (!reason.empty()) {
        return Conflict{std::string(responseName), reason, {f1.node}, {f2.node}};
      }
    }
    if (type1 && type2 && typesConflict(*type1, *type2)) {
      return Conflict{std::string(responseName),
                      "they return conflicting types \"" + type1->toString() + "\" and \"" +
                          type2->toString() + "\"",
                      {f1.node},
                      {f2.node}};
    }
    if (f1.node->selectionSet.present() && f2.node->selectionSet.present()) {
      auto sub = conflictsBetweenSubSelections(
          exclusive, type1 ? asObject(type1->named) : nullptr, f1.node->selectionSet,
          type2 ? asObject(type2->named) : nullptr, f2.node->selectionSet);
      if (sub.empty()) return std::nullopt;
      std::string message;
      for (const Conflict& c : sub) {
        message += (message.empty() ? "" : " and ") + std::string("subfields ") +
                   quoted(maybeAbbreviate(c.responseName)) + " conflict because " + c.reason;
        if (message.size() > kMaxConflictDetailLength) break;
      }
      auto nodes = [&](const Selection* first, bool side1) {
        std::vector<const Selection*> out{first};
        for (const Conflict& c : sub) {
          const auto& from = side1 ? c.fields1 : c.fields2;
          size_t remaining = kMaxConflictNodes - out.size();
          size_t take = std::min(remaining, from.size());
          out.insert(out.end(), from.end() - static_cast<long>(take), from.end());
          if (out.size() == kMaxConflictNodes) break;
        }
        return out;
      };
      return Conflict{std::string(responseName), maybeAbbreviate(message), nodes(f1.node, true),
                      nodes(f2.node, false)};
    }
    return std::nullopt;
  }

  // ---------------------------------------------------------------------------------------

  const Schema& schema_;
  const ast::Document& doc_;
  const ValidationLimits& limits_;
  std::vector<GraphqlError> errors_;
  size_t fragmentWork_ = 0;
  size_t overlapWork_ = 0;

  std::vector<std::optional<TypeRef>> typeStack_;
  std::vector<const ObjectType*> parentTypeStack_;
  std::vector<std::optional<TypeRef>> inputTypeStack_;
  std::vector<const FieldDefinition*> fieldDefStack_;
  std::vector<bool> defaultStack_;
  const DirectiveDefinition* directive_ = nullptr;

  size_t operationCount_ = 0;
  std::unordered_set<std::string_view> definedTypes_;
  std::vector<std::string_view> definedTypeOrder_;
  std::unordered_map<std::string_view, const ast::Definition*> documentDirectives_;
  std::unordered_map<std::string_view, uint32_t> knownOperationNames_;
  std::unordered_map<std::string_view, uint32_t> knownFragmentNames_;
  std::unordered_set<std::string_view> definedVariables_;
  std::vector<const ast::VariableDefinition*> variableDefinitions_;
  std::unordered_set<std::string_view> visitedFragments_;
  bool introspectionRuleActive_ = true;
  std::unordered_map<std::string_view, int> checkedFragments_;
  std::unordered_map<std::string_view, int> exceededFragments_;

  std::unordered_map<const SelectionSet*, std::vector<const Selection*>> spreadsCache_;
  std::unordered_map<const ast::Definition*, std::vector<VariableUsage>> usagesCache_;
  std::unordered_map<const ast::Definition*, std::vector<VariableUsage>> recursiveUsagesCache_;
  std::map<std::pair<const ObjectType*, const SelectionSet*>, std::unique_ptr<Collected>>
      collectedCache_;
  std::unordered_map<std::string_view, std::unordered_map<std::string_view, bool>> comparedPairs_;
  std::unordered_map<const ast::Value*, std::string> stringified_;
};

}  // namespace

std::vector<GraphqlError> validate(const Schema& schema, const ast::Document& document,
                                   const ValidationLimits& limits) {
  return Validator(schema, document, limits).run();
}

}  // namespace watt::graphql
