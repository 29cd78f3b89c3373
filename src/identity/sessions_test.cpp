// Sessions and sign-in: SESS-01 to SESS-05, SESS-08, AUTH-07.
#include <gtest/gtest.h>

#include "core/ids.h"
#include "identity/testing.h"

namespace trivium::identity {
namespace {

using testing::IdentityFixture;
constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;

class Sessions : public IdentityFixture {};

// SESS-01: an opaque CSPRNG secret of at least 128 bits, stored only hashed.
TEST_F(Sessions, Sess01SecretHasAtLeast128BitsAndIsStoredHashed) {
  register_user("ada@example.org");
  LoginResult a = login("ada@example.org");
  LoginResult b = login("ada@example.org");
  // base64url: 6 bits a character.
  EXPECT_GE(a.session.secret.size() * 6, 128u);
  EXPECT_EQ(a.session.secret.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_NE(a.session.secret, b.session.secret);
  EXPECT_GE(a.session.csrf_token.size() * 6, 128u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions WHERE secret_hash = '" + a.session.secret + "'"), 0);
  EXPECT_EQ(text("SELECT secret_hash FROM sessions WHERE id = $1", {a.session.id}), sha256_hex(a.session.secret));
  auto who = with_cookie(a.session.secret);
  ASSERT_TRUE(who);
  EXPECT_EQ(who->via, http::Subject::Via::Cookie);
  EXPECT_EQ(who->session_id, a.session.id);
  EXPECT_EQ(who->csrf_token, a.session.csrf_token);
  // A forged cookie is nobody.
  auto forged = with_cookie("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  ASSERT_TRUE(forged);
  EXPECT_FALSE(forged->authenticated());
}

// SESS-02: signing in issues a new session and ends the one the browser had.
TEST_F(Sessions, Sess02LoginRotatesTheSession) {
  register_user("ada@example.org");
  LoginResult first = login("ada@example.org");
  ASSERT_TRUE(with_cookie(first.session.secret)->authenticated());
  auto second = service_->login("ada@example.org", "correct horse 42", info(), first.session.secret);
  ASSERT_TRUE(second);
  EXPECT_NE(second->session.id, first.session.id);
  EXPECT_NE(second->session.secret, first.session.secret);
  EXPECT_FALSE(with_cookie(first.session.secret)->authenticated());
  EXPECT_TRUE(with_cookie(second->session.secret)->authenticated());
}

// SESS-03: logout ends the session on the server; the cookie is dead.
TEST_F(Sessions, Sess03LogoutRevokesServerSide) {
  User u = register_user("ada@example.org");
  LoginResult s = login("ada@example.org");
  ASSERT_TRUE(with_cookie(s.session.secret)->authenticated());  // now cached
  ASSERT_TRUE(service_->logout(s.session.id, info(u.id)));
  EXPECT_FALSE(with_cookie(s.session.secret)->authenticated());
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions WHERE revoked_at IS NOT NULL"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.logout'"), 1);
}

// SESS-04: 30 minutes idle ends a session; activity keeps it alive.
TEST_F(Sessions, Sess04IdleTimeout) {
  register_user("ada@example.org");
  LoginResult s = login("ada@example.org");
  for (int i = 0; i < 6; ++i) {  // an hour and a half of use, 15 minutes apart
    clock_.advance(15 * kMinute);
    ASSERT_TRUE(with_cookie(s.session.secret)->authenticated()) << i;
  }
  clock_.advance(30 * kMinute);
  EXPECT_FALSE(with_cookie(s.session.secret)->authenticated());
}

TEST_F(Sessions, Sess04IdleTimeoutAcrossProcesses) {
  // Another process sees the last-seen time the first one wrote.
  register_user("ada@example.org");
  LoginResult s = login("ada@example.org");
  clock_.advance(20 * kMinute);
  ASSERT_TRUE(with_cookie(s.session.secret)->authenticated());
  clock_.advance(20 * kMinute);
  Service other(*store_, clock_, *outbox_, *audit_, testing::fast_settings());
  Authenticator other_authn(other);
  testing::FakeRequest f;
  f.header("Cookie", "trivium_session=" + s.session.secret);
  EXPECT_TRUE(other_authn.authenticate(f.req)->authenticated());
}

// SESS-04: 12 hours after sign-in the session ends, however active.
TEST_F(Sessions, Sess04AbsoluteTimeout) {
  register_user("ada@example.org");
  LoginResult s = login("ada@example.org");
  EXPECT_EQ(s.session.expires_at - s.session.created_at, 12 * kHour);
  for (int i = 0; i < 47; ++i) {
    clock_.advance(15 * kMinute);
    ASSERT_TRUE(with_cookie(s.session.secret)->authenticated()) << i;
  }
  clock_.advance(15 * kMinute);  // 12 h
  EXPECT_FALSE(with_cookie(s.session.secret)->authenticated());
}

// SESS-05: suspending a user ends all their sessions at once.
TEST_F(Sessions, Sess05SuspendKillsSessions) {
  User admin = register_user("root@example.org");
  User u = register_user("ada@example.org");
  LoginResult a = login("ada@example.org");
  LoginResult b = login("ada@example.org");
  ASSERT_TRUE(with_cookie(a.session.secret)->authenticated());
  UserChange c;
  c.status = "suspended";
  ASSERT_TRUE(service_->change_user(u.id, c, info(admin.id)));
  EXPECT_FALSE(with_cookie(a.session.secret)->authenticated());
  EXPECT_FALSE(with_cookie(b.session.secret)->authenticated());
  auto again = service_->login("ada@example.org", "correct horse 42", info());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::Forbidden);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_events WHERE action = 'user.suspended'"), 1);
  c.status = "active";
  ASSERT_TRUE(service_->change_user(u.id, c, info(admin.id)));
  EXPECT_TRUE(service_->login("ada@example.org", "correct horse 42", info()));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_events WHERE action = 'user.reactivated'"), 1);
}

// SESS-06: a user lists their sessions and ends one.
TEST_F(Sessions, Sess06ListAndRevokeOwnSessions) {
  User u = register_user("ada@example.org");
  User other = register_user("bob@example.org");
  LoginResult a = login("ada@example.org");
  clock_.advance(1000);
  LoginResult b = login("ada@example.org");
  auto list = service_->list_sessions(u.id);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, b.session.id);  // newest first
  EXPECT_EQ((*list)[0].ip, "192.0.2.1");
  // Someone else's session is not found, not revoked.
  auto foreign = service_->revoke_session(other.id, a.session.id, info(other.id));
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().kind, ErrorKind::NotFound);
  ASSERT_TRUE(with_cookie(a.session.secret)->authenticated());
  ASSERT_TRUE(service_->revoke_session(u.id, a.session.id, info(u.id)));
  EXPECT_FALSE(with_cookie(a.session.secret)->authenticated());
  EXPECT_EQ(service_->list_sessions(u.id)->size(), 1u);
}

// SESS-08: at most 10 sessions; the oldest make way.
TEST_F(Sessions, Sess08MaxSessionsPerUser) {
  User u = register_user("ada@example.org");
  std::vector<LoginResult> all;
  for (int i = 0; i < 12; ++i) {
    clock_.advance(1000);
    all.push_back(login("ada@example.org"));
  }
  EXPECT_EQ(service_->list_sessions(u.id)->size(), 10u);
  EXPECT_FALSE(with_cookie(all[0].session.secret)->authenticated());
  EXPECT_FALSE(with_cookie(all[1].session.secret)->authenticated());
  for (int i = 2; i < 12; ++i) EXPECT_TRUE(with_cookie(all[i].session.secret)->authenticated()) << i;
}

// AUTH-07: after 100 failures in an hour the account answers 429, even to
// the right password, until the window has passed.
TEST_F(Sessions, Auth07LoginThrottledPerAccount) {
  register_user("ada@example.org");
  for (int i = 0; i < 100; ++i) {
    auto r = service_->login("ada@example.org", "wrong password", info());
    ASSERT_FALSE(r);
    ASSERT_EQ(r.error().kind, ErrorKind::Unauthenticated) << i;
    clock_.advance(10'000);  // 100 failures over 1000 s
  }
  auto blocked = service_->login("ADA@example.org", "correct horse 42", info());
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().kind, ErrorKind::RateLimited);
  // The first failure leaves the window an hour after it happened.
  EXPECT_EQ(blocked.error().retry_after_s, 3600 - 1000);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.login_failed'"), 100);
  // Refused attempts are not counted: the lockout does not grow.
  for (int i = 0; i < 20; ++i) ASSERT_FALSE(service_->login("ada@example.org", "x", info()));
  EXPECT_EQ(count("SELECT COUNT(*) FROM login_failures"), 100);
  // Another account is not affected.
  register_user("bob@example.org");
  EXPECT_TRUE(service_->login("bob@example.org", "correct horse 42", info()));

  clock_.advance((3600 - 1000) * 1000);
  EXPECT_TRUE(service_->login("ada@example.org", "correct horse 42", info()));
}

TEST_F(Sessions, Auth07UnknownAccountsAnswerLikeWrongPasswords) {
  register_user("ada@example.org");
  auto unknown = service_->login("nobody@example.org", "correct horse 42", info());
  auto wrong = service_->login("ada@example.org", "not the password", info());
  ASSERT_FALSE(unknown);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(unknown.error().kind, ErrorKind::Unauthenticated);
  EXPECT_EQ(unknown.error().detail, wrong.error().detail);
  auto malformed = service_->login("not an e-mail", "whatever", info());
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().kind, ErrorKind::Unauthenticated);
}

TEST_F(Sessions, MeIsServedFromTheCacheAndRefreshedOnChange) {
  User u = register_user("ada@example.org");
  auto me = service_->me(u.id);
  ASSERT_TRUE(me);
  EXPECT_EQ(me->display_name, "Ada Lovelace");
  ProfileUpdate p;
  p.display_name = "Ada King";
  p.locale = "fr";
  p.time_zone = "Europe/Paris";
  ASSERT_TRUE(service_->update_profile(u.id, p, info(u.id)));
  EXPECT_EQ(service_->me(u.id)->display_name, "Ada King");
  EXPECT_EQ(service_->me(u.id)->time_zone, "Europe/Paris");
  ProfileUpdate bad;
  bad.time_zone = "Mars/Olympus_Mons";
  auto r = service_->update_profile(u.id, bad, info(u.id));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().fields.at(0).field, "time_zone");
  bad.time_zone = "../../etc/passwd";
  EXPECT_FALSE(service_->update_profile(u.id, bad, info(u.id)));
}

}  // namespace
}  // namespace trivium::identity
