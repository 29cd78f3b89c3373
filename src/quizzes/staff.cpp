// What the run's staff do with a quiz: its dates in the run, a learner's
// override (an extension, more time, another attempt), the list of
// attempts; and the timer that finishes attempts whose time is over.

#include <spdlog/spdlog.h>
#include "quizzes/internal.h"

namespace trivium::quizzes {

Result<std::vector<Attempt>> Service::attempts(const std::string& run_id, const std::string& block_id) {
  Impl& p = *impl_;
  std::vector<Attempt> out;
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(db::Rows rows, tx.query(std::string("SELECT ") + kAttemptColumns +
                                           " FROM quiz_attempts WHERE run_id = $1 AND block_id = $2 "
                                           "ORDER BY user_id, number",
                                       {run_id, block_id}));
    for (const db::Row& r : rows) {
      TRV_ASSIGN(AttemptRow row, read_attempt_row(r));
      Attempt a = summary_of(row);
      out.push_back(std::move(a));
    }
    return ok();
  }));
  return out;
}

namespace {

Result<void> check_quiz(Service::Impl& p, const std::string& run_id, const std::string& block_id) {
  TRV_ASSIGN(progress::BlockView view, p.ports.open_block("", run_id, block_id));
  if (view.block.type != "quiz") return fail(ErrorKind::NotFound, "No such quiz in this run's content.");
  return ok();
}

}  // namespace

Result<Dates> Service::dates(const std::string& run_id, const std::string& block_id) {
  Impl& p = *impl_;
  TRV_TRY(check_quiz(p, run_id, block_id));
  Dates d;
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<db::Row> row, tx.one("SELECT open_at, close_at FROM quiz_dates WHERE run_id = $1 AND "
                                                  "block_id = $2",
                                                  {run_id, block_id}));
    if (row) d = Dates{row->opt_i64(0), row->opt_i64(1)};
    return ok();
  }));
  return d;
}

Result<Dates> Service::set_dates(const Actor& actor, const std::string& run_id, const std::string& block_id, Dates d) {
  (void)actor;
  Impl& p = *impl_;
  TRV_TRY(check_quiz(p, run_id, block_id));
  if (d.open_at_ms && d.close_at_ms && *d.close_at_ms <= *d.open_at_ms)
    return invalid("close_at", "before_open", "The quiz closes after it opens.");
  TRV_TRY(p.store.write([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(
        tx.exec("INSERT INTO quiz_dates (run_id, block_id, open_at, close_at) VALUES ($1, $2, $3, $4) "
                "ON CONFLICT (run_id, block_id) DO UPDATE SET open_at = excluded.open_at, "
                "close_at = excluded.close_at",
                {run_id, block_id, d.open_at_ms, d.close_at_ms}));
    // An earlier close date cuts the attempts in progress short (not those
    // of learners with their own close date); a later
    // one does not lengthen them (their time limit still holds; a learner
    // who needs more gets an override).
    if (d.close_at_ms) {
      TRV_TRY(
          tx.exec("UPDATE quiz_attempts SET deadline_at = $3 WHERE run_id = $1 AND block_id = $2 AND "
                  "open_slot = 1 AND (deadline_at IS NULL OR deadline_at > $3) AND user_id NOT IN (SELECT user_id "
                  "FROM quiz_overrides WHERE run_id = $1 AND block_id = $2 AND close_at IS NOT NULL)",
                  {run_id, block_id, *d.close_at_ms}));
    }
    return ok();
  }));
  return d;
}

Result<Override> Service::set_override(const Actor& actor, const std::string& run_id, const std::string& block_id,
                                       Override o) {
  (void)actor;
  Impl& p = *impl_;
  TRV_TRY(check_quiz(p, run_id, block_id));
  TRV_TRY(p.store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<db::Row> user, tx.one("SELECT id FROM users WHERE id = $1", {o.user_id}));
    if (!user) return invalid("user_id", "unknown", "No such user.");
    TRV_TRY(
        tx.exec("INSERT INTO quiz_overrides (run_id, block_id, user_id, close_at, time_limit_seconds, "
                "attempts_allowed) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (run_id, block_id, user_id) DO "
                "UPDATE SET close_at = excluded.close_at, time_limit_seconds = excluded.time_limit_seconds, "
                "attempts_allowed = excluded.attempts_allowed",
                {run_id, block_id, o.user_id, o.close_at_ms, o.time_limit_seconds, o.attempts_allowed}));
    // An extension reaches the attempt in progress too.
    if (o.close_at_ms) {
      TRV_TRY(
          tx.exec("UPDATE quiz_attempts SET deadline_at = $4 WHERE run_id = $1 AND block_id = $2 AND "
                  "user_id = $3 AND open_slot = 1 AND (deadline_at IS NULL OR deadline_at < $4)",
                  {run_id, block_id, o.user_id, *o.close_at_ms}));
    }
    return ok();
  }));
  return o;
}

Result<void> Service::clear_override(const Actor& actor, const std::string& run_id, const std::string& block_id,
                                     const std::string& user_id) {
  (void)actor;
  Impl& p = *impl_;
  return p.store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(int64_t n, tx.exec("DELETE FROM quiz_overrides WHERE run_id = $1 AND block_id = $2 AND user_id = $3",
                                  {run_id, block_id, user_id}));
    if (n == 0) return fail(ErrorKind::NotFound, "No override for this learner.");
    return ok();
  });
}

void Service::start_timer(int64_t interval_ms) {
  Impl& p = *impl_;
  std::lock_guard lock(p.timer_mutex);
  if (p.timer.joinable()) return;
  p.timer_stop = false;
  p.timer = std::thread([this, &p, interval_ms] {
    std::unique_lock lock(p.timer_mutex);
    while (!p.timer_stop) {
      lock.unlock();
      auto done = finalise_overdue(p.clock.now_ms());
      if (!done) {
        spdlog::warn("quizzes: finishing overdue attempts failed: {}", done.error().detail);
      } else if (*done > 0) {
        spdlog::info("quizzes: finished {} overdue attempt(s)", *done);
      }
      lock.lock();
      p.timer_wake.wait_for(lock, std::chrono::milliseconds(interval_ms), [&p] { return p.timer_stop; });
    }
  });
}

void Service::stop_timer() {
  Impl& p = *impl_;
  {
    std::lock_guard lock(p.timer_mutex);
    p.timer_stop = true;
  }
  p.timer_wake.notify_all();
  if (p.timer.joinable()) p.timer.join();
}

}  // namespace trivium::quizzes
