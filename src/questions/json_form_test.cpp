// The JSON form of questions and responses: the exact shape, round trips
// for every kind, strict reading (unknown fields, wrong types, missing
// fields, non-finite numbers) and the generated ids.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "questions/qmodel_testing.h"
#include "questions/question.h"

namespace trivium::questions {
namespace {

using namespace testing;
namespace bj = boost::json;

TEST(QuestionJson, ShapeIsTheDocumentedOne) {
  Question q = multiple_choice(true);
  q.hints = {"Think of 2."};
  q.format = TextFormat::Html;
  EXPECT_EQ(bj::serialize(to_json(q)),
            R"({"type":"multiple_choice","title":"Primes","text":"Which are prime?","format":"html",)"
            R"("general_feedback":"","hints":["Think of 2."],"default_mark":1,"choices":[)"
            R"({"id":"a","text":"2","fraction":5E-1,"feedback":"prime"},)"
            R"({"id":"b","text":"3","fraction":5E-1,"feedback":"prime"},)"
            R"({"id":"c","text":"4","fraction":-5E-1,"feedback":"not prime"},)"
            R"({"id":"d","text":"9","fraction":-7.5E-1,"feedback":""}],"shuffle":true,"negative_marks":true})");

  EXPECT_EQ(bj::serialize(to_json(numerical()).as_object().at("answers").at(0)),
            R"({"value":1.25E1,"tolerance":1E-1,"tolerance_kind":"absolute","fraction":1,"feedback":"Right."})");
  EXPECT_EQ(bj::serialize(to_json(essay())),
            R"({"type":"essay","title":"Essay","text":"Discuss.","format":"markdown","general_feedback":"",)"
            R"("hints":[],"default_mark":1,"response_format":"text","min_words":10,"max_words":500,"max_files":0,)"
            R"("response_template":"Start here","grader_info":"Look for three arguments."})");
  const auto part = to_json(cloze()).as_object().at("parts").at(1).as_object();
  EXPECT_EQ(bj::serialize(part), R"({"mark":3,"display":"radio","type":"short_answer","answers":[)"
                                 R"({"pattern":"green","fraction":1,"feedback":"Good."}],"case_sensitive":false})");
  EXPECT_EQ(to_json(ordering(OrderScoring::Adjacent)).as_object().at("scoring"), "adjacent");
  EXPECT_EQ(to_json(true_false()).as_object().at("correct"), true);
}

TEST(QuestionJson, EveryKindRoundTrips) {
  std::vector<Question> all = every_kind();
  // Non-default values of every field, so a field that is written but not
  // read (or the other way round) shows.
  Question mc = multiple_choice(true);
  std::get<MultipleChoice>(mc.body).shuffle = false;
  mc.format = TextFormat::Plain;
  mc.general_feedback = "General.";
  mc.hints = {"One", "Two"};
  mc.default_mark = 2.5;
  all.push_back(mc);
  Question num = numerical();
  auto& n = std::get<Numerical>(num.body);
  n.unit_required = true;
  n.answers[1].tolerance_kind = Tolerance::Relative;
  n.answers[1].tolerance = 0.05;
  all.push_back(num);
  all.push_back(short_answer(true));
  all.push_back(ordering(OrderScoring::Relative));
  Question tf = true_false();
  std::get<TrueFalse>(tf.body).correct = false;
  all.push_back(tf);
  Question m = matching();
  std::get<Matching>(m.body).shuffle = false;
  all.push_back(m);
  Question e = essay();
  auto& es = std::get<Essay>(e.body);
  es.response_format = EssayFormat::TextAndFiles;
  es.max_files = 3;
  es.min_words.reset();
  all.push_back(e);
  Question c = cloze();
  std::get<Cloze>(c.body).parts.push_back({0.5, ClozePart::Display::Dropdown, std::get<MultipleChoice>(mc.body)});
  std::get<Cloze>(c.body).parts.push_back({2, ClozePart::Display::Radio, n});
  c.text += " {#3} {#4}";
  all.push_back(c);

  for (const auto& q : all) {
    ASSERT_TRUE(validate(q)) << type_name(q.body);
    const auto back = from_json(to_json(q));
    ASSERT_TRUE(back) << type_name(q.body) << ": " << back.error().fields.at(0).field << " "
                      << back.error().fields.at(0).code;
    EXPECT_EQ(*back, q) << type_name(q.body);
    // Also through text, as the store keeps it.
    EXPECT_EQ(*from_json(bj::parse(bj::serialize(to_json(q)))), q) << type_name(q.body);
  }
}

TEST(QuestionJson, OptionalFieldsTakeTheirDefaults) {
  const auto q = from_json(parse(R"({"type":"single_choice","title":"T","text":"Q?",
      "choices":[{"text":"yes","fraction":1},{"text":"no"}]})"));
  ASSERT_TRUE(q);
  EXPECT_EQ(q->format, TextFormat::Markdown);
  EXPECT_EQ(q->default_mark, 1);
  EXPECT_TRUE(q->hints.empty());
  const auto& sc = std::get<SingleChoice>(q->body);
  EXPECT_TRUE(sc.shuffle);
  EXPECT_EQ(sc.choices[1].fraction, 0);
  EXPECT_EQ(sc.choices[1].feedback, "");

  const auto numeric = from_json(parse(R"({"type":"numerical","title":"T","text":"Q?","answers":[{"value":3}]})"));
  ASSERT_TRUE(numeric);
  const auto& a = std::get<Numerical>(numeric->body).answers[0];
  EXPECT_EQ(a.fraction, 1);
  EXPECT_EQ(a.tolerance, 0);
  EXPECT_EQ(a.tolerance_kind, Tolerance::Absolute);

  const auto e = from_json(parse(R"({"type":"essay","title":"T","text":"Q?","min_words":null})"));
  ASSERT_TRUE(e);
  EXPECT_EQ(std::get<Essay>(e->body), Essay{});
}

TEST(QuestionJson, MissingIdsAreGivenByPosition) {
  auto q = from_json(parse(R"({"type":"ordering","title":"T","text":"Q?",
      "items":[{"text":"one"},{"text":"two"},{"text":"three"}]})"));
  ASSERT_TRUE(q);
  const auto& items = std::get<Ordering>(q->body).items;
  EXPECT_EQ(items[0].id, "a");
  EXPECT_EQ(items[1].id, "b");
  EXPECT_EQ(items[2].id, "c");

  // Ids in the input stay; generated ones skip those already used.
  q = from_json(parse(R"({"type":"single_choice","title":"T","text":"Q?",
      "choices":[{"id":"b","text":"x","fraction":1},{"text":"y"},{"text":"z"},{"id":"","text":"w"}]})"));
  ASSERT_TRUE(q);
  const auto& choices = std::get<SingleChoice>(q->body).choices;
  EXPECT_EQ(choices[0].id, "b");
  EXPECT_EQ(choices[1].id, "c");  // "b" is taken
  EXPECT_EQ(choices[2].id, "d");  // "c" now is
  EXPECT_EQ(choices[3].id, "e");  // an empty id counts as missing

  // Past "z": "aa", "ab", ...
  std::string pairs;
  for (int i = 0; i < 28; ++i)
    pairs += std::string(i ? "," : "") + R"({"prompt":"p)" + std::to_string(i) + R"(","answer":"x"})";
  q = from_json(parse(R"({"type":"matching","title":"T","text":"Q?","pairs":[)" + pairs + "]}"));
  ASSERT_TRUE(q);
  const auto& p = std::get<Matching>(q->body).pairs;
  EXPECT_EQ(p[25].id, "z");
  EXPECT_EQ(p[26].id, "aa");
  EXPECT_EQ(p[27].id, "ab");

  // Each cloze part's choices are their own list.
  q = from_json(parse(R"({"type":"cloze","title":"T","text":"{#1} {#2}","parts":[
      {"type":"single_choice","choices":[{"text":"x","fraction":1},{"text":"y"}]},
      {"type":"multiple_choice","choices":[{"text":"x","fraction":1},{"text":"y"}]}]})"));
  ASSERT_TRUE(q);
  EXPECT_EQ(std::get<MultipleChoice>(std::get<Cloze>(q->body).parts[1].body).choices[0].id, "a");
}

// AC-03 (no mass assignment) / F5: unknown fields are refused, never ignored.
TEST(QuestionJson, UnknownFieldsAreRefused) {
  EXPECT_TRUE(has_error(from_json(parse(R"({"type":"true_false","title":"T","text":"Q?","correct":true,
      "owner":"me"})")),
                        "owner", "unknown_field"));
  // A field of another kind is unknown for this one.
  EXPECT_TRUE(has_error(from_json(parse(R"({"type":"single_choice","title":"T","text":"Q?","negative_marks":true,
      "choices":[{"text":"x","fraction":1},{"text":"y"}]})")),
                        "negative_marks", "unknown_field"));
  EXPECT_TRUE(has_error(from_json(parse(R"({"type":"single_choice","title":"T","text":"Q?",
      "choices":[{"text":"x","fraction":1,"correct":true},{"text":"y"}]})")),
                        "choices/0/correct", "unknown_field"));
  EXPECT_TRUE(has_error(from_json(parse(R"({"type":"cloze","title":"T","text":"{#1}",
      "parts":[{"type":"short_answer","answers":[{"pattern":"x"}],"shuffle":true}]})")),
                        "parts/0/shuffle", "unknown_field"));
  EXPECT_TRUE(has_error(from_json(parse(R"({"type":"numerical","title":"T","text":"Q?",
      "answers":[{"value":1}],"units":[{"name":"m","factor":2}]})")),
                        "units/0/factor", "unknown_field"));
}

TEST(QuestionJson, WrongTypesAreRefused) {
  const auto r = from_json(parse(R"({"type":"single_choice","title":5,"text":["Q?"],"hints":["a",2],
      "default_mark":"1","shuffle":"yes","choices":[{"text":"x","fraction":"1"},"y"]})"));
  EXPECT_TRUE(has_error(r, "title", "wrong_type"));
  EXPECT_TRUE(has_error(r, "text", "wrong_type"));
  EXPECT_TRUE(has_error(r, "hints/1", "wrong_type"));
  EXPECT_TRUE(has_error(r, "default_mark", "wrong_type"));
  EXPECT_TRUE(has_error(r, "shuffle", "wrong_type"));
  EXPECT_TRUE(has_error(r, "choices/0/fraction", "wrong_type"));
  EXPECT_TRUE(has_error(r, "choices/1", "wrong_type"));
  EXPECT_TRUE(has_error(from_json(parse(R"({"type":"short_answer","title":"T","text":"Q?","answers":{}})")), "answers",
                        "wrong_type"));
  EXPECT_TRUE(has_error(from_json(parse(R"({"type":"essay","title":"T","text":"Q?","max_files":1.5})")), "max_files",
                        "wrong_type"));
  EXPECT_TRUE(has_error(from_json(parse(R"({"type":"essay","title":"T","text":"Q?","min_words":"3"})")), "min_words",
                        "wrong_type"));
  EXPECT_TRUE(has_error(from_json(parse(R"({"type":1,"title":"T","text":"Q?"})")), "type", "wrong_type"));
  EXPECT_TRUE(has_error(from_json(parse(R"(["single_choice"])")), "", "wrong_type"));
  // Enumerations.
  EXPECT_TRUE(has_error(from_json(parse(R"({"type":"calculated","title":"T","text":"Q?"})")), "type", "enum"));
  EXPECT_TRUE(has_error(from_json(parse(R"({"type":"true_false","title":"T","text":"Q?","correct":true,
      "format":"rtf"})")),
                        "format", "enum"));
  const auto essay_part = from_json(parse(R"({"type":"cloze","title":"T","text":"{#1}",
      "parts":[{"type":"essay","max_files":2}]})"));
  EXPECT_TRUE(has_error(essay_part, "parts/0/type", "enum"));
  EXPECT_EQ(essay_part.error().fields.size(), 1u) << "only the kind is reported, not its fields";
  EXPECT_TRUE(has_error(from_json(parse(R"({"type":"cloze","title":"T","text":"{#1}",
      "parts":[{"type":"short_answer","display":"list","answers":[{"pattern":"x"}]}]})")),
                        "parts/0/display", "enum"));
}

TEST(QuestionJson, MissingRequiredFields) {
  const auto r = from_json(parse(R"({"type":"single_choice","choices":[{"fraction":1},{"text":"y"}]})"));
  EXPECT_TRUE(has_error(r, "title", "required"));
  EXPECT_TRUE(has_error(r, "text", "required"));
  EXPECT_TRUE(has_error(r, "choices/0/text", "required"));
  EXPECT_TRUE(has_error(from_json(parse(R"({"title":"T","text":"Q?"})")), "type", "required"));
  EXPECT_TRUE(
      has_error(from_json(parse(R"({"type":"single_choice","title":"T","text":"Q?"})")), "choices", "required"));
  // A true/false question must say which is true.
  EXPECT_TRUE(has_error(from_json(parse(R"({"type":"true_false","title":"T","text":"Q?"})")), "correct", "required"));
  EXPECT_TRUE(has_error(from_json(parse(R"({"type":"numerical","title":"T","text":"Q?","answers":[{}]})")),
                        "answers/0/value", "required"));
  EXPECT_TRUE(has_error(from_json(parse(R"({"type":"cloze","title":"T","text":"{#1}","parts":[{"mark":1}]})")),
                        "parts/0/type", "required"));
}

// Infinity and NaN cannot come from JSON text, but can from a value built in
// code (an import, a migration).
TEST(QuestionJson, NonFiniteNumbersAreRefused) {
  bj::value v = to_json(numerical());
  v.as_object()["answers"].as_array()[0].as_object()["tolerance"] = std::numeric_limits<double>::infinity();
  v.as_object()["default_mark"] = std::numeric_limits<double>::quiet_NaN();
  const auto r = from_json(v);
  EXPECT_TRUE(has_error(r, "answers/0/tolerance", "not_finite"));
  EXPECT_TRUE(has_error(r, "default_mark", "not_finite"));
}

TEST(QuestionJson, ValidationRulesComeThroughWithPaths) {
  const auto r = from_json(parse(R"({"type":"single_choice","title":"T","text":"Q?",
      "choices":[{"text":"x","fraction":0.5},{"id":"a b","text":"y"}]})"));
  EXPECT_TRUE(has_error(r, "choices", "no_full_credit"));
  EXPECT_TRUE(has_error(r, "choices/1/id", "invalid_characters"));
  EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
}

// ---------------------------------------------------------------------------
// Responses.

TEST(ResponseJson, EveryKindReadsAndRoundTrips) {
  const struct {
    Question q;
    const char* json;
    Response expected;
  } cases[] = {
      {single_choice(), R"("b")", ChoiceResponse{"b"}},
      {multiple_choice(), R"(["a","c"])", ChoicesResponse{{"a", "c"}}},
      {multiple_choice(), R"([])", ChoicesResponse{}},
      {true_false(), "false", BoolResponse{false}},
      {short_answer(), R"("  Paris ")", TextResponse{"  Paris "}},
      {numerical(), R"("12.5 cm")", TextResponse{"12.5 cm"}},
      {matching(), R"({"a":"a","b":"d"})", MatchResponse{{{"a", "a"}, {"b", "d"}}}},
      {ordering(), R"(["d","c","b","a"])", OrderResponse{{"d", "c", "b", "a"}}},
      {cloze(), R"({"1":"a","2":"green"})", ClozeResponse{{{1, ChoiceResponse{"a"}}, {2, TextResponse{"green"}}}}},
      {cloze(), R"({"2":"green"})", ClozeResponse{{{2, TextResponse{"green"}}}}},
      {essay(), R"({"text":"My essay."})", EssayResponse{"My essay.", {}}},
  };
  for (const auto& c : cases) {
    const auto r = response_from_json(c.q, parse(c.json));
    ASSERT_TRUE(r) << c.json << ": " << r.error().fields.at(0).field << " " << r.error().fields.at(0).code;
    EXPECT_EQ(*r, c.expected) << c.json;
    const auto back = response_from_json(c.q, response_to_json(*r));
    ASSERT_TRUE(back) << c.json;
    EXPECT_EQ(*back, *r) << c.json;
  }
  // A numerical response may come as a JSON number.
  EXPECT_EQ(*response_from_json(numerical(), parse("12.5")), Response(TextResponse{"12.5"}));
  EXPECT_EQ(*response_from_json(numerical(), parse("-3")), Response(TextResponse{"-3"}));
  // Essays with files.
  Question files = essay();
  std::get<Essay>(files.body).response_format = EssayFormat::TextAndFiles;
  std::get<Essay>(files.body).max_files = 2;
  EXPECT_EQ(*response_from_json(files, parse(R"({"text":"See file.","files":["f1","f2"]})")),
            Response(EssayResponse{"See file.", {"f1", "f2"}}));
  EXPECT_EQ(bj::serialize(response_to_json(EssayResponse{"x", {"f1"}})), R"({"text":"x","files":["f1"]})");
}

TEST(ResponseJson, ResponsesThatDoNotFitAreRefused) {
  const struct {
    Question q;
    const char* json;
    const char* path;
    const char* code;
  } cases[] = {
      {single_choice(), R"(["b"])", "response", "wrong_type"},
      {single_choice(), R"("z")", "response", "unknown_choice"},
      {single_choice(), "1", "response", "wrong_type"},
      {multiple_choice(), R"("a")", "response", "wrong_type"},
      {multiple_choice(), R"(["a","z"])", "response/1", "unknown_choice"},
      {multiple_choice(), R"(["a",1])", "response/1", "wrong_type"},
      // Refused, so a repeated choice can never be counted twice.
      {multiple_choice(), R"(["a","b","a"])", "response/2", "duplicate"},
      {true_false(), R"("true")", "response", "wrong_type"},
      {true_false(), "1", "response", "wrong_type"},
      {short_answer(), "12", "response", "wrong_type"},
      {short_answer(), "null", "response", "wrong_type"},
      {numerical(), "true", "response", "wrong_type"},
      {matching(), R"(["a"])", "response", "wrong_type"},
      {matching(), R"({"z":"a"})", "response/z", "unknown_prompt"},
      {matching(), R"({"d":"a"})", "response/d", "unknown_prompt"},  // a distractor has no prompt
      {matching(), R"({"a":"z"})", "response/a", "unknown_choice"},
      {matching(), R"({"a":1})", "response/a", "wrong_type"},
      {ordering(), R"({"a":1})", "response", "wrong_type"},
      {ordering(), R"(["a","b","c"])", "response", "not_a_permutation"},
      {ordering(), R"(["a","b","c","c"])", "response", "not_a_permutation"},
      {ordering(), R"(["a","b","c","d","e"])", "response", "not_a_permutation"},
      {ordering(), R"(["a","b","c",4])", "response/3", "wrong_type"},
      {cloze(), R"("a")", "response", "wrong_type"},
      {cloze(), R"({"3":"a"})", "response/3", "unknown_part"},
      {cloze(), R"({"0":"a"})", "response/0", "unknown_part"},
      {cloze(), R"({"01":"a"})", "response/01", "unknown_part"},
      {cloze(), R"({"one":"a"})", "response/one", "unknown_part"},
      {cloze(), R"({"1":["a"]})", "response/1", "wrong_type"},
      {cloze(), R"({"1":"z"})", "response/1", "unknown_choice"},
      {cloze(), R"({"2":5})", "response/2", "wrong_type"},
      {essay(), R"("text")", "response", "wrong_type"},
      {essay(), R"({"text":"x","grade":1})", "response/grade", "unknown_field"},
      {essay(), R"({"text":1})", "response/text", "wrong_type"},
      {essay(), R"({"files":["f1"]})", "response/files", "not_allowed"},
      {essay(), R"({"files":[1]})", "response/files/0", "wrong_type"},
      {essay(), R"({"files":[""]})", "response/files/0", "invalid"},
  };
  for (const auto& c : cases) {
    const auto r = response_from_json(c.q, parse(c.json));
    EXPECT_TRUE(has_error(r, c.path, c.code)) << type_name(c.q.body) << " " << c.json;
    if (!r) {
      EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
    }
  }
}

TEST(ResponseJson, TextLimits) {
  const std::string at_limit(65536, 'x');
  EXPECT_TRUE(response_from_json(short_answer(), bj::value(at_limit)));
  EXPECT_TRUE(has_error(response_from_json(short_answer(), bj::value(at_limit + "x")), "response", "too_long"));
  EXPECT_TRUE(has_error(response_from_json(numerical(), bj::value(at_limit + "x")), "response", "too_long"));
  EXPECT_TRUE(has_error(response_from_json(essay(), bj::value(bj::object{{"text", at_limit + "x"}})), "response/text",
                        "too_long"));
  EXPECT_TRUE(
      has_error(response_from_json(cloze(), bj::value(bj::object{{"2", at_limit + "x"}})), "response/2", "too_long"));
  // Invalid UTF-8 cannot come from the JSON parser, but can from a value
  // built in code.
  EXPECT_TRUE(has_error(response_from_json(short_answer(), bj::value("caf\xC3")), "response", "invalid_utf8"));

  Question files = essay();
  auto& e = std::get<Essay>(files.body);
  e.response_format = EssayFormat::Files;
  e.max_files = 1;
  EXPECT_TRUE(has_error(response_from_json(files, parse(R"({"files":["f1","f2"]})")), "response/files", "too_many"));
  EXPECT_TRUE(
      has_error(response_from_json(files, parse(R"({"text":"x","files":["f1"]})")), "response/text", "not_allowed"));
}

}  // namespace
}  // namespace trivium::questions
