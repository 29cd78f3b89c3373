// Writing and reading audit events. The log is append-only: there is no
// update or delete path in this module (LOG-04).

#include <algorithm>
#include <string>

#include "audit/audit.h"
#include "core/ids.h"

namespace trivium::audit {
namespace {

// Optional columns are stored as NULL rather than "" so that "no actor" and
// "no organisation" read the same in both dialects.
db::Param nullable(const std::string& s) {
  if (s.empty()) return db::Param(nullptr);
  return db::Param(s);
}

// Routes ask for one more than a page to learn whether another follows.
constexpr int kMaxLimit = 1000;

// The WHERE clause for a query, chosen from fixed fragments only: every
// parameter is always bound ($1..$4), and an absent filter becomes a
// condition that is true for a NULL parameter. No request data ever enters
// the SQL text (INJ-01), and each present filter stays a plain equality the
// planner can serve from an index.
std::string list_sql(const Query& q) {
  std::string sql =
      "SELECT id, at, action, actor_id, organisation_id, target_kind, target_id, ip, request_id, "
      "detail FROM audit_events WHERE ";
  sql += q.organisation_id ? "organisation_id = $1" : "CAST($1 AS TEXT) IS NULL";
  sql += q.action ? " AND action = $2" : " AND CAST($2 AS TEXT) IS NULL";
  sql += q.actor_id ? " AND actor_id = $3" : " AND CAST($3 AS TEXT) IS NULL";
  sql += q.before_id ? " AND id < $4" : " AND CAST($4 AS TEXT) IS NULL";
  sql += " ORDER BY id DESC LIMIT $5";
  return sql;
}

Entry entry_from(const db::Row& row) {
  Entry e;
  e.id = row.text(0);
  e.at_ms = row.i64(1);
  e.event.action = row.text(2);
  e.event.actor_id = row.text(3);
  e.event.organisation_id = row.text(4);
  e.event.target_kind = row.text(5);
  e.event.target_id = row.text(6);
  e.event.ip = row.text(7);
  e.event.request_id = row.text(8);
  e.event.detail_json = row.text(9);
  if (e.event.detail_json.empty()) e.event.detail_json = "{}";
  return e;
}

}  // namespace

Event event_from(const http::Request& req, std::string action) {
  Event e;
  e.action = std::move(action);
  e.actor_id = req.subject.user_id;
  e.ip = req.remote_ip;
  e.request_id = req.request_id;
  return e;
}

Result<void> AuditLog::record(db::Tx& tx, const Event& event) {
  if (event.action.empty()) return fail(ErrorKind::Internal, "audit event without an action");
  const std::string id = new_id();
  const std::string& detail = event.detail_json.empty() ? std::string("{}") : event.detail_json;
  TRV_TRY(
      tx.exec("INSERT INTO audit_events (id, at, action, actor_id, organisation_id, target_kind, "
              "target_id, ip, request_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
              {id, clock_.now_ms(), event.action, nullable(event.actor_id), nullable(event.organisation_id),
               nullable(event.target_kind), nullable(event.target_id), nullable(event.ip), nullable(event.request_id),
               detail}));
  return ok();
}

Result<void> AuditLog::record(const Event& event) {
  return store_.write([&](db::Tx& tx) { return record(tx, event); });
}

Result<std::vector<Entry>> AuditLog::list(const Query& q) {
  const std::string sql = list_sql(q);
  const int64_t limit = std::clamp(q.limit, 1, kMaxLimit);
  std::vector<Entry> out;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(db::Rows rows, tx.query(sql, {q.organisation_id, q.action, q.actor_id, q.before_id, limit}));
    out.reserve(rows.size());
    for (const db::Row& row : rows) out.push_back(entry_from(row));
    return ok();
  }));
  return out;
}

}  // namespace trivium::audit
