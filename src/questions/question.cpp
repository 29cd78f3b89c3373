// Names of the kinds and formats, and validate(): every rule a question must
// keep before it is stored, graded or exported. Each broken rule is one
// FieldError with a stable code and the path of the field, so an editor can
// show all of them at once next to the fields.
#include <cmath>
#include <map>
#include <set>

#include "core/json.h"
#include "questions/answer_text.h"
#include "questions/question.h"

namespace trivium::questions {

namespace {

constexpr size_t kMaxTitleChars = 255;
constexpr size_t kMaxHints = 10;
constexpr double kMaxMark = 1000;
constexpr size_t kMaxIdChars = 32;
constexpr size_t kMinChoices = 2, kMaxChoices = 26;
constexpr size_t kMaxAnswers = 50;
constexpr size_t kMaxPairs = 50;
constexpr size_t kMaxItems = 50;
constexpr size_t kMaxParts = 50;
constexpr int kMaxEssayFiles = 20;
// A fraction of exactly 1 is what authors mean by "full credit"; the slack
// lets 1/3 + 1/3 + 1/3 written as decimals pass.
constexpr double kFullCredit = 1 - 1e-9;
constexpr double kSumSlack = 1e-6;

// Collects the problems of one question; `prefix` is the path of the part
// being checked ("" or "parts/2/").
class Checker {
 public:
  std::vector<FieldError> errors;

  void add(const std::string& prefix, const std::string& field, std::string code, std::string message) {
    errors.push_back({prefix + field, std::move(code), std::move(message)});
  }

  // Valid UTF-8; returns false (and records it) when not, so length rules
  // that count characters are skipped.
  bool utf8(const std::string& prefix, const std::string& field, const std::string& s) {
    if (answer_text::valid_utf8(s)) return true;
    add(prefix, field, "invalid_utf8", "must be valid UTF-8");
    return false;
  }

  void ids(const std::string& prefix, const std::string& list, const std::vector<const std::string*>& ids) {
    std::set<std::string_view> seen;
    for (size_t i = 0; i < ids.size(); ++i) {
      const std::string& id = *ids[i];
      const std::string field = list + "/" + std::to_string(i) + "/id";
      if (id.empty()) {
        add(prefix, field, "required", "is required");
        continue;
      }
      if (id.size() > kMaxIdChars) add(prefix, field, "too_long", "must be at most 32 characters");
      bool plain = true;
      for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
          plain = false;
      if (!plain) add(prefix, field, "invalid_characters", "may hold only A-Z, a-z, 0-9, '_' and '-'");
      if (!seen.insert(id).second) add(prefix, field, "duplicate", "is used twice in this list");
    }
  }

  // A fraction: finite, within [-1, 1], negative only where allowed.
  void fraction(const std::string& prefix, const std::string& field, double f, bool negative_allowed) {
    if (!std::isfinite(f)) {
      add(prefix, field, "not_finite", "must be a finite number");
    } else if (f < -1 || f > 1) {
      add(prefix, field, "out_of_range", "must be between -1 and 1");
    } else if (f < 0 && !negative_allowed) {
      add(prefix, field, "negative", "may be negative only in a multiple choice question");
    }
  }

  void count(const std::string& prefix, const std::string& field, size_t n, size_t min, size_t max) {
    if (n < min) add(prefix, field, "too_few", "must have at least " + std::to_string(min));
    if (n > max) add(prefix, field, "too_many", "must have at most " + std::to_string(max));
  }

  void choices(const std::string& prefix, const std::vector<Choice>& choices, bool negative_allowed) {
    count(prefix, "choices", choices.size(), kMinChoices, kMaxChoices);
    std::vector<const std::string*> id_list;
    for (size_t i = 0; i < choices.size(); ++i) {
      const std::string at = "choices/" + std::to_string(i) + "/";
      id_list.push_back(&choices[i].id);
      utf8(prefix, at + "id", choices[i].id);
      utf8(prefix, at + "text", choices[i].text);
      utf8(prefix, at + "feedback", choices[i].feedback);
      fraction(prefix, at + "fraction", choices[i].fraction, negative_allowed);
    }
    ids(prefix, "choices", id_list);
  }

  void body(const std::string& prefix, const SingleChoice& b) {
    choices(prefix, b.choices, false);
    bool full = false;
    for (const auto& c : b.choices) full = full || c.fraction >= kFullCredit;
    if (!full) add(prefix, "choices", "no_full_credit", "one choice must earn full credit (fraction 1)");
  }

  void body(const std::string& prefix, const MultipleChoice& b) {
    choices(prefix, b.choices, true);
    double positive = 0;
    for (const auto& c : b.choices)
      if (std::isfinite(c.fraction) && c.fraction > 0) positive += c.fraction;
    if (std::abs(positive - 1) > kSumSlack)
      add(prefix, "choices", "positive_sum", "the positive fractions must add up to 1");
  }

  void body(const std::string& prefix, const TrueFalse& b) {
    utf8(prefix, "feedback_true", b.feedback_true);
    utf8(prefix, "feedback_false", b.feedback_false);
  }

  void body(const std::string& prefix, const ShortAnswer& b) {
    count(prefix, "answers", b.answers.size(), 1, kMaxAnswers);
    bool full = false;
    for (size_t i = 0; i < b.answers.size(); ++i) {
      const auto& a = b.answers[i];
      const std::string at = "answers/" + std::to_string(i) + "/";
      if (utf8(prefix, at + "pattern", a.pattern) && answer_text::normalise_space(a.pattern).empty())
        add(prefix, at + "pattern", "required", "must not be empty");
      utf8(prefix, at + "feedback", a.feedback);
      fraction(prefix, at + "fraction", a.fraction, false);
      full = full || a.fraction >= kFullCredit;
    }
    if (!b.answers.empty() && !full)
      add(prefix, "answers", "no_full_credit", "one answer must earn full credit (fraction 1)");
  }

  void body(const std::string& prefix, const Numerical& b) {
    count(prefix, "answers", b.answers.size(), 1, kMaxAnswers);
    bool full = false;
    for (size_t i = 0; i < b.answers.size(); ++i) {
      const auto& a = b.answers[i];
      const std::string at = "answers/" + std::to_string(i) + "/";
      if (!std::isfinite(a.value)) add(prefix, at + "value", "not_finite", "must be a finite number");
      if (!std::isfinite(a.tolerance)) {
        add(prefix, at + "tolerance", "not_finite", "must be a finite number");
      } else if (a.tolerance < 0) {
        add(prefix, at + "tolerance", "out_of_range", "must not be negative");
      }
      utf8(prefix, at + "feedback", a.feedback);
      fraction(prefix, at + "fraction", a.fraction, false);
      full = full || a.fraction >= kFullCredit;
    }
    if (!b.answers.empty() && !full)
      add(prefix, "answers", "no_full_credit", "one answer must earn full credit (fraction 1)");
    std::set<std::string> names;
    for (size_t i = 0; i < b.units.size(); ++i) {
      const auto& u = b.units[i];
      const std::string at = "units/" + std::to_string(i) + "/";
      if (utf8(prefix, at + "name", u.name)) {
        // Learners' units are compared with white space normalised, so
        // "km h" and "km  h" would be one unit.
        std::string name = answer_text::normalise_space(u.name);
        if (name.empty())
          add(prefix, at + "name", "required", "is required");
        else if (!names.insert(std::move(name)).second)
          add(prefix, at + "name", "duplicate", "names another unit too");
      }
      if (!std::isfinite(u.multiplier)) {
        add(prefix, at + "multiplier", "not_finite", "must be a finite number");
      } else if (u.multiplier <= 0) {
        add(prefix, at + "multiplier", "out_of_range", "must be greater than 0");
      }
    }
    if (b.unit_required && b.units.empty())
      add(prefix, "unit_required", "units_required", "a required unit needs at least one unit");
  }

  void body(const std::string& prefix, const Matching& b) {
    if (b.pairs.size() > kMaxPairs) add(prefix, "pairs", "too_many", "must have at most 50");
    size_t prompts = 0;
    std::vector<const std::string*> id_list;
    for (size_t i = 0; i < b.pairs.size(); ++i) {
      const auto& p = b.pairs[i];
      const std::string at = "pairs/" + std::to_string(i) + "/";
      id_list.push_back(&p.id);
      utf8(prefix, at + "id", p.id);
      if (utf8(prefix, at + "prompt", p.prompt) && !answer_text::normalise_space(p.prompt).empty()) ++prompts;
      if (utf8(prefix, at + "answer", p.answer) && answer_text::normalise_space(p.answer).empty())
        add(prefix, at + "answer", "required", "every pair needs an answer");
    }
    if (prompts < 2) add(prefix, "pairs", "too_few", "must have at least 2 pairs with a prompt");
    ids(prefix, "pairs", id_list);
  }

  void body(const std::string& prefix, const Ordering& b) {
    count(prefix, "items", b.items.size(), 2, kMaxItems);
    std::vector<const std::string*> id_list;
    std::set<std::string_view> texts;
    for (size_t i = 0; i < b.items.size(); ++i) {
      const auto& item = b.items[i];
      const std::string at = "items/" + std::to_string(i) + "/";
      id_list.push_back(&item.id);
      utf8(prefix, at + "id", item.id);
      if (!utf8(prefix, at + "text", item.text)) continue;
      if (answer_text::normalise_space(item.text).empty())
        add(prefix, at + "text", "required", "is required");
      else if (!texts.insert(item.text).second)
        add(prefix, at + "text", "duplicate", "two items with the same text cannot be told apart");
    }
    ids(prefix, "items", id_list);
  }

  void body(const std::string& prefix, const Essay& b) {
    if (b.min_words && *b.min_words < 0) add(prefix, "min_words", "out_of_range", "must not be negative");
    if (b.max_words && *b.max_words < 0) add(prefix, "max_words", "out_of_range", "must not be negative");
    if (b.min_words && b.max_words && *b.min_words >= 0 && *b.max_words >= 0 && *b.min_words > *b.max_words)
      add(prefix, "max_words", "min_above_max", "must not be less than min_words");
    if (b.max_files < 0 || b.max_files > kMaxEssayFiles) {
      add(prefix, "max_files", "out_of_range", "must be between 0 and 20");
    } else if (b.max_files == 0 && b.response_format != EssayFormat::Text) {
      add(prefix, "max_files", "files_required", "must be at least 1 when the response may hold files");
    }
    utf8(prefix, "response_template", b.response_template);
    utf8(prefix, "grader_info", b.grader_info);
  }

  void body(const std::string& prefix, const Cloze& b, const std::string& text) {
    count(prefix, "parts", b.parts.size(), 1, kMaxParts);
    for (size_t i = 0; i < b.parts.size(); ++i) {
      const auto& part = b.parts[i];
      const std::string at = prefix + "parts/" + std::to_string(i) + "/";
      if (!std::isfinite(part.mark))
        add(at, "mark", "not_finite", "must be a finite number");
      else if (part.mark <= 0)
        add(at, "mark", "out_of_range", "must be greater than 0");
      std::visit([&](const auto& kind) { body(at, kind); }, part.body);
    }
    placeholders(prefix, b.parts.size(), text);
  }

  // "{#1}" ... "{#n}" once each, and no other "{#m}".
  void placeholders(const std::string& prefix, size_t parts, const std::string& text) {
    std::map<size_t, int> seen;
    bool stray = false;
    for (size_t at = text.find("{#"); at != std::string::npos; at = text.find("{#", at + 2)) {
      size_t k = at + 2;
      while (k < text.size() && text[k] >= '0' && text[k] <= '9') ++k;
      if (k == at + 2 || k >= text.size() || text[k] != '}') continue;  // not a placeholder
      const std::string digits = text.substr(at + 2, k - at - 2);
      const size_t n = digits.size() > 3 ? 0 : std::stoul(digits);
      if (digits[0] == '0' || n < 1 || n > parts)
        stray = true;
      else
        ++seen[n];
    }
    for (size_t n = 1; n <= parts; ++n) {
      const std::string name = "{#" + std::to_string(n) + "}";
      if (seen[n] == 0)
        add(prefix, "text", "missing_placeholder", "must hold " + name + " where part " + std::to_string(n) + " goes");
      if (seen[n] > 1) add(prefix, "text", "duplicate_placeholder", "must hold " + name + " only once");
    }
    if (stray)
      add(prefix, "text", "unknown_placeholder",
          "holds a {#m} for a part that does not exist (parts are numbered 1 to " + std::to_string(parts) + ")");
  }
};

}  // namespace

std::string_view type_name(const Body& body) {
  static constexpr std::string_view kNames[] = {"single_choice", "multiple_choice", "true_false",
                                                "short_answer",  "numerical",       "matching",
                                                "ordering",      "cloze",           "essay"};
  static_assert(std::size(kNames) == std::variant_size_v<Body>);
  return kNames[body.index()];
}

std::string_view format_name(TextFormat f) {
  switch (f) {
    case TextFormat::Markdown: return "markdown";
    case TextFormat::Html: return "html";
    case TextFormat::Plain: return "plain";
  }
  return "markdown";
}

std::optional<TextFormat> parse_format(std::string_view name) {
  if (name == "markdown") return TextFormat::Markdown;
  if (name == "html") return TextFormat::Html;
  if (name == "plain") return TextFormat::Plain;
  return std::nullopt;
}

Result<void> validate(const Question& q) {
  Checker c;
  if (c.utf8("", "title", q.title)) {
    if (q.title.empty())
      c.add("", "title", "required", "is required");
    else if (json::utf8_length(q.title) > kMaxTitleChars)
      c.add("", "title", "too_long", "must be at most 255 characters");
  }
  if (c.utf8("", "text", q.text)) {
    if (q.text.empty())
      c.add("", "text", "required", "is required");
    else if (q.text.size() > answer_text::kMaxTextBytes)
      c.add("", "text", "too_long", "must be at most 65,536 bytes");
  }
  c.utf8("", "general_feedback", q.general_feedback);
  if (q.hints.size() > kMaxHints) c.add("", "hints", "too_many", "must have at most 10");
  for (size_t i = 0; i < q.hints.size(); ++i) c.utf8("", "hints/" + std::to_string(i), q.hints[i]);
  if (!std::isfinite(q.default_mark))
    c.add("", "default_mark", "not_finite", "must be a finite number");
  else if (q.default_mark <= 0 || q.default_mark > kMaxMark)
    c.add("", "default_mark", "out_of_range", "must be greater than 0 and at most 1000");
  std::visit(
      [&](const auto& kind) {
        if constexpr (std::is_same_v<std::decay_t<decltype(kind)>, Cloze>)
          c.body("", kind, q.text);
        else
          c.body("", kind);
      },
      q.body);
  if (c.errors.empty()) return ok();
  return fail(Error{ErrorKind::Invalid, "The question breaks " + std::to_string(c.errors.size()) + " rule(s).",
                    std::move(c.errors), 0});
}

}  // namespace trivium::questions
