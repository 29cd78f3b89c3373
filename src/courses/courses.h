// Courses in three forms (MOOC, COOC internal/external, SPOC) on one model:
// the catalogued course with its effective settings, its runs, the staff
// roles held in them, and the catalog with full-text search.
//
// The module owns the "course" and "run" contexts of the authorisation
// policy: RoleSource tells authz::Policy the staff roles (author, trainer,
// observer) a user holds there, and the pseudo-role "viewer" when the
// course's visibility lets them see it (anonymous callers included, for
// public courses). The enrolment module adds learners' roles to the same
// contexts. The outline (modules, units, blocks, publications) is the
// outline module's; the service never checks roles itself.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "authz/authz.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/http.h"
#include "core/result.h"
#include "courses/model.h"
#include "orgs/orgs.h"

namespace trivium::courses {

// Who is looking, for what a listing shows (not for permission checks, which
// the policy makes before a handler runs).
struct Viewer {
  std::string user_id;  // empty: anonymous
  bool platform_admin = false;
};

class Service {
 public:
  Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, orgs::Service& orgs);
  ~Service();

  // Courses. Slug collisions are Conflict; unknown form, bad settings or
  // departments of another organisation are Invalid with field errors.
  Result<Course> create_course(const Actor& actor, const NewCourse& in);
  Result<Course> get_course(const std::string& course_id);
  Result<Course> update_course(const Actor& actor, const std::string& course_id, const CourseChange& change);

  // Runs.
  Result<CourseRun> create_run(const Actor& actor, const std::string& course_id, const NewRun& in);
  Result<CourseRun> get_run(const std::string& run_id);
  Result<std::vector<CourseRun>> list_runs(const std::string& course_id);
  Result<CourseRun> update_run(const Actor& actor, const std::string& run_id, const RunChange& change);
  // The run with its course's settings, for enrolment decisions.
  Result<RunForEnrolment> run_for_enrolment(const std::string& run_id);
  // Whether a user belongs to the audience of the run's course: anyone for
  // a public or private course (private ones are reached by selection), the
  // members of the owning organisation (of the chosen departments, if any)
  // for an organisation-only course.
  Result<bool> in_audience(const RunForEnrolment& run, const std::string& user_id);
  // Creates the SPOC course and its run in one transaction. The caller must
  // be allowed to see the source (checked by the route's policy) and to
  // create courses in the target organisation (checked here through
  // `may_create`, which the app wires to the policy).
  Result<std::pair<Course, CourseRun>> derive_spoc(const Actor& actor, const SpocDerivation& in);

  // Staff roles in a course (all runs) or in one run.
  Result<void> grant(const Actor& actor, const authz::ContextRef& ctx, const std::string& user_id,
                     const std::string& role);
  Result<void> revoke(const Actor& actor, const authz::ContextRef& ctx, const std::string& user_id,
                      const std::string& role);
  // user id -> roles, in that course or run.
  Result<std::vector<std::pair<std::string, std::vector<std::string>>>> staff(const authz::ContextRef& ctx);

  // The catalog the viewer may see, ranked by relevance then start date,
  // with keyset pagination.
  Result<Page<CatalogEntry>> search(const Viewer& viewer, const CatalogQuery& query);

  // Pages of the anonymous catalog as the caller rendered them, by a key
  // naming the query. An entry lives until anything the catalog shows
  // changes (a course, a run, staff) and at most kCatalogCacheMs, since
  // dates move runs from upcoming to ongoing. `generation` is
  // catalog_generation() read before the search, so that a page computed
  // across a change is never kept as current.
  static constexpr int64_t kCatalogCacheMs = 5000;
  uint64_t catalog_generation() const;
  std::shared_ptr<const std::string> cached_catalog_page(const std::string& key);
  void keep_catalog_page(const std::string& key, uint64_t generation, std::shared_ptr<const std::string> body);

  // Set by the app: may this user create courses in that organisation?
  std::function<bool(const std::string& user_id, const std::string& organisation_id)> may_create;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The release time (UTC ms) of module `index` (0-based) under a weekly
// schedule; Invalid for an unknown time zone or a malformed date/time.
Result<int64_t> weekly_release(const WeeklySchedule& schedule, int index);
// UTC ms -> RFC 3339 local time in `time_zone` with its offset
// ("2027-03-29T09:00:00+02:00"); Invalid for an unknown zone.
Result<std::string> format_local(int64_t utc_ms, const std::string& time_zone);
bool is_time_zone(const std::string& name);

// Markdown (GitHub flavour) to HTML; raw HTML and unsafe links removed.
std::string render_markdown(const std::string& markdown);

// Roles in "course" and "run" contexts for authz::Policy. The parent of a
// course is its organisation; of a run, its course.
class RoleSource final : public authz::RoleSource {
 public:
  RoleSource(db::Store& store, orgs::Service& orgs);
  Result<std::vector<std::string>> roles_in(const std::string& user_id, const authz::ContextRef& ctx) override;
  Result<std::optional<authz::ContextRef>> parent_of(const authz::ContextRef& ctx) override;

 private:
  db::Store& store_;
  orgs::Service& orgs_;
};

std::vector<authz::Capability> capabilities();
void register_routes(http::Router& router, Service& service);

}  // namespace trivium::courses
