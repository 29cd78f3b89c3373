// PostgreSQL internals of the store: a libpq connection with its prepared
// statements and the Tx that runs statements on it. The pool and the store
// (transactions, retries, the DATA-02 check) are in db_pg.cpp.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/db_internal.h"

namespace trivium::db::pg {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// One connection, used by one thread at a time (the pool hands it out).
class Connection {
 public:
  // Connects to `url`; on failure returns null and sets `error`.
  static std::unique_ptr<Connection> open(const std::string& url, std::string& error);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  PGconn* raw() const { return conn_; }
  bool healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

  // The name of the server-side prepared statement for `sql`, preparing it
  // on first use (prepared statements are per connection).
  Result<std::string> statement(std::string_view sql);
  // Runs text without parameters (BEGIN, COMMIT, SHOW, a migration script).
  Result<PgResult> run(const std::string& sql);
  // Checks a result: the store error for a failed one, else the result.
  Result<PgResult> check(PGresult* raw, std::string_view context);

  // SQLSTATE of the last failure on this connection, "" if none since
  // forget_failure(); the store retries on 40001 and 40P01.
  const std::string& last_sqlstate() const { return last_sqlstate_; }
  void forget_failure() { last_sqlstate_.clear(); }

 private:
  explicit Connection(PGconn* c) : conn_(c) {}
  Error error_from(const PGresult* res, std::string_view context);

  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  PGconn* conn_;
  std::unordered_map<std::string, std::string, Hash, std::equal_to<>> prepared_;
  int64_t next_statement_ = 0;
  std::string last_sqlstate_;
};

// A transaction on one connection. Like PostgreSQL itself (and the SQLite
// store, see db_sqlite.h), the first failed statement dooms it.
class Transaction : public ScriptTx {
 public:
  explicit Transaction(Connection& conn) : conn_(conn) {}
  Result<Rows> query_params(std::string_view sql, std::span<const Param> params) override;
  Result<int64_t> exec_params(std::string_view sql, std::span<const Param> params) override;
  Result<void> exec_script(std::string_view sql) override;
  Dialect dialect() const override { return Dialect::Postgres; }

  Result<void> finish(Result<void> fn_result) const;

 private:
  Result<PgResult> execute(std::string_view sql, std::span<const Param> params);
  Failure doom(Error e);

  Connection& conn_;
  std::optional<Error> doomed_;
};

}  // namespace trivium::db::pg
