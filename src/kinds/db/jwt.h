// JSON Web Tokens as the db kind's authorization reads them: decoding, HS256 (shared secret)
// and RS256 (a JSON Web Key from the issuer's key set) signature checks, and exp/nbf.
#pragma once

#include <optional>
#include <string>

#include "common/asio.h"

namespace watt::kinds::db {

struct JwtToken {
  json::object header;
  json::object claims;
  std::string signingInput;  // "<header>.<payload>" as received
  std::string signature;     // decoded bytes
};

std::optional<JwtToken> decodeJwt(std::string_view token);
std::optional<std::string> base64UrlDecode(std::string_view text);
bool verifyHs256(const JwtToken& token, const std::string& secret);
// `jwk`: {"kty":"RSA","n":...,"e":...}.
bool verifyRs256(const JwtToken& token, const json::object& jwk);
// Not expired (exp) and already valid (nbf), at `nowSeconds`.
bool withinValidity(const JwtToken& token, int64_t nowSeconds);

}  // namespace watt::kinds::db
