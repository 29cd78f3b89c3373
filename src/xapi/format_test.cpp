// GET /statements formats (exact, ids, canonical) and Accept-Language.
#include <gtest/gtest.h>

#include "xapi/xapi.h"

namespace trivium::xapi {
namespace {

namespace bj = boost::json;

const char* kStatement = R"({
  "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
  "actor": {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.com"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered", "fr-FR": "a répondu", "de": "beantwortet"}},
  "object": {"objectType": "Activity", "id": "http://example.com/q/1", "definition": {
    "name": {"en-GB": "Question one", "fr": "Question un"},
    "description": {"und": "Q1"},
    "interactionType": "choice",
    "choices": [{"id": "a", "description": {"en": "Six", "fr": "Six fr"}}]}},
  "result": {"response": "a"},
  "context": {
    "instructor": {"name": "Grace", "account": {"homePage": "https://lms.example.com", "name": "grace"}},
    "team": {"objectType": "Group", "name": "Blue", "member": [{"name": "A", "mbox": "mailto:a@example.com"}]},
    "contextActivities": {"parent": [{"objectType": "Activity", "id": "http://example.com/quiz", "definition": {"name": {"en": "Quiz", "fr": "Quiz fr"}}}]},
    "contextAgents": [{"objectType": "contextAgent", "agent": {"name": "Coach", "mbox": "mailto:coach@example.com"}}]
  },
  "authority": {"name": "Client", "account": {"homePage": "https://lrs.example.com", "name": "client-1"}},
  "attachments": [{"usageType": "http://example.com/u", "display": {"en": "Certificate", "fr": "Certificat"},
                   "contentType": "application/pdf", "length": 1, "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a"}]
})";

bj::object statement() {
  return bj::parse(kStatement).as_object();
}

TEST(ParseFormat, KnowsTheThreeFormats) {
  EXPECT_EQ(parse_format("exact"), Format::Exact);
  EXPECT_EQ(parse_format("ids"), Format::Ids);
  EXPECT_EQ(parse_format("canonical"), Format::Canonical);
  for (const char* f : {"", "Exact", "IDS", "full", "canonical "}) EXPECT_FALSE(parse_format(f).has_value()) << f;
}

TEST(FormatStatement, ExactReturnsTheStatementAsStored) {
  EXPECT_EQ(format_statement(statement(), Format::Exact, {"fr"}), statement());
}

TEST(FormatStatement, IdsKeepsOnlyWhatIdentifies) {
  bj::object out = format_statement(statement(), Format::Ids, {});
  EXPECT_EQ(bj::value(out.at("actor")), bj::parse(R"({"objectType": "Agent", "mbox": "mailto:ada@example.com"})"));
  EXPECT_EQ(bj::value(out.at("verb")), bj::parse(R"({"id": "http://adlnet.gov/expapi/verbs/answered"})"));
  EXPECT_EQ(bj::value(out.at("object")), bj::parse(R"({"objectType": "Activity", "id": "http://example.com/q/1"})"));
  EXPECT_EQ(bj::value(out.at("authority")),
            bj::parse(R"({"account": {"homePage": "https://lrs.example.com", "name": "client-1"}})"));
  const bj::object& context = out.at("context").as_object();
  EXPECT_EQ(context.at("instructor"),
            bj::parse(R"({"account": {"homePage": "https://lms.example.com", "name": "grace"}})"));
  // An anonymous group is identified by its members, each reduced.
  EXPECT_EQ(context.at("team"), bj::parse(R"({"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}]})"));
  EXPECT_EQ(context.at("contextActivities").at("parent"),
            bj::parse(R"([{"objectType": "Activity", "id": "http://example.com/quiz"}])"));
  EXPECT_EQ(context.at("contextAgents").at(0).at("agent"), bj::parse(R"({"mbox": "mailto:coach@example.com"})"));
  // What is not an agent, activity or verb stays as stored.
  EXPECT_EQ(out.at("result"), statement().at("result"));
  EXPECT_EQ(out.at("attachments"), statement().at("attachments"));
  EXPECT_EQ(out.at("id"), statement().at("id"));
}

TEST(FormatStatement, IdsDropsAnIdentifiedGroupsMembers) {
  bj::object st = statement();
  st["actor"] = bj::parse(R"({"objectType": "Group", "name": "T", "openid": "http://openid.example.org/t",
                              "member": [{"mbox": "mailto:a@example.com"}]})");
  bj::object out = format_statement(st, Format::Ids, {});
  EXPECT_EQ(bj::value(out.at("actor")),
            bj::parse(R"({"objectType": "Group", "openid": "http://openid.example.org/t"})"));
}

TEST(FormatStatement, IdsReachesIntoSubStatements) {
  bj::object st = bj::parse(R"({"actor": {"mbox": "mailto:a@example.com", "name": "A"},
    "verb": {"id": "http://example.com/planned", "display": {"en": "planned"}},
    "object": {"objectType": "SubStatement", "actor": {"name": "B", "mbox": "mailto:b@example.com"},
               "verb": {"id": "http://example.com/visit", "display": {"en": "visit"}},
               "object": {"id": "http://example.com/site", "definition": {"name": {"en": "Site"}}}}})")
                      .as_object();
  bj::object out = format_statement(st, Format::Ids, {});
  EXPECT_EQ(bj::value(out.at("object")),
            bj::parse(R"({"objectType": "SubStatement", "actor": {"mbox": "mailto:b@example.com"},
    "verb": {"id": "http://example.com/visit"}, "object": {"id": "http://example.com/site"}})"));
}

TEST(FormatStatement, CanonicalKeepsOneLanguageByPreference) {
  bj::object out = format_statement(statement(), Format::Canonical, {"fr-FR", "en"});
  EXPECT_EQ(bj::value(out.at("verb").at("display")), bj::parse(R"({"fr-FR": "a répondu"})"));
  const bj::value& definition = out.at("object").at("definition");
  // "fr-FR" is not there: its less specific "fr" is.
  EXPECT_EQ(definition.at("name"), bj::parse(R"({"fr": "Question un"})"));
  EXPECT_EQ(definition.at("description"), bj::parse(R"({"und": "Q1"})"));
  EXPECT_EQ(definition.at("choices").at(0).at("description"), bj::parse(R"({"fr": "Six fr"})"));
  EXPECT_EQ(out.at("context").at("contextActivities").at("parent").at(0).at("definition").at("name"),
            bj::parse(R"({"fr": "Quiz fr"})"));
  EXPECT_EQ(out.at("attachments").at(0).at("display"), bj::parse(R"({"fr": "Certificat"})"));
  // Not a language map: untouched.
  EXPECT_EQ(out.at("actor"), statement().at("actor"));
}

TEST(FormatStatement, CanonicalMatchesAMoreSpecificTag) {
  bj::object out = format_statement(statement(), Format::Canonical, {"en"});
  EXPECT_EQ(bj::value(out.at("verb").at("display")), bj::parse(R"({"en-US": "answered"})"));
  EXPECT_EQ(out.at("object").at("definition").at("name"), bj::parse(R"({"en-GB": "Question one"})"));
}

TEST(FormatStatement, CanonicalFallsBackToUndThenTheFirstEntry) {
  bj::object out = format_statement(statement(), Format::Canonical, {"ja"});
  EXPECT_EQ(bj::value(out.at("verb").at("display")), bj::parse(R"({"en-US": "answered"})"));
  bj::object none = format_statement(statement(), Format::Canonical, {});
  EXPECT_EQ(none.at("verb").at("display").as_object().size(), 1u);
  EXPECT_EQ(none.at("object").at("definition").at("description"), bj::parse(R"({"und": "Q1"})"));
}

TEST(FormatStatement, CanonicalWildcardTakesAnyLanguage) {
  bj::object out = format_statement(statement(), Format::Canonical, {"ja", "*"});
  EXPECT_EQ(out.at("verb").at("display").as_object().size(), 1u);
}

TEST(ParseAcceptLanguage, OrdersByQualityKeepingHeaderOrderForTies) {
  EXPECT_EQ(parse_accept_language("da, en-gb;q=0.8, en;q=0.7"), (std::vector<std::string>{"da", "en-gb", "en"}));
  EXPECT_EQ(parse_accept_language("en;q=0.5, fr, de;q=0.5, *;q=0.1"),
            (std::vector<std::string>{"fr", "en", "de", "*"}));
  EXPECT_EQ(parse_accept_language("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"),
            (std::vector<std::string>{"fr-CH", "fr", "en", "de", "*"}));
}

TEST(ParseAcceptLanguage, DropsRefusedAndMalformedRanges) {
  EXPECT_EQ(parse_accept_language("en;q=0, fr"), (std::vector<std::string>{"fr"}));
  EXPECT_EQ(parse_accept_language("en;q=2, fr;q=abc, de;q=0.5, it;q=1.0001, es;x=1"), (std::vector<std::string>{"de"}));
  EXPECT_EQ(parse_accept_language("en_US, toolongrange, fr-, ,, ja"), (std::vector<std::string>{"ja"}));
  EXPECT_TRUE(parse_accept_language("").empty());
}

TEST(ParseAcceptLanguage, ReadsAtMost32Ranges) {
  std::string header;
  for (int i = 0; i < 100; ++i) header += "en, ";
  EXPECT_EQ(parse_accept_language(header).size(), 32u);
}

}  // namespace
}  // namespace trivium::xapi
