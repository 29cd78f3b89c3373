// Shared by the implementation files of the LRS; not part of its interface.
#pragma once

#include <boost/json.hpp>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lrs/lrs.h"
#include "xapi/xapi.h"

namespace trivium::lrs {

namespace bj = boost::json;

inline constexpr std::string_view kVoided = "http://adlnet.gov/expapi/verbs/voided";

// Who stores a statement: the client (or Trivium itself) and the authority
// Agent written into the statement.
struct Authority {
  std::string client_id;  // "" for Trivium's own events
  bj::object agent;
};

// The filters of GET /statements, already checked.
struct StatementQuery {
  std::optional<std::string> agent_key;
  bool related_agents = false;
  std::optional<std::string> verb;
  std::optional<std::string> activity;
  bool related_activities = false;
  std::optional<std::string> registration;
  std::optional<int64_t> since_ms;  // stored strictly after
  std::optional<int64_t> until_ms;  // stored at or before
  int limit = 0;                    // 0: the server's page size
  bool ascending = false;
  std::optional<int64_t> after_seq;    // paging cursor (exclusive)
  std::optional<int64_t> through_seq;  // the page set stays within what existed at the first page
};

struct StoredStatement {
  int64_t seq = 0;
  std::string body;  // the statement as stored, JSON
  int64_t stored_ms = 0;
};

struct StatementPage {
  std::vector<StoredStatement> statements;
  bool more = false;
  int64_t through_seq = 0;
};

// A document of the State, Activity Profile or Agent Profile resources.
struct DocumentKey {
  std::string kind;  // state, activity_profile, agent_profile
  std::string activity_id;
  std::string agent_key;
  std::string registration;
  std::string document_id;
};

struct Document {
  std::string content_type;
  std::string content;
  std::string etag;  // quoted
  int64_t updated_ms = 0;
};

// The concurrency headers of a document write.
struct Preconditions {
  std::optional<std::string> if_match;
  std::optional<std::string> if_none_match;
  // Profiles (1.0.x): a PUT over an existing document must say which
  // version it replaces; without If-Match/If-None-Match it is a conflict.
  bool require_for_existing = false;
};

// A statement checked and made ready to store: everything computed outside
// the write transaction (on the request's thread), so that the store's
// writer only runs SQL.
struct PreparedStatement {
  size_t index = 0;  // position in the request
  std::string id;
  std::string verb;
  std::optional<std::string> target;  // StatementRef object
  std::optional<std::string> registration;
  std::string body;  // as stored
  bool timestamp_assigned = false;
  std::vector<std::pair<std::string, bool>> agents;              // key, direct
  std::vector<std::pair<std::string, bool>> activities;          // id, direct
  std::vector<std::pair<std::string, std::string>> attachments;  // sha2, content type
  std::string activity_id;                                       // set when the object carries a definition
  bj::object definition;
  std::string definition_text;
  std::string agent_key;  // set when the actor is named
  std::string agent_text;
};

class DefinitionCache;

// What one write transaction adds to the known definitions and agent names.
struct PendingDefinitions {
  std::unordered_map<std::string, std::string> definitions;
  std::unordered_map<std::string, std::string> agents;
  void clear() {
    definitions.clear();
    agents.clear();
  }
};

struct CachedClient {
  Client client;
  std::string secret_sha256;
};

struct Service::Impl {
  db::Store& store;
  const Clock& clock;
  audit::AuditLog& audit;
  std::string public_url;

  std::mutex mu;
  std::unordered_map<std::string, CachedClient> clients_by_key;  // verified, not revoked
  // Activity definitions and agent names already written, so that ingest
  // does not rewrite the same canonical data for every statement.
  std::unordered_map<std::string, std::string> known_definitions;  // org \x1f activity -> definition JSON
  std::unordered_map<std::string, std::string> known_agents;       // org \x1f key -> agent JSON

  Impl(db::Store& s, const Clock& c, audit::AuditLog& a, std::string url)
      : store(s), clock(c), audit(a), public_url(std::move(url)) {}

  // statements.cpp
  bj::object client_authority(const Client& client) const;
  // The authority of a client that authenticated this request (clients.cpp).
  bj::object authority_for(const std::string& client_id);
  bj::object trivium_authority() const;
  // Assigns ids, stored time, authority and version to checked statements
  // and computes what their rows need.
  std::vector<PreparedStatement> prepare(const Authority& authority, std::vector<bj::object>& statements,
                                         xapi::Version version);
  // Stores prepared statements in `tx`; returns their ids in order.
  Result<std::vector<std::string>> apply(db::Tx& tx, const std::string& org, const std::string& client_id,
                                         const std::vector<bj::object>& statements,
                                         const std::vector<PreparedStatement>& prepared,
                                         const std::map<std::string, std::string_view>& attachments,
                                         DefinitionCache& cache);
  // Adds what a committed transaction wrote to the known definitions/agents.
  void commit_cache(const PendingDefinitions& pending);
  Result<std::vector<std::string>> write_statements(const std::string& org, const Authority& authority,
                                                    std::vector<bj::object> statements,
                                                    const std::map<std::string, std::string_view>& attachments,
                                                    xapi::Version version);

  // query.cpp
  Result<std::optional<StoredStatement>> statement_by_id(const std::string& org, const std::string& id, bool voided);
  Result<StatementPage> query(const std::string& org, const StatementQuery& q);
  // sha2 -> (content type, bytes) for the attachments the statements name.
  Result<std::vector<std::pair<std::string, std::pair<std::string, std::string>>>> attachments_of(
      const std::string& org, const std::vector<StoredStatement>& statements);
  Result<bj::object> activity(const std::string& org, const std::string& activity_id);
  Result<bj::object> person(const std::string& org, const bj::object& agent);

  // documents.cpp
  Result<std::optional<Document>> get_document(const std::string& org, const DocumentKey& key);
  // Ids of the documents matching the key without its document_id, updated after `since`.
  Result<std::vector<std::string>> list_documents(const std::string& org, const DocumentKey& key,
                                                  std::optional<int64_t> since_ms);
  // PUT (replace) or POST (merge JSON objects). Returns the new ETag.
  Result<std::string> put_document(const std::string& org, const DocumentKey& key, const std::string& content_type,
                                   const std::string& content, bool merge, const Preconditions& pre);
  Result<void> delete_document(const std::string& org, const DocumentKey& key, const Preconditions& pre);
  Result<int64_t> delete_documents(const std::string& org, const DocumentKey& key);
};

// The activity definitions and agent names one write transaction stores,
// checked against those already known; they become known when it commits
// (Service::Impl::commit_cache), never before.
class DefinitionCache {
 public:
  using Pending = PendingDefinitions;
  DefinitionCache(Service::Impl& impl, Pending& pending) : impl_(impl), pending_(pending) {}
  bool known_definition(const std::string& key, const std::string& text) const {
    return known(pending_.definitions, impl_.known_definitions, key, text);
  }
  bool known_agent(const std::string& key, const std::string& text) const {
    return known(pending_.agents, impl_.known_agents, key, text);
  }
  void definition_written(const std::string& key, const std::string& text) { pending_.definitions[key] = text; }
  void agent_written(const std::string& key, const std::string& text) { pending_.agents[key] = text; }

 private:
  bool known(const std::unordered_map<std::string, std::string>& pending,
             const std::unordered_map<std::string, std::string>& committed, const std::string& key,
             const std::string& text) const {
    if (auto it = pending.find(key); it != pending.end()) return it->second == text;
    std::lock_guard lock(impl_.mu);
    auto it = committed.find(key);
    return it != committed.end() && it->second == text;
  }
  Service::Impl& impl_;
  Pending& pending_;
};

// The media type of a Content-Type value, lower case, without parameters:
// "Application/JSON; charset=utf-8" -> "application/json".
std::string media_type(std::string_view content_type);

// Quoted SHA-1 of a document's bytes, as xAPI defines document ETags.
std::string document_etag(std::string_view content);

}  // namespace trivium::lrs
