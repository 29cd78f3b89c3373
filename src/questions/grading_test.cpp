// Automatic grading: one table of question, response (as the API receives
// it) and the grade it must earn, for every rule of every kind; then the
// text rules underneath (white space, case folding, wildcards, numbers), and
// the plain-text lines of right_answer() and describe().
#include <gtest/gtest.h>

#include <clocale>
#include <functional>

#include "questions/answer_text.h"
#include "questions/qmodel_testing.h"
#include "questions/question.h"

namespace trivium::questions {
namespace {

using namespace testing;
using State = Grade::State;

Question with_numerical(std::function<void(Numerical&)> change) {
  Question q = numerical();
  change(std::get<Numerical>(q.body));
  return q;
}

Question with_short(std::vector<TextAnswer> answers, bool case_sensitive = false) {
  Question q = short_answer(case_sensitive);
  std::get<ShortAnswer>(q.body).answers = std::move(answers);
  return q;
}

Question shared_answers() {
  Question q = matching();
  std::get<Matching>(q.body).pairs = {
      {"a", "France", "Europe"}, {"b", "Spain", "Europe"}, {"c", "Peru", "America"}, {"d", "", "Asia"}};
  return q;
}

Question cloze_with_negative_part() {
  Question q = cloze();
  auto& parts = std::get<Cloze>(q.body).parts;
  parts.push_back({1, ClozePart::Display::Dropdown, std::get<MultipleChoice>(multiple_choice(true).body)});
  q.text += " {#3}";
  return q;
}

struct Case {
  const char* name;
  Question q;
  const char* response;            // JSON, read with response_from_json
  std::optional<double> fraction;  // nullopt: a person grades
  State state;
  std::vector<std::string> feedback;  // exactly
};

std::vector<Case> cases() {
  const auto relative = with_numerical([](Numerical& n) {
    n.answers = {{200, 0.05, Tolerance::Relative, 1, ""}};
    n.units.clear();
  });
  const auto required = with_numerical([](Numerical& n) { n.unit_required = true; });
  const auto decimals = with_numerical([](Numerical& n) {
    n.answers = {{0.3, 0.1, Tolerance::Absolute, 1, ""}};
    n.units.clear();
  });
  const auto exact_cm = with_numerical([](Numerical& n) { n.answers = {{29, 0, Tolerance::Absolute, 1, ""}}; });
  const auto negative = with_numerical([](Numerical& n) { n.answers = {{-3, 0, Tolerance::Absolute, 1, ""}}; });
  return {
      // Single choice: the chosen choice's fraction and feedback.
      {"single right", single_choice(), R"("b")", 1, State::Correct, {"Yes."}},
      {"single partial", single_choice(), R"("c")", 0.25, State::Partial, {"A port."}},
      {"single wrong", single_choice(), R"("a")", 0, State::Wrong, {"No, that is a city in the south."}},
      // Multiple choice: the sum, clamped.
      {"multiple all right", multiple_choice(), R"(["a","b"])", 1, State::Correct, {"prime", "prime"}},
      {"multiple in any order", multiple_choice(), R"(["b","a"])", 1, State::Correct, {"prime", "prime"}},
      {"multiple half", multiple_choice(), R"(["b"])", 0.5, State::Partial, {"prime"}},
      {"multiple all chosen, no negative marks",
       multiple_choice(),
       R"(["a","b","c","d"])",
       1,
       State::Correct,
       {"prime", "prime", "not prime"}},
      {"multiple none", multiple_choice(), R"([])", 0, State::Wrong, {}},
      {"negative marks subtract",
       multiple_choice(true),
       R"(["a","b","c"])",
       0.5,
       State::Partial,
       {"prime", "prime", "not prime"}},
      {"negative marks cancel", multiple_choice(true), R"(["a","c"])", 0, State::Wrong, {"prime", "not prime"}},
      // Negative fractions without negative marks: credit taken back within
      // the question, never below zero (Moodle's rule).
      {"negative fractions clamp at zero without negative marks",
       [] {
         Question q = multiple_choice(true);
         std::get<MultipleChoice>(q.body).negative_marks = false;
         return q;
       }(),
       R"(["a","c","d"])", 0, State::Wrong, {"prime", "not prime"}},
      {"negative fractions take credit back without negative marks",
       [] {
         Question q = multiple_choice(true);
         std::get<MultipleChoice>(q.body).negative_marks = false;
         return q;
       }(),
       R"(["a","b","c"])", 0.5, State::Partial, {"prime", "prime", "not prime"}},
      {"negative marks below zero", multiple_choice(true), R"(["c"])", -0.5, State::Wrong, {"not prime"}},
      {"negative marks clamp at -1", multiple_choice(true), R"(["c","d"])", -1, State::Wrong, {"not prime"}},
      // True/false.
      {"true right", true_false(), "true", 1, State::Correct, {"Right."}},
      {"false wrong", true_false(), "false", 0, State::Wrong, {"It is round."}},
      // Short answer.
      {"short exact", short_answer(), R"("Paris")", 1, State::Correct, {"Exactly."}},
      {"short case and spaces", short_answer(), R"("  pARIS  ")", 1, State::Correct, {"Exactly."}},
      {"short wildcard, first match decides", short_answer(), R"("Parma")", 0.5, State::Partial, {"Close."}},
      {"short star may match nothing", short_answer(), R"("Par")", 0.5, State::Partial, {"Close."}},
      {"short no match", short_answer(), R"("Lyon")", 0, State::Wrong, {}},
      {"short case sensitive", short_answer(true), R"("paris")", 0, State::Wrong, {}},
      {"short case sensitive right", short_answer(true), R"("Paris")", 1, State::Correct, {"Exactly."}},
      {"short first match in author order",
       with_short({{"Par*", 0.5, "wild"}, {"Paris", 1, "exact"}}),
       R"("Paris")",
       0.5,
       State::Partial,
       {"wild"}},
      {"short inner spaces", with_short({{"New York", 1, ""}}), R"("new   york")", 1, State::Correct, {}},
      {"short tabs and newlines", with_short({{"New York", 1, ""}}), "\"\\tNew\\n York \"", 1, State::Correct, {}},
      {"short no-break space", with_short({{"New York", 1, ""}}), "\"New\u00A0York\"", 1, State::Correct, {}},
      {"short spaces in the pattern", with_short({{" New   York ", 1, ""}}), R"("New York")", 1, State::Correct, {}},
      {"short space is not nothing", with_short({{"New York", 1, ""}}), R"("NewYork")", 0, State::Wrong, {}},
      {"short literal star", with_short({{"a\\*b", 1, ""}}), R"("a*b")", 1, State::Correct, {}},
      {"short literal star is no wildcard", with_short({{"a\\*b", 1, ""}}), R"("axb")", 0, State::Wrong, {}},
      {"short star in the middle", with_short({{"c*t", 1, ""}}), R"("Carrot")", 1, State::Correct, {}},
      {"short stars need their pieces in order", with_short({{"*b*a*", 1, ""}}), R"("ab")", 0, State::Wrong, {}},
      {"short catch-all",
       with_short({{"Paris", 1, ""}, {"*", 0, "Try again."}}),
       R"("Rome")",
       0,
       State::Wrong,
       {"Try again."}},
      {"short empty answer earns nothing", with_short({{"*", 1, ""}}), R"("  ")", 0, State::Wrong, {}},
      {"short accented capitals", with_short({{"école", 1, ""}}), R"("ÉCOLE")", 1, State::Correct, {}},
      {"short sharp s", with_short({{"Straße", 1, ""}}), R"("STRASSE")", 1, State::Correct, {}},
      {"short Latin Extended-A", with_short({{"łódź", 1, ""}}), R"("ŁÓDŹ")", 1, State::Correct, {}},
      {"short Romanian comma letters", with_short({{"ștefan", 1, ""}}), R"("ȘTEFAN")", 1, State::Correct, {}},
      {"short Vietnamese", with_short({{"việt nam", 1, ""}}), R"("VIỆT NAM")", 1, State::Correct, {}},
      {"short Greek final sigma", with_short({{"ΟΔΟΣ", 1, ""}}), R"("οδος")", 1, State::Correct, {}},
      {"short Cyrillic", with_short({{"москва", 1, ""}}), R"("МОСКВА")", 1, State::Correct, {}},
      {"short dotted capital I", with_short({{"istanbul", 1, ""}}), R"("İSTANBUL")", 1, State::Correct, {}},
      {"short accents still count", with_short({{"école", 1, ""}}), R"("ecole")", 0, State::Wrong, {}},
      {"short case sensitive keeps accents' case",
       with_short({{"école", 1, ""}}, true),
       R"("École")",
       0,
       State::Wrong,
       {}},
      // Numerical.
      {"number exact", numerical(), R"("12.5")", 1, State::Correct, {"Right."}},
      {"number within tolerance", numerical(), R"("12.58")", 1, State::Correct, {"Right."}},
      {"number at the tolerance", numerical(), R"("12.4")", 1, State::Correct, {"Right."}},
      {"number decimal comma", numerical(), R"("12,5")", 1, State::Correct, {"Right."}},
      {"number exponent", numerical(), R"("1.25e1")", 1, State::Correct, {"Right."}},
      {"number second answer", numerical(), R"("12.7")", 0.5, State::Partial, {"Nearly."}},
      {"number outside every answer", numerical(), R"("14")", 0, State::Wrong, {}},
      {"number with unit", numerical(), R"("12.5 cm")", 1, State::Correct, {"Right."}},
      {"number with converted unit", numerical(), R"("125 mm")", 1, State::Correct, {"Right."}},
      {"number with unit, no space", numerical(), R"("0.125m")", 1, State::Correct, {"Right."}},
      {"number as JSON number", numerical(), "12.5", 1, State::Correct, {"Right."}},
      {"unit decides the value", numerical(), R"("12.5 m")", 0, State::Wrong, {}},
      {"unknown unit is ignored when optional", numerical(), R"("12.5 furlongs")", 1, State::Correct, {"Right."}},
      {"unit required, given", required, R"("12.5cm")", 1, State::Correct, {"Right."}},
      {"unit required, converted", required, R"("0.125 m")", 1, State::Correct, {"Right."}},
      {"unit required, missing", required, R"("12.5")", 0, State::Wrong, {}},
      {"unit required, unknown", required, R"("12.5 km")", 0, State::Wrong, {}},
      {"units are case-sensitive", required, R"("12.5 CM")", 0, State::Wrong, {}},
      {"not a number", numerical(), R"("twelve")", 0, State::Wrong, {}},
      {"thousands separators are not understood", numerical(), R"("1,234.5")", 0, State::Wrong, {}},
      {"empty number", numerical(), R"("")", 0, State::Wrong, {}},
      {"negative number", negative, R"("-3")", 1, State::Correct, {}},
      {"Unicode minus", negative, "\"\u22123\"", 1, State::Correct, {}},
      {"plus sign",
       with_numerical([](Numerical& n) {
         n.answers = {{3, 0, Tolerance::Absolute, 1, ""}};
       }),
       R"("+3")",
       1,
       State::Correct,
       {}},
      {"relative tolerance inside", relative, R"("209.9")", 1, State::Correct, {}},
      {"relative tolerance at the edge", relative, R"("190")", 1, State::Correct, {}},
      {"relative tolerance outside", relative, R"("210.1")", 0, State::Wrong, {}},
      // 0.4 - 0.3 is 0.10000000000000003 in binary: still within 0.1.
      {"tolerance survives binary rounding", decimals, R"("0.4")", 1, State::Correct, {}},
      {"tolerance still holds beyond rounding", decimals, R"("0.40001")", 0, State::Wrong, {}},
      // 0.29 / 0.01 is 28.999999999999996: still exactly 29 cm.
      {"unit conversion survives binary rounding", exact_cm, R"("0.29 m")", 1, State::Correct, {}},
      {"exact answers stay exact", exact_cm, R"("29.000001")", 0, State::Wrong, {}},
      // Matching: an equal share per prompt.
      {"matching all right", matching(), R"({"a":"a","b":"b","c":"c"})", 1, State::Correct, {}},
      {"matching one of three", matching(), R"({"a":"a","b":"c","c":"b"})", 1.0 / 3, State::Partial, {}},
      {"matching a distractor chosen", matching(), R"({"a":"d","b":"b","c":"c"})", 2.0 / 3, State::Partial, {}},
      {"matching unanswered prompts", matching(), R"({"a":"a"})", 1.0 / 3, State::Partial, {}},
      {"matching nothing", matching(), "{}", 0, State::Wrong, {}},
      {"matching shared answer, either pair", shared_answers(), R"({"a":"b","b":"a","c":"c"})", 1, State::Correct, {}},
      {"matching shared answer, same pair twice",
       shared_answers(),
       R"({"a":"a","b":"a","c":"a"})",
       2.0 / 3,
       State::Partial,
       {}},
      // Ordering.
      {"order exact", ordering(), R"(["a","b","c","d"])", 1, State::Correct, {}},
      {"order all or nothing", ordering(), R"(["a","b","d","c"])", 0, State::Wrong, {}},
      {"order relative", ordering(OrderScoring::Relative), R"(["b","a","c","d"])", 0.5, State::Partial, {}},
      {"order relative none in place", ordering(OrderScoring::Relative), R"(["b","c","d","a"])", 0, State::Wrong, {}},
      {"order adjacent", ordering(OrderScoring::Adjacent), R"(["b","c","d","a"])", 2.0 / 3, State::Partial, {}},
      {"order adjacent reversed", ordering(OrderScoring::Adjacent), R"(["d","c","b","a"])", 0, State::Wrong, {}},
      {"order adjacent exact", ordering(OrderScoring::Adjacent), R"(["a","b","c","d"])", 1, State::Correct, {}},
      {"order adjacent two runs",
       ordering(OrderScoring::Adjacent),
       R"(["c","d","a","b"])",
       2.0 / 3,
       State::Partial,
       {}},
      // Cloze: parts weighted by mark (1 and 3), feedback one entry per part.
      {"cloze all right", cloze(), R"({"1":"a","2":"Green"})", 1, State::Correct, {"Yes.", "Good."}},
      {"cloze light part right", cloze(), R"({"1":"a","2":"blue"})", 0.25, State::Partial, {"Yes.", ""}},
      {"cloze heavy part right", cloze(), R"({"1":"b","2":"green"})", 0.75, State::Partial, {"No.", "Good."}},
      {"cloze unanswered", cloze(), "{}", 0, State::Wrong, {"", ""}},
      {"cloze negative part",
       cloze_with_negative_part(),
       R"({"1":"a","2":"green","3":["c"]})",
       (1 + 3 - 0.5) / 5,
       State::Partial,
       {"Yes.", "Good.", "not prime"}},
      // Essay: a person grades.
      {"essay", essay(), R"({"text":"Some thoughts."})", std::nullopt, State::NeedsGrading, {}},
  };
}

TEST(Grade, EveryRuleOfEveryKind) {
  for (const auto& c : cases()) {
    ASSERT_TRUE(validate(c.q)) << c.name;
    const auto response = response_from_json(c.q, boost::json::parse(c.response));
    ASSERT_TRUE(response) << c.name << ": " << response.error().fields.at(0).code;
    const Grade g = grade(c.q, *response);
    ASSERT_EQ(g.fraction.has_value(), c.fraction.has_value()) << c.name;
    if (c.fraction) {
      EXPECT_NEAR(*g.fraction, *c.fraction, 1e-12) << c.name;
    }
    EXPECT_EQ(g.state, c.state) << c.name;
    EXPECT_EQ(g.feedback, c.feedback) << c.name;
  }
}

TEST(Grade, StateThresholds) {
  Question q = single_choice();
  auto& choices = std::get<SingleChoice>(q.body).choices;
  choices[0].fraction = 1 - 1e-10;
  choices[2].fraction = 1e-10;
  EXPECT_EQ(grade(q, ChoiceResponse{"a"}).state, State::Correct);
  EXPECT_EQ(grade(q, ChoiceResponse{"c"}).state, State::Wrong);
  choices[0].fraction = 1 - 1e-8;
  choices[2].fraction = 1e-8;
  EXPECT_EQ(grade(q, ChoiceResponse{"a"}).state, State::Partial);
  EXPECT_EQ(grade(q, ChoiceResponse{"c"}).state, State::Partial);
}

// Responses built in code, past response_from_json: nothing odd earns more
// than nothing.
TEST(Grade, OddResponsesEarnNothing) {
  // A repeated choice counts once.
  EXPECT_EQ(grade(multiple_choice(), ChoicesResponse{{"a", "a"}}).fraction, 0.5);
  // A response of another kind.
  EXPECT_EQ(grade(single_choice(), BoolResponse{true}).fraction, 0);
  EXPECT_EQ(grade(true_false(), ChoiceResponse{"a"}).state, State::Wrong);
  EXPECT_EQ(grade(cloze(), TextResponse{"red"}).fraction, 0);
  // An unknown choice, or an order that is not a permutation.
  EXPECT_EQ(grade(single_choice(), ChoiceResponse{"z"}).fraction, 0);
  EXPECT_EQ(grade(ordering(OrderScoring::Relative), OrderResponse{{"a", "a", "a", "a"}}).fraction, 0);
  EXPECT_EQ(grade(ordering(OrderScoring::Relative), OrderResponse{{"a", "b"}}).fraction, 0);
  // A cloze part answered in another part's shape.
  EXPECT_EQ(grade(cloze(), ClozeResponse{{{1, TextResponse{"a"}}, {2, ChoiceResponse{"green"}}}}).fraction, 0);
  // An essay never grades itself.
  EXPECT_FALSE(grade(essay(), TextResponse{"x"}).fraction);
}

// The same question and response give the same grade, whatever the
// process's locale (a decimal comma locale must not change how "12.5"
// reads) and however often it is asked.
TEST(Grade, DeterministicAcrossLocales) {
  const auto before = grade(numerical(), TextResponse{"12.5 cm"});
  const char* old = std::setlocale(LC_ALL, nullptr);
  const std::string saved = old ? old : "C";
  for (const char* name : {"de_DE.UTF-8", "fr_FR.UTF-8", "tr_TR.UTF-8", "C.UTF-8"}) {
    if (!std::setlocale(LC_ALL, name)) continue;  // not installed here: the others still run
    EXPECT_EQ(grade(numerical(), TextResponse{"12.5 cm"}).fraction, before.fraction) << name;
    EXPECT_EQ(grade(numerical(), TextResponse{"12,5"}).fraction, 1) << name;
    EXPECT_EQ(grade(short_answer(), TextResponse{"PARIS"}).fraction, 1) << name;
    EXPECT_EQ(grade(with_short({{"istanbul", 1, ""}}), TextResponse{"ISTANBUL"}).fraction, 1) << name;
  }
  std::setlocale(LC_ALL, saved.c_str());
  for (int i = 0; i < 100; ++i) EXPECT_EQ(grade(numerical(), TextResponse{"12.5 cm"}).fraction, before.fraction);
}

// ---------------------------------------------------------------------------
// The text rules underneath.

TEST(AnswerText, NormaliseSpace) {
  using answer_text::normalise_space;
  EXPECT_EQ(normalise_space("  a  b\t\tc\n"), "a b c");
  EXPECT_EQ(normalise_space("\u00A0a\u2003\u3000b\u202F"), "a b");
  EXPECT_EQ(normalise_space(""), "");
  EXPECT_EQ(normalise_space(" \n\t "), "");
  EXPECT_EQ(normalise_space("é  ü"), "é ü");
}

TEST(AnswerText, FoldCase) {
  using answer_text::fold_case;
  EXPECT_EQ(fold_case("ABC xyz 123"), "abc xyz 123");
  EXPECT_EQ(fold_case("ÀÉÎÕÜÇÑØÞ"), "àéîõüçñøþ");
  EXPECT_EQ(fold_case("×÷"), "×÷");  // Latin-1 signs are not letters
  EXPECT_EQ(fold_case("ŸĀŁŃŐŒŠŽ"), "ÿāłńőœšž");
  EXPECT_EQ(fold_case("ß ẞ"), "ss ss");
  EXPECT_EQ(fold_case("ΣΊΣΥΦΟΣ ς"), "σίσυφοσ σ");
  EXPECT_EQ(fold_case("ЁЖИКЯ ЄЇ"), "ёжикя єї");
  EXPECT_EQ(fold_case("ƠƯ ẠẶỆ"), "ơư ạặệ");
  EXPECT_EQ(fold_case("ＡＢＣ"), "ａｂｃ");
  EXPECT_EQ(fold_case("日本語 😀"), "日本語 😀");
}

TEST(AnswerText, WildcardMatch) {
  using answer_text::wildcard_match;
  EXPECT_TRUE(wildcard_match("abc", "abc"));
  EXPECT_FALSE(wildcard_match("abc", "abcd"));
  EXPECT_TRUE(wildcard_match("*", ""));
  EXPECT_TRUE(wildcard_match("a*", "a"));
  EXPECT_TRUE(wildcard_match("*c", "abc"));
  EXPECT_TRUE(wildcard_match("a*b*c", "aXbYc"));
  EXPECT_TRUE(wildcard_match("a*b*c", "abbbc"));
  EXPECT_FALSE(wildcard_match("a*b*c", "acb"));
  EXPECT_TRUE(wildcard_match("*aa*aa*", "aaaa"));
  EXPECT_FALSE(wildcard_match("*aa*aa*", "aaa"));
  EXPECT_FALSE(wildcard_match("ab*ba", "aba"));  // head and tail may not overlap
  EXPECT_TRUE(wildcard_match("**", "x"));
  EXPECT_TRUE(wildcard_match("a\\*", "a*"));
  EXPECT_FALSE(wildcard_match("a\\*", "ab"));
  EXPECT_TRUE(wildcard_match("a\\b", "a\\b"));  // a lone backslash is itself
  // No escape for the backslash itself: "\\*" is a backslash and a star.
  EXPECT_TRUE(wildcard_match("\\\\*", "\\*"));
  EXPECT_FALSE(wildcard_match("\\\\*", "\\x"));
  // A long learner text against a pattern with many stars stays fast
  // (linear), so a hostile response cannot stall the grader.
  const std::string text(65536, 'a');
  EXPECT_FALSE(wildcard_match("*a*a*a*a*a*a*a*a*a*a*a*a*b*", text));
}

TEST(AnswerText, ParseNumber) {
  using answer_text::parse_number;
  const struct {
    const char* text;
    double number;
    const char* unit;
  } good[] = {
      {"12.5", 12.5, ""},      {"-3", -3, ""},           {"+4", 4, ""},  {"1e3", 1000, ""},   {"2.5E-2", 0.025, ""},
      {".5", 0.5, ""},         {"1,5", 1.5, ""},         {" 7 ", 7, ""}, {"12 cm", 12, "cm"}, {"12cm", 12, "cm"},
      {"3 km/h", 3, "km/h"},   {"3   km  h", 3, "km h"}, {"2e", 2, "e"}, {"2e+", 2, "e+"},    {"1.5e2m", 150, "m"},
      {"\u22122.5", -2.5, ""}, {"5.", 5, "."},           {"0", 0, ""},   {",5e", 0.5, "e"},
  };
  for (const auto& g : good) {
    const auto r = parse_number(g.text);
    ASSERT_TRUE(r) << g.text;
    EXPECT_DOUBLE_EQ(r->number, g.number) << g.text;
    EXPECT_EQ(r->unit, g.unit) << g.text;
  }
  for (const char* bad : {"", "abc", "-", "+", ".", "e5", "1e999", "--1", "cm 12"})
    EXPECT_FALSE(parse_number(bad)) << bad;
}

TEST(AnswerText, FormatNumber) {
  using answer_text::format_number;
  EXPECT_EQ(format_number(12.5), "12.5");
  EXPECT_EQ(format_number(3), "3");
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(format_number(-0.0), "0");
  EXPECT_EQ(format_number(-2.25), "-2.25");
  EXPECT_EQ(format_number(1e21), "1e+21");
}

// ---------------------------------------------------------------------------
// Plain-text lines.

TEST(RightAnswer, EveryKind) {
  EXPECT_EQ(right_answer(single_choice()), "b) Paris");
  EXPECT_EQ(right_answer(multiple_choice()), "a) 2; b) 3");
  EXPECT_EQ(right_answer(true_false()), "True");
  EXPECT_EQ(right_answer(short_answer()), "Paris");
  EXPECT_EQ(right_answer(numerical()), "12.5 \u00B1 0.1 cm");
  EXPECT_EQ(right_answer(matching()), "France \u2192 Paris; Italy \u2192 Rome; Spain \u2192 Madrid");
  EXPECT_EQ(right_answer(ordering()), "1. Atom; 2. Cell; 3. Mouse; 4. Whale");
  EXPECT_EQ(right_answer(cloze()), "1: a) red; 2: green");
  EXPECT_EQ(right_answer(essay()), "");  // never the graders' notes

  Question relative = with_numerical([](Numerical& n) {
    n.answers = {{200, 0.05, Tolerance::Relative, 1, ""}};
    n.units.clear();
  });
  EXPECT_EQ(right_answer(relative), "200 \u00B1 5%");
  Question exact = with_numerical([](Numerical& n) { n.answers = {{3, 0, Tolerance::Absolute, 1, ""}}; });
  EXPECT_EQ(right_answer(exact), "3 cm");

  Question html = single_choice();
  html.format = TextFormat::Html;
  std::get<SingleChoice>(html.body).choices[1].text = "<p><b>Paris</b> &amp; its\n<i>banlieue</i>&#33;</p>";
  EXPECT_EQ(right_answer(html), "b) Paris & its banlieue!");
}

TEST(Describe, EveryKind) {
  EXPECT_EQ(describe(single_choice(), ChoiceResponse{"a"}), "a) Lyon");
  // The same set of choices reads the same whatever order it was sent in.
  EXPECT_EQ(describe(multiple_choice(), ChoicesResponse{{"c", "a"}}), "a) 2; c) 4");
  EXPECT_EQ(describe(multiple_choice(), ChoicesResponse{{"a", "c"}}), "a) 2; c) 4");
  EXPECT_EQ(describe(multiple_choice(), ChoicesResponse{}), "(no answer)");
  EXPECT_EQ(describe(true_false(), BoolResponse{false}), "False");
  EXPECT_EQ(describe(short_answer(), TextResponse{"  Par\n is "}), "Par is");
  EXPECT_EQ(describe(short_answer(), TextResponse{""}), "(no answer)");
  EXPECT_EQ(describe(numerical(), TextResponse{"12,5 cm"}), "12,5 cm");
  EXPECT_EQ(describe(matching(), MatchResponse{{{"a", "d"}, {"c", "c"}}}),
            "France \u2192 Lyon; Italy \u2192 (no answer); Spain \u2192 Madrid");
  EXPECT_EQ(describe(ordering(), OrderResponse{{"b", "a", "c", "d"}}), "1. Cell; 2. Atom; 3. Mouse; 4. Whale");
  EXPECT_EQ(describe(cloze(), ClozeResponse{{{2, TextResponse{"green"}}}}), "1: (no answer); 2: green");
  EXPECT_EQ(describe(essay(), EssayResponse{"My\n\nessay", {"f1", "f2"}}), "My essay [2 files]");
  EXPECT_EQ(describe(essay(), EssayResponse{"", {"f1"}}), "[1 file]");
  EXPECT_EQ(describe(essay(), EssayResponse{}), "(no answer)");
  EXPECT_EQ(describe(single_choice(), BoolResponse{true}), "(no answer)");
  // One line of at most 200 characters.
  const std::string long_text = std::string(300, 'x') + "\n";
  const std::string d = describe(short_answer(), TextResponse{long_text});
  EXPECT_EQ(d, std::string(200, 'x') + "\u2026");
}

}  // namespace
}  // namespace trivium::questions
