#include "graphql/executor.h"

#include <cmath>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "graphql/coercion.h"
#include "graphql/js_format.h"

namespace watt::graphql {
namespace {

using ast::Selection;
using ast::SelectionKind;
using ast::SelectionSet;

const json::value kNull;
constexpr size_t kLinearGroupSearch = 16;  // below this many fields, a scan beats hashing

const ObjectType* asObject(const NamedType* type) {
  return type && type->kind() == TypeKind::Object ? static_cast<const ObjectType*>(type) : nullptr;
}

// The fields of one selection for one object type, grouped by response key (graphql-js
// collectFields()).
struct FieldGroup {
  std::string_view responseKey;
  const FieldDefinition* def = nullptr;
  std::vector<const Selection*> nodes;
};

struct CollectedFields {
  std::vector<FieldGroup> groups;
  std::vector<std::string_view> fieldNames;  // distinct, in order, without meta fields
};

// An object or a list of the response under construction. Its JSON lives in `slot`, inside its
// parent's JSON, whose capacity was reserved up front so that the slot never moves.
struct Container {
  Container* parent;
  json::value* slot;
  const Path* path;  // the position of this value; null for the root
  bool nullable;     // may the slot become null when something below fails?
  bool dead = false;
};

struct PendingObject {
  Container* container;
  const json::value* source;  // the value the object's fields resolve against
};

// A position inside a container: a response key of an object or an index of a list.
struct Position {
  std::string_view key;
  int64_t index = -1;
};

class Execution {
 public:
  Execution(const Schema& schema, const ast::Document& document, const ast::Definition& operation,
            json::object variables, const ExecutionOptions& options)
      : schema_(schema),
        doc_(document),
        operation_(operation),
        variables_(std::move(variables)),
        options_(options),
        storage_(json::make_shared_resource<json::monotonic_resource>()) {}

  Task<ExecutionResult> run() {
    ExecutionResult result;
    const ObjectType* root = operation_.operation == ast::OperationType::Query ? schema_.queryType()
                             : operation_.operation == ast::OperationType::Mutation
                                 ? schema_.mutationType()
                                 : nullptr;
    result.executed = true;
    if (!root) {
      result.errors.push_back(locatedError(doc_,
                                           std::string("Schema is not configured to execute ") +
                                               ast::operationName(operation_.operation) +
                                               " operation.",
                                           {operation_.offset}));
      co_return result;
    }
    CollectedFields fields;
    std::optional<GraphqlError> collectError =
        collectFields(*root, {&operation_.selectionSet}, fields);
    if (collectError) {
      result.errors.push_back(std::move(*collectError));
      co_return result;
    }
    json::value data(json::object_kind, storage_);
    data.get_object().reserve(fields.groups.size());
    Container& rootContainer = containers_.emplace_back(Container{nullptr, &data, nullptr, true});
    const json::value& rootValue = options_.rootValue ? *options_.rootValue : emptyObject_;
    auto level = std::make_unique<Level>(
        Level{root, &fields, std::vector<PendingObject>{{&rootContainer, &rootValue}}});
    co_await executeLevels(std::move(level));
    if (aborted_) {
      errors_.push_back(GraphqlError{"Execution aborted: the operation would produce more than " +
                                         std::to_string(options_.limits.maxFieldResolutions) +
                                         " field values.",
                                     {},
                                     {}});
      result.errors = std::move(errors_);
      co_return result;
    }
    for (json::value* slot : nullSlots_) *slot = nullptr;
    // Move-constructed, not assigned: assignment would copy the data out of the arena.
    co_return ExecutionResult{std::move(data), std::move(errors_), true};
  }

 private:
  // ---- Field collection ----

  std::optional<bool> directiveCondition(const std::vector<ast::Directive>& directives,
                                         std::string_view name, GraphqlError& error) {
    for (const ast::Directive& d : directives) {
      if (d.name != name) continue;
      const DirectiveDefinition* def = schema_.findDirective(name);
      auto args = coerceArgumentValues(def->args, d.arguments, d.offset, variables_, doc_);
      if (auto* e = std::get_if<GraphqlError>(&args)) {
        error = std::move(*e);
        return std::nullopt;
      }
      const json::value* condition = std::get<json::object>(args).if_contains("if");
      return condition && condition->is_bool() ? std::optional<bool>(condition->get_bool())
                                               : std::nullopt;
    }
    return std::nullopt;
  }

  // graphql-js shouldIncludeNode(); an error when a directive argument cannot be coerced.
  bool shouldInclude(const std::vector<ast::Directive>& directives,
                     std::optional<GraphqlError>& error) {
    if (directives.empty()) return true;
    GraphqlError e;
    auto skip = directiveCondition(directives, "skip", e);
    if (!e.message.empty()) {
      error = std::move(e);
      return false;
    }
    if (skip == true) return false;
    auto include = directiveCondition(directives, "include", e);
    if (!e.message.empty()) {
      error = std::move(e);
      return false;
    }
    return include != false;
  }

  std::optional<GraphqlError> collectFields(const ObjectType& type,
                                            const std::vector<const SelectionSet*>& sets,
                                            CollectedFields& out) {
    std::unordered_set<std::string_view> visitedFragments;
    std::unordered_set<std::string_view> names;
    std::unordered_map<std::string_view, size_t> groupIndex;  // used once there are many groups
    std::optional<GraphqlError> error;
    auto findGroup = [&](std::string_view key) -> FieldGroup* {
      if (out.groups.size() < kLinearGroupSearch) {
        for (FieldGroup& g : out.groups) {
          if (g.responseKey == key) return &g;
        }
        return nullptr;
      }
      if (groupIndex.empty()) {
        for (size_t i = 0; i < out.groups.size(); ++i)
          groupIndex.emplace(out.groups[i].responseKey, i);
      }
      auto it = groupIndex.find(key);
      return it == groupIndex.end() ? nullptr : &out.groups[it->second];
    };
    auto collect = [&](auto& self, const SelectionSet& set) -> void {
      for (const Selection& sel : set.selections) {
        if (error) return;
        switch (sel.kind) {
          case SelectionKind::Field: {
            if (!shouldInclude(sel.directives, error)) break;
            std::string_view key = sel.responseKey();
            if (FieldGroup* group = findGroup(key)) {
              group->nodes.push_back(&sel);
              break;
            }
            const FieldDefinition* def = schema_.fieldDefinition(type, sel.name);
            if (!def) break;  // unknown fields are left out (validation reports them)
            out.groups.push_back(FieldGroup{key, def, {&sel}});
            if (!groupIndex.empty()) groupIndex.emplace(key, out.groups.size() - 1);
            if (!sel.name.starts_with("__") && names.insert(sel.name).second) {
              out.fieldNames.push_back(sel.name);
            }
            break;
          }
          case SelectionKind::InlineFragment:
            if (!shouldInclude(sel.directives, error)) break;
            if (!sel.typeCondition.empty() && sel.typeCondition != type.name()) break;
            self(self, sel.selectionSet);
            break;
          case SelectionKind::FragmentSpread: {
            if (visitedFragments.contains(sel.name) || !shouldInclude(sel.directives, error)) break;
            visitedFragments.insert(sel.name);
            const ast::Definition* fragment = doc_.fragment(sel.name);
            if (!fragment || fragment->typeCondition.name != type.name()) break;
            self(self, fragment->selectionSet);
            break;
          }
        }
      }
    };
    for (const SelectionSet* set : sets) collect(collect, *set);
    return error;
  }

  // ---- Errors and null propagation ----

  static bool alive(const Container* c) {
    for (; c; c = c->parent) {
      if (c->dead) return false;
    }
    return true;
  }

  const Path* pathOf(Container* c, Position pos) {
    return &paths_.emplace_back(Path{c->path, pos.key, pos.index});
  }

  GraphqlError fieldError(std::string message, const FieldGroup& group, Container* c,
                          Position pos) {
    GraphqlError error{std::move(message), {}, {}};
    error.locations.reserve(group.nodes.size());
    for (const Selection* node : group.nodes) error.locations.push_back(doc_.locate(node->offset));
    Path at{c->path, pos.key, pos.index};
    error.path = at.toJson();
    return error;
  }

  // A value at `pos` of `c` could not be produced. A nullable position just stays null; a
  // non-null one nulls the nearest nullable container above (graphql-js handleFieldError()).
  // Errors below an already nulled position are dropped, as graphql-js does.
  void failWith(Container* c, bool positionNullable, GraphqlError error) {
    if (!alive(c)) return;
    if (!positionNullable) {
      for (Container* x = c;; x = x->parent) {
        x->dead = true;
        if (x->nullable) {
          nullSlots_.push_back(x->slot);
          break;
        }
      }
    }
    errors_.push_back(std::move(error));
  }

  void fail(Container* c, Position pos, bool positionNullable, std::string message,
            const FieldGroup& group) {
    if (!alive(c)) return;
    failWith(c, positionNullable, fieldError(std::move(message), group, c, pos));
  }

  // ---- Value completion ----

  struct FieldContext {
    const ObjectType& parentType;
    const FieldGroup& group;
    const CollectedFields& subfields;
    std::vector<PendingObject>& children;
  };

  void complete(TypeRef type, const json::value& value, json::value& slot, Container* c,
                Position pos, FieldContext& ctx) {
    const bool nullable = !type.isNonNull();
    const TypeRef inner = nullable ? type : type.inner();
    if (value.is_null()) {
      if (!nullable) {
        fail(c, pos, false,
             "Cannot return null for non-nullable field " + ctx.parentType.name() + "." +
                 ctx.group.def->name + ".",
             ctx.group);
      }
      return;
    }
    if (inner.isList()) {
      const json::array* items = value.if_array();
      if (!items) {
        fail(c, pos, nullable,
             "Expected Iterable, but did not find one for field \"" + ctx.parentType.name() + "." +
                 ctx.group.def->name + "\".",
             ctx.group);
        return;
      }
      json::array& out = slot.emplace_array();
      out.resize(items->size());
      Container* list = &containers_.emplace_back(Container{c, &slot, pathOf(c, pos), nullable});
      const TypeRef itemType = inner.inner();
      for (size_t i = 0; i < items->size(); ++i) {
        complete(itemType, (*items)[i], out[i], list, Position{{}, static_cast<int64_t>(i)}, ctx);
      }
      return;
    }
    if (inner.named->isLeaf()) {
      if (serializeDirectly(*inner.named, value, slot)) return;
      auto serialized = serializeLeaf(*inner.named, value);
      if (!serialized) {
        fail(c, pos, nullable, serialized.error().message, ctx.group);
        return;
      }
      if (serialized->is_null()) {
        fail(c, pos, nullable,
             "Expected `" + inner.named->name() + ".serialize(" + inspect(value) +
                 ")` to return non-nullable value, returned: null",
             ctx.group);
        return;
      }
      slot = std::move(*serialized);
      return;
    }
    json::object& object = slot.emplace_object();
    object.reserve(ctx.subfields.groups.size());
    Container* container = &containers_.emplace_back(Container{c, &slot, pathOf(c, pos), nullable});
    ctx.children.push_back(PendingObject{container, &value});
  }

  // The common case of serializeLeaf() (a value already of the scalar's JSON type), written
  // straight into the response arena instead of through a temporary.
  static bool serializeDirectly(const NamedType& type, const json::value& value,
                                json::value& slot) {
    if (type.kind() != TypeKind::Scalar) return false;
    switch (static_cast<const ScalarType&>(type).builtin()) {
      case ScalarType::Builtin::String:
      case ScalarType::Builtin::ID:
        if (!value.is_string()) return false;
        slot.emplace_string() = value.get_string();
        return true;
      case ScalarType::Builtin::Int:
        if (!value.is_int64() || value.get_int64() > INT32_MAX || value.get_int64() < INT32_MIN) {
          return false;
        }
        slot = value.get_int64();
        return true;
      case ScalarType::Builtin::Float:
        if (!value.is_double() || !std::isfinite(value.get_double())) return false;
        slot = value.get_double();
        return true;
      case ScalarType::Builtin::Boolean:
        if (!value.is_bool()) return false;
        slot = value.get_bool();
        return true;
      case ScalarType::Builtin::None:
        return false;
    }
    return false;
  }

  // ---- Field execution, one level at a time ----

  // One list level: objects of one type and the fields selected on them. While a field's
  // objects below are being filled, the values they read from stay in `owned`.
  struct Level {
    const ObjectType* type;
    const CollectedFields* fields;
    std::vector<PendingObject> objects;
    size_t next = 0;
    std::vector<json::value> owned;
    CollectedFields childFields;
  };

  // Runs each field for every object of a level before the next field, so that a resolver is
  // called once per level (in batch when it can be). The objects a field produced form the
  // level below, which is done before the next field: depth first over levels, with an
  // explicit stack so that deep queries cost no native stack.
  Task<void> executeLevels(std::unique_ptr<Level> root) {
    std::vector<std::unique_ptr<Level>> stack;
    stack.push_back(std::move(root));
    while (!stack.empty() && !aborted_) {
      Level& level = *stack.back();
      if (level.next == level.fields->groups.size()) {
        stack.pop_back();
        continue;
      }
      const ObjectType& type = *level.type;
      const FieldGroup& group = level.fields->groups[level.next++];
      std::vector<PendingObject*> live;
      live.reserve(level.objects.size());
      for (PendingObject& o : level.objects) {
        if (alive(o.container)) live.push_back(&o);
      }
      if (live.empty()) {
        stack.pop_back();
        continue;
      }
      resolvedCount_ += live.size();
      if (resolvedCount_ > options_.limits.maxFieldResolutions) {
        aborted_ = true;
        co_return;
      }
      const FieldDefinition& def = *group.def;
      const Selection& node = *group.nodes.front();
      const TypeRef returnType = def.type;
      const bool fieldNullable = !returnType.isNonNull();
      const Position pos{group.responseKey, -1};

      std::vector<json::value*> slots(live.size());
      for (size_t i = 0; i < live.size(); ++i) {
        json::object& object = live[i]->container->slot->get_object();
        slots[i] = &object.emplace(group.responseKey, nullptr).first->value();
      }

      auto args = coerceArgumentValues(def.args, node.arguments, node.offset, variables_, doc_);
      CollectedFields& subfields = level.childFields;
      subfields = CollectedFields();
      std::optional<GraphqlError> setupError;
      if (auto* e = std::get_if<GraphqlError>(&args)) setupError = std::move(*e);
      const ObjectType* childType = asObject(returnType.named);
      if (!setupError && childType) {
        std::vector<const SelectionSet*> sets;
        for (const Selection* n : group.nodes) {
          if (n->selectionSet.present()) sets.push_back(&n->selectionSet);
        }
        setupError = collectFields(*childType, sets, subfields);
      }
      if (setupError) {
        // Argument errors keep their own locations and get the field's path (locatedError()).
        for (PendingObject* o : live) {
          GraphqlError error = *setupError;
          error.path = Path{o->container->path, pos.key, -1}.toJson();
          failWith(o->container, fieldNullable, std::move(error));
        }
        continue;
      }
      const json::object& argValues = std::get<json::object>(args);

      // Resolve: results[i] is either a value (owned or borrowed from the parent) or an error.
      std::vector<json::value>& owned = level.owned;
      owned.clear();
      owned.reserve(live.size());
      std::vector<const json::value*> values(live.size(), &kNull);
      std::vector<std::optional<std::string>> failures(live.size());
      Path firstPath{live.front()->container->path, pos.key, -1};
      ResolveInfo batchInfo{schema_,
                            type,
                            def,
                            firstPath,
                            subfields.fieldNames,
                            doc_,
                            variables_,
                            operation_.operation};

      if (def.batchResolver) {
        std::vector<const json::value*> parents;
        parents.reserve(live.size());
        for (PendingObject* o : live) parents.push_back(o->source);
        BatchParams params{parents, argValues, options_.context, batchInfo};
        Result<std::vector<ResolveResult>> batch = co_await def.batchResolver(params);
        if (!batch) {
          for (auto& f : failures) f = batch.error().message;
        } else if (batch->size() != live.size()) {
          std::string message = "Batch resolver of " + type.name() + "." + def.name + " returned " +
                                std::to_string(batch->size()) + " results for " +
                                std::to_string(live.size()) + " parents.";
          for (auto& f : failures) f = message;
        } else {
          for (size_t i = 0; i < live.size(); ++i) {
            ResolveResult& r = (*batch)[i];
            if (r) {
              owned.push_back(std::move(*r));
              values[i] = &owned.back();
            } else {
              failures[i] = r.error().message;
            }
          }
        }
      } else if (def.resolver) {
        for (size_t i = 0; i < live.size(); ++i) {
          Path fieldPath{live[i]->container->path, pos.key, -1};
          ResolveInfo info{schema_,
                           type,
                           def,
                           fieldPath,
                           subfields.fieldNames,
                           doc_,
                           variables_,
                           operation_.operation};
          ResolveParams params{*live[i]->source, argValues, options_.context, info};
          ResolveResult r = co_await def.resolver(params);
          if (r) {
            owned.push_back(std::move(*r));
            values[i] = &owned.back();
          } else {
            failures[i] = r.error().message;
          }
        }
      } else if (def.syncResolver) {
        for (size_t i = 0; i < live.size(); ++i) {
          Path fieldPath{live[i]->container->path, pos.key, -1};
          ResolveInfo info{schema_,
                           type,
                           def,
                           fieldPath,
                           subfields.fieldNames,
                           doc_,
                           variables_,
                           operation_.operation};
          ResolveParams params{*live[i]->source, argValues, options_.context, info};
          ResolveResult r = def.syncResolver(params);
          if (r) {
            owned.push_back(std::move(*r));
            values[i] = &owned.back();
          } else {
            failures[i] = r.error().message;
          }
        }
      } else {
        for (size_t i = 0; i < live.size(); ++i) {
          const json::object* parent = live[i]->source->if_object();
          const json::value* property = parent ? parent->if_contains(def.name) : nullptr;
          values[i] = property ? property : &kNull;
        }
      }

      std::vector<PendingObject> children;
      FieldContext ctx{type, group, subfields, children};
      for (size_t i = 0; i < live.size(); ++i) {
        Container* container = live[i]->container;
        if (failures[i]) {
          fail(container, pos, fieldNullable, std::move(*failures[i]), group);
          continue;
        }
        complete(returnType, *values[i], *slots[i], container, pos, ctx);
      }
      if (!children.empty()) {
        stack.push_back(std::make_unique<Level>(Level{childType, &subfields, std::move(children)}));
      }
    }
  }

  const Schema& schema_;
  const ast::Document& doc_;
  const ast::Definition& operation_;
  json::object variables_;
  const ExecutionOptions& options_;
  json::storage_ptr storage_;  // one arena for the whole response
  const json::value emptyObject_ = json::object();
  std::deque<Container> containers_;
  std::deque<Path> paths_;
  std::vector<json::value*> nullSlots_;
  std::vector<GraphqlError> errors_;
  size_t resolvedCount_ = 0;
  bool aborted_ = false;
};

}  // namespace

Task<ExecutionResult> execute(const Schema& schema, std::shared_ptr<const ast::Document> document,
                              ExecutionOptions options) {
  ExecutionResult result;
  const ast::Definition* operation = nullptr;
  for (const ast::Definition& def : document->definitions()) {
    if (def.kind != ast::DefinitionKind::Operation) continue;
    if (!options.operationName) {
      if (operation) {
        result.errors.push_back(GraphqlError{
            "Must provide operation name if query contains multiple operations.", {}, {}});
        co_return result;
      }
      operation = &def;
    } else if (def.name == *options.operationName) {
      operation = &def;
    }
  }
  if (!operation) {
    result.errors.push_back(GraphqlError{
        options.operationName
            ? "Unknown operation named \"" + std::string(*options.operationName) + "\"."
            : std::string("Must provide an operation."),
        {},
        {}});
    co_return result;
  }
  static const json::object kNoVariables;
  CoercedVariables variables = coerceVariableValues(
      schema, *document, *operation, options.variables ? *options.variables : kNoVariables);
  if (!variables.errors.empty()) {
    result.errors = std::move(variables.errors);
    co_return result;
  }
  Execution execution(schema, *document, *operation, std::move(variables.values), options);
  ExecutionResult executed = co_await execution.run();
  co_return executed;
}

}  // namespace watt::graphql
