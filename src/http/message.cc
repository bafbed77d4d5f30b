#include "http/message.h"

#include <boost/json.hpp>

#include "common/ascii.h"

namespace watt::http {

void Headers::set(std::string_view name, std::string value) {
  remove(name);
  push({std::string(name), std::move(value)});
}

void Headers::remove(std::string_view name) {
  std::erase_if(items_, [&](const Header& h) { return ascii::iequals(h.name, name); });
}

const std::string* Headers::find(std::string_view name) const {
  for (const auto& h : items_)
    if (ascii::iequals(h.name, name)) return &h.value;
  return nullptr;
}

std::string_view Headers::get(std::string_view name) const {
  const std::string* v = find(name);
  return v ? std::string_view(*v) : std::string_view{};
}

bool isHopByHopHeader(std::string_view name) {
  static constexpr std::string_view kHopByHop[] = {
      "connection", "keep-alive", "proxy-connection", "transfer-encoding",
      "te",         "trailer",    "upgrade",          "proxy-authenticate"};
  for (auto h : kHopByHop)
    if (ascii::iequals(name, h)) return true;
  return false;
}

std::string_view Request::path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string_view Request::query() const {
  std::string_view t = target;
  size_t q = t.find('?');
  return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.add("content-type", "application/json; charset=utf-8");
  r.body = std::move(body);
  return r;
}

Response Response::error(int status, std::string_view message, std::string_view code) {
  boost::json::object o;
  o["statusCode"] = status;
  if (!code.empty()) o["code"] = code;
  o["error"] = reasonPhrase(status);
  o["message"] = message;
  return json(status, boost::json::serialize(o));
}

Response Response::routeNotFound(std::string_view method, std::string_view target) {
  boost::json::object o;
  std::string message = "Route ";
  message += method;
  message += ":";
  message += target;
  message += " not found";
  o["message"] = message;
  o["error"] = "Not Found";
  o["statusCode"] = 404;
  return json(404, boost::json::serialize(o));
}

Task<std::string> readWholeBody(Response& response) {
  std::string body = std::move(response.body);
  if (auto stream = std::move(response.stream)) {
    for (;;) {
      error_code ec;
      auto chunk = co_await stream->next(ec);
      if (!chunk) break;
      body += *chunk;
    }
  }
  co_return body;
}

bool statusHasNoBody(int status) { return (status >= 100 && status < 200) || status == 204 || status == 304; }

std::string_view reasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 418: return "I'm a Teapot";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Entity";
    case 423: return "Locked";
    case 424: return "Failed Dependency";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 451: return "Unavailable For Legal Reasons";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 507: return "Insufficient Storage";
    case 511: return "Network Authentication Required";
    default: break;
  }
  if (status < 200) return "Informational";
  if (status < 300) return "Success";
  if (status < 400) return "Redirection";
  if (status < 500) return "Client Error";
  return "Server Error";
}

}  // namespace watt::http
