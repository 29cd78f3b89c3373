// The audit log on a real SQLite store: recording, filtering, keyset
// pagination and the two read routes.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "audit/audit.h"
#include "core/json.h"

namespace trivium::audit {
namespace {

namespace bj = boost::json;

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/trivium-audit-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    // TRIVIUM_TEST_PG_URL runs the same tests on PostgreSQL (the database
    // named is wiped first).
    const char* pg = std::getenv("TRIVIUM_TEST_PG_URL");
    store_ = db::open_store({pg ? std::string(pg) : "sqlite:" + dir_ + "/audit.db"});
    if (pg) {
      ASSERT_TRUE(store_->write([](db::Tx& tx) -> Result<void> {
        TRV_TRY(tx.exec("DROP SCHEMA public CASCADE"));
        TRV_TRY(tx.exec("CREATE SCHEMA public"));
        return ok();
      }));
    }
    ASSERT_TRUE(db::migrate(*store_));
    log_ = std::make_unique<AuditLog>(*store_, clock_);
  }
  void TearDown() override {
    log_.reset();
    if (store_) store_->close();
    std::filesystem::remove_all(dir_);
  }

  void record(std::string action, std::string actor, std::string org) {
    Event e;
    e.action = std::move(action);
    e.actor_id = std::move(actor);
    e.organisation_id = std::move(org);
    e.target_kind = "user";
    e.target_id = "u-target";
    e.ip = "192.0.2.7";
    e.request_id = "r-1";
    e.detail_json = R"({"roles":["admin"]})";
    ASSERT_TRUE(log_->record(e));
    clock_.advance(10);
  }

  std::vector<Entry> list(Query q) {
    auto r = log_->list(q);
    EXPECT_TRUE(r);
    return r ? *r : std::vector<Entry>{};
  }

  http::Response get(const std::string& path, const std::string& query) {
    http::Router router;
    register_routes(router, *log_);
    http::Match m = router.match(http::Method::Get, path);
    EXPECT_EQ(m.kind, http::Match::Kind::Found) << path;
    if (m.kind != http::Match::Kind::Found) return {};
    target_ = path + "?" + query;
    http::Request req;
    req.method = http::Method::Get;
    req.target = target_;
    req.path = std::string_view(target_).substr(0, path.size());
    req.query = std::string_view(target_).substr(path.size() + 1);
    req.request_id = "req-test";
    req.params = m.params;
    return m.route->handler(req);
  }

  std::string dir_;
  std::string target_;
  ManualClock clock_;
  std::unique_ptr<db::Store> store_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditTest, ListsNewestFirstWithEveryField_LOG01) {
  record("org.created", "u-admin", "org-a");
  record("auth.login", "u-1", "");
  auto all = list({});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_GT(all[0].id, all[1].id);
  const Entry& login = all[0].event.action == "auth.login" ? all[0] : all[1];
  EXPECT_EQ(login.event.actor_id, "u-1");
  EXPECT_EQ(login.event.organisation_id, "");
  EXPECT_EQ(login.event.ip, "192.0.2.7");
  EXPECT_EQ(login.event.request_id, "r-1");
  EXPECT_EQ(login.event.target_kind, "user");
  EXPECT_EQ(login.event.detail_json, R"({"roles":["admin"]})");
  EXPECT_GE(login.at_ms, 1'700'000'000'000);
}

TEST_F(AuditTest, FiltersByOrganisationActionAndActor) {
  record("org.member_added", "u-admin", "org-a");
  record("org.member_added", "u-admin", "org-b");
  record("org.role_changed", "u-other", "org-a");
  EXPECT_EQ(list({.organisation_id = "org-a"}).size(), 2u);
  EXPECT_EQ(list({.action = "org.member_added"}).size(), 2u);
  EXPECT_EQ(list({.actor_id = "u-other"}).size(), 1u);
  EXPECT_EQ(list({.organisation_id = "org-b", .action = "org.role_changed"}).size(), 0u);
  EXPECT_EQ(list({.organisation_id = "org-a", .action = "org.role_changed", .actor_id = "u-other"}).size(), 1u);
}

TEST_F(AuditTest, KeysetPaginationVisitsEveryEventOnce) {
  for (int i = 0; i < 7; ++i) record("auth.login", "u-" + std::to_string(i), "");
  std::set<std::string> seen;
  std::optional<std::string> before;
  int pages = 0;
  for (;;) {
    auto page = list({.before_id = before, .limit = 3});
    if (page.empty()) break;
    ++pages;
    for (const Entry& e : page) EXPECT_TRUE(seen.insert(e.id).second) << e.id;
    EXPECT_TRUE(std::is_sorted(page.begin(), page.end(), [](const Entry& a, const Entry& b) { return a.id > b.id; }));
    before = page.back().id;
  }
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(pages, 3);
}

TEST_F(AuditTest, EventIsDiscardedWithTheTransactionThatFailed) {
  auto r = store_->write([&](db::Tx& tx) -> Result<void> {
    Event e;
    e.action = "org.role_changed";
    TRV_TRY(log_->record(tx, e));
    return fail(ErrorKind::Conflict, "the change itself failed");
  });
  EXPECT_FALSE(r);
  EXPECT_TRUE(list({}).empty());
}

TEST_F(AuditTest, EventWithoutActionIsABug) {
  EXPECT_FALSE(log_->record(Event{}));
}

TEST_F(AuditTest, EventFromTakesActorIpAndRequestId) {
  http::Request req;
  req.subject.via = http::Subject::Via::Cookie;
  req.subject.user_id = "u-9";
  req.remote_ip = "198.51.100.4";
  req.request_id = "abc123";
  Event e = event_from(req, "auth.logout");
  EXPECT_EQ(e.action, "auth.logout");
  EXPECT_EQ(e.actor_id, "u-9");
  EXPECT_EQ(e.ip, "198.51.100.4");
  EXPECT_EQ(e.request_id, "abc123");
  EXPECT_EQ(e.detail_json, "{}");
}

TEST_F(AuditTest, FilterValuesAreDataNotSql_INJ01) {
  record("auth.login", "u-1", "");
  EXPECT_TRUE(list({.action = "x' OR '1'='1"}).empty());
  EXPECT_TRUE(list({.actor_id = "u-1'; DROP TABLE audit_events; --"}).empty());
  EXPECT_EQ(list({}).size(), 1u);
}

TEST_F(AuditTest, PlatformRouteRendersPageAndCursor) {
  for (int i = 0; i < 3; ++i) record("auth.login", "u-1", "org-a");
  auto res = get("/api/v1/audit", "limit=2&action=auth.login");
  ASSERT_EQ(res.status, 200) << res.body;
  auto body = json::parse(res.body);
  ASSERT_TRUE(body);
  const bj::array& items = body->at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  const bj::object& first = items[0].as_object();
  EXPECT_EQ(first.at("action").as_string(), "auth.login");
  EXPECT_EQ(first.at("target").at("kind").as_string(), "user");
  EXPECT_EQ(first.at("detail").at("roles").as_array().size(), 1u);
  EXPECT_TRUE(first.at("at").as_string().ends_with("Z"));
  ASSERT_TRUE(body->at("next_cursor").is_string());

  std::string cursor(body->at("next_cursor").as_string());
  auto rest = json::parse(get("/api/v1/audit", "limit=2&before=" + cursor).body);
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->at("items").as_array().size(), 1u);
  EXPECT_TRUE(rest->at("next_cursor").is_null());
}

TEST_F(AuditTest, OrganisationRouteShowsOnlyThatOrganisation_AC04) {
  record("org.member_added", "u-admin", "org-a");
  record("org.member_added", "u-admin", "org-b");
  record("auth.login", "u-admin", "");
  auto res = get("/api/v1/orgs/org-a/audit", "organisation_id=org-b");
  ASSERT_EQ(res.status, 200) << res.body;
  auto body = json::parse(res.body);
  ASSERT_TRUE(body);
  const bj::array& items = body->at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("organisation_id").as_string(), "org-a");
}

TEST_F(AuditTest, BadLimitIsAValidationProblem) {
  EXPECT_EQ(get("/api/v1/audit", "limit=0").status, 422);
  EXPECT_EQ(get("/api/v1/audit", "limit=201").status, 422);
  EXPECT_EQ(get("/api/v1/audit", "limit=ten").status, 422);
}

TEST_F(AuditTest, RoutesNameDeclaredCapabilities_AC01_LOG04) {
  authz::Policy policy;
  policy.declare(capabilities());
  const authz::Capability* platform = policy.find("platform.audit.read");
  ASSERT_NE(platform, nullptr);
  EXPECT_EQ(platform->roles, std::vector<std::string>{"platform:admin"});
  const authz::Capability* org = policy.find("org.audit.read");
  ASSERT_NE(org, nullptr);
  EXPECT_FALSE(org->authenticated);
  EXPECT_FALSE(org->anonymous);
  http::Router router;
  register_routes(router, *log_);
  EXPECT_TRUE(policy.verify_routes(router));
}

}  // namespace
}  // namespace trivium::audit
