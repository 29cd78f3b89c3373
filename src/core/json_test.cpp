#include <gtest/gtest.h>

#include "core/json.h"
#include "core/pipeline.h"

namespace trivium {
namespace {

TEST(Json, RejectsMalformedAndHostileBodies) {
  EXPECT_EQ(json::parse("{\"a\":").error().kind, ErrorKind::BadRequest);
  EXPECT_EQ(json::parse("{\"a\":\"\xff\"}").error().kind, ErrorKind::BadRequest);  // bad UTF-8
  std::string deep(40, '[');
  deep += std::string(40, ']');
  EXPECT_EQ(json::parse(deep).error().kind, ErrorKind::BadRequest);  // deeper than kMaxDepth
  EXPECT_EQ(json::parse("[1e99999]").error().kind, ErrorKind::BadRequest);
  EXPECT_EQ(json::parse("{\"a\":1,}").error().kind, ErrorKind::BadRequest);
  EXPECT_EQ(json::parse_object("[1]").error().kind, ErrorKind::BadRequest);
  EXPECT_TRUE(json::parse_object("{\"a\":\"<script>'; DROP TABLE users;--\"}"));
}

TEST(Json, BodyReaderCollectsEveryFieldError) {
  auto obj = json::parse_object(R"({"email":5,"name":"","age":300,"extra":true,"tags":["a",""]})");
  ASSERT_TRUE(obj);
  json::BodyReader r(*obj);
  r.required_string("email", 3, 254);
  r.required_string("name", 1, 100);
  r.optional_int("age", 0, 150);
  r.optional_string_array("tags", 10, 20);
  r.required_string("missing", 1, 10);
  auto done = r.finish();
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind, ErrorKind::Invalid);
  std::set<std::string> fields;
  for (const auto& f : done.error().fields) fields.insert(f.field + ":" + f.code);
  EXPECT_TRUE(fields.count("email:type"));
  EXPECT_TRUE(fields.count("name:required"));
  EXPECT_TRUE(fields.count("age:range"));
  EXPECT_TRUE(fields.count("extra:unknown_field"));  // no mass assignment (AC-03)
  EXPECT_TRUE(fields.count("tags/1:invalid"));
  EXPECT_TRUE(fields.count("missing:required"));
}

TEST(Json, NumbersTakeIntegersAndFractionsWithinBounds) {
  auto obj = json::parse_object(R"({"a":12.5,"b":3,"c":"4","d":-0.5,"e":null})");
  ASSERT_TRUE(obj);
  json::BodyReader r(*obj);
  EXPECT_EQ(r.optional_number("a", 0, 100), 12.5);
  EXPECT_EQ(r.optional_number("b", 0, 100), 3.0);
  EXPECT_FALSE(r.optional_number("c", 0, 100));
  EXPECT_FALSE(r.optional_number("d", 0, 100));
  EXPECT_FALSE(r.optional_number("e", 0, 100));
  EXPECT_FALSE(r.optional_number("absent", 0, 100));
  auto done = r.finish();
  ASSERT_FALSE(done);
  std::set<std::string> fields;
  for (const auto& f : done.error().fields) fields.insert(f.field + ":" + f.code);
  EXPECT_EQ(fields, (std::set<std::string>{"c:type", "d:range"}));
}

TEST(Json, LengthsCountCharactersNotBytes) {
  auto obj = json::parse_object(R"({"name":"éééé"})");
  json::BodyReader r(*obj);
  EXPECT_EQ(r.required_string("name", 1, 4).value(), "éééé");
  EXPECT_TRUE(r.finish());
}

TEST(Problem, DocumentCarriesTypeStatusAndFieldErrors) {
  Error e{ErrorKind::Invalid, "bad", {{"email", "format", "must be an e-mail address"}}, 0};
  auto res = http::problem(e, "req-1");
  EXPECT_EQ(res.status, 422);
  EXPECT_EQ(res.content_type, "application/problem+json");
  auto doc = json::parse_object(res.body);
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->at("type").as_string(), "urn:trivium:problem:invalid");
  EXPECT_EQ(doc->at("status").as_int64(), 422);
  EXPECT_EQ(doc->at("request_id").as_string(), "req-1");
  EXPECT_EQ(doc->at("errors").as_array().at(0).as_object().at("field").as_string(), "email");

  auto limited = http::problem({ErrorKind::RateLimited, "slow down", {}, 42}, "r");
  EXPECT_EQ(limited.status, 429);
  ASSERT_EQ(limited.headers.size(), 1u);
  EXPECT_EQ(limited.headers[0].second, "42");
}

TEST(Problem, EveryKindHasItsOwnType) {
  std::set<std::string_view> types;
  for (int k = 0; k <= static_cast<int>(ErrorKind::Internal); ++k)
    types.insert(http::problem_type(static_cast<ErrorKind>(k)));
  EXPECT_EQ(types.size(), static_cast<size_t>(ErrorKind::Internal) + 1);
}

}  // namespace
}  // namespace trivium
