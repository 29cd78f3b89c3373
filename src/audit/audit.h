// The audit log: security-relevant events (logins, failed logins, role
// changes, token creation, password resets, ...) with actor, time, IP and
// request id. Events are written in the same transaction as the change they
// describe, so the log never claims a change that did not happen.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "authz/authz.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/http.h"
#include "core/result.h"

namespace trivium::audit {

struct Event {
  std::string action;           // "auth.login", "auth.login_failed", "org.role_changed", ...
  std::string actor_id;         // user id, empty for anonymous
  std::string organisation_id;  // empty for platform-wide events
  std::string target_kind;      // "user", "organisation", "token", ...
  std::string target_id;
  std::string ip;
  std::string request_id;
  std::string detail_json = "{}";  // small JSON object with event-specific facts
};

struct Entry {
  std::string id;
  int64_t at_ms = 0;
  Event event;
};

struct Query {
  std::optional<std::string> organisation_id;  // only this organisation's events
  std::optional<std::string> action;
  std::optional<std::string> actor_id;
  std::optional<std::string> before_id;  // keyset pagination: entries older than this id
  int limit = 50;
};

// Fills actor, IP and request id from a request.
Event event_from(const http::Request& req, std::string action);

class AuditLog {
 public:
  AuditLog(db::Store& store, const Clock& clock) : store_(store), clock_(clock) {}
  // Appends within the caller's write transaction.
  Result<void> record(db::Tx& tx, const Event& event);
  // Appends in a transaction of its own (for events with no other change,
  // e.g. a failed login).
  Result<void> record(const Event& event);
  Result<std::vector<Entry>> list(const Query& q);

 private:
  db::Store& store_;
  const Clock& clock_;
};

// GET /api/v1/audit (platform) and GET /api/v1/orgs/{org}/audit.
void register_routes(http::Router& router, AuditLog& log);

// The capabilities the routes above name: "platform.audit.read" (platform
// admins) and "org.audit.read" (organisation admins and platform admins),
// for authz::Policy::declare (LOG-04: readable only by those).
std::vector<authz::Capability> capabilities();

}  // namespace trivium::audit
