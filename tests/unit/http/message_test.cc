#include <gtest/gtest.h>

#include "http/message.h"
#include "http/parser.h"

namespace watt::http {
namespace {

// Feeds raw bytes to a parser the way the server does, all at once.
template <typename Parser>
error_code feed(Parser& parser, std::string_view bytes) {
  error_code ec;
  parser.eager(true);
  size_t used = parser.put(asio::buffer(bytes.data(), bytes.size()), ec);
  if (!ec && used < bytes.size() && !parser.is_done()) ec = beast::http::error::need_more;
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  return ec;
}

TEST(Headers, CaseInsensitiveLookupAndRepeatedValues) {
  Headers h;
  h.add("Set-Cookie", "a=1");
  h.add("set-cookie", "b=2");
  h.add("Content-Type", "text/plain");
  EXPECT_EQ(h.get("content-type"), "text/plain");
  EXPECT_EQ(h.size(), 3u);
  h.set("SET-COOKIE", "c=3");
  EXPECT_EQ(h.size(), 2u);
  EXPECT_EQ(h.get("set-cookie"), "c=3");
  h.remove("content-type");
  EXPECT_FALSE(h.has("Content-Type"));
}

TEST(RequestParser, ParsesRequestLineHeadersAndChunkedBody) {
  RequestParser p;
  auto ec = feed(p, "POST /items?x=1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  ASSERT_FALSE(ec) << ec.message();
  Request r = p.release();
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/items?x=1");
  EXPECT_EQ(r.path(), "/items");
  EXPECT_EQ(r.query(), "x=1");
  EXPECT_EQ(r.body, "abcde");
  EXPECT_EQ(r.headers.get("host"), "a");
}

TEST(RequestParser, HeaderAndBodyLimitsAreDistinctErrors) {
  {
    RequestParser p;
    p.header_limit(64);
    auto ec = feed(p, "GET / HTTP/1.1\r\nX-Big: " + std::string(200, 'a') + "\r\n\r\n");
    EXPECT_EQ(ec, beast::http::error::header_limit);
  }
  {
    RequestParser p;
    p.body_limit(4);
    auto ec = feed(p, "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789");
    EXPECT_EQ(ec, beast::http::error::body_limit);
  }
  {
    RequestParser p;
    p.body_limit(4);
    auto ec = feed(p, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n0\r\n\r\n");
    EXPECT_EQ(ec, beast::http::error::body_limit);
  }
}

TEST(RequestParser, MalformedInputIsAnErrorNotACrash) {
  for (std::string bad : {"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET / HTTP/1.1\r\nNo colon\r\n\r\n",
                          "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
                          "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"}) {
    RequestParser p;
    EXPECT_TRUE(feed(p, bad)) << bad;
  }
}

TEST(ResponseParser, ParsesStatusHeadersBody) {
  ResponseParser p;
  auto ec = feed(p, "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nSet-Cookie: a\r\n"
                    "Set-Cookie: b\r\nContent-Length: 2\r\n\r\n{}");
  ASSERT_FALSE(ec);
  auto r = p.release();
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "{}");
  int cookies = 0;
  for (const auto& h : r.headers) cookies += h.name == "Set-Cookie";
  EXPECT_EQ(cookies, 2);
}

TEST(Serialize, ResponseHeadDropsHopByHopAndSetsLength) {
  Response r;
  r.status = 201;
  r.headers.add("Transfer-Encoding", "chunked");
  r.headers.add("Connection", "upgrade");
  r.headers.add("X-App", "a");
  r.body = "hello";
  std::string head = serializeResponseHead(r, true, false, "timeout=72");
  EXPECT_TRUE(head.starts_with("HTTP/1.1 201 Created\r\n"));
  EXPECT_EQ(head.find("Transfer-Encoding"), std::string::npos);
  EXPECT_EQ(head.find("upgrade"), std::string::npos);
  EXPECT_NE(head.find("X-App: a\r\n"), std::string::npos);
  EXPECT_NE(head.find("content-length: 5\r\n"), std::string::npos);
  EXPECT_NE(head.find("connection: keep-alive\r\nkeep-alive: timeout=72\r\n"), std::string::npos);
  EXPECT_NE(head.find("date: "), std::string::npos);
  EXPECT_TRUE(head.ends_with("\r\n\r\n"));
}

TEST(Serialize, NoLengthForNoContentAndHeadKeepsUpstreamLength) {
  Response r;
  r.status = 204;
  EXPECT_EQ(serializeResponseHead(r, false, false, "").find("content-length"), std::string::npos);
  Response head;
  head.headers.add("content-length", "42");
  std::string s = serializeResponseHead(head, false, true, "");
  EXPECT_NE(s.find("content-length: 42\r\n"), std::string::npos);
  EXPECT_NE(s.find("connection: close\r\n"), std::string::npos);
}

TEST(Serialize, RequestHeadRecomputesLength) {
  Request r;
  r.method = "POST";
  r.target = "/x";
  r.headers.add("host", "api.plt.local");
  r.headers.add("content-length", "999");
  r.headers.add("transfer-encoding", "chunked");
  r.body = "abc";
  std::string s = serializeRequestHead(r);
  EXPECT_TRUE(s.starts_with("POST /x HTTP/1.1\r\nhost: api.plt.local\r\n"));
  EXPECT_NE(s.find("content-length: 3\r\n"), std::string::npos);
  EXPECT_EQ(s.find("999"), std::string::npos);
  EXPECT_EQ(s.find("chunked"), std::string::npos);
}

TEST(Response, FastifyErrorShapes) {
  auto e = Response::error(413, "Request body is too large", "FST_ERR_CTP_BODY_TOO_LARGE");
  EXPECT_EQ(e.status, 413);
  EXPECT_EQ(e.body,
            R"({"statusCode":413,"code":"FST_ERR_CTP_BODY_TOO_LARGE","error":"Payload Too Large","message":"Request body is too large"})");
  auto nf = Response::routeNotFound("GET", "/x?y=1");
  EXPECT_EQ(nf.body, R"({"message":"Route GET:/x?y=1 not found","error":"Not Found","statusCode":404})");
}

}  // namespace
}  // namespace watt::http
