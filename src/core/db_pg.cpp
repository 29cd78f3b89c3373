// The PostgreSQL store: a pool of connections, each transaction on one of
// them, writes retried on serialization failures and deadlocks, and the
// durability self-check of DATA-02 at start.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/db_pg.h"

namespace trivium::db {

namespace {

using pg::Connection;
using WriteFn = std::function<Result<void>(Tx&)>;

// A write that keeps conflicting with others is retried this many times
// before the caller gets Unavailable.
constexpr int kMaxConflictRetries = 3;

// Hands out at most `size` connections, opening them on demand; a caller
// waits up to `wait` for one. Broken connections are dropped on return.
class Pool {
 public:
  Pool(std::string url, int size, std::chrono::milliseconds wait)
      : url_(std::move(url)), size_(std::max(size, 1)), wait_(wait) {}

  Result<std::unique_ptr<Connection>> acquire();
  void release(std::unique_ptr<Connection> conn);
  void close();
  // Closes the idle connections: after one was found broken, the others
  // (opened to the same server) most likely are too.
  void drop_idle();
  int total() {
    std::lock_guard lock(mu_);
    return total_;
  }
  int in_use() {
    std::lock_guard lock(mu_);
    return in_use_;
  }

 private:
  Result<std::unique_ptr<Connection>> open_new();

  const std::string url_;
  const int size_;
  const std::chrono::milliseconds wait_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int total_ = 0;
  int in_use_ = 0;
  bool closed_ = false;
};

Result<std::unique_ptr<Connection>> Pool::acquire() {
  std::unique_lock lock(mu_);
  const bool free = cv_.wait_for(lock, wait_, [&] { return closed_ || !idle_.empty() || total_ < size_; });
  if (closed_) return fail(ErrorKind::Unavailable, "the store is closed");
  if (!free) {
    return fail(ErrorKind::Unavailable,
                "no database connection became free within " + std::to_string(wait_.count()) + " ms");
  }
  ++in_use_;
  if (idle_.empty()) {
    ++total_;
    lock.unlock();
    return open_new();
  }
  std::unique_ptr<Connection> conn = std::move(idle_.back());
  idle_.pop_back();
  lock.unlock();
  if (conn->healthy()) return conn;
  // The server closed it while idle (restart, idle timeout): open a new one
  // in the same slot.
  conn.reset();
  return open_new();
}

// Called with a slot already counted in total_ and in_use_.
Result<std::unique_ptr<Connection>> Pool::open_new() {
  std::string error;
  auto conn = Connection::open(url_, error);
  if (conn) return conn;
  {
    std::lock_guard lock(mu_);
    --total_;
    --in_use_;
  }
  cv_.notify_one();
  spdlog::warn("store: cannot connect to PostgreSQL: {}", error);
  return fail(ErrorKind::Unavailable, "cannot connect to PostgreSQL: " + error);
}

void Pool::release(std::unique_ptr<Connection> conn) {
  {
    std::lock_guard lock(mu_);
    --in_use_;
    if (!closed_ && conn && conn->healthy()) {
      idle_.push_back(std::move(conn));
    } else {
      --total_;
    }
  }
  cv_.notify_one();
  // A dropped connection is closed here, outside the lock.
}

void Pool::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  drop_idle();
}

void Pool::drop_idle() {
  std::vector<std::unique_ptr<Connection>> idle;
  {
    std::lock_guard lock(mu_);
    idle.swap(idle_);
    total_ -= static_cast<int>(idle.size());
  }
  cv_.notify_all();
}

// How one attempt at a transaction ended, so the store can decide on retry.
struct Attempt {
  Result<void> result;
  bool conflict = false;     // serialization failure or deadlock: safe to retry
  bool lost = false;         // the connection broke
  bool commit_sent = false;  // the outcome of a lost COMMIT is unknown
};

bool is_conflict(const std::string& sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01";
}

Attempt attempt(Connection& conn, const std::string& begin, const WriteFn& fn) {
  conn.forget_failure();
  auto failed = [&](Result<void> r, bool commit_sent) {
    return Attempt{std::move(r), is_conflict(conn.last_sqlstate()), !conn.healthy(), commit_sent};
  };
  if (auto begun = conn.run(begin); !begun) return failed(begun.failure(), false);
  pg::Transaction tx(conn);
  Result<void> result;
  try {
    result = tx.finish(fn(tx));
  } catch (...) {
    if (conn.healthy()) (void)conn.run("ROLLBACK");
    throw;
  }
  if (!result) {
    if (conn.healthy()) (void)conn.run("ROLLBACK");
    return failed(std::move(result), false);
  }
  auto committed = conn.run("COMMIT");
  if (!committed) return failed(committed.failure(), true);
  // COMMIT of a transaction the server had already aborted answers ROLLBACK.
  if (std::strcmp(PQcmdStatus(committed->get()), "COMMIT") != 0) {
    return failed(fail(ErrorKind::Internal, "the transaction was rolled back at commit"), true);
  }
  return Attempt{ok()};
}

class PgStore final : public Store {
 public:
  explicit PgStore(const StoreConfig& config);
  ~PgStore() override { close(); }

  Dialect dialect() const override { return Dialect::Postgres; }
  Result<void> read(const WriteFn& fn) override {
    return run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", fn, false);
  }
  Result<void> write(const WriteFn& fn) override { return run("BEGIN", fn, true); }
  Result<void> ping() override;
  PoolStats stats() const override;
  void close() override { pool_->close(); }

 private:
  Result<void> run(const std::string& begin, const WriteFn& fn, bool is_write);
  void check_durability(Connection& conn);

  std::unique_ptr<Pool> pool_;
  std::atomic<int64_t> commits_{0};
};

PgStore::PgStore(const StoreConfig& config)
    : pool_(std::make_unique<Pool>(config.url, config.pool_size, std::chrono::milliseconds(config.busy_timeout_ms))) {
  auto conn = pool_->acquire();
  if (!conn) throw std::runtime_error(conn.error().detail);
  check_durability(**conn);
  pool_->release(std::move(*conn));
  spdlog::info("store: PostgreSQL, pool of {} connections", std::max(config.pool_size, 1));
}

// DATA-02: acknowledged writes survive a crash only with these settings on.
// They belong to the server, so the store can only say so, loudly.
void PgStore::check_durability(Connection& conn) {
  for (const char* name : {"fsync", "full_page_writes", "synchronous_commit"}) {
    auto res = conn.run(std::string("SHOW ") + name);
    if (!res || PQntuples(res->get()) != 1) {
      spdlog::warn("store: DATA-02: cannot read PostgreSQL setting {}", name);
      continue;
    }
    const std::string value = PQgetvalue(res->get(), 0, 0);
    if (value == "off") {
      spdlog::error(
          "store: DATA-02: PostgreSQL setting {} is off: acknowledged writes (answers, grades) "
          "can be lost in a crash. Turn it on in postgresql.conf.",
          name);
    }
  }
}

Result<void> PgStore::run(const std::string& begin, const WriteFn& fn, bool is_write) {
  int conflicts = 0;
  bool reconnected = false;
  for (;;) {
    TRV_ASSIGN(std::unique_ptr<Connection> conn, pool_->acquire());
    Attempt a;
    try {
      a = attempt(*conn, begin, fn);
    } catch (...) {
      pool_->release(std::move(conn));
      throw;
    }
    pool_->release(std::move(conn));
    if (a.result) {
      if (is_write) ++commits_;
      return ok();
    }
    if (a.conflict && conflicts < kMaxConflictRetries) {
      ++conflicts;
      continue;
    }
    if (a.conflict) {
      return fail(ErrorKind::Unavailable,
                  "the transaction conflicted with concurrent ones " + std::to_string(conflicts + 1) + " times");
    }
    if (a.lost) pool_->drop_idle();
    if (a.lost && !a.commit_sent && !reconnected) {
      reconnected = true;
      continue;
    }
    return a.result;
  }
}

Result<void> PgStore::ping() {
  return read([](Tx& tx) -> Result<void> {
    TRV_TRY(tx.query("SELECT 1"));
    return ok();
  });
}

PoolStats PgStore::stats() const {
  PoolStats s;
  s.connections_total = pool_->total();
  s.connections_in_use = pool_->in_use();
  s.write_batches = commits_;  // every write is its own commit
  s.write_jobs = commits_;
  return s;
}

}  // namespace

std::unique_ptr<Store> open_pg_store(const StoreConfig& config) {
  return std::make_unique<PgStore>(config);
}

}  // namespace trivium::db
