// multipart/mixed: parsing (RFC 2046 and the xAPI example), building, and
// binding parts to attachment objects.
#include "xapi/multipart.h"

#include <gtest/gtest.h>

#include <cctype>

#include "xapi/test_support.h"
#include "xapi/xapi.h"

namespace trivium::xapi {
namespace {

namespace bj = boost::json;

// The example of xAPI's "Multipart/Mixed" section, boundary characters and all.
const std::string kBoundary = "abcABC0123'()+_,-./:=?";
const std::string kAttachment = "here is a simple attachment";
const std::string kAttachmentSha = "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a";

std::string example_body(std::string_view eol = "\r\n") {
  std::string e(eol);
  return "--" + kBoundary + e + "Content-Type:application/json" + e + e +
         R"({"actor": {"mbox": "mailto:a@example.com"}})" + e + "--" + kBoundary + e + "Content-Type:text/plain" + e +
         "Content-Transfer-Encoding:binary" + e + "X-Experience-API-Hash:" + kAttachmentSha + e + e + kAttachment + e +
         "--" + kBoundary + "--";
}

std::string content_type() {
  return "multipart/mixed; boundary=\"" + kBoundary + "\"";
}

bool inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

TEST(ParseMultipart, ReadsTheSpecificationsExample) {
  std::string body = example_body();
  auto parts = parse_multipart(content_type(), body);
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].header("content-type"), "application/json");
  EXPECT_EQ((*parts)[0].body, R"({"actor": {"mbox": "mailto:a@example.com"}})");
  EXPECT_EQ((*parts)[1].header("X-EXPERIENCE-API-HASH"), kAttachmentSha);
  EXPECT_EQ((*parts)[1].header("Content-Transfer-Encoding"), "binary");
  EXPECT_EQ((*parts)[1].body, kAttachment);
  EXPECT_FALSE((*parts)[1].header("Content-Length").has_value());
  for (const Part& p : *parts) EXPECT_TRUE(inside(p.body, body));
}

TEST(ParseMultipart, AcceptsBareLineFeeds) {
  std::string body = example_body("\n");
  auto parts = parse_multipart(content_type(), body);
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[1].body, kAttachment);
}

TEST(ParseMultipart, IgnoresPreambleEpilogueAndTransportPadding) {
  std::string body = "This is the preamble.\r\n--" + kBoundary + "  \r\nContent-Type: text/plain\r\n\r\nfirst\r\n--" +
                     kBoundary + "--  \r\nThis is the epilogue.\r\n--" + kBoundary + "\r\n";
  auto parts = parse_multipart(content_type(), body);
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].body, "first");
}

TEST(ParseMultipart, KeepsBinaryBytesAndLineBreaksInsideABody) {
  std::string bytes("\0\r\n--abc\r\n\xff\x01 trailing\r\n", 23);
  std::string body = "--b1\r\nContent-Type: application/octet-stream\r\n\r\n" + bytes + "\r\n--b1--\r\n";
  auto parts = parse_multipart("multipart/mixed; boundary=b1", body);
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].body, bytes);
}

TEST(ParseMultipart, ABoundaryFollowedByMoreTextIsContent) {
  std::string body = "--b1\r\n\r\nline\r\n--b1x is not a delimiter\r\n--b1--";
  auto parts = parse_multipart("multipart/mixed; boundary=b1", body);
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].body, "line\r\n--b1x is not a delimiter");
}

TEST(ParseMultipart, ReadsEmptyPartsAndFoldedHeaders) {
  std::string body = "--b1\r\n--b1\r\nX-Long: one\r\n two\r\n\r\n\r\n--b1\r\nX-Only: header\r\n--b1--";
  auto parts = parse_multipart("Multipart/Mixed;boundary=b1;charset=utf-8", body);
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_TRUE((*parts)[0].headers.empty());
  EXPECT_EQ((*parts)[0].body, "");
  EXPECT_EQ((*parts)[1].header("x-long"), "one two");
  EXPECT_EQ((*parts)[1].body, "");
  EXPECT_EQ((*parts)[2].header("X-Only"), "header");
}

TEST(ParseMultipart, NoPartAtAll) {
  auto parts = parse_multipart("multipart/mixed; boundary=b1", "--b1--\r\n");
  ASSERT_TRUE(parts.has_value());
  EXPECT_TRUE(parts->empty());
}

TEST(ParseMultipart, RefusesMalformedBodies) {
  struct Bad {
    std::string content_type, body, why;
  };
  const std::string ok_body = "--b1\r\n\r\nx\r\n--b1--";
  for (const Bad& b : {
           Bad{"application/json", ok_body, "not multipart/mixed"},
           Bad{"multipart/form-data; boundary=b1", ok_body, "another multipart"},
           Bad{"multipart/mixed", ok_body, "no boundary"},
           Bad{"multipart/mixed; charset=utf-8", ok_body, "no boundary among the parameters"},
           Bad{"multipart/mixed; boundary=", ok_body, "empty boundary"},
           Bad{"multipart/mixed; boundary=\"b1", ok_body, "unterminated quoted boundary"},
           Bad{"multipart/mixed; boundary=\"" + std::string(71, 'a') + "\"", ok_body, "boundary over 70 characters"},
           Bad{"multipart/mixed; boundary=\"b1 \"", ok_body, "boundary ending in a space"},
           Bad{"multipart/mixed; boundary=\"b\x01\"", ok_body, "boundary with a control character"},
           Bad{"multipart/mixed; boundary", ok_body, "parameter without a value"},
           Bad{"multipart/mixed; boundary=b1 x", ok_body, "garbage after a parameter"},
           Bad{"multipart/mixed; boundary=b1", "no delimiter here", "no opening delimiter"},
           Bad{"multipart/mixed; boundary=b1", "--b1\r\n\r\nx\r\n", "no closing delimiter"},
           Bad{"multipart/mixed; boundary=b1", "--b1\r\n\r\nx\r\n--b1\r\n\r\ny",
               "no closing delimiter after two parts"},
           Bad{"multipart/mixed; boundary=b1", "--b1\r\nno colon\r\n\r\nx\r\n--b1--", "header without colon"},
           Bad{"multipart/mixed; boundary=b1", "--b1\r\n: empty name\r\n\r\nx\r\n--b1--", "header without name"},
           Bad{"multipart/mixed; boundary=b1", "--b1\r\nBad Name: v\r\n\r\nx\r\n--b1--", "blank in a header name"},
           Bad{"multipart/mixed; boundary=b1", "--b1\r\n folded: first\r\n\r\nx\r\n--b1--", "folded first line"},
           Bad{"multipart/mixed; boundary=b1",
               "--b1\r\nX: a\x01"
               "b\r\n\r\nx\r\n--b1--",
               "control in a header value"},
       }) {
    auto parts = parse_multipart(b.content_type, b.body);
    ASSERT_FALSE(parts.has_value()) << b.why;
    EXPECT_EQ(parts.error().kind, ErrorKind::BadRequest) << b.why;
  }
}

// RATE-02: a body of many tiny parts is refused past kMaxParts.
TEST(ParseMultipart, RATE02_RefusesMoreThanAThousandParts) {
  std::string body;
  for (size_t i = 0; i < kMaxParts; ++i) body += "--b1\r\n\r\nx\r\n";
  auto at_limit = parse_multipart("multipart/mixed; boundary=b1", body + "--b1--");
  ASSERT_TRUE(at_limit.has_value()) << at_limit.error().detail;
  EXPECT_EQ(at_limit->size(), kMaxParts);
  auto over = parse_multipart("multipart/mixed; boundary=b1", body + "--b1\r\n\r\nx\r\n--b1--");
  ASSERT_FALSE(over.has_value());
  EXPECT_NE(over.error().detail.find("1000"), std::string::npos);
}

TEST(ParseMultipart, RefusesTooManyHeadersInAPart) {
  std::string headers;
  for (int i = 0; i < 65; ++i) headers += "X-H" + std::to_string(i) + ": v\r\n";
  auto r = parse_multipart("multipart/mixed; boundary=b1", "--b1\r\n" + headers + "\r\nx\r\n--b1--");
  EXPECT_FALSE(r.has_value());
}

TEST(Sha2, MatchesKnownDigests) {
  EXPECT_EQ(sha256_hex(kAttachment), kAttachmentSha);
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha384_hex("abc"),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(sha512_hex("abc"),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d442364"
            "3ce80e2a9ac94fa54ca49f");
}

TEST(BuildMultipart, ParsesBackIntoTheSameParts) {
  std::string json = R"({"statements": []})";
  std::vector<std::pair<std::string, std::string>> files = {
      {"text/plain", kAttachment}, {"application/octet-stream", std::string("\0\r\n--x\xff", 7)}};
  std::string body = build_multipart("trivium-b", json, files, {kAttachmentSha});
  auto parts = parse_multipart("multipart/mixed; boundary=trivium-b", body);
  ASSERT_TRUE(parts.has_value()) << parts.error().detail;
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].header("Content-Type"), "application/json");
  EXPECT_EQ((*parts)[0].body, json);
  EXPECT_EQ((*parts)[1].header("Content-Type"), "text/plain");
  EXPECT_EQ((*parts)[1].header("Content-Transfer-Encoding"), "binary");
  EXPECT_EQ((*parts)[1].header("X-Experience-API-Hash"), kAttachmentSha);
  EXPECT_EQ((*parts)[1].body, kAttachment);
  // No hash given for the second: computed.
  EXPECT_EQ((*parts)[2].header("X-Experience-API-Hash"), sha256_hex(files[1].second));
  EXPECT_EQ((*parts)[2].body, files[1].second);
}

// INJ-05: a stored content type or hash holding CR/LF never becomes a header.
TEST(BuildMultipart, INJ05_NeverLetsStoredMetadataInjectAHeader) {
  std::vector<std::pair<std::string, std::string>> files = {{"text/plain\r\nX-Injected: yes", "x"}};
  std::string body = build_multipart("b1", "{}", files, {"abc\r\nX-Injected: yes"});
  EXPECT_EQ(body.find("X-Injected"), std::string::npos);
  auto parts = parse_multipart("multipart/mixed; boundary=b1", body);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ((*parts)[1].header("Content-Type"), "application/octet-stream");
  EXPECT_EQ((*parts)[1].header("X-Experience-API-Hash"), sha256_hex("x"));
}

// Statements with attachments, as check_statement returns them.
bj::array attachment_list(const std::vector<std::string>& attachments) {
  bj::array list;
  for (const std::string& a : attachments) list.push_back(bj::parse(a));
  return list;
}

bj::object statement_with(const std::vector<std::string>& attachments) {
  bj::value st = bj::parse(R"({"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "http://example.com/v"},
                               "object": {"id": "http://example.com/a"}})");
  st.as_object()["attachments"] = attachment_list(attachments);
  return st.as_object();
}

std::string attachment(std::string_view sha2, bool file_url) {
  std::string a =
      R"({"usageType": "http://example.com/u", "display": {"en": "A"}, "contentType": "text/plain", "length": 27, "sha2": ")";
  a += sha2;
  a += '"';
  if (file_url) a += R"(, "fileUrl": "https://files.example.com/a.txt")";
  return a + "}";
}

Part part(std::string_view body, std::string hash, std::string encoding = "binary") {
  Part p;
  p.headers.emplace_back("Content-Type", "text/plain");
  if (!encoding.empty()) p.headers.emplace_back("Content-Transfer-Encoding", encoding);
  if (!hash.empty()) p.headers.emplace_back("X-Experience-API-Hash", hash);
  p.body = body;
  return p;
}

TEST(BindAttachments, BindsEachPartToItsAttachment) {
  std::string other = "second attachment";
  std::vector<bj::object> statements = {
      statement_with({attachment(kAttachmentSha, false)}),
      statement_with({attachment(sha256_hex(other), false), attachment(kAttachmentSha, false)})};
  std::vector<Part> parts = {part(kAttachment, kAttachmentSha), part(other, sha256_hex(other))};
  auto bound = bind_attachments(statements, parts);
  ASSERT_TRUE(bound.has_value()) << bound.error().detail;
  ASSERT_EQ(bound->size(), 2u);
  EXPECT_EQ(bound->at(kAttachmentSha), kAttachment);
  EXPECT_EQ(bound->at(sha256_hex(other)), other);
  EXPECT_EQ(bound->at(kAttachmentSha).data(), kAttachment.data());  // a view, not a copy
}

TEST(BindAttachments, AcceptsSha384AndSha512AndUpperCase) {
  std::vector<bj::object> statements = {
      statement_with({attachment(sha384_hex(kAttachment), false), attachment(sha512_hex("other"), false)})};
  std::string upper = sha384_hex(kAttachment);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto bound = bind_attachments(statements, {part(kAttachment, upper), part("other", sha512_hex("other"), "")});
  ASSERT_TRUE(bound.has_value()) << bound.error().detail;
  EXPECT_EQ(bound->count(sha384_hex(kAttachment)), 1u);
}

TEST(BindAttachments, AttachmentsWithAFileUrlNeedNoPart) {
  std::vector<bj::object> statements = {statement_with({attachment(kAttachmentSha, true)})};
  auto none = bind_attachments(statements, {});
  ASSERT_TRUE(none.has_value()) << none.error().detail;
  EXPECT_TRUE(none->empty());
  // ... but may still have one.
  auto one = bind_attachments(statements, {part(kAttachment, kAttachmentSha)});
  ASSERT_TRUE(one.has_value()) << one.error().detail;
  EXPECT_EQ(one->size(), 1u);
}

TEST(BindAttachments, FindsAttachmentsOfSubStatements) {
  bj::value st = bj::parse(R"({"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "http://example.com/v"},
    "object": {"objectType": "SubStatement", "actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "http://example.com/v"},
               "object": {"id": "http://example.com/a"}}})");
  st.as_object()["object"].as_object()["attachments"] = attachment_list({attachment(kAttachmentSha, false)});
  EXPECT_FALSE(bind_attachments({st.as_object()}, {}).has_value());
  EXPECT_TRUE(bind_attachments({st.as_object()}, {part(kAttachment, kAttachmentSha)}).has_value());
}

TEST(BindAttachments, RefusesWhatXapiForbids) {
  std::vector<bj::object> statements = {statement_with({attachment(kAttachmentSha, false)})};
  struct Bad {
    std::vector<Part> parts;
    const char* needle;
  };
  for (const Bad& b : std::vector<Bad>{
           {{}, "statements[0].attachments[0]: no part carries"},
           {{part(kAttachment, "")}, "no X-Experience-API-Hash"},
           {{part(kAttachment, kAttachmentSha, "base64")}, "Content-Transfer-Encoding"},
           {{part("tampered bytes", kAttachmentSha)}, "do not hash"},
           {{part(kAttachment, "abc")}, "not a SHA-256"},
           {{part(kAttachment, kAttachmentSha), part("stray", sha256_hex("stray"))},
            "matches the sha2 of no attachment"},
       }) {
    auto r = bind_attachments(statements, b.parts);
    ASSERT_FALSE(r.has_value()) << b.needle;
    EXPECT_EQ(r.error().kind, ErrorKind::BadRequest);
    EXPECT_NE(r.error().detail.find(b.needle), std::string::npos) << r.error().detail;
  }
}

TEST(BindAttachments, WorksOnWhatParseMultipartReturns) {
  std::string body = example_body();
  auto parts = parse_multipart(content_type(), body);
  ASSERT_TRUE(parts.has_value());
  std::vector<Part> attachments(parts->begin() + 1, parts->end());
  auto bound = bind_attachments({statement_with({attachment(kAttachmentSha, false)})}, attachments);
  ASSERT_TRUE(bound.has_value()) << bound.error().detail;
  EXPECT_EQ(bound->at(kAttachmentSha), kAttachment);
}

}  // namespace
}  // namespace trivium::xapi
