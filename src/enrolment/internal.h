// Inside the enrolment module: the service's state and the SQL it runs. Not
// included by other modules.
#pragma once

#include <string>
#include <string_view>

#include "enrolment/enrolment.h"

namespace trivium::enrolment {

struct Service::Impl {
  db::Store& store;
  const Clock& clock;
  audit::AuditLog& audit;
  mail::Outbox& outbox;
  Ports ports;

  Result<courses::RunForEnrolment> run(const std::string& run_id);
  audit::Event event(const Actor& actor, std::string action, const courses::RunForEnrolment& run,
                     const Enrolment& e) const;
  // Gives `e` a seat (active) when one is free, else puts it at the end of
  // the waitlist; timestamps set, not yet saved.
  Result<void> place(db::Tx& tx, const courses::RunForEnrolment& run, Enrolment& e, int64_t now);
  // Moves `e` to dropped, frees its seat if it held one, and promotes the
  // waitlist into the free seats (same transaction).
  Result<void> drop(db::Tx& tx, const Actor& actor, const courses::RunForEnrolment& run, Enrolment& e, int64_t now);
  // Activates waitlisted learners, oldest first, while seats are free.
  Result<int> promote(db::Tx& tx, const Actor& actor, const courses::RunForEnrolment& run, int64_t now);
  // Writes an enrolment (new or existing) and its audit event.
  Result<void> record(db::Tx& tx, const Actor& actor, const courses::RunForEnrolment& run, const Enrolment& e,
                      bool is_new, std::string action);
  // One enrolment of a run by id, read outside any write.
  Result<std::optional<Enrolment>> read_by_id(const std::string& run_id, const std::string& enrolment_id);
  // The address of the enrolment's learner (nullopt: no mail to send).
  Result<std::optional<std::string>> learner_address(const std::string& run_id, const std::string& enrolment_id);
  // Where a learner finds the run, for links in mails.
  std::string run_link(const std::string& run_id) const { return ports.public_url + "/runs/" + run_id; }
};

namespace queries {

Result<std::optional<Enrolment>> find(db::Tx& tx, const std::string& run_id, const std::string& user_id);
Result<std::optional<Enrolment>> find_by_id(db::Tx& tx, const std::string& run_id, const std::string& id);
Result<void> insert(db::Tx& tx, const Enrolment& e);
Result<void> update(db::Tx& tx, const Enrolment& e);
Result<std::optional<Enrolment>> first_waitlisted(db::Tx& tx, const std::string& run_id);
Result<std::vector<Enrolment>> list_run(db::Tx& tx, const std::string& run_id, const std::optional<std::string>& state,
                                        const std::string& after_id, int limit);
Result<std::vector<Enrolment>> list_user(db::Tx& tx, const std::string& user_id,
                                         const std::optional<std::string>& state, const std::string& before_id,
                                         int limit);
// Active learners of a run without a cohort, oldest first.
Result<std::vector<Enrolment>> unassigned_active(db::Tx& tx, const std::string& run_id);
// run ids where the user is a learner (active or completed).
Result<std::vector<std::string>> learner_runs(db::Tx& tx, const std::string& user_id);
Result<std::optional<std::string>> state_in_run(db::Tx& tx, const std::string& user_id, const std::string& run_id);

// Seats: taken < capacity (or no capacity) -> taken + 1 and true.
Result<bool> take_seat(db::Tx& tx, const std::string& run_id, std::optional<int> capacity);
Result<void> release_seat(db::Tx& tx, const std::string& run_id);
// The next place in the run's waitlist.
Result<int64_t> next_waitlist_position(db::Tx& tx, const std::string& run_id);

Result<void> insert_invitation(db::Tx& tx, const Invitation& inv, const std::string& secret_hash);
Result<std::optional<Invitation>> find_invitation(db::Tx& tx, const std::string& secret_hash);
Result<bool> mark_invitation_used(db::Tx& tx, const std::string& id, const std::string& user_id, int64_t now);
Result<std::vector<Invitation>> list_invitations(db::Tx& tx, const std::string& run_id, const std::string& after_id,
                                                 int limit);

Result<void> insert_cohort(db::Tx& tx, const Cohort& c);
Result<std::optional<Cohort>> find_cohort(db::Tx& tx, const std::string& run_id, const std::string& id);
Result<std::optional<Cohort>> find_cohort_by_name(db::Tx& tx, const std::string& run_id, const std::string& name);
Result<std::vector<Cohort>> list_cohorts(db::Tx& tx, const std::string& run_id);
Result<void> rename_cohort(db::Tx& tx, const std::string& id, const std::string& name, int64_t now);
Result<void> delete_cohort(db::Tx& tx, const std::string& id);
Result<void> set_cohort(db::Tx& tx, const std::string& enrolment_id, const std::optional<std::string>& cohort_id,
                        int64_t now);

}  // namespace queries

// A fresh row for (run, user), or the existing one made ready to start
// again (a dropped or rejected learner keeps the id and earlier timestamps).
Enrolment restart(std::optional<Enrolment> existing, const std::string& run_id, const std::string& user_id,
                  int64_t now);

inline bool holds_seat(std::string_view state) {
  return state == "active" || state == "completed";
}
inline bool is_open_state(std::string_view state) {
  return state == "active" || state == "completed" || state == "pending" || state == "waitlisted";
}

}  // namespace trivium::enrolment
