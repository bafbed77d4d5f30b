#include "http/parser.h"

#include <ctime>

#include "common/ascii.h"

namespace watt::http {

void RequestParser::on_request_impl(beast::http::verb, beast::string_view method,
                                    beast::string_view target, int version, error_code&) {
  message_.method.assign(method);
  message_.target.assign(target);
  message_.version = version;
}

void RequestParser::on_field_impl(beast::http::field, beast::string_view name,
                                  beast::string_view value, error_code&) {
  message_.headers.add(std::string(name), std::string(value));
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) {
  if (length) message_.body.reserve(static_cast<size_t>(*length));
}

std::size_t RequestParser::on_body_impl(beast::string_view body, error_code&) {
  message_.body.append(body);
  return body.size();
}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, beast::string_view body, error_code&) {
  message_.body.append(body);
  return body.size();
}

void ResponseParser::on_response_impl(int status, beast::string_view, int, error_code&) {
  message_.status = status;
}

void ResponseParser::on_field_impl(beast::http::field, beast::string_view name,
                                   beast::string_view value, error_code&) {
  message_.headers.add(std::string(name), std::string(value));
}

void ResponseParser::on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) {
  if (length) message_.body.reserve(static_cast<size_t>(*length));
}

std::size_t ResponseParser::on_body_impl(beast::string_view body, error_code&) {
  message_.body.append(body);
  return body.size();
}

std::size_t ResponseParser::on_chunk_body_impl(std::uint64_t, beast::string_view body, error_code&) {
  message_.body.append(body);
  return body.size();
}

std::string_view httpDate() {
  thread_local std::time_t cachedSecond = 0;
  thread_local char buffer[64];
  thread_local size_t length = 0;
  std::time_t now = std::time(nullptr);
  if (now != cachedSecond) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    length = std::strftime(buffer, sizeof(buffer), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cachedSecond = now;
  }
  return {buffer, length};
}

// True when `text` holds CR, LF or NUL. A plain byte loop: std::string_view::find_first_of with
// a three-character set calls memchr once per byte of `text`, which showed in profiles.
static bool hasLineBreakOrNul(std::string_view text) {
  for (unsigned char c : text)
    if (c <= '\r' && (c == '\r' || c == '\n' || c == '\0')) return true;
  return false;
}

// A header line. CR, LF and NUL never reach the wire from a value or name (an application that
// put a client's text in a header must not be able to split the response): they are dropped.
static void appendHeader(std::string& out, std::string_view name, std::string_view value) {
  auto append = [&](std::string_view text) {
    if (!hasLineBreakOrNul(text)) {
      out += text;
      return;
    }
    for (char c : text)
      if (c != '\r' && c != '\n' && c != '\0') out += c;
  };
  append(name);
  out += ": ";
  append(value);
  out += "\r\n";
}

// A header line whose name and value the server itself produced (no check needed).
static void appendOwnHeader(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

std::string serializeResponseHead(const Response& response, bool keepAlive, bool headRequest,
                                   std::string_view keepAliveHeader, bool chunked) {
  std::string out;
  out.reserve(256 + response.headers.size() * 48);
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += reasonPhrase(response.status);
  out += "\r\n";
  bool hasDate = false;
  const std::string* upstreamLength = nullptr;
  for (const auto& h : response.headers) {
    if (isHopByHopHeader(h.name)) continue;
    if (ascii::iequals(h.name, "content-length")) {
      upstreamLength = &h.value;
      continue;
    }
    if (!hasDate && ascii::iequals(h.name, "date")) hasDate = true;
    appendHeader(out, h.name, h.value);
  }
  bool streamed = response.stream && !headRequest && !statusHasNoBody(response.status);
  if (streamed) {
    if (auto length = response.stream->length()) appendOwnHeader(out, "content-length", std::to_string(*length));
    else if (chunked) appendOwnHeader(out, "transfer-encoding", "chunked");
  } else if (!statusHasNoBody(response.status)) {
    // For HEAD, announce what a GET would carry when we know it (a proxied response's length).
    if (headRequest && upstreamLength) appendHeader(out, "content-length", *upstreamLength);
    else if (!headRequest || response.body.size() > 0 || !upstreamLength)
      appendOwnHeader(out, "content-length", std::to_string(response.body.size()));
  } else if (response.status == 304 && upstreamLength) {
    appendHeader(out, "content-length", *upstreamLength);
  }
  if (!hasDate) appendOwnHeader(out, "date", httpDate());
  if (keepAlive) {
    appendOwnHeader(out, "connection", "keep-alive");
    if (!keepAliveHeader.empty()) appendOwnHeader(out, "keep-alive", keepAliveHeader);
  } else {
    appendOwnHeader(out, "connection", "close");
  }
  out += "\r\n";
  return out;
}

std::string serializeRequestHead(const Request& request) {
  std::string out;
  out.reserve(128 + request.target.size() + request.headers.size() * 48);
  out += request.method;
  out += ' ';
  out += request.target;
  // The client's version travels on (an HTTP/1.0 client's app sees 1.0), with keep-alive asked
  // for explicitly below so the pooled connection stays open either way.
  out += request.version == 10 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n";
  bool hadLength = false;
  for (const auto& h : request.headers) {
    if (isHopByHopHeader(h.name)) continue;
    if (ascii::iequals(h.name, "content-length")) {
      hadLength = true;
      continue;
    }
    // The runtime answered any `Expect: 100-continue` itself and sends the whole body now; an
    // upstream that saw the header would send its own 100 first.
    if (ascii::iequals(h.name, "expect")) continue;
    appendHeader(out, h.name, h.value);
  }
  if (!request.body.empty() || hadLength) {
    appendOwnHeader(out, "content-length", std::to_string(request.body.size()));
  }
  appendOwnHeader(out, "connection", "keep-alive");
  out += "\r\n";
  return out;
}

}  // namespace watt::http
