// Cohorts (groups) inside a run: created by trainers, learners assigned by
// hand or automatically — round-robin over the existing cohorts, or by the
// learner's department in the run's organisation.

#include <map>

#include "core/ids.h"
#include "core/json.h"
#include "enrolment/internal.h"

namespace trivium::enrolment {
namespace {

Failure no_cohort() {
  return fail(ErrorKind::NotFound, "No such cohort.");
}
Failure name_taken() {
  return fail(ErrorKind::Conflict, "A cohort of this run already has this name.");
}

audit::Event cohort_event(const Actor& actor, std::string action, const courses::RunForEnrolment& run,
                          const std::string& cohort_id, boost::json::object detail) {
  audit::Event ev;
  ev.action = std::move(action);
  ev.actor_id = actor.user_id;
  ev.ip = actor.ip;
  ev.request_id = actor.request_id;
  ev.organisation_id = run.organisation_id;
  ev.target_kind = "cohort";
  ev.target_id = cohort_id;
  detail["run_id"] = run.run.id;
  ev.detail_json = json::serialize(detail);
  return ev;
}

Result<void> map_unique(Result<void> r) {
  if (!r && db::is_unique_violation(r.error())) return name_taken();
  return r;
}

}  // namespace

Result<Cohort> Service::create_cohort(const Actor& actor, const std::string& run_id, const std::string& name,
                                      const std::optional<std::string>& department_id) {
  TRV_ASSIGN(courses::RunForEnrolment run, impl_->run(run_id));
  if (department_id && impl_->ports.departments) {
    TRV_ASSIGN(auto departments, impl_->ports.departments(run.organisation_id));
    bool known = false;
    for (const auto& d : departments) known = known || d.first == *department_id;
    if (!known) return invalid("department_id", "unknown", "No such department in the course's organisation.");
  }
  const int64_t now = impl_->clock.now_ms();
  Cohort c{new_id(), run_id, name, department_id, now, now};
  TRV_TRY(map_unique(impl_->store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<Cohort> taken, queries::find_cohort_by_name(tx, run_id, name));
    if (taken) return name_taken();
    TRV_TRY(queries::insert_cohort(tx, c));
    return impl_->audit.record(tx, cohort_event(actor, "enrolment.cohort_created", run, c.id, {{"name", name}}));
  })));
  return c;
}

Result<Cohort> Service::rename_cohort(const Actor& actor, const std::string& run_id, const std::string& cohort_id,
                                      const std::string& name) {
  TRV_ASSIGN(courses::RunForEnrolment run, impl_->run(run_id));
  const int64_t now = impl_->clock.now_ms();
  Cohort c;
  TRV_TRY(map_unique(impl_->store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<Cohort> found, queries::find_cohort(tx, run_id, cohort_id));
    if (!found) return no_cohort();
    c = std::move(*found);
    if (c.name == name) return ok();
    TRV_ASSIGN(std::optional<Cohort> taken, queries::find_cohort_by_name(tx, run_id, name));
    if (taken) return name_taken();
    TRV_TRY(queries::rename_cohort(tx, cohort_id, name, now));
    c.name = name;
    c.updated_at_ms = now;
    return impl_->audit.record(tx, cohort_event(actor, "enrolment.cohort_renamed", run, c.id, {{"name", name}}));
  })));
  return c;
}

Result<void> Service::delete_cohort(const Actor& actor, const std::string& run_id, const std::string& cohort_id) {
  TRV_ASSIGN(courses::RunForEnrolment run, impl_->run(run_id));
  return impl_->store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<Cohort> found, queries::find_cohort(tx, run_id, cohort_id));
    if (!found) return no_cohort();
    TRV_TRY(queries::delete_cohort(tx, cohort_id));
    return impl_->audit.record(
        tx, cohort_event(actor, "enrolment.cohort_deleted", run, cohort_id, {{"name", found->name}}));
  });
}

Result<std::vector<Cohort>> Service::list_cohorts(const std::string& run_id) {
  std::vector<Cohort> out;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(out, queries::list_cohorts(tx, run_id));
    return ok();
  }));
  return out;
}

Result<Enrolment> Service::assign_cohort(const Actor& actor, const std::string& run_id, const std::string& enrolment_id,
                                         const std::optional<std::string>& cohort_id) {
  TRV_ASSIGN(courses::RunForEnrolment run, impl_->run(run_id));
  const int64_t now = impl_->clock.now_ms();
  Enrolment e;
  TRV_TRY(impl_->store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<Enrolment> found, queries::find_by_id(tx, run_id, enrolment_id));
    if (!found) return fail(ErrorKind::NotFound, "No such enrolment.");
    if (cohort_id) {
      TRV_ASSIGN(std::optional<Cohort> cohort, queries::find_cohort(tx, run_id, *cohort_id));
      if (!cohort) return invalid("cohort_id", "unknown", "No such cohort in this run.");
    }
    e = std::move(*found);
    e.cohort_id = cohort_id;
    e.updated_at_ms = now;
    TRV_TRY(queries::set_cohort(tx, e.id, cohort_id, now));
    return impl_->audit.record(tx, impl_->event(actor, "enrolment.cohort_assigned", run, e));
  }));
  return e;
}

Result<int> Service::auto_assign(const Actor& actor, const std::string& run_id, const std::string& strategy) {
  if (strategy != "round_robin" && strategy != "department") {
    return invalid("strategy", "not_allowed", "One of: round_robin, department.");
  }
  TRV_ASSIGN(courses::RunForEnrolment run, impl_->run(run_id));
  std::vector<Enrolment> learners;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(learners, queries::unassigned_active(tx, run_id));
    return ok();
  }));
  // Departments come from orgs before the write transaction (which must not
  // call other services).
  std::map<std::string, std::pair<std::string, std::string>> department_of;  // enrolment id -> (id, name)
  if (strategy == "department") {
    if (!impl_->ports.departments_of) return fail(ErrorKind::Internal, "enrolment: no department lookup wired");
    for (const Enrolment& e : learners) {
      TRV_ASSIGN(auto deps, impl_->ports.departments_of(e.user_id, run.organisation_id));
      if (!deps.empty()) department_of[e.id] = deps.front();
    }
  }
  const int64_t now = impl_->clock.now_ms();
  int assigned = 0;
  TRV_TRY(impl_->store.write([&](db::Tx& tx) -> Result<void> {
    assigned = 0;
    TRV_ASSIGN(std::vector<Cohort> cohorts, queries::list_cohorts(tx, run_id));
    if (strategy == "round_robin" && cohorts.empty()) {
      return fail(ErrorKind::Conflict, "Create cohorts first: round-robin spreads learners over existing cohorts.");
    }
    size_t next = 0;
    for (const Enrolment& e : learners) {
      std::string cohort_id;
      if (strategy == "round_robin") {
        cohort_id = cohorts[next++ % cohorts.size()].id;
      } else {
        auto dep = department_of.find(e.id);
        if (dep == department_of.end()) continue;  // no department: left unassigned
        const auto& [dep_id, dep_name] = dep->second;
        TRV_ASSIGN(std::optional<Cohort> cohort, queries::find_cohort_by_name(tx, run_id, dep_name));
        if (!cohort) {
          cohort = Cohort{new_id(), run_id, dep_name, dep_id, now, now};
          TRV_TRY(queries::insert_cohort(tx, *cohort));
        }
        cohort_id = cohort->id;
      }
      TRV_TRY(queries::set_cohort(tx, e.id, cohort_id, now));
      ++assigned;
    }
    return impl_->audit.record(tx, cohort_event(actor, "enrolment.cohorts_auto_assigned", run, "",
                                                {{"strategy", strategy}, {"assigned", assigned}}));
  }));
  return assigned;
}

}  // namespace trivium::enrolment
