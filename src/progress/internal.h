// Inside the progress module: the service's state, the rows it keeps, the
// roll-up and the SQL. Not included by other modules.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "progress/progress.h"
#include "progress/watching.h"

namespace trivium::progress {

namespace detail {

// A learner's row for one block (progress_blocks).
struct BlockRow {
  std::string block_id;
  std::string module_id;
  std::optional<int64_t> first_viewed_at;
  std::optional<int64_t> completed_at;
  double position_seconds = 0;
  std::optional<double> duration_seconds;
  std::vector<Segment> watched;
  double watched_seconds = 0;
  std::optional<int64_t> last_report_at;
  std::optional<int64_t> last_experienced_at;
};

// A learner's row for a run (progress_learners).
struct LearnerRow {
  std::string run_id;
  std::string user_id;
  int completed_blocks = 0;
  std::optional<std::string> last_block_id;
  std::optional<int64_t> last_activity_at;
  int64_t time_on_task_ms = 0;
  std::optional<int64_t> completed_at;
};

// A block's completion rule from its type and settings.
struct Rule {
  std::string completion;  // viewed, watched, passed, submitted, none
  double watched_threshold = kDefaultWatchedThreshold;
  std::optional<double> duration_seconds;  // from the author
};
Rule rule_of(const outline::ContentBlock& b, double default_threshold);

// Where a block sits in the content.
struct Place {
  size_t module = 0;
  size_t unit = 0;
  size_t block = 0;
};
std::optional<Place> find_block(const outline::RunContent& c, const std::string& block_id);

// The roll-up of a learner's rows over a run's content at `now`.
RunProgress compute(const outline::RunContent& c, const std::map<std::string, BlockRow>& rows,
                    const std::optional<LearnerRow>& learner, int64_t now, double default_threshold);

BlockState state_of(const outline::ContentBlock& b, const BlockRow* row, double default_threshold);

// --- SQL (queries.cpp) -----------------------------------------------------
Result<std::map<std::string, BlockRow>> blocks_of(db::Tx& tx, const std::string& run_id, const std::string& user_id);
// Makes sure the row exists and holds its lock until the transaction ends
// (PostgreSQL: concurrent reports on one block wait for each other, so no
// played segment is lost; SQLite has one writer anyway).
Result<void> lock_block(db::Tx& tx, const std::string& run_id, const std::string& user_id, const std::string& block_id,
                        const std::string& module_id);
Result<void> save_block(db::Tx& tx, const std::string& run_id, const std::string& user_id, const BlockRow& row);
Result<LearnerRow> lock_learner(db::Tx& tx, const std::string& run_id, const std::string& user_id);
Result<void> save_learner(db::Tx& tx, const LearnerRow& row);
Result<std::optional<LearnerRow>> find_learner(db::Tx& tx, const std::string& run_id, const std::string& user_id);
Result<std::vector<LearnerRow>> learners_of_run(db::Tx& tx, const std::string& run_id);

// A learner's most recent block activity across runs.
struct RecentRow {
  std::string run_id;
  std::string block_id;
  std::optional<int64_t> first_viewed_at;
  std::optional<int64_t> completed_at;
  int64_t last_report_at = 0;
};
Result<std::vector<RecentRow>> recent_of(db::Tx& tx, const std::string& user_id, int limit);

}  // namespace detail

struct Service::Impl {
  Impl(db::Store& s, const Clock& c, lrs::Service& l, Ports p) : store(s), clock(c), lrs(l), ports(std::move(p)) {}
  db::Store& store;
  const Clock& clock;
  lrs::Service& lrs;
  Ports ports;
};

}  // namespace trivium::progress
