// A quiz's definition, read from its block's settings. Every problem is
// reported with its path under "settings/", as the outline reports the
// other block types' settings.

#include <boost/json/parse.hpp>
#include <cmath>
#include <set>

#include "quizzes/internal.h"

namespace trivium::quizzes {

namespace bj = boost::json;

namespace {

class Reader {
 public:
  void problem(const std::string& path, std::string code, std::string message) {
    errors_.push_back({"settings/" + path, std::move(code), std::move(message)});
  }
  std::optional<int64_t> integer(const bj::object& o, std::string_view key, const std::string& path, int64_t min,
                                 int64_t max) {
    const bj::value* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    const std::string at = path + std::string(key);
    int64_t n = 0;
    if (v->is_int64()) {
      n = v->as_int64();
    } else if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(max)) {
      n = static_cast<int64_t>(v->as_uint64());
    } else if (v->is_double() && std::floor(v->as_double()) == v->as_double() && std::abs(v->as_double()) < 1e15) {
      n = static_cast<int64_t>(v->as_double());
    } else {
      problem(at, "wrong_type", "An integer.");
      return std::nullopt;
    }
    if (n < min || n > max) {
      problem(at, "out_of_range", "Between " + std::to_string(min) + " and " + std::to_string(max) + ".");
      return std::nullopt;
    }
    return n;
  }
  std::optional<double> number(const bj::object& o, std::string_view key, const std::string& path, double min,
                               double max, bool min_exclusive = false) {
    const bj::value* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    const std::string at = path + std::string(key);
    if (!v->is_number()) {
      problem(at, "wrong_type", "A number.");
      return std::nullopt;
    }
    const double d = v->to_number<double>();
    if (!std::isfinite(d) || d < min || d > max || (min_exclusive && d == min)) {
      problem(at, "out_of_range", "Out of range.");
      return std::nullopt;
    }
    return d;
  }
  std::optional<bool> boolean(const bj::object& o, std::string_view key, const std::string& path) {
    const bj::value* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_bool()) {
      problem(path + std::string(key), "wrong_type", "true or false.");
      return std::nullopt;
    }
    return v->as_bool();
  }
  std::optional<std::string> string(const bj::object& o, std::string_view key, const std::string& path,
                                    size_t max = 128) {
    const bj::value* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string() || v->as_string().empty() || v->as_string().size() > max) {
      problem(path + std::string(key), "wrong_type", "A non-empty string.");
      return std::nullopt;
    }
    return std::string(v->as_string());
  }
  std::vector<std::string> strings(const bj::object& o, std::string_view key, const std::string& path) {
    std::vector<std::string> out;
    const bj::value* v = o.if_contains(key);
    if (!v || v->is_null()) return out;
    if (!v->is_array() || v->as_array().size() > bank::kMaxTags) {
      problem(path + std::string(key), "wrong_type", "A list of at most 20 strings.");
      return out;
    }
    for (const bj::value& s : v->as_array()) {
      if (!s.is_string() || s.as_string().empty() || s.as_string().size() > 4 * bank::kMaxTag) {
        problem(path + std::string(key), "wrong_type", "A list of at most 20 strings.");
        return {};
      }
      out.emplace_back(s.as_string());
    }
    return out;
  }
  void only(const bj::object& o, std::initializer_list<std::string_view> keys, const std::string& path) {
    for (const auto& kv : o) {
      bool known = false;
      for (std::string_view k : keys) known = known || kv.key() == k;
      if (!known) problem(path + std::string(kv.key()), "unknown_field", "Not a setting of a quiz.");
    }
  }
  ReviewOptions review(const bj::object& o, std::string_view key, ReviewOptions fallback) {
    const bj::value* v = o.if_contains(key);
    if (!v || v->is_null()) return fallback;
    const std::string path = "review/" + std::string(key) + "/";
    if (!v->is_object()) {
      problem("review/" + std::string(key), "wrong_type", "An object.");
      return fallback;
    }
    const bj::object& r = v->as_object();
    only(r, {"score", "feedback", "right_answers"}, path);
    ReviewOptions out = fallback;
    if (auto b = boolean(r, "score", path)) out.score = *b;
    if (auto b = boolean(r, "feedback", path)) out.feedback = *b;
    if (auto b = boolean(r, "right_answers", path)) out.right_answers = *b;
    return out;
  }
  Result<void> result() {
    if (errors_.empty()) return ok();
    return fail(Error{ErrorKind::Invalid, "The quiz's settings are invalid.", errors_, 0});
  }

 private:
  std::vector<FieldError> errors_;
};

}  // namespace

Result<QuizSettings> parse_settings(const std::string& settings_json) {
  boost::system::error_code ec;
  bj::value v = bj::parse(settings_json, ec);
  if (ec || !v.is_object()) return invalid("settings", "not_object", "Settings are a JSON object.");
  const bj::object& o = v.as_object();
  Reader r;
  QuizSettings s;
  r.only(o,
         {"completion", "slots", "shuffle_questions", "attempts_allowed", "grading_method", "time_limit_seconds",
          "passing_percent", "max_grade", "review"},
         "");
  // A quiz without slots is a draft in the making: saved and published,
  // but no attempt starts until it has questions.
  const bj::value* slots = o.if_contains("slots");
  if (slots && !slots->is_null() && !slots->is_array()) {
    r.problem("slots", "wrong_type", "A list of slots.");
  } else if (slots && slots->is_array()) {
    size_t drawn = 0;
    std::set<std::string> fixed;
    const bj::array& a = slots->as_array();
    for (size_t i = 0; i < a.size(); ++i) {
      const std::string path = "slots/" + std::to_string(i) + "/";
      if (!a[i].is_object()) {
        r.problem("slots/" + std::to_string(i), "wrong_type", "A slot is an object.");
        continue;
      }
      const bj::object& so = a[i].as_object();
      Slot slot;
      slot.page = static_cast<int>(r.integer(so, "page", path, 1, 100).value_or(1));
      slot.mark = r.number(so, "mark", path, 0, 1000, true).value_or(1);
      const bj::value* random = so.if_contains("random");
      if (random && !random->is_null()) {
        r.only(so, {"page", "mark", "random"}, path);
        if (!random->is_object()) {
          r.problem(path + "random", "wrong_type", "An object.");
          continue;
        }
        const bj::object& ro = random->as_object();
        const std::string rp = path + "random/";
        r.only(ro, {"category_id", "count", "tags", "skills"}, rp);
        auto category = r.string(ro, "category_id", rp);
        if (!category) r.problem(rp + "category_id", "required", "The category to draw from.");
        slot.random_category_id = category.value_or("");
        slot.count = static_cast<int>(r.integer(ro, "count", rp, 1, kMaxSlots).value_or(1));
        slot.tags = r.strings(ro, "tags", rp);
        slot.skills = r.strings(ro, "skills", rp);
        drawn += slot.count;
      } else {
        r.only(so, {"page", "mark", "question_id", "version"}, path);
        auto id = r.string(so, "question_id", path);
        if (!id) r.problem(path + "question_id", "required", "A question of the bank, or a random draw.");
        slot.question_id = id.value_or("");
        if (auto ver = r.integer(so, "version", path, 1, 1000000)) slot.version = static_cast<int>(*ver);
        if (id && !fixed.insert(*id).second)
          r.problem(path + "question_id", "duplicate", "The question is used twice.");
        ++drawn;
      }
      s.slots.push_back(std::move(slot));
    }
    if (drawn > kMaxSlots) r.problem("slots", "too_many", "At most 200 questions in a quiz.");
  }
  if (auto b = r.boolean(o, "shuffle_questions", "")) s.shuffle_questions = *b;
  s.attempts_allowed = static_cast<int>(r.integer(o, "attempts_allowed", "", 0, 100).value_or(0));
  if (auto m = r.string(o, "grading_method", "")) {
    if (*m == "highest")
      s.grading = GradingMethod::Highest;
    else if (*m == "average")
      s.grading = GradingMethod::Average;
    else if (*m == "first")
      s.grading = GradingMethod::First;
    else if (*m == "last")
      s.grading = GradingMethod::Last;
    else
      r.problem("grading_method", "unknown", "highest, average, first or last.");
  }
  if (auto t = r.integer(o, "time_limit_seconds", "", 60, 7 * 24 * 3600)) s.time_limit_seconds = static_cast<int>(*t);
  if (auto p = r.number(o, "passing_percent", "", 0, 100)) s.passing_percent = *p;
  if (auto g = r.number(o, "max_grade", "", 0, 1000, true)) s.max_grade = *g;
  if (const bj::value* rv = o.if_contains("review"); rv && !rv->is_null()) {
    if (!rv->is_object()) {
      r.problem("review", "wrong_type", "An object.");
    } else {
      r.only(rv->as_object(), {"after_attempt", "after_close"}, "review/");
      s.after_attempt = r.review(rv->as_object(), "after_attempt", s.after_attempt);
      s.after_close = r.review(rv->as_object(), "after_close", s.after_close);
    }
  }
  TRV_TRY(r.result());
  return s;
}

}  // namespace trivium::quizzes

namespace trivium::quizzes {

Result<void> Service::check_settings(const std::vector<std::string>& courses, const std::string& settings_json) {
  TRV_ASSIGN(QuizSettings s, parse_settings(settings_json));
  std::vector<FieldError> problems;
  for (size_t i = 0; i < s.slots.size(); ++i) {
    const Slot& slot = s.slots[i];
    const std::string at = "settings/slots/" + std::to_string(i) + "/";
    bool found = false;
    if (!slot.question_id.empty()) {
      for (size_t c = 0; c < courses.size() && !found; ++c) {
        auto u = impl_->bank.usable(courses[c], slot.question_id, slot.version);
        if (u)
          found = true;
        else if (u.error().kind != ErrorKind::NotFound && u.error().kind != ErrorKind::Conflict)
          return u.failure();
      }
      if (!found)
        problems.push_back({at + "question_id", "unknown",
                            "No such question (or version) in this course's bank or a bank shared with it; an "
                            "archived question needs a version."});
      continue;
    }
    for (size_t c = 0; c < courses.size() && !found; ++c) {
      auto pool = impl_->bank.candidates(courses[c], slot.random_category_id, slot.tags, slot.skills);
      if (!pool) {
        if (pool.error().kind != ErrorKind::NotFound) return pool.failure();
        continue;
      }
      found = true;
      if (static_cast<int>(pool->size()) < slot.count)
        problems.push_back({at + "random/count", "not_enough_questions",
                            "The category holds " + std::to_string(pool->size()) + " matching question(s)."});
    }
    if (!found) problems.push_back({at + "random/category_id", "unknown", "No such category in this course's bank."});
  }
  if (!problems.empty()) return fail(Error{ErrorKind::Invalid, "The quiz's settings are invalid.", problems, 0});
  return ok();
}

}  // namespace trivium::quizzes
