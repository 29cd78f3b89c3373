// Trivium's learning record store: xAPI statements and documents, per
// organisation, behind the standard xAPI HTTP API at /xapi/ (xAPI 2.0 and
// 1.0.x, chosen per request by X-Experience-API-Version).
//
// Every organisation has its own store: a client's credentials (HTTP Basic,
// created by an organisation admin) carry the organisation, and nothing a
// client reads or writes crosses it. Statements are append-only; the only
// change a stored statement ever sees is being voided. Trivium's own modules
// record their learning events through Service::record() in their own write
// transaction, so a learner's progress and its statements never disagree.
//
// The xAPI data model (validation, agents, formats, attachments, signatures)
// lives in src/xapi; this module stores, indexes, queries and serves.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "authz/authz.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/http.h"
#include "core/result.h"

namespace trivium::lrs {

// An xAPI client: credentials an organisation admin created for a tool that
// reads or writes that organisation's records.
struct Client {
  std::string id;
  std::string organisation_id;
  std::string name;
  std::string key;                  // the Basic user name
  std::vector<std::string> scopes;  // see kScopes
  std::string created_by;
  int64_t created_at_ms = 0;
  std::optional<int64_t> revoked_at_ms;
};

// The scopes a client may hold, as xAPI names them: "all" (read and write
// everything), "all/read", "statements/write", "statements/read", "state"
// (state documents), "profile" (activity and agent profiles, agents,
// activities).
inline const std::vector<std::string> kScopes = {"all",   "all/read", "statements/write", "statements/read",
                                                 "state", "profile"};

struct Actor {
  std::string user_id;
  std::string ip;
  std::string request_id;
};

// A statement Trivium itself records (a learning event seen by another
// module): the statement as JSON text, already complete with actor, verb,
// object and context; the LRS adds id (if absent), stored, authority and
// version.
struct Event {
  std::string organisation_id;
  std::string statement_json;
};

class Service {
 public:
  Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, std::string public_url);
  ~Service();

  // Credentials. The secret is returned once, at creation.
  struct CreatedClient {
    Client client;
    std::string secret;
  };
  Result<CreatedClient> create_client(const Actor& actor, const std::string& org_id, const std::string& name,
                                      const std::vector<std::string>& scopes);
  Result<std::vector<Client>> list_clients(const std::string& org_id);
  Result<void> revoke_client(const Actor& actor, const std::string& org_id, const std::string& client_id);
  // Basic credentials to the client; Unauthenticated when unknown, revoked or
  // wrong. Verified clients are cached; a revocation clears the cache.
  Result<Client> authenticate(std::string_view key, std::string_view secret);

  // Records Trivium's own statements in the caller's write transaction.
  // Returns the statement ids. Invalid statements are a bug of the caller:
  // BadRequest, and the caller's transaction fails with it.
  Result<std::vector<std::string>> record(db::Tx& tx, const std::vector<Event>& events);

  // The storage and query engine behind the xAPI routes (lrs/internal.h),
  // for this module's routes and tests.
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// The subject of an xAPI request authenticated with a client's Basic
// credentials; other requests go to the next authenticator.
class Authenticator final : public http::Authenticator {
 public:
  Authenticator(Service& service, http::Authenticator& next) : service_(service), next_(next) {}
  Result<http::Subject> authenticate(const http::Request& req) override;

 private:
  Service& service_;
  http::Authenticator& next_;
};

std::vector<authz::Capability> capabilities();
// /xapi/* (statements, activities/state, activities/profile, agents/profile,
// agents, activities, about) and /api/v1/orgs/{org}/lrs-clients.
void register_routes(http::Router& router, Service& service);

}  // namespace trivium::lrs
