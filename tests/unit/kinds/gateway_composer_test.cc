#include <gtest/gtest.h>

#include "kinds/gateway/openapi_composer.h"

namespace watt::kinds::gateway {
namespace {

json::value shopDocument() {
  return json::parse(R"({
    "openapi":"3.0.3","info":{"title":"Platformatic DB","version":"1.0.0"},
    "components":{"schemas":{
      "Product":{"title":"Product","description":"A Product","type":"object","properties":{"id":{"type":"string"}}},
      "ProductInput":{"title":"ProductInput","description":"A Product","type":"object"}}},
    "paths":{
      "/products/":{"get":{"operationId":"getProducts","responses":{"200":{"content":{"application/json":{"schema":{"type":"array","items":{"$ref":"#/components/schemas/Product"}}}}}}},
                    "post":{"operationId":"createProduct","requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/ProductInput"}}}},
                            "responses":{"200":{"links":{"X":{}}}}}},
      "/products/{id}":{"get":{"operationId":"getProductById"}}}})");
}

TEST(OpenApiComposer, PrefixesRenamesInlinesAndRoutesExactly) {
  OpenApiSource source{"shop", "shop", "/documentation/json", "/shop"};
  OpenApiComposer composer;
  ASSERT_EQ(composer.add(source, shopDocument()), "");
  GatewayConfig config;
  json::object doc = composer.document(config);
  EXPECT_EQ(doc.at("info").at("title").as_string(), "Platformatic Gateway");
  const auto& schemas = doc.at("components").at("schemas").as_object();
  EXPECT_TRUE(schemas.contains("shop_Product"));
  EXPECT_TRUE(schemas.contains("shop_ProductInput"));
  const auto& paths = doc.at("paths").as_object();
  ASSERT_TRUE(paths.contains("/shop/products/"));
  const auto& get = paths.at("/shop/products/").at("get");
  EXPECT_EQ(get.at("operationId").as_string(), "shop_getProducts");
  // $ref inlined
  EXPECT_EQ(get.at("responses").at("200").at("content").at("application/json").at("schema").at("items").at("title").as_string(),
            "Product");
  const auto& post = paths.at("/shop/products/").at("post");
  EXPECT_FALSE(post.at("responses").at("200").as_object().contains("links"));
  EXPECT_EQ(post.at("requestBody").at("description").as_string(), "A Product");

  EXPECT_NE(composer.match("GET", "/shop/products/"), nullptr);
  EXPECT_NE(composer.match("HEAD", "/shop/products/"), nullptr);
  EXPECT_EQ(composer.match("GET", "/shop/products"), nullptr);  // the document has the slash
  EXPECT_NE(composer.match("GET", "/shop/products/42"), nullptr);
  EXPECT_EQ(composer.match("GET", "/shop/products/"), composer.match("GET", "/shop/products/"));
  EXPECT_EQ(composer.match("DELETE", "/shop/products/42"), nullptr);
  EXPECT_EQ(composer.match("GET", "/shop/products//"), nullptr);
}

TEST(OpenApiComposer, DuplicatePathsAreAnError) {
  OpenApiSource a{"a", "a", "/documentation/json", ""};
  OpenApiSource b{"b", "b", "/documentation/json", ""};
  OpenApiComposer composer;
  ASSERT_EQ(composer.add(a, shopDocument()), "");
  EXPECT_NE(composer.add(b, shopDocument()).find("already exposed"), std::string::npos);
}

TEST(OpenApiComposer, SchemaPrefix) {
  EXPECT_EQ(schemaPrefixOf("shop"), "shop_");
  EXPECT_EQ(schemaPrefixOf("my-app.v2"), "my_app_v2_");
  EXPECT_EQ(schemaPrefixOf("--x--"), "x_");
}

}  // namespace
}  // namespace watt::kinds::gateway
