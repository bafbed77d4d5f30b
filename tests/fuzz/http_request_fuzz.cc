// Fuzz target: bytes from a client, parsed the way the server parses them (same limits), in one
// piece and split at a data-chosen point, then serialized back when they parse.
#include <cstdint>
#include <string_view>

#include "http/parser.h"

using namespace watt;

static void parse(std::string_view first, std::string_view second) {
  http::RequestParser parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  error_code ec;
  for (std::string_view part : {first, second}) {
    while (!part.empty() && !ec && !parser.is_done()) {
      size_t used = parser.put(asio::buffer(part.data(), part.size()), ec);
      if (ec == beast::http::error::need_more) {
        ec = {};
        break;
      }
      if (used == 0) break;
      part.remove_prefix(used);
    }
  }
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (!ec && parser.is_done()) {
    http::Request r = parser.release();
    (void)http::serializeRequestHead(r);
    (void)r.path();
    (void)r.query();
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  parse(input, {});
  if (size > 1) {
    size_t split = data[0] % size;
    parse(input.substr(0, split), input.substr(split));
  }
  return 0;
}
