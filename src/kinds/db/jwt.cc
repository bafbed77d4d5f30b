#include "kinds/db/jwt.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>

#include <memory>

#include "common/base64.h"

namespace watt::kinds::db {

std::optional<std::string> base64UrlDecode(std::string_view in) { return base64::decode(in); }

std::optional<JwtToken> decodeJwt(std::string_view token) {
  size_t a = token.find('.');
  size_t b = a == std::string_view::npos ? a : token.find('.', a + 1);
  if (b == std::string_view::npos || token.find('.', b + 1) != std::string_view::npos) return std::nullopt;
  auto header = base64UrlDecode(token.substr(0, a));
  auto payload = base64UrlDecode(token.substr(a + 1, b - a - 1));
  auto signature = base64UrlDecode(token.substr(b + 1));
  if (!header || !payload || !signature) return std::nullopt;
  error_code ec;
  json::value h = json::parse(*header, ec);
  if (ec || !h.is_object()) return std::nullopt;
  json::value p = json::parse(*payload, ec);
  if (ec || !p.is_object()) return std::nullopt;
  return JwtToken{std::move(h.get_object()), std::move(p.get_object()), std::string(token.substr(0, b)),
                  std::move(*signature)};
}

bool verifyHs256(const JwtToken& token, const std::string& secret) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
            reinterpret_cast<const unsigned char*>(token.signingInput.data()), token.signingInput.size(), mac,
            &length))
    return false;
  return token.signature.size() == length && CRYPTO_memcmp(token.signature.data(), mac, length) == 0;
}

bool verifyRs256(const JwtToken& token, const json::object& jwk) {
  auto field = [&](std::string_view key) -> std::optional<std::string> {
    auto it = jwk.find(key);
    if (it == jwk.end() || !it->value().is_string()) return std::nullopt;
    return base64UrlDecode(std::string_view(it->value().get_string()));
  };
  auto kty = jwk.find("kty");
  if (kty == jwk.end() || !kty->value().is_string() || kty->value().get_string() != "RSA") return false;
  auto n = field("n"), e = field("e");
  if (!n || !e) return false;

  using BnPtr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;
  BnPtr bnN(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr), BN_free);
  BnPtr bnE(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr), BN_free);
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> builder(OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
  if (!bnN || !bnE || !builder || !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, bnN.get()) ||
      !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, bnE.get()))
    return false;
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(OSSL_PARAM_BLD_to_param(builder.get()), OSSL_PARAM_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> keyContext(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr),
                                                                        EVP_PKEY_CTX_free);
  EVP_PKEY* rawKey = nullptr;
  if (!params || !keyContext || EVP_PKEY_fromdata_init(keyContext.get()) <= 0 ||
      EVP_PKEY_fromdata(keyContext.get(), &rawKey, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0)
    return false;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(rawKey, EVP_PKEY_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) <= 0) return false;
  return EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(token.signature.data()), token.signature.size(),
                          reinterpret_cast<const unsigned char*>(token.signingInput.data()),
                          token.signingInput.size()) == 1;
}

bool withinValidity(const JwtToken& token, int64_t now) {
  // Present time claims must be numbers (NumericDate): a string or null `exp` is a broken
  // token, not one that never expires.
  const auto& claims = token.claims;
  if (const json::value* exp = claims.if_contains("exp")) {
    if (!exp->is_number() || exp->to_number<double>() <= static_cast<double>(now)) return false;
  }
  if (const json::value* nbf = claims.if_contains("nbf")) {
    if (!nbf->is_number() || nbf->to_number<double>() > static_cast<double>(now)) return false;
  }
  return true;
}

}  // namespace watt::kinds::db
