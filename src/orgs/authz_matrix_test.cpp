// The authorisation matrix at the policy level (AC-01, AC-04): every route of
// the orgs and audit modules x every kind of subject x organisation A, B and
// one that does not exist, decided by the real Policy over the real
// RoleSource and store. Expectations come from two independent places: the
// hand-written table below (what the product promises per role) and a
// restatement of the rule over each capability's role list. The HTTP-level
// matrix over the running server is in the integration suite.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "orgs/testing.h"

namespace trivium::orgs {
namespace {

enum class Decision { Allow, Unauthenticated, Forbidden, NotFound };

std::string to_string(Decision d) {
  switch (d) {
    case Decision::Allow: return "allow";
    case Decision::Unauthenticated: return "unauthenticated";
    case Decision::Forbidden: return "forbidden";
    case Decision::NotFound: return "not found";
  }
  return "?";
}

Decision decision_of(const Result<void>& r) {
  if (r) return Decision::Allow;
  switch (r.error().kind) {
    case ErrorKind::Unauthenticated: return Decision::Unauthenticated;
    case ErrorKind::NotFound: return Decision::NotFound;
    default: return Decision::Forbidden;
  }
}

// Who holds what in organisation A, as a product promise: rows are the
// capabilities of organisation-scoped routes, columns the subjects. A new
// capability on an organisation route fails the test until it is added here.
const std::vector<std::string> kColumns = {"admin",  "manager",  "author",        "trainer",
                                           "member", "outsider", "platform_admin"};
const std::map<std::string, std::string> kPromise = {
    // clang-format off
    //                      adm mgr aut trn mbr out padm
    {"org.read",           "Y   Y   Y   Y   Y   -   Y"},
    {"org.manage",         "Y   -   -   -   -   -   Y"},
    {"org.members.read",   "Y   Y   -   -   -   -   Y"},
    {"org.members.manage", "Y   -   -   -   -   -   Y"},
    {"org.audit.read",     "Y   -   -   -   -   -   Y"},
    // clang-format on
};

bool promised(const std::string& action, const std::string& subject) {
  const std::string& row = kPromise.at(action);
  std::string marks;
  for (char c : row) {
    if (c == 'Y' || c == '-') marks += c;
  }
  for (size_t i = 0; i < kColumns.size(); ++i) {
    if (kColumns[i] == subject) return marks.at(i) == 'Y';
  }
  ADD_FAILURE() << "no column " << subject;
  return false;
}

struct Subject {
  std::string name;
  http::Subject who;
  std::map<std::string, std::vector<std::string>> roles;  // org id -> explicit roles
};

class AuthzMatrixTest : public testing::OrgsFixture {
 protected:
  void SetUp() override {
    OrgsFixture::SetUp();
    if (HasFatalFailure()) return;
    org_a_ = make_org("org-a");
    org_b_ = make_org("org-b");
    subjects_.push_back({"anonymous", http::Subject{}, {}});
    add_subject("outsider", false, {});
    add_subject("platform_admin", true, {});
    for (const char* role : {"admin", "manager", "author", "trainer", "member"}) {
      add_subject(role, false, {{org_a_.id, {role}}});
    }
    // Symmetric tenant: B's admin must see nothing of A either.
    add_subject("b_admin", false, {{org_b_.id, {"admin"}}});

    policy_.declare(capabilities());
    policy_.declare(audit::capabilities());
    policy_.add_role_source("organisation", *roles_);
    register_routes(router_, *service_);
    audit::register_routes(router_, *audit_);
  }

  void add_subject(const std::string& name, bool platform_admin,
                   std::map<std::string, std::vector<std::string>> roles) {
    const std::string id = add_user(name);
    for (const auto& [org_id, held] : roles) {
      join(org_id == org_a_.id ? org_a_ : org_b_, id, held);
    }
    http::Subject who;
    who.via = http::Subject::Via::Cookie;
    who.user_id = id;
    who.platform_admin = platform_admin;
    subjects_.push_back({name, who, std::move(roles)});
  }

  // The rule restated independently of the policy's code.
  Decision expected(const authz::Capability& cap, const Subject& s, const authz::ContextRef& ctx) const {
    if (cap.anonymous) return Decision::Allow;
    if (!s.who.authenticated()) return Decision::Unauthenticated;
    if (cap.authenticated) return Decision::Allow;
    std::set<std::string> held;
    if (s.who.platform_admin) held.insert("platform:admin");
    if (ctx.kind == "organisation") {
      if (ctx.id != org_a_.id && ctx.id != org_b_.id) return Decision::NotFound;
      auto it = s.roles.find(ctx.id);
      if (it != s.roles.end()) {
        held.insert("organisation:member");
        for (const std::string& r : it->second) held.insert("organisation:" + r);
      }
    }
    for (const std::string& r : cap.roles) {
      if (held.count(r)) return Decision::Allow;
    }
    return Decision::Forbidden;
  }

  std::vector<authz::ContextRef> contexts_for(const http::Route& route) const {
    if (route.context.kind == "organisation") {
      return {{"organisation", org_a_.id},
              {"organisation", org_b_.id},
              {"organisation", "0190aaaa-0000-7000-8000-000000000000"}};
    }
    return {{"platform", ""}};
  }

  Organisation org_a_;
  Organisation org_b_;
  std::vector<Subject> subjects_;
  authz::Policy policy_;
  http::Router router_;
};

TEST_F(AuthzMatrixTest, EveryRouteNamesADeclaredCapability_AC01) {
  EXPECT_TRUE(policy_.verify_routes(router_));
  EXPECT_GE(router_.routes().size(), 15u);
}

TEST_F(AuthzMatrixTest, EveryRouteSubjectAndOrganisationGetsTheExpectedDecision_AC04) {
  int cases = 0;
  for (const http::Route& route : router_.routes()) {
    const authz::Capability* cap = policy_.find(route.action);
    ASSERT_NE(cap, nullptr) << route.pattern;
    for (const authz::ContextRef& ctx : contexts_for(route)) {
      for (const Subject& s : subjects_) {
        const Decision got = decision_of(policy_.check(s.who, route.action, ctx));
        const Decision want = expected(*cap, s, ctx);
        EXPECT_EQ(to_string(got), to_string(want))
            << http::method_name(route.method) << " " << route.pattern << " as " << s.name << " on "
            << (ctx.id == org_a_.id   ? "A"
                : ctx.id == org_b_.id ? "B"
                                      : ctx.kind);
        ++cases;
      }
    }
  }
  EXPECT_GT(cases, 300);
}

TEST_F(AuthzMatrixTest, DecisionsInOrganisationAMatchTheProductPromise) {
  std::set<std::string> covered;
  for (const http::Route& route : router_.routes()) {
    if (route.context.kind != "organisation") continue;
    ASSERT_TRUE(kPromise.count(route.action)) << route.action << " is missing from kPromise";
    covered.insert(route.action);
    for (const Subject& s : subjects_) {
      if (s.name == "anonymous" || s.name == "b_admin") continue;
      const bool allowed = policy_.can(s.who, route.action, {"organisation", org_a_.id});
      EXPECT_EQ(allowed, promised(route.action, s.name))
          << http::method_name(route.method) << " " << route.pattern << " as " << s.name;
    }
  }
  EXPECT_EQ(covered.size(), kPromise.size());
}

TEST_F(AuthzMatrixTest, NoRoleInOneOrganisationOpensAnother_AC04) {
  for (const http::Route& route : router_.routes()) {
    if (route.context.kind != "organisation") continue;
    for (const Subject& s : subjects_) {
      if (s.who.platform_admin) continue;
      for (const auto& [home, held] : s.roles) {
        const std::string& away = home == org_a_.id ? org_b_.id : org_a_.id;
        auto r = policy_.check(s.who, route.action, {"organisation", away});
        ASSERT_FALSE(r) << route.pattern << " as " << s.name;
        EXPECT_EQ(r.error().kind, ErrorKind::Forbidden) << route.pattern << " as " << s.name;
      }
    }
  }
}

TEST_F(AuthzMatrixTest, PlatformRoutesAreForPlatformAdminsOnly) {
  const http::Subject& org_admin = subjects_[3].who;  // A's admin
  ASSERT_EQ(subjects_[3].name, "admin");
  const authz::ContextRef platform{"platform", ""};
  EXPECT_FALSE(policy_.can(org_admin, "platform.orgs.create", platform));
  EXPECT_FALSE(policy_.can(org_admin, "platform.audit.read", platform));
  EXPECT_TRUE(policy_.can(subjects_[2].who, "platform.orgs.create", platform));
  EXPECT_TRUE(policy_.can(subjects_[2].who, "platform.audit.read", platform));
  EXPECT_TRUE(policy_.can(org_admin, "orgs.list", platform));
}

TEST_F(AuthzMatrixTest, RemovedRoleStopsGrantingAtOnce) {
  const Subject& admin = subjects_[3];
  const authz::ContextRef a{"organisation", org_a_.id};
  ASSERT_TRUE(policy_.can(admin.who, "org.members.manage", a));
  join(org_a_, add_user("second_admin"), {"admin"});
  ASSERT_TRUE(service_->update_member(admin_, org_a_.id, admin.who.user_id,
                                      MemberChange{std::vector<std::string>{}, std::nullopt}));
  EXPECT_FALSE(policy_.can(admin.who, "org.members.manage", a));
  EXPECT_TRUE(policy_.can(admin.who, "org.read", a));
  ASSERT_TRUE(service_->remove_member(admin_, org_a_.id, admin.who.user_id));
  EXPECT_FALSE(policy_.can(admin.who, "org.read", a));
}

}  // namespace
}  // namespace trivium::orgs
