// GIFT, Moodle's text format for questions, read and written as Moodle's
// documentation and its importer define it:
//
//   // a comment line            $CATEGORY: $course$/top/Algebra
//   ::Title::[markdown]Text with a {=right#feedback ~wrong ~%50%half ####general} blank.
//
// Questions are separated by blank lines; "\~ \= \# \{ \} \: \\" are literal
// characters and "\n" a line break. The answer block decides the kind:
// {} essay; {#...} numerical ("3.14:0.01", "1..5", several "=%50%..."
// answers); any '~' multiple choice (single choice when one answer is marked
// '='); '=' with "->" matching; T/TRUE/F/FALSE true/false (feedback
// "#when wrong#when right"); otherwise short answer. A block followed by
// more text is a missing-word question: the text gets "_____" where it was.
//
// Choices of mapping: "[moodle]" (Moodle's auto-format, plain text whose
// line breaks are kept) and a text without a format tag are read as Plain,
// like Moodle's own default; a question without an answer block (Moodle's
// "description") is not a question here and is reported as "unsupported",
// as is a numerical "~" (feedback for any other answer), which Trivium's
// numerical answers cannot hold.
#include <algorithm>
#include <cstdint>

#include "questions/answer_text.h"
#include "questions/interchange.h"
#include "questions/interchange_util.h"

namespace trivium::questions {

namespace {

using namespace interchange;
constexpr size_t npos = std::string::npos;

// One question's text after escapes are decoded: each character, whether it
// came from an escape (and so never has a special meaning), and the line
// each piece came from.
struct Decoded {
  std::string chars;
  std::vector<uint8_t> literal;
  std::vector<std::pair<size_t, int>> lines;  // offset in chars -> source line

  int line_at(size_t offset) const {
    auto it = std::upper_bound(lines.begin(), lines.end(), std::make_pair(offset, INT32_MAX));
    return it == lines.begin() ? lines.front().second : std::prev(it)->second;
  }
};

bool is_gift_escape(char c) {
  return c == '~' || c == '=' || c == '#' || c == '{' || c == '}' || c == ':' || c == '\\';
}

Decoded decode(const std::vector<std::pair<std::string_view, int>>& lines) {
  Decoded d;
  for (size_t n = 0; n < lines.size(); ++n) {
    if (n > 0) {
      d.chars += '\n';
      d.literal.push_back(0);
    }
    d.lines.emplace_back(d.chars.size(), lines[n].second);
    const std::string_view line = lines[n].first;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\\' && i + 1 < line.size() && (is_gift_escape(line[i + 1]) || line[i + 1] == 'n')) {
        d.chars += line[i + 1] == 'n' ? '\n' : line[i + 1];
        d.literal.push_back(1);
        ++i;
      } else {
        d.chars += line[i];
        d.literal.push_back(0);
      }
    }
  }
  return d;
}

// A piece [b, e) of a Decoded text.
struct Span {
  const Decoded* d = nullptr;
  size_t b = 0, e = 0;

  size_t size() const { return e - b; }
  bool empty() const { return b == e; }
  // Whether character i is `c` with its special meaning.
  bool is(size_t i, char c) const { return i < size() && d->chars[b + i] == c && !d->literal[b + i]; }
  size_t find(char c, size_t from = 0) const {
    for (size_t i = from; i < size(); ++i)
      if (is(i, c)) return i;
    return npos;
  }
  size_t find(std::string_view seq, size_t from = 0) const {
    for (size_t i = from; i + seq.size() <= size(); ++i) {
      bool all = true;
      for (size_t k = 0; k < seq.size() && all; ++k) all = is(i + k, seq[k]);
      if (all) return i;
    }
    return npos;
  }
  size_t rfind(std::string_view seq) const {
    for (size_t i = size(); i >= seq.size(); --i) {
      bool all = true;
      for (size_t k = 0; k < seq.size() && all; ++k) all = is(i - seq.size() + k, seq[k]);
      if (all) return i - seq.size();
    }
    return npos;
  }
  Span sub(size_t from, size_t to = npos) const {
    from = std::min(from, size());
    to = std::min(to, size());
    return {d, b + from, b + std::max(from, to)};
  }
  // White space that came from an escape ("\n") is content and stays.
  bool space_at(size_t i) const { return is_space(d->chars[b + i]) && !d->literal[b + i]; }
  Span trim_left() const {
    Span s = *this;
    while (!s.empty() && s.space_at(0)) ++s.b;
    return s;
  }
  Span trim_right() const {
    Span s = *this;
    while (!s.empty() && s.space_at(s.size() - 1)) --s.e;
    return s;
  }
  Span trimmed() const { return trim_left().trim_right(); }
  std::string str() const { return d->chars.substr(b, e - b); }
  int line(size_t i = 0) const { return d->line_at(b + std::min(i, size() ? size() - 1 : 0)); }
};

constexpr std::pair<std::string_view, TextFormat> kFormatTags[] = {
    {"[html]", TextFormat::Html},
    {"[markdown]", TextFormat::Markdown},
    {"[plain]", TextFormat::Plain},
    {"[moodle]", TextFormat::Plain},  // Moodle's auto-format: plain text with its line breaks
};

// A leading "[html]"-style tag: its format and length.
std::optional<std::pair<TextFormat, size_t>> format_tag(const Span& s) {
  if (!s.is(0, '[')) return std::nullopt;
  for (const auto& [tag, format] : kFormatTags) {
    if (s.size() >= tag.size() && s.d->chars.compare(s.b, tag.size(), tag) == 0)
      return std::make_pair(format, tag.size());
  }
  return std::nullopt;
}

// Answers and feedback may carry their own tag; Trivium gives every part of
// a question the question's format, so the tag is dropped.
std::string text_of(Span s) {
  s = s.trimmed();
  if (const auto tag = format_tag(s)) s = s.sub(tag->second).trimmed();
  return s.str();
}

// One answer of a block: the marker before it ('=', '~', or 0 for text
// before the first marker) and its text.
struct Segment {
  char marker = 0;
  Span body;
};

std::vector<Segment> split(const Span& inner, std::string_view markers) {
  std::vector<Segment> out;
  char marker = 0;
  size_t start = 0;
  for (size_t i = 0; i <= inner.size(); ++i) {
    const bool at_marker =
        i < inner.size() && markers.find(inner.d->chars[inner.b + i]) != npos && !inner.d->literal[inner.b + i];
    if (i < inner.size() && !at_marker) continue;
    const Span body = inner.sub(start, i);
    if (marker != 0 || !body.trimmed().empty()) out.push_back({marker, body});
    if (i < inner.size()) marker = inner.d->chars[inner.b + i];
    start = i + 1;
  }
  return out;
}

// "%50%" or "%-33.3%" at the start of an answer: its fraction, and the rest.
std::optional<double> take_weight(Span& body) {
  Span s = body.trim_left();
  if (!s.is(0, '%')) return std::nullopt;
  const size_t end = s.find('%', 1);
  if (end == npos || end > 24) return std::nullopt;
  const std::string number = s.sub(1, end).str();
  if (number.empty() || trim(number) != number) return std::nullopt;
  const auto percent = parse_decimal(number);
  if (!percent) return std::nullopt;
  body = s.sub(end + 1);
  return round_fraction(*percent / 100);
}

// "text#feedback" -> both, trimmed, format tags dropped.
std::pair<std::string, std::string> text_and_feedback(const Span& body) {
  const size_t hash = body.find('#');
  if (hash == npos) return {text_of(body), ""};
  return {text_of(body.sub(0, hash)), text_of(body.sub(hash + 1))};
}

class QuestionReader {
 public:
  QuestionReader(Imported& out, int line) : out_(out), line_(line) {}

  bool failed() const { return failed_; }

  void problem(int line, std::string code, std::string message) {
    add_problem(out_, line, "", std::move(code), std::move(message));
    failed_ = true;
  }

  std::optional<Question> read(Span all) {
    Question q;
    q.format = TextFormat::Plain;
    Span rest = all;
    if (rest.is(0, ':') && rest.is(1, ':')) {
      const size_t end = rest.find("::", 2);
      if (end == npos) {
        problem(rest.line(), "syntax", "The title is not closed with \"::\" (write \\: for a colon).");
        return std::nullopt;
      }
      q.title = std::string(trim(rest.sub(2, end).str()));
      rest = rest.sub(end + 2).trimmed();
    }
    if (const auto tag = format_tag(rest)) {
      q.format = tag->first;
      rest = rest.sub(tag->second).trimmed();
    }
    const size_t open = rest.find('{'), close = rest.find('}');
    if (open == npos && close == npos) {
      problem(line_, "unsupported",
              "A text without an answer block (Moodle's \"description\") is not a question in Trivium.");
      return std::nullopt;
    }
    if (open == npos || close == npos || close < open) {
      const size_t at = open == npos ? close : open;
      problem(rest.line(at), "syntax",
              open == npos || close < open ? "A '}' without '{' (write \\} for a brace in text)."
                                           : "The answer block is not closed with '}'.");
      return std::nullopt;
    }
    const Span after = rest.sub(close + 1);
    if (const size_t stray = std::min(after.find('{'), after.find('}')); stray != npos) {
      problem(after.line(stray), "syntax",
              "A second answer block or a stray brace after the first block (write \\{ \\} for braces in text).");
      return std::nullopt;
    }
    const Span before = rest.sub(0, open);
    if (after.trimmed().empty())
      q.text = before.trimmed().str();
    else
      q.text = before.trim_left().str() + "_____" + after.trim_right().str();

    Span inner = rest.sub(open + 1, close).trimmed();
    if (const size_t gf = inner.rfind("####"); gf != npos) {
      q.general_feedback = text_of(inner.sub(gf + 4));
      inner = inner.sub(0, gf).trimmed();
    }
    if (!read_body(inner, q)) return std::nullopt;
    if (q.title.empty()) q.title = derived_title(q.text, q.format);
    return q;
  }

 private:
  bool read_body(const Span& inner, Question& q) {
    if (inner.empty()) {
      q.body = Essay{};
    } else if (inner.is(0, '#')) {
      return read_numerical(inner.sub(1), q);
    } else if (inner.find('~') != npos) {
      read_choices(inner, q);
    } else if (inner.find('=') != npos && inner.find("->") != npos) {
      return read_matching(inner, q);
    } else if (const std::string head = inner.sub(0, inner.find('#')).trimmed().str();
               head == "T" || head == "TRUE" || head == "F" || head == "FALSE") {
      read_true_false(inner, head == "T" || head == "TRUE", q);
    } else {
      read_short_answer(inner, q);
    }
    return true;
  }

  void read_choices(const Span& inner, Question& q) {
    std::vector<Choice> choices;
    for (const Segment& s : split(inner, "=~")) {
      Span body = s.body;
      double fraction = 0;
      if (s.marker == '=')
        fraction = 1;  // as Moodle: '=' is full credit, never weighted
      else if (const auto w = take_weight(body))
        fraction = *w;
      auto [text, feedback] = text_and_feedback(body);
      choices.push_back({position_id(choices.size()), std::move(text), fraction, std::move(feedback)});
    }
    // Moodle's rule: one answer marked '=' makes it single choice; weights
    // only (several right answers) make it multiple choice.
    if (inner.find('=') != npos) {
      q.body = SingleChoice{std::move(choices)};
    } else {
      MultipleChoice mc{std::move(choices)};
      q.body = std::move(mc);
    }
  }

  bool read_matching(const Span& inner, Question& q) {
    Matching m;
    for (const Segment& s : split(inner, "=")) {
      const size_t arrow = s.body.find("->");
      if (arrow == npos) {
        problem(s.body.line(), "syntax", "A matching answer needs \"prompt -> answer\".");
        return false;
      }
      m.pairs.push_back(
          {position_id(m.pairs.size()), text_of(s.body.sub(0, arrow)), s.body.sub(arrow + 2).trimmed().str()});
    }
    q.body = std::move(m);
    return true;
  }

  void read_true_false(const Span& inner, bool correct, Question& q) {
    // "T#feedback when wrong#feedback when right" (a third '#' belongs to
    // the second feedback, as in Moodle).
    std::string wrong, right;
    if (const size_t h1 = inner.find('#'); h1 != npos) {
      const size_t h2 = inner.find('#', h1 + 1);
      wrong = text_of(inner.sub(h1 + 1, h2));
      if (h2 != npos) right = text_of(inner.sub(h2 + 1));
    }
    TrueFalse tf;
    tf.correct = correct;
    tf.feedback_true = correct ? right : wrong;
    tf.feedback_false = correct ? wrong : right;
    q.body = std::move(tf);
  }

  void read_short_answer(const Span& inner, Question& q) {
    ShortAnswer sa;
    for (const Segment& s : split(inner, "=")) {
      Span body = s.body;
      const double fraction = take_weight(body).value_or(1);
      auto [pattern, feedback] = text_and_feedback(body);
      sa.answers.push_back({std::move(pattern), fraction, std::move(feedback)});
    }
    q.body = std::move(sa);
  }

  bool read_numerical(const Span& inner, Question& q) {
    if (const size_t tilde = inner.find('~'); tilde != npos) {
      problem(inner.line(tilde), "unsupported",
              "Feedback for any other numerical answer (~) has no equivalent in Trivium.");
      return false;
    }
    Numerical num;
    for (const Segment& s : split(inner, "=")) {
      Span body = s.body;
      NumericAnswer a;
      a.fraction = take_weight(body).value_or(1);
      auto [spec, feedback] = text_and_feedback(body);
      a.feedback = std::move(feedback);
      std::optional<double> value, tolerance = 0.0;
      if (const size_t range = spec.find(".."); range != npos && range > 0) {
        const auto low = parse_decimal(std::string_view(spec).substr(0, range));
        const auto high = parse_decimal(std::string_view(spec).substr(range + 2));
        if (low && high) {
          value = (*low + *high) / 2;
          tolerance = (*high - *low) / 2;
        }
      } else if (const size_t colon = spec.find(':'); colon != npos && colon > 0) {
        value = parse_decimal(std::string_view(spec).substr(0, colon));
        tolerance = parse_decimal(std::string_view(spec).substr(colon + 1));
      } else {
        value = parse_decimal(spec);
      }
      if (!value || !tolerance) {
        problem(s.body.line(), "syntax",
                "\"" + answer_text::truncate_chars(spec, 64) + "\" is not a number, number:tolerance or low..high.");
        return false;
      }
      a.value = *value;
      a.tolerance = *tolerance;
      num.answers.push_back(std::move(a));
    }
    q.body = std::move(num);
    return true;
  }

  Imported& out_;
  int line_;
  bool failed_ = false;
};

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

Imported parse_gift(std::string_view text) {
  Imported out;
  if (!check_size(text, out)) return out;
  text = strip_bom(text);
  std::string category;
  size_t questions = 0;
  bool stop = false;
  std::vector<std::pair<std::string_view, int>> block;
  bool block_bad = false;

  const auto finish_block = [&] {
    std::vector<std::pair<std::string_view, int>> lines = std::move(block);
    const bool bad = block_bad;
    block.clear();
    block_bad = false;
    if (lines.empty() || stop) return;
    if (starts_with(trim(lines.front().first), "$CATEGORY:")) {
      category = category_path(trim(lines.front().first).substr(10));
      lines.erase(lines.begin());
      if (lines.empty()) return;
    }
    if (++questions > kMaxImportQuestions) {
      add_problem(
          out, lines.front().second, "", "too_many_questions",
          "The file has more than " + std::to_string(kMaxImportQuestions) + " questions; the rest is not read.");
      stop = true;
      return;
    }
    if (bad) return;  // its bad_encoding problem is reported
    const Decoded decoded = decode(lines);
    const Span all = Span{&decoded, 0, decoded.chars.size()}.trimmed();
    QuestionReader reader(out, all.line());
    std::optional<Question> q = reader.read(all);
    if (!q || reader.failed()) return;
    accept({std::move(*q), category, {}, all.line(), ""}, out);
  };

  int line_no = 0;
  size_t start = 0;
  while (start <= text.size() && !stop) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (find_bad_encoding(line) != std::string_view::npos) {
      add_problem(out, line_no, "", "bad_encoding", "The line is not valid UTF-8 or holds a NUL byte.");
      block_bad = true;
      block.emplace_back(std::string_view{}, line_no);
      continue;
    }
    const std::string_view t = trim(line);
    if (t.empty()) {
      finish_block();
    } else if (!starts_with(t, "//")) {
      block.emplace_back(line, line_no);
    }
  }
  finish_block();
  return out;
}

// ---------------------------------------------------------------------------
// Writing

namespace {

std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else {
      if (is_gift_escape(c)) out += '\\';
      out += c;
    }
  }
  return out;
}

std::string tag_of(TextFormat f) {
  return "[" + std::string(format_name(f)) + "]";
}

// An answer or feedback text: escaped, and protected by the question's tag
// when it starts with something a reader would take for a tag.
std::string part_text(std::string_view s, TextFormat f) {
  for (const auto& [tag, format] : kFormatTags)
    if (starts_with(s, tag)) return tag_of(f) + escape(s);
  return escape(s);
}

std::string feedback_suffix(std::string_view feedback, TextFormat f) {
  return feedback.empty() ? "" : "#" + part_text(feedback, f);
}

std::string general_feedback(const Question& q) {
  return q.general_feedback.empty() ? "" : "####" + part_text(q.general_feedback, q.format);
}

class GiftWriter {
 public:
  explicit GiftWriter(Exported& out) : out_(out) {}

  // The answer block of q, or nullopt when GIFT cannot express its kind.
  std::optional<std::string> block(const Question& q) {
    q_ = &q;
    return std::visit([&](const auto& body) { return write(body); }, q.body);
  }

 private:
  void lossy(std::string_view what) { note_lossy(out_, *q_, what); }

  std::string lines(const std::vector<std::string>& answers) {
    std::string s = "{\n";
    for (const std::string& a : answers) s += "\t" + a + "\n";
    if (!q_->general_feedback.empty()) s += "\t" + general_feedback(*q_) + "\n";
    return s + "}";
  }

  std::string choice_line(const Choice& c, bool single) {
    const TextFormat f = q_->format;
    std::string marker;
    if (single && c.fraction == 1)
      marker = "=";
    else if (c.fraction == 0 && !starts_with(c.text, "%"))
      marker = "~";
    else
      marker = "~%" + percent_text(c.fraction) + "%";
    return marker + part_text(c.text, f) + feedback_suffix(c.feedback, f);
  }

  std::optional<std::string> write(const SingleChoice& b) {
    if (!b.shuffle) lossy("the choices' order is not kept (GIFT always lets Moodle shuffle)");
    std::vector<std::string> answers;
    for (const Choice& c : b.choices) answers.push_back(choice_line(c, true));
    return lines(answers);
  }

  std::optional<std::string> write(const MultipleChoice& b) {
    if (!b.shuffle) lossy("the choices' order is not kept (GIFT always lets Moodle shuffle)");
    if (b.negative_marks) lossy("negative marks (a total below zero) are not kept: Moodle clamps at zero");
    std::vector<std::string> answers;
    for (const Choice& c : b.choices) answers.push_back(choice_line(c, false));
    return lines(answers);
  }

  std::optional<std::string> write(const TrueFalse& b) {
    const std::string& right = b.correct ? b.feedback_true : b.feedback_false;
    const std::string& wrong = b.correct ? b.feedback_false : b.feedback_true;
    std::string s = b.correct ? "{TRUE" : "{FALSE";
    if (!wrong.empty())
      s += "#" + part_text(wrong, q_->format);
    else if (!right.empty())
      s += "#";
    if (!right.empty()) s += "#" + part_text(right, q_->format);
    return s + general_feedback(*q_) + "}";
  }

  std::optional<std::string> write(const ShortAnswer& b) {
    // With '=' markers, a "->" anywhere would make the block matching;
    // one answer can do without a marker (Moodle reads "{a -> b}" as a
    // short answer), several cannot.
    bool arrow = false;
    for (const TextAnswer& a : b.answers)
      arrow = arrow || a.pattern.find("->") != npos || a.feedback.find("->") != npos;
    if (arrow && b.answers.size() != 1) return std::nullopt;
    if (b.case_sensitive) lossy("case sensitivity is not kept (GIFT short answers ignore case)");
    std::vector<std::string> answers;
    for (const TextAnswer& a : b.answers) {
      const std::string weight = "%" + percent_text(a.fraction) + "%";
      std::string marker = a.fraction == 1 && !starts_with(a.pattern, "%") ? "" : weight;
      answers.push_back(marker + part_text(a.pattern, q_->format) + feedback_suffix(a.feedback, q_->format));
    }
    if (arrow) return "{" + answers[0] + general_feedback(*q_) + "}";
    for (std::string& a : answers) a.insert(0, "=");
    return lines(answers);
  }

  std::optional<std::string> write(const Numerical& b) {
    if (!b.units.empty() || b.unit_required) lossy("units are not written (GIFT has none)");
    std::vector<std::string> answers;
    for (const NumericAnswer& a : b.answers) {
      double tolerance = a.tolerance;
      if (a.tolerance_kind == Tolerance::Relative) {
        lossy("a relative tolerance is written as an absolute one");
        tolerance = a.tolerance * std::abs(a.value);
      }
      answers.push_back("=%" + percent_text(a.fraction) + "%" + number_text(a.value) + ":" + number_text(tolerance) +
                        feedback_suffix(a.feedback, q_->format));
    }
    if (answers.size() == 1 && b.answers[0].fraction == 1)  // the short form, as authors write it
      return "{#" + answers[0].substr(answers[0].find('%', 2) + 1) + general_feedback(*q_) + "}";
    std::string s = lines(answers);
    return s.insert(1, "#");
  }

  std::optional<std::string> write(const Matching& b) {
    for (const MatchPair& p : b.pairs)
      if (p.prompt.find("->") != npos) return std::nullopt;  // would split at the wrong arrow
    if (!b.shuffle) lossy("the answers' order is not kept (GIFT always lets Moodle shuffle)");
    std::vector<std::string> answers;
    for (const MatchPair& p : b.pairs)
      answers.push_back("=" + part_text(p.prompt, q_->format) + " -> " + escape(p.answer));
    return lines(answers);
  }

  std::optional<std::string> write(const Ordering&) { return std::nullopt; }
  std::optional<std::string> write(const Cloze&) { return std::nullopt; }

  std::optional<std::string> write(const Essay& b) {
    if (b.response_format != EssayFormat::Text || b.min_words || b.max_words || b.max_files != 0 ||
        !b.response_template.empty() || !b.grader_info.empty())
      lossy("the essay's response settings are not written (GIFT has only {})");
    return "{" + general_feedback(*q_) + "}";
  }

  Exported& out_;
  const Question* q_ = nullptr;
};

}  // namespace

Exported to_gift(std::span<const ExportEntry> questions) {
  Exported out;
  GiftWriter writer(out);
  std::optional<std::string> category;  // none written yet: the file starts at the top
  for (const ExportEntry& e : questions) {
    if (e.question == nullptr) continue;
    const Question& q = *e.question;
    const std::optional<std::string> block = writer.block(q);
    if (!block) {
      out.skipped.push_back(q.title);
      continue;
    }
    if (category.value_or("") != e.category) {
      std::string path = e.category;  // one line, as GIFT has it
      if (path.find_first_of("\r\n") != npos) {
        std::replace(path.begin(), path.end(), '\n', ' ');
        std::replace(path.begin(), path.end(), '\r', ' ');
        note_lossy(out, q, "line breaks in the category are written as spaces");
      }
      out.text += "$CATEGORY: " + moodle_category(path) + "\n\n";
      category = e.category;
    }
    if (!q.hints.empty()) note_lossy(out, q, "hints are not written (GIFT has none)");
    if (q.default_mark != 1) note_lossy(out, q, "the default mark is not written (GIFT has none)");
    if (!e.tags.empty()) note_lossy(out, q, "tags are not written (GIFT has none)");
    out.text += "::" + escape(q.title) + "::" + tag_of(q.format) + escape(q.text) + *block + "\n\n";
  }
  return out;
}

}  // namespace trivium::questions
