// Roles in the "course" and "run" contexts, asked by authz::Policy before
// every course and run route. Staff roles come from course_staff and
// run_staff; "viewer" from the course's visibility (public: everyone, the
// anonymous caller "" included; organisation: its members, within the chosen
// departments and their teams; private: nobody) and from holding any staff
// role in the course or one of its runs. Nothing is cached.

#include "courses/impl.h"

namespace trivium::courses {

RoleSource::RoleSource(db::Store& store, orgs::Service& orgs) : store_(store), orgs_(orgs) {}

Result<std::vector<std::string>> RoleSource::roles_in(const std::string& user_id, const authz::ContextRef& ctx) {
  std::vector<std::string> roles;
  std::optional<Course> course;
  bool staff_anywhere = false;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    std::string course_id = ctx.id;
    if (ctx.kind == "run") {
      TRV_ASSIGN(std::optional<CourseRun> run, queries::find_run(tx, ctx.id));
      if (!run) return ok();
      course_id = run->course_id;
    } else if (ctx.kind != "course") {
      return ok();
    }
    TRV_ASSIGN(course, queries::find_course(tx, course_id));
    if (!course || user_id.empty()) return ok();
    TRV_ASSIGN(roles, queries::staff_roles(tx, ctx.kind, ctx.id, user_id));
    TRV_ASSIGN(staff_anywhere, queries::is_staff_anywhere(tx, course_id, user_id));
    return ok();
  }));
  if (!course) return roles;
  bool viewer = staff_anywhere;
  if (!viewer) {
    TRV_ASSIGN(viewer, visible_by_settings(orgs_, *course, user_id));
  }
  if (viewer) roles.push_back("viewer");
  return roles;
}

Result<std::optional<authz::ContextRef>> RoleSource::parent_of(const authz::ContextRef& ctx) {
  std::optional<authz::ContextRef> parent;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    if (ctx.kind == "run") {
      TRV_ASSIGN(std::optional<CourseRun> run, queries::find_run(tx, ctx.id));
      if (!run) return no_such_run();
      parent = authz::ContextRef{"course", run->course_id};
      return ok();
    }
    TRV_ASSIGN(std::optional<Course> course, queries::find_course(tx, ctx.id));
    if (!course) return no_such_course();
    parent = authz::ContextRef{"organisation", course->organisation_id};
    return ok();
  }));
  return parent;
}

}  // namespace trivium::courses
