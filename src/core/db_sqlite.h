// SQLite internals of the store: a connection with its statement cache and
// the Tx that runs statements on it. The store itself (reader connections per
// thread, one writer thread with group commit) is in db_sqlite.cpp.
#pragma once

#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/db_internal.h"

namespace trivium::db::sqlite {

// Maps an SQLite result code (extended codes are on) to a store error; see
// the error rules at the end of core/db.h.
Error error_from(sqlite3* db, int rc, std::string_view context);

// One database connection. Used by one thread at a time (it is opened with
// SQLITE_OPEN_NOMUTEX), so the statement cache needs no lock.
class Connection {
 public:
  // Opens `path` and applies the durability settings of DATA-01 (WAL,
  // synchronous=FULL, foreign_keys=ON, busy_timeout >= 5 s). A reader is
  // opened query_only so that a write in Store::read fails instead of
  // bypassing the writer thread. Throws std::runtime_error on failure.
  Connection(const std::string& path, int busy_timeout_ms, bool reader);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* raw() const { return db_; }
  // The prepared form of `sql` (written with $N parameters), cached by its
  // text. The caller resets it after use (see StatementUse).
  Result<sqlite3_stmt*> prepare(std::string_view sql);
  // Runs one statement without parameters or rows (BEGIN, COMMIT, ...).
  Result<void> run(std::string_view sql);
  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  void clear_cache();

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*, Hash, std::equal_to<>> cache_;
};

// A transaction on one connection; Store::read and the writer thread begin
// and end it around the caller's function.
//
// The first failed statement dooms the transaction, as PostgreSQL does: later
// statements fail with the same error and finish() reports it even when the
// caller's function swallowed it. Both stores thus behave alike, and a write
// is never half-kept because an error was ignored.
class Transaction : public ScriptTx {
 public:
  explicit Transaction(Connection& conn) : conn_(conn) {}
  Result<Rows> query_params(std::string_view sql, std::span<const Param> params) override;
  Result<int64_t> exec_params(std::string_view sql, std::span<const Param> params) override;
  Result<void> exec_script(std::string_view sql) override;
  Dialect dialect() const override { return Dialect::Sqlite; }

  // The result of the caller's function combined with the doom, if any.
  Result<void> finish(Result<void> fn_result) const;

 private:
  Result<sqlite3_stmt*> start(std::string_view sql, std::span<const Param> params);
  Failure doom(Error e);

  Connection& conn_;
  std::optional<Error> doomed_;
};

}  // namespace trivium::db::sqlite
