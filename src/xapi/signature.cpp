// JWS (RFC 7515) verification for signed statements, on OpenSSL's libcrypto:
// RSASSA-PKCS1-v1_5 with SHA-256/384/512, keys taken from an x5c certificate.
#include "xapi/signature.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

#include "core/ids.h"
#include "core/json.h"
#include "xapi/statement.h"
#include "xapi/xapi.h"

namespace trivium::xapi {

namespace {

namespace bj = boost::json;

Failure bad(std::string reason) {
  return fail(ErrorKind::BadRequest, std::move(reason));
}

// base64url without padding (RFC 7515 section 2); trailing "=" tolerated.
std::optional<std::string> base64url_decode(std::string_view s) {
  while (!s.empty() && s.back() == '=') s.remove_suffix(1);
  std::string out;
  out.reserve(s.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '-')
      v = 62;
    else if (c == '_')
      v = 63;
    else
      return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  // A single leftover character (6 bits) cannot be the end of any bytes.
  if (bits >= 6) return std::nullopt;
  return out;
}

const EVP_MD* digest_for(std::string_view alg) {
  if (alg == "RS256") return EVP_sha256();
  if (alg == "RS384") return EVP_sha384();
  if (alg == "RS512") return EVP_sha512();
  return nullptr;
}

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// Checks the signature over "header.payload" with the key of the first
// certificate of the chain.
Result<void> verify_with_x5c(const bj::value& x5c, const EVP_MD* md, std::string_view signing_input,
                             const std::string& signature) {
  if (!x5c.is_array() || x5c.get_array().empty() || !x5c.get_array()[0].is_string()) {
    return bad("The JWS header's x5c must be a non-empty array of base64 certificates.");
  }
  auto der = base64_decode(x5c.get_array()[0].get_string());
  if (!der || der->empty()) return bad("The JWS header's first x5c certificate is not valid base64.");
  const auto* p = reinterpret_cast<const unsigned char*>(der->data());
  std::unique_ptr<X509, X509Free> cert(d2i_X509(nullptr, &p, static_cast<long>(der->size())));
  if (!cert) {
    ERR_clear_error();
    return bad("The JWS header's first x5c certificate is not an X.509 certificate.");
  }
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
    ERR_clear_error();
    return bad("The JWS x5c certificate does not hold an RSA key, as RS256/RS384/RS512 need.");
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  bool verified =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  ERR_clear_error();
  if (!verified) return bad("The JWS signature does not verify against the key of its x5c certificate.");
  return ok();
}

// The statement as it was before its signature attachment was added.
bj::object without_signature(const bj::object& statement) {
  bj::object copy = statement;
  bj::value* list = copy.if_contains("attachments");
  if (list == nullptr || !list->is_array()) return copy;
  bj::array kept;
  for (const bj::value& a : list->get_array()) {
    const bj::value* usage = a.is_object() ? a.get_object().if_contains("usageType") : nullptr;
    if (usage != nullptr && usage->is_string() && usage->get_string() == kSignatureUsageType) continue;
    kept.push_back(a);
  }
  if (kept.empty()) {
    copy.erase("attachments");
  } else {
    *list = std::move(kept);
  }
  return copy;
}

}  // namespace

bool is_signed(const boost::json::object& statement) {
  const bj::value* list = statement.if_contains("attachments");
  if (list == nullptr || !list->is_array()) return false;
  for (const bj::value& a : list->get_array()) {
    const bj::value* usage = a.is_object() ? a.get_object().if_contains("usageType") : nullptr;
    if (usage != nullptr && usage->is_string() && usage->get_string() == kSignatureUsageType) return true;
  }
  return false;
}

Result<void> verify_signed_statement(const boost::json::object& statement, std::string_view jws) {
  while (!jws.empty() && (jws.back() == '\r' || jws.back() == '\n' || jws.back() == ' ' || jws.back() == '\t')) {
    jws.remove_suffix(1);
  }
  while (!jws.empty() && (jws.front() == ' ' || jws.front() == '\t' || jws.front() == '\r' || jws.front() == '\n')) {
    jws.remove_prefix(1);
  }
  size_t dot1 = jws.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : jws.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || jws.find('.', dot2 + 1) != std::string_view::npos) {
    return bad("The signature is not a JWS compact serialisation (three base64url parts).");
  }
  auto header_text = base64url_decode(jws.substr(0, dot1));
  if (!header_text) return bad("The JWS header is not base64url.");
  auto header = json::parse(*header_text);
  if (!header || !header->is_object()) return bad("The JWS header is not a JSON object.");
  const bj::object& h = header->get_object();
  const bj::value* alg = h.if_contains("alg");
  const EVP_MD* md = alg != nullptr && alg->is_string() ? digest_for(alg->get_string()) : nullptr;
  if (md == nullptr) return bad("The JWS algorithm must be RS256, RS384 or RS512.");
  if (h.contains("crit")) return bad("The JWS header's crit extensions are not supported.");

  auto payload_text = base64url_decode(jws.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!payload_text) return bad("The JWS payload is not base64url.");
  auto payload = json::parse(*payload_text);
  if (!payload || !payload->is_object()) return bad("The JWS payload is not a JSON statement.");
  if (!same_statement(payload->get_object(), without_signature(statement))) {
    return bad("The JWS payload is not the statement that carries the signature.");
  }

  auto signature = base64url_decode(jws.substr(dot2 + 1));
  if (!signature || signature->empty()) return bad("The JWS signature is missing or not base64url.");
  if (const bj::value* x5c = h.if_contains("x5c")) {
    TRV_TRY(verify_with_x5c(*x5c, md, jws.substr(0, dot2), *signature));
  }
  return ok();
}

}  // namespace trivium::xapi
