// Personal API tokens: hashed at rest, revocable, expiring.
#include <gtest/gtest.h>

#include "core/ids.h"
#include "identity/testing.h"

namespace trivium::identity {
namespace {

using testing::IdentityFixture;
constexpr int64_t kDay = 24 * 3'600'000LL;

class Tokens : public IdentityFixture {};

TEST_F(Tokens, BearerTokenIsHashedAtRestAndRevocable) {
  User u = register_user("ada@example.org");
  auto t = service_->create_token(u.id, "CI export", std::nullopt, info(u.id));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->secret.rfind("trv_", 0), 0u);
  EXPECT_GE((t->secret.size() - 4) * 6, 256u);
  EXPECT_EQ(text("SELECT secret_hash FROM api_tokens WHERE id = $1", {t->token.id}), sha256_hex(t->secret));
  EXPECT_EQ(count("SELECT COUNT(*) FROM api_tokens WHERE secret_hash = '" + t->secret + "'"), 0);

  auto who = with_bearer(t->secret);
  ASSERT_TRUE(who);
  EXPECT_EQ(who->via, http::Subject::Via::Bearer);
  EXPECT_EQ(who->user_id, u.id);
  EXPECT_EQ(who->token_id, t->token.id);
  EXPECT_TRUE(who->csrf_token.empty());

  auto listed = service_->list_tokens(u.id);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].name, "CI export");

  ASSERT_TRUE(service_->revoke_token(u.id, t->token.id, info(u.id)));
  auto revoked = with_bearer(t->secret);
  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().kind, ErrorKind::Unauthenticated);
  EXPECT_TRUE(service_->list_tokens(u.id)->empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_events WHERE action IN ('token.created', 'token.revoked')"), 2);
}

TEST_F(Tokens, InvalidBearerTokensAreUnauthenticated) {
  for (const char* bad : {"trv_nope", "not-even-prefixed", ""}) {
    auto r = with_bearer(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::Unauthenticated);
  }
  // No credentials at all: anonymous, not an error.
  testing::FakeRequest f;
  auto anon = authn_->authenticate(f.req);
  ASSERT_TRUE(anon);
  EXPECT_FALSE(anon->authenticated());
}

TEST_F(Tokens, TokensExpire) {
  User u = register_user("ada@example.org");
  auto t = service_->create_token(u.id, "short", 1, info(u.id));
  ASSERT_TRUE(t);
  ASSERT_TRUE(with_bearer(t->secret));
  clock_.advance(kDay);
  EXPECT_FALSE(with_bearer(t->secret));
  EXPECT_TRUE(service_->list_tokens(u.id)->empty());
  EXPECT_FALSE(service_->create_token(u.id, "too long", 4000, info(u.id)));
}

TEST_F(Tokens, SuspendedUsersTokensStopWorking) {
  User admin = register_user("root@example.org");
  User u = register_user("ada@example.org");
  auto t = service_->create_token(u.id, "bot", std::nullopt, info(u.id));
  ASSERT_TRUE(with_bearer(t->secret));
  UserChange c;
  c.status = "suspended";
  ASSERT_TRUE(service_->change_user(u.id, c, info(admin.id)));
  EXPECT_FALSE(with_bearer(t->secret));
}

TEST_F(Tokens, OnlyTheOwnerRevokes) {
  User u = register_user("ada@example.org");
  User other = register_user("bob@example.org");
  auto t = service_->create_token(u.id, "mine", std::nullopt, info(u.id));
  auto r = service_->revoke_token(other.id, t->token.id, info(other.id));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::NotFound);
  EXPECT_TRUE(with_bearer(t->secret));
}

TEST_F(Tokens, CookieNamedLikeATokenIsNotABearer) {
  User u = register_user("ada@example.org");
  auto t = service_->create_token(u.id, "mine", std::nullopt, info(u.id));
  ASSERT_TRUE(with_bearer(t->secret));  // cached as a bearer credential
  auto who = with_cookie(t->secret);
  ASSERT_TRUE(who);
  EXPECT_FALSE(who->authenticated());
}

}  // namespace
}  // namespace trivium::identity
