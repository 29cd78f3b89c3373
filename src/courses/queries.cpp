// SQL for courses, runs and staff, in the subset common to SQLite and
// PostgreSQL. The search index differs (FTS5 / tsvector): that SQL is in
// search_queries.cpp.

#include <boost/json.hpp>

#include "core/json.h"
#include "courses/internal.h"

namespace trivium::courses::queries {
namespace {

namespace bj = boost::json;

constexpr std::string_view kCourseColumns =
    "id, organisation_id, slug, title, summary, description_md, description_html, language, skills_json, "
    "cover_url, effort_hours, authors_json, form, visibility, enrolment_policy, capacity, pacing, "
    "completion_min_grade, completion_modules_json, derived_from_run_id, content_source_course_id, created_by, "
    "created_at, updated_at";

constexpr std::string_view kRunColumns =
    "id, course_id, title, enrolment_opens_at, enrolment_closes_at, starts_at, ends_at, time_zone, schedule_json, "
    "pinned_version, derived_from_run_id, created_by, created_at, updated_at";

std::string to_json(const std::vector<std::string>& v) {
  bj::array a;
  for (const std::string& s : v) a.emplace_back(s);
  return json::serialize(a);
}

// The JSON columns are written by this module only; anything unreadable is
// treated as empty rather than failing a read.
std::vector<std::string> from_json(const std::string& text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  bj::value v = bj::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const bj::value& item : v.as_array()) {
    if (item.is_string()) out.emplace_back(item.as_string());
  }
  return out;
}

std::optional<double> opt_f64(const db::Row& row, size_t i) {
  if (row.is_null(i)) return std::nullopt;
  return row.f64(i);
}

std::optional<int> opt_int(const db::Row& row, size_t i) {
  if (row.is_null(i)) return std::nullopt;
  return static_cast<int>(row.i64(i));
}

Course course_from_row(const db::Row& row) {
  Course c;
  c.id = row.text(0);
  c.organisation_id = row.text(1);
  c.slug = row.text(2);
  c.title = row.text(3);
  c.summary = row.text(4);
  c.description_md = row.text(5);
  c.description_html = row.text(6);
  c.language = row.text(7);
  c.skills = from_json(row.text(8));
  c.cover_url = row.opt_text(9);
  c.effort_hours = opt_f64(row, 10);
  c.authors = from_json(row.text(11));
  c.form = row.text(12);
  c.settings.visibility = row.text(13);
  c.settings.enrolment_policy = row.text(14);
  c.settings.capacity = opt_int(row, 15);
  c.settings.pacing = row.text(16);
  c.settings.completion.min_grade = opt_f64(row, 17);
  c.settings.completion.required_module_ids = from_json(row.text(18));
  c.derived_from_run_id = row.opt_text(19);
  c.content_source_course_id = row.opt_text(20);
  c.created_by = row.text(21);
  c.created_at_ms = row.i64(22);
  c.updated_at_ms = row.i64(23);
  return c;
}

CourseRun run_from_row(const db::Row& row) {
  CourseRun r;
  r.id = row.text(0);
  r.course_id = row.text(1);
  r.title = row.text(2);
  r.enrolment_opens_at_ms = row.opt_i64(3);
  r.enrolment_closes_at_ms = row.opt_i64(4);
  r.starts_at_ms = row.opt_i64(5);
  r.ends_at_ms = row.opt_i64(6);
  r.time_zone = row.text(7);
  if (auto s = row.opt_text(8)) r.schedule = schedule_from_json(*s);
  r.pinned_version = opt_int(row, 9);
  r.derived_from_run_id = row.opt_text(10);
  r.created_by = row.text(11);
  r.created_at_ms = row.i64(12);
  r.updated_at_ms = row.i64(13);
  return r;
}

// Skills, departments and the search index follow the course row.
Result<void> write_children(db::Tx& tx, const Course& c) {
  TRV_TRY(tx.exec("DELETE FROM course_skills WHERE course_id = $1", {c.id}));
  for (const std::string& skill : c.skills) {
    TRV_TRY(
        tx.exec("INSERT INTO course_skills (course_id, skill) VALUES ($1, $2) ON CONFLICT DO NOTHING", {c.id, skill}));
  }
  TRV_TRY(tx.exec("DELETE FROM course_departments WHERE course_id = $1", {c.id}));
  for (const std::string& dept : c.settings.department_ids) {
    TRV_TRY(
        tx.exec("INSERT INTO course_departments (course_id, organisation_id, department_id) "
                "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                {c.id, c.organisation_id, dept}));
  }
  std::string skills;
  for (const std::string& s : c.skills) skills += s + " ";
  if (tx.dialect() == db::Dialect::Sqlite) {
    TRV_TRY(tx.exec("DELETE FROM courses_fts WHERE course_id = $1", {c.id}));
    TRV_TRY(
        tx.exec("INSERT INTO courses_fts (course_id, title, summary, description, skills) "
                "VALUES ($1, $2, $3, $4, $5)",
                {c.id, c.title, c.summary, c.description_md, skills}));
  } else {
    TRV_TRY(
        tx.exec("UPDATE courses SET search_vector = "
                "setweight(to_tsvector('simple', CAST($2 AS TEXT)), 'A') || "
                "setweight(to_tsvector('simple', CAST($3 AS TEXT)), 'B') || "
                "setweight(to_tsvector('simple', CAST($4 AS TEXT)), 'C') || "
                "setweight(to_tsvector('simple', CAST($5 AS TEXT)), 'B') WHERE id = $1",
                {c.id, c.title, c.summary, c.description_md, skills}));
  }
  return ok();
}

}  // namespace

// --- Courses ---------------------------------------------------------------

Result<void> insert_course(db::Tx& tx, const Course& c) {
  const std::string skills = to_json(c.skills), authors = to_json(c.authors),
                    modules = to_json(c.settings.completion.required_module_ids);
  TRV_TRY(tx.exec("INSERT INTO courses (" + std::string(kCourseColumns) +
                      ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
                      "$19, $20, $21, $22, $23, $24)",
                  {c.id,
                   c.organisation_id,
                   c.slug,
                   c.title,
                   c.summary,
                   c.description_md,
                   c.description_html,
                   c.language,
                   skills,
                   c.cover_url,
                   c.effort_hours,
                   authors,
                   c.form,
                   c.settings.visibility,
                   c.settings.enrolment_policy,
                   c.settings.capacity,
                   c.settings.pacing,
                   c.settings.completion.min_grade,
                   modules,
                   c.derived_from_run_id,
                   c.content_source_course_id,
                   c.created_by,
                   c.created_at_ms,
                   c.updated_at_ms}));
  return write_children(tx, c);
}

Result<void> update_course(db::Tx& tx, const Course& c) {
  const std::string skills = to_json(c.skills), authors = to_json(c.authors),
                    modules = to_json(c.settings.completion.required_module_ids);
  TRV_TRY(
      tx.exec("UPDATE courses SET slug = $2, title = $3, summary = $4, description_md = $5, "
              "description_html = $6, language = $7, skills_json = $8, cover_url = $9, effort_hours = $10, "
              "authors_json = $11, visibility = $12, enrolment_policy = $13, capacity = $14, pacing = $15, "
              "completion_min_grade = $16, completion_modules_json = $17, updated_at = $18 WHERE id = $1",
              {c.id, c.slug, c.title, c.summary, c.description_md, c.description_html, c.language, skills, c.cover_url,
               c.effort_hours, authors, c.settings.visibility, c.settings.enrolment_policy, c.settings.capacity,
               c.settings.pacing, c.settings.completion.min_grade, modules, c.updated_at_ms}));
  return write_children(tx, c);
}

Result<std::optional<Course>> find_course(db::Tx& tx, const std::string& id) {
  static const std::string sql = "SELECT " + std::string(kCourseColumns) + " FROM courses WHERE id = $1";
  TRV_ASSIGN(std::optional<db::Row> row, tx.one(sql, {id}));
  if (!row) return std::optional<Course>{};
  Course c = course_from_row(*row);
  TRV_ASSIGN(
      db::Rows depts,
      tx.query("SELECT department_id FROM course_departments WHERE course_id = $1 ORDER BY department_id", {id}));
  for (const db::Row& d : depts) c.settings.department_ids.push_back(d.text(0));
  return std::optional<Course>(std::move(c));
}

Result<bool> slug_in_use(db::Tx& tx, const std::string& org_id, const std::string& slug, const std::string& except_id) {
  TRV_ASSIGN(
      std::optional<db::Row> row,
      tx.one("SELECT 1 FROM courses WHERE organisation_id = $1 AND slug = $2 AND id <> $3", {org_id, slug, except_id}));
  return row.has_value();
}

// --- Runs ------------------------------------------------------------------

Result<void> insert_run(db::Tx& tx, const CourseRun& r) {
  std::optional<std::string> schedule;
  if (r.schedule) schedule = schedule_to_json(*r.schedule);
  TRV_TRY(tx.exec("INSERT INTO course_runs (" + std::string(kRunColumns) +
                      ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                  {r.id, r.course_id, r.title, r.enrolment_opens_at_ms, r.enrolment_closes_at_ms, r.starts_at_ms,
                   r.ends_at_ms, r.time_zone, schedule, r.pinned_version, r.derived_from_run_id, r.created_by,
                   r.created_at_ms, r.updated_at_ms}));
  return ok();
}

Result<void> update_run(db::Tx& tx, const CourseRun& r) {
  std::optional<std::string> schedule;
  if (r.schedule) schedule = schedule_to_json(*r.schedule);
  TRV_TRY(
      tx.exec("UPDATE course_runs SET title = $2, enrolment_opens_at = $3, enrolment_closes_at = $4, "
              "starts_at = $5, ends_at = $6, time_zone = $7, schedule_json = $8, pinned_version = $9, "
              "updated_at = $10 WHERE id = $1",
              {r.id, r.title, r.enrolment_opens_at_ms, r.enrolment_closes_at_ms, r.starts_at_ms, r.ends_at_ms,
               r.time_zone, schedule, r.pinned_version, r.updated_at_ms}));
  return ok();
}

Result<std::optional<CourseRun>> find_run(db::Tx& tx, const std::string& id) {
  static const std::string sql = "SELECT " + std::string(kRunColumns) + " FROM course_runs WHERE id = $1";
  TRV_ASSIGN(std::optional<db::Row> row, tx.one(sql, {id}));
  if (!row) return std::optional<CourseRun>{};
  return std::optional<CourseRun>(run_from_row(*row));
}

Result<std::vector<CourseRun>> runs_of(db::Tx& tx, const std::string& course_id) {
  static const std::string sql = "SELECT " + std::string(kRunColumns) +
                                 " FROM course_runs WHERE course_id = $1 ORDER BY starts_at, created_at, id";
  TRV_ASSIGN(db::Rows rows, tx.query(sql, {course_id}));
  std::vector<CourseRun> out;
  for (const db::Row& row : rows) out.push_back(run_from_row(row));
  return out;
}

Result<std::optional<CourseRun>> next_run(db::Tx& tx, const std::string& course_id, int64_t now_ms) {
  static const std::string sql = "SELECT " + std::string(kRunColumns) +
                                 " FROM course_runs WHERE course_id = $1 AND starts_at IS NOT NULL "
                                 "AND (ends_at IS NULL OR ends_at > $2) ORDER BY starts_at, id LIMIT 1";
  TRV_ASSIGN(std::optional<db::Row> row, tx.one(sql, {course_id, now_ms}));
  if (!row) return std::optional<CourseRun>{};
  return std::optional<CourseRun>(run_from_row(*row));
}

// --- Staff -----------------------------------------------------------------

Result<bool> grant(db::Tx& tx, const std::string& kind, const std::string& id, const std::string& user_id,
                   const std::string& role, int64_t now_ms) {
  const std::string_view sql =
      kind == "course" ? "INSERT INTO course_staff (course_id, user_id, role, granted_at) VALUES ($1, $2, $3, $4) "
                         "ON CONFLICT DO NOTHING"
                       : "INSERT INTO run_staff (run_id, user_id, role, granted_at) VALUES ($1, $2, $3, $4) "
                         "ON CONFLICT DO NOTHING";
  TRV_ASSIGN(int64_t n, tx.exec(sql, {id, user_id, role, now_ms}));
  return n > 0;
}

Result<bool> revoke(db::Tx& tx, const std::string& kind, const std::string& id, const std::string& user_id,
                    const std::string& role) {
  const std::string_view sql = kind == "course"
                                   ? "DELETE FROM course_staff WHERE course_id = $1 AND user_id = $2 AND role = $3"
                                   : "DELETE FROM run_staff WHERE run_id = $1 AND user_id = $2 AND role = $3";
  TRV_ASSIGN(int64_t n, tx.exec(sql, {id, user_id, role}));
  return n > 0;
}

Result<std::vector<std::pair<std::string, std::string>>> staff(db::Tx& tx, const std::string& kind,
                                                               const std::string& id) {
  const std::string_view sql =
      kind == "course" ? "SELECT user_id, role FROM course_staff WHERE course_id = $1 ORDER BY user_id, role"
                       : "SELECT user_id, role FROM run_staff WHERE run_id = $1 ORDER BY user_id, role";
  TRV_ASSIGN(db::Rows rows, tx.query(sql, {id}));
  std::vector<std::pair<std::string, std::string>> out;
  for (const db::Row& row : rows) out.emplace_back(row.text(0), row.text(1));
  return out;
}

Result<std::vector<std::string>> staff_roles(db::Tx& tx, const std::string& kind, const std::string& id,
                                             const std::string& user_id) {
  const std::string_view sql = kind == "course"
                                   ? "SELECT role FROM course_staff WHERE course_id = $1 AND user_id = $2 ORDER BY role"
                                   : "SELECT role FROM run_staff WHERE run_id = $1 AND user_id = $2 ORDER BY role";
  TRV_ASSIGN(db::Rows rows, tx.query(sql, {id, user_id}));
  std::vector<std::string> out;
  for (const db::Row& row : rows) out.push_back(row.text(0));
  return out;
}

Result<bool> is_staff_anywhere(db::Tx& tx, const std::string& course_id, const std::string& user_id) {
  TRV_ASSIGN(std::optional<db::Row> row,
             tx.one("SELECT 1 FROM course_staff WHERE course_id = $1 AND user_id = $2 "
                    "UNION ALL SELECT 1 FROM run_staff rs JOIN course_runs r ON r.id = rs.run_id "
                    "WHERE r.course_id = $1 AND rs.user_id = $2 LIMIT 1",
                    {course_id, user_id}));
  return row.has_value();
}

}  // namespace trivium::courses::queries
