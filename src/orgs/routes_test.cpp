// The orgs routes called through the router as the pipeline would call them
// after authorisation: body validation, status codes and JSON shapes.

#include <gtest/gtest.h>

#include "orgs/testing.h"

namespace trivium::orgs {
namespace {

namespace bj = boost::json;

class OrgsRoutesTest : public testing::OrgsFixture {
 protected:
  void SetUp() override {
    OrgsFixture::SetUp();
    if (HasFatalFailure()) return;
    register_routes(router_, *service_);
    root_.via = http::Subject::Via::Cookie;
    root_.user_id = "u-root";
    root_.platform_admin = true;
  }

  http::Response call(http::Method method, const std::string& target, std::string body = {},
                      const http::Subject* as = nullptr) {
    target_ = target;
    const size_t q = target_.find('?');
    const std::string_view path = std::string_view(target_).substr(0, q);
    http::Match m = router_.match(method, path);
    EXPECT_EQ(m.kind, http::Match::Kind::Found) << target;
    if (m.kind != http::Match::Kind::Found) return {};
    http::Request req;
    req.method = method;
    req.target = target_;
    req.path = path;
    if (q != std::string::npos) req.query = std::string_view(target_).substr(q + 1);
    req.body = std::move(body);
    req.remote_ip = "192.0.2.1";
    req.request_id = "req-routes";
    req.params = m.params;
    req.subject = as ? *as : root_;
    return m.route->handler(req);
  }

  bj::value body_of(const http::Response& res) {
    auto v = json::parse(res.body);
    EXPECT_TRUE(v) << res.body;
    return v ? *v : bj::value{};
  }

  std::vector<std::string> error_fields(const http::Response& res) {
    std::vector<std::string> out;
    bj::value doc = body_of(res);
    if (!doc.is_object() || !doc.as_object().contains("errors")) return out;
    for (const bj::value& e : doc.at("errors").as_array()) {
      out.emplace_back(e.at("field").as_string());
    }
    return out;
  }

  http::Router router_;
  http::Subject root_;
  std::string target_;
};

using M = http::Method;

TEST_F(OrgsRoutesTest, CreateOrganisationReturns201WithLocation) {
  auto res = call(M::Post, "/api/v1/orgs", R"({"slug":"acme","name":"Acme","kind":"school"})");
  ASSERT_EQ(res.status, 201) << res.body;
  bj::value org = body_of(res);
  EXPECT_EQ(org.at("slug").as_string(), "acme");
  EXPECT_EQ(org.at("kind").as_string(), "school");
  EXPECT_TRUE(org.at("created_at").as_string().ends_with("Z"));
  bool located = false;
  for (const auto& [name, value] : res.headers) {
    if (name == "Location") located = value == "/api/v1/orgs/" + std::string(org.at("id").as_string());
  }
  EXPECT_TRUE(located);
  EXPECT_EQ(call(M::Post, "/api/v1/orgs", R"({"slug":"acme","name":"Again"})").status, 409);
}

TEST_F(OrgsRoutesTest, UnknownFieldsAreRejected_AC03) {
  auto res = call(M::Post, "/api/v1/orgs", R"({"slug":"acme","name":"Acme","id":"mine"})");
  ASSERT_EQ(res.status, 422) << res.body;
  EXPECT_EQ(error_fields(res), std::vector<std::string>{"id"});
  Organisation org = make_org("beta");
  add_user("ann");
  auto member =
      call(M::Post, "/api/v1/orgs/" + org.id + "/members", R"({"user_id":"u-ann","organisation_id":"elsewhere"})");
  ASSERT_EQ(member.status, 422) << member.body;
  EXPECT_EQ(error_fields(member), std::vector<std::string>{"organisation_id"});
  EXPECT_EQ(call(M::Patch, "/api/v1/orgs/" + org.id, R"({"slug":"renamed"})").status, 422);
}

TEST_F(OrgsRoutesTest, MalformedAndMistypedBodies) {
  EXPECT_EQ(call(M::Post, "/api/v1/orgs", R"({"slug":)").status, 400);
  EXPECT_EQ(call(M::Post, "/api/v1/orgs", R"(["acme"])").status, 400);
  auto res = call(M::Post, "/api/v1/orgs", R"({"slug":7,"name":"<script>x</script>","kind":"x"})");
  ASSERT_EQ(res.status, 422) << res.body;
  auto fields = error_fields(res);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "slug"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "kind"), fields.end());
}

TEST_F(OrgsRoutesTest, MembersAddListPatchDelete) {
  Organisation org = make_org("acme");
  const std::string base = "/api/v1/orgs/" + org.id;
  auto dept = body_of(call(M::Post, base + "/departments", R"({"name":"Sales"})"));
  const std::string dept_id(dept.at("id").as_string());
  add_user("ann");
  add_user("bob");
  auto ann = call(M::Post, base + "/members",
                  R"({"email":"ann@example.test","roles":["admin"],"department_ids":[")" + dept_id + R"("]})");
  ASSERT_EQ(ann.status, 201) << ann.body;
  EXPECT_EQ(body_of(ann).at("user_id").as_string(), "u-ann");
  ASSERT_EQ(call(M::Post, base + "/members", R"({"user_id":"u-bob"})").status, 201);

  auto page = body_of(call(M::Get, base + "/members?limit=1"));
  ASSERT_EQ(page.at("items").as_array().size(), 1u);
  const std::string cursor(page.at("next_cursor").as_string());
  auto rest = body_of(call(M::Get, base + "/members?limit=1&cursor=" + cursor));
  ASSERT_EQ(rest.at("items").as_array().size(), 1u);
  EXPECT_EQ(rest.at("items").at(0).at("user_id").as_string(), "u-bob");
  EXPECT_TRUE(rest.at("next_cursor").is_null());

  auto patched = call(M::Patch, base + "/members/u-bob", R"({"roles":["manager"]})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(body_of(patched).at("roles").as_array().size(), 2u);
  EXPECT_EQ(call(M::Get, base + "/members/u-bob").status, 200);
  EXPECT_EQ(call(M::Delete, base + "/members/u-bob").status, 204);
  EXPECT_EQ(call(M::Get, base + "/members/u-bob").status, 404);
  EXPECT_EQ(call(M::Get, base + "/members?limit=0").status, 422);
}

TEST_F(OrgsRoutesTest, DepartmentIdsInTheBodyAreCheckedAgainstThePathOrganisation_AC02) {
  Organisation a = make_org("org-a");
  Organisation b = make_org("org-b");
  auto foreign = service_->create_department(admin_, b.id, {"B dept", std::nullopt});
  ASSERT_TRUE(foreign);
  add_user("ann");
  auto res = call(M::Post, "/api/v1/orgs/" + a.id + "/members",
                  R"({"user_id":"u-ann","department_ids":[")" + foreign->id + R"("]})");
  ASSERT_EQ(res.status, 422) << res.body;
  EXPECT_EQ(error_fields(res), std::vector<std::string>{"department_ids/0"});
  auto patch = call(M::Patch, "/api/v1/orgs/" + a.id + "/departments/" + foreign->id, R"({"name":"Taken over"})");
  EXPECT_EQ(patch.status, 404) << patch.body;
}

TEST_F(OrgsRoutesTest, DepartmentParentCanBeClearedWithNull) {
  Organisation org = make_org("acme");
  const std::string base = "/api/v1/orgs/" + org.id + "/departments";
  auto top = body_of(call(M::Post, base, R"({"name":"Top"})"));
  const std::string top_id(top.at("id").as_string());
  auto team = call(M::Post, base, R"({"name":"Team","parent_id":")" + top_id + R"("})");
  ASSERT_EQ(team.status, 201) << team.body;
  const std::string team_id(body_of(team).at("id").as_string());
  auto moved = call(M::Patch, base + "/" + team_id, R"({"parent_id":null})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_TRUE(body_of(moved).at("parent_id").is_null());
  auto list = body_of(call(M::Get, base));
  EXPECT_EQ(list.at("items").as_array().size(), 2u);
  EXPECT_EQ(call(M::Delete, base + "/" + team_id).status, 204);
}

TEST_F(OrgsRoutesTest, OrganisationListDependsOnTheCaller) {
  Organisation a = make_org("org-a");
  make_org("org-b");
  join(a, add_user("ann"));
  http::Subject ann;
  ann.via = http::Subject::Via::Cookie;
  ann.user_id = "u-ann";
  auto mine = body_of(call(M::Get, "/api/v1/orgs", {}, &ann));
  ASSERT_EQ(mine.at("items").as_array().size(), 1u);
  EXPECT_EQ(mine.at("items").at(0).at("slug").as_string(), "org-a");
  auto all = body_of(call(M::Get, "/api/v1/orgs"));
  EXPECT_EQ(all.at("items").as_array().size(), 2u);
}

TEST_F(OrgsRoutesTest, RenameThroughPatch) {
  Organisation org = make_org("acme");
  auto res = call(M::Patch, "/api/v1/orgs/" + org.id, R"({"name":"Acme Learning"})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(body_of(res).at("name").as_string(), "Acme Learning");
  EXPECT_EQ(body_of(call(M::Get, "/api/v1/orgs/" + org.id)).at("name").as_string(), "Acme Learning");
}

}  // namespace
}  // namespace trivium::orgs
