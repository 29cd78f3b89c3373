// SPOC derivation (a private course sharing a MOOC's or COOC's content with
// a run and a trainer of its own) and the staff roles of courses and runs.

#include <boost/json.hpp>

#include "courses/impl.h"

namespace trivium::courses {

namespace bj = boost::json;

Result<std::pair<Course, CourseRun>> Service::derive_spoc(const Actor& actor, const SpocDerivation& in) {
  TRV_ASSIGN(CourseRun source_run, get_run(in.source_run_id));
  TRV_ASSIGN(Course source, get_course(source_run.course_id));
  if (source.form == "spoc") {
    return invalid("source_run_id", "not_mooc_or_cooc", "A SPOC is derived from a run of a MOOC or a COOC.");
  }
  const std::string org_id = in.organisation_id.value_or(source.organisation_id);
  if (!may_create || !may_create(actor.user_id, org_id)) {
    return fail(ErrorKind::Forbidden, "You may not create courses in this organisation.");
  }
  NewCourse nc;
  nc.organisation_id = org_id;
  nc.form = "spoc";
  nc.slug = in.slug;
  nc.title = in.title;
  nc.summary = source.summary;
  nc.description_md = source.description_md;
  nc.language = source.language;
  nc.skills = source.skills;
  nc.cover_url = source.cover_url;
  nc.effort_hours = source.effort_hours;
  nc.authors = source.authors;
  nc.completion = source.settings.completion;
  nc.capacity = std::optional<int>(in.capacity.value_or(30));
  TRV_ASSIGN(Course c, course_from(nc));
  // The content is the source's until an author of the SPOC changes a part.
  c.content_source_course_id = source.content_source_course_id.value_or(source.id);
  c.derived_from_run_id = source_run.id;
  CourseRun run = run_from(in.run);
  if (run.title.empty()) run.title = in.title;
  run.derived_from_run_id = source_run.id;
  // The run's fields are nested under "run" in the request.
  if (auto valid = validate_run(run); !valid) {
    Error e = valid.error();
    for (FieldError& f : e.fields) f.field = "run/" + f.field;
    return fail(std::move(e));
  }
  const std::string trainer = in.trainer_user_id.value_or(actor.user_id);
  CourseRun stored_run;
  TRV_ASSIGN(Course stored, impl_->insert_course(actor, std::move(c), run, trainer, &stored_run));
  return std::pair<Course, CourseRun>{std::move(stored), std::move(stored_run)};
}

// --- Staff -----------------------------------------------------------------

namespace {

// The organisation owning the course or run `ctx` names; NotFound if none.
Result<std::string> organisation_of(db::Tx& tx, const authz::ContextRef& ctx) {
  std::string course_id = ctx.id;
  if (ctx.kind == "run") {
    TRV_ASSIGN(std::optional<CourseRun> run, queries::find_run(tx, ctx.id));
    if (!run) return no_such_run();
    course_id = run->course_id;
  } else if (ctx.kind != "course") {
    return fail(ErrorKind::NotFound, "Staff roles are held in a course or a run.");
  }
  TRV_ASSIGN(std::optional<Course> course, queries::find_course(tx, course_id));
  if (!course) return no_such_course();
  return course->organisation_id;
}

Result<void> check_role(const std::string& role) {
  if (!one_of(kStaffRoles, role)) return invalid("role", "enum", "One of author, trainer, observer.");
  return ok();
}

}  // namespace

Result<void> Service::grant(const Actor& actor, const authz::ContextRef& ctx, const std::string& user_id,
                            const std::string& role) {
  TRV_TRY(check_role(role));
  if (user_id.empty() || user_id.size() > 64) return invalid("user_id", "unknown_user", "No such user.");
  auto r = impl_->write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::string org_id, organisation_of(tx, ctx));
    TRV_ASSIGN(bool added, queries::grant(tx, ctx.kind, ctx.id, user_id, role, impl_->clock.now_ms()));
    if (!added) return ok();
    return impl_->audit.record(tx, impl_->event(actor, "course.staff_granted", org_id, ctx.kind, ctx.id,
                                                {{"user_id", user_id}, {"role", role}}));
  });
  // The only constraint left to fail is the user's foreign key.
  if (!r && r.error().kind == ErrorKind::Conflict) return invalid("user_id", "unknown_user", "No such user.");
  return r;
}

Result<void> Service::revoke(const Actor& actor, const authz::ContextRef& ctx, const std::string& user_id,
                             const std::string& role) {
  TRV_TRY(check_role(role));
  return impl_->write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::string org_id, organisation_of(tx, ctx));
    TRV_ASSIGN(bool removed, queries::revoke(tx, ctx.kind, ctx.id, user_id, role));
    if (!removed) return ok();
    return impl_->audit.record(tx, impl_->event(actor, "course.staff_revoked", org_id, ctx.kind, ctx.id,
                                                {{"user_id", user_id}, {"role", role}}));
  });
}

Result<std::vector<std::pair<std::string, std::vector<std::string>>>> Service::staff(const authz::ContextRef& ctx) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(organisation_of(tx, ctx));
    TRV_ASSIGN(auto rows, queries::staff(tx, ctx.kind, ctx.id));
    for (auto& [user, role] : rows) {
      if (out.empty() || out.back().first != user) out.push_back({user, {}});
      out.back().second.push_back(role);
    }
    return ok();
  }));
  return out;
}

}  // namespace trivium::courses
