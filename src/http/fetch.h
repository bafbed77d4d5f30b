// One-shot HTTP requests to an absolute http:// or https:// URL (certificates checked against
// the system's trust store), for what the server asks other services now and then: an issuer's
// JSON Web Key Set, an authorization webhook. Not pooled.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "common/asio.h"

namespace watt::http {

struct FetchResult {
  int status = 0;          // 0 when no answer was received
  std::string body;
  std::string location;    // the location header, if any
  std::string error;       // set when the request failed
};

struct FetchOptions {
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;  // host and content-length are ours
  std::string body;
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
  size_t maxBody = 1024 * 1024;
  int followRedirects = 0;  // how many 301/302/303/307/308 answers to follow (GET only)
};

Task<FetchResult> fetch(asio::any_io_executor executor, std::string url, FetchOptions options);

// A GET asking for JSON.
Task<FetchResult> fetchUrl(asio::any_io_executor executor, std::string url,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10),
                           size_t maxBody = 1024 * 1024);

}  // namespace watt::http
