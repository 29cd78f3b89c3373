// Bulk enrolment for roster imports: one transaction per batch, idempotent.

#include <map>

#include "core/ids.h"
#include "enrolment/internal.h"

namespace trivium::enrolment {

Result<std::vector<std::string>> Service::enrol_batch(
    const Actor& actor, const std::string& run_id,
    const std::vector<std::pair<std::string, std::optional<std::string>>>& users_and_cohorts) {
  TRV_ASSIGN(courses::RunForEnrolment run, impl_->run(run_id));
  const int64_t now = impl_->clock.now_ms();
  std::vector<std::string> outcomes;
  TRV_TRY(impl_->store.write([&](db::Tx& tx) -> Result<void> {
    outcomes.clear();
    std::map<std::string, std::string> cohort_ids;  // name -> id, found or created in this batch
    for (const auto& [user_id, cohort_name] : users_and_cohorts) {
      std::optional<std::string> cohort_id;
      if (cohort_name) {
        auto known = cohort_ids.find(*cohort_name);
        if (known == cohort_ids.end()) {
          TRV_ASSIGN(std::optional<Cohort> cohort, queries::find_cohort_by_name(tx, run_id, *cohort_name));
          if (!cohort) {
            cohort = Cohort{new_id(), run_id, *cohort_name, std::nullopt, now, now};
            TRV_TRY(queries::insert_cohort(tx, *cohort));
          }
          known = cohort_ids.emplace(*cohort_name, cohort->id).first;
        }
        cohort_id = known->second;
      }
      TRV_ASSIGN(std::optional<Enrolment> existing, queries::find(tx, run_id, user_id));
      if (existing && (holds_seat(existing->state) || existing->state == "waitlisted")) {
        if (cohort_id && existing->cohort_id != cohort_id)
          TRV_TRY(queries::set_cohort(tx, existing->id, cohort_id, now));
        outcomes.emplace_back("unchanged");
        continue;
      }
      const bool is_new = !existing;
      Enrolment e = restart(std::move(existing), run_id, user_id, now);
      e.source = "import";
      e.decided_by = actor.user_id;
      if (cohort_id) e.cohort_id = cohort_id;
      TRV_TRY(impl_->place(tx, run, e, now));
      TRV_TRY(impl_->record(tx, actor, run, e, is_new, "enrolment.imported"));
      outcomes.emplace_back(e.state == "active" ? "enrolled" : "waitlisted");
    }
    return ok();
  }));
  return outcomes;
}

}  // namespace trivium::enrolment
