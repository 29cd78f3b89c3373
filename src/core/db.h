// The store: the one interface through which every module reads and writes.
//
// Two implementations exist, SQLite (embedded default) and PostgreSQL. SQL is
// written once, in the common subset of both dialects, with PostgreSQL-style
// numbered parameters ($1, $2, ...); the SQLite store rewrites them. Types
// used in the schema are TEXT, BIGINT/INTEGER and DOUBLE PRECISION only; times
// are BIGINT milliseconds since the epoch, booleans 0/1, ids TEXT. Anything
// that truly differs between dialects is asked of the store (dialect()) and
// kept in the module's queries file, never in domain logic.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace trivium::db {

enum class Dialect { Sqlite, Postgres };

// A bound parameter. Text is held by view: the caller keeps it alive for the
// duration of the call, which is always the case for arguments of query().
class Param {
 public:
  enum class Kind { Null, Int, Real, Text };
  Param(std::nullptr_t) : kind_(Kind::Null) {}
  Param(int v) : kind_(Kind::Int), i_(v) {}
  Param(int64_t v) : kind_(Kind::Int), i_(v) {}
  Param(bool v) : kind_(Kind::Int), i_(v ? 1 : 0) {}
  Param(double v) : kind_(Kind::Real), d_(v) {}
  Param(std::string_view v) : kind_(Kind::Text), s_(v) {}
  Param(const std::string& v) : kind_(Kind::Text), s_(v) {}
  Param(const char* v) : kind_(Kind::Text), s_(v) {}
  template <typename T>
  Param(const std::optional<T>& v) : Param(nullptr) {
    if (v) *this = Param(*v);
  }

  Kind kind() const { return kind_; }
  int64_t as_int() const { return i_; }
  double as_real() const { return d_; }
  std::string_view as_text() const { return s_; }

 private:
  Kind kind_;
  int64_t i_ = 0;
  double d_ = 0;
  std::string_view s_;
};

using Value = std::variant<std::monostate, int64_t, double, std::string>;

// One result row. Column access is by position, in the order of the SELECT.
class Row {
 public:
  explicit Row(std::vector<Value> cols) : cols_(std::move(cols)) {}
  size_t size() const { return cols_.size(); }
  bool is_null(size_t i) const { return std::holds_alternative<std::monostate>(cols_.at(i)); }
  // Integer value; NULL reads as 0, text is parsed (PostgreSQL returns text).
  int64_t i64(size_t i) const;
  double f64(size_t i) const;
  bool boolean(size_t i) const { return i64(i) != 0; }
  // Text value; NULL reads as "".
  std::string text(size_t i) const;
  std::optional<std::string> opt_text(size_t i) const;
  std::optional<int64_t> opt_i64(size_t i) const;

 private:
  std::vector<Value> cols_;
};

using Rows = std::vector<Row>;

// A transaction in progress. Obtained only inside Store::read / Store::write,
// which begin and end it; a Tx never outlives that call.
//
// Each call runs exactly one statement. The first statement that fails dooms
// the transaction on both stores (PostgreSQL's rule): later statements fail
// with the same error, and the transaction is not kept even if the function
// returns success. Write upserts as INSERT ... ON CONFLICT, not as an insert
// whose unique violation is caught.
class Tx {
 public:
  virtual ~Tx() = default;
  Result<Rows> query(std::string_view sql, std::initializer_list<Param> params = {}) {
    return query_params(sql, std::span<const Param>(params.begin(), params.size()));
  }
  // Runs a statement and returns the number of rows it changed.
  Result<int64_t> exec(std::string_view sql, std::initializer_list<Param> params = {}) {
    return exec_params(sql, std::span<const Param>(params.begin(), params.size()));
  }
  // Runs a query expected to return at most one row.
  Result<std::optional<Row>> one(std::string_view sql, std::initializer_list<Param> params = {});
  // The same with a parameter list built at run time (a query whose filters
  // depend on the request).
  virtual Result<Rows> query_params(std::string_view sql, std::span<const Param> params) = 0;
  virtual Result<int64_t> exec_params(std::string_view sql, std::span<const Param> params) = 0;
  virtual Dialect dialect() const = 0;
};

struct PoolStats {
  int connections_total = 0;
  int connections_in_use = 0;
  int64_t write_batches = 0;   // group commits performed (SQLite)
  int64_t write_jobs = 0;      // write transactions committed
};

struct StoreConfig {
  // "sqlite:/path/to/trivium.db" or "postgresql://user@host:port/db".
  std::string url;
  int pool_size = 8;            // PostgreSQL connections; SQLite read connections per thread
  int busy_timeout_ms = 5000;   // SQLite
};

class Store {
 public:
  virtual ~Store() = default;
  virtual Dialect dialect() const = 0;

  // Runs `fn` in a read-only snapshot. Cheap: SQLite uses a connection owned
  // by the calling thread, PostgreSQL one from the pool.
  virtual Result<void> read(const std::function<Result<void>(Tx&)>& fn) = 0;

  // Runs `fn` in a write transaction. When this returns success the changes
  // are durable (SQLite WAL with synchronous=FULL; PostgreSQL synchronous
  // commit). If `fn` fails, nothing it wrote is kept. On SQLite all writes go
  // through one writer thread that commits concurrent callers together
  // (group commit); `fn` therefore runs on that thread and must not block on
  // anything but the Tx.
  virtual Result<void> write(const std::function<Result<void>(Tx&)>& fn) = 0;

  virtual Result<void> ping() = 0;
  virtual PoolStats stats() const = 0;
  // Finishes queued writes and closes every connection.
  virtual void close() = 0;
};

// Opens the store named by the URL. Throws std::runtime_error on failure:
// this happens only at start-up.
std::unique_ptr<Store> open_store(const StoreConfig& config);

// Migrations are compiled into the binary from migrations/NNNN_name.sql (and
// NNNN_name.sqlite.sql / NNNN_name.pg.sql where a dialect needs its own text).
struct MigrationStatus {
  int database_version = 0;  // highest applied
  int binary_version = 0;    // highest known to this binary
  std::vector<std::string> applied_now;
};
// Applies pending migrations, each in its own transaction. Fails with
// Conflict if the database is newer than the binary.
Result<MigrationStatus> migrate(Store& store);
Result<MigrationStatus> migration_status(Store& store);

// Store errors: a UNIQUE violation is Conflict with detail "unique:<what>"
// (index or column name as the database reports it); a busy/locked/IO
// failure is Unavailable; a malformed statement is Internal (a bug).
// True when `err` came from a UNIQUE constraint (both dialects).
bool is_unique_violation(const Error& err);

}  // namespace trivium::db
