// Fuzz target: .env file contents.
#include <cstdint>
#include <string_view>

#include "config/env_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto env = watt::config::parseEnvFile(std::string_view(reinterpret_cast<const char*>(data), size));
  for (const auto& [k, v] : env) {
    if (k.find('\n') != std::string::npos) __builtin_trap();  // keys never span lines
  }
  return 0;
}
