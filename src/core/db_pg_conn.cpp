// PostgreSQL connection, prepared statements and transaction (see db_pg.h).
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/db_pg.h"

namespace trivium::db::pg {

namespace {

// Type OIDs from PostgreSQL's catalog/pg_type.h (a server header that the
// client package does not ship); they are fixed by the wire protocol.
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23;
constexpr Oid kFloat4 = 700, kFloat8 = 701, kNumeric = 1700;

// Statements are string literals in the code, so this bound is only a guard.
constexpr size_t kMaxPrepared = 512;

std::string trimmed(const char* s) {
  std::string out = s ? s : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string field(const PGresult* res, int code) {
  const char* f = res ? PQresultErrorField(res, code) : nullptr;
  return f ? f : "";
}

Value cell(const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return std::monostate();
  const char* text = PQgetvalue(res, row, col);
  const int len = PQgetlength(res, row, col);
  switch (PQftype(res, col)) {
    case kInt2:
    case kInt4:
    case kInt8: {
      int64_t v = 0;
      std::from_chars(text, text + len, v);
      return v;
    }
    case kFloat4:
    case kFloat8:
    case kNumeric: return std::strtod(text, nullptr);
    case kBool: return static_cast<int64_t>(text[0] == 't' ? 1 : 0);
    default: return std::string(text, static_cast<size_t>(len));
  }
}

// Text-format parameter values; a NULL parameter is a null pointer.
struct ParamValues {
  std::vector<std::string> text;
  std::vector<const char*> ptrs;

  explicit ParamValues(std::span<const Param> params) {
    text.reserve(params.size());
    for (const Param& p : params) {
      switch (p.kind()) {
        case Param::Kind::Null: text.emplace_back(); break;
        case Param::Kind::Int: text.push_back(std::to_string(p.as_int())); break;
        case Param::Kind::Real: {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%.17g", p.as_real());
          text.emplace_back(buf);
          break;
        }
        case Param::Kind::Text: text.emplace_back(p.as_text()); break;
      }
    }
    size_t i = 0;
    for (const Param& p : params) {
      ptrs.push_back(p.kind() == Param::Kind::Null ? nullptr : text[i].c_str());
      ++i;
    }
  }
};

}  // namespace

std::unique_ptr<Connection> Connection::open(const std::string& url, std::string& error) {
  // The URL comes last so that what it says wins over these defaults.
  const char* keys[] = {"connect_timeout", "application_name", "client_encoding", "dbname", nullptr};
  const char* values[] = {"10", "trivium", "UTF8", url.c_str(), nullptr};
  PGconn* raw = PQconnectdbParams(keys, values, 1);
  if (!raw || PQstatus(raw) != CONNECTION_OK) {
    error = raw ? trimmed(PQerrorMessage(raw)) : "out of memory";
    PQfinish(raw);
    return nullptr;
  }
  // Notices ("relation already exists, skipping") go to the log, not stderr.
  PQsetNoticeProcessor(
      raw, [](void*, const char* msg) { spdlog::debug("postgresql: {}", trimmed(msg)); }, nullptr);
  std::unique_ptr<Connection> conn(new Connection(raw));
  // synchronous_commit is a session setting, so a server configured with it
  // off can still give this store durable commits (DATA-02, DATA-03).
  auto setting = conn->run("SHOW synchronous_commit");
  if (setting && PQntuples(setting->get()) == 1 && std::strcmp(PQgetvalue(setting->get(), 0, 0), "off") == 0) {
    spdlog::warn("store: DATA-02: synchronous_commit is off on the server; this store turns it on per session");
    if (!conn->run("SET synchronous_commit TO on")) {
      error = "cannot turn synchronous_commit on";
      return nullptr;
    }
  }
  return conn;
}

Connection::~Connection() {
  PQfinish(conn_);
}

Error Connection::error_from(const PGresult* res, std::string_view context) {
  const std::string state = field(res, PG_DIAG_SQLSTATE);
  last_sqlstate_ = state.empty() ? "connection" : state;
  const std::string msg = res ? trimmed(PQresultErrorMessage(res)) : trimmed(PQerrorMessage(conn_));
  if (!healthy()) return {ErrorKind::Unavailable, "postgresql: connection lost: " + msg, {}, 0};
  if (state == "23505") {
    std::string name = field(res, PG_DIAG_CONSTRAINT_NAME);
    return {ErrorKind::Conflict, "unique:" + (name.empty() ? msg : name), {}, 0};
  }
  if (state.rfind("23", 0) == 0) {
    return {ErrorKind::Conflict, "constraint:" + field(res, PG_DIAG_MESSAGE_PRIMARY), {}, 0};
  }
  // Serialization failures and deadlocks (retried by the store), lost or
  // refused connections, lack of resources and server shutdown.
  const bool transient = state == "40001" || state == "40P01" || state.rfind("08", 0) == 0 ||
                         state.rfind("53", 0) == 0 || state.rfind("57P", 0) == 0;
  if (transient) return {ErrorKind::Unavailable, "postgresql: " + msg, {}, 0};
  return {ErrorKind::Internal, "postgresql: " + msg + " (" + std::string(context) + ")", {}, 0};
}

Result<PgResult> Connection::check(PGresult* raw, std::string_view context) {
  PgResult res(raw);
  const auto status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  // An empty query is a script holding only comments.
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
    return res;
  }
  return fail(error_from(res.get(), context));
}

Result<PgResult> Connection::run(const std::string& sql) {
  return check(PQexec(conn_, sql.c_str()), sql);
}

Result<std::string> Connection::statement(std::string_view sql) {
  if (auto it = prepared_.find(sql); it != prepared_.end()) return it->second;
  if (prepared_.size() >= kMaxPrepared && run("DEALLOCATE ALL")) prepared_.clear();
  std::string name = "trv_" + std::to_string(++next_statement_);
  const std::string text(sql);
  TRV_TRY(check(PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr), sql));
  prepared_.emplace(text, name);
  return name;
}

Failure Transaction::doom(Error e) {
  doomed_ = e;
  return fail(std::move(e));
}

Result<PgResult> Transaction::execute(std::string_view sql, std::span<const Param> params) {
  if (doomed_) return fail(*doomed_);
  auto name = conn_.statement(sql);
  if (!name) return doom(name.error());
  ParamValues values(params);
  auto res = conn_.check(PQexecPrepared(conn_.raw(), name->c_str(), static_cast<int>(params.size()), values.ptrs.data(),
                                        nullptr, nullptr, 0),
                         sql);
  if (!res) return doom(res.error());
  return res;
}

Result<Rows> Transaction::query_params(std::string_view sql, std::span<const Param> params) {
  TRV_ASSIGN(PgResult res, execute(sql, params));
  const int rows = PQntuples(res.get());
  const int cols = PQnfields(res.get());
  Rows out;
  out.reserve(static_cast<size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    std::vector<Value> values;
    values.reserve(static_cast<size_t>(cols));
    for (int c = 0; c < cols; ++c) values.push_back(cell(res.get(), r, c));
    out.emplace_back(std::move(values));
  }
  return out;
}

Result<int64_t> Transaction::exec_params(std::string_view sql, std::span<const Param> params) {
  TRV_ASSIGN(PgResult res, execute(sql, params));
  const char* n = PQcmdTuples(res.get());
  int64_t changed = 0;
  if (n) std::from_chars(n, n + std::strlen(n), changed);
  return changed;
}

Result<void> Transaction::exec_script(std::string_view sql) {
  if (doomed_) return fail(*doomed_);
  auto res = conn_.run(std::string(sql));
  if (!res) return doom(res.error());
  return ok();
}

Result<void> Transaction::finish(Result<void> fn_result) const {
  if (!fn_result) return fn_result;
  if (doomed_) return fail(*doomed_);
  return ok();
}

}  // namespace trivium::db::pg
