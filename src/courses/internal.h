// Internal to the courses module: the SQL (queries.cpp), the input rules
// (validation.cpp) and the errors shared by the service files. Other modules
// include courses.h only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/db.h"
#include "core/result.h"
#include "courses/courses.h"

namespace trivium::courses {

inline constexpr int kDefaultPage = 20;
inline constexpr int kMaxPage = 100;
// The ordering key of courses without any run to come: after every date.
inline constexpr int64_t kNoStart = 4'000'000'000'000'000;

bool valid_slug(const std::string& slug);
bool one_of(const std::vector<std::string>& allowed, const std::string& value);

// Checks a course after the preset and the overrides were applied; every
// violation becomes one field error.
Result<void> validate_course(const Course& c);
// Checks a run's title, time zone, date order and schedule.
Result<void> validate_run(const CourseRun& r);

Failure slug_taken();
Failure no_such_course();
Failure no_such_run();

// The settings and fields of `in` over the form's preset; Invalid for an
// unknown form.
Result<Course> course_from(const NewCourse& in);
// Applies a change to a course; the description is re-rendered.
void apply(Course& c, const CourseChange& change);
void apply(CourseRun& r, const RunChange& change);
CourseRun run_from(const NewRun& in);

// RFC 3339 text with an offset or Z -> UTC ms; nullopt if malformed.
std::optional<int64_t> parse_rfc3339(const std::string& text);

// Serialisation of the JSON text columns.
std::string schedule_to_json(const WeeklySchedule& s);
std::optional<WeeklySchedule> schedule_from_json(const std::string& text);

// The catalog cursor: rank, start and id of the last entry of a page.
struct CursorKey {
  double rank = 0;
  int64_t start = 0;
  std::string id;
};
std::string encode_cursor(const CursorKey& k);
std::optional<CursorKey> decode_cursor(const std::string& text);

namespace queries {

Result<void> insert_course(db::Tx& tx, const Course& c);
Result<void> update_course(db::Tx& tx, const Course& c);
Result<std::optional<Course>> find_course(db::Tx& tx, const std::string& id);
Result<bool> slug_in_use(db::Tx& tx, const std::string& org_id, const std::string& slug, const std::string& except_id);
Result<void> insert_run(db::Tx& tx, const CourseRun& r);
Result<void> update_run(db::Tx& tx, const CourseRun& r);
Result<std::optional<CourseRun>> find_run(db::Tx& tx, const std::string& id);
Result<std::vector<CourseRun>> runs_of(db::Tx& tx, const std::string& course_id);
// The run going on or starting next at `now_ms`, if any.
Result<std::optional<CourseRun>> next_run(db::Tx& tx, const std::string& course_id, int64_t now_ms);

// Staff in the "course" or "run" context named by `kind`.
Result<bool> grant(db::Tx& tx, const std::string& kind, const std::string& id, const std::string& user_id,
                   const std::string& role, int64_t now_ms);
Result<bool> revoke(db::Tx& tx, const std::string& kind, const std::string& id, const std::string& user_id,
                    const std::string& role);
Result<std::vector<std::pair<std::string, std::string>>> staff(db::Tx& tx, const std::string& kind,
                                                               const std::string& id);
Result<std::vector<std::string>> staff_roles(db::Tx& tx, const std::string& kind, const std::string& id,
                                             const std::string& user_id);
// Whether the user holds any staff role in the course or one of its runs.
Result<bool> is_staff_anywhere(db::Tx& tx, const std::string& course_id, const std::string& user_id);

// What the catalog search needs to know about the viewer.
struct Visibility {
  bool all = false;                      // platform admin
  std::string user_id;                   // "" for anonymous
  std::vector<std::string> member_of;    // organisations the user belongs to
  std::vector<std::string> admin_of;     // organisations the user administers
  std::vector<std::string> departments;  // the user's departments and their ancestors
};

struct SearchHit {
  std::string course_id;
  double rank = 0;
  int64_t start = 0;
};

Result<std::vector<SearchHit>> search(db::Tx& tx, const Visibility& v, const CatalogQuery& q,
                                      const std::optional<CursorKey>& after, int64_t now_ms, int64_t limit);

}  // namespace queries
}  // namespace trivium::courses
