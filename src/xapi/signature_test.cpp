// Signed statements, with a key pair and a self-signed certificate made by
// OpenSSL for the test, and signatures made the way a client would make them.
#include "xapi/signature.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

#include "core/ids.h"
#include "xapi/xapi.h"

namespace trivium::xapi {
namespace {

namespace bj = boost::json;

std::string base64url(std::string_view bytes) {
  std::string b = base64_encode(bytes);
  for (char& c : b) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!b.empty() && b.back() == '=') b.pop_back();
  return b;
}

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* x) const { X509_free(x); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

// A signer: an RSA key and its self-signed certificate (DER, base64).
struct Signer {
  Key key;
  std::string cert_b64;

  static Signer make(size_t bits = 2048) {
    Signer s;
    s.key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits));
    std::unique_ptr<X509, CertFree> cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_set_pubkey(cert.get(), s.key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Trivium test signer"),
                               -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509_sign(cert.get(), s.key.get(), EVP_sha256());
    unsigned char* der = nullptr;
    int len = i2d_X509(cert.get(), &der);
    s.cert_b64 = base64_encode(std::string_view(reinterpret_cast<char*>(der), static_cast<size_t>(len)));
    OPENSSL_free(der);
    return s;
  }

  std::string sign(std::string_view signing_input, const EVP_MD* md) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    size_t len = 0;
    EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key.get());
    EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(signing_input.data()),
                   signing_input.size());
    std::string sig(len, '\0');
    EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size());
    sig.resize(len);
    return sig;
  }

  // header.payload.signature, the header naming `alg` and carrying x5c.
  std::string jws(const bj::value& payload, std::string_view alg = "RS256", bool x5c = true) const {
    bj::object header{{"alg", alg}};
    if (x5c) header["x5c"] = bj::array{bj::value(cert_b64)};
    std::string input = base64url(bj::serialize(header)) + "." + base64url(bj::serialize(payload));
    const EVP_MD* md = alg == "RS384" ? EVP_sha384() : alg == "RS512" ? EVP_sha512() : EVP_sha256();
    return input + "." + base64url(sign(input, md));
  }
};

const Signer& signer() {
  static const Signer s = Signer::make();
  return s;
}
const Signer& other_signer() {
  static const Signer s = Signer::make();
  return s;
}

bj::object unsigned_statement() {
  return bj::parse(R"({"id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
    "actor": {"mbox": "mailto:ada@example.com"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}},
    "object": {"id": "http://example.com/exam/1"},
    "result": {"score": {"scaled": 0.92}, "success": true},
    "timestamp": "2026-03-01T10:15:00.250Z"})")
      .as_object();
}

// The statement as the LRS receives it: with the signature attachment added.
bj::object signed_statement(std::string_view jws) {
  bj::object st = unsigned_statement();
  st["attachments"] =
      bj::array{bj::object{{"usageType", kSignatureUsageType},
                           {"display", bj::object{{"en-US", "Signature"}}},
                           {"contentType", "application/octet-stream"},
                           {"length", static_cast<int64_t>(jws.size())},
                           {"sha2", "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a"}}};
  return st;
}

void expect_refused(const bj::object& st, const std::string& jws, std::string_view needle) {
  auto r = verify_signed_statement(st, jws);
  ASSERT_FALSE(r.has_value()) << needle;
  EXPECT_EQ(r.error().kind, ErrorKind::BadRequest);
  EXPECT_NE(r.error().detail.find(needle), std::string::npos) << r.error().detail;
}

TEST(IsSigned, LooksForTheSignatureUsageType) {
  EXPECT_FALSE(is_signed(unsigned_statement()));
  EXPECT_TRUE(is_signed(signed_statement("x")));
  bj::object other = signed_statement("x");
  other["attachments"].as_array()[0].as_object()["usageType"] = "http://example.com/certificate";
  EXPECT_FALSE(is_signed(other));
}

TEST(VerifySignedStatement, AcceptsAValidSignatureWithEachAlgorithm) {
  for (const char* alg : {"RS256", "RS384", "RS512"}) {
    std::string jws = signer().jws(unsigned_statement(), alg);
    auto r = verify_signed_statement(signed_statement(jws), jws);
    EXPECT_TRUE(r.has_value()) << alg << ": " << r.error().detail;
  }
}

TEST(VerifySignedStatement, AcceptsAPayloadThatDiffersOnlyAsAllowed) {
  // The signer left out the id (the LRS may assign it) and wrote the
  // timestamp in another zone; a trailing line break ends the part.
  bj::object payload = unsigned_statement();
  payload.erase("id");
  payload["timestamp"] = "2026-03-01T11:15:00.250+01:00";
  std::string jws = signer().jws(payload) + "\r\n";
  auto r = verify_signed_statement(signed_statement(jws), jws);
  EXPECT_TRUE(r.has_value()) << r.error().detail;
}

TEST(VerifySignedStatement, KeepsTheStatementsOtherAttachments) {
  bj::object payload = unsigned_statement();
  bj::object certificate{{"usageType", "http://example.com/certificate"},
                         {"display", bj::object{{"en", "C"}}},
                         {"contentType", "application/pdf"},
                         {"length", 3},
                         {"sha2", "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a"}};
  payload["attachments"] = bj::array{certificate};
  std::string jws = signer().jws(payload);
  bj::object st = signed_statement(jws);
  st["attachments"].as_array().insert(st["attachments"].as_array().begin(), certificate);
  EXPECT_TRUE(verify_signed_statement(st, jws).has_value());
  // Without the certificate attachment, the payload no longer matches.
  EXPECT_FALSE(verify_signed_statement(signed_statement(jws), jws).has_value());
}

TEST(VerifySignedStatement, WithoutX5cChecksEverythingButTheKey) {
  std::string jws = signer().jws(unsigned_statement(), "RS256", false);
  EXPECT_TRUE(verify_signed_statement(signed_statement(jws), jws).has_value());
  bj::object tampered = unsigned_statement();
  tampered["result"].as_object()["success"] = false;
  std::string other = signer().jws(tampered, "RS256", false);
  expect_refused(signed_statement(jws), other, "payload is not the statement");
}

TEST(VerifySignedStatement, RefusesATamperedStatement) {
  std::string jws = signer().jws(unsigned_statement());
  bj::object st = signed_statement(jws);
  st["result"].as_object()["score"].as_object()["scaled"] = 0.99;
  expect_refused(st, jws, "payload is not the statement");
}

TEST(VerifySignedStatement, RefusesATamperedPayload) {
  std::string jws = signer().jws(unsigned_statement());
  // Replace the payload, keep the header and signature.
  bj::object forged = unsigned_statement();
  forged["result"].as_object()["score"].as_object()["scaled"] = 0.99;
  size_t dot1 = jws.find('.');
  size_t dot2 = jws.find('.', dot1 + 1);
  std::string swapped = jws.substr(0, dot1 + 1) + base64url(bj::serialize(forged)) + jws.substr(dot2);
  bj::object st = unsigned_statement();
  st["result"].as_object()["score"].as_object()["scaled"] = 0.99;
  bj::object carried = signed_statement(swapped);
  carried["result"] = st["result"];
  expect_refused(carried, swapped, "does not verify");
}

TEST(VerifySignedStatement, RefusesATamperedSignature) {
  std::string jws = signer().jws(unsigned_statement());
  std::string bad = jws;
  char& last = bad[bad.size() - 3];
  last = last == 'A' ? 'B' : 'A';
  expect_refused(signed_statement(bad), bad, "does not verify");
}

TEST(VerifySignedStatement, RefusesAnotherKeysCertificate) {
  // Signed with one key, presenting the other key's certificate.
  bj::object header{{"alg", "RS256"}, {"x5c", bj::array{bj::value(other_signer().cert_b64)}}};
  std::string input = base64url(bj::serialize(header)) + "." + base64url(bj::serialize(unsigned_statement()));
  std::string jws = input + "." + base64url(signer().sign(input, EVP_sha256()));
  expect_refused(signed_statement(jws), jws, "does not verify");
}

TEST(VerifySignedStatement, RefusesAlgorithmsOtherThanRsaSha2) {
  std::string payload = base64url(bj::serialize(unsigned_statement()));
  for (const char* header : {R"({"alg":"none"})", R"({"alg":"HS256"})", R"({"alg":"ES256"})", R"({"alg":"PS256"})",
                             R"({"alg":"rs256"})", R"({})", R"({"alg":256})"}) {
    std::string jws =
        base64url(header) + "." + payload + "." + (std::string(header) == R"({"alg":"none"})" ? "" : "c2ln");
    expect_refused(signed_statement(jws), jws, "RS256, RS384 or RS512");
  }
}

TEST(VerifySignedStatement, RefusesMalformedSerialisations) {
  std::string good = signer().jws(unsigned_statement());
  size_t dot1 = good.find('.');
  size_t dot2 = good.find('.', dot1 + 1);
  std::string header = good.substr(0, dot1);
  std::string payload = good.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string sig = good.substr(dot2 + 1);
  struct Bad {
    std::string jws;
    const char* needle;
  };
  for (const Bad& b : std::vector<Bad>{
           {"", "compact serialisation"},
           {header + "." + payload, "compact serialisation"},
           {good + ".extra", "compact serialisation"},
           {"!!!." + payload + "." + sig, "header is not base64url"},
           {header + ".a+b/." + sig, "payload is not base64url"},
           {header + "." + payload + ".a*b", "signature is missing or not base64url"},
           {header + "." + payload + ".", "signature is missing"},
           {base64url("not json") + "." + payload + "." + sig, "header is not a JSON object"},
           {base64url(R"(["RS256"])") + "." + payload + "." + sig, "header is not a JSON object"},
           {header + "." + base64url("[1,2]") + "." + sig, "payload is not a JSON statement"},
           {header + "." + base64url("{\"actor\":") + "." + sig, "payload is not a JSON statement"},
           {header + "." + payload.substr(0, payload.size() - 1) + "x" + "A." + sig, "payload"},
           {base64url(R"({"alg":"RS256","crit":["b64"],"b64":false})") + "." + payload + "." + sig, "crit"},
           {base64url(R"({"alg":"RS256","x5c":[]})") + "." + payload + "." + sig, "x5c"},
           {base64url(R"({"alg":"RS256","x5c":["%%%"]})") + "." + payload + "." + sig,
            "x5c certificate is not valid base64"},
           {base64url(R"({"alg":"RS256","x5c":["bm90IGEgY2VydA=="]})") + "." + payload + "." + sig,
            "not an X.509 certificate"},
       }) {
    expect_refused(signed_statement(b.jws), b.jws, b.needle);
  }
}

}  // namespace
}  // namespace trivium::xapi
