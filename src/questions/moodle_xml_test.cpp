// Moodle XML import: each question type as Moodle writes it, the cloze
// syntax in every variant, categories and tags, problems with their element
// paths, and hostile documents (F2: no entity expansion, nothing fetched).
#include <gtest/gtest.h>

#include <chrono>

#include "questions/interchange.h"

namespace trivium::questions {
namespace {

using namespace std::literals;

std::string quiz(std::string_view questions) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n" + std::string(questions) + "</quiz>\n";
}

// A <question> with a name and text around `rest`.
std::string question(std::string_view type, std::string_view rest, std::string_view format = "html") {
  return "<question type=\"" + std::string(type) + "\">\n<name><text>Q " + std::string(type) +
         "</text></name>\n<questiontext format=\"" + std::string(format) +
         "\"><text><![CDATA[<p>Asked?</p>]]></text></questiontext>\n" + std::string(rest) + "</question>\n";
}

Imported parse_ok(const std::string& xml) {
  Imported r = parse_moodle_xml(xml);
  for (const ImportProblem& p : r.problems) ADD_FAILURE() << p.path << " " << p.code << ": " << p.message;
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

TEST(MoodleXmlImport, MultichoiceSingleWithCommonFields) {
  const Imported r = parse_ok(quiz(question("multichoice", R"(
    <generalfeedback format="html"><text>Paris since 508.</text></generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <single>true</single>
    <shuffleanswers>false</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <answer fraction="100" format="html"><text>Paris</text><feedback format="html"><text>Yes.</text></feedback></answer>
    <answer fraction="33.33333" format="html"><text>Lyon</text><feedback><text></text></feedback></answer>
    <answer fraction="0"><text><![CDATA[<b>Rome</b>]]></text></answer>
    <hint format="html"><text>Think of the Seine.</text></hint>
    <hint format="html"><text></text></hint>
    <tags><tag><text>europe</text></tag><tag><text>capitals</text></tag></tags>
  )")));
  const Question& q = only(r);
  EXPECT_EQ(q.title, "Q multichoice");
  EXPECT_EQ(q.text, "<p>Asked?</p>");
  EXPECT_EQ(q.format, TextFormat::Html);
  EXPECT_EQ(q.general_feedback, "Paris since 508.");
  EXPECT_EQ(q.default_mark, 2);
  EXPECT_EQ(q.hints, std::vector<std::string>{"Think of the Seine."});  // empty hints are not hints
  const auto& sc = body<SingleChoice>(q);
  EXPECT_FALSE(sc.shuffle);
  EXPECT_EQ(sc.choices, (std::vector<Choice>{
                            {"a", "Paris", 1, "Yes."}, {"b", "Lyon", 0.3333333, ""}, {"c", "<b>Rome</b>", 0, ""}}));
  EXPECT_EQ(r.questions[0].tags, (std::vector<std::string>{"europe", "capitals"}));
  EXPECT_EQ(r.questions[0].path, "quiz/question[1]");
  EXPECT_EQ(r.questions[0].line, 3);
}

TEST(MoodleXmlImport, MultichoiceMultipleWithNegativeFractions) {
  const auto& mc = body<MultipleChoice>(only(parse_ok(quiz(question("multichoice", R"(
    <single>false</single>
    <answer fraction="50"><text>2</text></answer>
    <answer fraction="50"><text>3</text></answer>
    <answer fraction="-100"><text>4</text></answer>
  )")))));
  EXPECT_FALSE(mc.negative_marks);  // Moodle clamps the total at zero
  EXPECT_TRUE(mc.shuffle);
  EXPECT_EQ(mc.choices[2].fraction, -1);
}

TEST(MoodleXmlImport, TrueFalse) {
  const auto& tf = body<TrueFalse>(only(parse_ok(quiz(question("truefalse", R"(
    <answer fraction="0" format="moodle_auto_format"><text>true</text><feedback><text>No.</text></feedback></answer>
    <answer fraction="100" format="moodle_auto_format"><text>false</text><feedback><text>Yes.</text></feedback></answer>
  )")))));
  EXPECT_FALSE(tf.correct);
  EXPECT_EQ(tf.feedback_true, "No.");
  EXPECT_EQ(tf.feedback_false, "Yes.");
}

TEST(MoodleXmlImport, ShortAnswerWithCase) {
  const auto& sa = body<ShortAnswer>(only(parse_ok(quiz(question("shortanswer", R"(
    <usecase>1</usecase>
    <answer fraction="100"><text>Paris</text><feedback><text>Right.</text></feedback></answer>
    <answer fraction="50"><text>Par*</text></answer>
  )")))));
  EXPECT_TRUE(sa.case_sensitive);
  EXPECT_EQ(sa.answers, (std::vector<TextAnswer>{{"Paris", 1, "Right."}, {"Par*", 0.5, ""}}));
}

TEST(MoodleXmlImport, NumericalWithUnits) {
  const auto& n = body<Numerical>(only(parse_ok(quiz(question("numerical", R"(
    <answer fraction="100"><text>12.5</text><feedback><text>Good.</text></feedback><tolerance>0.1</tolerance></answer>
    <answer fraction="50"><text>12</text><tolerance>1</tolerance></answer>
    <units>
      <unit><multiplier>1</multiplier><unit_name>cm</unit_name></unit>
      <unit><multiplier>0.01</multiplier><unit_name>m</unit_name></unit>
    </units>
    <unitgradingtype>1</unitgradingtype>
    <unitpenalty>0.1000000</unitpenalty>
    <showunits>0</showunits>
    <unitsleft>0</unitsleft>
  )")))));
  EXPECT_EQ(n.answers, (std::vector<NumericAnswer>{{12.5, 0.1, Tolerance::Absolute, 1, "Good."},
                                                   {12, 1, Tolerance::Absolute, 0.5, ""}}));
  EXPECT_EQ(n.units, (std::vector<NumericUnit>{{"cm", 1}, {"m", 0.01}}));
  EXPECT_TRUE(n.unit_required);
}

TEST(MoodleXmlImport, Matching) {
  const auto& m = body<Matching>(only(parse_ok(quiz(question("matching", R"(
    <shuffleanswers>true</shuffleanswers>
    <subquestion format="html"><text>France</text><answer><text>Paris</text></answer></subquestion>
    <subquestion format="html"><text>Italy</text><answer><text>Rome</text></answer></subquestion>
    <subquestion format="html"><text></text><answer><text>Lyon</text></answer></subquestion>
  )")))));
  EXPECT_EQ(m.pairs, (std::vector<MatchPair>{{"a", "France", "Paris"}, {"b", "Italy", "Rome"}, {"c", "", "Lyon"}}));
}

TEST(MoodleXmlImport, OrderingSortsByPlaceAndMapsGrading) {
  const std::string items = R"(
    <answer fraction="3.0000000" format="html"><text>Mouse</text></answer>
    <answer fraction="1.0000000" format="html"><text>Atom</text></answer>
    <answer fraction="2.0000000" format="html"><text>Cell</text></answer>
  )";
  for (const auto& [grading, scoring] :
       std::vector<std::pair<std::string, OrderScoring>>{{"ALL_OR_NOTHING", OrderScoring::AllOrNothing},
                                                         {"ABSOLUTE_POSITION", OrderScoring::Relative},
                                                         {"RELATIVE_NEXT_EXCLUDE_LAST", OrderScoring::Adjacent},
                                                         {"", OrderScoring::Relative}}) {
    const auto& o = body<Ordering>(only(parse_ok(
        quiz(question("ordering", "<layouttype>VERTICAL</layouttype><selecttype>ALL</selecttype><gradingtype>" +
                                      grading + "</gradingtype>" + items)))));
    EXPECT_EQ(o.items, (std::vector<OrderItem>{{"a", "Atom"}, {"b", "Cell"}, {"c", "Mouse"}}));
    EXPECT_EQ(o.scoring, scoring) << grading;
  }
  const Imported other =
      parse_moodle_xml(quiz(question("ordering", "<gradingtype>LONGEST_ORDERED_SUBSET</gradingtype>" + items)));
  ASSERT_EQ(other.problems.size(), 1u);
  EXPECT_EQ(other.problems[0].code, "unsupported");
  EXPECT_EQ(other.problems[0].path, "quiz/question[1]/gradingtype");
}

TEST(MoodleXmlImport, EssayFields) {
  const auto& e = body<Essay>(only(parse_ok(quiz(question("essay", R"(
    <responseformat>editor</responseformat>
    <responserequired>1</responserequired>
    <responsefieldlines>15</responsefieldlines>
    <minwordlimit>10</minwordlimit>
    <maxwordlimit></maxwordlimit>
    <attachments>2</attachments>
    <attachmentsrequired>0</attachmentsrequired>
    <graderinfo format="html"><text>Three arguments.</text></graderinfo>
    <responsetemplate format="html"><text>I think</text></responsetemplate>
  )")))));
  EXPECT_EQ(e, (Essay{EssayFormat::TextAndFiles, 10, std::nullopt, 2, "I think", "Three arguments."}));
  const auto& files = body<Essay>(only(parse_ok(quiz(question("essay", R"(
    <responseformat>noinline</responseformat><attachments>-1</attachments>)")))));
  EXPECT_EQ(files.response_format, EssayFormat::Files);
  EXPECT_EQ(files.max_files, 20);  // unlimited
  const auto& text = body<Essay>(only(parse_ok(quiz(question("essay", "<responseformat>plain</responseformat>")))));
  EXPECT_EQ(text, Essay{});
}

TEST(MoodleXmlImport, TextFormats) {
  for (const auto& [name, format] :
       std::vector<std::pair<std::string, TextFormat>>{{"html", TextFormat::Html},
                                                       {"markdown", TextFormat::Markdown},
                                                       {"plain_text", TextFormat::Plain},
                                                       {"moodle_auto_format", TextFormat::Plain}}) {
    EXPECT_EQ(only(parse_ok(quiz(question("essay", "", name)))).format, format) << name;
  }
}

TEST(MoodleXmlImport, CategoriesApplyToTheQuestionsAfterThem) {
  const Imported r = parse_ok(
      quiz(question("essay", "") +
           "<question type=\"category\"><category><text>$course$/top/Geography/Europe</text></category></question>\n" +
           question("essay", "") + question("essay", "") +
           "<question type=\"category\"><category><text>$course$/top</text></category></question>\n" +
           question("essay", "")));
  ASSERT_EQ(r.questions.size(), 4u);
  EXPECT_EQ(r.questions[0].category, "");
  EXPECT_EQ(r.questions[1].category, "Geography/Europe");
  EXPECT_EQ(r.questions[1].path, "quiz/question[3]");
  EXPECT_EQ(r.questions[2].category, "Geography/Europe");
  EXPECT_EQ(r.questions[3].category, "");
}

// Cloze: the embedded answers become parts and "{#n}" in the text.

Question cloze_question(const std::string& text) {
  return only(
      parse_ok(quiz("<question type=\"cloze\"><name><text>Gaps</text></name>"
                    "<questiontext format=\"html\"><text><![CDATA[" +
                    text + "]]></text></questiontext></question>")));
}

TEST(MoodleXmlCloze, ChoicePartsInEveryVariant) {
  struct Case {
    std::string type;
    bool single;
    ClozePart::Display display;
    bool shuffle;
  };
  for (const Case& c : std::vector<Case>{
           {"MULTICHOICE", true, ClozePart::Display::Dropdown, false},
           {"MC", true, ClozePart::Display::Dropdown, false},
           {"MULTICHOICE_S", true, ClozePart::Display::Dropdown, true},
           {"MCS", true, ClozePart::Display::Dropdown, true},
           {"MULTICHOICE_V", true, ClozePart::Display::Radio, false},
           {"MCV", true, ClozePart::Display::Radio, false},
           {"MULTICHOICE_H", true, ClozePart::Display::Radio, false},
           {"MCH", true, ClozePart::Display::Radio, false},
           {"MULTICHOICE_VS", true, ClozePart::Display::Radio, true},
           {"MCVS", true, ClozePart::Display::Radio, true},
           {"MULTICHOICE_HS", true, ClozePart::Display::Radio, true},
           {"MCHS", true, ClozePart::Display::Radio, true},
           {"MULTIRESPONSE", false, ClozePart::Display::Dropdown, false},
           {"MR", false, ClozePart::Display::Dropdown, false},
           {"MULTIRESPONSE_H", false, ClozePart::Display::Dropdown, false},
           {"MRH", false, ClozePart::Display::Dropdown, false},
           {"MULTIRESPONSE_S", false, ClozePart::Display::Dropdown, true},
           {"MRS", false, ClozePart::Display::Dropdown, true},
           {"MULTIRESPONSE_HS", false, ClozePart::Display::Dropdown, true},
           {"MRHS", false, ClozePart::Display::Dropdown, true},
       }) {
    const std::string answers = c.single ? "=red#Yes~blue#No" : "%50%red~%50%green#Also~%-50%blue";
    const Question q = cloze_question("Colours: {2:" + c.type + ":" + answers + "}.");
    EXPECT_EQ(q.text, "Colours: {#1}.") << c.type;
    const std::vector<ClozePart> parts = body<Cloze>(q).parts;
    ASSERT_EQ(parts.size(), 1u) << c.type;
    EXPECT_EQ(parts[0].mark, 2);
    EXPECT_EQ(parts[0].display, c.display) << c.type;
    if (c.single) {
      const auto& sc = std::get<SingleChoice>(parts[0].body);
      EXPECT_EQ(sc.shuffle, c.shuffle) << c.type;
      EXPECT_EQ(sc.choices, (std::vector<Choice>{{"a", "red", 1, "Yes"}, {"b", "blue", 0, "No"}})) << c.type;
    } else {
      const auto& mc = std::get<MultipleChoice>(parts[0].body);
      EXPECT_EQ(mc.shuffle, c.shuffle) << c.type;
      EXPECT_FALSE(mc.negative_marks);
      EXPECT_EQ(mc.choices,
                (std::vector<Choice>{{"a", "red", 0.5, ""}, {"b", "green", 0.5, "Also"}, {"c", "blue", -0.5, ""}}));
    }
  }
}

TEST(MoodleXmlCloze, MultiresponseWithoutPercentsSharesTheMark) {
  // Moodle's rule: right answers share 1; each wrong one takes one share back.
  const Question q = cloze_question("{1:MR:=a~=b~=c~d}");
  const MultipleChoice mc = std::get<MultipleChoice>(body<Cloze>(q).parts[0].body);
  EXPECT_DOUBLE_EQ(mc.choices[0].fraction, 0.3333333);
  EXPECT_DOUBLE_EQ(mc.choices[3].fraction, -0.3333333);
  EXPECT_FALSE(mc.negative_marks);
}

TEST(MoodleXmlCloze, ShortAnswerNumericalWeightsAndDefaults) {
  const Question q = cloze_question(
      "A {:SHORTANSWER:=Paris#Right~%50%Lyon~*#Wrong} B {3:SA:=x} C {1:SAC:=Case} D {1:MW:=w} E {1:MWC:=W} "
      "F {1:NUMERICAL:=3.5:0.1#Close~%50%3:1} G {1:NM:=2,5}");
  EXPECT_EQ(q.text, "A {#1} B {#2} C {#3} D {#4} E {#5} F {#6} G {#7}");
  const std::vector<ClozePart> parts = body<Cloze>(q).parts;
  ASSERT_EQ(parts.size(), 7u);
  EXPECT_EQ(parts[0].mark, 1);  // no weight written
  EXPECT_EQ(parts[1].mark, 3);
  const auto& sa = std::get<ShortAnswer>(parts[0].body);
  EXPECT_FALSE(sa.case_sensitive);
  EXPECT_EQ(sa.answers, (std::vector<TextAnswer>{{"Paris", 1, "Right"}, {"Lyon", 0.5, ""}, {"*", 0, "Wrong"}}));
  EXPECT_TRUE(std::get<ShortAnswer>(parts[2].body).case_sensitive);
  EXPECT_FALSE(std::get<ShortAnswer>(parts[3].body).case_sensitive);
  EXPECT_TRUE(std::get<ShortAnswer>(parts[4].body).case_sensitive);
  const auto& n = std::get<Numerical>(parts[5].body);
  EXPECT_EQ(n.answers, (std::vector<NumericAnswer>{{3.5, 0.1, Tolerance::Absolute, 1, "Close"},
                                                   {3, 1, Tolerance::Absolute, 0.5, ""}}));
  EXPECT_EQ(std::get<Numerical>(parts[6].body).answers[0].value, 2.5);  // a decimal comma
}

TEST(MoodleXmlCloze, EscapesAndCharacterReferences) {
  const Question q = cloze_question(R"({1:SA:=a\}b\#c\~d\\e#f\}g~%0%x &amp; y &lt;z&gt; &#35;1 &#x41;})");
  const ShortAnswer sa = std::get<ShortAnswer>(body<Cloze>(q).parts[0].body);
  ASSERT_EQ(sa.answers.size(), 2u);
  EXPECT_EQ(sa.answers[0], (TextAnswer{"a}b#c~d\\e", 1, "f}g"}));
  EXPECT_EQ(sa.answers[1].pattern, "x & y <z> #1 A");
  // Text that is not a part stays as written.
  EXPECT_EQ(cloze_question("{not a part} {1:UNKNOWN:=x} {#} {1:SA:=y}").text, "{not a part} {1:UNKNOWN:=x} {#} {#1}");
}

TEST(MoodleXmlCloze, ProblemsInParts) {
  for (const std::string& text : {"{1:NM:=*}"s, "{1:NM:=abc}"s, "{1:SA:}"s, "{1:MC:=a~}"s}) {
    const Imported r =
        parse_moodle_xml(quiz("<question type=\"cloze\"><name><text>G</text></name><questiontext>"
                              "<text>" +
                              text + "</text></questiontext></question>"));
    ASSERT_EQ(r.problems.size(), 1u) << text;
    EXPECT_EQ(r.problems[0].path, "quiz/question[1]/questiontext") << text;
    EXPECT_NE(r.problems[0].message.find("part 1"), std::string::npos) << r.problems[0].message;
    EXPECT_TRUE(r.questions.empty());
  }
}

// Problems with their element paths; the other questions are still read.

TEST(MoodleXmlProblems, UnknownTypeAndDescription) {
  const Imported r = parse_moodle_xml(
      quiz(question("essay", "") + question("calculated", "") + question("description", "") + question("essay", "")));
  ASSERT_EQ(r.problems.size(), 2u);
  EXPECT_EQ(r.problems[0].code, "unknown_type");
  EXPECT_EQ(r.problems[0].path, "quiz/question[2]");
  EXPECT_GT(r.problems[0].line, 3);
  EXPECT_EQ(r.problems[1].code, "unsupported");
  EXPECT_EQ(r.problems[1].path, "quiz/question[3]");
  ASSERT_EQ(r.questions.size(), 2u);
  EXPECT_EQ(r.questions[1].path, "quiz/question[4]");
}

TEST(MoodleXmlProblems, PathsOfBadElements) {
  struct Case {
    std::string xml;
    std::string code, path;
  };
  for (const Case& c : std::vector<Case>{
           {question("multichoice",
                     "<answer fraction=\"100\"><text>a</text></answer>"
                     "<answer fraction=\"lots\"><text>b</text></answer>"),
            "syntax", "quiz/question[2]/answer[2]"},
           {question("numerical", "<answer fraction=\"100\"><text>*</text></answer>"), "unsupported",
            "quiz/question[2]/answer[1]"},
           {question("numerical", "<answer fraction=\"100\"><text>12</text><tolerance>x</tolerance></answer>"),
            "syntax", "quiz/question[2]/answer[1]/tolerance"},
           {question("truefalse", "<answer fraction=\"100\"><text>yes</text></answer>"), "syntax",
            "quiz/question[2]/answer[1]"},
           {question("essay", "<defaultgrade>one</defaultgrade>"), "syntax", "quiz/question[2]/defaultgrade"},
           {question("essay", "<generalfeedback><text><p>markup</p></text></generalfeedback>"), "syntax",
            "quiz/question[2]/generalfeedback/text"},
           {question("essay", "<tags><tag><text>&#xD800;</text></tag></tags>"), "bad_encoding",
            "quiz/question[2]/tags/tag[1]/text"},
           {question("multichoice", "<answer fraction=\"100\"><text>only</text></answer>"), "invalid_question",
            "quiz/question[2]"},
       }) {
    const Imported r = parse_moodle_xml(quiz(question("essay", "") + c.xml));
    ASSERT_FALSE(r.problems.empty()) << c.xml;
    EXPECT_EQ(r.problems[0].code, c.code) << c.xml;
    EXPECT_EQ(r.problems[0].path, c.path) << c.xml;
    EXPECT_EQ(r.questions.size(), 1u) << c.xml;
  }
}

TEST(MoodleXmlProblems, InvalidQuestionNamesTheField) {
  const Imported r = parse_moodle_xml(quiz(question("shortanswer", "<answer fraction=\"50\"><text>x</text></answer>")));
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].code, "invalid_question");
  EXPECT_NE(r.problems[0].message.find("answers"), std::string::npos) << r.problems[0].message;
}

TEST(MoodleXmlProblems, DocumentLevel) {
  const Imported broken = parse_moodle_xml("<quiz>\n<question type=\"essay\">\n</quiz>\n");
  ASSERT_EQ(broken.problems.size(), 1u);
  EXPECT_EQ(broken.problems[0].code, "syntax");
  EXPECT_EQ(broken.problems[0].line, 3);

  const Imported root = parse_moodle_xml("<questions><question type=\"essay\"/></questions>");
  ASSERT_EQ(root.problems.size(), 1u);
  EXPECT_EQ(root.problems[0].code, "syntax");

  const Imported encoding = parse_moodle_xml(quiz("<question type=\"essay\">\n<name><text>\xE9t\xE9</text></name>"));
  ASSERT_EQ(encoding.problems.size(), 1u);
  EXPECT_EQ(encoding.problems[0].code, "bad_encoding");
  EXPECT_EQ(encoding.problems[0].line, 4);

  const Imported nul = parse_moodle_xml(quiz(question("essay", "")) + "\0"s);
  ASSERT_EQ(nul.problems.size(), 1u);
  EXPECT_EQ(nul.problems[0].code, "bad_encoding");

  const Imported big = parse_moodle_xml(std::string(kMaxImportBytes + 1, ' '));
  ASSERT_EQ(big.problems.size(), 1u);
  EXPECT_EQ(big.problems[0].code, "too_large");
}

TEST(MoodleXmlProblems, TooManyQuestions) {
  std::string many;
  const std::string one = question("essay", "");
  for (size_t i = 0; i <= kMaxImportQuestions; ++i) many += one;
  const Imported r = parse_moodle_xml(quiz(many));
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].code, "too_many_questions");
  EXPECT_EQ(r.problems[0].path, "quiz/question[" + std::to_string(kMaxImportQuestions + 1) + "]");
  EXPECT_EQ(r.questions.size(), kMaxImportQuestions);
}

// Hostile documents (F2).

TEST(MoodleXmlHostile, BillionLaughsIsNotExpandedF2) {
  std::string doctype = "<!DOCTYPE quiz [\n<!ENTITY lol \"lol\">\n";
  for (int i = 1; i <= 9; ++i) {
    doctype += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) doctype += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    doctype += "\">\n";
  }
  doctype += "]>\n";
  const auto start = std::chrono::steady_clock::now();
  const Imported r = parse_moodle_xml(
      doctype + "<quiz>" + question("essay", "<generalfeedback><text>&lol9;</text></generalfeedback>") + "</quiz>");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  ASSERT_EQ(r.questions.size(), 1u);
  // The reference stays as written: never expanded to a billion "lol"s.
  EXPECT_EQ(r.questions[0].question.general_feedback, "&lol9;");
}

TEST(MoodleXmlHostile, ExternalEntityIsNeverReadF2) {
  const Imported r = parse_moodle_xml(
      "<?xml version=\"1.0\"?>\n<!DOCTYPE quiz [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">"
      "<!ENTITY net SYSTEM \"http://127.0.0.1:9/x\">]>\n<quiz>" +
      question("essay", "<generalfeedback><text>&xxe;&net;</text></generalfeedback>") + "</quiz>");
  ASSERT_EQ(r.questions.size(), 1u);
  EXPECT_EQ(r.questions[0].question.general_feedback, "&xxe;&net;");
  EXPECT_EQ(r.questions[0].question.general_feedback.find("root:"), std::string::npos);
}

TEST(MoodleXmlHostile, DeepNestingAndHugeAttributesF2) {
  std::string deep = "<quiz>" + question("essay", "");
  for (int i = 0; i < 200000; ++i) deep += "<a>";
  for (int i = 0; i < 200000; ++i) deep += "</a>";
  deep += "</quiz>";
  const Imported r = parse_moodle_xml(deep);
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(r.questions.size(), 1u);

  std::string nested;
  for (int i = 0; i < 100000; ++i) nested += "<b>";
  for (int i = 0; i < 100000; ++i) nested += "</b>";
  const Imported deep_text =
      parse_moodle_xml(quiz(question("essay", "<generalfeedback><text>" + nested + "</text></generalfeedback>")));
  ASSERT_EQ(deep_text.problems.size(), 1u);  // markup inside a text: reported, not walked
  EXPECT_EQ(deep_text.problems[0].path, "quiz/question[1]/generalfeedback/text");

  const std::string huge(8u << 20, 'x');
  const Imported a = parse_moodle_xml(quiz("<question type=\"" + huge + "\"><name><text>x</text></name></question>"));
  ASSERT_EQ(a.problems.size(), 1u);
  EXPECT_EQ(a.problems[0].code, "unknown_type");
}

}  // namespace
}  // namespace trivium::questions
