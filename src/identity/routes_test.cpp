// The HTTP side: every route names a declared capability, and the cookies
// that sign-in sets (SESS-09).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "identity/testing.h"

namespace trivium::identity {
namespace {

using testing::FakeRequest;
using testing::IdentityFixture;
namespace bj = boost::json;

class Routes : public IdentityFixture {
 protected:
  void SetUp() override {
    IdentityFixture::SetUp();
    register_routes(router_, *service_);
  }

  // Runs the handler of the route matching `method path` (no pipeline: the
  // subject is set by the caller or by the authenticator).
  http::Response call(FakeRequest& f, http::Method method, std::string_view path, std::string body = {}) {
    f.req.method = method;
    f.req.path = path;
    f.req.body = std::move(body);
    f.req.request_id = "req-1";
    f.req.remote_ip = "192.0.2.9";
    auto m = router_.match(method, path);
    EXPECT_EQ(m.kind, http::Match::Kind::Found) << path;
    if (m.kind != http::Match::Kind::Found) return {};
    f.req.params = m.params;
    auto who = authn_->authenticate(f.req);
    EXPECT_TRUE(who);
    if (who) f.req.subject = *who;
    return m.route->handler(f.req);
  }

  std::vector<std::string> cookies(const http::Response& r) {
    std::vector<std::string> out;
    for (const auto& [k, v] : r.headers) {
      if (k == "Set-Cookie") out.push_back(v);
    }
    return out;
  }

  http::Router router_;
};

TEST_F(Routes, EveryRouteNamesADeclaredCapability) {
  std::set<std::string> declared;
  for (const auto& c : capabilities()) declared.insert(c.action);
  ASSERT_GE(router_.routes().size(), 22u);
  for (const auto& r : router_.routes()) {
    EXPECT_TRUE(declared.count(r.action)) << r.pattern << " names " << r.action;
    if (r.pattern.find("/auth/") != std::string::npos && r.action.rfind("auth.", 0) == 0 && r.action != "auth.logout") {
      EXPECT_EQ(r.throttle, http::Throttle::Auth) << r.pattern;
    }
  }
  for (const auto& c : capabilities()) {
    if (c.action.rfind("platform.", 0) == 0) {
      EXPECT_EQ(c.roles, std::vector<std::string>{"platform:admin"});
      EXPECT_FALSE(c.anonymous || c.authenticated);
    }
  }
}

// SESS-09: HttpOnly, SameSite=Lax, Path=/, no Domain; over TLS Secure and __Host-.
TEST_F(Routes, Sess09LoginCookieAttributes) {
  register_user("ada@example.org");
  for (bool secure : {false, true}) {
    FakeRequest f;
    f.req.secure = secure;
    http::Response r = call(f, http::Method::Post, "/api/v1/auth/login",
                            R"({"email":"ada@example.org","password":"correct horse 42"})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = bj::parse(r.body).as_object();
    std::string csrf(body.at("csrf_token").as_string());
    auto set = cookies(r);
    ASSERT_EQ(set.size(), 2u);
    const std::string& session = set[0];
    EXPECT_EQ(session.rfind(secure ? "__Host-trivium_session=" : "trivium_session=", 0), 0u) << session;
    EXPECT_NE(session.find("; Path=/"), std::string::npos);
    EXPECT_NE(session.find("; HttpOnly"), std::string::npos);
    EXPECT_NE(session.find("; SameSite=Lax"), std::string::npos);
    EXPECT_NE(session.find("; Max-Age=43200"), std::string::npos);
    EXPECT_EQ(session.find("Domain"), std::string::npos);
    EXPECT_EQ(session.find("; Secure") != std::string::npos, secure);
    EXPECT_EQ(set[1], "trivium_csrf=" + csrf + "; Path=/; Max-Age=43200; SameSite=Lax" + (secure ? "; Secure" : ""));

    // The cookie works for GET /api/v1/me.
    std::string secret = session.substr(session.find('=') + 1);
    secret = secret.substr(0, secret.find(';'));
    FakeRequest me;
    me.header("Cookie", std::string(secure ? "__Host-trivium_session=" : "trivium_session=") + secret);
    http::Response got = call(me, http::Method::Get, "/api/v1/me");
    ASSERT_EQ(got.status, 200);
    auto user = bj::parse(got.body).as_object();
    EXPECT_EQ(user.at("email").as_string(), "ada@example.org");
    EXPECT_EQ(user.at("email_verified").as_bool(), false);
    EXPECT_FALSE(user.contains("password_hash"));
  }
}

TEST_F(Routes, LogoutClearsCookies) {
  register_user("ada@example.org");
  LoginResult s = login("ada@example.org");
  FakeRequest f;
  f.header("Cookie", "trivium_session=" + s.session.secret);
  http::Response r = call(f, http::Method::Post, "/api/v1/auth/logout");
  EXPECT_EQ(r.status, 204);
  auto set = cookies(r);
  ASSERT_FALSE(set.empty());
  EXPECT_EQ(set[0].rfind("trivium_session=; Path=/; Max-Age=0", 0), 0u) << set[0];
  EXPECT_FALSE(with_cookie(s.session.secret)->authenticated());
}

TEST_F(Routes, RegisterRejectsUnknownFieldsAndReturnsTheUser) {
  FakeRequest f;
  http::Response bad = call(f, http::Method::Post, "/api/v1/auth/register",
                            R"({"email":"ada@example.org","password":"correct horse 42",)"
                            R"("display_name":"Ada","platform_role":"admin"})");
  EXPECT_EQ(bad.status, 422) << bad.body;
  FakeRequest g;
  http::Response created = call(g, http::Method::Post, "/api/v1/auth/register",
                                R"({"email":"ada@example.org","password":"correct horse 42",)"
                                R"("display_name":"Ada","locale":"fr","time_zone":"Europe/Paris"})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto user = bj::parse(created.body).as_object().at("user").as_object();
  EXPECT_EQ(user.at("platform_role").as_string(), "");
  EXPECT_EQ(user.at("locale").as_string(), "fr");
}

TEST_F(Routes, TokenIsShownOnceThenListedWithoutSecret) {
  User u = register_user("ada@example.org");
  LoginResult s = login("ada@example.org");
  FakeRequest f;
  f.header("Cookie", "trivium_session=" + s.session.secret);
  http::Response created = call(f, http::Method::Post, "/api/v1/me/tokens", R"({"name":"CI","expires_in_days":30})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto t = bj::parse(created.body).as_object();
  std::string secret(t.at("token").as_string());
  FakeRequest g;
  g.header("Authorization", "Bearer " + secret);
  http::Response list = call(g, http::Method::Get, "/api/v1/me/tokens");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find(secret), std::string::npos);
  EXPECT_EQ(bj::parse(list.body).as_object().at("items").as_array().size(), 1u);
}

TEST_F(Routes, ResetRequestAlwaysAccepted) {
  FakeRequest f;
  http::Response r = call(f, http::Method::Post, "/api/v1/auth/password-reset", R"({"email":"nobody@example.org"})");
  EXPECT_EQ(r.status, 202);
}

}  // namespace
}  // namespace trivium::identity
