// The progress module's SQL. Parameters appear once each ($1, $2, ...) so the
// text works on both stores.

#include "progress/internal.h"

namespace trivium::progress::detail {

namespace {

constexpr std::string_view kBlockColumns =
    "block_id, module_id, first_viewed_at, completed_at, position_seconds, duration_seconds, watched_json, "
    "watched_seconds, last_report_at, last_experienced_at";

BlockRow block_from(const db::Row& r) {
  BlockRow b;
  b.block_id = r.text(0);
  b.module_id = r.text(1);
  b.first_viewed_at = r.opt_i64(2);
  b.completed_at = r.opt_i64(3);
  b.position_seconds = r.f64(4);
  if (!r.is_null(5)) b.duration_seconds = r.f64(5);
  b.watched = segments_from_json(r.text(6));
  b.watched_seconds = r.f64(7);
  b.last_report_at = r.opt_i64(8);
  b.last_experienced_at = r.opt_i64(9);
  return b;
}

constexpr std::string_view kLearnerColumns =
    "run_id, user_id, completed_blocks, last_block_id, last_activity_at, time_on_task_ms, completed_at";

LearnerRow learner_from(const db::Row& r) {
  LearnerRow l;
  l.run_id = r.text(0);
  l.user_id = r.text(1);
  l.completed_blocks = static_cast<int>(r.i64(2));
  l.last_block_id = r.opt_text(3);
  l.last_activity_at = r.opt_i64(4);
  l.time_on_task_ms = r.i64(5);
  l.completed_at = r.opt_i64(6);
  return l;
}

}  // namespace

Result<std::map<std::string, BlockRow>> blocks_of(db::Tx& tx, const std::string& run_id, const std::string& user_id) {
  static const std::string sql =
      "SELECT " + std::string(kBlockColumns) + " FROM progress_blocks WHERE run_id = $1 AND user_id = $2";
  TRV_ASSIGN(db::Rows rows, tx.query(sql, {run_id, user_id}));
  std::map<std::string, BlockRow> out;
  for (const db::Row& r : rows) {
    BlockRow b = block_from(r);
    std::string id = b.block_id;
    out.emplace(std::move(id), std::move(b));
  }
  return out;
}

Result<void> lock_block(db::Tx& tx, const std::string& run_id, const std::string& user_id, const std::string& block_id,
                        const std::string& module_id) {
  TRV_TRY(
      tx.exec("INSERT INTO progress_blocks (run_id, user_id, block_id, module_id) VALUES ($1, $2, $3, $4) "
              "ON CONFLICT DO NOTHING",
              {run_id, user_id, block_id, module_id}));
  TRV_TRY(tx.exec("UPDATE progress_blocks SET module_id = $1 WHERE run_id = $2 AND user_id = $3 AND block_id = $4",
                  {module_id, run_id, user_id, block_id}));
  return ok();
}

Result<void> save_block(db::Tx& tx, const std::string& run_id, const std::string& user_id, const BlockRow& b) {
  const std::string watched = segments_json(b.watched);
  TRV_TRY(
      tx.exec("UPDATE progress_blocks SET first_viewed_at = $1, completed_at = $2, position_seconds = $3, "
              "duration_seconds = $4, watched_json = $5, watched_seconds = $6, last_report_at = $7, "
              "last_experienced_at = $8 WHERE run_id = $9 AND user_id = $10 AND block_id = $11",
              {b.first_viewed_at, b.completed_at, b.position_seconds, b.duration_seconds, watched, b.watched_seconds,
               b.last_report_at, b.last_experienced_at, run_id, user_id, b.block_id}));
  return ok();
}

Result<LearnerRow> lock_learner(db::Tx& tx, const std::string& run_id, const std::string& user_id) {
  TRV_TRY(tx.exec("INSERT INTO progress_learners (run_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                  {run_id, user_id}));
  TRV_TRY(tx.exec("UPDATE progress_learners SET completed_blocks = completed_blocks WHERE run_id = $1 AND user_id = $2",
                  {run_id, user_id}));
  TRV_ASSIGN(auto found, find_learner(tx, run_id, user_id));
  if (!found) return fail(ErrorKind::Internal, "a learner's progress row vanished inside its transaction");
  return std::move(*found);
}

Result<void> save_learner(db::Tx& tx, const LearnerRow& l) {
  TRV_TRY(
      tx.exec("UPDATE progress_learners SET completed_blocks = $1, last_block_id = $2, last_activity_at = $3, "
              "time_on_task_ms = $4, completed_at = $5 WHERE run_id = $6 AND user_id = $7",
              {l.completed_blocks, l.last_block_id, l.last_activity_at, l.time_on_task_ms, l.completed_at, l.run_id,
               l.user_id}));
  return ok();
}

Result<std::optional<LearnerRow>> find_learner(db::Tx& tx, const std::string& run_id, const std::string& user_id) {
  static const std::string sql =
      "SELECT " + std::string(kLearnerColumns) + " FROM progress_learners WHERE run_id = $1 AND user_id = $2";
  TRV_ASSIGN(auto row, tx.one(sql, {run_id, user_id}));
  if (!row) return std::optional<LearnerRow>{};
  return std::optional<LearnerRow>(learner_from(*row));
}

Result<std::vector<LearnerRow>> learners_of_run(db::Tx& tx, const std::string& run_id) {
  static const std::string sql = "SELECT " + std::string(kLearnerColumns) + " FROM progress_learners WHERE run_id = $1";
  TRV_ASSIGN(db::Rows rows, tx.query(sql, {run_id}));
  std::vector<LearnerRow> out;
  out.reserve(rows.size());
  for (const db::Row& r : rows) out.push_back(learner_from(r));
  return out;
}

Result<std::vector<RecentRow>> recent_of(db::Tx& tx, const std::string& user_id, int limit) {
  TRV_ASSIGN(db::Rows rows,
             tx.query("SELECT run_id, block_id, first_viewed_at, completed_at, last_report_at FROM progress_blocks "
                      "WHERE user_id = $1 AND last_report_at IS NOT NULL ORDER BY last_report_at DESC LIMIT $2",
                      {user_id, static_cast<int64_t>(limit)}));
  std::vector<RecentRow> out;
  for (const db::Row& r : rows) out.push_back(RecentRow{r.text(0), r.text(1), r.opt_i64(2), r.opt_i64(3), r.i64(4)});
  return out;
}

}  // namespace trivium::progress::detail
