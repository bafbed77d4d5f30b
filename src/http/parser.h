// HTTP/1.x parsing through Beast's basic_parser (which owns the grammar, chunked decoding and
// the header/body limits); these subclasses only store what it hands over into our Request and
// Response, so no intermediate Beast message is built.
#pragma once

#include "common/asio.h"
#include "http/message.h"

namespace watt::http {

class RequestParser final : public beast::http::basic_parser<true> {
 public:
  RequestParser() = default;
  Request& message() { return message_; }
  Request release() { return std::move(message_); }

 private:
  void on_request_impl(beast::http::verb, beast::string_view method, beast::string_view target,
                       int version, error_code&) override;
  void on_response_impl(int, beast::string_view, int, error_code&) override {}
  void on_field_impl(beast::http::field, beast::string_view name, beast::string_view value,
                     error_code&) override;
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override;
  std::size_t on_body_impl(beast::string_view body, error_code&) override;
  void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, error_code&) override;
  void on_finish_impl(error_code&) override {}

  Request message_;
};

class ResponseParser final : public beast::http::basic_parser<false> {
 public:
  ResponseParser() = default;
  Response& message() { return message_; }
  Response release() { return std::move(message_); }

 private:
  void on_request_impl(beast::http::verb, beast::string_view, beast::string_view, int,
                       error_code&) override {}
  void on_response_impl(int status, beast::string_view reason, int version, error_code&) override;
  void on_field_impl(beast::http::field, beast::string_view name, beast::string_view value,
                     error_code&) override;
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override;
  std::size_t on_body_impl(beast::string_view body, error_code&) override;
  void on_chunk_header_impl(std::uint64_t, beast::string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, error_code&) override;
  void on_finish_impl(error_code&) override {}

  Response message_;
};

// Serialization. Bodies are written as a second buffer; these build the head only.
// The response head gets Content-Length (unless the status has no body), hop-by-hop headers are
// dropped, `connection` reflects `keepAlive`, and `date` is added when missing.
// `bodyLengthForHead`: for a response to HEAD, the Content-Length to announce (upstream's).
// A response with a stream announces the stream's length when known, else `chunked` (set for
// HTTP/1.1 clients) or nothing (the body then ends with the connection).
std::string serializeResponseHead(const Response& response, bool keepAlive, bool headRequest,
                                  std::string_view keepAliveHeader, bool chunked = false);
// The request head gets Content-Length when there is a body or the method usually has one;
// hop-by-hop headers are dropped and `connection: keep-alive` is sent.
std::string serializeRequestHead(const Request& request);

// "Sat, 21 Nov 2026 23:21:42 GMT", cached per second per thread.
std::string_view httpDate();

}  // namespace watt::http
