// Round trips (export -> import gives the same questions, ids renamed by
// position) for every kind each format supports, F3's parse -> write ->
// parse stability on the committed fuzz seeds, and hostile text inputs.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "questions/interchange.h"

namespace trivium::questions {
namespace {

using namespace std::literals;

std::string position_id(size_t i) {
  std::string id;
  for (++i; i > 0; i /= 26) id.insert(id.begin(), static_cast<char>('a' + --i % 26));
  return id;
}

void rename(std::vector<Choice>& choices) {
  for (size_t i = 0; i < choices.size(); ++i) choices[i].id = position_id(i);
}

// Ids inside a question are not carried by the formats: readers give them
// by position. The same renaming on the original makes both comparable.
Question normalise_ids(Question q) {
  if (auto* sc = std::get_if<SingleChoice>(&q.body)) rename(sc->choices);
  if (auto* mc = std::get_if<MultipleChoice>(&q.body)) rename(mc->choices);
  if (auto* m = std::get_if<Matching>(&q.body))
    for (size_t i = 0; i < m->pairs.size(); ++i) m->pairs[i].id = position_id(i);
  if (auto* o = std::get_if<Ordering>(&q.body))
    for (size_t i = 0; i < o->items.size(); ++i) o->items[i].id = position_id(i);
  if (auto* c = std::get_if<Cloze>(&q.body)) {
    for (ClozePart& part : c->parts) {
      if (auto* sc = std::get_if<SingleChoice>(&part.body)) rename(sc->choices);
      if (auto* mc = std::get_if<MultipleChoice>(&part.body)) rename(mc->choices);
    }
  }
  return q;
}

Question make(std::string title, std::string text, Body body, TextFormat format = TextFormat::Markdown) {
  Question q;
  q.title = std::move(title);
  q.text = std::move(text);
  q.format = format;
  q.body = std::move(body);
  EXPECT_TRUE(validate(q)) << q.title;
  return q;
}

// The kinds GIFT can express, with its special characters everywhere.
std::vector<Question> gift_questions() {
  std::vector<Question> qs;
  qs.push_back(make("Capital: {France}", "Which city? ~ = # { } : \\ and\na second line",
                    SingleChoice{{{"x1", "Lyon", 0, "No: it is # 3"},
                                  {"x2", "Paris", 1, "Yes {indeed}"},
                                  {"x3", "Marseille", 0.25, ""},
                                  {"x4", "%50% off", 0, ""},
                                  {"x5", "[html] not a tag", 0, "[plain] neither"}}}));
  qs.back().general_feedback = "Paris ~ since 508";
  MultipleChoice primes{{{"p", "2", 0.5, "prime"}, {"q", "3", 0.5, ""}, {"r", "4", -0.5, "even"}, {"s", "9", 0, ""}}};
  qs.push_back(make("Primes", "Which are prime?", primes, TextFormat::Html));
  qs.push_back(
      make("Thirds", "Pick the thirds.",
           MultipleChoice{
               {{"a", "x", 0.3333333, ""}, {"b", "y", 0.3333333, ""}, {"c", "z", 0.3333334, ""}, {"d", "w", 0, ""}}},
           TextFormat::Plain));
  qs.push_back(make("Round", "The earth is round.", TrueFalse{true, "Yes.", "Look again."}));
  qs.push_back(make("Flat", "The earth is flat.", TrueFalse{false, "", "Right."}));
  qs.push_back(make("Plain false", "No feedback at all.", TrueFalse{false, "", ""}));
  qs.push_back(make("City", "Name the capital.",
                    ShortAnswer{{{"Paris", 1, "Exactly."}, {"Par*", 0.5, "Close."}, {"%", 0.1, ""}}}));
  Numerical length;
  length.answers = {{12.5, 0.1, Tolerance::Absolute, 1, "Right."}, {-12, 1e-3, Tolerance::Absolute, 0.5, ""}};
  qs.push_back(make("Length", "How long?", length));
  qs.push_back(make("Pi", "Pi to two places?", Numerical{{{3.14, 0.005, Tolerance::Absolute, 1, ""}}}));
  qs.push_back(make("Countries", "Match: the capitals.",
                    Matching{{{"m1", "France", "Paris"}, {"m2", "Italy", "Rome = Roma"}, {"m3", "", "Lyon"}}}));
  qs.push_back(make("Essay", "Discuss the _____ in your own words.", Essay{}));
  qs.back().general_feedback = "Three arguments.";
  return qs;
}

std::vector<ExportEntry> entries(const std::vector<Question>& qs, std::vector<std::string> categories = {}) {
  std::vector<ExportEntry> out;
  for (size_t i = 0; i < qs.size(); ++i)
    out.push_back({&qs[i], categories.empty() ? "" : categories[i % categories.size()], {}});
  return out;
}

void expect_same(const std::vector<ExportEntry>& in, const Imported& back, bool with_tags) {
  for (const ImportProblem& p : back.problems)
    ADD_FAILURE() << "line " << p.line << " " << p.path << " " << p.code << ": " << p.message;
  ASSERT_EQ(back.questions.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const Question expected = normalise_ids(*in[i].question);
    EXPECT_TRUE(back.questions[i].question == expected) << "question " << i << " \"" << expected.title << "\"";
    EXPECT_EQ(back.questions[i].category, in[i].category) << i;
    if (with_tags) {
      EXPECT_EQ(back.questions[i].tags, in[i].tags) << i;
    }
  }
}

TEST(RoundTrip, Gift) {
  const std::vector<Question> qs = gift_questions();
  const std::vector<ExportEntry> in = entries(qs, {"", "Algebra/Linear", "Algebra/Linear", "Geometry"});
  const Exported out = to_gift(in);
  EXPECT_TRUE(out.skipped.empty());
  EXPECT_TRUE(out.lossy.empty()) << out.lossy.front();
  expect_same(in, parse_gift(out.text), false);
}

TEST(RoundTrip, Aiken) {
  std::vector<Question> qs;
  qs.push_back(make("What is the capital of France?", "What is the capital of France?",
                    SingleChoice{{{"a", "Berlin", 0, ""}, {"b", "Paris", 1, ""}, {"c", "Rome", 0, ""}}},
                    TextFormat::Plain));
  qs.push_back(make("Which of these is prime? (one answer)", "Which of these\nis prime? (one answer)",
                    SingleChoice{{{"k", "A) 7", 1, ""}, {"l", "ANSWER: 4", 0, ""}}}, TextFormat::Plain));
  const std::vector<ExportEntry> in = entries(qs);
  const Exported out = to_aiken(in);
  EXPECT_TRUE(out.skipped.empty());
  EXPECT_TRUE(out.lossy.empty()) << out.lossy.front();
  expect_same(in, parse_aiken(out.text), false);
}

std::vector<Question> xml_questions() {
  std::vector<Question> qs = gift_questions();
  qs[0].hints = {"Think of the Seine.", "It has a tower."};
  qs[0].default_mark = 2.5;
  std::get<SingleChoice>(qs[0].body).shuffle = false;
  std::get<MultipleChoice>(qs[1].body).shuffle = false;
  std::get<ShortAnswer>(qs[6].body).case_sensitive = true;
  Numerical units = std::get<Numerical>(qs[7].body);
  units.units = {{"cm", 1}, {"m", 0.01}};
  units.unit_required = true;
  qs.push_back(make("Units", "In cm?", units));
  std::get<Matching>(qs[9].body).shuffle = false;
  for (OrderScoring s : {OrderScoring::AllOrNothing, OrderScoring::Relative, OrderScoring::Adjacent})
    qs.push_back(make("Sizes", "Smallest first <b>&amp;</b>",
                      Ordering{{{"o1", "Atom"}, {"o2", "Cell"}, {"o3", "Whale"}}, s}, TextFormat::Html));
  ClozePart choice{
      2, ClozePart::Display::Dropdown,
      SingleChoice{{{"a", "red", 1, "Yes # }"}, {"b", "=blue", 0, "No ~"}, {"c", "%5% pink", 0.5, ""}}, false}};
  ClozePart radio{1, ClozePart::Display::Radio,
                  SingleChoice{{{"a", "<b>a & b</b>", 1, ""}, {"b", "c\\d", 0, "&amp;"}}}};
  MultipleChoice many{{{"a", "one", 0.5, ""}, {"b", "two", 0.5, ""}, {"c", "three", -0.25, ""}}};
  ClozePart response{1, ClozePart::Display::Dropdown, many};
  ClozePart text{3, ClozePart::Display::Dropdown, ShortAnswer{{{"green", 1, "Good."}, {"gr*n", 0.5, ""}}, true}};
  ClozePart number{1, ClozePart::Display::Dropdown,
                   Numerical{{{2.5, 0.1, Tolerance::Absolute, 1, "ok"}, {-3, 0, Tolerance::Absolute, 0.3333333, ""}}}};
  qs.push_back(make("Gaps", "Blood is {#1}, {#2} and {#3}; grass is {#4}; {not a part} is {#5}.",
                    Cloze{{choice, radio, response, text, number}}, TextFormat::Html));
  qs.push_back(make("Essay text", "Write.", Essay{EssayFormat::Text, 10, 500, 0, "Start here", "Look for three."}));
  qs.push_back(make("Essay both", "Write and attach.", Essay{EssayFormat::TextAndFiles, std::nullopt, 300, 3, "", ""}));
  qs.push_back(make("Essay files", "Attach.", Essay{EssayFormat::Files, std::nullopt, std::nullopt, 1, "", ""}));
  return qs;
}

TEST(RoundTrip, MoodleXmlEveryKind) {
  const std::vector<Question> qs = xml_questions();
  std::vector<ExportEntry> in = entries(qs, {"Geography/Europe", "", "Geography/Europe", "Science"});
  in[0].tags = {"europe", "capitals <b>&"};
  in[5].tags = {"logic"};
  const Exported out = to_moodle_xml(in);
  EXPECT_TRUE(out.skipped.empty());
  EXPECT_TRUE(out.lossy.empty()) << out.lossy.front();
  expect_same(in, parse_moodle_xml(out.text), true);
  // Every kind is in there.
  std::set<size_t> kinds;
  for (const Question& q : qs) kinds.insert(q.body.index());
  EXPECT_EQ(kinds.size(), std::variant_size_v<Body>);
}

TEST(RoundTrip, MoodleXmlCarriageReturnsAndControlCharacters) {
  std::vector<Question> qs{make("CR", "one\r\ntwo\rthree\x01", Essay{}, TextFormat::Plain)};
  const std::vector<ExportEntry> in = entries(qs);
  expect_same(in, parse_moodle_xml(to_moodle_xml(in).text), false);
}

TEST(RoundTrip, LossIsNamedWhereAFormatHasNoPlace) {
  Question relative = make("Relative", "How far?", Numerical{{{100, 0.05, Tolerance::Relative, 1, ""}}});
  const std::vector<ExportEntry> in{{&relative, "", {}}};
  const Exported xml = to_moodle_xml(in);
  ASSERT_EQ(xml.lossy.size(), 1u);
  EXPECT_NE(xml.lossy[0].find("relative"), std::string::npos);
  // Written as the absolute tolerance it amounts to.
  const Imported back = parse_moodle_xml(xml.text);
  ASSERT_EQ(back.questions.size(), 1u);
  EXPECT_DOUBLE_EQ(std::get<Numerical>(back.questions[0].question.body).answers[0].tolerance, 5);
  EXPECT_EQ(to_gift(in).lossy.size(), 1u);
}

// F3: for every committed seed that reads without problems, writing and
// reading again gives the same questions (the fuzz targets check the same
// on generated inputs).
std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

template <typename Parse, typename Write>
void check_seeds(const char* target, Parse parse, Write write) {
  // ctest sets TRIVIUM_SOURCE_DIR; run by hand, the test looks for the tree
  // from the working directory up.
  std::filesystem::path dir;
  if (const char* root = std::getenv("TRIVIUM_SOURCE_DIR")) {
    dir = std::filesystem::path(root) / "fuzz" / "corpus" / target;
  } else {
    for (auto at = std::filesystem::current_path(); dir.empty(); at = at.parent_path()) {
      if (std::filesystem::is_directory(at / "fuzz" / "corpus" / target)) dir = at / "fuzz" / "corpus" / target;
      if (at == at.parent_path()) break;
    }
  }
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  size_t clean = 0, files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    ++files;
    const Imported first = parse(read_file(entry.path()));
    if (!first.problems.empty()) continue;
    ++clean;
    std::vector<ExportEntry> in;
    for (const ImportedQuestion& q : first.questions) in.push_back({&q.question, q.category, q.tags});
    const Exported out = write(in);
    EXPECT_TRUE(out.skipped.empty()) << entry.path();
    const Imported second = parse(out.text);
    EXPECT_TRUE(second.problems.empty()) << entry.path() << "\n" << out.text;
    ASSERT_EQ(second.questions.size(), first.questions.size()) << entry.path();
    for (size_t i = 0; i < first.questions.size(); ++i) {
      EXPECT_TRUE(second.questions[i].question == first.questions[i].question) << entry.path() << " #" << i;
      EXPECT_EQ(second.questions[i].category, first.questions[i].category) << entry.path();
    }
  }
  EXPECT_GE(files, 5u);
  EXPECT_GE(clean, 3u) << "most seeds should read cleanly";
}

TEST(ParseWriteParse, GiftSeedsF3) {
  check_seeds("gift", parse_gift, to_gift);
}
TEST(ParseWriteParse, AikenSeedsF3) {
  check_seeds("aiken", parse_aiken, to_aiken);
}
TEST(ParseWriteParse, MoodleXmlSeedsF3) {
  check_seeds("moodle_xml", parse_moodle_xml, to_moodle_xml);
}

// Hostile text: long lines, NUL bytes, binary.

TEST(HostileText, OneMegabyteLineIsReadInLinearTime) {
  std::string line = "::Long::";
  for (int i = 0; i < 100000; ++i) line += "{x} ~= \\";
  line.resize(1 << 20);
  for (const auto& parse : {parse_gift, parse_aiken, parse_moodle_xml}) {
    const auto start = std::chrono::steady_clock::now();
    const Imported r = parse(line);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    EXPECT_TRUE(r.questions.empty());
    EXPECT_FALSE(r.problems.empty());
  }
  // A block with thousands of choices on one line.
  std::string answers = "Pick {=right";
  while (answers.size() < (256u << 10)) answers += " ~wrong";
  const Imported r = parse_gift(answers + "}");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].code, "invalid_question");  // too many choices, found quickly
}

TEST(HostileText, NulBytesAndBinaryAreBadEncoding) {
  const std::string nul = "Q?\0\nA) x\nB) y\nANSWER: A\n"s;
  for (const auto& parse : {parse_gift, parse_aiken, parse_moodle_xml}) {
    const Imported r = parse(nul);
    ASSERT_FALSE(r.problems.empty());
    EXPECT_EQ(r.problems[0].code, "bad_encoding");
    EXPECT_EQ(r.problems[0].line, 1);
  }
  std::string binary;
  for (int i = 0; i < 4096; ++i) binary += static_cast<char>((i * 7919) & 0xFF);
  for (const auto& parse : {parse_gift, parse_aiken, parse_moodle_xml}) {
    const Imported r = parse(binary);
    EXPECT_TRUE(r.questions.empty());
    EXPECT_FALSE(r.problems.empty());
  }
}

}  // namespace
}  // namespace trivium::questions
