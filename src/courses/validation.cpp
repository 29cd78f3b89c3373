// Forms and their presets, the rules on course and run input, and the small
// encodings (schedule JSON, catalog cursor) the service files share.

#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "core/json.h"
#include "courses/internal.h"

namespace trivium::courses {

namespace bj = boost::json;

std::optional<CourseSettings> preset(std::string_view form) {
  CourseSettings s;
  if (form == "mooc") return s;
  if (form == "cooc_internal") {
    s.visibility = "organisation";
    return s;
  }
  if (form == "cooc_external") {
    s.enrolment_policy = "approval";
    return s;
  }
  if (form == "spoc") {
    s.visibility = "private";
    s.enrolment_policy = "invitation";
    s.capacity = 30;
    s.pacing = "scheduled";
    return s;
  }
  return std::nullopt;
}

bool valid_slug(const std::string& slug) {
  if (slug.size() < 2 || slug.size() > 63) return false;
  return std::all_of(slug.begin(), slug.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool one_of(const std::vector<std::string>& allowed, const std::string& value) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

Failure slug_taken() {
  Error e{ErrorKind::Conflict, "A course with this slug already exists in the organisation.", {}, 0};
  e.fields.push_back({"slug", "taken", "This slug is taken in the organisation."});
  return fail(std::move(e));
}

Failure no_such_course() {
  return fail(ErrorKind::NotFound, "No such course.");
}
Failure no_such_run() {
  return fail(ErrorKind::NotFound, "No such run.");
}

namespace {

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\n") == std::string::npos;
}

void check_settings(const CourseSettings& s, std::vector<FieldError>& errors) {
  if (!one_of(kVisibilities, s.visibility)) {
    errors.push_back({"visibility", "enum", "One of public, organisation, private."});
  }
  if (!one_of(kEnrolmentPolicies, s.enrolment_policy)) {
    errors.push_back({"enrolment_policy", "enum", "One of open, approval, invitation."});
  }
  if (!one_of(kPacings, s.pacing)) errors.push_back({"pacing", "enum", "One of self_paced, scheduled."});
  if (s.capacity && (*s.capacity < 0 || *s.capacity > 1'000'000)) {
    errors.push_back({"capacity", "out_of_range", "A number of seats from 0 to 1000000, or null for unlimited."});
  }
  if (!s.department_ids.empty() && s.visibility != "organisation") {
    errors.push_back({"department_ids", "needs_organisation_visibility",
                      "Departments restrict an organisation-visible course only."});
  }
  if (s.completion.min_grade &&
      (!std::isfinite(*s.completion.min_grade) || *s.completion.min_grade < 0 || *s.completion.min_grade > 100)) {
    errors.push_back({"completion/min_grade", "out_of_range", "A grade from 0 to 100."});
  }
}

}  // namespace

Result<void> validate_course(const Course& c) {
  std::vector<FieldError> errors;
  if (!valid_slug(c.slug)) errors.push_back({"slug", "format", "2 to 63 characters among a-z, 0-9 and '-'."});
  if (c.title.empty() || json::utf8_length(c.title) > 200 || blank(c.title)) {
    errors.push_back({"title", "length", "Between 1 and 200 characters, not only blanks."});
  }
  if (json::utf8_length(c.summary) > 2000) errors.push_back({"summary", "length", "At most 2000 characters."});
  if (json::utf8_length(c.description_md) > 100'000) errors.push_back({"description", "length", "At most 100000 characters."});
  if (!one_of(kLanguages, c.language)) errors.push_back({"language", "enum", "One of en, fr, de, es, it, nl, pt."});
  for (size_t i = 0; i < c.skills.size(); ++i) {
    if (c.skills[i].empty() || json::utf8_length(c.skills[i]) > 60 || blank(c.skills[i])) {
      errors.push_back({"skills/" + std::to_string(i), "length", "Between 1 and 60 characters."});
    }
  }
  if (c.effort_hours && (!std::isfinite(*c.effort_hours) || *c.effort_hours < 0 || *c.effort_hours > 10'000)) {
    errors.push_back({"effort_hours", "out_of_range", "From 0 to 10000 hours."});
  }
  if (c.cover_url && c.cover_url->rfind("https://", 0) != 0 && c.cover_url->rfind("/", 0) != 0) {
    errors.push_back({"cover_url", "format", "An https:// URL or a path on this site."});
  }
  check_settings(c.settings, errors);
  if (errors.empty()) return ok();
  return fail(Error{ErrorKind::Invalid, "The request has invalid fields.", std::move(errors), 0});
}

Result<void> validate_run(const CourseRun& r) {
  std::vector<FieldError> errors;
  if (r.title.empty() || json::utf8_length(r.title) > 200 || blank(r.title)) {
    errors.push_back({"title", "length", "Between 1 and 200 characters, not only blanks."});
  }
  if (!is_time_zone(r.time_zone)) errors.push_back({"time_zone", "unknown_zone", "An IANA time zone name."});
  if (r.enrolment_opens_at_ms && r.enrolment_closes_at_ms && *r.enrolment_opens_at_ms > *r.enrolment_closes_at_ms) {
    errors.push_back({"enrolment_closes_at", "before_opening", "Enrolment must close after it opens."});
  }
  if (r.starts_at_ms && r.ends_at_ms && *r.starts_at_ms > *r.ends_at_ms) {
    errors.push_back({"ends_at", "before_start", "A run must end after it starts."});
  }
  if (r.enrolment_opens_at_ms && r.ends_at_ms && *r.enrolment_opens_at_ms > *r.ends_at_ms) {
    errors.push_back({"enrolment_opens_at", "after_end", "Enrolment must open before the run ends."});
  }
  if (r.pinned_version && *r.pinned_version < 1) {
    errors.push_back({"pinned_version", "out_of_range", "A publication version from 1."});
  }
  if (r.schedule) {
    if (auto w = weekly_release(*r.schedule, 0); !w) {
      for (const FieldError& f : w.error().fields) errors.push_back({"schedule/" + f.field, f.code, f.message});
    }
  }
  if (errors.empty()) return ok();
  return fail(Error{ErrorKind::Invalid, "The request has invalid fields.", std::move(errors), 0});
}

Result<Course> course_from(const NewCourse& in) {
  std::optional<CourseSettings> settings = preset(in.form);
  if (!settings) return invalid("form", "enum", "One of mooc, cooc_internal, cooc_external, spoc.");
  Course c;
  c.organisation_id = in.organisation_id;
  c.form = in.form;
  c.slug = in.slug;
  c.title = in.title;
  c.summary = in.summary;
  c.description_md = in.description_md;
  c.description_html = render_markdown(in.description_md);
  c.language = in.language;
  c.skills = in.skills;
  c.cover_url = in.cover_url;
  c.effort_hours = in.effort_hours;
  c.authors = in.authors;
  c.settings = *settings;
  if (in.visibility) c.settings.visibility = *in.visibility;
  if (in.department_ids) c.settings.department_ids = *in.department_ids;
  if (in.enrolment_policy) c.settings.enrolment_policy = *in.enrolment_policy;
  if (in.capacity) c.settings.capacity = *in.capacity;
  if (in.pacing) c.settings.pacing = *in.pacing;
  if (in.completion) c.settings.completion = *in.completion;
  return c;
}

void apply(Course& c, const CourseChange& ch) {
  if (ch.slug) c.slug = *ch.slug;
  if (ch.title) c.title = *ch.title;
  if (ch.summary) c.summary = *ch.summary;
  if (ch.description_md) {
    c.description_md = *ch.description_md;
    c.description_html = render_markdown(c.description_md);
  }
  if (ch.language) c.language = *ch.language;
  if (ch.skills) c.skills = *ch.skills;
  if (ch.cover_url) c.cover_url = *ch.cover_url;
  if (ch.effort_hours) c.effort_hours = *ch.effort_hours;
  if (ch.authors) c.authors = *ch.authors;
  if (ch.visibility) c.settings.visibility = *ch.visibility;
  if (ch.department_ids) c.settings.department_ids = *ch.department_ids;
  // Departments restrict organisation visibility only; leaving it drops them.
  if (ch.visibility && *ch.visibility != "organisation" && !ch.department_ids) c.settings.department_ids.clear();
  if (ch.enrolment_policy) c.settings.enrolment_policy = *ch.enrolment_policy;
  if (ch.capacity) c.settings.capacity = *ch.capacity;
  if (ch.pacing) c.settings.pacing = *ch.pacing;
  if (ch.completion) c.settings.completion = *ch.completion;
}

void apply(CourseRun& r, const RunChange& ch) {
  if (ch.title) r.title = *ch.title;
  if (ch.enrolment_opens_at_ms) r.enrolment_opens_at_ms = *ch.enrolment_opens_at_ms;
  if (ch.enrolment_closes_at_ms) r.enrolment_closes_at_ms = *ch.enrolment_closes_at_ms;
  if (ch.starts_at_ms) r.starts_at_ms = *ch.starts_at_ms;
  if (ch.ends_at_ms) r.ends_at_ms = *ch.ends_at_ms;
  if (ch.time_zone) r.time_zone = *ch.time_zone;
  if (ch.schedule) r.schedule = *ch.schedule;
  if (ch.pinned_version) r.pinned_version = *ch.pinned_version;
}

CourseRun run_from(const NewRun& in) {
  CourseRun r;
  r.title = in.title;
  r.enrolment_opens_at_ms = in.enrolment_opens_at_ms;
  r.enrolment_closes_at_ms = in.enrolment_closes_at_ms;
  r.starts_at_ms = in.starts_at_ms;
  r.ends_at_ms = in.ends_at_ms;
  r.time_zone = in.time_zone;
  r.schedule = in.schedule;
  r.pinned_version = in.pinned_version;
  return r;
}

std::string schedule_to_json(const WeeklySchedule& s) {
  return json::serialize(bj::object{
      {"time_zone", s.time_zone}, {"weekday", s.weekday}, {"local_time", s.local_time}, {"first_date", s.first_date}});
}

std::optional<WeeklySchedule> schedule_from_json(const std::string& text) {
  boost::system::error_code ec;
  bj::value v = bj::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const bj::object& o = v.as_object();
  auto str = [&](const char* key) -> std::string {
    const bj::value* f = o.if_contains(key);
    return f && f->is_string() ? std::string(f->as_string()) : std::string();
  };
  return WeeklySchedule{str("time_zone"), str("weekday"), str("local_time"), str("first_date")};
}

// --- Cursor ----------------------------------------------------------------

std::string encode_cursor(const CursorKey& k) {
  char rank[40];
  std::snprintf(rank, sizeof rank, "%.17g", k.rank);
  const std::string plain = std::string(rank) + "|" + std::to_string(k.start) + "|" + k.id;
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : plain) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

std::optional<CursorKey> decode_cursor(const std::string& text) {
  if (text.empty() || text.size() % 2 != 0 || text.size() > 400) return std::nullopt;
  std::string plain;
  for (size_t i = 0; i < text.size(); i += 2) {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(text.data() + i, text.data() + i + 2, v, 16);
    if (ec != std::errc() || end != text.data() + i + 2) return std::nullopt;
    plain += static_cast<char>(v);
  }
  const size_t a = plain.find('|'), b = plain.find('|', a == std::string::npos ? a : a + 1);
  if (a == std::string::npos || b == std::string::npos) return std::nullopt;
  CursorKey k;
  const std::string rank = plain.substr(0, a), start = plain.substr(a + 1, b - a - 1);
  char* end = nullptr;
  k.rank = std::strtod(rank.c_str(), &end);
  if (rank.empty() || *end != '\0' || !std::isfinite(k.rank)) return std::nullopt;
  auto [e2, ec2] = std::from_chars(start.data(), start.data() + start.size(), k.start);
  if (ec2 != std::errc() || e2 != start.data() + start.size()) return std::nullopt;
  k.id = plain.substr(b + 1);
  if (k.id.empty() || k.id.size() > 64) return std::nullopt;
  return k;
}

}  // namespace trivium::courses
