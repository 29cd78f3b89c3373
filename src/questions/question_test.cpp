// validate(): every rule of question.h, each broken once on an otherwise
// valid question, with the code and path the editor relies on.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "questions/qmodel_testing.h"
#include "questions/question.h"

namespace trivium::questions {
namespace {

using namespace testing;

template <typename T>
T& body(Question& q) {
  return std::get<T>(q.body);
}

TEST(QuestionNames, TypeAndFormatNames) {
  const char* expected[] = {"single_choice", "multiple_choice", "true_false", "short_answer", "numerical",
                            "matching",      "ordering",        "cloze",      "essay"};
  const auto all = every_kind();
  ASSERT_EQ(all.size(), std::size(expected));
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(type_name(all[i].body), expected[i]);
  for (auto f : {TextFormat::Markdown, TextFormat::Html, TextFormat::Plain}) EXPECT_EQ(parse_format(format_name(f)), f);
  EXPECT_EQ(format_name(TextFormat::Html), "html");
  EXPECT_FALSE(parse_format("Markdown"));
  EXPECT_FALSE(parse_format("rtf"));
}

TEST(Validate, EveryKindsSampleIsValid) {
  for (const auto& q : every_kind()) {
    const auto r = validate(q);
    EXPECT_TRUE(r) << type_name(q.body) << ": " << (r ? "" : r.error().fields.at(0).field);
  }
  EXPECT_TRUE(validate(multiple_choice(true)));
  // Negative fractions need no negative marks: they take credit back within
  // the question (Moodle's multiple choice).
  Question mc = multiple_choice(true);
  body<MultipleChoice>(mc).negative_marks = false;
  EXPECT_TRUE(validate(mc));
}

// One broken rule: a sample, what breaks it, and the error it must give.
struct Broken {
  const char* name;
  std::function<Question()> sample;
  std::function<void(Question&)> breaks;
  const char* path;
  const char* code;
};

const std::string kBadUtf8 = "caf\xC3";  // a truncated two-byte sequence

std::vector<Broken> broken_rules() {
  return {
      // The question itself.
      {"empty title", single_choice, [](Question& q) { q.title.clear(); }, "title", "required"},
      {"256-character title", single_choice, [](Question& q) { q.title = std::string(256, 'x'); }, "title", "too_long"},
      {"title not UTF-8", single_choice, [](Question& q) { q.title = kBadUtf8; }, "title", "invalid_utf8"},
      {"empty text", single_choice, [](Question& q) { q.text.clear(); }, "text", "required"},
      {"text over 65,536 bytes", single_choice, [](Question& q) { q.text = std::string(65537, 'x'); }, "text",
       "too_long"},
      {"text not UTF-8", single_choice, [](Question& q) { q.text = "\xED\xA0\x80"; }, "text", "invalid_utf8"},
      {"feedback not UTF-8", single_choice, [](Question& q) { q.general_feedback = "\xC0\xAF"; }, "general_feedback",
       "invalid_utf8"},
      {"11 hints", single_choice, [](Question& q) { q.hints.assign(11, "Think."); }, "hints", "too_many"},
      {"hint not UTF-8", single_choice,
       [](Question& q) {
         q.hints = {"ok", kBadUtf8};
       },
       "hints/1", "invalid_utf8"},
      {"mark 0", single_choice, [](Question& q) { q.default_mark = 0; }, "default_mark", "out_of_range"},
      {"negative mark", single_choice, [](Question& q) { q.default_mark = -1; }, "default_mark", "out_of_range"},
      {"mark over 1000", single_choice, [](Question& q) { q.default_mark = 1000.5; }, "default_mark", "out_of_range"},
      {"mark NaN", single_choice, [](Question& q) { q.default_mark = std::nan(""); }, "default_mark", "not_finite"},
      // Ids.
      {"empty id", single_choice, [](Question& q) { body<SingleChoice>(q).choices[1].id.clear(); }, "choices/1/id",
       "required"},
      {"33-character id", single_choice,
       [](Question& q) { body<SingleChoice>(q).choices[0].id = std::string(33, 'a'); }, "choices/0/id", "too_long"},
      {"id with a space", single_choice, [](Question& q) { body<SingleChoice>(q).choices[0].id = "a b"; },
       "choices/0/id", "invalid_characters"},
      {"id with a non-ASCII letter", single_choice, [](Question& q) { body<SingleChoice>(q).choices[0].id = "é"; },
       "choices/0/id", "invalid_characters"},
      {"duplicate choice id", single_choice, [](Question& q) { body<SingleChoice>(q).choices[2].id = "a"; },
       "choices/2/id", "duplicate"},
      {"duplicate pair id", matching, [](Question& q) { body<Matching>(q).pairs[3].id = "b"; }, "pairs/3/id",
       "duplicate"},
      {"duplicate item id", [] { return ordering(); }, [](Question& q) { body<Ordering>(q).items[1].id = "a"; },
       "items/1/id", "duplicate"},
      // Fractions.
      {"fraction NaN", single_choice,
       [](Question& q) { body<SingleChoice>(q).choices[0].fraction = std::numeric_limits<double>::quiet_NaN(); },
       "choices/0/fraction", "not_finite"},
      {"fraction infinite", single_choice,
       [](Question& q) { body<SingleChoice>(q).choices[0].fraction = std::numeric_limits<double>::infinity(); },
       "choices/0/fraction", "not_finite"},
      {"fraction above 1", single_choice, [](Question& q) { body<SingleChoice>(q).choices[0].fraction = 1.5; },
       "choices/0/fraction", "out_of_range"},
      {"fraction below -1", [] { return multiple_choice(true); },
       [](Question& q) { body<MultipleChoice>(q).choices[2].fraction = -1.5; }, "choices/2/fraction", "out_of_range"},
      {"negative fraction in single choice", single_choice,
       [](Question& q) { body<SingleChoice>(q).choices[0].fraction = -0.5; }, "choices/0/fraction", "negative"},
      {"negative short answer fraction", [] { return short_answer(); },
       [](Question& q) { body<ShortAnswer>(q).answers[1].fraction = -0.5; }, "answers/1/fraction", "negative"},
      // Single choice.
      {"one choice", single_choice, [](Question& q) { body<SingleChoice>(q).choices.resize(1); }, "choices", "too_few"},
      {"27 choices", single_choice,
       [](Question& q) {
         auto& c = body<SingleChoice>(q).choices;
         c.clear();
         for (int i = 0; i < 27; ++i) c.push_back({"c" + std::to_string(i), "x", i == 0 ? 1.0 : 0.0, ""});
       },
       "choices", "too_many"},
      {"no full credit", single_choice, [](Question& q) { body<SingleChoice>(q).choices[1].fraction = 0.9; }, "choices",
       "no_full_credit"},
      {"choice text not UTF-8", single_choice, [](Question& q) { body<SingleChoice>(q).choices[2].text = kBadUtf8; },
       "choices/2/text", "invalid_utf8"},
      {"choice feedback not UTF-8", single_choice,
       [](Question& q) { body<SingleChoice>(q).choices[2].feedback = kBadUtf8; }, "choices/2/feedback", "invalid_utf8"},
      // Multiple choice.
      {"positive fractions under 1", [] { return multiple_choice(); },
       [](Question& q) { body<MultipleChoice>(q).choices[0].fraction = 0.4; }, "choices", "positive_sum"},
      {"positive fractions over 1", [] { return multiple_choice(); },
       [](Question& q) { body<MultipleChoice>(q).choices[2].fraction = 0.1; }, "choices", "positive_sum"},
      {"multiple choice with one choice", [] { return multiple_choice(); },
       [](Question& q) {
         body<MultipleChoice>(q).choices.resize(1);
         body<MultipleChoice>(q).choices[0].fraction = 1;
       },
       "choices", "too_few"},
      // Short answer.
      {"no answers", [] { return short_answer(); }, [](Question& q) { body<ShortAnswer>(q).answers.clear(); },
       "answers", "too_few"},
      {"51 answers", [] { return short_answer(); },
       [](Question& q) {
         body<ShortAnswer>(q).answers.resize(51, TextAnswer{"x", 1, ""});
       },
       "answers", "too_many"},
      {"no full-credit answer", [] { return short_answer(); },
       [](Question& q) { body<ShortAnswer>(q).answers[0].fraction = 0.75; }, "answers", "no_full_credit"},
      {"blank pattern", [] { return short_answer(); },
       [](Question& q) { body<ShortAnswer>(q).answers[1].pattern = " \t"; }, "answers/1/pattern", "required"},
      {"pattern not UTF-8", [] { return short_answer(); },
       [](Question& q) { body<ShortAnswer>(q).answers[0].pattern = kBadUtf8; }, "answers/0/pattern", "invalid_utf8"},
      // Numerical.
      {"numerical without answers", numerical, [](Question& q) { body<Numerical>(q).answers.clear(); }, "answers",
       "too_few"},
      {"51 numeric answers", numerical,
       [](Question& q) {
         body<Numerical>(q).answers.resize(51, NumericAnswer{1, 0, Tolerance::Absolute, 1, ""});
       },
       "answers", "too_many"},
      {"no full-credit number", numerical, [](Question& q) { body<Numerical>(q).answers[0].fraction = 0.5; }, "answers",
       "no_full_credit"},
      {"negative tolerance", numerical, [](Question& q) { body<Numerical>(q).answers[1].tolerance = -0.1; },
       "answers/1/tolerance", "out_of_range"},
      {"infinite tolerance", numerical,
       [](Question& q) { body<Numerical>(q).answers[0].tolerance = std::numeric_limits<double>::infinity(); },
       "answers/0/tolerance", "not_finite"},
      {"value NaN", numerical, [](Question& q) { body<Numerical>(q).answers[0].value = std::nan(""); },
       "answers/0/value", "not_finite"},
      {"duplicate unit", numerical, [](Question& q) { body<Numerical>(q).units[2].name = "mm"; }, "units/2/name",
       "duplicate"},
      {"duplicate unit but for spaces", numerical, [](Question& q) { body<Numerical>(q).units[2].name = " mm "; },
       "units/2/name", "duplicate"},
      {"unnamed unit", numerical, [](Question& q) { body<Numerical>(q).units[1].name = ""; }, "units/1/name",
       "required"},
      {"multiplier 0", numerical, [](Question& q) { body<Numerical>(q).units[1].multiplier = 0; }, "units/1/multiplier",
       "out_of_range"},
      {"negative multiplier", numerical, [](Question& q) { body<Numerical>(q).units[1].multiplier = -10; },
       "units/1/multiplier", "out_of_range"},
      {"required unit without units", numerical,
       [](Question& q) {
         body<Numerical>(q).units.clear();
         body<Numerical>(q).unit_required = true;
       },
       "unit_required", "units_required"},
      // Matching.
      {"one prompt", matching,
       [](Question& q) {
         body<Matching>(q).pairs[1].prompt = "";
         body<Matching>(q).pairs[2].prompt = "";
       },
       "pairs", "too_few"},
      {"blank prompts do not count", matching,
       [](Question& q) {
         body<Matching>(q).pairs[1].prompt = "  ";
         body<Matching>(q).pairs[2].prompt = "\n";
       },
       "pairs", "too_few"},
      {"51 pairs", matching,
       [](Question& q) {
         auto& p = body<Matching>(q).pairs;
         p.clear();
         for (int i = 0; i < 51; ++i) p.push_back({"p" + std::to_string(i), "q", "a"});
       },
       "pairs", "too_many"},
      {"pair without answer", matching, [](Question& q) { body<Matching>(q).pairs[0].answer = ""; }, "pairs/0/answer",
       "required"},
      // Ordering.
      {"one item", [] { return ordering(); }, [](Question& q) { body<Ordering>(q).items.resize(1); }, "items",
       "too_few"},
      {"51 items", [] { return ordering(); },
       [](Question& q) {
         auto& items = body<Ordering>(q).items;
         items.clear();
         for (int i = 0; i < 51; ++i) items.push_back({"i" + std::to_string(i), "Item " + std::to_string(i)});
       },
       "items", "too_many"},
      {"two items with one text", [] { return ordering(); },
       [](Question& q) { body<Ordering>(q).items[3].text = "Atom"; }, "items/3/text", "duplicate"},
      {"item without text", [] { return ordering(); }, [](Question& q) { body<Ordering>(q).items[2].text = ""; },
       "items/2/text", "required"},
      // Cloze.
      {"cloze without parts", cloze,
       [](Question& q) {
         body<Cloze>(q).parts.clear();
         q.text = "Nothing to fill.";
       },
       "parts", "too_few"},
      {"51 parts", cloze,
       [](Question& q) {
         auto& parts = body<Cloze>(q).parts;
         const ClozePart copy = parts[1];
         parts.resize(51, copy);
         q.text.clear();
         for (int i = 1; i <= 51; ++i) q.text += "{#" + std::to_string(i) + "} ";
       },
       "parts", "too_many"},
      {"placeholder missing", cloze, [](Question& q) { q.text = "Blood is {#1}."; }, "text", "missing_placeholder"},
      {"placeholder twice", cloze, [](Question& q) { q.text = "{#1} {#2} {#1}"; }, "text", "duplicate_placeholder"},
      {"placeholder for no part", cloze, [](Question& q) { q.text = "{#1} {#2} {#3}"; }, "text", "unknown_placeholder"},
      {"placeholder 0", cloze, [](Question& q) { q.text = "{#0} {#1} {#2}"; }, "text", "unknown_placeholder"},
      {"placeholder with a leading zero", cloze, [](Question& q) { q.text = "{#01} {#1} {#2}"; }, "text",
       "unknown_placeholder"},
      {"part mark 0", cloze, [](Question& q) { body<Cloze>(q).parts[0].mark = 0; }, "parts/0/mark", "out_of_range"},
      {"part mark NaN", cloze, [](Question& q) { body<Cloze>(q).parts[1].mark = std::nan(""); }, "parts/1/mark",
       "not_finite"},
      {"part breaks its kind's rule", cloze,
       [](Question& q) { std::get<ShortAnswer>(body<Cloze>(q).parts[1].body).answers[0].fraction = 0.5; },
       "parts/1/answers", "no_full_credit"},
      {"part choice breaks its rule", cloze,
       [](Question& q) { std::get<SingleChoice>(body<Cloze>(q).parts[0].body).choices[1].id = "a"; },
       "parts/0/choices/1/id", "duplicate"},
      {"numerical part breaks its rule", cloze,
       [](Question& q) {
         body<Cloze>(q).parts[1].body = Numerical{{{1, -1, Tolerance::Absolute, 1, ""}}, {}, false};
       },
       "parts/1/answers/0/tolerance", "out_of_range"},
      // Essay.
      {"negative min words", essay, [](Question& q) { body<Essay>(q).min_words = -1; }, "min_words", "out_of_range"},
      {"negative max words", essay, [](Question& q) { body<Essay>(q).max_words = -5; }, "max_words", "out_of_range"},
      {"min above max", essay, [](Question& q) { body<Essay>(q).min_words = 600; }, "max_words", "min_above_max"},
      {"21 files", essay,
       [](Question& q) {
         body<Essay>(q).response_format = EssayFormat::Files;
         body<Essay>(q).max_files = 21;
       },
       "max_files", "out_of_range"},
      {"negative files", essay, [](Question& q) { body<Essay>(q).max_files = -1; }, "max_files", "out_of_range"},
      {"files format without files", essay, [](Question& q) { body<Essay>(q).response_format = EssayFormat::Files; },
       "max_files", "files_required"},
      {"text and files without files", essay,
       [](Question& q) { body<Essay>(q).response_format = EssayFormat::TextAndFiles; }, "max_files", "files_required"},
      {"grader info not UTF-8", essay, [](Question& q) { body<Essay>(q).grader_info = kBadUtf8; }, "grader_info",
       "invalid_utf8"},
  };
}

TEST(Validate, EachRuleGivesItsCodeAndPath) {
  for (const auto& rule : broken_rules()) {
    Question q = rule.sample();
    ASSERT_TRUE(validate(q)) << rule.name << ": the sample must be valid before it is broken";
    rule.breaks(q);
    const auto r = validate(q);
    EXPECT_TRUE(has_error(r, rule.path, rule.code)) << rule.name;
    if (!r) {
      EXPECT_EQ(r.error().kind, ErrorKind::Invalid) << rule.name;
    }
  }
}

// The limits themselves are allowed: each rule above fails one step past
// its limit, and these pass at it.
TEST(Validate, LimitsAreInclusive) {
  Question q = single_choice();
  q.title = "";
  for (int i = 0; i < 255; ++i) q.title += "\xC3\xA9";  // 255 characters, 510 bytes
  q.text = std::string(65536, 'x');
  q.hints.assign(10, "hint");
  q.default_mark = 1000;
  body<SingleChoice>(q).choices[0].id = "A-b_0123456789012345678901234567";  // 32 characters
  EXPECT_TRUE(validate(q));

  q = single_choice();
  auto& c = body<SingleChoice>(q).choices;
  c.clear();
  for (int i = 0; i < 26; ++i) c.push_back({"c" + std::to_string(i), "x", i == 25 ? 1.0 : 0.0, ""});
  EXPECT_TRUE(validate(q));

  q = multiple_choice();
  auto& m = body<MultipleChoice>(q).choices;
  m = {{"a", "x", 0.3333333, ""}, {"b", "y", 0.3333333, ""}, {"c", "z", 0.3333334, ""}};
  EXPECT_TRUE(validate(q)) << "thirds written as decimals add up to 1 within 1e-6";
  m[2].fraction = 0.3333354;  // the sum is 1.000002
  EXPECT_TRUE(has_error(validate(q), "choices", "positive_sum"));

  q = multiple_choice(true);
  body<MultipleChoice>(q).choices[2].fraction = -1;
  EXPECT_TRUE(validate(q));

  q = essay();
  body<Essay>(q).min_words = 500;  // equal to max_words
  body<Essay>(q).response_format = EssayFormat::TextAndFiles;
  body<Essay>(q).max_files = 20;
  EXPECT_TRUE(validate(q));
  body<Essay>(q).min_words.reset();
  body<Essay>(q).max_words.reset();
  EXPECT_TRUE(validate(q));

  q = numerical();
  body<Numerical>(q).unit_required = true;
  body<Numerical>(q).answers[0].tolerance = 0;
  EXPECT_TRUE(validate(q));

  q = cloze();
  auto& parts = body<Cloze>(q).parts;
  const ClozePart copy = parts[1];
  parts.resize(50, copy);
  q.text.clear();
  for (int i = 50; i >= 1; --i) q.text += "{#" + std::to_string(i) + "} ";  // any order
  q.text += "{#} {#x} {# 1}";                                               // not placeholders: no number
  EXPECT_TRUE(validate(q));
}

TEST(Validate, ReportsEveryProblemAtOnce) {
  Question q = single_choice();
  q.title.clear();
  q.default_mark = 0;
  body<SingleChoice>(q).choices[0].id = "b";
  body<SingleChoice>(q).choices[1].fraction = 0.5;
  const auto r = validate(q);
  ASSERT_FALSE(r);
  EXPECT_TRUE(has_error(r, "title", "required"));
  EXPECT_TRUE(has_error(r, "default_mark", "out_of_range"));
  EXPECT_TRUE(has_error(r, "choices/1/id", "duplicate"));
  EXPECT_TRUE(has_error(r, "choices", "no_full_credit"));
  EXPECT_EQ(r.error().fields.size(), 4u);
}

TEST(Validate, Utf8IsCheckedStrictly) {
  // Overlong, surrogate, beyond U+10FFFF, stray continuation, truncated.
  for (std::string bad : {"\xC0\x80", "\xE0\x80\xAF", "\xED\xB0\x80", "\xF4\x90\x80\x80", "\x80", "\xE2\x82",
                          "\xF8\x88\x80\x80\x80", "\xFF"}) {
    Question q = true_false();
    std::get<TrueFalse>(q.body).feedback_true = bad;
    EXPECT_TRUE(has_error(validate(q), "feedback_true", "invalid_utf8"));
  }
  Question q = true_false();
  std::get<TrueFalse>(q.body).feedback_false = "\xF0\x9F\x98\x80 \xE2\x82\xAC \xC3\xA9 \xEF\xBF\xBF";  // 😀 € é U+FFFF
  EXPECT_TRUE(validate(q));
}

}  // namespace
}  // namespace trivium::questions
