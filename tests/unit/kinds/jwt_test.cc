#include "kinds/db/jwt.h"

#include <gtest/gtest.h>

namespace watt::kinds::db {
namespace {

// A 2048-bit RSA public key as a JWK and a token it signed (generated with the openssl CLI).
const char* kJwk = R"({"kty": "RSA", "kid": "k1", "n": "kXw7R2reOKqGZuyyPkB0MlNgq5EkAKjq2TSr5p6MHFPeLlRvfXlTTud1EqF1pb9EpwlxT2bVLNMbugm1C_T0-iog_PLbTMkCHZaz5SU3drqbWylWwHi0CuYy87MXNJiAlktpvP13ysNPWg0omkK7y_aStvmivyQMTGrF5rQlZ7NL01_w-Dxrt6dkZTIGXq7sWFowc6OLif2pqvIukEmbU1mxxpLCuLeO_tlxsH3Eatw1yFlAMOKueTZhQ-itWqIgeXMJpFFoKdi3UgN4P1sl507AGi8XG77UF6Gv5Tw1oNcSPCFYm1ZZr0K2iVOg5HfsIyZWtkAgAuyvjAJetsCh_w", "e": "AQAB"})";
const char* kRs256Token = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwOi8vMTI3LjAuMC4xOjk5OTkiLCJzdWIiOiI0MiIsImV4cCI6NDEwMjQ0NDgwMH0.YyvGDqsJRTkdGnFwl4vkOSxnAzN45_a3XmTGK79kb7VWSeqmwTUTWkBi8ngn49RAjtWVgMLC7o4QMVkty2eecaKCQ0CqwzmxKLAwHAXdDoKoxPz4DJI6r0D3zrnUyvqKkwnaSOJ9KTObMlmoTu_WaOyuZITNDSK9WG7Pq8IDBbfh8qOtCQHffWGHE8T16XPtjdt7LgETngpneul7kjaOZaEZ8pMCUBRMO0cMl1GpN62l3fWW3n1XenLTE-sVDGiT4u2jyZ7yhlaCm9nuHqUoWqMaogUcESPWjLpETqNHjFm4HTJiaVsX4SU6KJFBurvc4rGN0o7e2hpIh2Dqv_WxyA";

TEST(Jwt, Rs256WithAJsonWebKey) {
  auto token = decodeJwt(kRs256Token);
  ASSERT_TRUE(token);
  EXPECT_EQ(token->header.at("alg").as_string(), "RS256");
  EXPECT_EQ(token->claims.at("sub").as_string(), "42");
  json::value jwk = json::parse(kJwk);
  EXPECT_TRUE(verifyRs256(*token, jwk.as_object()));
  // A tampered payload no longer verifies.
  std::string forged = kRs256Token;
  forged[forged.find('.') + 5] ^= 1;
  auto bad = decodeJwt(forged);
  if (bad) EXPECT_FALSE(verifyRs256(*bad, jwk.as_object()));
  // Nor does a key that is not RSA.
  json::object ec = jwk.as_object();
  ec["kty"] = "EC";
  EXPECT_FALSE(verifyRs256(*token, ec));
}

TEST(Jwt, Hs256AndValidity) {
  // {"alg":"HS256","typ":"JWT"} {"sub":"1","exp":1} signed with "secret" (RFC 7515 style).
  auto token = decodeJwt(
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwiZXhwIjoxfQ."
      "H2sLBiVltk7ZfXhN0vSCF81ccUe4qAetcLXgGWK13_8");
  ASSERT_TRUE(token);
  EXPECT_FALSE(withinValidity(*token, 100));  // expired long ago
  EXPECT_TRUE(withinValidity(*token, 0));
  EXPECT_FALSE(verifyHs256(*token, "wrong"));
  EXPECT_TRUE(verifyHs256(*token, "secret"));
}

TEST(Jwt, MalformedTokensAreRejected) {
  EXPECT_FALSE(decodeJwt(""));
  EXPECT_FALSE(decodeJwt("a.b"));
  EXPECT_FALSE(decodeJwt("a.b.c.d"));
  EXPECT_FALSE(decodeJwt("!!!.e30.x"));
  EXPECT_FALSE(decodeJwt("e30.bm90IGpzb24.x"));  // payload is not JSON
}

}  // namespace
}  // namespace watt::kinds::db
