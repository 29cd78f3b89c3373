// The JSON form of questions and responses (see question.h for the shape).
//
// Reading is strict, as for every API body: an unknown field, a value of the
// wrong type or a missing required field is an error with the field's path,
// and every such error is reported at once. Only a question that reads
// cleanly is then checked by validate(), so its rules are not reported
// against half-read values.
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <set>

#include "questions/answer_text.h"
#include "questions/question.h"

namespace trivium::questions {

namespace bj = boost::json;

namespace {

// ---------------------------------------------------------------------------
// Reading, with paths.

using Errors = std::vector<FieldError>;

const char* kind_name(const bj::value& v) {
  switch (v.kind()) {
    case bj::kind::null: return "null";
    case bj::kind::bool_: return "a boolean";
    case bj::kind::int64:
    case bj::kind::uint64:
    case bj::kind::double_: return "a number";
    case bj::kind::string: return "a string";
    case bj::kind::array: return "an array";
    case bj::kind::object: return "an object";
  }
  return "?";
}

void wrong_type(Errors& errors, std::string path, const char* expected, const bj::value& got) {
  errors.push_back({std::move(path), "wrong_type", std::string("must be ") + expected + ", not " + kind_name(got)});
}

// Reads the fields of one JSON object; `path` is the object's path with a
// trailing '/' ("" for the question itself, "choices/2/").
class ObjectReader {
 public:
  ObjectReader(const bj::object& obj, std::string path, Errors& errors)
      : obj_(obj), path_(std::move(path)), errors_(errors) {}

  std::string path(std::string_view key) const { return path_ + std::string(key); }
  Errors& errors() { return errors_; }

  // The value of `key`, or null when absent (a "required" error if it must
  // be there).
  const bj::value* get(std::string_view key, bool required) {
    seen_.emplace(key);
    auto it = obj_.find(key);
    if (it == obj_.end()) {
      if (required) errors_.push_back({path(key), "required", "is required"});
      return nullptr;
    }
    return &it->value();
  }

  void string(std::string_view key, std::string& out, bool required = false) {
    const bj::value* v = get(key, required);
    if (!v) return;
    if (!v->is_string()) return wrong_type(errors_, path(key), "a string", *v);
    out = std::string(v->get_string());
  }

  void boolean(std::string_view key, bool& out, bool required = false) {
    const bj::value* v = get(key, required);
    if (!v) return;
    if (!v->is_bool()) return wrong_type(errors_, path(key), "true or false", *v);
    out = v->get_bool();
  }

  void number(std::string_view key, double& out, bool required = false) {
    const bj::value* v = get(key, required);
    if (!v) return;
    if (!v->is_number()) return wrong_type(errors_, path(key), "a number", *v);
    const double d = v->to_number<double>();
    // Boost.JSON can hold infinities and NaN built in code (never parsed
    // from text); a grade computed from one would be meaningless.
    if (!std::isfinite(d)) return errors_.push_back({path(key), "not_finite", "must be a finite number"});
    out = d;
  }

  // An integer, or null for "no value".
  void optional_int(std::string_view key, std::optional<int>& out) {
    const bj::value* v = get(key, false);
    if (!v || v->is_null()) return;
    read_int(key, *v, out);
  }

  void integer(std::string_view key, int& out) {
    const bj::value* v = get(key, false);
    if (!v) return;
    std::optional<int> i;
    read_int(key, *v, i);
    if (i) out = *i;
  }

  // One of `names`; its index.
  template <typename Enum, size_t N>
  void one_of(std::string_view key, const std::string_view (&names)[N], Enum& out, bool required = false) {
    const bj::value* v = get(key, required);
    if (!v) return;
    if (!v->is_string()) return wrong_type(errors_, path(key), "a string", *v);
    for (size_t i = 0; i < N; ++i) {
      if (v->get_string() == names[i]) {
        out = static_cast<Enum>(i);
        return;
      }
    }
    std::string list;
    for (auto n : names) list += (list.empty() ? "" : ", ") + std::string(n);
    errors_.push_back({path(key), "enum", "must be one of: " + list});
  }

  // The array at `key` (null when absent or not an array).
  const bj::array* array(std::string_view key, bool required) {
    const bj::value* v = get(key, required);
    if (!v) return nullptr;
    if (!v->is_array()) {
      wrong_type(errors_, path(key), "an array", *v);
      return nullptr;
    }
    return &v->get_array();
  }

  // Treats every field as read: for an object whose kind is unknown, so
  // only the kind is reported.
  void ignore_rest() {
    for (const auto& kv : obj_) seen_.emplace(kv.key());
  }

  // Reports every field no reader asked for (no mass assignment, AC-03).
  void finish() {
    for (const auto& kv : obj_)
      if (!seen_.contains(std::string_view(kv.key())))
        errors_.push_back({path(kv.key()), "unknown_field", "is not a field of this object"});
  }

 private:
  void read_int(std::string_view key, const bj::value& v, std::optional<int>& out) {
    if (!v.is_number()) return wrong_type(errors_, path(key), "an integer", v);
    const double d = v.to_number<double>();
    if (!std::isfinite(d) || d != std::floor(d)) return wrong_type(errors_, path(key), "an integer", v);
    if (d < -1e9 || d > 1e9) return errors_.push_back({path(key), "out_of_range", "is out of range"});
    out = static_cast<int>(d);
  }

  const bj::object& obj_;
  std::string path_;
  Errors& errors_;
  std::set<std::string, std::less<>> seen_;
};

constexpr std::string_view kTypes[] = {"single_choice", "multiple_choice", "true_false", "short_answer", "numerical",
                                       "matching",      "ordering",        "cloze",      "essay"};
constexpr std::string_view kFormats[] = {"markdown", "html", "plain"};
constexpr std::string_view kToleranceKinds[] = {"absolute", "relative"};
constexpr std::string_view kScorings[] = {"all_or_nothing", "relative", "adjacent"};
constexpr std::string_view kDisplays[] = {"dropdown", "radio"};
constexpr std::string_view kEssayFormats[] = {"text", "files", "text_and_files"};
// The kinds a cloze part may take, in the order of ClozePart::body.
constexpr std::string_view kPartTypes[] = {"single_choice", "multiple_choice", "short_answer", "numerical"};

// Calls read(element_reader, index) for each object of the array at `key`.
template <typename F>
void each_object(ObjectReader& r, std::string_view key, bool required, F read) {
  const bj::array* arr = r.array(key, required);
  if (!arr) return;
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string at = r.path(key) + "/" + std::to_string(i);
    if (!(*arr)[i].is_object()) {
      wrong_type(r.errors(), at, "an object", (*arr)[i]);
      continue;
    }
    ObjectReader element((*arr)[i].get_object(), at + "/", r.errors());
    read(element, i);
    element.finish();
  }
}

// "a", "b", ... "z", "aa", "ab", ...: the ids given by position.
std::string id_for_position(size_t i) {
  std::string id;
  for (size_t n = i + 1; n > 0; n = (n - 1) / 26) id.insert(id.begin(), static_cast<char>('a' + (n - 1) % 26));
  return id;
}

// Gives every empty id the id of its position ("a" for the first element),
// or, when another element already uses that, the next free one after it.
void fill_missing_ids(const std::vector<std::string*>& ids) {
  std::set<std::string> used;
  for (const auto* id : ids)
    if (!id->empty()) used.insert(*id);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!ids[i]->empty()) continue;
    size_t k = i;
    while (used.contains(id_for_position(k))) ++k;
    *ids[i] = id_for_position(k);
    used.insert(*ids[i]);
  }
}

template <typename T>
void fill_ids(std::vector<T>& elements) {
  std::vector<std::string*> ids;
  for (auto& e : elements) ids.push_back(&e.id);
  fill_missing_ids(ids);
}

void read_choices(ObjectReader& r, std::vector<Choice>& out) {
  each_object(r, "choices", true, [&](ObjectReader& c, size_t) {
    Choice choice;
    c.string("id", choice.id);
    c.string("text", choice.text, true);
    c.number("fraction", choice.fraction);
    c.string("feedback", choice.feedback);
    out.push_back(std::move(choice));
  });
  fill_ids(out);
}

void read_body(ObjectReader& r, SingleChoice& b) {
  read_choices(r, b.choices);
  r.boolean("shuffle", b.shuffle);
}

void read_body(ObjectReader& r, MultipleChoice& b) {
  read_choices(r, b.choices);
  r.boolean("shuffle", b.shuffle);
  r.boolean("negative_marks", b.negative_marks);
}

void read_body(ObjectReader& r, TrueFalse& b) {
  // Required: a default right answer would silently grade a forgotten field.
  r.boolean("correct", b.correct, true);
  r.string("feedback_true", b.feedback_true);
  r.string("feedback_false", b.feedback_false);
}

void read_body(ObjectReader& r, ShortAnswer& b) {
  each_object(r, "answers", true, [&](ObjectReader& a, size_t) {
    TextAnswer answer;
    a.string("pattern", answer.pattern, true);
    a.number("fraction", answer.fraction);
    a.string("feedback", answer.feedback);
    b.answers.push_back(std::move(answer));
  });
  r.boolean("case_sensitive", b.case_sensitive);
}

void read_body(ObjectReader& r, Numerical& b) {
  each_object(r, "answers", true, [&](ObjectReader& a, size_t) {
    NumericAnswer answer;
    a.number("value", answer.value, true);
    a.number("tolerance", answer.tolerance);
    a.one_of("tolerance_kind", kToleranceKinds, answer.tolerance_kind);
    a.number("fraction", answer.fraction);
    a.string("feedback", answer.feedback);
    b.answers.push_back(std::move(answer));
  });
  each_object(r, "units", false, [&](ObjectReader& u, size_t) {
    NumericUnit unit;
    u.string("name", unit.name, true);
    u.number("multiplier", unit.multiplier);
    b.units.push_back(std::move(unit));
  });
  r.boolean("unit_required", b.unit_required);
}

void read_body(ObjectReader& r, Matching& b) {
  each_object(r, "pairs", true, [&](ObjectReader& p, size_t) {
    MatchPair pair;
    p.string("id", pair.id);
    p.string("prompt", pair.prompt);  // empty: a distractor
    p.string("answer", pair.answer, true);
    b.pairs.push_back(std::move(pair));
  });
  fill_ids(b.pairs);
  r.boolean("shuffle", b.shuffle);
}

void read_body(ObjectReader& r, Ordering& b) {
  each_object(r, "items", true, [&](ObjectReader& i, size_t) {
    OrderItem item;
    i.string("id", item.id);
    i.string("text", item.text, true);
    b.items.push_back(std::move(item));
  });
  fill_ids(b.items);
  r.one_of("scoring", kScorings, b.scoring);
}

void read_body(ObjectReader& r, Essay& b) {
  r.one_of("response_format", kEssayFormats, b.response_format);
  r.optional_int("min_words", b.min_words);
  r.optional_int("max_words", b.max_words);
  r.integer("max_files", b.max_files);
  r.string("response_template", b.response_template);
  r.string("grader_info", b.grader_info);
}

void read_body(ObjectReader& r, Cloze& b) {
  each_object(r, "parts", true, [&](ObjectReader& p, size_t) {
    ClozePart part;
    p.number("mark", part.mark);
    p.one_of("display", kDisplays, part.display);
    const bj::value* type = p.get("type", true);
    const auto found = type && type->is_string()
                           ? std::find(std::begin(kPartTypes), std::end(kPartTypes), type->get_string())
                           : std::end(kPartTypes);
    if (found == std::end(kPartTypes)) {
      if (type && !type->is_string())
        wrong_type(p.errors(), p.path("type"), "a string", *type);
      else if (type)
        p.errors().push_back(
            {p.path("type"), "enum", "must be one of: single_choice, multiple_choice, short_answer, numerical"});
      // Without a kind its fields cannot be told from unknown ones.
      p.ignore_rest();
      return;
    }
    switch (static_cast<size_t>(found - std::begin(kPartTypes))) {
      case 0: part.body = SingleChoice{}; break;
      case 1: part.body = MultipleChoice{}; break;
      case 2: part.body = ShortAnswer{}; break;
      default: part.body = Numerical{}; break;
    }
    std::visit([&](auto& body) { read_body(p, body); }, part.body);
    b.parts.push_back(std::move(part));
  });
}

// A Body holding the kind at `index` (the order of kTypes).
Body body_of_kind(size_t index) {
  switch (index) {
    case 0: return SingleChoice{};
    case 1: return MultipleChoice{};
    case 2: return TrueFalse{};
    case 3: return ShortAnswer{};
    case 4: return Numerical{};
    case 5: return Matching{};
    case 6: return Ordering{};
    case 7: return Cloze{};
    default: return Essay{};
  }
}

// ---------------------------------------------------------------------------
// Writing.

// Whole numbers are written as JSON integers ("1", not "1E0" as Boost.JSON
// writes a double), so the stored form reads as authors wrote it.
bj::value number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 9007199254740992.0)
    return bj::value(static_cast<int64_t>(v));
  return bj::value(v);
}

bj::array choices_json(const std::vector<Choice>& choices) {
  bj::array out;
  for (const auto& c : choices)
    out.push_back(
        bj::object{{"id", c.id}, {"text", c.text}, {"fraction", number(c.fraction)}, {"feedback", c.feedback}});
  return out;
}

void write_body(bj::object& o, const SingleChoice& b) {
  o["choices"] = choices_json(b.choices);
  o["shuffle"] = b.shuffle;
}

void write_body(bj::object& o, const MultipleChoice& b) {
  o["choices"] = choices_json(b.choices);
  o["shuffle"] = b.shuffle;
  o["negative_marks"] = b.negative_marks;
}

void write_body(bj::object& o, const TrueFalse& b) {
  o["correct"] = b.correct;
  o["feedback_true"] = b.feedback_true;
  o["feedback_false"] = b.feedback_false;
}

void write_body(bj::object& o, const ShortAnswer& b) {
  bj::array answers;
  for (const auto& a : b.answers)
    answers.push_back(bj::object{{"pattern", a.pattern}, {"fraction", number(a.fraction)}, {"feedback", a.feedback}});
  o["answers"] = std::move(answers);
  o["case_sensitive"] = b.case_sensitive;
}

void write_body(bj::object& o, const Numerical& b) {
  bj::array answers;
  for (const auto& a : b.answers)
    answers.push_back(bj::object{{"value", number(a.value)},
                                 {"tolerance", number(a.tolerance)},
                                 {"tolerance_kind", kToleranceKinds[static_cast<size_t>(a.tolerance_kind)]},
                                 {"fraction", number(a.fraction)},
                                 {"feedback", a.feedback}});
  o["answers"] = std::move(answers);
  bj::array units;
  for (const auto& u : b.units) units.push_back(bj::object{{"name", u.name}, {"multiplier", number(u.multiplier)}});
  o["units"] = std::move(units);
  o["unit_required"] = b.unit_required;
}

void write_body(bj::object& o, const Matching& b) {
  bj::array pairs;
  for (const auto& p : b.pairs) pairs.push_back(bj::object{{"id", p.id}, {"prompt", p.prompt}, {"answer", p.answer}});
  o["pairs"] = std::move(pairs);
  o["shuffle"] = b.shuffle;
}

void write_body(bj::object& o, const Ordering& b) {
  bj::array items;
  for (const auto& i : b.items) items.push_back(bj::object{{"id", i.id}, {"text", i.text}});
  o["items"] = std::move(items);
  o["scoring"] = kScorings[static_cast<size_t>(b.scoring)];
}

void write_body(bj::object& o, const Cloze& b) {
  bj::array parts;
  for (const auto& p : b.parts) {
    bj::object part{{"mark", number(p.mark)},
                    {"display", kDisplays[static_cast<size_t>(p.display)]},
                    {"type", kPartTypes[p.body.index()]}};
    std::visit([&](const auto& body) { write_body(part, body); }, p.body);
    parts.push_back(std::move(part));
  }
  o["parts"] = std::move(parts);
}

void write_body(bj::object& o, const Essay& b) {
  o["response_format"] = kEssayFormats[static_cast<size_t>(b.response_format)];
  o["min_words"] = b.min_words ? bj::value(*b.min_words) : bj::value(nullptr);
  o["max_words"] = b.max_words ? bj::value(*b.max_words) : bj::value(nullptr);
  o["max_files"] = b.max_files;
  o["response_template"] = b.response_template;
  o["grader_info"] = b.grader_info;
}

// ---------------------------------------------------------------------------
// Responses.

bool has_choice(const std::vector<Choice>& choices, std::string_view id) {
  return std::any_of(choices.begin(), choices.end(), [&](const Choice& c) { return c.id == id; });
}

void text_rules(Errors& errors, const std::string& path, const std::string& text) {
  if (text.size() > answer_text::kMaxTextBytes)
    errors.push_back({path, "too_long", "must be at most 65,536 bytes"});
  else if (!answer_text::valid_utf8(text))
    errors.push_back({path, "invalid_utf8", "must be valid UTF-8"});
}

std::optional<ChoiceResponse> read_choice(Errors& errors, const std::string& path, const std::vector<Choice>& choices,
                                          const bj::value& v) {
  if (!v.is_string()) {
    wrong_type(errors, path, "a choice id (a string)", v);
    return std::nullopt;
  }
  std::string id(v.get_string());
  if (!has_choice(choices, id)) {
    errors.push_back({path, "unknown_choice", "is not a choice of this question"});
    return std::nullopt;
  }
  return ChoiceResponse{std::move(id)};
}

std::optional<ChoicesResponse> read_choices(Errors& errors, const std::string& path, const std::vector<Choice>& choices,
                                            const bj::value& v) {
  if (!v.is_array()) {
    wrong_type(errors, path, "an array of choice ids", v);
    return std::nullopt;
  }
  ChoicesResponse out;
  std::set<std::string> seen;
  const size_t before = errors.size();
  const auto& arr = v.get_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string at = path + "/" + std::to_string(i);
    if (!arr[i].is_string()) {
      wrong_type(errors, at, "a choice id (a string)", arr[i]);
      continue;
    }
    std::string id(arr[i].get_string());
    if (!has_choice(choices, id)) {
      errors.push_back({at, "unknown_choice", "is not a choice of this question"});
    } else if (!seen.insert(id).second) {
      // Refused rather than ignored: a repeated choice must never count twice.
      errors.push_back({at, "duplicate", "is chosen twice"});
    } else {
      out.choice_ids.push_back(std::move(id));
    }
  }
  if (errors.size() != before) return std::nullopt;
  return out;
}

std::optional<TextResponse> read_text(Errors& errors, const std::string& path, const bj::value& v, bool numbers_too) {
  if (v.is_string()) {
    TextResponse out{std::string(v.get_string())};
    const size_t before = errors.size();
    text_rules(errors, path, out.text);
    if (errors.size() != before) return std::nullopt;
    return out;
  }
  // A client may send a numerical answer as a JSON number; it is kept as the
  // text it stands for, so it is graded like the typed "12.5".
  if (numbers_too && v.is_number()) {
    const double d = v.to_number<double>();
    if (std::isfinite(d)) return TextResponse{answer_text::format_number(d)};
  }
  wrong_type(errors, path, numbers_too ? "a string or a number" : "a string", v);
  return std::nullopt;
}

struct ResponseReader {
  const bj::value& v;
  Errors& errors;

  std::optional<Response> operator()(const SingleChoice& b) const {
    return wrap(read_choice(errors, "response", b.choices, v));
  }
  std::optional<Response> operator()(const MultipleChoice& b) const {
    return wrap(read_choices(errors, "response", b.choices, v));
  }
  std::optional<Response> operator()(const TrueFalse&) const {
    if (!v.is_bool()) {
      wrong_type(errors, "response", "true or false", v);
      return std::nullopt;
    }
    return BoolResponse{v.get_bool()};
  }
  std::optional<Response> operator()(const ShortAnswer&) const { return wrap(read_text(errors, "response", v, false)); }
  std::optional<Response> operator()(const Numerical&) const { return wrap(read_text(errors, "response", v, true)); }

  std::optional<Response> operator()(const Matching& b) const {
    if (!v.is_object()) {
      wrong_type(errors, "response", "an object of prompt ids to pair ids", v);
      return std::nullopt;
    }
    MatchResponse out;
    const size_t before = errors.size();
    for (const auto& kv : v.get_object()) {
      const std::string key(kv.key());
      const std::string at = "response/" + key;
      const auto prompt = std::find_if(b.pairs.begin(), b.pairs.end(), [&](const MatchPair& p) {
        return p.id == key && !answer_text::normalise_space(p.prompt).empty();
      });
      if (prompt == b.pairs.end()) {
        errors.push_back({at, "unknown_prompt", "is not a prompt of this question"});
        continue;
      }
      if (!kv.value().is_string()) {
        wrong_type(errors, at, "a pair id (a string)", kv.value());
        continue;
      }
      const std::string chosen(kv.value().get_string());
      const bool offered = std::any_of(b.pairs.begin(), b.pairs.end(), [&](const MatchPair& p) {
        return p.id == chosen && !answer_text::normalise_space(p.answer).empty();
      });
      if (!offered) {
        errors.push_back({at, "unknown_choice", "is not an answer of this question"});
        continue;
      }
      out.chosen[key] = chosen;
    }
    if (errors.size() != before) return std::nullopt;
    return out;
  }

  std::optional<Response> operator()(const Ordering& b) const {
    if (!v.is_array()) {
      wrong_type(errors, "response", "an array of item ids", v);
      return std::nullopt;
    }
    OrderResponse out;
    for (size_t i = 0; i < v.get_array().size(); ++i) {
      const auto& e = v.get_array()[i];
      if (!e.is_string()) {
        wrong_type(errors, "response/" + std::to_string(i), "an item id (a string)", e);
        return std::nullopt;
      }
      out.item_ids.emplace_back(e.get_string());
    }
    std::vector<std::string> expected, given = out.item_ids;
    for (const auto& item : b.items) expected.push_back(item.id);
    std::sort(expected.begin(), expected.end());
    std::sort(given.begin(), given.end());
    if (expected != given) {
      errors.push_back({"response", "not_a_permutation", "must list every item of the question exactly once"});
      return std::nullopt;
    }
    return out;
  }

  std::optional<Response> operator()(const Cloze& b) const {
    if (!v.is_object()) {
      wrong_type(errors, "response", "an object of part numbers to answers", v);
      return std::nullopt;
    }
    ClozeResponse out;
    const size_t before = errors.size();
    for (const auto& kv : v.get_object()) {
      const std::string key(kv.key());
      const std::string at = "response/" + key;
      size_t n = 0;
      const bool canonical = !key.empty() && key.size() <= 3 && key[0] != '0' &&
                             std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (canonical) n = std::stoul(key);
      if (n < 1 || n > b.parts.size()) {
        errors.push_back(
            {at, "unknown_part",
             "is not a part of this question (parts are \"1\" to \"" + std::to_string(b.parts.size()) + "\")"});
        continue;
      }
      const auto& part = b.parts[n - 1];
      std::optional<PartResponse> r;
      if (const auto* sc = std::get_if<SingleChoice>(&part.body)) {
        if (auto c = read_choice(errors, at, sc->choices, kv.value())) r = *c;
      } else if (const auto* mc = std::get_if<MultipleChoice>(&part.body)) {
        if (auto c = read_choices(errors, at, mc->choices, kv.value())) r = *c;
      } else {
        const bool numerical = std::holds_alternative<Numerical>(part.body);
        if (auto t = read_text(errors, at, kv.value(), numerical)) r = *t;
      }
      if (r) out.parts.emplace(static_cast<int>(n), std::move(*r));
    }
    if (errors.size() != before) return std::nullopt;
    return out;
  }

  std::optional<Response> operator()(const Essay& b) const {
    if (!v.is_object()) {
      wrong_type(errors, "response", "an object with \"text\" and \"files\"", v);
      return std::nullopt;
    }
    EssayResponse out;
    const size_t before = errors.size();
    ObjectReader r(v.get_object(), "response/", errors);
    r.string("text", out.text);
    if (const bj::array* files = r.array("files", false)) {
      for (size_t i = 0; i < files->size(); ++i) {
        const auto& f = (*files)[i];
        const std::string at = "response/files/" + std::to_string(i);
        if (!f.is_string()) {
          wrong_type(errors, at, "a file id (a string)", f);
          continue;
        }
        // File ids are the files module's UUIDs; anything far from that
        // shape is refused before it reaches storage.
        if (f.get_string().empty() || f.get_string().size() > 64 || !answer_text::valid_utf8(f.get_string())) {
          errors.push_back({at, "invalid", "must be a file id"});
          continue;
        }
        out.file_ids.emplace_back(f.get_string());
      }
    }
    r.finish();
    if (errors.size() != before) return std::nullopt;
    text_rules(errors, "response/text", out.text);
    if (!out.text.empty() && b.response_format == EssayFormat::Files)
      errors.push_back({"response/text", "not_allowed", "this essay takes files only"});
    if (!out.file_ids.empty() && b.response_format == EssayFormat::Text)
      errors.push_back({"response/files", "not_allowed", "this essay takes text only"});
    if (out.file_ids.size() > static_cast<size_t>(std::max(b.max_files, 0)) && b.response_format != EssayFormat::Text)
      errors.push_back({"response/files", "too_many", "must have at most " + std::to_string(b.max_files)});
    if (errors.size() != before) return std::nullopt;
    return out;
  }

  template <typename T>
  static std::optional<Response> wrap(std::optional<T> r) {
    if (!r) return std::nullopt;
    return Response(std::move(*r));
  }
};

Failure invalid_fields(std::string detail, Errors errors) {
  return fail(Error{ErrorKind::Invalid, std::move(detail), std::move(errors), 0});
}

}  // namespace

bj::value to_json(const Question& q) {
  bj::object o;
  o["type"] = type_name(q.body);
  o["title"] = q.title;
  o["text"] = q.text;
  o["format"] = format_name(q.format);
  o["general_feedback"] = q.general_feedback;
  bj::array hints;
  for (const auto& h : q.hints) hints.emplace_back(h);
  o["hints"] = std::move(hints);
  o["default_mark"] = number(q.default_mark);
  std::visit([&](const auto& body) { write_body(o, body); }, q.body);
  return o;
}

Result<Question> from_json(const bj::value& v) {
  if (!v.is_object()) return invalid("", "wrong_type", std::string("must be an object, not ") + kind_name(v));
  Errors errors;
  ObjectReader r(v.get_object(), "", errors);
  Question q;
  size_t kind = 0;
  const bool typed = [&] {
    const bj::value* type = r.get("type", true);
    if (!type) return false;
    if (!type->is_string()) {
      wrong_type(errors, "type", "a string", *type);
      return false;
    }
    const auto found = std::find(std::begin(kTypes), std::end(kTypes), type->get_string());
    if (found == std::end(kTypes)) {
      errors.push_back({"type", "enum",
                        "must be one of: single_choice, multiple_choice, true_false, short_answer, numerical, "
                        "matching, ordering, cloze, essay"});
      return false;
    }
    kind = static_cast<size_t>(found - std::begin(kTypes));
    return true;
  }();
  r.string("title", q.title, true);
  r.string("text", q.text, true);
  r.one_of("format", kFormats, q.format);
  r.string("general_feedback", q.general_feedback);
  if (const bj::array* hints = r.array("hints", false)) {
    for (size_t i = 0; i < hints->size(); ++i) {
      if ((*hints)[i].is_string())
        q.hints.emplace_back((*hints)[i].get_string());
      else
        wrong_type(errors, "hints/" + std::to_string(i), "a string", (*hints)[i]);
    }
  }
  r.number("default_mark", q.default_mark);
  // Without a known type the kind's fields cannot be told from unknown ones.
  if (!typed) return invalid_fields("The question could not be read.", std::move(errors));
  q.body = body_of_kind(kind);
  std::visit([&](auto& body) { read_body(r, body); }, q.body);
  r.finish();
  if (!errors.empty()) return invalid_fields("The question could not be read.", std::move(errors));
  TRV_TRY(validate(q));
  return q;
}

Result<Response> response_from_json(const Question& q, const bj::value& v) {
  Errors errors;
  std::optional<Response> r = std::visit(ResponseReader{v, errors}, q.body);
  if (!r || !errors.empty()) return invalid_fields("The response does not fit the question.", std::move(errors));
  return std::move(*r);
}

bj::value response_to_json(const Response& r) {
  struct Writer {
    bj::value operator()(const ChoiceResponse& c) const { return bj::value(c.choice_id); }
    bj::value operator()(const ChoicesResponse& c) const {
      bj::array out;
      for (const auto& id : c.choice_ids) out.emplace_back(id);
      return out;
    }
    bj::value operator()(const BoolResponse& b) const { return bj::value(b.value); }
    bj::value operator()(const TextResponse& t) const { return bj::value(t.text); }
    bj::value operator()(const MatchResponse& m) const {
      bj::object out;
      for (const auto& [prompt, chosen] : m.chosen) out[prompt] = chosen;
      return out;
    }
    bj::value operator()(const OrderResponse& o) const {
      bj::array out;
      for (const auto& id : o.item_ids) out.emplace_back(id);
      return out;
    }
    bj::value operator()(const ClozeResponse& c) const {
      bj::object out;
      for (const auto& [n, part] : c.parts)
        out[std::to_string(n)] = std::visit([this](const auto& p) { return (*this)(p); }, part);
      return out;
    }
    bj::value operator()(const EssayResponse& e) const {
      bj::array files;
      for (const auto& f : e.file_ids) files.emplace_back(f);
      return bj::object{{"text", e.text}, {"files", std::move(files)}};
    }
  };
  return std::visit(Writer{}, r);
}

}  // namespace trivium::questions
