// Aiken, the simplest single-choice format Moodle reads:
//
//   What is the capital of France?
//   A) Berlin
//   B. Paris
//   ANSWER: B
//
// A question is its text (one line or more), at least two options "A)" or
// "A." and one "ANSWER: X" line, which ends it; blank lines between
// questions are allowed. The file has no titles, feedback or formats:
// questions are read as Plain text (Moodle's auto-format), titled from
// their text, and only single-choice questions with one right choice and no
// partial credit can be written back.
#include "questions/interchange.h"
#include "questions/interchange_util.h"

namespace trivium::questions {

namespace {

using namespace interchange;

bool is_option(std::string_view t) {
  return t.size() >= 2 && t[0] >= 'A' && t[0] <= 'Z' && (t[1] == ')' || t[1] == '.') &&
         (t.size() == 2 || is_space(t[2]));
}

bool is_answer(std::string_view t) {
  static constexpr std::string_view kAnswer = "ANSWER:";
  if (t.size() < kAnswer.size()) return false;
  for (size_t i = 0; i < kAnswer.size(); ++i)
    if ((t[i] & ~0x20) != kAnswer[i] && t[i] != kAnswer[i]) return false;
  return true;
}

struct Pending {
  int line = 0;
  std::vector<std::string> text;
  std::vector<std::pair<char, std::string>> options;
  bool bad = false;
};

class AikenReader {
 public:
  explicit AikenReader(Imported& out) : out_(out) {}

  bool stopped() const { return stopped_; }

  // One trimmed, non-blank line.
  void line(std::string_view t, int line_no, bool bad_encoding) {
    if (is_answer(t)) {
      if (!pending_) {
        add_problem(out_, line_no, "", "syntax", "An ANSWER: line without a question before it.");
        return;
      }
      pending_->bad = pending_->bad || bad_encoding;
      finish(std::string(trim(t.substr(7))), line_no);
    } else if (is_option(t) && pending_) {
      for (const auto& [letter, text] : pending_->options) {
        if (letter == t[0]) {
          add_problem(out_, line_no, "", "duplicate_option",
                      std::string("The option ") + t[0] + " appears twice in this question.");
          pending_->bad = true;
        }
      }
      pending_->options.emplace_back(t[0], std::string(trim(t.substr(2))));
      if (pending_->options.back().second.empty()) {
        add_problem(out_, line_no, "", "syntax", std::string("The option ") + t[0] + " has no text.");
        pending_->bad = true;
      }
      pending_->bad = pending_->bad || bad_encoding;
    } else if (is_option(t)) {
      add_problem(out_, line_no, "", "syntax", "An option without a question before it.");
    } else {
      if (pending_ && !pending_->options.empty()) finish(std::nullopt, line_no);
      if (stopped_) return;
      if (!pending_) {
        pending_.emplace();
        pending_->line = line_no;
      }
      pending_->text.emplace_back(t);
      pending_->bad = pending_->bad || bad_encoding;
    }
  }

  // A blank line or the end of the file: a question still open lacks its
  // ANSWER line.
  void blank(int line_no) {
    if (pending_) finish(std::nullopt, line_no);
  }

 private:
  void finish(std::optional<std::string> answer, int line_no) {
    Pending p = std::move(*pending_);
    pending_.reset();
    if (++questions_ > kMaxImportQuestions) {
      add_problem(
          out_, p.line, "", "too_many_questions",
          "The file has more than " + std::to_string(kMaxImportQuestions) + " questions; the rest is not read.");
      stopped_ = true;
      return;
    }
    bool ok = !p.bad;
    if (p.options.size() < 2) {
      add_problem(out_, p.line, "", "too_few_options", "A question needs at least 2 options (\"A) ...\").");
      ok = false;
    }
    size_t right = p.options.size();
    if (!answer) {
      add_problem(out_, p.line, "", "missing_answer", "The question has no \"ANSWER: X\" line.");
      ok = false;
    } else {
      std::string letter = *answer;
      if (letter.size() == 1 && letter[0] >= 'a' && letter[0] <= 'z') letter[0] = static_cast<char>(letter[0] - 32);
      for (size_t i = 0; i < p.options.size() && letter.size() == 1; ++i)
        if (p.options[i].first == letter[0]) right = i;
      if (right == p.options.size() && ok) {
        add_problem(out_, line_no, "", "unknown_answer",
                    "ANSWER: " + *answer + " names none of this question's options.");
        ok = false;
      }
    }
    if (!ok) return;
    Question q;
    q.format = TextFormat::Plain;
    for (size_t i = 0; i < p.text.size(); ++i) q.text += (i ? "\n" : "") + p.text[i];
    q.title = derived_title(q.text, q.format);
    SingleChoice sc;
    for (size_t i = 0; i < p.options.size(); ++i)
      sc.choices.push_back({position_id(i), std::move(p.options[i].second), i == right ? 1.0 : 0.0, ""});
    q.body = std::move(sc);
    accept({std::move(q), "", {}, p.line, ""}, out_);
  }

  Imported& out_;
  std::optional<Pending> pending_;
  size_t questions_ = 0;
  bool stopped_ = false;
};

}  // namespace

Imported parse_aiken(std::string_view text) {
  Imported out;
  if (!check_size(text, out)) return out;
  text = strip_bom(text);
  AikenReader reader(out);
  int line_no = 0;
  size_t start = 0;
  while (start <= text.size() && !reader.stopped()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    const bool bad = find_bad_encoding(line) != std::string_view::npos;
    if (bad) add_problem(out, line_no, "", "bad_encoding", "The line is not valid UTF-8 or holds a NUL byte.");
    const std::string_view t = trim(line);
    if (t.empty())
      reader.blank(line_no);
    else
      reader.line(t, line_no, bad);
  }
  if (!reader.stopped()) reader.blank(line_no);
  return out;
}

namespace {

bool single_line(std::string_view s) {
  return s.find('\n') == std::string_view::npos;
}

// Why Aiken cannot hold q (empty when it can).
std::string unwritable(const Question& q) {
  const auto* sc = std::get_if<SingleChoice>(&q.body);
  if (sc == nullptr) return "not single choice";
  size_t right = 0;
  for (const Choice& c : sc->choices) {
    if (c.fraction == 1)
      ++right;
    else if (c.fraction != 0)
      return "partial credit";
    if (trim(c.text).empty() || !single_line(c.text)) return "a choice that is empty or spans lines";
  }
  if (right != 1 || sc->choices.size() > 26) return "not exactly one right choice";
  size_t start = 0;
  if (trim(q.text).empty()) return "no text";
  while (start <= q.text.size()) {
    size_t end = q.text.find('\n', start);
    if (end == std::string::npos) end = q.text.size();
    const std::string_view t = trim(std::string_view(q.text).substr(start, end - start));
    if (t.empty() || is_option(t) || is_answer(t)) return "a text line Aiken would misread";
    start = end + 1;
  }
  return "";
}

}  // namespace

Exported to_aiken(std::span<const ExportEntry> questions) {
  Exported out;
  for (const ExportEntry& e : questions) {
    if (e.question == nullptr) continue;
    const Question& q = *e.question;
    if (!unwritable(q).empty()) {
      out.skipped.push_back(q.title);
      continue;
    }
    const auto& sc = std::get<SingleChoice>(q.body);
    if (q.title != derived_title(q.text, TextFormat::Plain)) note_lossy(out, q, "the title is not written");
    if (q.format != TextFormat::Plain) note_lossy(out, q, "the text format is not written (read back as plain)");
    if (!q.general_feedback.empty() || !q.hints.empty()) note_lossy(out, q, "feedback and hints are not written");
    for (const Choice& c : sc.choices)
      if (!c.feedback.empty()) {
        note_lossy(out, q, "the choices' feedback is not written");
        break;
      }
    if (q.default_mark != 1 || !sc.shuffle) note_lossy(out, q, "the mark and shuffling are not written");
    if (!e.category.empty() || !e.tags.empty()) note_lossy(out, q, "the category and tags are not written");
    // A byte order mark starting the file would be taken for the file's
    // own and dropped; a blank line first keeps it the text's.
    if (out.text.empty() && q.text.rfind("\xEF\xBB\xBF", 0) == 0) out.text += "\n";
    out.text += q.text + "\n";
    char right = 'A';
    for (size_t i = 0; i < sc.choices.size(); ++i) {
      const char letter = static_cast<char>('A' + i);
      out.text += std::string(1, letter) + ") " + std::string(trim(sc.choices[i].text)) + "\n";
      if (sc.choices[i].fraction == 1) right = letter;
    }
    out.text += std::string("ANSWER: ") + right + "\n\n";
  }
  return out;
}

}  // namespace trivium::questions
