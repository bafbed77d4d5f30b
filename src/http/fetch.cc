#include "http/fetch.h"

#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

namespace watt::http {
namespace {

namespace bhttp = beast::http;

template <typename Stream>
Task<FetchResult> exchange(Stream& stream, const std::string& host, const std::string& target,
                           const FetchOptions& options) {
  FetchResult result;
  // The body is sent from the caller's string, not copied into the message (span tracing exports
  // megabytes at a time).
  bhttp::request<bhttp::span_body<const char>> request;
  request.method_string(options.method);
  request.target(target);
  request.version(11);
  request.set(bhttp::field::user_agent, "watt");
  for (const auto& [name, value] : options.headers) {
    if (beast::iequals(name, "host") || beast::iequals(name, "content-length") ||
        beast::iequals(name, "transfer-encoding") || beast::iequals(name, "connection"))
      continue;
    request.set(name, value);
  }
  request.set(bhttp::field::host, host);
  request.body() = {options.body.data(), options.body.size()};
  if (!options.body.empty() || options.method != "GET") request.prepare_payload();
  beast::get_lowest_layer(stream).expires_after(options.timeout);
  auto [wec, wn] = co_await bhttp::async_write(stream, request, kNoThrow);
  if (wec) {
    result.error = "cannot send the request: " + wec.message();
    co_return result;
  }
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(options.maxBody);
  auto [rec, rn] = co_await bhttp::async_read(stream, buffer, parser, kNoThrow);
  if (rec) {
    result.error = "cannot read the answer: " + rec.message();
    co_return result;
  }
  result.status = static_cast<int>(parser.get().result_int());
  result.location = std::string(parser.get()[bhttp::field::location]);
  result.body = std::move(parser.get().body());
  co_return result;
}

}  // namespace

Task<FetchResult> fetchUrl(asio::any_io_executor executor, std::string url, std::chrono::milliseconds timeout,
                           size_t maxBody) {
  FetchOptions options;
  options.headers.emplace_back("accept", "application/json");
  options.timeout = timeout;
  options.maxBody = maxBody;
  co_return co_await fetch(std::move(executor), std::move(url), std::move(options));
}

static Task<FetchResult> fetchOnce(asio::any_io_executor executor, const std::string& url, const FetchOptions& options) {
  const auto timeout = options.timeout;
  FetchResult result;
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https")) {
    result.error = "not an http(s) URL: " + url;
    co_return result;
  }
  bool tls = parsed->scheme() == "https";
  std::string host(parsed->host_address());
  std::string port = parsed->has_port() ? std::string(parsed->port()) : (tls ? "443" : "80");
  std::string target(parsed->encoded_target());
  if (target.empty()) target = "/";
  std::string hostHeader(parsed->encoded_host_and_port());

  asio::ip::tcp::resolver resolver(executor);
  auto [rec, endpoints] = co_await resolver.async_resolve(host, port, kNoThrow);
  if (rec) {
    result.error = "cannot resolve " + host + ": " + rec.message();
    co_return result;
  }
  if (!tls) {
    beast::tcp_stream stream(executor);
    stream.expires_after(timeout);
    auto [cec, ep] = co_await stream.async_connect(endpoints, kNoThrow);
    if (cec) {
      result.error = "cannot connect to " + host + ":" + port + ": " + cec.message();
      co_return result;
    }
    co_return co_await exchange(stream, hostHeader, target, options);
  }
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.set_default_verify_paths();
  context.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(executor, context);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) {
    result.error = "cannot set the TLS server name";
    co_return result;
  }
  stream.set_verify_callback(asio::ssl::host_name_verification(host));
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [cec, ep] = co_await beast::get_lowest_layer(stream).async_connect(endpoints, kNoThrow);
  if (cec) {
    result.error = "cannot connect to " + host + ":" + port + ": " + cec.message();
    co_return result;
  }
  auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kNoThrow);
  if (hec) {
    result.error = "TLS handshake with " + host + " failed: " + hec.message();
    co_return result;
  }
  co_return co_await exchange(stream, hostHeader, target, options);
}

Task<FetchResult> fetch(asio::any_io_executor executor, std::string url, FetchOptions options) {
  for (int redirects = 0;; ++redirects) {
    FetchResult result = co_await fetchOnce(executor, url, options);
    bool redirect = result.status == 301 || result.status == 302 || result.status == 303 ||
                    result.status == 307 || result.status == 308;
    if (!redirect || redirects >= options.followRedirects || options.method != "GET" || result.location.empty())
      co_return result;
    // The location, relative to the URL that answered.
    auto base = boost::urls::parse_absolute_uri(url);
    auto reference = boost::urls::parse_uri_reference(result.location);
    if (!base || !reference) co_return result;
    boost::urls::url next;
    if (!boost::urls::resolve(*base, *reference, next)) co_return result;
    url = std::string(next.buffer());
  }
}

}  // namespace watt::http
