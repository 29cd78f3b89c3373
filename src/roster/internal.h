// Internal to the roster module: the job table and the checking of lines.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/csv.h"
#include "roster/roster.h"

namespace trivium::roster::detail {

// --- the job table (jobs.cpp) ----------------------------------------------
Result<void> insert_job(db::Tx& tx, const ImportJob& job, const std::string& csv);
Result<std::optional<ImportJob>> find_job(db::Tx& tx, const std::string& org_id, const std::string& job_id);
Result<std::vector<ImportJob>> jobs_of(db::Tx& tx, const std::string& org_id, int limit);
// The oldest job still to run (queued, or running when a restart cut it).
Result<std::optional<std::pair<ImportJob, std::string>>> next_job(db::Tx& tx);
Result<void> mark_running(db::Tx& tx, const std::string& job_id, int64_t now);
Result<void> save_progress(db::Tx& tx, const ImportJob& job);
// Done or failed: the report is final and the file is dropped.
Result<void> finish_job(db::Tx& tx, const ImportJob& job);

// --- checking (checking.cpp) ---------------------------------------------------
// Column positions in the file; -1 when absent.
struct Columns {
  int email = -1, name = -1, department = -1, run = -1, role = -1, cohort = -1;
};
// Maps the header; Invalid naming unknown, repeated or missing columns.
Result<Columns> read_header(const csv::Record& header);

// What checking needs to know beyond the line itself; filled lazily.
struct Context {
  std::string org_id;
  const Ports* ports = nullptr;
  std::map<std::string, std::string> departments;  // lower-case name -> id
  std::map<std::string, bool> runs;                // run id -> belongs to org_id
};

// Checks every data line; valid rows in file order, problems appended.
// Lines repeating an (e-mail, run) pair already seen are problems.
Result<std::vector<RosterRow>> check_rows(const std::vector<csv::Record>& records, const Columns& cols, Context& ctx,
                                          std::vector<LineProblem>& problems);

}  // namespace trivium::roster::detail
