// Automatic grading, and the plain-text lines that describe right answers
// and responses.
//
// Grades decide people's results, so every rule here is deterministic (no
// locale, no clock, no randomness: the same question and response give the
// same grade on every server, for regrades years later) and every odd
// input earns nothing rather than something: a response of the wrong shape,
// an unknown choice, an unreadable number.
#include <algorithm>
#include <cmath>
#include <set>

#include "questions/answer_text.h"
#include "questions/question.h"

namespace trivium::questions {

namespace {

namespace at = answer_text;

// The limit of one piece of text in a description: enough to tell responses
// apart in an item analysis, short enough for a CSV cell.
constexpr size_t kDescribeChars = 200;
constexpr double kFullCredit = 1 - 1e-9;
constexpr double kNoCredit = 1e-9;

Grade make_grade(double fraction, std::vector<std::string> feedback = {}) {
  Grade g;
  if (!std::isfinite(fraction)) fraction = 0;
  g.fraction = std::clamp(fraction, -1.0, 1.0);
  g.feedback = std::move(feedback);
  g.state = *g.fraction >= kFullCredit ? Grade::State::Correct
            : *g.fraction <= kNoCredit ? Grade::State::Wrong
                                       : Grade::State::Partial;
  return g;
}

void add_feedback(std::vector<std::string>& out, const std::string& feedback) {
  if (!feedback.empty()) out.push_back(feedback);
}

const Choice* find_choice(const std::vector<Choice>& choices, std::string_view id) {
  for (const auto& c : choices)
    if (c.id == id) return &c;
  return nullptr;
}

// ---------------------------------------------------------------------------
// Grading by kind. A null response is one of another shape: it earns 0.

Grade grade_kind(const SingleChoice& b, const ChoiceResponse* r) {
  const Choice* c = r ? find_choice(b.choices, r->choice_id) : nullptr;
  if (!c) return make_grade(0);
  std::vector<std::string> feedback;
  add_feedback(feedback, c->feedback);
  // Negative fractions belong to multiple choice only.
  return make_grade(std::clamp(c->fraction, 0.0, 1.0), std::move(feedback));
}

Grade grade_kind(const MultipleChoice& b, const ChoicesResponse* r) {
  if (!r) return make_grade(0);
  // Each choice counts once however often it is named, in the author's
  // order so the feedback reads the same for every learner.
  const std::set<std::string_view> chosen(r->choice_ids.begin(), r->choice_ids.end());
  double sum = 0;
  std::vector<std::string> feedback;
  for (const auto& c : b.choices) {
    if (!chosen.contains(c.id)) continue;
    sum += c.fraction;
    add_feedback(feedback, c.feedback);
  }
  return make_grade(std::clamp(sum, b.negative_marks ? -1.0 : 0.0, 1.0), std::move(feedback));
}

Grade grade_kind(const TrueFalse& b, const BoolResponse* r) {
  if (!r) return make_grade(0);
  std::vector<std::string> feedback;
  add_feedback(feedback, r->value ? b.feedback_true : b.feedback_false);
  return make_grade(r->value == b.correct ? 1 : 0, std::move(feedback));
}

Grade grade_kind(const ShortAnswer& b, const TextResponse* r) {
  if (!r) return make_grade(0);
  std::string response = at::normalise_space(r->text);
  // An empty response is no answer, even for a catch-all "*".
  if (response.empty()) return make_grade(0);
  if (!b.case_sensitive) response = at::fold_case(response);
  for (const auto& a : b.answers) {
    std::string pattern = at::normalise_space(a.pattern);
    if (!b.case_sensitive) pattern = at::fold_case(pattern);
    if (!at::wildcard_match(pattern, response)) continue;
    std::vector<std::string> feedback;
    add_feedback(feedback, a.feedback);
    return make_grade(std::clamp(a.fraction, 0.0, 1.0), std::move(feedback));
  }
  return make_grade(0);
}

// The response as a number in the unit the answers are written in; nullopt
// when it earns nothing.
std::optional<double> numeric_value(const Numerical& b, const std::string& text) {
  const auto parsed = at::parse_number(text);
  if (!parsed) return std::nullopt;
  if (parsed->unit.empty()) {
    if (b.unit_required) return std::nullopt;
    return parsed->number;
  }
  for (const auto& u : b.units)
    if (at::normalise_space(u.name) == parsed->unit && u.multiplier > 0) return parsed->number / u.multiplier;
  if (b.unit_required) return std::nullopt;
  return parsed->number;  // an unknown unit, ignored as Moodle does when units are optional
}

bool accepts(const NumericAnswer& a, double x) {
  const double allowed = a.tolerance_kind == Tolerance::Absolute ? a.tolerance : a.tolerance * std::abs(a.value);
  // Decimal text and unit conversion cannot be exact in binary ("0.29 m" is
  // 28.999999999999996 cm, and 0.4 - 0.3 > 0.1): a difference within a
  // relative 1e-12 of the numbers involved is rounding, not the learner's.
  const double slack = 1e-12 * std::max({std::abs(a.value), std::abs(x), std::abs(allowed)});
  return std::abs(x - a.value) <= allowed + slack;
}

Grade grade_kind(const Numerical& b, const TextResponse* r) {
  if (!r) return make_grade(0);
  const auto x = numeric_value(b, r->text);
  if (!x) return make_grade(0);
  for (const auto& a : b.answers) {
    if (!accepts(a, *x)) continue;
    std::vector<std::string> feedback;
    add_feedback(feedback, a.feedback);
    return make_grade(std::clamp(a.fraction, 0.0, 1.0), std::move(feedback));
  }
  return make_grade(0);
}

bool is_prompt(const MatchPair& p) {
  return !at::normalise_space(p.prompt).empty();
}

Grade grade_kind(const Matching& b, const MatchResponse* r) {
  if (!r) return make_grade(0);
  size_t prompts = 0, right = 0;
  for (const auto& p : b.pairs) {
    if (!is_prompt(p)) continue;
    ++prompts;
    const auto chosen = r->chosen.find(p.id);
    if (chosen == r->chosen.end()) continue;
    // By text: two pairs may offer the same answer, and either is right.
    const auto answer =
        std::find_if(b.pairs.begin(), b.pairs.end(), [&](const MatchPair& q) { return q.id == chosen->second; });
    if (answer != b.pairs.end() && answer->answer == p.answer) ++right;
  }
  if (prompts == 0) return make_grade(0);
  return make_grade(static_cast<double>(right) / static_cast<double>(prompts));
}

Grade grade_kind(const Ordering& b, const OrderResponse* r) {
  const size_t n = b.items.size();
  if (!r || n == 0 || r->item_ids.size() != n) return make_grade(0);
  std::vector<std::string> right;
  for (const auto& i : b.items) right.push_back(i.id);
  std::vector<std::string> sorted_given = r->item_ids, sorted_right = right;
  std::sort(sorted_given.begin(), sorted_given.end());
  std::sort(sorted_right.begin(), sorted_right.end());
  if (sorted_given != sorted_right) return make_grade(0);  // not a permutation
  const auto& given = r->item_ids;
  switch (b.scoring) {
    case OrderScoring::AllOrNothing: return make_grade(given == right ? 1 : 0);
    case OrderScoring::Relative: {
      size_t in_place = 0;
      for (size_t i = 0; i < n; ++i) in_place += given[i] == right[i];
      return make_grade(static_cast<double>(in_place) / static_cast<double>(n));
    }
    case OrderScoring::Adjacent: {
      if (n < 2) return make_grade(given == right ? 1 : 0);
      // A neighbouring pair is right when the second item directly follows
      // the first in the right order.
      size_t pairs = 0;
      for (size_t i = 0; i + 1 < n; ++i) {
        const auto pos = std::find(right.begin(), right.end(), given[i]) - right.begin();
        if (static_cast<size_t>(pos) + 1 < n && right[pos + 1] == given[i + 1]) ++pairs;
      }
      return make_grade(static_cast<double>(pairs) / static_cast<double>(n - 1));
    }
  }
  return make_grade(0);
}

Grade grade_kind(const Essay&, const EssayResponse*) {
  Grade g;
  g.state = Grade::State::NeedsGrading;
  return g;
}

Grade grade_kind(const Cloze& b, const ClozeResponse* r) {
  double total = 0, earned = 0;
  std::vector<std::string> feedback;
  for (size_t i = 0; i < b.parts.size(); ++i) {
    const ClozePart& part = b.parts[i];
    total += part.mark;
    const PartResponse* pr = nullptr;
    if (r) {
      const auto it = r->parts.find(static_cast<int>(i + 1));
      if (it != r->parts.end()) pr = &it->second;
    }
    const Grade g = std::visit(
        [&](const auto& body) -> Grade {
          using Body = std::decay_t<decltype(body)>;
          if constexpr (std::is_same_v<Body, SingleChoice>) {
            return grade_kind(body, pr ? std::get_if<ChoiceResponse>(pr) : nullptr);
          } else if constexpr (std::is_same_v<Body, MultipleChoice>) {
            return grade_kind(body, pr ? std::get_if<ChoicesResponse>(pr) : nullptr);
          } else {
            return grade_kind(body, pr ? std::get_if<TextResponse>(pr) : nullptr);
          }
        },
        part.body);
    earned += part.mark * g.fraction.value_or(0);
    // One entry per part, so feedback[k] belongs to gap k + 1.
    std::string joined;
    for (const auto& f : g.feedback) joined += (joined.empty() ? "" : " ") + f;
    feedback.push_back(std::move(joined));
  }
  if (total <= 0) return make_grade(0, std::move(feedback));
  return make_grade(earned / total, std::move(feedback));
}

// ---------------------------------------------------------------------------
// Plain-text lines.

// Appends the UTF-8 form of a character reference's code point.
void append_code_point(std::string& out, unsigned long cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Inline elements sit inside words ("<b>Par</b>is"); every other tag
// separates them.
bool inline_tag(std::string_view tag) {
  size_t i = tag[0] == '/' ? 1 : 0, end = i;
  while (end < tag.size() && ((tag[end] >= 'a' && tag[end] <= 'z') || (tag[end] >= 'A' && tag[end] <= 'Z') ||
                              (tag[end] >= '0' && tag[end] <= '9')))
    ++end;
  std::string name(tag.substr(i, end - i));
  for (auto& ch : name) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  static const std::set<std::string, std::less<>> kInline = {
      "a",   "abbr", "b", "code", "em",  "i",   "mark", "q",    "s",   "small", "span", "strong",
      "sub", "sup",  "u", "kbd",  "var", "del", "ins",  "cite", "dfn", "samp",  "time"};
  return kInline.contains(name);
}

// HTML to its text: block tags become spaces, inline tags nothing, the
// common entities their characters. Good enough for one line in a review
// or a CSV cell; the HTML itself is sanitised and rendered elsewhere.
std::string html_text(std::string_view html) {
  std::string out;
  for (size_t i = 0; i < html.size(); ++i) {
    const char c = html[i];
    if (c == '<') {
      const size_t end = html.find('>', i);
      if (end == std::string_view::npos) break;
      if (end == i + 1 || !inline_tag(html.substr(i + 1, end - i - 1))) out += ' ';
      i = end;
    } else if (c == '&') {
      const size_t end = html.find(';', i);
      const std::string_view name = end == std::string_view::npos ? "" : html.substr(i + 1, end - i - 1);
      std::string decoded;
      if (name == "amp")
        decoded = "&";
      else if (name == "lt")
        decoded = "<";
      else if (name == "gt")
        decoded = ">";
      else if (name == "quot")
        decoded = "\"";
      else if (name == "apos")
        decoded = "'";
      else if (name == "nbsp")
        decoded = " ";
      else if (name.size() > 1 && name.size() < 9 && name[0] == '#') {
        const bool hex = name[1] == 'x' || name[1] == 'X';
        const std::string digits(name.substr(hex ? 2 : 1));
        if (!digits.empty() &&
            digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") == std::string::npos)
          append_code_point(decoded, std::stoul(digits, nullptr, hex ? 16 : 10));
      }
      if (decoded.empty()) {
        out += c;
      } else {
        out += decoded;
        i = end;
      }
    } else {
      out += c;
    }
  }
  return out;
}

// One line of plain text from an author's text in `format`, cut to the
// description limit.
std::string line(const std::string& text, TextFormat format) {
  const std::string plain = format == TextFormat::Html ? html_text(text) : text;
  return at::truncate_chars(at::normalise_space(plain), kDescribeChars);
}

std::string choice_line(const Choice& c, TextFormat f) {
  return c.id + ") " + line(c.text, f);
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(sep) : "") + parts[i];
  return out;
}

constexpr std::string_view kNone = "(no answer)";

struct RightAnswer {
  TextFormat f;

  std::string operator()(const SingleChoice& b) const {
    std::vector<std::string> best;
    for (const auto& c : b.choices)
      if (c.fraction >= kFullCredit) best.push_back(choice_line(c, f));
    return join(best, " or ");
  }
  std::string operator()(const MultipleChoice& b) const {
    std::vector<std::string> right;
    for (const auto& c : b.choices)
      if (c.fraction > 0) right.push_back(choice_line(c, f));
    return join(right, "; ");
  }
  std::string operator()(const TrueFalse& b) const { return b.correct ? "True" : "False"; }
  std::string operator()(const ShortAnswer& b) const {
    for (const auto& a : b.answers)
      if (a.fraction >= kFullCredit) return line(a.pattern, TextFormat::Plain);
    return "";
  }
  std::string operator()(const Numerical& b) const {
    for (const auto& a : b.answers) {
      if (a.fraction < kFullCredit) continue;
      std::string out = at::format_number(a.value);
      if (a.tolerance > 0) {
        out += " \xC2\xB1 ";  // ±
        out += a.tolerance_kind == Tolerance::Absolute ? at::format_number(a.tolerance)
                                                       : at::format_number(a.tolerance * 100) + "%";
      }
      if (!b.units.empty()) out += " " + line(b.units.front().name, TextFormat::Plain);
      return out;
    }
    return "";
  }
  std::string operator()(const Matching& b) const {
    std::vector<std::string> pairs;
    for (const auto& p : b.pairs)
      if (is_prompt(p)) pairs.push_back(line(p.prompt, f) + " \xE2\x86\x92 " + line(p.answer, f));  // →
    return join(pairs, "; ");
  }
  std::string operator()(const Ordering& b) const {
    std::vector<std::string> items;
    for (size_t i = 0; i < b.items.size(); ++i)
      items.push_back(std::to_string(i + 1) + ". " + line(b.items[i].text, f));
    return join(items, "; ");
  }
  std::string operator()(const Cloze& b) const {
    std::vector<std::string> parts;
    for (size_t i = 0; i < b.parts.size(); ++i)
      parts.push_back(std::to_string(i + 1) + ": " + std::visit(*this, b.parts[i].body));
    return join(parts, "; ");
  }
  // Graded by a person: nothing to show, and never the graders' notes.
  std::string operator()(const Essay&) const { return ""; }
};

struct Describe {
  TextFormat f;

  std::string choice(const std::vector<Choice>& list, const ChoiceResponse& r) const {
    const Choice* c = find_choice(list, r.choice_id);
    return c ? choice_line(*c, f) : line(r.choice_id, TextFormat::Plain) + ")";
  }
  std::string choices(const std::vector<Choice>& list, const ChoicesResponse& r) const {
    const std::set<std::string_view> chosen(r.choice_ids.begin(), r.choice_ids.end());
    std::vector<std::string> out;
    // In the author's order: the same set of choices reads the same, so an
    // item analysis counts it as one response.
    for (const auto& c : list)
      if (chosen.contains(c.id)) out.push_back(choice_line(c, f));
    return out.empty() ? std::string(kNone) : join(out, "; ");
  }
  static std::string text(const TextResponse& r) {
    const std::string t = line(r.text, TextFormat::Plain);
    return t.empty() ? std::string(kNone) : t;
  }

  std::string operator()(const SingleChoice& b, const ChoiceResponse& r) const { return choice(b.choices, r); }
  std::string operator()(const MultipleChoice& b, const ChoicesResponse& r) const { return choices(b.choices, r); }
  std::string operator()(const TrueFalse&, const BoolResponse& r) const { return r.value ? "True" : "False"; }
  std::string operator()(const ShortAnswer&, const TextResponse& r) const { return text(r); }
  std::string operator()(const Numerical&, const TextResponse& r) const { return text(r); }
  std::string operator()(const Matching& b, const MatchResponse& r) const {
    std::vector<std::string> out;
    for (const auto& p : b.pairs) {
      if (!is_prompt(p)) continue;
      std::string chosen(kNone);
      if (const auto it = r.chosen.find(p.id); it != r.chosen.end())
        for (const auto& q : b.pairs)
          if (q.id == it->second) chosen = line(q.answer, f);
      out.push_back(line(p.prompt, f) + " \xE2\x86\x92 " + chosen);
    }
    return join(out, "; ");
  }
  std::string operator()(const Ordering& b, const OrderResponse& r) const {
    std::vector<std::string> out;
    for (size_t i = 0; i < r.item_ids.size(); ++i) {
      std::string text = line(r.item_ids[i], TextFormat::Plain);
      for (const auto& item : b.items)
        if (item.id == r.item_ids[i]) text = line(item.text, f);
      out.push_back(std::to_string(i + 1) + ". " + text);
    }
    return out.empty() ? std::string(kNone) : join(out, "; ");
  }
  std::string operator()(const Cloze& b, const ClozeResponse& r) const {
    std::vector<std::string> out;
    for (size_t i = 0; i < b.parts.size(); ++i) {
      std::string part(kNone);
      if (const auto it = r.parts.find(static_cast<int>(i + 1)); it != r.parts.end()) {
        const ClozePart& p = b.parts[i];
        if (const auto* c = std::get_if<ChoiceResponse>(&it->second)) {
          if (const auto* sc = std::get_if<SingleChoice>(&p.body)) part = choice(sc->choices, *c);
        } else if (const auto* cs = std::get_if<ChoicesResponse>(&it->second)) {
          if (const auto* mc = std::get_if<MultipleChoice>(&p.body)) part = choices(mc->choices, *cs);
        } else if (const auto* t = std::get_if<TextResponse>(&it->second)) {
          part = text(*t);
        }
      }
      out.push_back(std::to_string(i + 1) + ": " + part);
    }
    return join(out, "; ");
  }
  std::string operator()(const Essay&, const EssayResponse& r) const {
    std::string out = line(r.text, TextFormat::Plain);
    if (!r.file_ids.empty()) {
      const std::string files =
          "[" + std::to_string(r.file_ids.size()) + (r.file_ids.size() == 1 ? " file]" : " files]");
      out += (out.empty() ? "" : " ") + files;
    }
    return out.empty() ? std::string(kNone) : out;
  }
  template <typename B, typename R>
  std::string operator()(const B&, const R&) const {
    return std::string(kNone);  // a response of another kind
  }
};

}  // namespace

Grade grade(const Question& q, const Response& r) {
  return std::visit(
      [&](const auto& body) -> Grade {
        using Body = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<Body, SingleChoice>)
          return grade_kind(body, std::get_if<ChoiceResponse>(&r));
        else if constexpr (std::is_same_v<Body, MultipleChoice>)
          return grade_kind(body, std::get_if<ChoicesResponse>(&r));
        else if constexpr (std::is_same_v<Body, TrueFalse>)
          return grade_kind(body, std::get_if<BoolResponse>(&r));
        else if constexpr (std::is_same_v<Body, ShortAnswer> || std::is_same_v<Body, Numerical>)
          return grade_kind(body, std::get_if<TextResponse>(&r));
        else if constexpr (std::is_same_v<Body, Matching>)
          return grade_kind(body, std::get_if<MatchResponse>(&r));
        else if constexpr (std::is_same_v<Body, Ordering>)
          return grade_kind(body, std::get_if<OrderResponse>(&r));
        else if constexpr (std::is_same_v<Body, Cloze>)
          return grade_kind(body, std::get_if<ClozeResponse>(&r));
        else
          return grade_kind(body, std::get_if<EssayResponse>(&r));
      },
      q.body);
}

std::string right_answer(const Question& q) {
  return std::visit(RightAnswer{q.format}, q.body);
}

std::string describe(const Question& q, const Response& r) {
  return std::visit(Describe{q.format}, q.body, r);
}

}  // namespace trivium::questions
