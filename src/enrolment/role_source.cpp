// Learners' roles in the "run" and "course" contexts, added to the staff and
// viewer roles the courses module gives there. Nothing is cached: a
// promotion or an unenrolment counts on the next request.

#include <algorithm>

#include "enrolment/internal.h"

namespace trivium::enrolment {

RoleSource::RoleSource(db::Store& store, RunsOfCourse runs_of_course)
    : store_(store), runs_of_course_(std::move(runs_of_course)) {}

Result<std::vector<std::string>> RoleSource::roles_in(const std::string& user_id, const authz::ContextRef& ctx) {
  std::vector<std::string> roles;
  if (user_id.empty()) return roles;  // anonymous callers are never learners
  if (ctx.kind == "run") {
    std::optional<std::string> state;
    TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
      TRV_ASSIGN(state, queries::state_in_run(tx, user_id, ctx.id));
      return ok();
    }));
    if (state && holds_seat(*state)) roles.push_back("learner");
    if (state && (*state == "pending" || *state == "waitlisted")) roles.push_back("applicant");
    return roles;
  }
  if (ctx.kind != "course" || !runs_of_course_) return roles;
  std::vector<std::string> mine;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(mine, queries::learner_runs(tx, user_id));
    return ok();
  }));
  if (mine.empty()) return roles;
  TRV_ASSIGN(std::vector<std::string> runs, runs_of_course_(ctx.id));
  const bool learner = std::any_of(runs.begin(), runs.end(), [&](const std::string& run) {
    return std::find(mine.begin(), mine.end(), run) != mine.end();
  });
  if (learner) roles.push_back("learner");
  return roles;
}

// The courses module registers first for these kinds and owns parent_of;
// this answer is never asked in the app, and knows no parents.
Result<std::optional<authz::ContextRef>> RoleSource::parent_of(const authz::ContextRef&) {
  return std::optional<authz::ContextRef>{};
}

}  // namespace trivium::enrolment
