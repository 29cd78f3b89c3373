// Enrolment: who takes part in a course run as a learner, and how they got
// there — self-enrolment, a request a trainer approves or rejects, an
// e-mail invitation, or a trainer's direct enrolment — with the waitlist that
// keeps capacity exact and is promoted first come, first served, and the
// cohorts (groups) that split a run's learners.
//
// The module adds the "learner" and "applicant" roles to the "course" and
// "run" contexts that the courses module owns. It reads courses and users
// only through the callbacks in Ports, which the app wires to the courses
// and identity services, so its tests do not depend on their internals.
#pragma once

#include <cstdint>
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
#include "mail/mail.h"

namespace trivium::enrolment {

inline const std::vector<std::string> kStates = {"pending", "waitlisted", "active", "completed", "dropped", "rejected"};
inline const std::vector<std::string> kSources = {"self", "request", "invitation", "direct", "import"};
// Invitation links are valid this long.
inline constexpr int64_t kInvitationTtlMs = 14LL * 24 * 3'600'000;
inline constexpr size_t kMaxInvitationsPerRequest = 100;

// Who acts, for audit and for "decided_by".
struct Actor {
  std::string user_id;
  std::string ip;
  std::string request_id;
};

struct Enrolment {
  std::string id;
  std::string run_id;
  std::string user_id;
  std::string state;
  std::string source;
  std::string message;           // the learner's, with a request
  std::string decision_message;  // the trainer's, with an approval or rejection
  std::optional<std::string> decided_by;
  std::optional<std::string> cohort_id;
  std::optional<int64_t> waitlist_position;
  std::optional<int64_t> requested_at_ms, waitlisted_at_ms, activated_at_ms, completed_at_ms, dropped_at_ms,
      rejected_at_ms;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

// An enrolment with what "my courses" shows of its run.
struct MyEnrolment {
  Enrolment enrolment;
  std::string course_id;
  std::string course_title;
  std::string run_title;
  std::optional<int64_t> starts_at_ms, ends_at_ms;
};

struct Invitation {
  std::string id;
  std::string run_id;
  std::string email;  // normalised (lower case)
  std::string invited_by;
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;
  std::optional<int64_t> used_at_ms;
  std::optional<std::string> user_id;  // who accepted it
  // Only when just created: the secret of the link (never stored).
  std::string token;
  // Only when just created: whether the address had no account and an
  // account-creation invitation went with it.
  bool new_account = false;
};

struct Cohort {
  std::string id;
  std::string run_id;
  std::string name;
  std::optional<std::string> department_id;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;
};

struct ListQuery {
  std::optional<std::string> state;
  std::string cursor;  // opaque, from a previous page
  int limit = 50;
};

// A trainer's direct enrolment names a user by id or by e-mail.
struct DirectEnrolment {
  std::optional<std::string> user_id;
  std::optional<std::string> email;
  std::optional<std::string> cohort_id;
};

// What the other modules provide, wired by the app.
struct Ports {
  // The run and its course's settings, read at decision time (NotFound for
  // an unknown run).
  std::function<Result<courses::RunForEnrolment>(const std::string& run_id)> run;
  // The account with this e-mail (any case), nullopt if none.
  std::function<Result<std::optional<std::string>>(const std::string& email)> user_by_email;
  // The e-mail address of an account (nullopt if none), to tell a learner
  // how their request was decided. Unset: no such mail.
  std::function<Result<std::optional<std::string>>(const std::string& user_id)> email_of;
  // Sends identity's account-creation invitation to an unknown address
  // (its own transaction; Conflict if an account exists meanwhile).
  std::function<Result<void>(const std::string& email, const Actor& actor)> invite_new_user;
  // Whether the user belongs to the course's audience (an internal COOC
  // takes only members of its organisation and departments); asked before a
  // trainer enrols or invites someone. Unset: everyone does.
  std::function<Result<bool>(const courses::RunForEnrolment& run, const std::string& user_id)> in_audience;
  // (department id, name) of every department of an organisation, to check
  // a cohort's department. Unset: not checked.
  std::function<Result<std::vector<std::pair<std::string, std::string>>>(const std::string& organisation_id)>
      departments;
  // (department id, name) of the user's departments in an organisation, for
  // assigning cohorts by department.
  std::function<Result<std::vector<std::pair<std::string, std::string>>>(const std::string& user_id,
                                                                         const std::string& organisation_id)>
      departments_of;
  // Base of the links in e-mails ("https://learn.example.org").
  std::string public_url = "http://127.0.0.1:8080";
};

class Service {
 public:
  Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, mail::Outbox& outbox, Ports ports);
  ~Service();

  // The caller enrols themselves. open: active, or waitlisted when the run is
  // full; approval: a pending request carrying `message`; invitation:
  // Forbidden (an invitation link is needed). Conflict outside the
  // enrolment window or when already enrolled, pending or waitlisted.
  Result<Enrolment> self_enrol(const Actor& actor, const std::string& run_id, const std::string& message);
  // The caller leaves the run (dropped); a freed seat goes to the waitlist.
  Result<Enrolment> unenrol_self(const Actor& actor, const std::string& run_id);
  // The caller's enrolment in the run; NotFound if none.
  Result<Enrolment> mine(const std::string& user_id, const std::string& run_id);

  // Trainers and admins. approve: pending -> active (or waitlisted when full);
  // reject: pending or waitlisted -> rejected; remove: -> dropped.
  Result<Enrolment> approve(const Actor& actor, const std::string& run_id, const std::string& enrolment_id,
                            const std::string& message);
  Result<Enrolment> reject(const Actor& actor, const std::string& run_id, const std::string& enrolment_id,
                           const std::string& message);
  Result<Enrolment> remove(const Actor& actor, const std::string& run_id, const std::string& enrolment_id);
  // Enrols a user (window and policy do not apply; capacity does).
  Result<Enrolment> enrol_directly(const Actor& actor, const std::string& run_id, const DirectEnrolment& in);
  // Bulk enrolment for roster imports, in one transaction: each user with an
  // optional cohort name (the cohort is created when missing). Policy and
  // window do not apply; capacity does. Outcomes in order: "enrolled",
  // "waitlisted", or "unchanged" when already active, completed or
  // waitlisted (a named cohort is still applied). Running it twice changes
  // nothing the second time.
  Result<std::vector<std::string>> enrol_batch(
      const Actor& actor, const std::string& run_id,
      const std::vector<std::pair<std::string, std::optional<std::string>>>& users_and_cohorts);
  Result<Enrolment> get(const std::string& run_id, const std::string& enrolment_id);
  Result<Page<Enrolment>> list(const std::string& run_id, const ListQuery& q);
  // The user's enrolments, newest first, with their runs.
  Result<Page<MyEnrolment>> list_mine(const std::string& user_id, const ListQuery& q);

  // Invitations: one single-use link per address, mailed in the transaction
  // that creates it; an address without an account also gets identity's
  // account-creation invitation. All addresses are checked first (Invalid
  // with "emails/<i>" fields) and nothing is sent if one is wrong.
  Result<std::vector<Invitation>> invite(const Actor& actor, const std::string& run_id,
                                         const std::vector<std::string>& emails);
  Result<Page<Invitation>> list_invitations(const std::string& run_id, const std::string& cursor, int limit);
  // The signed-in caller accepts: NotFound for an unknown token, Conflict
  // when used or expired. Enrols them (active or waitlisted).
  Result<Enrolment> accept_invitation(const Actor& actor, const std::string& token);

  // Cohorts.
  Result<Cohort> create_cohort(const Actor& actor, const std::string& run_id, const std::string& name,
                               const std::optional<std::string>& department_id);
  Result<Cohort> rename_cohort(const Actor& actor, const std::string& run_id, const std::string& cohort_id,
                               const std::string& name);
  // Its learners become unassigned.
  Result<void> delete_cohort(const Actor& actor, const std::string& run_id, const std::string& cohort_id);
  Result<std::vector<Cohort>> list_cohorts(const std::string& run_id);
  // nullopt unassigns.
  Result<Enrolment> assign_cohort(const Actor& actor, const std::string& run_id, const std::string& enrolment_id,
                                  const std::optional<std::string>& cohort_id);
  // Assigns every active learner without a cohort: "round_robin" over the
  // existing cohorts (Conflict if there are none), or "department" into the
  // cohort of their first department in the run's organisation (created on
  // demand, named after the department). Returns how many were assigned.
  Result<int> auto_assign(const Actor& actor, const std::string& run_id, const std::string& strategy);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "learner" (active or completed) and "applicant" (pending or waitlisted) in
// a run; "learner" in a course when learner in any of its runs. The courses
// module owns these contexts, so parent_of answers only as a fallback.
class RoleSource final : public authz::RoleSource {
 public:
  // The ids of a course's runs (the courses module's list_runs).
  using RunsOfCourse = std::function<Result<std::vector<std::string>>(const std::string& course_id)>;
  RoleSource(db::Store& store, RunsOfCourse runs_of_course);
  Result<std::vector<std::string>> roles_in(const std::string& user_id, const authz::ContextRef& ctx) override;
  Result<std::optional<authz::ContextRef>> parent_of(const authz::ContextRef& ctx) override;

 private:
  db::Store& store_;
  RunsOfCourse runs_of_course_;
};

std::vector<authz::Capability> capabilities();
void register_routes(http::Router& router, Service& service);

}  // namespace trivium::enrolment
