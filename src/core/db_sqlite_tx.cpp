// SQLite connection, statement cache and transaction (see db_sqlite.h).
#include <algorithm>
#include <stdexcept>

#include "core/db_sqlite.h"

namespace trivium::db::sqlite {

namespace {

// Statements come from string literals in the code, so the cache stays small;
// the bound only guards against a caller building SQL at run time.
constexpr size_t kMaxCachedStatements = 512;

bool only_blank(const char* s) {
  for (; *s; ++s) {
    if (*s != ' ' && *s != '\n' && *s != '\r' && *s != '\t' && *s != ';') return false;
  }
  return true;
}

std::string strip_prefix(std::string msg, std::string_view prefix) {
  if (msg.rfind(prefix, 0) == 0) msg.erase(0, prefix.size());
  return msg;
}

// Resets the statement and clears its bindings when a use of it ends, so the
// cached statement holds no lock, no snapshot and no pointer to the caller's
// text.
class StatementUse {
 public:
  explicit StatementUse(sqlite3_stmt* s) : s_(s) {}
  ~StatementUse() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;

 private:
  sqlite3_stmt* s_;
};

Value column_value(sqlite3_stmt* s, int i) {
  switch (sqlite3_column_type(s, i)) {
    case SQLITE_INTEGER: return static_cast<int64_t>(sqlite3_column_int64(s, i));
    case SQLITE_FLOAT: return sqlite3_column_double(s, i);
    case SQLITE_NULL: return std::monostate();
    default: {
      const auto* p = static_cast<const char*>(sqlite3_column_blob(s, i));
      const int n = sqlite3_column_bytes(s, i);
      return std::string(p ? p : "", static_cast<size_t>(n));
    }
  }
}

int bind(sqlite3_stmt* s, int i, const Param& p) {
  switch (p.kind()) {
    case Param::Kind::Null: return sqlite3_bind_null(s, i);
    case Param::Kind::Int: return sqlite3_bind_int64(s, i, p.as_int());
    case Param::Kind::Real: return sqlite3_bind_double(s, i, p.as_real());
    case Param::Kind::Text: {
      // SQLITE_STATIC: the text outlives the statement's use (StatementUse
      // clears the bindings before the call returns). A null data pointer
      // would bind NULL, so an empty view binds "".
      const std::string_view t = p.as_text();
      return sqlite3_bind_text64(s, i, t.data() ? t.data() : "", t.size(), SQLITE_STATIC, SQLITE_UTF8);
    }
  }
  return SQLITE_MISUSE;
}

}  // namespace

Error error_from(sqlite3* db, int rc, std::string_view context) {
  std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return {ErrorKind::Conflict, "unique:" + strip_prefix(msg, "UNIQUE constraint failed: "), {}, 0};
      }
      return {ErrorKind::Conflict, "constraint:" + msg, {}, 0};
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN: return {ErrorKind::Unavailable, "sqlite: " + msg, {}, 0};
    default: return {ErrorKind::Internal, "sqlite: " + msg + " (" + std::string(context) + ")", {}, 0};
  }
}

Connection::Connection(const std::string& path, int busy_timeout_ms, bool reader) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (reader ? 0 : SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    throw std::runtime_error("cannot open SQLite database '" + path + "': " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, std::max(busy_timeout_ms, 5000));
  auto pragma = [&](const char* sql) {
    if (run(sql)) return;
    std::string msg = sqlite3_errmsg(db_);
    clear_cache();
    sqlite3_close_v2(db_);
    throw std::runtime_error("cannot set up SQLite database '" + path + "' (" + sql + "): " + msg);
  };
  if (!reader) {
    // journal_mode answers with the mode in force: anything but "wal" (an
    // in-memory database, a read-only folder) cannot give DATA-01.
    char* mode = nullptr;
    char** table = nullptr;
    int rows = 0, cols = 0;
    rc = sqlite3_get_table(db_, "PRAGMA journal_mode=WAL", &table, &rows, &cols, nullptr);
    if (rc == SQLITE_OK && rows == 1 && cols == 1) mode = table[1];
    const bool wal = mode && std::string_view(mode) == "wal";
    sqlite3_free_table(table);
    if (!wal) {
      sqlite3_close_v2(db_);
      throw std::runtime_error("cannot use WAL journal mode for SQLite database '" + path + "'");
    }
  }
  pragma("PRAGMA synchronous=FULL");
  pragma("PRAGMA foreign_keys=ON");
  // Large indexes (the learning record store's) are walked on every write:
  // keep their pages in SQLite's own cache (the writer's is the larger) and
  // read the database through a memory map instead of a copy per page.
  pragma(reader ? "PRAGMA cache_size=-32768" : "PRAGMA cache_size=-262144");
  pragma("PRAGMA mmap_size=1073741824");
  if (!reader) pragma("PRAGMA wal_autocheckpoint=8192");

  if (reader) pragma("PRAGMA query_only=ON");
}

Connection::~Connection() {
  clear_cache();
  sqlite3_close_v2(db_);
}

void Connection::clear_cache() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  cache_.clear();
}

Result<sqlite3_stmt*> Connection::prepare(std::string_view sql) {
  if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
  if (cache_.size() >= kMaxCachedStatements) clear_cache();
  const std::string native = rewrite_params(sql);
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  int rc =
      sqlite3_prepare_v3(db_, native.c_str(), static_cast<int>(native.size()), SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) return fail(error_from(db_, rc, sql));
  if (!stmt || (tail && !only_blank(tail))) {
    sqlite3_finalize(stmt);
    return fail(ErrorKind::Internal, "expected exactly one SQL statement per call: " + std::string(sql));
  }
  cache_.emplace(std::string(sql), stmt);
  return stmt;
}

Result<void> Connection::run(std::string_view sql) {
  TRV_ASSIGN(sqlite3_stmt * stmt, prepare(sql));
  StatementUse use(stmt);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) return fail(error_from(db_, rc, sql));
  return ok();
}

Failure Transaction::doom(Error e) {
  doomed_ = e;
  return fail(std::move(e));
}

Result<sqlite3_stmt*> Transaction::start(std::string_view sql, std::span<const Param> params) {
  if (doomed_) return fail(*doomed_);
  auto prepared = conn_.prepare(sql);
  if (!prepared) return doom(prepared.error());
  sqlite3_stmt* stmt = *prepared;
  const int expected = sqlite3_bind_parameter_count(stmt);
  if (expected != static_cast<int>(params.size())) {
    return doom({ErrorKind::Internal,
                 "statement expects " + std::to_string(expected) + " parameters, got " + std::to_string(params.size()) +
                     ": " + std::string(sql),
                 {},
                 0});
  }
  int i = 1;
  for (const Param& p : params) {
    int rc = bind(stmt, i++, p);
    if (rc != SQLITE_OK) {
      Error e = error_from(conn_.raw(), rc, sql);
      sqlite3_clear_bindings(stmt);
      return doom(std::move(e));
    }
  }
  return stmt;
}

Result<Rows> Transaction::query_params(std::string_view sql, std::span<const Param> params) {
  TRV_ASSIGN(sqlite3_stmt * stmt, start(sql, params));
  StatementUse use(stmt);
  Rows rows;
  const int n = sqlite3_column_count(stmt);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<Value> cols;
    cols.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) cols.push_back(column_value(stmt, i));
    rows.emplace_back(std::move(cols));
  }
  if (rc != SQLITE_DONE) return doom(error_from(conn_.raw(), rc, sql));
  return rows;
}

Result<int64_t> Transaction::exec_params(std::string_view sql, std::span<const Param> params) {
  TRV_ASSIGN(sqlite3_stmt * stmt, start(sql, params));
  StatementUse use(stmt);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) return doom(error_from(conn_.raw(), rc, sql));
  return static_cast<int64_t>(sqlite3_changes64(conn_.raw()));
}

Result<void> Transaction::exec_script(std::string_view sql) {
  if (doomed_) return fail(*doomed_);
  const std::string text(sql);
  int rc = sqlite3_exec(conn_.raw(), text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return doom(error_from(conn_.raw(), rc, "script"));
  return ok();
}

Result<void> Transaction::finish(Result<void> fn_result) const {
  if (!fn_result) return fn_result;
  if (doomed_) return fail(*doomed_);
  return ok();
}

}  // namespace trivium::db::sqlite
