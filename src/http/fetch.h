// A one-shot GET of an absolute http:// or https:// URL (certificates checked against the
// system's trust store), for small documents the server needs now and then, such as an
// issuer's JSON Web Key Set. Not pooled; not for the request path.
#pragma once

#include <chrono>
#include <string>

#include "common/asio.h"

namespace watt::http {

struct FetchResult {
  int status = 0;          // 0 when no answer was received
  std::string body;
  std::string error;       // set when the request failed
};

Task<FetchResult> fetchUrl(asio::any_io_executor executor, std::string url,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10),
                           size_t maxBody = 1024 * 1024);

}  // namespace watt::http
