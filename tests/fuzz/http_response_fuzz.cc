// Fuzz target: bytes from an upstream application, parsed as the client pool parses them.
#include <cstdint>
#include <string_view>

#include "http/parser.h"

using namespace watt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  for (bool head : {false, true}) {
    http::ResponseParser parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(1024 * 1024);
    parser.eager(true);
    if (head) parser.skip(true);
    error_code ec;
    parser.put(asio::buffer(data, size), ec);
    if (!ec && !parser.is_done()) parser.put_eof(ec);
    if (!ec && parser.is_done()) {
      http::Response r = parser.release();
      (void)http::serializeResponseHead(r, true, head, "timeout=72");
    }
  }
  return 0;
}
