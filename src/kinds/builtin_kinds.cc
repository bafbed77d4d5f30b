// The application kinds compiled into this binary. Adding a kind means adding a line here; the
// runtime itself names no kind.
#include "kinds/db/db_application.h"
#include "kinds/gateway/gateway.h"
#include "kinds/node/node_application.h"
#include "runtime/kind.h"

namespace watt::runtime {

const KindRegistry& builtinKinds() {
  static const KindRegistry registry = [] {
    KindRegistry r;
    r.add(kinds::gateway::gatewayKind());
    r.add(kinds::node::nodeKind());
    r.add(kinds::db::dbKind());
    return r;
  }();
  return registry;
}

}  // namespace watt::runtime
