// The enrolment module's SQL, in the subset common to SQLite and PostgreSQL.
// Only this module's tables are read here.

#include "enrolment/internal.h"

namespace trivium::enrolment::queries {
namespace {

constexpr std::string_view kCols =
    "id, run_id, user_id, state, source, message, decision_message, decided_by, cohort_id, waitlist_position, "
    "requested_at, waitlisted_at, activated_at, completed_at, dropped_at, rejected_at, created_at, updated_at";

Enrolment from_row(const db::Row& r) {
  Enrolment e;
  e.id = r.text(0);
  e.run_id = r.text(1);
  e.user_id = r.text(2);
  e.state = r.text(3);
  e.source = r.text(4);
  e.message = r.text(5);
  e.decision_message = r.text(6);
  e.decided_by = r.opt_text(7);
  e.cohort_id = r.opt_text(8);
  e.waitlist_position = r.opt_i64(9);
  e.requested_at_ms = r.opt_i64(10);
  e.waitlisted_at_ms = r.opt_i64(11);
  e.activated_at_ms = r.opt_i64(12);
  e.completed_at_ms = r.opt_i64(13);
  e.dropped_at_ms = r.opt_i64(14);
  e.rejected_at_ms = r.opt_i64(15);
  e.created_at_ms = r.i64(16);
  e.updated_at_ms = r.i64(17);
  return e;
}

std::string select(std::string_view rest) {
  return "SELECT " + std::string(kCols) + " FROM enrolments " + std::string(rest);
}

Result<std::vector<Enrolment>> many(Result<db::Rows> rows) {
  if (!rows) return rows.failure();
  std::vector<Enrolment> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(from_row(r));
  return out;
}

Result<std::optional<Enrolment>> maybe(Result<std::optional<db::Row>> row) {
  if (!row) return row.failure();
  if (!*row) return std::optional<Enrolment>{};
  return std::optional<Enrolment>(from_row(**row));
}

Invitation invitation_from(const db::Row& r) {
  Invitation i;
  i.id = r.text(0);
  i.run_id = r.text(1);
  i.email = r.text(2);
  i.invited_by = r.text(3);
  i.created_at_ms = r.i64(4);
  i.expires_at_ms = r.i64(5);
  i.used_at_ms = r.opt_i64(6);
  i.user_id = r.opt_text(7);
  return i;
}

constexpr std::string_view kInvitationCols =
    "SELECT id, run_id, email_normalized, invited_by, created_at, expires_at, used_at, user_id FROM invitations ";

Cohort cohort_from(const db::Row& r) {
  return Cohort{r.text(0), r.text(1), r.text(2), r.opt_text(3), r.i64(4), r.i64(5)};
}

constexpr std::string_view kCohortCols = "SELECT id, run_id, name, department_id, created_at, updated_at FROM cohorts ";

}  // namespace

Result<std::optional<Enrolment>> find(db::Tx& tx, const std::string& run_id, const std::string& user_id) {
  return maybe(tx.one(select("WHERE run_id = $1 AND user_id = $2"), {run_id, user_id}));
}

Result<std::optional<Enrolment>> find_by_id(db::Tx& tx, const std::string& run_id, const std::string& id) {
  return maybe(tx.one(select("WHERE id = $1 AND run_id = $2"), {id, run_id}));
}

Result<void> insert(db::Tx& tx, const Enrolment& e) {
  TRV_TRY(tx.exec("INSERT INTO enrolments (" + std::string(kCols) +
                      ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
                  {e.id, e.run_id, e.user_id, e.state, e.source, e.message, e.decision_message, e.decided_by,
                   e.cohort_id, e.waitlist_position, e.requested_at_ms, e.waitlisted_at_ms, e.activated_at_ms,
                   e.completed_at_ms, e.dropped_at_ms, e.rejected_at_ms, e.created_at_ms, e.updated_at_ms}));
  return ok();
}

Result<void> update(db::Tx& tx, const Enrolment& e) {
  TRV_TRY(
      tx.exec("UPDATE enrolments SET state = $2, source = $3, message = $4, decision_message = $5, decided_by = $6, "
              "cohort_id = $7, waitlist_position = $8, requested_at = $9, waitlisted_at = $10, activated_at = $11, "
              "completed_at = $12, dropped_at = $13, rejected_at = $14, updated_at = $15 WHERE id = $1",
              {e.id, e.state, e.source, e.message, e.decision_message, e.decided_by, e.cohort_id, e.waitlist_position,
               e.requested_at_ms, e.waitlisted_at_ms, e.activated_at_ms, e.completed_at_ms, e.dropped_at_ms,
               e.rejected_at_ms, e.updated_at_ms}));
  return ok();
}

Result<std::optional<Enrolment>> first_waitlisted(db::Tx& tx, const std::string& run_id) {
  return maybe(
      tx.one(select("WHERE run_id = $1 AND state = 'waitlisted' ORDER BY waitlist_position, id LIMIT 1"), {run_id}));
}

Result<std::vector<Enrolment>> list_run(db::Tx& tx, const std::string& run_id, const std::optional<std::string>& state,
                                        const std::string& after_id, int limit) {
  if (state) {
    return many(tx.query(select("WHERE run_id = $1 AND state = $2 AND id > $3 ORDER BY id LIMIT $4"),
                         {run_id, *state, after_id, limit}));
  }
  return many(tx.query(select("WHERE run_id = $1 AND id > $2 ORDER BY id LIMIT $3"), {run_id, after_id, limit}));
}

Result<std::vector<Enrolment>> list_user(db::Tx& tx, const std::string& user_id,
                                         const std::optional<std::string>& state, const std::string& before_id,
                                         int limit) {
  // An empty cursor means "from the newest": every id sorts before "~".
  const std::string before = before_id.empty() ? std::string("~") : before_id;
  if (state) {
    return many(tx.query(select("WHERE user_id = $1 AND state = $2 AND id < $3 ORDER BY id DESC LIMIT $4"),
                         {user_id, *state, before, limit}));
  }
  return many(tx.query(select("WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3"), {user_id, before, limit}));
}

Result<std::vector<Enrolment>> unassigned_active(db::Tx& tx, const std::string& run_id) {
  return many(tx.query(select("WHERE run_id = $1 AND state = 'active' AND cohort_id IS NULL ORDER BY id"), {run_id}));
}

Result<std::vector<std::string>> learner_runs(db::Tx& tx, const std::string& user_id) {
  TRV_ASSIGN(db::Rows rows, tx.query("SELECT run_id FROM enrolments WHERE user_id = $1 AND state IN ('active', "
                                     "'completed')",
                                     {user_id}));
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.text(0));
  return out;
}

Result<std::optional<std::string>> state_in_run(db::Tx& tx, const std::string& user_id, const std::string& run_id) {
  TRV_ASSIGN(auto row, tx.one("SELECT state FROM enrolments WHERE run_id = $1 AND user_id = $2", {run_id, user_id}));
  if (!row) return std::optional<std::string>{};
  return std::optional<std::string>(row->text(0));
}

Result<bool> take_seat(db::Tx& tx, const std::string& run_id, std::optional<int> capacity) {
  TRV_TRY(tx.exec("INSERT INTO run_seats (run_id, taken, queued) VALUES ($1, 0, 0) ON CONFLICT (run_id) DO NOTHING",
                  {run_id}));
  // One conditional UPDATE of the run's row: SQLite runs one writer at a
  // time; PostgreSQL locks the row and re-evaluates the condition on the
  // committed value (READ COMMITTED), so no two callers take the last seat.
  if (!capacity) {
    TRV_TRY(tx.exec("UPDATE run_seats SET taken = taken + 1 WHERE run_id = $1", {run_id}));
    return true;
  }
  TRV_ASSIGN(int64_t changed, tx.exec("UPDATE run_seats SET taken = taken + 1 WHERE run_id = $1 AND taken < $2",
                                      {run_id, int64_t{*capacity}}));
  return changed == 1;
}

Result<void> release_seat(db::Tx& tx, const std::string& run_id) {
  TRV_TRY(tx.exec("UPDATE run_seats SET taken = taken - 1 WHERE run_id = $1 AND taken > 0", {run_id}));
  return ok();
}

Result<int64_t> next_waitlist_position(db::Tx& tx, const std::string& run_id) {
  TRV_TRY(tx.exec("INSERT INTO run_seats (run_id, taken, queued) VALUES ($1, 0, 0) ON CONFLICT (run_id) DO NOTHING",
                  {run_id}));
  TRV_ASSIGN(auto row, tx.one("UPDATE run_seats SET queued = queued + 1 WHERE run_id = $1 RETURNING queued", {run_id}));
  if (!row) return fail(ErrorKind::Internal, "run_seats row missing");
  return row->i64(0);
}

Result<void> insert_invitation(db::Tx& tx, const Invitation& inv, const std::string& secret_hash) {
  TRV_TRY(
      tx.exec("INSERT INTO invitations (id, run_id, email_normalized, secret_hash, invited_by, created_at, "
              "expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
              {inv.id, inv.run_id, inv.email, secret_hash, inv.invited_by, inv.created_at_ms, inv.expires_at_ms}));
  return ok();
}

Result<std::optional<Invitation>> find_invitation(db::Tx& tx, const std::string& secret_hash) {
  TRV_ASSIGN(auto row, tx.one(std::string(kInvitationCols) + "WHERE secret_hash = $1", {secret_hash}));
  if (!row) return std::optional<Invitation>{};
  return std::optional<Invitation>(invitation_from(*row));
}

Result<bool> mark_invitation_used(db::Tx& tx, const std::string& id, const std::string& user_id, int64_t now) {
  // Conditional, so that two accepts of one link cannot both succeed.
  TRV_ASSIGN(int64_t changed,
             tx.exec("UPDATE invitations SET used_at = $2, user_id = $3 WHERE id = $1 AND used_at IS NULL",
                     {id, now, user_id}));
  return changed == 1;
}

Result<std::vector<Invitation>> list_invitations(db::Tx& tx, const std::string& run_id, const std::string& after_id,
                                                 int limit) {
  TRV_ASSIGN(db::Rows rows,
             tx.query(std::string(kInvitationCols) + "WHERE run_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                      {run_id, after_id, limit}));
  std::vector<Invitation> out;
  for (const auto& r : rows) out.push_back(invitation_from(r));
  return out;
}

Result<void> insert_cohort(db::Tx& tx, const Cohort& c) {
  TRV_TRY(
      tx.exec("INSERT INTO cohorts (id, run_id, name, department_id, created_at, updated_at) VALUES ($1, $2, "
              "$3, $4, $5, $6)",
              {c.id, c.run_id, c.name, c.department_id, c.created_at_ms, c.updated_at_ms}));
  return ok();
}

Result<std::optional<Cohort>> find_cohort(db::Tx& tx, const std::string& run_id, const std::string& id) {
  TRV_ASSIGN(auto row, tx.one(std::string(kCohortCols) + "WHERE id = $1 AND run_id = $2", {id, run_id}));
  if (!row) return std::optional<Cohort>{};
  return std::optional<Cohort>(cohort_from(*row));
}

Result<std::optional<Cohort>> find_cohort_by_name(db::Tx& tx, const std::string& run_id, const std::string& name) {
  TRV_ASSIGN(auto row, tx.one(std::string(kCohortCols) + "WHERE run_id = $1 AND name = $2", {run_id, name}));
  if (!row) return std::optional<Cohort>{};
  return std::optional<Cohort>(cohort_from(*row));
}

Result<std::vector<Cohort>> list_cohorts(db::Tx& tx, const std::string& run_id) {
  TRV_ASSIGN(db::Rows rows, tx.query(std::string(kCohortCols) + "WHERE run_id = $1 ORDER BY name, id", {run_id}));
  std::vector<Cohort> out;
  for (const auto& r : rows) out.push_back(cohort_from(r));
  return out;
}

Result<void> rename_cohort(db::Tx& tx, const std::string& id, const std::string& name, int64_t now) {
  TRV_TRY(tx.exec("UPDATE cohorts SET name = $2, updated_at = $3 WHERE id = $1", {id, name, now}));
  return ok();
}

Result<void> delete_cohort(db::Tx& tx, const std::string& id) {
  TRV_TRY(tx.exec("UPDATE enrolments SET cohort_id = NULL WHERE cohort_id = $1", {id}));
  TRV_TRY(tx.exec("DELETE FROM cohorts WHERE id = $1", {id}));
  return ok();
}

Result<void> set_cohort(db::Tx& tx, const std::string& enrolment_id, const std::optional<std::string>& cohort_id,
                        int64_t now) {
  TRV_TRY(
      tx.exec("UPDATE enrolments SET cohort_id = $2, updated_at = $3 WHERE id = $1", {enrolment_id, cohort_id, now}));
  return ok();
}

}  // namespace trivium::enrolment::queries
