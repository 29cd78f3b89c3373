// check_statement: the data-driven cases of testdata/statement_cases.json
// (one test per case and version), then what data does not say well: the
// normalisation, that nothing else changes, idempotence, and the time a
// typical statement takes (printed, not asserted).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "xapi/test_support.h"
#include "xapi/xapi.h"

namespace trivium::xapi {
namespace {

namespace bj = boost::json;

struct Case {
  std::string name;
  std::string test_name;
  bj::value statement;
  Version version;
  std::string error;  // expected path; empty when the statement is valid
};

std::vector<Case> load_cases() {
  std::vector<Case> out;
  bj::value doc = bj::parse(testing::read_file(testing::testdata_dir() / "statement_cases.json"));
  const bj::object& bases = doc.at("bases").as_object();
  size_t n = 0;
  for (const bj::value& c : doc.at("cases").as_array()) {
    const bj::object& o = c.as_object();
    bj::value statement = o.contains("base") ? bases.at(o.at("base").as_string()) : o.at("statement");
    if (const bj::value* set = o.if_contains("set")) {
      for (const auto& kv : set->as_object()) testing::pointer_set(statement, kv.key(), kv.value());
    }
    if (const bj::value* remove = o.if_contains("remove")) {
      for (const bj::value& p : remove->as_array()) testing::pointer_remove(statement, p.as_string());
    }
    std::vector<Version> versions = {Version::V1_0, Version::V2_0};
    if (const bj::value* vs = o.if_contains("versions")) {
      versions.clear();
      for (const bj::value& v : vs->as_array())
        versions.push_back(v.as_string() == "2.0" ? Version::V2_0 : Version::V1_0);
    }
    ++n;
    for (Version v : versions) {
      Case tc;
      tc.name = std::string(o.at("name").as_string());
      tc.statement = statement;
      tc.version = v;
      if (const bj::value* e = o.if_contains("error")) tc.error = std::string(e->as_string());
      // "042_voiding_a_statement_v2": unique, and readable in ctest output.
      char prefix[16];
      std::snprintf(prefix, sizeof prefix, "%03zu_", n);
      tc.test_name = prefix;
      for (char ch : tc.name) tc.test_name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
      tc.test_name += v == Version::V2_0 ? "_v2" : "_v1";
      out.push_back(std::move(tc));
    }
  }
  return out;
}

// gtest prints a parameter's bytes unless told otherwise.
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.test_name;
}

class StatementCase : public ::testing::TestWithParam<Case> {};

TEST_P(StatementCase, IsJudgedAsTheSpecificationSays) {
  const Case& c = GetParam();
  SCOPED_TRACE(c.name + "\n" + bj::serialize(c.statement));
  auto r = check_statement(c.statement, c.version);
  if (c.error.empty()) {
    ASSERT_TRUE(r.has_value()) << r.error().detail;
    return;
  }
  ASSERT_FALSE(r.has_value()) << "accepted: " << bj::serialize(*r);
  EXPECT_EQ(r.error().kind, ErrorKind::BadRequest);
  EXPECT_EQ(r.error().detail.substr(0, c.error.size() + 2), c.error + ": ") << r.error().detail;
}

INSTANTIATE_TEST_SUITE_P(Cases, StatementCase, ::testing::ValuesIn(load_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.test_name; });

bj::value base(std::string_view name) {
  static const bj::value doc = bj::parse(testing::read_file(testing::testdata_dir() / "statement_cases.json"));
  return doc.at("bases").at(name);
}

TEST(CheckStatement, TurnsASingleContextActivityIntoAnArrayOfOne) {
  bj::value st = base("minimal");
  testing::pointer_set(st, "/context", bj::parse(R"({"contextActivities": {
      "parent": {"id": "http://example.com/quiz"}, "grouping": [{"id": "http://example.com/course"}]}})"));
  auto r = check_statement(st, Version::V1_0);
  ASSERT_TRUE(r.has_value()) << r.error().detail;
  const bj::object& ca = r->at("context").at("contextActivities").as_object();
  ASSERT_TRUE(ca.at("parent").is_array());
  ASSERT_EQ(ca.at("parent").as_array().size(), 1u);
  EXPECT_EQ(ca.at("parent").as_array()[0].at("id"), "http://example.com/quiz");
  EXPECT_EQ(ca.at("grouping"), bj::parse(R"([{"id": "http://example.com/course"}])"));
}

TEST(CheckStatement, NormalisesContextActivitiesInsideASubStatement) {
  bj::value st = base("sub");
  testing::pointer_set(st, "/object/context",
                       bj::parse(R"({"contextActivities": {"other": {"id": "http://example.com/o"}}})"));
  auto r = check_statement(st, Version::V2_0);
  ASSERT_TRUE(r.has_value()) << r.error().detail;
  EXPECT_TRUE(r->at("object").at("context").at("contextActivities").at("other").is_array());
}

TEST(CheckStatement, ChangesNothingElse) {
  for (const char* name : {"minimal", "full", "sub", "interaction", "agents2"}) {
    bj::value st = base(name);
    auto r = check_statement(st, Version::V2_0);
    ASSERT_TRUE(r.has_value()) << name << ": " << r.error().detail;
    EXPECT_EQ(bj::value(*r), st) << name;
    // The service adds these; the checker must not.
    EXPECT_EQ(r->contains("stored"), st.as_object().contains("stored"));
    EXPECT_EQ(r->contains("version"), st.as_object().contains("version"));
  }
}

TEST(CheckStatement, AcceptsItsOwnOutputUnchanged) {
  bj::value st = base("full");
  testing::pointer_set(st, "/context/contextActivities/other", bj::parse(R"({"id": "http://example.com/o"})"));
  auto once = check_statement(st, Version::V1_0);
  ASSERT_TRUE(once.has_value()) << once.error().detail;
  EXPECT_NE(bj::value(*once), st);  // normalised
  auto twice = check_statement(*once, Version::V1_0);
  ASSERT_TRUE(twice.has_value()) << twice.error().detail;
  EXPECT_EQ(*twice, *once);
}

TEST(CheckStatement, MovesAStatementItIsGivenToKeep) {
  bj::value st = base("full");
  testing::pointer_set(st, "/context/contextActivities/other", bj::parse(R"({"id": "http://example.com/o"})"));
  auto copied = check_statement(st, Version::V2_0);
  bj::value owned = st;
  auto moved = check_statement(std::move(owned), Version::V2_0);
  ASSERT_TRUE(copied.has_value() && moved.has_value());
  EXPECT_EQ(*moved, *copied);
  bj::value bad = base("minimal");
  testing::pointer_remove(bad, "/verb");
  auto refused = check_statement(std::move(bad), Version::V2_0);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().detail.rfind("verb: ", 0), 0u);
}

TEST(CheckStatement, ReportsTheFirstProblemInDocumentOrder) {
  bj::value st = bj::parse(R"({"actor": {"mbox": "bad"}, "verb": {"id": "bad"}, "object": {"id": "bad"}})");
  auto r = check_statement(st, Version::V1_0);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().detail.rfind("actor.mbox: ", 0), 0u) << r.error().detail;
}

// INJ-06 / RATE-02: deep nesting cannot recurse without bound: the checker
// only descends into the statement's fixed shape, and extensions (free JSON)
// are not walked.
TEST(CheckStatement, DoesNotWalkIntoExtensionValues) {
  bj::value deep = bj::object();
  bj::value* at = &deep;
  for (int i = 0; i < 2000; ++i) at = &(at->as_object()["a"] = bj::object());
  bj::value st = base("minimal");
  testing::pointer_set(st, "/result", bj::object{{"extensions", bj::object{{"http://example.com/deep", deep}}}});
  auto r = check_statement(st, Version::V1_0);
  EXPECT_TRUE(r.has_value());
}

// A typical statement of about 1 KB: an answered question with a score,
// a registration, parent and grouping activities and an extension.
const char* kTypical = R"({"id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
  "actor": {"objectType": "Agent", "name": "Ada Learner", "mbox": "mailto:ada@example.com"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
  "object": {"objectType": "Activity", "id": "https://courses.example.com/algebra-1/quiz-3/question-2",
    "definition": {"name": {"en-US": "Question 2"}, "description": {"en-US": "Which of these numbers is prime?"},
      "type": "http://adlnet.gov/expapi/activities/cmi.interaction", "interactionType": "choice",
      "correctResponsesPattern": ["seven"], "choices": [{"id": "six"}, {"id": "seven"}, {"id": "nine"}]}},
  "result": {"score": {"scaled": 0.8, "raw": 8, "min": 0, "max": 10}, "success": true, "completion": true,
    "response": "seven", "duration": "PT1M30.5S"},
  "context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
    "contextActivities": {"parent": [{"id": "https://courses.example.com/algebra-1/quiz-3"}],
      "grouping": [{"id": "https://courses.example.com/algebra-1"}]},
    "platform": "Trivium", "language": "en-US",
    "extensions": {"https://trivium.example.com/xapi/extensions/attempt": 2}},
  "timestamp": "2026-03-01T10:15:00.250Z"})";

// Prints, does not assert: timings depend on the build and the machine.
TEST(CheckStatement, PrintsTheTimeATypicalStatementTakes) {
  bj::value st = bj::parse(kTypical);
  ASSERT_TRUE(check_statement(st, Version::V2_0).has_value());
  const int n = 20000;
  auto start = std::chrono::steady_clock::now();
  size_t accepted = 0;
  for (int i = 0; i < n; ++i) accepted += check_statement(st, Version::V2_0).has_value() ? 1 : 0;
  double copying = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / n;
  std::vector<bj::value> bodies(n, st);
  start = std::chrono::steady_clock::now();
  for (auto& b : bodies) accepted += check_statement(std::move(b), Version::V2_0).has_value() ? 1 : 0;
  double moving = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / n;
  EXPECT_EQ(accepted, static_cast<size_t>(2 * n));
  std::printf("[ perf     ] check_statement, %zu-byte statement: %.2f us copying, %.2f us moving (this build)\n",
              bj::serialize(st).size(), copying, moving);
}

}  // namespace
}  // namespace trivium::xapi
