// Roster imports: an organisation admin uploads a CSV of people (e-mail,
// name, department, run, role, cohort) and Trivium creates the missing
// accounts, places everyone in the organisation and its departments, and
// enrols them in course runs with their role and cohort.
//
// The file is checked at once for its columns (a wrong header is refused
// before anything is stored); the rows are then processed by a background
// job whose progress and per-line report can be polled. Every row is checked
// before any is applied; valid rows are applied in batches, idempotently: an
// import run twice changes nothing the second time, and a job interrupted by
// a restart is simply run again from the start.
//
// The module writes through the other modules' public services, reached
// through the ports the app wires (Ports below), never through their tables.
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

namespace trivium::roster {

// Who acts, for audit.
struct Actor {
  std::string user_id;
  bool platform_admin = false;
  std::string ip;
  std::string request_id;
};

// The roles a row may give in a run.
inline const std::vector<std::string> kRunRoles = {"learner", "trainer", "observer"};

// One line of the file once checked.
struct RosterRow {
  int line = 0;
  std::string email;
  std::string name;
  std::optional<std::string> department_id;
  std::optional<std::string> run_id;
  std::string role = "learner";
  std::optional<std::string> cohort;
};

// What applying a learner row did: "enrolled", "waitlisted", "pending" or
// "unchanged" (already enrolled).
struct EnrolmentOutcome {
  std::string outcome;
};

// The other modules, as the app wires them. Batches are at most
// Service::kBatch rows; each call is one transaction of the callee and must
// be idempotent.
struct Ports {
  // name (case-insensitive) -> department id, for one organisation.
  std::function<Result<std::vector<std::pair<std::string, std::string>>>(const std::string& org_id)> departments;
  // The organisation a run belongs to; NotFound for an unknown run.
  std::function<Result<std::string>(const std::string& run_id)> run_organisation;
  // Checks an e-mail and a name (Invalid with fields "email" / "name").
  std::function<Result<void>(const std::string& email, const std::string& name)> check_person;
  // Finds or creates the accounts; user ids in order; `created` flags.
  std::function<Result<std::vector<std::pair<std::string, bool>>>(
      const Actor&, const std::vector<std::pair<std::string, std::string>>& email_and_name, bool notify)>
      provision;
  // Makes them members of the organisation (and of the department, if any);
  // whether each joined now.
  std::function<Result<std::vector<bool>>(const Actor&, const std::string& org_id,
                                          const std::vector<std::pair<std::string, std::optional<std::string>>>&)>
      place;
  // Enrols learners in one run, with an optional cohort name each.
  std::function<Result<std::vector<EnrolmentOutcome>>(
      const Actor&, const std::string& run_id,
      const std::vector<std::pair<std::string, std::optional<std::string>>>& user_and_cohort)>
      enrol;
  // Gives a staff role in a run (idempotent).
  std::function<Result<void>(const Actor&, const std::string& run_id, const std::string& user_id,
                             const std::string& role)>
      grant_staff;
};

struct LineProblem {
  int line = 0;
  std::string field;  // "email", "run", ... or "" for the whole line
  std::string code;
  std::string message;
};

struct ImportJob {
  std::string id;
  std::string organisation_id;
  std::string state;  // queued, running, done, failed
  bool notify = false;
  int total_rows = 0;      // data lines read (the header excluded)
  int processed_rows = 0;  // checked and, when valid, applied
  int applied_rows = 0;
  int accounts_created = 0;
  int members_added = 0;
  int enrolments_created = 0;
  std::vector<LineProblem> problems;  // at most kMaxReportedProblems
  int problem_count = 0;
  std::string failure;  // for state "failed": why the job stopped
  std::string created_by;
  int64_t created_at_ms = 0;
  std::optional<int64_t> started_at_ms;
  std::optional<int64_t> finished_at_ms;
};

class Service {
 public:
  static constexpr size_t kBatch = 1000;
  static constexpr size_t kMaxReportedProblems = 1000;
  static constexpr size_t kMaxBytes = 64u << 20;

  Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, Ports ports);
  ~Service();

  // Checks the header (Invalid naming the missing or unknown columns) and
  // queues the job. The CSV is kept with the job until it is done.
  Result<ImportJob> submit(const Actor& actor, const std::string& org_id, const std::string& csv, bool notify);
  Result<ImportJob> get(const std::string& org_id, const std::string& job_id);
  Result<std::vector<ImportJob>> list(const std::string& org_id, int limit);

  // The background worker: start() also resumes jobs a restart interrupted.
  void start();
  void stop();
  // Runs every queued job now, on the calling thread (tests, `trivium`
  // commands). Returns how many ran.
  Result<int> run_pending();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::vector<authz::Capability> capabilities();
// POST/GET /api/v1/orgs/{org}/imports, GET /api/v1/orgs/{org}/imports/{job}.
void register_routes(http::Router& router, Service& service);

}  // namespace trivium::roster
