// Message formatting and header-injection checks (INJ-05).
#include <gtest/gtest.h>

#include "mail/format.h"
#include "mail/mail.h"

namespace trivium::mail {
namespace {

using detail::Mailbox;

TEST(MailFormat, Inj05CrLfInSubjectOrAddressIsRejected) {
  EXPECT_TRUE(validate({"ada@example.org", "Hello", "body"}));
  for (const char* subject : {"Hi\r\nBcc: eve@example.org", "Hi\nX: y", "Hi\rX", "tab\there"}) {
    auto r = validate({"ada@example.org", subject, "body"});
    ASSERT_FALSE(r) << subject;
    EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
    EXPECT_EQ(r.error().fields.at(0).field, "subject");
  }
  for (const char* to :
       {"ada@example.org\r\nBcc: eve@example.org", "ada@example.org, eve@example.org", "Ada <ada@example.org>",
        "ada @example.org", "", "no-at-sign", "a@b@example.org", "ada@example.org>"}) {
    auto r = validate({to, "Hello", "body"});
    ASSERT_FALSE(r) << to;
    EXPECT_EQ(r.error().fields.at(0).field, "to");
  }
  // The mailers refuse too, whatever the caller did.
  auto mailer = make_mailer(SmtpConfig{});
  EXPECT_FALSE(mailer->send({"ada@example.org", "a\r\nb", "x"}));
  EXPECT_TRUE(mailer->send({"ada@example.org", "Hello", "x"}));
}

TEST(MailFormat, WholeMessage) {
  Mailbox from{"Trivium", "no-reply@trivium.example"};
  auto text = detail::format_message({"ada@example.org", "Reset your password", "Hello Ada,\n\nOpen it.\n"}, from,
                                     1'700'000'000'000, "<abc@trivium.example>");
  ASSERT_TRUE(text);
  const std::string& m = *text;
  EXPECT_NE(m.find("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("From: \"Trivium\" <no-reply@trivium.example>\r\n"), std::string::npos);
  EXPECT_NE(m.find("To: ada@example.org\r\n"), std::string::npos);
  EXPECT_NE(m.find("Subject: Reset your password\r\n"), std::string::npos);
  EXPECT_NE(m.find("Message-ID: <abc@trivium.example>\r\n"), std::string::npos);
  EXPECT_NE(m.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(m.find("Content-Transfer-Encoding: quoted-printable\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\n\r\nHello Ada,\r\n\r\nOpen it.\r\n"), std::string::npos);
  // Every line ends in CRLF; no bare LF.
  for (size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '\n') {
      ASSERT_TRUE(i > 0 && m[i - 1] == '\r') << i;
    }
  }
  EXPECT_FALSE(detail::format_message({"ada@example.org", "x", "y"}, from, 0, "<a\r\nb>"));
}

TEST(MailFormat, NonAsciiSubjectUsesEncodedWords) {
  EXPECT_EQ(detail::encode_header_text("Hello"), "Hello");
  EXPECT_EQ(detail::encode_header_text("Réinitialisation"), "=?UTF-8?B?UsOpaW5pdGlhbGlzYXRpb24=?=");
  // Long text is split into several words, never inside a UTF-8 sequence,
  // each at most 75 characters.
  std::string longer;
  for (int i = 0; i < 30; ++i) longer += "é";
  std::string enc = detail::encode_header_text(longer);
  size_t start = 0, words = 0;
  while (start < enc.size()) {
    size_t end = enc.find("\r\n ", start);
    std::string word = enc.substr(start, end == std::string::npos ? std::string::npos : end - start);
    EXPECT_LE(word.size(), 75u);
    EXPECT_EQ(word.rfind("=?UTF-8?B?", 0), 0u);
    ++words;
    if (end == std::string::npos) break;
    start = end + 3;
  }
  EXPECT_EQ(words, 2u);  // 60 bytes in chunks of at most 45
  EXPECT_EQ(detail::format_mailbox({"Équipe Trivium", "a@b.example"}),
            "=?UTF-8?B?w4lxdWlwZSBUcml2aXVt?= <a@b.example>");
  EXPECT_EQ(detail::format_mailbox({"Say \"hi\"", "a@b.example"}), "\"Say \\\"hi\\\"\" <a@b.example>");
}

TEST(MailFormat, QuotedPrintableBody) {
  EXPECT_EQ(detail::quoted_printable("Café = 1"), "Caf=C3=A9 =3D 1");
  EXPECT_EQ(detail::quoted_printable("trailing \nx"), "trailing=20\r\nx");
  // A line that is a lone dot would end the SMTP DATA phase: it is encoded.
  EXPECT_EQ(detail::quoted_printable("a\n.\nb"), "a\r\n=2E\r\nb");
  // Long lines get soft breaks and stay within 76 characters.
  std::string link = "https://trivium.example/reset-password?token=" + std::string(200, 'x');
  std::string qp = detail::quoted_printable(link);
  size_t start = 0;
  std::string joined;
  while (true) {
    size_t end = qp.find("\r\n", start);
    std::string line = qp.substr(start, end == std::string::npos ? std::string::npos : end - start);
    EXPECT_LE(line.size(), 76u);
    if (end == std::string::npos) {
      joined += line;
      break;
    }
    ASSERT_EQ(line.back(), '=');
    joined += line.substr(0, line.size() - 1);
    start = end + 2;
  }
  // "=" in the link is encoded as =3D; decoding gives the original back.
  std::string decoded;
  for (size_t i = 0; i < joined.size(); ++i) {
    if (joined[i] == '=') {
      decoded += static_cast<char>(std::stoi(joined.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      decoded += joined[i];
    }
  }
  EXPECT_EQ(decoded, link);
}

TEST(MailFormat, ParseMailbox) {
  auto a = detail::parse_mailbox("Trivium <no-reply@trivium.localhost>");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->display_name, "Trivium");
  EXPECT_EQ(a->address, "no-reply@trivium.localhost");
  auto b = detail::parse_mailbox("bare@example.org");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->display_name, "");
  EXPECT_FALSE(detail::parse_mailbox("Evil <a@b.example>\r\nBcc: x@y.example"));
  EXPECT_FALSE(detail::parse_mailbox("no address"));
  EXPECT_THROW(make_mailer(SmtpConfig{"smtp://127.0.0.1:2525", "not a sender", "", "", false}), std::runtime_error);
  EXPECT_THROW(make_mailer(SmtpConfig{"http://127.0.0.1:2525", "a@b.example", "", "", false}), std::runtime_error);
}

TEST(MailFormat, RfcDate) {
  EXPECT_EQ(detail::rfc5322_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
}

}  // namespace
}  // namespace trivium::mail
