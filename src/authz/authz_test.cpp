// Unit tests of the central policy against an in-memory RoleSource. The
// organisation-level matrix over the real capabilities lives in
// src/orgs/authz_matrix_test.cpp.

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <map>
#include <sstream>
#include <stdexcept>

#include "authz/authz.h"

namespace trivium::authz {
namespace {

// Contexts and roles held in maps; each lookup can be made to fail.
class FakeSource : public RoleSource {
 public:
  std::map<std::string, std::optional<ContextRef>> parents;                       // id -> parent
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> roles;  // (user, id)
  std::optional<ErrorKind> fail_roles;
  bool throw_roles = false;
  int roles_calls = 0;
  int parent_calls = 0;

  Result<std::vector<std::string>> roles_in(const std::string& user_id, const ContextRef& ctx) override {
    ++roles_calls;
    if (throw_roles) throw std::runtime_error("connection reset");
    if (fail_roles) return fail(*fail_roles, "injected");
    auto it = roles.find({user_id, ctx.id});
    if (it == roles.end()) return std::vector<std::string>{};
    return it->second;
  }
  Result<std::optional<ContextRef>> parent_of(const ContextRef& ctx) override {
    ++parent_calls;
    auto it = parents.find(ctx.id);
    if (it == parents.end()) return fail(ErrorKind::NotFound, "no such " + ctx.kind);
    return it->second;
  }
};

http::Subject user(std::string id, bool platform_admin = false) {
  http::Subject s;
  s.via = http::Subject::Via::Cookie;
  s.user_id = std::move(id);
  s.platform_admin = platform_admin;
  return s;
}

const http::Subject kAnonymous{};
const ContextRef kOrgA{"organisation", "org-a"};
const ContextRef kOrgB{"organisation", "org-b"};
const ContextRef kCourse{"course", "course-1"};

class PolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    orgs.parents["org-a"] = ContextRef{"platform", ""};
    orgs.parents["org-b"] = std::nullopt;  // top-level: the platform encloses it
    orgs.roles[{"alice", "org-a"}] = {"admin", "member"};
    orgs.roles[{"bob", "org-b"}] = {"admin"};
    orgs.roles[{"mia", "org-a"}] = {"member"};
    courses.parents["course-1"] = kOrgA;
    courses.roles[{"tom", "course-1"}] = {"trainer"};
    policy.declare({
        {"public.read", "", true, false, false, {}},
        {"me.read", "", false, true, false, {}},
        {"user.edit", "", false, false, true, {"platform:admin"}},
        {"org.manage", "", false, false, false, {"organisation:admin", "platform:admin"}},
        {"platform.only", "", false, false, false, {"platform:admin"}},
        {"course.grade", "", false, false, false, {"course:trainer", "organisation:admin"}},
    });
    policy.add_role_source("organisation", orgs);
    policy.add_role_source("course", courses);
  }

  FakeSource orgs;
  FakeSource courses;
  Policy policy;
};

TEST_F(PolicyTest, UndeclaredActionIsDenied_AC01) {
  auto r = policy.check(user("alice", true), "nobody.declared.this", kOrgA);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Forbidden);
}

TEST_F(PolicyTest, AnonymousCapabilityAllowsEveryone) {
  EXPECT_TRUE(policy.check(kAnonymous, "public.read", {"platform", ""}));
  EXPECT_TRUE(policy.check(user("mia"), "public.read", kOrgB));
}

TEST_F(PolicyTest, EveryOtherCapabilityNeedsSignIn) {
  for (const char* action : {"me.read", "user.edit", "org.manage", "platform.only"}) {
    auto r = policy.check(kAnonymous, action, kOrgA);
    ASSERT_FALSE(r) << action;
    EXPECT_EQ(r.error().kind, ErrorKind::Unauthenticated) << action;
  }
}

TEST_F(PolicyTest, AuthenticatedCapabilityAllowsAnySignedInUser) {
  EXPECT_TRUE(policy.check(user("nobody"), "me.read", {"platform", ""}));
}

TEST_F(PolicyTest, SelfAllowsOnlyTheUsersOwnContext) {
  EXPECT_TRUE(policy.check(user("mia"), "user.edit", {"user", "mia"}));
  auto r = policy.check(user("mia"), "user.edit", {"user", "alice"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Forbidden);
  // Roles still apply to other users' contexts.
  EXPECT_TRUE(policy.check(user("root", true), "user.edit", {"user", "alice"}));
}

TEST_F(PolicyTest, OrganisationRoleGrantsOnlyInItsOrganisation_AC04) {
  EXPECT_TRUE(policy.check(user("alice"), "org.manage", kOrgA));
  auto cross = policy.check(user("alice"), "org.manage", kOrgB);
  ASSERT_FALSE(cross);
  EXPECT_EQ(cross.error().kind, ErrorKind::Forbidden);
  EXPECT_TRUE(policy.check(user("bob"), "org.manage", kOrgB));
  EXPECT_FALSE(policy.check(user("bob"), "org.manage", kOrgA));
  EXPECT_FALSE(policy.check(user("mia"), "org.manage", kOrgA));
}

TEST_F(PolicyTest, PlatformAdminIsFoundAtTheTopOfTheWalk) {
  EXPECT_TRUE(policy.check(user("root", true), "org.manage", kOrgA));
  EXPECT_TRUE(policy.check(user("root", true), "org.manage", kOrgB));
  EXPECT_TRUE(policy.check(user("root", true), "platform.only", {"platform", ""}));
  EXPECT_TRUE(policy.check(user("root", true), "platform.only", {"", ""}));
  EXPECT_FALSE(policy.check(user("alice"), "platform.only", {"platform", ""}));
}

TEST_F(PolicyTest, RolesAreInheritedFromEnclosingContexts) {
  EXPECT_TRUE(policy.check(user("tom"), "course.grade", kCourse));    // course:trainer
  EXPECT_TRUE(policy.check(user("alice"), "course.grade", kCourse));  // organisation:admin above
  EXPECT_FALSE(policy.check(user("bob"), "course.grade", kCourse));   // admin of another org
  EXPECT_FALSE(policy.check(user("mia"), "course.grade", kCourse));
}

TEST_F(PolicyTest, MissingObjectIsNotFound) {
  auto r = policy.check(user("alice"), "org.manage", {"organisation", "no-such-org"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::NotFound);
  auto empty = policy.check(user("alice"), "org.manage", {"organisation", ""});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().kind, ErrorKind::NotFound);
  // The platform admin is told the same: existence is checked first.
  auto admin = policy.check(user("root", true), "org.manage", {"organisation", "nope"});
  ASSERT_FALSE(admin);
  EXPECT_EQ(admin.error().kind, ErrorKind::NotFound);
}

TEST_F(PolicyTest, FailingRoleSourceDenies_AC06) {
  orgs.fail_roles = ErrorKind::Unavailable;
  auto r = policy.check(user("alice"), "org.manage", kOrgA);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Forbidden);
}

TEST_F(PolicyTest, ThrowingRoleSourceDenies_AC06) {
  orgs.throw_roles = true;
  auto r = policy.check(user("alice"), "org.manage", kOrgA);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Forbidden);
}

TEST_F(PolicyTest, CyclicParentsDeny) {
  orgs.parents["org-a"] = kOrgB;
  orgs.parents["org-b"] = kOrgA;
  auto r = policy.check(user("mia"), "org.manage", kOrgA);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Forbidden);
}

TEST_F(PolicyTest, RolesAreNotAskedWhereNoneCouldGrant) {
  EXPECT_FALSE(policy.check(user("alice"), "platform.only", kOrgA));
  EXPECT_EQ(orgs.roles_calls, 0);
  EXPECT_EQ(orgs.parent_calls, 1);
}

TEST_F(PolicyTest, DeclaringTwiceOrMalformedRoleIsABug) {
  EXPECT_THROW(policy.declare({{"org.manage", "", false, false, false, {}}}), std::logic_error);
  EXPECT_THROW(policy.declare({{"x.y", "", false, false, false, {"admin"}}}), std::logic_error);
}

TEST_F(PolicyTest, AllListsCapabilitiesInOrder) {
  auto caps = policy.all();
  ASSERT_EQ(caps.size(), 6u);
  EXPECT_EQ(caps.front().action, "course.grade");
  ASSERT_NE(policy.find("org.manage"), nullptr);
  EXPECT_EQ(policy.find("nope"), nullptr);
}

TEST_F(PolicyTest, DenialsAreLoggedWithRequestId_AC07) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));

  http::Route route;
  route.method = http::Method::Patch;
  route.pattern = "/api/v1/orgs/{org}";
  route.action = "org.manage";
  route.context = {"organisation", "org"};
  http::Request req;
  req.request_id = "req-42";
  req.params.emplace_back("org", "org-b");
  req.subject = user("alice");
  auto r = policy.authorize(req, route);
  spdlog::set_default_logger(previous);

  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Forbidden);
  const std::string log = out.str();
  EXPECT_NE(log.find("org.manage"), std::string::npos) << log;
  EXPECT_NE(log.find("req-42"), std::string::npos) << log;
  EXPECT_NE(log.find("alice"), std::string::npos) << log;
}

TEST_F(PolicyTest, LoggedContextIdsCannotForgeLines_LOG05) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  auto r = policy.check(user("mia"), "org.manage", {"organisation", "x\nFAKE entry"});
  spdlog::set_default_logger(previous);
  ASSERT_FALSE(r);
  const std::string log = out.str();
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << log;
}

TEST_F(PolicyTest, AuthorizeTakesTheContextFromTheRoute) {
  http::Route route;
  route.action = "org.manage";
  route.context = {"organisation", "org"};
  http::Request req;
  req.params.emplace_back("org", "org-a");
  req.subject = user("alice");
  EXPECT_TRUE(policy.authorize(req, route));
  EXPECT_EQ(Policy::context_of(req, route), kOrgA);

  route.context = {};
  EXPECT_EQ(Policy::context_of(req, route), (ContextRef{"platform", ""}));
  EXPECT_FALSE(policy.authorize(req, route));  // organisation:admin is not a platform role
}

http::Route route_of(std::string pattern, std::string action, http::ContextSpec ctx = {}) {
  http::Route r;
  r.method = http::Method::Get;
  r.pattern = std::move(pattern);
  r.action = std::move(action);
  r.context = std::move(ctx);
  r.handler = [](http::Request&) { return http::Response::no_content(); };
  return r;
}

TEST_F(PolicyTest, VerifyRoutesAcceptsADeclaredTable_AC01) {
  http::Router router;
  router.add(route_of("/api/v1/orgs/{org}", "org.manage", {"organisation", "org"}));
  router.add(route_of("/api/v1/public", "public.read"));
  EXPECT_TRUE(policy.verify_routes(router));
}

TEST_F(PolicyTest, SeveralSourcesForOneKindAddTheirRoles) {
  // A second source (learners, say) serves the same course context; the
  // first registered still owns the tree.
  FakeSource learners;
  learners.roles[{"lea", "course-1"}] = {"learner"};
  policy.declare({{"course.learn", "", false, false, false, {"course:learner"}}});
  policy.add_role_source("course", learners);
  EXPECT_TRUE(policy.check(user("lea"), "course.learn", kCourse));
  EXPECT_TRUE(policy.check(user("tom"), "course.grade", kCourse));  // first source still asked
  auto r = policy.check(user("tom"), "course.learn", kCourse);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Forbidden);
  EXPECT_EQ(learners.parent_calls, 0);  // parents come from the owner only
}

TEST_F(PolicyTest, RolesForAnonymousLetASourceGrantEveryone) {
  courses.roles[{"", "course-1"}] = {"viewer"};  // a public course
  courses.parents["course-2"] = kOrgA;           // an internal one: nothing for anonymous
  policy.declare({{"course.view", "", false, false, false, {"course:viewer"}, true},
                  {"course.view.members", "", false, false, false, {"course:viewer"}}});
  EXPECT_TRUE(policy.check(kAnonymous, "course.view", kCourse));
  auto hidden = policy.check(kAnonymous, "course.view", {"course", "course-2"});
  ASSERT_FALSE(hidden);
  EXPECT_EQ(hidden.error().kind, ErrorKind::Unauthenticated);
  auto missing = policy.check(kAnonymous, "course.view", {"course", "nope"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::NotFound);
  // Without the flag, anonymous callers are never looked up.
  auto plain = policy.check(kAnonymous, "course.view.members", kCourse);
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().kind, ErrorKind::Unauthenticated);
}

TEST_F(PolicyTest, VerifyRoutesRejectsAnUndeclaredAction_AC01) {
  http::Router router;
  router.add(route_of("/api/v1/public", "public.read"));
  router.add(route_of("/api/v1/secret", "secret.read"));
  auto r = policy.verify_routes(router);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("secret.read"), std::string::npos);
}

TEST_F(PolicyTest, VerifyRoutesRejectsAContextParameterNotInThePattern_AC01) {
  http::Router router;
  router.add(route_of("/api/v1/orgs/{id}", "org.manage", {"organisation", "org"}));
  auto r = policy.verify_routes(router);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("/api/v1/orgs/{id}"), std::string::npos);
}

}  // namespace
}  // namespace trivium::authz
