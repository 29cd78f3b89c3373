// Registration, e-mail verification, password reset and invitations (AUTH-11).
#include <gtest/gtest.h>

#include "identity/testing.h"

namespace trivium::identity {
namespace {

using testing::IdentityFixture;
constexpr int64_t kMinute = 60'000;

class Recovery : public IdentityFixture {};

TEST_F(Recovery, EmailUniquenessIgnoresCase) {
  register_user("Ada@Example.org");
  Registration r;
  r.email = "ada@EXAMPLE.org";
  r.password = "correct horse 42";
  r.display_name = "Impostor";
  auto dup = service_->register_user(r, info());
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(dup.error().fields.at(0).code, "taken");
  // Sign-in ignores case too; the address keeps the case it was typed in.
  auto s = service_->login("ADA@example.ORG", "correct horse 42", info());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->user.email, "Ada@Example.org");
}

TEST_F(Recovery, RegistrationListsEveryInvalidField) {
  Registration r;
  r.email = "not-an-address";
  r.password = "short";
  r.display_name = "";
  r.locale = "de";
  r.time_zone = "Nowhere/Land";
  auto u = service_->register_user(r, info());
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().kind, ErrorKind::Invalid);
  std::set<std::string> fields;
  for (const auto& f : u.error().fields) fields.insert(f.field);
  EXPECT_EQ(fields, (std::set<std::string>{"email", "display_name", "locale", "time_zone"}));
}

TEST_F(Recovery, RegistrationSendsAVerificationMail) {
  User u = register_user("ada@example.org");
  EXPECT_FALSE(u.email_verified_at);
  auto mails = take_mail();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].to, "ada@example.org");
  EXPECT_NE(mails[0].text.find("https://trivium.example/verify-email?token="), std::string::npos);
  std::string token = token_in(mails[0]);
  ASSERT_GE(token.size(), 43u);

  ASSERT_TRUE(service_->confirm_email(token, info()));
  EXPECT_TRUE(service_->me(u.id)->email_verified_at);
  // Single use.
  auto again = service_->confirm_email(token, info());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().fields.at(0).field, "token");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.email_verified'"), 1);
  // Already verified: nothing more is sent.
  ASSERT_TRUE(service_->send_verification(u.id, info(u.id)));
  EXPECT_TRUE(take_mail().empty());
}

TEST_F(Recovery, VerificationMailIsInTheUsersLanguage) {
  Registration r;
  r.email = "marie@example.fr";
  r.password = "correct horse 42";
  r.display_name = "Marie Curie";
  r.locale = "fr";
  ASSERT_TRUE(service_->register_user(r, info()));
  auto mails = take_mail();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].subject, "Confirmez votre adresse e-mail");
}

// AUTH-11: the token is single-use, expires, and the request does not tell
// whether the account exists.
TEST_F(Recovery, Auth11PasswordResetIsSingleUseAndExpires) {
  User u = register_user("ada@example.org");
  take_mail();
  LoginResult s = login("ada@example.org");
  ASSERT_TRUE(service_->request_password_reset("ADA@example.org", info()));
  auto mails = take_mail();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].subject, "Reset your password");
  std::string token = token_in(mails[0]);
  EXPECT_GE(token.size() * 6, 128u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM user_tokens WHERE secret_hash = '" + token + "'"), 0);

  auto weak = service_->reset_password(token, "password", info());
  ASSERT_FALSE(weak);
  EXPECT_EQ(weak.error().fields.at(0).field, "new_password");
  ASSERT_TRUE(service_->reset_password(token, "a brand new secret", info()));
  auto reused = service_->reset_password(token, "another new secret", info());
  ASSERT_FALSE(reused);
  EXPECT_EQ(reused.error().fields.at(0).field, "token");
  // Every session ended; the new password works, the old one not.
  EXPECT_FALSE(with_cookie(s.session.secret)->authenticated());
  EXPECT_FALSE(service_->login("ada@example.org", "correct horse 42", info()));
  EXPECT_TRUE(service_->login("ada@example.org", "a brand new secret", info()));
  EXPECT_TRUE(service_->me(u.id)->email_verified_at);  // the mailbox was proven

  // A token unused for 30 minutes is dead.
  ASSERT_TRUE(service_->request_password_reset("ada@example.org", info()));
  std::string late = token_in(take_mail().at(0));
  clock_.advance(30 * kMinute);
  auto expired = service_->reset_password(late, "yet another secret", info());
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().fields.at(0).field, "token");
  EXPECT_FALSE(service_->reset_password("made-up-token", "yet another secret", info()));
}

TEST_F(Recovery, Auth11ResetRequestDoesNotRevealAccounts) {
  register_user("ada@example.org");
  take_mail();
  auto known = service_->request_password_reset("ada@example.org", info());
  auto unknown = service_->request_password_reset("nobody@example.org", info());
  EXPECT_TRUE(known);
  EXPECT_TRUE(unknown);               // same answer
  EXPECT_EQ(take_mail().size(), 1u);  // but only the real account gets a mail
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.password_reset_requested'"), 2);
}

TEST_F(Recovery, ResetMailsAreLimitedPerAccount) {
  register_user("ada@example.org");
  take_mail();
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(service_->request_password_reset("ada@example.org", info()));
  EXPECT_EQ(take_mail().size(), 5u);
}

// AUTH-07: a reset lets the owner back in at once after an attack.
TEST_F(Recovery, Auth07ResetLiftsTheLoginThrottle) {
  register_user("ada@example.org");
  take_mail();
  for (int i = 0; i < 100; ++i) ASSERT_FALSE(service_->login("ada@example.org", "guess", info()));
  auto blocked = service_->login("ada@example.org", "correct horse 42", info());
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().kind, ErrorKind::RateLimited);
  ASSERT_TRUE(service_->request_password_reset("ada@example.org", info()));
  ASSERT_TRUE(service_->reset_password(token_in(take_mail().at(0)), "a brand new secret", info()));
  EXPECT_TRUE(service_->login("ada@example.org", "a brand new secret", info()));
}

TEST_F(Recovery, InvitationOnlyRegistration) {
  User admin = register_user("root@example.org");
  take_mail();
  PlatformSettings s{"invitation"};
  ASSERT_TRUE(service_->update_platform_settings(s, info(admin.id)));
  EXPECT_EQ(service_->platform_settings()->registration, "invitation");

  Registration r;
  r.email = "ada@example.org";
  r.password = "correct horse 42";
  r.display_name = "Ada";
  auto without = service_->register_user(r, info());
  ASSERT_FALSE(without);
  EXPECT_EQ(without.error().fields.at(0).field, "invitation");

  ASSERT_TRUE(service_->invite("Ada@example.org", info(admin.id)));
  auto mails = take_mail();
  ASSERT_EQ(mails.size(), 1u);
  std::string invitation = token_in(mails[0], "invitation");
  ASSERT_FALSE(invitation.empty());
  // The invitation is for one address only.
  r.email = "eve@example.org";
  r.invitation = invitation;
  EXPECT_FALSE(service_->register_user(r, info()));
  r.email = "ada@example.org";
  auto u = service_->register_user(r, info());
  ASSERT_TRUE(u) << u.error().detail;
  EXPECT_TRUE(u->email_verified_at);
  EXPECT_TRUE(take_mail().empty());  // no verification needed
  r.email = "ada2@example.org";
  EXPECT_FALSE(service_->register_user(r, info()));  // used up
  EXPECT_EQ(service_->invite("ada@example.org", info(admin.id)).error().kind, ErrorKind::Conflict);
}

TEST_F(Recovery, ClosedRegistration) {
  User admin = register_user("root@example.org");
  ASSERT_TRUE(service_->update_platform_settings({"closed"}, info(admin.id)));
  Registration r;
  r.email = "ada@example.org";
  r.password = "correct horse 42";
  r.display_name = "Ada";
  auto u = service_->register_user(r, info());
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().kind, ErrorKind::Forbidden);
  EXPECT_FALSE(service_->update_platform_settings({"sometimes"}, info(admin.id)));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_events WHERE action = 'settings.changed'"), 1);
}

}  // namespace
}  // namespace trivium::identity
