// Bodies of the course routes to service inputs and results to JSON. Fields
// where null means something (capacity null = unlimited, a date null =
// none) are taken out of the object and read here; the rest goes through
// core's BodyReader, which rejects unknown fields (AC-03).

#include "courses/http_io.h"

#include <cmath>

#include "courses/internal.h"

namespace trivium::courses::io {
namespace {

constexpr size_t kMaxId = 64;

// A field that is present (possibly null), removed from the object.
std::optional<bj::value> take(bj::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  bj::value v = it->value();
  o.erase(it);
  return v;
}

// Present: nullopt inside for null. Absent: nullopt outside.
template <typename T, typename Read>
std::optional<std::optional<T>> nullable(bj::object& o, std::string_view key, json::BodyReader& in, Read read) {
  auto v = take(o, key);
  if (!v) return std::nullopt;
  if (v->is_null()) return std::optional<T>{};
  std::optional<T> got = read(*v);
  if (!got) {
    in.add_error(std::string(key), "type", "has the wrong type or is out of range");
    return std::nullopt;
  }
  return got;
}

std::optional<int> read_int(const bj::value& v) {
  if (!v.is_int64() && !v.is_uint64()) return std::nullopt;
  const int64_t n = v.is_int64() ? v.as_int64() : static_cast<int64_t>(std::min<uint64_t>(v.as_uint64(), 1u << 31));
  if (n < -1'000'000'000 || n > 1'000'000'000) return std::nullopt;
  return static_cast<int>(n);
}

std::optional<double> read_number(const bj::value& v) {
  if (!v.is_number()) return std::nullopt;
  const double d = v.to_number<double>();
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<std::string> read_url(const bj::value& v) {
  if (!v.is_string() || v.as_string().size() > 2000 || v.as_string().empty()) return std::nullopt;
  return std::string(v.as_string());
}

std::optional<int64_t> read_time(const bj::value& v) {
  if (!v.is_string()) return std::nullopt;
  return parse_rfc3339(std::string(v.as_string()));
}

std::optional<WeeklySchedule> read_schedule(const bj::value& v, json::BodyReader& in) {
  if (!v.is_object()) return std::nullopt;
  json::BodyReader s(v.as_object());
  WeeklySchedule out;
  out.time_zone = s.required_string("time_zone", 1, 64).value_or("");
  out.weekday = s.required_string("weekday", 1, 16).value_or("");
  out.local_time = s.required_string("local_time", 1, 8).value_or("");
  out.first_date = s.required_string("first_date", 1, 16).value_or("");
  if (auto done = s.finish(); !done) {
    for (const FieldError& f : done.error().fields) in.add_error("schedule/" + f.field, f.code, f.message);
    return WeeklySchedule{};  // the error is recorded; the value is unused
  }
  return out;
}

std::optional<CompletionRule> read_completion(const bj::value& v, json::BodyReader& in) {
  if (!v.is_object()) return std::nullopt;
  bj::object o = v.as_object();
  bj::object scratch;
  if (auto g = take(o, "min_grade")) scratch["min_grade"] = *g;
  json::BodyReader c(o);
  CompletionRule out;
  if (auto g = nullable<double>(scratch, "min_grade", c, read_number)) out.min_grade = *g;
  out.required_module_ids =
      c.optional_string_array("required_module_ids", 500, kMaxId).value_or(std::vector<std::string>{});
  if (auto done = c.finish(); !done) {
    for (const FieldError& f : done.error().fields) in.add_error("completion/" + f.field, f.code, f.message);
  }
  return out;
}

// The settings and descriptive fields shared by creation and change.
template <typename Target>
void read_course_fields(json::BodyReader& in, Target& t) {
  t.visibility = in.optional_enum("visibility", kVisibilities);
  t.department_ids = in.optional_string_array("department_ids", 100, kMaxId);
  t.enrolment_policy = in.optional_enum("enrolment_policy", kEnrolmentPolicies);
  t.pacing = in.optional_enum("pacing", kPacings);
}

Result<bj::object> object_of(const std::string& body) {
  return json::parse_object(body);
}

}  // namespace

Result<NewCourse> parse_new_course(const std::string& body, const std::string& org_id) {
  TRV_ASSIGN(bj::object o, object_of(body));
  NewCourse c;
  c.organisation_id = org_id;
  bj::object rest = o;
  auto capacity = take(rest, "capacity");
  auto effort = take(rest, "effort_hours");
  auto cover = take(rest, "cover_url");
  auto completion = take(rest, "completion");
  json::BodyReader in(rest);
  // The form is checked by the service, so that an unknown one is a 422
  // with the list of forms like every other rule.
  c.form = in.required_string("form", 1, 40).value_or("");
  c.slug = in.required_string("slug", 1, 200).value_or("");
  c.title = in.required_string("title", 1, 200).value_or("");
  c.summary = in.optional_string("summary", 0, 2000).value_or("");
  c.description_md = in.optional_string("description", 0, 100'000).value_or("");
  c.language = in.optional_string("language", 1, 16).value_or("en");
  c.skills = in.optional_string_array("skills", 50, 60).value_or(std::vector<std::string>{});
  c.authors = in.optional_string_array("authors", 50, 200).value_or(std::vector<std::string>{});
  read_course_fields(in, c);
  bj::object scratch;
  if (capacity) {
    scratch["capacity"] = *capacity;
    c.capacity = nullable<int>(scratch, "capacity", in, read_int);
  }
  if (effort) {
    scratch["effort_hours"] = *effort;
    if (auto e = nullable<double>(scratch, "effort_hours", in, read_number)) c.effort_hours = *e;
  }
  if (cover) {
    scratch["cover_url"] = *cover;
    if (auto u = nullable<std::string>(scratch, "cover_url", in, read_url)) c.cover_url = *u;
  }
  if (completion && !completion->is_null()) {
    c.completion = read_completion(*completion, in);
    if (!c.completion) in.add_error("completion", "type", "must be an object");
  }
  TRV_TRY(in.finish());
  return c;
}

Result<CourseChange> parse_course_change(const std::string& body) {
  TRV_ASSIGN(bj::object o, object_of(body));
  CourseChange c;
  bj::object rest = o;
  bj::object scratch;
  auto grab = [&](const char* key) {
    if (auto v = take(rest, key)) scratch[key] = *v;
  };
  for (const char* key : {"capacity", "effort_hours", "cover_url", "completion"}) grab(key);
  json::BodyReader in(rest);
  c.slug = in.optional_string("slug", 1, 200);
  c.title = in.optional_string("title", 1, 200);
  c.summary = in.optional_string("summary", 0, 2000);
  c.description_md = in.optional_string("description", 0, 100'000);
  c.language = in.optional_string("language", 1, 16);
  c.skills = in.optional_string_array("skills", 50, 60);
  c.authors = in.optional_string_array("authors", 50, 200);
  read_course_fields(in, c);
  c.capacity = nullable<int>(scratch, "capacity", in, read_int);
  c.effort_hours = nullable<double>(scratch, "effort_hours", in, read_number);
  c.cover_url = nullable<std::string>(scratch, "cover_url", in, read_url);
  if (auto v = take(scratch, "completion")) {
    c.completion = v->is_null() ? std::optional<CompletionRule>(CompletionRule{}) : read_completion(*v, in);
    if (!c.completion) in.add_error("completion", "type", "must be an object");
  }
  TRV_TRY(in.finish());
  return c;
}

namespace {

// The fields of a run body; `creating` makes the title required.
Result<RunChange> parse_run_fields(bj::object rest, bool creating) {
  RunChange r;
  bj::object scratch;
  for (const char* key :
       {"enrolment_opens_at", "enrolment_closes_at", "starts_at", "ends_at", "schedule", "pinned_version"}) {
    if (auto v = take(rest, key)) scratch[key] = *v;
  }
  json::BodyReader in(rest);
  r.title = creating ? in.required_string("title", 1, 200) : in.optional_string("title", 1, 200);
  r.time_zone = in.optional_string("time_zone", 1, 64);
  r.enrolment_opens_at_ms = nullable<int64_t>(scratch, "enrolment_opens_at", in, read_time);
  r.enrolment_closes_at_ms = nullable<int64_t>(scratch, "enrolment_closes_at", in, read_time);
  r.starts_at_ms = nullable<int64_t>(scratch, "starts_at", in, read_time);
  r.ends_at_ms = nullable<int64_t>(scratch, "ends_at", in, read_time);
  r.pinned_version = nullable<int>(scratch, "pinned_version", in, read_int);
  if (auto v = take(scratch, "schedule")) {
    if (v->is_null()) {
      r.schedule = std::optional<WeeklySchedule>{};
    } else if (auto s = read_schedule(*v, in)) {
      r.schedule = std::optional<WeeklySchedule>(*s);
    } else {
      in.add_error("schedule", "type", "must be an object or null");
    }
  }
  TRV_TRY(in.finish());
  return r;
}

NewRun new_run_from(const RunChange& c) {
  NewRun n;
  n.title = c.title.value_or("");
  n.enrolment_opens_at_ms = c.enrolment_opens_at_ms.value_or(std::nullopt);
  n.enrolment_closes_at_ms = c.enrolment_closes_at_ms.value_or(std::nullopt);
  n.starts_at_ms = c.starts_at_ms.value_or(std::nullopt);
  n.ends_at_ms = c.ends_at_ms.value_or(std::nullopt);
  n.time_zone = c.time_zone.value_or("UTC");
  n.schedule = c.schedule.value_or(std::nullopt);
  n.pinned_version = c.pinned_version.value_or(std::nullopt);
  return n;
}

}  // namespace

Result<NewRun> parse_new_run(const std::string& body) {
  TRV_ASSIGN(bj::object o, object_of(body));
  TRV_ASSIGN(RunChange c, parse_run_fields(std::move(o), true));
  return new_run_from(c);
}

Result<RunChange> parse_run_change(const std::string& body) {
  TRV_ASSIGN(bj::object o, object_of(body));
  return parse_run_fields(std::move(o), false);
}

Result<SpocDerivation> parse_derivation(const std::string& body, const std::string& run_id) {
  TRV_ASSIGN(bj::object o, object_of(body));
  SpocDerivation d;
  d.source_run_id = run_id;
  bj::object rest = o;
  auto run = take(rest, "run");
  bj::object scratch;
  if (auto cap = take(rest, "capacity")) scratch["capacity"] = *cap;
  json::BodyReader in(rest);
  d.organisation_id = in.optional_string("organisation_id", 1, kMaxId);
  d.slug = in.required_string("slug", 1, 200).value_or("");
  d.title = in.required_string("title", 1, 200).value_or("");
  d.trainer_user_id = in.optional_string("trainer_user_id", 1, kMaxId);
  if (auto cap = nullable<int>(scratch, "capacity", in, read_int)) d.capacity = *cap;
  if (run && !run->is_null()) {
    if (!run->is_object()) {
      in.add_error("run", "type", "must be an object");
    } else {
      auto fields = parse_run_fields(run->as_object(), false);
      if (fields) {
        d.run = new_run_from(*fields);
      } else {
        for (const FieldError& f : fields.error().fields) in.add_error("run/" + f.field, f.code, f.message);
      }
    }
  }
  TRV_TRY(in.finish());
  return d;
}

// --- Rendering -------------------------------------------------------------

namespace {

bj::value opt(const std::optional<std::string>& s) {
  return s ? bj::value(*s) : bj::value(nullptr);
}

bj::array strings(const std::vector<std::string>& v) {
  bj::array a;
  for (const std::string& s : v) a.emplace_back(s);
  return a;
}

bj::value utc(const std::optional<int64_t>& ms) {
  return ms ? bj::value(format_rfc3339(*ms)) : bj::value(nullptr);
}

bj::value local(const std::optional<int64_t>& ms, const std::string& tz) {
  if (!ms) return nullptr;
  auto s = format_local(*ms, tz);
  return s ? bj::value(*s) : bj::value(nullptr);
}

bj::object local_dates(const CourseRun& r, const std::string& tz) {
  return bj::object{{"time_zone", tz},
                    {"enrolment_opens_at", local(r.enrolment_opens_at_ms, tz)},
                    {"enrolment_closes_at", local(r.enrolment_closes_at_ms, tz)},
                    {"starts_at", local(r.starts_at_ms, tz)},
                    {"ends_at", local(r.ends_at_ms, tz)}};
}

}  // namespace

bj::value render(const Course& c) {
  bj::value capacity = nullptr;
  if (c.settings.capacity) capacity = *c.settings.capacity;
  bj::value effort = nullptr;
  if (c.effort_hours) effort = *c.effort_hours;
  bj::value min_grade = nullptr;
  if (c.settings.completion.min_grade) min_grade = *c.settings.completion.min_grade;
  return bj::object{
      {"id", c.id},
      {"organisation_id", c.organisation_id},
      {"slug", c.slug},
      {"title", c.title},
      {"summary", c.summary},
      {"description", c.description_md},
      {"description_html", c.description_html},
      {"language", c.language},
      {"skills", strings(c.skills)},
      {"cover_url", opt(c.cover_url)},
      {"effort_hours", effort},
      {"authors", strings(c.authors)},
      {"form", c.form},
      // The effective settings, whatever the form preset them to.
      {"visibility", c.settings.visibility},
      {"department_ids", strings(c.settings.department_ids)},
      {"enrolment_policy", c.settings.enrolment_policy},
      {"capacity", capacity},
      {"pacing", c.settings.pacing},
      {"completion", bj::object{{"min_grade", min_grade},
                                {"required_module_ids", strings(c.settings.completion.required_module_ids)}}},
      {"derived_from_run_id", opt(c.derived_from_run_id)},
      {"content_source_course_id", opt(c.content_source_course_id)},
      {"created_by", c.created_by},
      {"created_at", format_rfc3339(c.created_at_ms)},
      {"updated_at", format_rfc3339(c.updated_at_ms)}};
}

bj::value render(const CourseRun& r, const std::optional<std::string>& viewer_tz) {
  bj::value schedule = nullptr;
  if (r.schedule) {
    bj::array releases;
    // The first releases, so that a client shows the weekly rhythm in UTC
    // and local time without computing time zones itself.
    for (int i = 0; i < 4; ++i) {
      auto at = weekly_release(*r.schedule, i);
      if (!at) break;
      bj::object one{{"index", i}, {"at", format_rfc3339(*at)}, {"local", local(*at, r.schedule->time_zone)}};
      if (viewer_tz) one["viewer_local"] = local(*at, *viewer_tz);
      releases.push_back(std::move(one));
    }
    schedule = bj::object{{"time_zone", r.schedule->time_zone},
                          {"weekday", r.schedule->weekday},
                          {"local_time", r.schedule->local_time},
                          {"first_date", r.schedule->first_date},
                          {"first_releases", std::move(releases)}};
  }
  bj::value pinned = nullptr;
  if (r.pinned_version) pinned = *r.pinned_version;
  bj::object out{{"id", r.id},
                 {"course_id", r.course_id},
                 {"title", r.title},
                 {"enrolment_opens_at", utc(r.enrolment_opens_at_ms)},
                 {"enrolment_closes_at", utc(r.enrolment_closes_at_ms)},
                 {"starts_at", utc(r.starts_at_ms)},
                 {"ends_at", utc(r.ends_at_ms)},
                 {"time_zone", r.time_zone},
                 {"local", local_dates(r, r.time_zone)},
                 {"viewer_local", viewer_tz ? bj::value(local_dates(r, *viewer_tz)) : bj::value(nullptr)},
                 {"schedule", std::move(schedule)},
                 {"pinned_version", pinned},
                 {"derived_from_run_id", opt(r.derived_from_run_id)},
                 {"created_by", r.created_by},
                 {"created_at", format_rfc3339(r.created_at_ms)},
                 {"updated_at", format_rfc3339(r.updated_at_ms)}};
  return out;
}

bj::value render(const CatalogEntry& e, const std::optional<std::string>& viewer_tz) {
  bj::value v = render(e.course);
  v.as_object()["next_run"] = e.next_run ? render(*e.next_run, viewer_tz) : bj::value(nullptr);
  v.as_object()["rank"] = e.rank;
  return v;
}

}  // namespace trivium::courses::io
