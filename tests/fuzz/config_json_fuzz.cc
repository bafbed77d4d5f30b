// Fuzz target: a configuration file's text, parsed and run through placeholder substitution
// and kind detection, as the loader does with watt.json / platformatic.json.
#include <cstdint>
#include <string_view>

#include "config/discovery.h"
#include "config/placeholders.h"

using namespace watt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  json::stream_parser parser;
  error_code ec;
  parser.write_some(reinterpret_cast<const char*>(data), size, ec);
  if (!ec) parser.finish(ec);
  if (ec) return 0;
  json::value doc = parser.release();
  config::EnvMap env{{"PORT", "3042"}, {"A", "{B}"}, {"B", "{A}"}, {"HOST", "{{PORT}}"}};
  config::MissingPlaceholders missing;
  (void)config::substitutePlaceholders(doc, env, missing);
  (void)config::moduleFromConfig(doc);
  return 0;
}
