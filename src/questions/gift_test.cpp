// GIFT import: every construct of Moodle's syntax, the kind each answer
// block makes, and every problem with its line. Export details are here
// too; full round trips are in interchange_test.cpp.
#include <gtest/gtest.h>

#include "questions/interchange.h"

namespace trivium::questions {
namespace {

using namespace std::literals;

// Parses and expects no problem.
Imported parse_ok(std::string_view text) {
  Imported r = parse_gift(text);
  for (const ImportProblem& p : r.problems) ADD_FAILURE() << "line " << p.line << " " << p.code << ": " << p.message;
  return r;
}

// By value: callers often pass a temporary Imported.
Question only(const Imported& r) {
  EXPECT_EQ(r.questions.size(), 1u);
  return r.questions.empty() ? Question{} : r.questions[0].question;
}

template <typename T>
T body(const Question& q) {
  EXPECT_TRUE(std::holds_alternative<T>(q.body)) << "kind " << type_name(q.body);
  return std::holds_alternative<T>(q.body) ? std::get<T>(q.body) : T{};
}

TEST(GiftImport, SingleChoiceWithTitleFeedbackAndGeneralFeedback) {
  const Imported r = parse_ok(
      "::Grant::Who is buried in Grant's tomb?{\n"
      "  ~Grant #No, he is entombed.\n"
      "  =no one #Right.\n"
      "  ~%50%Grant's wife\n"
      "  ####Tombs are above ground.\n"
      "}\n");
  const Question& q = only(r);
  EXPECT_EQ(q.title, "Grant");
  EXPECT_EQ(q.text, "Who is buried in Grant's tomb?");
  EXPECT_EQ(q.format, TextFormat::Plain);  // no tag: Moodle's auto-format, read as plain
  EXPECT_EQ(q.general_feedback, "Tombs are above ground.");
  const auto& sc = body<SingleChoice>(q);
  ASSERT_EQ(sc.choices.size(), 3u);
  EXPECT_EQ(sc.choices[0], (Choice{"a", "Grant", 0, "No, he is entombed."}));
  EXPECT_EQ(sc.choices[1], (Choice{"b", "no one", 1, "Right."}));
  EXPECT_EQ(sc.choices[2], (Choice{"c", "Grant's wife", 0.5, ""}));
  EXPECT_TRUE(sc.shuffle);
  EXPECT_EQ(r.questions[0].line, 1);
}

TEST(GiftImport, SeveralWeightedRightAnswersMakeMultipleChoice) {
  const Question& q = only(parse_ok("Which are prime? {~%50%2 ~%50%3 ~%-25%4 ~%-75%9}"));
  const auto& mc = body<MultipleChoice>(q);
  ASSERT_EQ(mc.choices.size(), 4u);
  EXPECT_DOUBLE_EQ(mc.choices[0].fraction, 0.5);
  EXPECT_DOUBLE_EQ(mc.choices[2].fraction, -0.25);
  EXPECT_DOUBLE_EQ(mc.choices[3].fraction, -0.75);
  // A negative weight takes credit back within the question; the total
  // still stops at zero, as in Moodle.
  EXPECT_FALSE(mc.negative_marks);

  const Question& q2 = only(parse_ok("Pick two {~%50%a ~%50%b ~c}"));
  EXPECT_FALSE(body<MultipleChoice>(q2).negative_marks);
}

TEST(GiftImport, MissingWordPutsABlankWhereTheBlockWas) {
  const Question& q = only(parse_ok("Grant is {~buried =entombed ~living} in Grant's tomb."));
  EXPECT_EQ(q.text, "Grant is _____ in Grant's tomb.");
  EXPECT_EQ(body<SingleChoice>(q).choices[1].text, "entombed");
  // A block at the end, before nothing but white space, is not a blank.
  EXPECT_EQ(only(parse_ok("Grant is? {=entombed ~living}   ")).text, "Grant is?");
}

TEST(GiftImport, TrueFalseInEverySpelling) {
  for (const auto& [block, correct] :
       std::vector<std::pair<std::string, bool>>{{"{T}", true}, {"{TRUE}", true}, {"{F}", false}, {"{FALSE}", false}}) {
    const Question& q = only(parse_ok("The sun is a star." + block));
    EXPECT_EQ(body<TrueFalse>(q).correct, correct) << block;
  }
}

TEST(GiftImport, TrueFalseFeedbackIsWrongThenRight) {
  // "{T#shown when wrong#shown when right}": a learner answering false sees
  // the first.
  const auto& t = body<TrueFalse>(only(parse_ok("Round? {T#No, it is round.#Yes.####Since Eratosthenes.}")));
  EXPECT_TRUE(t.correct);
  EXPECT_EQ(t.feedback_false, "No, it is round.");
  EXPECT_EQ(t.feedback_true, "Yes.");
  const Imported r = parse_ok("Flat? {FALSE#It is not flat.#Right, it is round.}");
  const auto& f = body<TrueFalse>(only(r));
  EXPECT_FALSE(f.correct);
  EXPECT_EQ(f.feedback_true, "It is not flat.");
  EXPECT_EQ(f.feedback_false, "Right, it is round.");
}

TEST(GiftImport, ShortAnswerWithWeightsAndAnUnmarkedAnswer) {
  const auto& sa = body<ShortAnswer>(only(parse_ok("Two plus two? {=four#Yes =%50%for#Spelling =4}")));
  ASSERT_EQ(sa.answers.size(), 3u);
  EXPECT_EQ(sa.answers[0], (TextAnswer{"four", 1, "Yes"}));
  EXPECT_EQ(sa.answers[1], (TextAnswer{"for", 0.5, "Spelling"}));
  EXPECT_FALSE(sa.case_sensitive);
  // As in Moodle, a lone answer without '=' is a short answer.
  EXPECT_EQ(body<ShortAnswer>(only(parse_ok("Capital of France? {Paris}"))).answers[0].pattern, "Paris");
}

TEST(GiftImport, NumericalToleranceRangeAndSeveralAnswers) {
  const auto& pi = body<Numerical>(only(parse_ok("Pi? {#3.14:0.01#Close enough}")));
  ASSERT_EQ(pi.answers.size(), 1u);
  EXPECT_EQ(pi.answers[0], (NumericAnswer{3.14, 0.01, Tolerance::Absolute, 1, "Close enough"}));

  const auto& range = body<Numerical>(only(parse_ok("A number from 1 to 5? {#1..5}")));
  EXPECT_DOUBLE_EQ(range.answers[0].value, 3);
  EXPECT_DOUBLE_EQ(range.answers[0].tolerance, 2);

  const auto& exact = body<Numerical>(only(parse_ok("Minus two? {#-2}")));
  EXPECT_EQ(exact.answers[0].value, -2);
  EXPECT_EQ(exact.answers[0].tolerance, 0);

  const auto& several =
      body<Numerical>(only(parse_ok("Grant's birth year? {#\n=1822:0#Exactly\n=%50%1822:2#Close\n}")));
  ASSERT_EQ(several.answers.size(), 2u);
  EXPECT_EQ(several.answers[1], (NumericAnswer{1822, 2, Tolerance::Absolute, 0.5, "Close"}));
}

TEST(GiftImport, MatchingWithADistractor) {
  const auto& m = body<Matching>(
      only(parse_ok("Match the capitals. {\n =Canada -> Ottawa\n =Italy -> Rome\n =Japan->Tokyo\n = -> Lyon\n}")));
  ASSERT_EQ(m.pairs.size(), 4u);
  EXPECT_EQ(m.pairs[0], (MatchPair{"a", "Canada", "Ottawa"}));
  EXPECT_EQ(m.pairs[2], (MatchPair{"c", "Japan", "Tokyo"}));
  EXPECT_EQ(m.pairs[3], (MatchPair{"d", "", "Lyon"}));
}

TEST(GiftImport, EssayWithAndWithoutGeneralFeedback) {
  EXPECT_EQ(body<Essay>(only(parse_ok("Write about Grant. {}"))), Essay{});
  const Question& q = only(parse_ok("Write about Grant. {####Mention the tomb.}"));
  EXPECT_EQ(body<Essay>(q), Essay{});
  EXPECT_EQ(q.general_feedback, "Mention the tomb.");
}

TEST(GiftImport, FormatTags) {
  EXPECT_EQ(only(parse_ok("[markdown]**Bold**? {T}")).format, TextFormat::Markdown);
  EXPECT_EQ(only(parse_ok("::t::[html]<b>Bold</b>? {T}")).format, TextFormat::Html);
  EXPECT_EQ(only(parse_ok("::t::[plain]Plain? {T}")).format, TextFormat::Plain);
  // Moodle's auto-format is plain text whose line breaks are kept: Plain.
  EXPECT_EQ(only(parse_ok("::t::[moodle]Auto? {T}")).format, TextFormat::Plain);
  const Question& q = only(parse_ok("::t::[html]<p>Which?</p> {=[html]<b>this</b>#[html]<i>yes</i> ~that}"));
  EXPECT_EQ(q.text, "<p>Which?</p>");
  EXPECT_EQ(body<SingleChoice>(q).choices[0].text, "<b>this</b>");  // an answer's own tag is dropped
  EXPECT_EQ(body<SingleChoice>(q).choices[0].feedback, "<i>yes</i>");
  // An unknown tag is text.
  EXPECT_EQ(only(parse_ok("[rtf]x? {T}")).text, "[rtf]x?");
}

TEST(GiftImport, EveryEscapeIsALiteralCharacter) {
  const Question& q =
      only(parse_ok("::Escapes \\: all::1 \\= 1\\, a \\{set\\} \\~ \\# tag\\nnext line \\\\ "
                    "end{=a\\=b\\~c\\#d\\{e\\}f\\:g\\\\h ~x}"));
  EXPECT_EQ(q.title, "Escapes : all");
  EXPECT_EQ(q.text, "1 = 1\\, a {set} ~ # tag\nnext line \\ end");
  EXPECT_EQ(body<SingleChoice>(q).choices[0].text, "a=b~c#d{e}f:g\\h");
}

TEST(GiftImport, CommentsBlankLinesAndCategories) {
  const Imported r = parse_ok(
      "// A comment before everything\n"
      "$CATEGORY: $course$/top/Algebra/Linear\n"
      "\n"
      "::One::1+1=2 {T}\n"
      "// a comment inside a question does not end it\n"
      "\n"
      "\n"
      "::Two::\n"
      "2+2=5 {F}\n"
      "\n"
      "$CATEGORY: Geometry\n"
      "\n"
      "::Three::Squares have four sides. {T}\n"
      "\n"
      "$CATEGORY: $course$/top\n"
      "\n"
      "::Four::Circles have no corners. {T}\n");
  ASSERT_EQ(r.questions.size(), 4u);
  EXPECT_EQ(r.questions[0].category, "Algebra/Linear");
  EXPECT_EQ(r.questions[0].line, 4);
  EXPECT_EQ(r.questions[1].category, "Algebra/Linear");
  EXPECT_EQ(r.questions[1].question.text, "2+2=5");
  EXPECT_EQ(r.questions[1].line, 8);
  EXPECT_EQ(r.questions[2].category, "Geometry");
  EXPECT_EQ(r.questions[3].category, "");
}

TEST(GiftImport, TitleFromTextWhenThereIsNone) {
  const Question& q = only(parse_ok("What   is\\n two plus two? {=4 =four}"));
  EXPECT_EQ(q.title, "What is two plus two?");
  const std::string long_text(200, 'x');
  EXPECT_EQ(only(parse_ok(long_text + "{=x}")).title, std::string(80, 'x') + "\xE2\x80\xA6");
}

TEST(GiftImport, CrlfAndByteOrderMark) {
  const Imported r = parse_ok("\xEF\xBB\xBF::A::One? {T}\r\n\r\n::B::Two? {F}\r\n");
  ASSERT_EQ(r.questions.size(), 2u);
  EXPECT_EQ(r.questions[0].question.title, "A");
  EXPECT_EQ(r.questions[1].line, 3);
}

// Problems: each with the line it is on, and the good questions still read.

ImportProblem only_problem(const Imported& r) {
  EXPECT_EQ(r.problems.size(), 1u);
  return r.problems.empty() ? ImportProblem{} : r.problems[0];
}

TEST(GiftProblems, DescriptionIsUnsupported) {
  const Imported r = parse_gift("::Intro::This text introduces the next questions.\n\n::Q::Yes? {T}\n");
  const ImportProblem p = only_problem(r);
  EXPECT_EQ(p.code, "unsupported");
  EXPECT_EQ(p.line, 1);
  ASSERT_EQ(r.questions.size(), 1u);
  EXPECT_EQ(r.questions[0].question.title, "Q");
}

TEST(GiftProblems, BracesAndTitlesWithTheirLines) {
  struct Case {
    std::string text;
    int line;
  };
  for (const Case& c : std::vector<Case>{
           {"::Q::Open {=a ~b\n~c\n", 1},                // not closed
           {"::Q::\nClose } first {=a ~b}\n", 2},        // '}' before '{'
           {"::Q::One {=a ~b}\nand {=c ~d}\n", 2},       // a second block
           {"::Q::Stray {=a ~b} and }\n", 1},            // a stray brace after
           {"::Q\n:Unclosed title {T}\n", 1},            // title not closed
           {"::Q::Match {\n=a -> b\n=c\n}\n", 3},        // matching without ->
           {"::Q::How many? {#\n=1\n=%50%two\n}\n", 3},  // not a number
       }) {
    const Imported r = parse_gift("::Fine::Yes? {T}\n\n" + c.text);
    const ImportProblem p = only_problem(r);
    EXPECT_EQ(p.code, "syntax") << c.text;
    EXPECT_EQ(p.line, c.line + 2) << c.text << p.message;
    EXPECT_EQ(r.questions.size(), 1u) << c.text;
  }
}

TEST(GiftProblems, NumericalCatchAllFeedbackIsUnsupported) {
  const ImportProblem p = only_problem(parse_gift("Year? {#\n=1822:0\n~#Look it up.\n}"));
  EXPECT_EQ(p.code, "unsupported");
  EXPECT_EQ(p.line, 3);
}

TEST(GiftProblems, InvalidQuestionNamesTheField) {
  // One choice only; and a single choice with a negative weight.
  const Imported r = parse_gift("::One::\nOnly one? {=a ~%-50%b}\n\n::Two::x {~%50%a ~b}\n");
  ASSERT_EQ(r.problems.size(), 2u);
  EXPECT_EQ(r.problems[0].code, "invalid_question");
  EXPECT_EQ(r.problems[0].line, 1);  // where the question starts
  EXPECT_NE(r.problems[0].message.find("choices/1/fraction"), std::string::npos) << r.problems[0].message;
  EXPECT_EQ(r.problems[1].line, 4);
  EXPECT_NE(r.problems[1].message.find("choices"), std::string::npos);
  EXPECT_TRUE(r.questions.empty());
}

TEST(GiftProblems, BadEncodingOnItsLine) {
  const Imported r =
      parse_gift("::A::Yes? {T}\n\n::B::\nBad \xC3\x28 byte {T}\n\n::C::Nul \0 here {T}\n\n::D::No? {F}"sv);
  ASSERT_EQ(r.problems.size(), 2u);
  EXPECT_EQ(r.problems[0].code, "bad_encoding");
  EXPECT_EQ(r.problems[0].line, 4);
  EXPECT_EQ(r.problems[1].code, "bad_encoding");
  EXPECT_EQ(r.problems[1].line, 6);
  ASSERT_EQ(r.questions.size(), 2u);
  EXPECT_EQ(r.questions[1].question.title, "D");
}

TEST(GiftProblems, TooLargeAndTooMany) {
  const std::string big(kMaxImportBytes + 1, 'x');
  const ImportProblem p = only_problem(parse_gift(big));
  EXPECT_EQ(p.code, "too_large");

  std::string many;
  for (size_t i = 0; i <= kMaxImportQuestions; ++i) many += "Q" + std::to_string(i) + "? {T}\n\n";
  const Imported r = parse_gift(many);
  const ImportProblem t = only_problem(r);
  EXPECT_EQ(t.code, "too_many_questions");
  EXPECT_EQ(t.line, static_cast<int>(2 * kMaxImportQuestions + 1));
  EXPECT_EQ(r.questions.size(), kMaxImportQuestions);
}

// Export details (round trips are in interchange_test.cpp).

TEST(GiftExport, EscapesAndWritesCategoriesOnce) {
  Question q;
  q.title = "A: {b}";
  q.text = "1 = 1 ~ #2\nnext \\ line";
  q.format = TextFormat::Markdown;
  q.body = TrueFalse{true, "", ""};
  const std::vector<ExportEntry> entries{{&q, "Algebra", {}}, {&q, "Algebra", {}}, {&q, "", {}}};
  const Exported e = to_gift(entries);
  EXPECT_EQ(e.text,
            "$CATEGORY: $course$/top/Algebra\n\n"
            "::A\\: \\{b\\}::[markdown]1 \\= 1 \\~ \\#2\\nnext \\\\ line{TRUE}\n\n"
            "::A\\: \\{b\\}::[markdown]1 \\= 1 \\~ \\#2\\nnext \\\\ line{TRUE}\n\n"
            "$CATEGORY: $course$/top\n\n"
            "::A\\: \\{b\\}::[markdown]1 \\= 1 \\~ \\#2\\nnext \\\\ line{TRUE}\n\n");
  EXPECT_TRUE(e.skipped.empty());
  EXPECT_TRUE(e.lossy.empty());
}

TEST(GiftExport, SkipsWhatGiftCannotExpressAndNamesWhatItLoses) {
  Question ordering;
  ordering.title = "Order";
  ordering.text = "Order these.";
  ordering.body = Ordering{{{"a", "1"}, {"b", "2"}}};
  Question cloze = ordering;
  cloze.title = "Gaps";
  cloze.text = "A {#1}.";
  cloze.body = Cloze{{ClozePart{1, ClozePart::Display::Dropdown, ShortAnswer{{{"x", 1, ""}}}}}};
  Question arrow;
  arrow.title = "Arrow";
  arrow.text = "Match.";
  arrow.body = Matching{{{"a", "a -> b", "c"}, {"b", "d", "e"}}};
  Question hinted;
  hinted.title = "Hinted";
  hinted.text = "Short?";
  hinted.hints = {"Think."};
  hinted.default_mark = 2;
  hinted.body = ShortAnswer{{{"Yes", 1, ""}}, true};
  const std::vector<ExportEntry> entries{{&ordering, "", {}}, {&cloze, "", {}}, {&arrow, "", {}}, {&hinted, "", {"t"}}};
  const Exported e = to_gift(entries);
  EXPECT_EQ(e.skipped, (std::vector<std::string>{"Order", "Gaps", "Arrow"}));
  ASSERT_EQ(e.lossy.size(), 4u);
  for (const std::string& l : e.lossy) EXPECT_EQ(l.rfind("Hinted: ", 0), 0u) << l;
  EXPECT_NE(e.text.find("::Hinted::"), std::string::npos);
  EXPECT_EQ(e.text.find("::Order::"), std::string::npos);
}

}  // namespace
}  // namespace trivium::questions
