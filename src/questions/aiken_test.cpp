// Aiken import and export: the format, every problem with its line, and
// which questions can be written.
#include <gtest/gtest.h>

#include "questions/interchange.h"

namespace trivium::questions {
namespace {

using namespace std::literals;

TEST(AikenImport, QuestionsWithBothOptionStylesAndWithoutBlankLines) {
  const Imported r = parse_aiken(
      "What is the capital of France?\n"
      "A) Berlin\n"
      "B) Paris\n"
      "C) Rome\n"
      "ANSWER: B\n"
      "Which planet is largest?\n"
      "A. Mars\n"
      "B. Jupiter\n"
      "ANSWER: b\n"
      "\n"
      "\n"
      "Which of these\n"
      "is a prime number?\n"
      "A) 4\n"
      "B) 7\n"
      "ANSWER:A\n");
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.questions.size(), 3u);
  const Question& q = r.questions[0].question;
  EXPECT_EQ(q.title, "What is the capital of France?");
  EXPECT_EQ(q.text, "What is the capital of France?");
  EXPECT_EQ(q.format, TextFormat::Plain);
  const auto& sc = std::get<SingleChoice>(q.body);
  EXPECT_EQ(sc.choices, (std::vector<Choice>{{"a", "Berlin", 0, ""}, {"b", "Paris", 1, ""}, {"c", "Rome", 0, ""}}));
  EXPECT_EQ(r.questions[0].line, 1);
  EXPECT_EQ(r.questions[1].line, 6);
  EXPECT_EQ(std::get<SingleChoice>(r.questions[1].question.body).choices[1].fraction, 1);
  EXPECT_EQ(r.questions[2].question.text, "Which of these\nis a prime number?");
  EXPECT_EQ(r.questions[2].question.title, "Which of these is a prime number?");
  EXPECT_EQ(r.questions[2].line, 12);
  EXPECT_EQ(std::get<SingleChoice>(r.questions[2].question.body).choices[0].fraction, 1);
}

TEST(AikenImport, CarriageReturnsAndByteOrderMark) {
  const Imported r = parse_aiken("\xEF\xBB\xBFQ?\r\nA) x\r\nB) y\r\nANSWER: A\r\n");
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.questions.size(), 1u);
  EXPECT_EQ(std::get<SingleChoice>(r.questions[0].question.body).choices[1].text, "y");
}

struct ProblemCase {
  std::string text;
  std::string code;
  int line;
};

TEST(AikenProblems, EachWithItsLine) {
  for (const ProblemCase& c : std::vector<ProblemCase>{
           {"Q?\nA) x\nB) y\n\nNext?\nA) 1\nB) 2\nANSWER: A\n", "missing_answer", 1},  // a blank line ends it
           {"Q?\nA) x\nB) y\nNext?\nA) 1\nB) 2\nANSWER: A\n", "missing_answer", 1},    // a new text line ends it
           {"Next?\nA) 1\nB) 2\nANSWER: A\nQ?\nA) x\nB) y\n", "missing_answer", 5},    // the end of the file
           {"Next?\nA) 1\nB) 2\nANSWER: A\n\nQ?\nA) x\nB) y\nANSWER: D\n", "unknown_answer", 9},
           {"Next?\nA) 1\nB) 2\nANSWER: A\n\nQ?\nA) x\nB) y\nANSWER: AB\n", "unknown_answer", 9},
           {"Next?\nA) 1\nB) 2\nANSWER: A\n\nQ?\nA) only one\nANSWER: A\n", "too_few_options", 6},
           {"Next?\nA) 1\nB) 2\nANSWER: A\n\nQ?\nA) x\nA) y\nANSWER: A\n", "duplicate_option", 8},
           {"A) an option first\n\nNext?\nA) 1\nB) 2\nANSWER: A\n", "syntax", 1},
           {"ANSWER: A\n\nNext?\nA) 1\nB) 2\nANSWER: A\n", "syntax", 1},
           {"Next?\nA) 1\nB) 2\nANSWER: A\n\nQ \xFF?\nA) x\nB) y\nANSWER: A\n", "bad_encoding", 6},
           {"Next?\nA) 1\nB) 2\nANSWER: A\n\nQ?\nA) x\nB) \0\nANSWER: A\n"s, "bad_encoding", 8},
       }) {
    const Imported r = parse_aiken(c.text);
    ASSERT_EQ(r.problems.size(), 1u) << c.text;
    EXPECT_EQ(r.problems[0].code, c.code) << c.text;
    EXPECT_EQ(r.problems[0].line, c.line) << c.text;
    ASSERT_EQ(r.questions.size(), 1u) << c.text;  // the good question is still read
    EXPECT_EQ(r.questions[0].question.text, "Next?");
  }
}

TEST(AikenProblems, TooLargeAndTooMany) {
  const Imported big = parse_aiken(std::string(kMaxImportBytes + 1, 'x'));
  ASSERT_EQ(big.problems.size(), 1u);
  EXPECT_EQ(big.problems[0].code, "too_large");
  std::string many;
  for (size_t i = 0; i <= kMaxImportQuestions; ++i) many += "Q" + std::to_string(i) + "?\nA) x\nB) y\nANSWER: A\n";
  const Imported r = parse_aiken(many);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].code, "too_many_questions");
  EXPECT_EQ(r.problems[0].line, static_cast<int>(4 * kMaxImportQuestions + 1));
  EXPECT_EQ(r.questions.size(), kMaxImportQuestions);
}

Question single(std::vector<Choice> choices, std::string text = "Capital of France?") {
  Question q;
  q.text = std::move(text);
  q.title = q.text;
  q.format = TextFormat::Plain;
  q.body = SingleChoice{std::move(choices)};
  return q;
}

TEST(AikenExport, WritesSingleChoiceWithOneRightChoiceOnly) {
  const Question ok = single({{"a", "Berlin", 0, ""}, {"b", "Paris", 1, ""}});
  const Question partial = single({{"a", "Lyon", 0.5, ""}, {"b", "Paris", 1, ""}});
  const Question two_right = single({{"a", "Paris", 1, ""}, {"b", "Paris!", 1, ""}});
  const Question blank_line = single({{"a", "x", 1, ""}, {"b", "y", 0, ""}}, "First\n\nSecond");
  const Question option_like = single({{"a", "x", 1, ""}, {"b", "y", 0, ""}}, "Who?\nA. Lincoln");
  const Question multi_line_choice = single({{"a", "x\ny", 1, ""}, {"b", "z", 0, ""}});
  Question tf;
  tf.title = tf.text = "True?";
  tf.body = TrueFalse{};
  const std::vector<ExportEntry> entries{{&ok},          {&partial},           {&two_right}, {&blank_line},
                                         {&option_like}, {&multi_line_choice}, {&tf}};
  const Exported e = to_aiken(entries);
  EXPECT_EQ(e.text, "Capital of France?\nA) Berlin\nB) Paris\nANSWER: B\n\n");
  EXPECT_EQ(e.skipped.size(), 6u);
  EXPECT_TRUE(e.lossy.empty());
}

TEST(AikenExport, NamesWhatIsLost) {
  Question q = single({{"a", "Berlin", 0, "No."}, {"b", "Paris", 1, ""}});
  q.title = "Capitals 1";
  q.format = TextFormat::Markdown;
  q.general_feedback = "Paris since 508.";
  const std::vector<ExportEntry> entries{{&q, "Geography", {"europe"}}};
  const Exported e = to_aiken(entries);
  EXPECT_EQ(e.lossy.size(), 5u);
  for (const std::string& l : e.lossy) EXPECT_EQ(l.rfind("Capitals 1: ", 0), 0u) << l;
}

}  // namespace
}  // namespace trivium::questions
