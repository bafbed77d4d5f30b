#include "kinds/gateway/router.h"

#include <gtest/gtest.h>

namespace watt::kinds::gateway {
namespace {

Route route(std::string id, std::string prefix) {
  Route r;
  r.applicationId = id;
  r.meshId = id;
  r.prefix = std::move(prefix);
  return r;
}

Router seedRouter() {
  // Listed with "/" first, as the seeds do.
  return Router({route("root", ""), route("api", "/api"), route("v2", "/api/v2")});
}

std::string target(const Router& r, std::string_view path) {
  auto m = r.match(path);
  return m ? m->route->applicationId + "|" + std::string(m->remainder) : "none";
}

TEST(Router, LongestPrefixWinsWhateverTheOrder) {
  auto r = seedRouter();
  EXPECT_EQ(target(r, "/api/v2/foo/bar"), "v2|/foo/bar");
  EXPECT_EQ(target(r, "/api/foo"), "api|/foo");
  EXPECT_EQ(target(r, "/other"), "root|/other");
}

TEST(Router, PrefixMatchesItselfWithOrWithoutTrailingSlash) {
  auto r = seedRouter();
  EXPECT_EQ(target(r, "/api"), "api|");
  EXPECT_EQ(target(r, "/api/"), "api|/");
  EXPECT_EQ(target(r, "/api/v2"), "v2|");
}

TEST(Router, PrefixIsASegmentBoundary) {
  auto r = seedRouter();
  EXPECT_EQ(target(r, "/apix/1"), "root|/apix/1");
  EXPECT_EQ(target(r, "/api/v2x"), "api|/v2x");
}

TEST(Router, CaseSensitive) {
  auto r = seedRouter();
  EXPECT_EQ(target(r, "/API/upper"), "root|/API/upper");
}

TEST(Router, NoRootMeansNoMatch) {
  Router r({route("api", "/api")});
  EXPECT_EQ(target(r, "/"), "none");
  EXPECT_EQ(target(r, "/ap"), "none");
}

TEST(Destination, RejectsEscapes) {
  EXPECT_TRUE(isSafeDestination(""));
  EXPECT_TRUE(isSafeDestination("/"));
  EXPECT_TRUE(isSafeDestination("/a/b%20c"));
  EXPECT_TRUE(isSafeDestination("/%E2%9C%93"));
  EXPECT_FALSE(isSafeDestination("//double"));
  EXPECT_FALSE(isSafeDestination("/\\\\evil"));       // backslashes count as slashes
  EXPECT_FALSE(isSafeDestination("/../etc/passwd"));
  EXPECT_FALSE(isSafeDestination("/%2e%2e/x"));
  EXPECT_FALSE(isSafeDestination("/a/%2E%2E"));
  EXPECT_FALSE(isSafeDestination("http://evil"));
  EXPECT_FALSE(isSafeDestination("/bad%zz"));
  EXPECT_FALSE(isSafeDestination("/trunc%4"));
  EXPECT_FALSE(isSafeDestination("/%FF"));  // not UTF-8: decodeURIComponent throws
  EXPECT_TRUE(isSafeDestination("/a..b/..c"));
}

}  // namespace
}  // namespace watt::kinds::gateway
