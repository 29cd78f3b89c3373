// Agents as index keys and as the `agent` query parameter.
#include <gtest/gtest.h>

#include "xapi/xapi.h"

namespace trivium::xapi {
namespace {

namespace bj = boost::json;

std::optional<std::string> key_of(std::string_view json) {
  return agent_key(bj::parse(json).as_object());
}

TEST(AgentKey, NamesEachKindOfIdentifier) {
  EXPECT_EQ(key_of(R"({"mbox": "mailto:ada@example.com"})"), "mbox:mailto:ada@example.com");
  EXPECT_EQ(key_of(R"({"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"})"),
            "mbox_sha1sum:ebd31e95054c018b10727ccffd2ef2ec3a016ee9");
  EXPECT_EQ(key_of(R"({"openid": "http://toby.openid.example.org/"})"), "openid:http://toby.openid.example.org/");
  EXPECT_EQ(key_of(R"({"account": {"homePage": "https://lms.example.com", "name": "grace"}})"),
            "account:https://lms.example.com grace");
}

TEST(AgentKey, IgnoresWhatDoesNotIdentify) {
  EXPECT_EQ(key_of(R"({"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.com"})"),
            key_of(R"({"mbox": "mailto:ada@example.com"})"));
  // An identified group is keyed by its identifier, not its members.
  EXPECT_EQ(
      key_of(R"({"objectType": "Group", "mbox": "mailto:team@example.com", "member": [{"mbox": "mailto:a@x.org"}]})"),
      "mbox:mailto:team@example.com");
}

TEST(AgentKey, FoldsTheCaseOfWhatIsCaseInsensitive) {
  // The domain of an address and hex digits; the local part keeps its case.
  EXPECT_EQ(key_of(R"({"mbox": "mailto:Ada@Example.COM"})"), "mbox:mailto:Ada@example.com");
  EXPECT_EQ(key_of(R"({"mbox_sha1sum": "EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"})"),
            "mbox_sha1sum:ebd31e95054c018b10727ccffd2ef2ec3a016ee9");
}

TEST(AgentKey, AccountNamesWithSpacesStayUnambiguous) {
  // The homePage can hold no space, so the first space ends it.
  auto a = key_of(R"({"account": {"homePage": "https://lms.example.com", "name": "a b"}})");
  auto b = key_of(R"({"account": {"homePage": "https://lms.example.com a", "name": "b"}})");
  EXPECT_EQ(a, "account:https://lms.example.com a b");
  EXPECT_FALSE(b.has_value());
}

TEST(AgentKey, IsNulloptWithoutExactlyOneValidIdentifier) {
  for (const char* json : {
           R"({"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}]})",
           R"({"name": "Nobody"})",
           R"({"mbox": "mailto:a@example.com", "openid": "http://openid.example.org/a"})",
           R"({"mbox": "a@example.com"})",
           R"({"mbox_sha1sum": "xyz"})",
           R"({"openid": "not a uri"})",
           R"({"account": {"homePage": "https://lms.example.com"}})",
           R"({"account": {"name": "grace"}})",
           R"({"account": "grace"})",
           R"({"mbox": 7})",
       }) {
    EXPECT_FALSE(key_of(json).has_value()) << json;
  }
}

TEST(AgentKey, DistinguishesKindsThatShareAValue) {
  EXPECT_NE(key_of(R"({"openid": "mailto:ada@example.com"})"), key_of(R"({"mbox": "mailto:ada@example.com"})"));
}

TEST(ParseAgentParam, AcceptsAgentsAndIdentifiedGroups) {
  auto a = parse_agent_param(R"({"objectType": "Agent", "mbox": "mailto:ada@example.com"})", Version::V1_0);
  ASSERT_TRUE(a.has_value()) << a.error().detail;
  EXPECT_EQ(a->at("mbox"), "mailto:ada@example.com");
  auto g = parse_agent_param(R"({"objectType": "Group", "account": {"homePage": "https://x.org", "name": "t"}})",
                             Version::V2_0);
  ASSERT_TRUE(g.has_value()) << g.error().detail;
}

TEST(ParseAgentParam, RefusesWhatCannotIdentifyAnAgent) {
  struct Bad {
    const char* text;
    const char* detail_prefix;
  };
  for (const Bad& b : {
           Bad{"not json", "agent: "},
           Bad{"", "agent: "},
           Bad{R"("mailto:ada@example.com")", "agent: "},
           Bad{R"([{"mbox": "mailto:ada@example.com"}])", "agent: "},
           Bad{R"({"name": "Ada"})", "agent: "},
           Bad{R"({"mbox": "ada@example.com"})", "agent.mbox: "},
           Bad{R"({"mbox": "mailto:a@example.com", "mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"})",
               "agent: "},
           Bad{R"({"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}]})", "agent: "},
           Bad{R"({"mbox": "mailto:a@example.com", "role": "learner"})", "agent.role: "},
           Bad{R"({"account": {"homePage": "lms", "name": "a"}})", "agent.account.homePage: "},
       }) {
    auto r = parse_agent_param(b.text, Version::V1_0);
    ASSERT_FALSE(r.has_value()) << b.text;
    EXPECT_EQ(r.error().kind, ErrorKind::BadRequest);
    EXPECT_EQ(r.error().detail.rfind(b.detail_prefix, 0), 0u) << b.text << " -> " << r.error().detail;
  }
}

}  // namespace
}  // namespace trivium::xapi
