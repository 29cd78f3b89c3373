// The helpers every interchange format uses (see interchange_util.h). The
// embedded-answers (cloze) syntax is in the second half of this file.
#include "questions/interchange_util.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "questions/answer_text.h"

namespace trivium::questions::interchange {

bool check_size(std::string_view input, Imported& out) {
  if (input.size() <= kMaxImportBytes) return true;
  add_problem(out, 0, "", "too_large",
              "The file has " + std::to_string(input.size()) + " bytes; at most " + std::to_string(kMaxImportBytes) +
                  " are read.");
  return false;
}

std::string_view strip_bom(std::string_view input) {
  // All of them: a file saved twice by a careless editor has two, and a
  // second one left in would start the first question's text, where a
  // written file could not keep it.
  while (input.substr(0, 3) == "\xEF\xBB\xBF") input.remove_prefix(3);
  return input;
}

size_t find_bad_encoding(std::string_view s) {
  const size_t nul = s.find('\0');
  if (answer_text::valid_utf8(s)) return nul;
  // Slow path, only for bad input: the first offset where the valid prefix
  // ends. Checking line by line keeps this linear for a large file.
  size_t line_start = 0;
  while (line_start < s.size()) {
    size_t end = s.find('\n', line_start);
    if (end == std::string_view::npos) end = s.size();
    const std::string_view line = s.substr(line_start, end - line_start);
    if (!answer_text::valid_utf8(line)) {
      size_t lo = 0, hi = line.size();  // the longest valid prefix, by bisection
      while (lo < hi) {
        const size_t mid = (lo + hi + 1) / 2;
        if (answer_text::valid_utf8(line.substr(0, mid)))
          lo = mid;
        else
          hi = mid - 1;
      }
      // A prefix that ends inside a sequence is invalid, so lo stops before
      // the sequence that is broken; report it or an earlier NUL.
      return std::min(nul, line_start + lo);
    }
    line_start = end + 1;
  }
  return nul;
}

LineIndex::LineIndex(std::string_view text) {
  starts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') starts_.push_back(i + 1);
}

int LineIndex::line_of(size_t offset) const {
  const auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  return static_cast<int>(it - starts_.begin());
}

void add_problem(Imported& out, int line, std::string path, std::string code, std::string message) {
  out.problems.push_back({line, std::move(path), std::move(code), std::move(message)});
}

std::string position_id(size_t index) {
  std::string id;
  ++index;  // bijective base 26: 1 -> "a", 26 -> "z", 27 -> "aa"
  while (index > 0) {
    --index;
    id.insert(id.begin(), static_cast<char>('a' + index % 26));
    index /= 26;
  }
  return id;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

double round_fraction(double fraction) {
  if (!std::isfinite(fraction) || std::abs(fraction) > 1e6) return fraction;  // validate() names it
  return std::round(fraction * 1e7) / 1e7;
}

std::string percent_text(double fraction) {
  if (!std::isfinite(fraction)) return "0";
  // Five decimals of a percent are Moodle's seven of a fraction.
  const double percent = std::round(fraction * 1e7) / 1e5;
  return number_text(percent);
}

std::optional<double> parse_decimal(std::string_view s, bool decimal_comma) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty() || s.size() > 64) return std::nullopt;
  std::string ascii(s);
  if (decimal_comma && ascii.find('.') == std::string::npos) std::replace(ascii.begin(), ascii.end(), ',', '.');
  // from_chars also reads "inf" and "nan", which no file means as a number.
  for (char c : ascii)
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == 'e' || c == 'E' || c == '+')) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(ascii.data(), ascii.data() + ascii.size(), v);
  if (ec != std::errc() || end != ascii.data() + ascii.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string number_text(double v) {
  return answer_text::format_number(v);
}

std::string derived_title(std::string_view text, TextFormat format) {
  std::string plain;
  if (format == TextFormat::Html) {
    bool in_tag = false;
    for (char c : text) {
      if (c == '<')
        in_tag = true;
      else if (c == '>' && in_tag) {
        in_tag = false;
        plain += ' ';
      } else if (!in_tag)
        plain += c;
    }
  }
  std::string line = answer_text::normalise_space(format == TextFormat::Html ? std::string_view(plain) : text);
  if (line.empty()) line = answer_text::normalise_space(text);
  return answer_text::truncate_chars(line, 80);
}

std::string category_path(std::string_view moodle_path) {
  std::string_view path = trim(moodle_path);
  if (path.size() > 1 && path.front() == '$') {
    const size_t end = path.find("$/", 1);
    if (end != std::string_view::npos)
      path.remove_prefix(end + 2);
    else if (path.back() == '$')
      path = {};
  }
  if (path == "top") return "";
  if (path.substr(0, 4) == "top/") path.remove_prefix(4);
  return std::string(trim(path));
}

std::string moodle_category(std::string_view path) {
  return path.empty() ? "$course$/top" : "$course$/top/" + std::string(path);
}

void accept(ImportedQuestion question, Imported& out) {
  const Result<void> valid = validate(question.question);
  if (valid) {
    out.questions.push_back(std::move(question));
    return;
  }
  for (const FieldError& e : valid.error().fields)
    add_problem(out, question.line, question.path, "invalid_question",
                "\"" + question.question.title + "\": " + e.field + ": " + e.message);
}

void note_lossy(Exported& out, const Question& q, std::string_view what) {
  out.lossy.push_back(q.title + ": " + std::string(what));
}

// ---------------------------------------------------------------------------
// Embedded answers (cloze)

namespace {

enum class PartKind { Single, Multiple, Short, Number };

struct PartType {
  std::string_view name;
  PartKind kind;
  bool radio = false;    // single choice shown as radio buttons
  bool shuffle = false;  // choice types
  bool case_sensitive = false;
};

constexpr PartType kPartTypes[] = {
    {"NUMERICAL", PartKind::Number},
    {"NM", PartKind::Number},
    {"SHORTANSWER", PartKind::Short},
    {"SA", PartKind::Short},
    {"MW", PartKind::Short},
    {"SHORTANSWER_C", PartKind::Short, false, false, true},
    {"SAC", PartKind::Short, false, false, true},
    {"MWC", PartKind::Short, false, false, true},
    {"MULTICHOICE", PartKind::Single},
    {"MC", PartKind::Single},
    {"MULTICHOICE_S", PartKind::Single, false, true},
    {"MCS", PartKind::Single, false, true},
    {"MULTICHOICE_V", PartKind::Single, true},
    {"MCV", PartKind::Single, true},
    {"MULTICHOICE_H", PartKind::Single, true},
    {"MCH", PartKind::Single, true},
    {"MULTICHOICE_VS", PartKind::Single, true, true},
    {"MCVS", PartKind::Single, true, true},
    {"MULTICHOICE_HS", PartKind::Single, true, true},
    {"MCHS", PartKind::Single, true, true},
    {"MULTIRESPONSE", PartKind::Multiple},
    {"MR", PartKind::Multiple},
    {"MULTIRESPONSE_H", PartKind::Multiple},
    {"MRH", PartKind::Multiple},
    {"MULTIRESPONSE_S", PartKind::Multiple, false, true},
    {"MRS", PartKind::Multiple, false, true},
    {"MULTIRESPONSE_HS", PartKind::Multiple, false, true},
    {"MRHS", PartKind::Multiple, false, true},
};

bool is_cloze_escape(char c) {
  return c == '}' || c == '#' || c == '~' || c == '\\' || c == '/' || c == '"';
}

void append_code_point(std::string& out, uint32_t cp) {
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

// The character reference starting at s[i] ('&'), decoded into `out`;
// returns its length, or 0 when it is none we know (then '&' is literal).
size_t decode_reference(std::string_view s, size_t i, std::string& out) {
  static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
      {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&nbsp;", "\xC2\xA0"}};
  for (const auto& [name, value] : kNamed) {
    if (s.compare(i, name.size(), name) == 0) {
      out += value;
      return name.size();
    }
  }
  if (s.compare(i, 2, "&#") != 0) return 0;
  size_t k = i + 2;
  const bool hex = k < s.size() && (s[k] == 'x' || s[k] == 'X');
  if (hex) ++k;
  const size_t digits_at = k;
  uint32_t cp = 0;
  while (k < s.size() && k - digits_at < 8) {
    const char c = s[k];
    int d = -1;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (hex && c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (hex && c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    if (d < 0) break;
    cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
    ++k;
  }
  if (k == digits_at || k >= s.size() || s[k] != ';') return 0;
  // Only what a stored text may hold: no NUL, no surrogate, nothing beyond
  // Unicode. Anything else stays as written.
  if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;
  append_code_point(out, cp);
  return k + 1 - i;
}

// An answer or feedback as written in the syntax -> the text it stands for.
std::string unescape_cloze(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && is_cloze_escape(s[i + 1])) {
      out += s[++i];
    } else if (s[i] == '&') {
      const size_t n = decode_reference(s, i, out);
      if (n == 0)
        out += '&';
      else
        i += n - 1;
    } else {
      out += s[i];
    }
  }
  return std::string(trim(out));
}

std::string escape_cloze(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '}':
      case '#':
      case '~':
      case '\\':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

// One alternative: its fraction (nullopt: none written), answer, feedback.
struct Alternative {
  std::optional<double> fraction;
  bool percent = false;  // the fraction was a %n%, not '='
  std::string answer;
  std::string feedback;
};

// "%50%", "%-33.3%", "%12,5%" at the start of `s`; its length, or 0.
size_t read_percent(std::string_view s, double& fraction) {
  if (s.empty() || s[0] != '%') return 0;
  const size_t end = s.find('%', 1);
  if (end == std::string_view::npos || end > 32) return 0;
  std::string_view number = s.substr(1, end - 1);
  if (number.empty() || trim(number) != number) return 0;
  const auto v = parse_decimal(number, true);
  if (!v) return 0;
  fraction = round_fraction(*v / 100);
  return end + 1;
}

// Splits "=a#fb~%50%b~c" into alternatives, at '~' and '#' that are neither
// escaped nor (for '#') part of a character reference such as "&#35;".
std::vector<Alternative> split_alternatives(std::string_view body) {
  std::vector<Alternative> out;
  size_t start = 0;
  while (start <= body.size()) {
    size_t i = start, hash = std::string_view::npos;
    for (; i < body.size() && body[i] != '~'; ++i) {
      if (body[i] == '\\') {
        ++i;
      } else if (body[i] == '#' && hash == std::string_view::npos && !(i > start && body[i - 1] == '&')) {
        hash = i;
      }
    }
    const size_t end = std::min(i, body.size());
    std::string_view alt = body.substr(start, end - start);
    Alternative a;
    const size_t text_end = hash == std::string_view::npos ? alt.size() : hash - start;
    std::string_view answer = alt.substr(0, text_end);
    if (!answer.empty() && answer[0] == '=') {
      a.fraction = 1;
      answer.remove_prefix(1);
    } else {
      double f = 0;
      if (const size_t n = read_percent(answer, f)) {
        a.fraction = f;
        a.percent = true;
        answer.remove_prefix(n);
      }
    }
    a.answer = unescape_cloze(answer);
    if (hash != std::string_view::npos) a.feedback = unescape_cloze(alt.substr(text_end + 1));
    out.push_back(std::move(a));
    start = end + 1;
  }
  return out;
}

// The closing brace of a part whose body starts at `from`: the first '}'
// not escaped by a backslash, or npos.
size_t closing_brace(std::string_view s, size_t from) {
  for (size_t i = from; i < s.size(); ++i) {
    if (s[i] == '\\')
      ++i;
    else if (s[i] == '}')
      return i;
  }
  return std::string_view::npos;
}

// "{2:MULTICHOICE:" at s[at]: the part's mark and type, and where its body
// starts; nullopt when this '{' does not open a part.
struct Header {
  double mark = 1;
  const PartType* type = nullptr;
  size_t body = 0;
};
std::optional<Header> read_header(std::string_view s, size_t at) {
  Header h;
  size_t k = at + 1;
  const size_t digits_at = k;
  while (k < s.size() && k - digits_at <= 9 && s[k] >= '0' && s[k] <= '9') ++k;
  if (k - digits_at > 9 || k >= s.size() || s[k] != ':') return std::nullopt;
  if (k > digits_at) h.mark = std::stod(std::string(s.substr(digits_at, k - digits_at)));
  const size_t name_at = ++k;
  while (k < s.size() && k - name_at <= 16 && ((s[k] >= 'A' && s[k] <= 'Z') || s[k] == '_')) ++k;
  if (k >= s.size() || s[k] != ':') return std::nullopt;
  const std::string_view name = s.substr(name_at, k - name_at);
  for (const PartType& t : kPartTypes)
    if (t.name == name) h.type = &t;
  if (h.type == nullptr) return std::nullopt;
  h.body = k + 1;
  return h;
}

std::vector<Choice> choices_of(const std::vector<Alternative>& alts) {
  std::vector<Choice> choices;
  for (size_t i = 0; i < alts.size(); ++i)
    choices.push_back({position_id(i), alts[i].answer, alts[i].fraction.value_or(0), alts[i].feedback});
  return choices;
}

// Moodle's rule for multiple-response parts: the positive fractions are
// scaled to add up to 1; when no %n% is written at all, each wrong choice
// takes back one right choice's share.
void normalise_multiple(MultipleChoice& mc, bool any_percent) {
  double total = 0;
  for (const Choice& c : mc.choices)
    if (c.fraction > 0) total += c.fraction;
  if (total > 0 && std::abs(total - 1) > 1e-6) {
    for (Choice& c : mc.choices)
      if (c.fraction > 0) c.fraction = round_fraction(c.fraction / total);
  }
  if (!any_percent && total > 0) {
    for (Choice& c : mc.choices)
      if (c.fraction <= 0) c.fraction = round_fraction(-1 / total);
  }
}

// Reads the body of one part; an error message when it cannot be read.
std::optional<std::string> read_part(const Header& h, std::string_view body, ClozePart& part) {
  part.mark = h.mark;
  const std::vector<Alternative> alts = split_alternatives(body);
  for (size_t i = 0; i < alts.size(); ++i)
    if (alts[i].answer.empty()) return "alternative " + std::to_string(i + 1) + " has no answer";
  const PartType& t = *h.type;
  switch (t.kind) {
    case PartKind::Single: {
      part.display = t.radio ? ClozePart::Display::Radio : ClozePart::Display::Dropdown;
      part.body = SingleChoice{choices_of(alts), t.shuffle};
      break;
    }
    case PartKind::Multiple: {
      MultipleChoice mc{choices_of(alts), t.shuffle, false};
      bool any_percent = false;
      for (const Alternative& a : alts) any_percent = any_percent || a.percent;
      normalise_multiple(mc, any_percent);
      part.body = std::move(mc);
      break;
    }
    case PartKind::Short: {
      ShortAnswer sa;
      sa.case_sensitive = t.case_sensitive;
      for (const Alternative& a : alts) sa.answers.push_back({a.answer, a.fraction.value_or(0), a.feedback});
      part.body = std::move(sa);
      break;
    }
    case PartKind::Number: {
      Numerical num;
      for (size_t i = 0; i < alts.size(); ++i) {
        const Alternative& a = alts[i];
        if (a.answer == "*") return "a numerical answer \"*\" (any other answer) has no equivalent in Trivium";
        std::string_view spec = a.answer;
        NumericAnswer n;
        const size_t colon = spec.find(':');
        const auto value = parse_decimal(spec.substr(0, colon), true);
        std::optional<double> tolerance = 0.0;
        if (colon != std::string_view::npos) tolerance = parse_decimal(spec.substr(colon + 1), true);
        if (!value || !tolerance) return "alternative " + std::to_string(i + 1) + " is not a number[:tolerance]";
        n.value = *value;
        n.tolerance = *tolerance;
        n.fraction = a.fraction.value_or(0);
        n.feedback = a.feedback;
        num.answers.push_back(std::move(n));
      }
      part.body = std::move(num);
      break;
    }
  }
  return std::nullopt;
}

std::string_view type_for(const ClozePart& part) {
  if (const auto* sc = std::get_if<SingleChoice>(&part.body)) {
    if (part.display == ClozePart::Display::Radio) return sc->shuffle ? "MULTICHOICE_VS" : "MULTICHOICE_V";
    return sc->shuffle ? "MULTICHOICE_S" : "MULTICHOICE";
  }
  if (const auto* mc = std::get_if<MultipleChoice>(&part.body))
    return mc->shuffle ? "MULTIRESPONSE_S" : "MULTIRESPONSE";
  if (const auto* sa = std::get_if<ShortAnswer>(&part.body))
    return sa->case_sensitive ? "SHORTANSWER_C" : "SHORTANSWER";
  return "NUMERICAL";
}

// An explicit fraction before every alternative, so that an answer starting
// with '=' or '%' cannot be taken for one.
std::string fraction_prefix(double fraction) {
  if (fraction == 1) return "=";
  return "%" + percent_text(fraction) + "%";
}

std::string write_part(const ClozePart& part, size_t number, std::vector<std::string>& lossy) {
  double mark = part.mark;
  if (mark != std::floor(mark) || mark < 1 || mark > 999999999) {
    lossy.push_back("part " + std::to_string(number) + ": its mark is rounded to a whole number");
    mark = std::clamp(std::round(mark), 1.0, 999999999.0);
  }
  std::string out = "{" + number_text(mark) + ":" + std::string(type_for(part)) + ":";
  std::vector<std::string> alts;
  const auto add = [&](double fraction, std::string_view answer, std::string_view feedback) {
    std::string alt = fraction_prefix(fraction) + escape_cloze(answer);
    if (!feedback.empty()) alt += "#" + escape_cloze(feedback);
    alts.push_back(std::move(alt));
  };
  if (const auto* sc = std::get_if<SingleChoice>(&part.body)) {
    for (const Choice& c : sc->choices) add(c.fraction, c.text, c.feedback);
  } else if (const auto* mc = std::get_if<MultipleChoice>(&part.body)) {
    // Never '=' here: '=' alone would make Moodle recompute the fractions.
    for (const Choice& c : mc->choices) {
      std::string alt = "%" + percent_text(c.fraction) + "%" + escape_cloze(c.text);
      if (!c.feedback.empty()) alt += "#" + escape_cloze(c.feedback);
      alts.push_back(std::move(alt));
    }
    if (mc->negative_marks)
      lossy.push_back("part " + std::to_string(number) + ": negative marks (a total below zero)");
  } else if (const auto* sa = std::get_if<ShortAnswer>(&part.body)) {
    for (const TextAnswer& a : sa->answers) add(a.fraction, a.pattern, a.feedback);
  } else if (const auto* num = std::get_if<Numerical>(&part.body)) {
    if (!num->units.empty() || num->unit_required)
      lossy.push_back("part " + std::to_string(number) + ": units are not written (the syntax has none)");
    for (const NumericAnswer& a : num->answers) {
      double tolerance = a.tolerance;
      if (a.tolerance_kind == Tolerance::Relative) {
        lossy.push_back("part " + std::to_string(number) + ": a relative tolerance is written as absolute");
        tolerance = a.tolerance * std::abs(a.value);
      }
      add(a.fraction, number_text(a.value) + ":" + number_text(tolerance), a.feedback);
    }
  }
  for (size_t i = 0; i < alts.size(); ++i) out += (i ? "~" : "") + alts[i];
  return out + "}";
}

}  // namespace

ClozeText parse_cloze(std::string_view s) {
  ClozeText out;
  size_t copied = 0;
  for (size_t at = s.find('{'); at != std::string_view::npos; at = s.find('{', at + 1)) {
    const std::optional<Header> h = read_header(s, at);
    if (!h) continue;
    const size_t close = closing_brace(s, h->body);
    // No closing brace: no later '{' can open a part either.
    if (close == std::string_view::npos) break;
    ClozePart part;
    const size_t number = out.parts.size() + out.errors.size() + 1;
    if (auto error = read_part(*h, s.substr(h->body, close - h->body), part)) {
      out.errors.push_back("part " + std::to_string(number) + ": " + *error);
    } else {
      out.parts.push_back(std::move(part));
    }
    out.text.append(s.substr(copied, at - copied));
    out.text += "{#" + std::to_string(number) + "}";
    copied = close + 1;
    at = close;
  }
  out.text.append(s.substr(copied));
  return out;
}

std::string write_cloze(const std::string& text, const Cloze& cloze, std::vector<std::string>& lossy) {
  // Each "{#n}" once, as validate() requires; replaced in one pass so that
  // a part's own text is never searched again.
  std::string out;
  size_t copied = 0;
  for (size_t at = text.find("{#"); at != std::string::npos; at = text.find("{#", at + 2)) {
    size_t k = at + 2;
    while (k < text.size() && k - at < 6 && text[k] >= '0' && text[k] <= '9') ++k;
    if (k == at + 2 || k >= text.size() || text[k] != '}' || text[at + 2] == '0') continue;
    const size_t n = std::stoul(text.substr(at + 2, k - at - 2));
    if (n < 1 || n > cloze.parts.size()) continue;
    out.append(text, copied, at - copied);
    out += write_part(cloze.parts[n - 1], n, lossy);
    copied = k + 1;
  }
  out.append(text, copied, std::string::npos);
  return out;
}

}  // namespace trivium::questions::interchange
