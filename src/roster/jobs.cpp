// The roster_imports table: jobs, their progress and their reports.
#include <boost/json.hpp>

#include "core/ids.h"
#include "core/json.h"
#include "roster/internal.h"

namespace trivium::roster::detail {

namespace bj = boost::json;

namespace {

constexpr const char* kColumns =
    "id, organisation_id, state, notify, total_rows, processed_rows, applied_rows, accounts_created,"
    " members_added, enrolments_created, problem_count, problems_json, failure, created_by, created_at,"
    " started_at, finished_at";

std::string problems_json(const std::vector<LineProblem>& problems) {
  bj::array a;
  for (const LineProblem& p : problems) {
    a.push_back(bj::object{{"line", p.line}, {"field", p.field}, {"code", p.code}, {"message", p.message}});
  }
  return bj::serialize(a);
}

std::vector<LineProblem> problems_from(const std::string& text) {
  std::vector<LineProblem> out;
  boost::system::error_code ec;
  bj::value v = bj::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const bj::value& e : v.as_array()) {
    if (!e.is_object()) continue;
    const bj::object& o = e.as_object();
    LineProblem p;
    if (auto* l = o.if_contains("line"); l && l->is_int64()) p.line = static_cast<int>(l->as_int64());
    if (auto* f = o.if_contains("field"); f && f->is_string()) p.field = std::string(f->as_string());
    if (auto* c = o.if_contains("code"); c && c->is_string()) p.code = std::string(c->as_string());
    if (auto* m = o.if_contains("message"); m && m->is_string()) p.message = std::string(m->as_string());
    out.push_back(std::move(p));
  }
  return out;
}

ImportJob job_from(const db::Row& r) {
  ImportJob j;
  j.id = r.text(0);
  j.organisation_id = r.text(1);
  j.state = r.text(2);
  j.notify = r.boolean(3);
  j.total_rows = static_cast<int>(r.i64(4));
  j.processed_rows = static_cast<int>(r.i64(5));
  j.applied_rows = static_cast<int>(r.i64(6));
  j.accounts_created = static_cast<int>(r.i64(7));
  j.members_added = static_cast<int>(r.i64(8));
  j.enrolments_created = static_cast<int>(r.i64(9));
  j.problem_count = static_cast<int>(r.i64(10));
  j.problems = problems_from(r.text(11));
  j.failure = r.text(12);
  j.created_by = r.text(13);
  j.created_at_ms = r.i64(14);
  j.started_at_ms = r.opt_i64(15);
  j.finished_at_ms = r.opt_i64(16);
  return j;
}

}  // namespace

Result<void> insert_job(db::Tx& tx, const ImportJob& job, const std::string& csv) {
  TRV_TRY(
      tx.exec("INSERT INTO roster_imports (id, organisation_id, state, notify, created_by, created_at)"
              " VALUES ($1, $2, $3, $4, $5, $6)",
              {job.id, job.organisation_id, job.state, job.notify, job.created_by, job.created_at_ms}));
  // Base64: the file may hold bytes that are not UTF-8 (reported per line
  // later), which a PostgreSQL text column refuses.
  TRV_TRY(tx.exec("INSERT INTO roster_import_files (import_id, content_base64) VALUES ($1, $2)",
                  {job.id, base64_encode(csv)}));
  return ok();
}

Result<std::optional<ImportJob>> find_job(db::Tx& tx, const std::string& org_id, const std::string& job_id) {
  TRV_ASSIGN(auto row,
             tx.one(std::string("SELECT ") + kColumns + " FROM roster_imports WHERE id = $1 AND organisation_id = $2",
                    {job_id, org_id}));
  if (!row) return std::optional<ImportJob>{};
  return std::optional<ImportJob>(job_from(*row));
}

Result<std::vector<ImportJob>> jobs_of(db::Tx& tx, const std::string& org_id, int limit) {
  TRV_ASSIGN(auto rows, tx.query(std::string("SELECT ") + kColumns +
                                     " FROM roster_imports WHERE organisation_id = $1"
                                     " ORDER BY created_at DESC, id DESC LIMIT $2",
                                 {org_id, limit}));
  std::vector<ImportJob> out;
  for (const auto& r : rows) out.push_back(job_from(r));
  return out;
}

Result<std::optional<std::pair<ImportJob, std::string>>> next_job(db::Tx& tx) {
  TRV_ASSIGN(auto row, tx.one(std::string("SELECT ") + kColumns +
                              ", f.content_base64 FROM roster_imports JOIN roster_import_files f ON f.import_id = id"
                              " WHERE state IN ('queued', 'running') ORDER BY created_at, id LIMIT 1"));
  if (!row) return std::optional<std::pair<ImportJob, std::string>>{};
  auto csv = base64_decode(row->text(17));
  if (!csv) return fail(ErrorKind::Internal, "roster: a stored import file is not base64");
  return std::optional<std::pair<ImportJob, std::string>>(std::in_place, job_from(*row), std::move(*csv));
}

Result<void> mark_running(db::Tx& tx, const std::string& job_id, int64_t now) {
  TRV_TRY(
      tx.exec("UPDATE roster_imports SET state = 'running', started_at = $2, processed_rows = 0,"
              " applied_rows = 0, accounts_created = 0, members_added = 0, enrolments_created = 0"
              " WHERE id = $1",
              {job_id, now}));
  return ok();
}

Result<void> save_progress(db::Tx& tx, const ImportJob& j) {
  TRV_TRY(
      tx.exec("UPDATE roster_imports SET total_rows = $2, processed_rows = $3, applied_rows = $4,"
              " accounts_created = $5, members_added = $6, enrolments_created = $7, problem_count = $8,"
              " problems_json = $9 WHERE id = $1",
              {j.id, j.total_rows, j.processed_rows, j.applied_rows, j.accounts_created, j.members_added,
               j.enrolments_created, j.problem_count, problems_json(j.problems)}));
  return ok();
}

Result<void> finish_job(db::Tx& tx, const ImportJob& j) {
  TRV_TRY(save_progress(tx, j));
  TRV_TRY(tx.exec("UPDATE roster_imports SET state = $2, failure = $3, finished_at = $4 WHERE id = $1",
                  {j.id, j.state, j.failure, j.finished_at_ms}));
  TRV_TRY(tx.exec("DELETE FROM roster_import_files WHERE import_id = $1", {j.id}));
  return ok();
}

}  // namespace trivium::roster::detail
