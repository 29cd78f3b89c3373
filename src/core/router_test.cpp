#include <gtest/gtest.h>

#include "core/http.h"

namespace trivium::http {
namespace {

Handler ok_handler() {
  return [](Request&) { return Response{}; };
}

void fill(Router& r) {
  r.add({.method = Method::Get, .pattern = "/api/v1/orgs", .action = "a", .handler = ok_handler()});
  r.add({.method = Method::Post, .pattern = "/api/v1/orgs", .action = "b", .handler = ok_handler()});
  r.add({.method = Method::Get, .pattern = "/api/v1/orgs/{org}", .action = "c", .handler = ok_handler()});
  r.add({.method = Method::Get, .pattern = "/api/v1/orgs/{org}/members/{user}", .action = "d", .handler = ok_handler()});
  r.add({.method = Method::Get, .pattern = "/api/v1/orgs/mine", .action = "e", .handler = ok_handler()});
}

TEST(Router, MatchesLiteralsAndParameters) {
  Router r;
  fill(r);
  auto m = r.match(Method::Get, "/api/v1/orgs/acme/members/u%20x");
  ASSERT_EQ(m.kind, Match::Kind::Found);
  EXPECT_EQ(m.route->action, "d");
  ASSERT_EQ(m.params.size(), 2u);
  EXPECT_EQ(m.params[0].first, "org");
  EXPECT_EQ(m.params[0].second, "acme");
  EXPECT_EQ(m.params[1].second, "u x");
}

TEST(Router, LiteralSegmentWinsOverParameter) {
  Router r;
  fill(r);
  EXPECT_EQ(r.match(Method::Get, "/api/v1/orgs/mine").route->action, "e");
  EXPECT_EQ(r.match(Method::Get, "/api/v1/orgs/other").route->action, "c");
}

TEST(Router, WrongMethodListsAllowed) {
  Router r;
  fill(r);
  auto m = r.match(Method::Delete, "/api/v1/orgs");
  EXPECT_EQ(m.kind, Match::Kind::MethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, POST");
}

TEST(Router, HeadFallsBackToGet) {
  Router r;
  fill(r);
  auto m = r.match(Method::Head, "/api/v1/orgs");
  ASSERT_EQ(m.kind, Match::Kind::Found);
  EXPECT_EQ(m.route->action, "a");
}

TEST(Router, UnknownPathsAndEmptySegmentsAreNotFound) {
  Router r;
  fill(r);
  EXPECT_EQ(r.match(Method::Get, "/api/v1/nope").kind, Match::Kind::NotFound);
  EXPECT_EQ(r.match(Method::Get, "/api/v1/orgs//members/x").kind, Match::Kind::NotFound);
  EXPECT_EQ(r.match(Method::Get, "api/v1/orgs").kind, Match::Kind::NotFound);
  EXPECT_EQ(r.match(Method::Get, "/api/v1/orgs/%zz").kind, Match::Kind::NotFound);
  EXPECT_EQ(r.match(Method::Get, "/api/v1/orgs/%c3%28").kind, Match::Kind::NotFound);  // bad UTF-8
}

TEST(Router, RejectsRoutesWithoutActionOrDuplicates) {
  Router r;
  EXPECT_THROW(r.add({.method = Method::Get, .pattern = "/x", .action = "", .handler = ok_handler()}),
               std::logic_error);  // AC-01: every route declares its capability
  r.add({.method = Method::Get, .pattern = "/x", .action = "a", .handler = ok_handler()});
  EXPECT_THROW(r.add({.method = Method::Get, .pattern = "/x", .action = "a", .handler = ok_handler()}),
               std::logic_error);
}

TEST(Router, FallbackAnswersOnlyUnmatchedGetAndHead) {
  Router r;
  fill(r);
  EXPECT_EQ(r.fallback(), nullptr);
  r.add_fallback({.method = Method::Get, .pattern = "/*", .action = "page", .handler = ok_handler()});
  ASSERT_NE(r.fallback(), nullptr);
  EXPECT_EQ(r.routes().back().action, "page");  // listed, so authorised and counted like the others
  for (std::string_view path : {"/", "/courses/42", "/api/v1/nope", "/api/v1/orgs/acme/extra", "/a//b"}) {
    auto get = r.match(Method::Get, path);
    ASSERT_EQ(get.kind, Match::Kind::Found) << path;
    EXPECT_EQ(get.route, r.fallback()) << path;
    EXPECT_TRUE(get.params.empty());
    EXPECT_EQ(r.match(Method::Head, path).route, r.fallback()) << path;
    // Unsafe methods on unknown paths stay 404.
    EXPECT_EQ(r.match(Method::Post, path).kind, Match::Kind::NotFound) << path;
    EXPECT_EQ(r.match(Method::Delete, path).kind, Match::Kind::NotFound) << path;
  }
  // Real routes still win, and a known path with another method stays 405.
  EXPECT_EQ(r.match(Method::Get, "/api/v1/orgs/mine").route->action, "e");
  EXPECT_EQ(r.match(Method::Delete, "/api/v1/orgs").kind, Match::Kind::MethodNotAllowed);
  EXPECT_EQ(r.match(Method::Post, "/api/v1/orgs/acme").kind, Match::Kind::MethodNotAllowed);
  // An undecodable parameter of a real route names nothing, as before.
  EXPECT_EQ(r.match(Method::Get, "/api/v1/orgs/%zz").kind, Match::Kind::NotFound);
}

TEST(Router, FallbackIsOneGetRouteWithAnAction) {
  Router r;
  EXPECT_THROW(r.add_fallback({.method = Method::Post, .pattern = "/*", .action = "a", .handler = ok_handler()}),
               std::logic_error);
  EXPECT_THROW(r.add_fallback({.method = Method::Get, .pattern = "/*", .action = "", .handler = ok_handler()}),
               std::logic_error);  // AC-01
  r.add_fallback({.method = Method::Get, .pattern = "/*", .action = "a", .handler = ok_handler()});
  EXPECT_THROW(r.add_fallback({.method = Method::Get, .pattern = "/**", .action = "a", .handler = ok_handler()}),
               std::logic_error);
}

TEST(Request, QueryCookiesAndHeaders) {
  Request req;
  req.query = "q=caf%C3%A9+au+lait&limit=10&flag";
  req.headers = {{"Cookie", "a=1; trivium_session=abc; b=2"}, {"X-Thing", "v"}};
  EXPECT_EQ(req.query_param("q").value(), "café au lait");
  EXPECT_EQ(req.query_param("flag").value(), "");
  EXPECT_FALSE(req.query_param("missing").has_value());
  EXPECT_EQ(req.cookie("trivium_session").value(), "abc");
  EXPECT_EQ(req.header("x-thing").value(), "v");
}

TEST(Utf8, StrictValidation) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xc3\xa9t\xc3\xa9 \xf0\x9f\x8e\x93"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));          // truncated
}

}  // namespace
}  // namespace trivium::http
