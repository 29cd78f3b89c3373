// Platform administration, the first administrator and the command line.
#include <gtest/gtest.h>

#include "identity/testing.h"

namespace trivium::identity {
namespace {

using testing::IdentityFixture;

class Admin : public IdentityFixture {};

// AUTH-09 / AUTH-10: no default account; the first administrator gets a
// random one-time password, only on the very first start.
TEST_F(Admin, Auth09BootstrapAdminOnFirstStartOnly) {
  auto first = service_->bootstrap_admin("admin@trivium.example");
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->has_value());
  const BootstrapAdmin& b = **first;
  EXPECT_GE(b.password.size() * 6, 128u);
  EXPECT_TRUE(b.user.platform_admin());
  EXPECT_TRUE(b.user.must_change_password);
  auto s = service_->login("admin@trivium.example", b.password, info());
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->user.must_change_password);
  EXPECT_TRUE(with_cookie(s->session.secret)->platform_admin);

  auto second = service_->bootstrap_admin("admin@trivium.example");
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->has_value());
  // Changing the password clears the flag.
  RequestInfo i = info(b.user.id);
  ASSERT_TRUE(service_->change_password(b.user.id, b.password, "my own admin secret", i));
  EXPECT_FALSE(service_->me(b.user.id)->must_change_password);
}

TEST_F(Admin, CommandLineCreateAndReset) {
  auto u = service_->create_user("ops@example.org", "Ops", "operator chosen secret", true);
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->platform_admin());
  EXPECT_FALSE(service_->create_user("ops2@example.org", "Ops", "password", false));
  auto s = login("ops@example.org", "operator chosen secret");
  auto pw = service_->reset_password_cli("OPS@example.org");
  ASSERT_TRUE(pw);
  EXPECT_FALSE(with_cookie(s.session.secret)->authenticated());
  auto again = service_->login("ops@example.org", *pw, info());
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->user.must_change_password);
  EXPECT_EQ(service_->reset_password_cli("nobody@example.org").error().kind, ErrorKind::NotFound);
}

TEST_F(Admin, UserIdByEmailIgnoresCase) {
  User u = register_user("Ada@example.org");
  EXPECT_EQ(service_->user_id_by_email("ADA@EXAMPLE.ORG")->value_or(""), u.id);
  EXPECT_FALSE(service_->user_id_by_email("bob@example.org")->has_value());
  EXPECT_FALSE(service_->user_id_by_email("not an address")->has_value());
}

TEST_F(Admin, GetUsersReadsManyAtOnceAndSkipsUnknownIds) {
  User ada = register_user("ada@example.org");
  User bob = register_user("bob@example.org");
  auto users = service_->get_users({bob.id, "no-such-user", ada.id});
  ASSERT_TRUE(users) << users.error().detail;
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].email, "bob@example.org");
  EXPECT_EQ((*users)[1].id, ada.id);
  EXPECT_TRUE(service_->get_users({})->empty());
}

TEST_F(Admin, ListUsersWithKeysetPagination) {
  for (int i = 0; i < 7; ++i) register_user("user" + std::to_string(i) + "@example.org");
  register_user("x_y@example.org");
  UserQuery q;
  q.limit = 3;
  std::vector<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    auto p = service_->list_users(q);
    ASSERT_TRUE(p);
    for (const auto& u : p->items) seen.push_back(u.email);
    if (!p->next_cursor) break;
    q.cursor = *p->next_cursor;
  }
  EXPECT_EQ(seen.size(), 8u);
  q = UserQuery{};
  q.q = "USER3";
  auto found = service_->list_users(q);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->items.size(), 1u);
  EXPECT_EQ(found->items[0].email, "user3@example.org");
  // LIKE wildcards are matched literally.
  q.q = "_";
  EXPECT_EQ(service_->list_users(q)->items.size(), 1u);
  q.q = "%";
  EXPECT_EQ(service_->list_users(q)->items.size(), 0u);
  q = UserQuery{};
  q.limit = 101;
  EXPECT_FALSE(service_->list_users(q));
}

TEST_F(Admin, CreateUserWithoutPasswordMailsALink) {
  User admin = register_user("root@example.org");
  take_mail();
  NewUser n;
  n.email = "ada@example.org";
  n.display_name = "Ada";
  auto u = service_->create_user(n, info(admin.id));
  ASSERT_TRUE(u);
  auto mails = take_mail();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].subject, "Your Trivium account");
  EXPECT_FALSE(service_->login("ada@example.org", "", info()));
  ASSERT_TRUE(service_->reset_password(token_in(mails[0]), "ada's own secret", info()));
  EXPECT_TRUE(service_->login("ada@example.org", "ada's own secret", info()));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_events WHERE action = 'user.created'"), 1);
}

TEST_F(Admin, AdministratorsCannotLockThemselvesOut) {
  auto b = service_->bootstrap_admin("admin@example.org");
  const User& admin = (*b)->user;
  UserChange c;
  c.status = "suspended";
  EXPECT_EQ(service_->change_user(admin.id, c, info(admin.id)).error().kind, ErrorKind::Conflict);
  c = UserChange{};
  c.platform_role = "";
  EXPECT_EQ(service_->change_user(admin.id, c, info(admin.id)).error().kind, ErrorKind::Conflict);
  User u = register_user("ada@example.org");
  c.platform_role = "admin";
  auto promoted = service_->change_user(u.id, c, info(admin.id));
  ASSERT_TRUE(promoted);
  EXPECT_TRUE(promoted->platform_admin());
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_events WHERE action = 'user.role_changed'"), 1);
  c.platform_role = "owner";
  EXPECT_EQ(service_->change_user(u.id, c, info(admin.id)).error().kind, ErrorKind::Invalid);
}

}  // namespace
}  // namespace trivium::identity

namespace trivium::identity {
namespace {

class Provisioning : public testing::IdentityFixture {};

TEST_F(Provisioning, FindsExistingAccountsAndCreatesTheMissingOnesInOrder) {
  auto existing = service_->create_user("ann@example.org", "Ann", "a long enough secret", false);
  ASSERT_TRUE(existing);
  auto got = service_->provision_accounts(
      {{"bob@example.org", "Bob", "en"}, {"ANN@example.org", "Someone Else", "fr"}, {"cy@example.org", "Cy", "fr"}},
      true, info());
  ASSERT_TRUE(got) << got.error().detail;
  ASSERT_EQ(got->size(), 3u);
  EXPECT_TRUE((*got)[0].created);
  EXPECT_FALSE((*got)[1].created);
  EXPECT_EQ((*got)[1].user_id, existing->id);
  EXPECT_EQ(service_->me(existing->id)->display_name, "Ann");  // an existing account is left as it is
  EXPECT_EQ(service_->me((*got)[2].user_id)->locale, "fr");
  // Each new account got a link to choose a password, and it works.
  auto mails = take_mail();
  ASSERT_EQ(mails.size(), 2u);
  ASSERT_TRUE(service_->reset_password(token_in(mails[0]), "bob chose this one", info()));
  EXPECT_TRUE(service_->login("bob@example.org", "bob chose this one", info()));
  // Running it again creates nothing and mails nobody.
  auto again = service_->provision_accounts({{"bob@example.org", "Bob", "en"}}, true, info());
  ASSERT_TRUE(again);
  EXPECT_FALSE((*again)[0].created);
  EXPECT_EQ((*again)[0].user_id, (*got)[0].user_id);
  EXPECT_TRUE(take_mail().empty());
}

TEST_F(Provisioning, ABadRequestWritesNothing) {
  auto got = service_->provision_accounts({{"dee@example.org", "Dee", "en"}, {"not an address", "X", "en"}}, false,
                                          info());
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, ErrorKind::Invalid);
  EXPECT_FALSE(service_->user_id_by_email("dee@example.org")->has_value());
  auto name = service_->check_account_request({"eve@example.org", "", "en"});
  ASSERT_FALSE(name);
  ASSERT_FALSE(name.error().fields.empty());
  EXPECT_EQ(name.error().fields[0].field, "name");
}

TEST_F(Provisioning, WithoutNotifyNoMailIsSent) {
  auto got = service_->provision_accounts({{"fay@example.org", "Fay", "en"}}, false, info());
  ASSERT_TRUE(got);
  EXPECT_TRUE((*got)[0].created);
  EXPECT_TRUE(take_mail().empty());
}

}  // namespace
}  // namespace trivium::identity
