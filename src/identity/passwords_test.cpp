// Password storage and policy: AUTH-01 to AUTH-04.
#include <gtest/gtest.h>

#include <regex>

#include "identity/passwords.h"
#include "identity/testing.h"

namespace trivium::identity {
namespace {

using detail::check_password_policy;
using detail::HashParams;

std::string repeat(std::string_view unit, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += unit;
  return s;
}

// AUTH-01: argon2id, m=19456 KiB, t=2, p=1, with a fresh salt of at least 16 bytes.
TEST(Passwords, Auth01StoredHashUsesArgon2idWithAsvsParameters) {
  auto a = detail::hash_password("correct horse 42", HashParams{});
  auto b = detail::hash_password("correct horse 42", HashParams{});
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *a;
  std::smatch m;
  ASSERT_TRUE(std::regex_match(
      *a, m, std::regex(R"(\$argon2id\$v=19\$m=(\d+),t=(\d+),p=1\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+))")));
  EXPECT_GE(std::stoi(m[1]), 19456);
  EXPECT_GE(std::stoi(m[2]), 2);
  EXPECT_GE(m[3].length() * 3 / 4, 16u);  // salt bytes (unpadded base64)
  EXPECT_NE(*a, *b);                      // a unique salt per hash
  EXPECT_TRUE(detail::verify_password(*a, "correct horse 42"));
  EXPECT_FALSE(detail::verify_password(*a, "correct horse 43"));
  EXPECT_FALSE(detail::verify_password("", "anything"));
}

TEST(Passwords, Auth01ServiceStoresDefaultParameters) {
  Settings s;  // the defaults, as in production
  EXPECT_EQ(s.argon2_memory_kib, 19456);
  EXPECT_EQ(s.argon2_passes, 2);
  Config c;
  Settings from_config = settings_from(c);
  EXPECT_EQ(from_config.argon2_memory_kib, 19456);
  EXPECT_EQ(from_config.argon2_passes, 2);
  EXPECT_EQ(from_config.session_idle_minutes, 30);
  EXPECT_EQ(from_config.session_absolute_hours, 12);
  EXPECT_EQ(from_config.max_sessions_per_user, 10);
  EXPECT_EQ(from_config.login_failures_per_hour, 100);
}

TEST(Passwords, Auth02NeedsRehashWhenParametersChange) {
  auto weak = detail::hash_password("correct horse 42", HashParams{8, 1});
  ASSERT_TRUE(weak);
  EXPECT_TRUE(detail::needs_rehash(*weak, HashParams{}));
  EXPECT_FALSE(detail::needs_rehash(*weak, HashParams{8, 1}));
  EXPECT_TRUE(detail::needs_rehash("", HashParams{}));
}

// AUTH-03: 8 to 128 characters, counted in code points; no composition rules.
TEST(Passwords, Auth03LengthLimits) {
  EXPECT_TRUE(check_password_policy(repeat("q", 7) + "z", "ada@example.org"));
  EXPECT_TRUE(check_password_policy(repeat("qz", 32), "ada@example.org"));  // 64
  EXPECT_TRUE(check_password_policy(repeat("qz", 64), "ada@example.org"));  // 128
  auto short7 = check_password_policy("qzqzqzq", "ada@example.org");
  ASSERT_FALSE(short7);
  EXPECT_EQ(short7.error().fields.at(0).code, "too_short");
  auto long129 = check_password_policy(repeat("qz", 64) + "q", "ada@example.org");
  ASSERT_FALSE(long129);
  EXPECT_EQ(long129.error().fields.at(0).code, "too_long");
  // Eight accented letters are 16 bytes but eight characters.
  EXPECT_TRUE(check_password_policy(repeat("é", 8), "ada@example.org"));
  EXPECT_FALSE(check_password_policy(repeat("é", 7), "ada@example.org"));
  // Spaces and lower case only: fine (no composition rules).
  EXPECT_TRUE(check_password_policy("a long but simple phrase", "ada@example.org"));
}

TEST(Passwords, Auth03NoTruncation) {
  std::string pw = repeat("qz", 63) + "ab";  // 128
  auto h = detail::hash_password(pw, HashParams{8, 1});
  ASSERT_TRUE(h);
  EXPECT_TRUE(detail::verify_password(*h, pw));
  EXPECT_FALSE(detail::verify_password(*h, repeat("qz", 63) + "ac"));
  EXPECT_FALSE(detail::verify_password(*h, repeat("qz", 63) + "AB"));  // no case folding
}

// AUTH-04: at least 3,000 common passwords, and context words.
TEST(Passwords, Auth04CommonPasswordsRejected) {
  EXPECT_GE(common_password_list().size(), 3000u);
  for (const char* pw : {"password", "12345678", "iloveyou", "Sunshine", "PASSWORD1"}) {
    auto r = check_password_policy(pw, "ada@example.org");
    ASSERT_FALSE(r) << pw;
    EXPECT_EQ(r.error().fields.at(0).code, "common") << pw;
  }
}

TEST(Passwords, Auth04ContextWordsRejected) {
  for (const char* pw : {"ada.lovelace@example.org", "Ada.Lovelace", "my trivium pass", "TRIVIUM2026"}) {
    auto r = check_password_policy(pw, "Ada.Lovelace@example.org");
    ASSERT_FALSE(r) << pw;
    EXPECT_EQ(r.error().fields.at(0).code, "context") << pw;
  }
}

using PasswordService = testing::IdentityFixture;

// AUTH-02 through the service: a hash made with weaker parameters is
// replaced at the next successful sign-in.
TEST_F(PasswordService, Auth02RehashOnLogin) {
  register_user("ada@example.org");
  std::string before = text("SELECT password_hash FROM users");
  ASSERT_EQ(before.rfind("$argon2id$v=19$m=8,t=1,", 0), 0u) << before;

  Settings stronger = testing::fast_settings();
  stronger.argon2_memory_kib = 16;
  stronger.argon2_passes = 2;
  Service upgraded(*store_, clock_, *outbox_, *audit_, stronger);
  ASSERT_TRUE(upgraded.login("ada@example.org", "correct horse 42", info()));
  std::string after = text("SELECT password_hash FROM users");
  EXPECT_EQ(after.rfind("$argon2id$v=19$m=16,t=2,", 0), 0u) << after;
  EXPECT_TRUE(upgraded.login("ada@example.org", "correct horse 42", info()));
}

TEST_F(PasswordService, Auth03RegistrationAcceptsLongPasswords) {
  std::string pw = repeat("long-pass", 14);  // 126 characters
  register_user("ada@example.org", pw);
  EXPECT_TRUE(service_->login("ada@example.org", pw, info()));
}

// AUTH-06: the current password is needed, and other sessions end.
TEST_F(PasswordService, Auth06ChangeNeedsCurrentPassword) {
  User u = register_user("ada@example.org");
  LoginResult here = login("ada@example.org");
  LoginResult elsewhere = login("ada@example.org");
  RequestInfo i = info(u.id);
  i.session_id = here.session.id;

  auto wrong = service_->change_password(u.id, "not my password", "a brand new secret", i);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().fields.at(0).field, "current_password");
  auto weak = service_->change_password(u.id, "correct horse 42", "password", i);
  ASSERT_FALSE(weak);
  EXPECT_EQ(weak.error().fields.at(0).field, "new_password");

  ASSERT_TRUE(service_->change_password(u.id, "correct horse 42", "a brand new secret", i));
  EXPECT_FALSE(service_->login("ada@example.org", "correct horse 42", info()));
  EXPECT_TRUE(service_->login("ada@example.org", "a brand new secret", info()));
  // SESS-06: the other session ended, this one goes on.
  EXPECT_TRUE(with_cookie(here.session.secret)->authenticated());
  EXPECT_FALSE(with_cookie(elsewhere.session.secret)->authenticated());
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.password_changed'"), 1);
}

}  // namespace
}  // namespace trivium::identity
