// The SQLite store: one read connection per calling thread and one writer
// thread that commits the write transactions of concurrent callers together
// (group commit: one fsync for a batch, DATA-01, DATA-03).
#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/db_sqlite.h"

namespace trivium::db {

namespace {

using sqlite::Connection;
using sqlite::Transaction;
using WriteFn = std::function<Result<void>(Tx&)>;

// A batch waits for nothing: the writer takes whatever queued while it was
// committing the previous one. The cap bounds the latency of its first job.
constexpr size_t kMaxBatch = 256;

// The read connections of one store. Each thread uses its own; the pool owns
// them so that close() can end them all, and a thread hands its connection
// back when it exits (see ThreadReaders).
struct ReaderPool {
  std::string path;
  int busy_timeout_ms = 0;
  std::mutex mu;
  std::vector<std::unique_ptr<Connection>> conns;

  Connection* add(std::unique_ptr<Connection> c) {
    std::lock_guard lock(mu);
    conns.push_back(std::move(c));
    return conns.back().get();
  }
  void release(const Connection* c) {
    std::lock_guard lock(mu);
    std::erase_if(conns, [&](const auto& p) { return p.get() == c; });
  }
  void close_all() {
    std::lock_guard lock(mu);
    conns.clear();
  }
  int size() {
    std::lock_guard lock(mu);
    return static_cast<int>(conns.size());
  }
};

// The calling thread's read connection for each open store. The weak
// pointer both identifies the store's pool and lets a thread outlive it.
struct ThreadReaders {
  struct Entry {
    std::weak_ptr<ReaderPool> pool;
    Connection* conn;
  };
  std::vector<Entry> entries;

  ~ThreadReaders() {
    for (auto& e : entries) {
      if (auto pool = e.pool.lock()) pool->release(e.conn);
    }
  }
  Connection* find(const std::shared_ptr<ReaderPool>& pool) {
    std::erase_if(entries, [](const Entry& e) { return e.pool.expired(); });
    for (auto& e : entries) {
      if (!e.pool.owner_before(pool) && !pool.owner_before(e.pool)) return e.conn;
    }
    return nullptr;
  }
};

thread_local ThreadReaders t_readers;

struct WriteJob {
  const WriteFn* fn;
  std::promise<Result<void>> done;
  // An exception from `fn` (a bug) is rethrown to the caller, as it would be
  // had the function run on the caller's thread.
  std::exception_ptr thrown;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(const std::string& path, const StoreConfig& config);
  ~SqliteStore() override { close(); }

  Dialect dialect() const override { return Dialect::Sqlite; }
  Result<void> read(const WriteFn& fn) override;
  Result<void> write(const WriteFn& fn) override;
  Result<void> ping() override;
  PoolStats stats() const override;
  void close() override;

  int64_t pending_writes() {
    std::lock_guard lock(queue_mu_);
    return static_cast<int64_t>(queue_.size());
  }

 private:
  Result<Connection*> reader();
  void writer_loop();
  void run_batch(const std::vector<WriteJob*>& batch);
  size_t run_transaction(const std::vector<WriteJob*>& batch, size_t from, std::vector<Result<void>>& results);
  Result<void> run_job(WriteJob& job);
  size_t run_alone(WriteJob& job, size_t index, std::vector<Result<void>>& results);

  std::shared_ptr<ReaderPool> readers_ = std::make_shared<ReaderPool>();
  std::unique_ptr<Connection> writer_conn_;
  std::thread writer_;
  std::thread::id writer_id_;  // set once, read without a lock by write()

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<WriteJob*> queue_;
  bool stopping_ = false;

  std::atomic<bool> closed_{false};
  std::atomic<int> reads_in_use_{0};
  std::atomic<bool> writer_busy_{false};
  std::atomic<int64_t> write_batches_{0};
  std::atomic<int64_t> write_jobs_{0};
};

SqliteStore::SqliteStore(const std::string& path, const StoreConfig& config) {
  readers_->path = path;
  readers_->busy_timeout_ms = config.busy_timeout_ms;
  // Opening the writer first creates the file and switches it to WAL, which
  // is persistent, before any reader opens it.
  writer_conn_ = std::make_unique<Connection>(path, config.busy_timeout_ms, false);
  writer_ = std::thread([this] { writer_loop(); });
  writer_id_ = writer_.get_id();
  spdlog::info("store: SQLite database {} (WAL, synchronous=FULL)", path);
}

Result<Connection*> SqliteStore::reader() {
  if (Connection* c = t_readers.find(readers_)) return c;
  try {
    auto conn = std::make_unique<Connection>(readers_->path, readers_->busy_timeout_ms, true);
    Connection* c = readers_->add(std::move(conn));
    t_readers.entries.push_back({readers_, c});
    return c;
  } catch (const std::exception& e) {
    return fail(ErrorKind::Unavailable, e.what());
  }
}

Result<void> SqliteStore::read(const WriteFn& fn) {
  if (closed_) return fail(ErrorKind::Unavailable, "the store is closed");
  TRV_ASSIGN(Connection * conn, reader());
  // A read inside a read on the same thread joins the outer snapshot.
  if (conn->in_transaction()) {
    Transaction tx(*conn);
    return tx.finish(fn(tx));
  }
  ++reads_in_use_;
  struct InUse {
    std::atomic<int>& n;
    ~InUse() { --n; }
  } in_use{reads_in_use_};
  TRV_TRY(conn->run("BEGIN"));
  Transaction tx(*conn);
  Result<void> result;
  try {
    result = tx.finish(fn(tx));
  } catch (...) {
    (void)conn->run("ROLLBACK");
    throw;
  }
  auto end = conn->run(result ? "COMMIT" : "ROLLBACK");
  if (result && !end) return end;
  return result;
}

Result<void> SqliteStore::write(const WriteFn& fn) {
  if (std::this_thread::get_id() == writer_id_) {
    return fail(ErrorKind::Internal, "Store::write called inside a write transaction");
  }
  WriteJob job{&fn, {}, nullptr};
  auto done = job.done.get_future();
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_) return fail(ErrorKind::Unavailable, "the store is closed");
    queue_.push_back(&job);
  }
  queue_cv_.notify_one();
  return done.get();
}

void SqliteStore::writer_loop() {
  for (;;) {
    std::vector<WriteJob*> batch;
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and every queued job is done
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    writer_busy_ = true;
    run_batch(batch);
    writer_busy_ = false;
  }
}

void SqliteStore::run_batch(const std::vector<WriteJob*>& batch) {
  std::vector<Result<void>> results(batch.size());
  size_t next = 0;
  while (next < batch.size()) next = run_transaction(batch, next, results);
  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i]->thrown) {
      batch[i]->done.set_exception(batch[i]->thrown);
    } else {
      batch[i]->done.set_value(std::move(results[i]));
    }
  }
}

// Runs jobs from `from` on in one transaction, each inside its own savepoint,
// and commits them together. Returns the index of the first job it did not
// run: an error that ends the whole transaction (an I/O error, a full disk)
// stops the batch there and the rest goes into a fresh transaction.
size_t SqliteStore::run_transaction(const std::vector<WriteJob*>& batch, size_t from,
                                    std::vector<Result<void>>& results) {
  auto begun = writer_conn_->run("BEGIN IMMEDIATE");
  if (!begun) {
    for (size_t i = from; i < batch.size(); ++i) results[i] = begun;
    return batch.size();
  }
  if (batch.size() - from == 1) return run_alone(*batch[from], from, results);
  std::vector<size_t> kept;
  size_t i = from;
  for (; i < batch.size(); ++i) {
    results[i] = run_job(*batch[i]);
    if (!writer_conn_->in_transaction()) {
      // SQLite rolled the transaction back: the jobs before this one are lost.
      for (size_t k : kept) {
        results[k] = fail(ErrorKind::Unavailable, "the write was rolled back by a storage error");
      }
      if (results[i]) results[i] = fail(ErrorKind::Unavailable, "the transaction was lost");
      return i + 1;
    }
    if (results[i]) kept.push_back(i);
  }
  auto committed = writer_conn_->run("COMMIT");
  if (!committed) {
    if (writer_conn_->in_transaction()) (void)writer_conn_->run("ROLLBACK");
    for (size_t k : kept) {
      results[k] = fail(ErrorKind::Unavailable, "commit failed: " + committed.error().detail);
    }
    return i;
  }
  ++write_batches_;
  write_jobs_ += static_cast<int64_t>(kept.size());
  return i;
}

// A job with no other in its transaction needs no savepoint: its failure
// rolls the whole transaction back. A savepoint is not free: SQLite copies
// every page the job changes first into a sub-journal file, which for a
// large job (a bulk load, a batch of statements) is most of its writes.
size_t SqliteStore::run_alone(WriteJob& job, size_t index, std::vector<Result<void>>& results) {
  Transaction tx(*writer_conn_);
  Result<void> result;
  try {
    result = tx.finish((*job.fn)(tx));
  } catch (...) {
    job.thrown = std::current_exception();
    result = fail(ErrorKind::Internal, "the write function threw");
  }
  if (!writer_conn_->in_transaction()) {
    results[index] = result ? Result<void>(fail(ErrorKind::Unavailable, "the transaction was lost")) : result;
    return index + 1;
  }
  if (!result) {
    (void)writer_conn_->run("ROLLBACK");
    results[index] = result;
    return index + 1;
  }
  auto committed = writer_conn_->run("COMMIT");
  if (!committed) {
    if (writer_conn_->in_transaction()) (void)writer_conn_->run("ROLLBACK");
    results[index] = fail(ErrorKind::Unavailable, "commit failed: " + committed.error().detail);
    return index + 1;
  }
  results[index] = result;
  ++write_batches_;
  ++write_jobs_;
  return index + 1;
}

// One caller's function inside a savepoint, so that its failure undoes its
// own changes and nobody else's.
Result<void> SqliteStore::run_job(WriteJob& job) {
  TRV_TRY(writer_conn_->run("SAVEPOINT trv_job"));
  Transaction tx(*writer_conn_);
  Result<void> result;
  try {
    result = tx.finish((*job.fn)(tx));
  } catch (...) {
    job.thrown = std::current_exception();
    result = fail(ErrorKind::Internal, "the write function threw");
  }
  if (!writer_conn_->in_transaction()) return result;
  if (result) {
    auto released = writer_conn_->run("RELEASE trv_job");
    if (released) return result;
    result = released;
  }
  (void)writer_conn_->run("ROLLBACK TO trv_job");
  (void)writer_conn_->run("RELEASE trv_job");
  return result;
}

Result<void> SqliteStore::ping() {
  return read([](Tx& tx) -> Result<void> {
    TRV_TRY(tx.query("SELECT 1"));
    return ok();
  });
}

PoolStats SqliteStore::stats() const {
  PoolStats s;
  s.connections_total = (closed_ ? 0 : 1) + readers_->size();
  s.connections_in_use = reads_in_use_ + (writer_busy_ ? 1 : 0);
  s.write_batches = write_batches_;
  s.write_jobs = write_jobs_;
  return s;
}

void SqliteStore::close() {
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  closed_ = true;
  writer_conn_.reset();
  readers_->close_all();
}

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& path, const StoreConfig& config) {
  return std::make_unique<SqliteStore>(path, config);
}

int64_t TEST_pending_writes(Store& store) {
  if (auto* s = dynamic_cast<SqliteStore*>(&store)) return s->pending_writes();
  return -1;
}

}  // namespace trivium::db
