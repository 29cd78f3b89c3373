// same_statement: each allowed difference is ignored, and each other one is
// not (the "same id, different statement" conflict depends on both).
#include <gtest/gtest.h>

#include "xapi/test_support.h"
#include "xapi/xapi.h"

namespace trivium::xapi {
namespace {

namespace bj = boost::json;

const char* kStored = R"({
  "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
  "actor": {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.com"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
  "object": {"objectType": "Activity", "id": "http://example.com/q/1", "definition": {"name": {"en-US": "Q1"}}},
  "result": {"score": {"raw": 8, "max": 10}, "duration": "PT1M30.50S", "success": true},
  "context": {
    "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
    "team": {"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}, {"mbox": "mailto:b@example.com"}]},
    "contextActivities": {"parent": [{"id": "http://example.com/quiz"}]},
    "language": "en-US"
  },
  "timestamp": "2026-03-01T10:15:00.250Z",
  "stored": "2026-03-01T10:15:01.000Z",
  "authority": {"account": {"homePage": "https://lrs.example.com", "name": "client-1"}},
  "version": "1.0.0"
})";

bj::object stored() {
  return bj::parse(kStored).as_object();
}

bj::object edited(std::initializer_list<std::pair<const char*, bj::value>> set,
                  std::initializer_list<const char*> remove = {}) {
  bj::value v = stored();
  for (const auto& [pointer, value] : set) testing::pointer_set(v, pointer, value);
  for (const char* pointer : remove) testing::pointer_remove(v, pointer);
  return v.as_object();
}

TEST(SameStatement, AStatementIsItself) {
  EXPECT_TRUE(same_statement(stored(), stored()));
}

TEST(SameStatement, IgnoresWhatTheLrsSets) {
  EXPECT_TRUE(same_statement(stored(), edited({}, {"/stored", "/authority", "/version"})));
  EXPECT_TRUE(same_statement(
      stored(), edited({{"/version", "1.0.3"}, {"/authority", bj::parse(R"({"mbox": "mailto:x@y.z"})")}})));
  // An id or a timestamp the LRS may have assigned.
  EXPECT_TRUE(same_statement(stored(), edited({}, {"/id"})));
  EXPECT_TRUE(same_statement(edited({}, {"/timestamp"}), stored()));
}

TEST(SameStatement, ComparesTimestampsAsInstants) {
  EXPECT_TRUE(same_statement(stored(), edited({{"/timestamp", "2026-03-01T11:15:00.250+01:00"}})));
  EXPECT_TRUE(same_statement(stored(), edited({{"/timestamp", "2026-03-01T10:15:00.2504Z"}})));
  EXPECT_FALSE(same_statement(stored(), edited({{"/timestamp", "2026-03-01T10:15:00.251Z"}})));
}

TEST(SameStatement, IgnoresMetadataThatIsNotPartOfTheStatement) {
  EXPECT_TRUE(same_statement(stored(), edited({{"/verb/display", bj::parse(R"({"fr": "a répondu"})")}})));
  EXPECT_TRUE(same_statement(stored(), edited({}, {"/object/definition", "/object/objectType"})));
  EXPECT_TRUE(same_statement(stored(), edited({}, {"/actor/objectType"})));
}

TEST(SameStatement, IgnoresSerialisationDifferences) {
  // One Activity for an array of one; members in another order; number forms.
  EXPECT_TRUE(same_statement(
      stored(), edited({{"/context/contextActivities/parent", bj::parse(R"({"id": "http://example.com/quiz"})")}})));
  EXPECT_TRUE(same_statement(
      stored(), edited({{"/context/team/member",
                         bj::parse(R"([{"mbox": "mailto:b@example.com"}, {"mbox": "mailto:a@example.com"}])")}})));
  EXPECT_TRUE(same_statement(stored(), edited({{"/result/score/raw", 8.0}, {"/result/score/max", 1e1}})));
  EXPECT_TRUE(same_statement(stored(), bj::parse(bj::serialize(stored())).as_object()));
}

TEST(SameStatement, IgnoresTheCaseOfCaseInsensitiveValues) {
  EXPECT_TRUE(same_statement(stored(), edited({{"/actor/mbox", "mailto:ada@EXAMPLE.com"}})));
  EXPECT_TRUE(same_statement(stored(), edited({{"/id", "FD41C918-B88B-4B20-A0A5-A4C32391AAA0"}})));
  EXPECT_TRUE(same_statement(stored(), edited({{"/context/language", "en-us"}})));
}

TEST(SameStatement, IgnoresDurationPrecisionBeyondHundredths) {
  EXPECT_TRUE(same_statement(stored(), edited({{"/result/duration", "PT1M30.5S"}})));
  EXPECT_TRUE(same_statement(stored(), edited({{"/result/duration", "PT1M30.509S"}})));
  EXPECT_FALSE(same_statement(stored(), edited({{"/result/duration", "PT1M30.51S"}})));
  EXPECT_FALSE(same_statement(stored(), edited({{"/result/duration", "PT90.5S"}})));  // a string, not a length of time
}

TEST(SameStatement, SeesEveryOtherDifference) {
  EXPECT_FALSE(same_statement(stored(), edited({{"/actor/mbox", "mailto:Ada@example.com"}})));  // the local part
  EXPECT_FALSE(same_statement(stored(), edited({{"/actor/name", "Ada L."}})));
  EXPECT_FALSE(same_statement(stored(), edited({{"/verb/id", "http://adlnet.gov/expapi/verbs/attempted"}})));
  EXPECT_FALSE(same_statement(stored(), edited({{"/object/id", "http://example.com/q/2"}})));
  EXPECT_FALSE(
      same_statement(stored(), edited({{"/object/id", "HTTP://example.com/q/1"}})));  // IRIs compare as strings
  EXPECT_FALSE(same_statement(stored(), edited({{"/result/success", false}})));
  EXPECT_FALSE(same_statement(stored(), edited({}, {"/result"})));
  EXPECT_FALSE(same_statement(stored(), edited({{"/result/score/raw", 9}})));
  EXPECT_FALSE(same_statement(stored(), edited({{"/context/registration", "ec531277-b57b-4c15-8d91-d292c5b2b8f8"}})));
  EXPECT_FALSE(same_statement(
      stored(), edited({{"/context/contextActivities/grouping", bj::parse(R"([{"id": "http://example.com/c"}])")}})));
  EXPECT_FALSE(same_statement(stored(), edited({{"/id", "fd41c918-b88b-4b20-a0a5-a4c32391aaa1"}})));
  EXPECT_FALSE(same_statement(
      stored(), edited({{"/object", bj::parse(R"({"objectType": "Agent", "mbox": "mailto:ada@example.com"})")}})));
  EXPECT_FALSE(same_statement(stored(), edited({{"/context/team/member/1/mbox", "mailto:c@example.com"}})));
}

TEST(SameStatement, WalksIntoSubStatements) {
  const char* sub = R"({"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "http://example.com/planned"},
    "object": {"objectType": "SubStatement", "actor": {"mbox": "mailto:a@example.com"},
               "verb": {"id": "http://example.com/visit", "display": {"en": "visit"}},
               "object": {"id": "http://example.com/site"}, "timestamp": "2030-01-01T00:00:00Z"}})";
  bj::value a = bj::parse(sub);
  bj::value b = a;
  testing::pointer_remove(b, "/object/verb/display");
  EXPECT_TRUE(same_statement(a.as_object(), b.as_object()));
  testing::pointer_set(b, "/object/timestamp", "2030-01-01T01:00:00+01:00");
  EXPECT_TRUE(same_statement(a.as_object(), b.as_object()));
  // A SubStatement's own timestamp is not assigned by the LRS: leaving it out is a difference.
  testing::pointer_remove(b, "/object/timestamp");
  EXPECT_FALSE(same_statement(a.as_object(), b.as_object()));
}

}  // namespace
}  // namespace trivium::xapi
