// Courses and runs: validation, the transaction around each change and its
// audit event. SPOC derivation and staff are in derive.cpp, the catalog in
// search.cpp.

#include <boost/json.hpp>

#include "core/ids.h"
#include "core/json.h"
#include "courses/impl.h"

namespace trivium::courses {

namespace bj = boost::json;

Service::Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, orgs::Service& orgs)
    : impl_(std::make_unique<Impl>(store, clock, audit, orgs)) {}

Service::~Service() = default;

audit::Event Service::Impl::event(const Actor& actor, std::string action, const std::string& org_id, std::string kind,
                                  std::string id, const bj::object& detail) const {
  audit::Event e;
  e.action = std::move(action);
  e.actor_id = actor.user_id;
  e.ip = actor.ip;
  e.request_id = actor.request_id;
  e.organisation_id = org_id;
  e.target_kind = std::move(kind);
  e.target_id = std::move(id);
  e.detail_json = json::serialize(detail);
  return e;
}

Result<void> Service::Impl::check_departments(const std::string& org_id, const std::vector<std::string>& ids) {
  if (ids.empty()) return ok();
  TRV_ASSIGN(std::vector<orgs::Department> known, orgs.list_departments(org_id));
  Error e{ErrorKind::Invalid, "The request has invalid fields.", {}, 0};
  for (size_t i = 0; i < ids.size(); ++i) {
    const bool found =
        std::any_of(known.begin(), known.end(), [&](const orgs::Department& d) { return d.id == ids[i]; });
    if (!found) {
      e.fields.push_back(
          {"department_ids/" + std::to_string(i), "unknown_department", "No such department in this organisation."});
    }
  }
  if (!e.fields.empty()) return fail(std::move(e));
  return ok();
}

namespace {

std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// Skills and departments are sets; authors keep their order.
void normalise(Course& c) {
  c.skills = sorted_unique(std::move(c.skills));
  c.settings.department_ids = sorted_unique(std::move(c.settings.department_ids));
}

bj::object settings_detail(const Course& c) {
  bj::array depts;
  for (const std::string& d : c.settings.department_ids) depts.emplace_back(d);
  bj::value capacity = nullptr;
  if (c.settings.capacity) capacity = *c.settings.capacity;
  return bj::object{{"slug", c.slug},
                    {"form", c.form},
                    {"visibility", c.settings.visibility},
                    {"department_ids", std::move(depts)},
                    {"enrolment_policy", c.settings.enrolment_policy},
                    {"capacity", capacity},
                    {"pacing", c.settings.pacing}};
}

}  // namespace

Result<Course> Service::Impl::insert_course(const Actor& actor, Course c, const std::optional<CourseRun>& run,
                                            const std::optional<std::string>& trainer, CourseRun* run_out) {
  TRV_TRY(orgs.get_organisation(c.organisation_id));
  normalise(c);
  TRV_TRY(validate_course(c));
  TRV_TRY(check_departments(c.organisation_id, c.settings.department_ids));
  const int64_t now = clock.now_ms();
  c.id = new_id();
  c.created_by = actor.user_id;
  c.created_at_ms = c.updated_at_ms = now;
  std::optional<CourseRun> r = run;
  if (r) {
    r->id = new_id();
    r->course_id = c.id;
    r->created_by = actor.user_id;
    r->created_at_ms = r->updated_at_ms = now;
    TRV_TRY(validate_run(*r));
  }
  auto written = write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(bool taken, queries::slug_in_use(tx, c.organisation_id, c.slug, ""));
    if (taken) return slug_taken();
    TRV_TRY(queries::insert_course(tx, c));
    // The creator authors the course they made.
    if (!actor.user_id.empty()) TRV_TRY(queries::grant(tx, "course", c.id, actor.user_id, "author", now));
    if (r) {
      TRV_TRY(queries::insert_run(tx, *r));
      if (trainer) TRV_TRY(queries::grant(tx, "run", r->id, *trainer, "trainer", now));
    }
    bj::object detail = settings_detail(c);
    if (c.derived_from_run_id) detail["derived_from_run_id"] = *c.derived_from_run_id;
    if (r) detail["run_id"] = r->id;
    return audit.record(tx, event(actor, c.derived_from_run_id ? "course.spoc_derived" : "course.created",
                                  c.organisation_id, "course", c.id, detail));
  });
  if (!written) {
    if (db::is_unique_violation(written.error())) return slug_taken();
    if (written.error().kind == ErrorKind::Conflict && trainer) {
      return invalid("trainer_user_id", "unknown_user", "No such user.");
    }
    return written.failure();
  }
  if (run_out && r) *run_out = *r;
  return c;
}

Result<Course> Service::create_course(const Actor& actor, const NewCourse& in) {
  TRV_ASSIGN(Course c, course_from(in));
  return impl_->insert_course(actor, std::move(c), std::nullopt, std::nullopt, nullptr);
}

Result<Course> Service::get_course(const std::string& course_id) {
  std::optional<Course> found;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(found, queries::find_course(tx, course_id));
    return ok();
  }));
  if (!found) return no_such_course();
  return *found;
}

Result<Course> Service::update_course(const Actor& actor, const std::string& course_id, const CourseChange& change) {
  TRV_ASSIGN(Course current, get_course(course_id));
  Course c = current;
  apply(c, change);
  normalise(c);
  TRV_TRY(validate_course(c));
  if (change.department_ids) TRV_TRY(impl_->check_departments(c.organisation_id, c.settings.department_ids));
  c.updated_at_ms = impl_->clock.now_ms();
  auto written = impl_->write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<Course> fresh, queries::find_course(tx, course_id));
    if (!fresh) return no_such_course();
    TRV_ASSIGN(bool taken, queries::slug_in_use(tx, c.organisation_id, c.slug, c.id));
    if (taken) return slug_taken();
    TRV_TRY(queries::update_course(tx, c));
    bj::object detail{{"before", settings_detail(current)}, {"after", settings_detail(c)}};
    return impl_->audit.record(tx, impl_->event(actor, "course.updated", c.organisation_id, "course", c.id, detail));
  });
  if (!written) return db::is_unique_violation(written.error()) ? slug_taken() : written.failure();
  return c;
}

// --- Runs ------------------------------------------------------------------

Result<CourseRun> Service::create_run(const Actor& actor, const std::string& course_id, const NewRun& in) {
  CourseRun r = run_from(in);
  TRV_TRY(validate_run(r));
  const int64_t now = impl_->clock.now_ms();
  r.id = new_id();
  r.course_id = course_id;
  r.created_by = actor.user_id;
  r.created_at_ms = r.updated_at_ms = now;
  TRV_TRY(impl_->write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<Course> course, queries::find_course(tx, course_id));
    if (!course) return no_such_course();
    TRV_TRY(queries::insert_run(tx, r));
    return impl_->audit.record(tx, impl_->event(actor, "course.run_created", course->organisation_id, "run", r.id,
                                                {{"course_id", course_id}, {"title", r.title}}));
  }));
  return r;
}

Result<CourseRun> Service::get_run(const std::string& run_id) {
  std::optional<CourseRun> found;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(found, queries::find_run(tx, run_id));
    return ok();
  }));
  if (!found) return no_such_run();
  return *found;
}

Result<std::vector<CourseRun>> Service::list_runs(const std::string& course_id) {
  std::vector<CourseRun> out;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<Course> course, queries::find_course(tx, course_id));
    if (!course) return no_such_course();
    TRV_ASSIGN(out, queries::runs_of(tx, course_id));
    return ok();
  }));
  return out;
}

Result<CourseRun> Service::update_run(const Actor& actor, const std::string& run_id, const RunChange& change) {
  CourseRun r;
  TRV_TRY(impl_->write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<CourseRun> found, queries::find_run(tx, run_id));
    if (!found) return no_such_run();
    r = std::move(*found);
    apply(r, change);
    TRV_TRY(validate_run(r));
    r.updated_at_ms = impl_->clock.now_ms();
    TRV_TRY(queries::update_run(tx, r));
    TRV_ASSIGN(std::optional<Course> course, queries::find_course(tx, r.course_id));
    return impl_->audit.record(tx, impl_->event(actor, "course.run_updated", course ? course->organisation_id : "",
                                                "run", r.id, {{"course_id", r.course_id}, {"title", r.title}}));
  }));
  return r;
}

Result<bool> Service::in_audience(const RunForEnrolment& run, const std::string& user_id) {
  if (run.settings.visibility != "organisation") return true;
  Course c;
  c.organisation_id = run.organisation_id;
  c.settings = run.settings;
  return visible_by_settings(impl_->orgs, c, user_id);
}

Result<RunForEnrolment> Service::run_for_enrolment(const std::string& run_id) {
  RunForEnrolment out;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<CourseRun> run, queries::find_run(tx, run_id));
    if (!run) return no_such_run();
    TRV_ASSIGN(std::optional<Course> course, queries::find_course(tx, run->course_id));
    if (!course) return no_such_run();
    out = RunForEnrolment{std::move(*run), course->id, course->organisation_id, course->title, course->settings};
    return ok();
  }));
  return out;
}

}  // namespace trivium::courses
