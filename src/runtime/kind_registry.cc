#include "runtime/kind.h"

namespace watt::runtime {

const Kind* KindRegistry::find(std::string_view name) const {
  for (const auto& k : kinds_) {
    if (k->parser.name == name) return k.get();
    for (const auto& alias : k->parser.aliases)
      if (alias == name) return k.get();
  }
  return nullptr;
}

config::KindParsers KindRegistry::parsers() const {
  config::KindParsers out;
  for (const auto& k : kinds_) out.push_back(&k->parser);
  return out;
}

}  // namespace watt::runtime
