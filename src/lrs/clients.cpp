// xAPI clients: the credentials an organisation admin creates for a tool
// (an authoring tool's content, a reporting tool, another LMS), and the Basic
// authentication of /xapi requests with them.

#include <algorithm>

#include "core/ids.h"
#include "lrs/internal.h"

namespace trivium::lrs {

namespace {

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

std::vector<std::string> split_scopes(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

constexpr std::string_view kClientColumns =
    "id, organisation_id, name, key, scopes, created_by, created_at, revoked_at, secret_sha256";

Client client_from(const db::Row& r) {
  Client c;
  c.id = r.text(0);
  c.organisation_id = r.text(1);
  c.name = r.text(2);
  c.key = r.text(3);
  c.scopes = split_scopes(r.text(4));
  c.created_by = r.text(5);
  c.created_at_ms = r.i64(6);
  c.revoked_at_ms = r.opt_i64(7);
  return c;
}

// Decodes "Basic base64(key:secret)".
std::optional<std::pair<std::string, std::string>> basic_credentials(std::string_view header) {
  constexpr std::string_view kBasic = "Basic ";
  if (header.size() <= kBasic.size()) return std::nullopt;
  for (size_t i = 0; i < kBasic.size() - 1; ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != std::tolower(static_cast<unsigned char>(kBasic[i])))
      return std::nullopt;
  }
  if (header[kBasic.size() - 1] != ' ') return std::nullopt;
  std::string_view b64 = header.substr(kBasic.size());
  while (!b64.empty() && b64.front() == ' ') b64.remove_prefix(1);
  while (!b64.empty() && b64.back() == ' ') b64.remove_suffix(1);
  auto decoded = base64_decode(b64);
  if (!decoded) return std::nullopt;
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::make_pair(decoded->substr(0, colon), decoded->substr(colon + 1));
}

audit::Event event(const Actor& actor, std::string action, const std::string& org_id, const std::string& id) {
  audit::Event e;
  e.action = std::move(action);
  e.actor_id = actor.user_id;
  e.organisation_id = org_id;
  e.target_kind = "lrs_client";
  e.target_id = id;
  e.ip = actor.ip;
  e.request_id = actor.request_id;
  return e;
}

bool is_basic(std::string_view header) {
  return header.size() >= 6 && (header.substr(0, 6) == "Basic " || header.substr(0, 6) == "basic ");
}

}  // namespace

Service::Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, std::string public_url)
    : impl_(std::make_unique<Impl>(store, clock, audit, std::move(public_url))) {}
Service::~Service() = default;

Result<Service::CreatedClient> Service::create_client(const Actor& actor, const std::string& org_id,
                                                      const std::string& name, const std::vector<std::string>& scopes) {
  Impl& im = *impl_;
  std::vector<std::string> wanted = scopes.empty() ? std::vector<std::string>{"all"} : scopes;
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  for (size_t i = 0; i < wanted.size(); ++i) {
    if (std::find(kScopes.begin(), kScopes.end(), wanted[i]) == kScopes.end()) {
      return invalid("scopes/" + std::to_string(i), "unknown_scope", "Unknown scope: " + wanted[i] + ".");
    }
  }
  CreatedClient out;
  out.client.id = new_id();
  out.client.organisation_id = org_id;
  out.client.name = name;
  // Keys and secrets are random; keys are unique by construction and by index.
  out.client.key = "trv" + random_token(12);
  out.client.scopes = wanted;
  out.client.created_by = actor.user_id;
  out.client.created_at_ms = im.clock.now_ms();
  out.secret = random_token(32);
  const std::string hash = sha256_hex(out.secret);
  const std::string scope_text = join_scopes(wanted);
  TRV_TRY(im.store.write([&](db::Tx& tx) -> Result<void> {
    auto org = tx.one("SELECT 1 FROM organisations WHERE id = $1", {org_id});
    if (!org) return org.failure();
    if (!*org) return fail(ErrorKind::NotFound, "No such organisation.");
    TRV_TRY(tx.exec(
        "INSERT INTO lrs_clients (id, organisation_id, name, key, secret_sha256, scopes, created_by, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {out.client.id, org_id, name, out.client.key, hash, scope_text, actor.user_id, out.client.created_at_ms}));
    audit::Event e = event(actor, "lrs.client_created", org_id, out.client.id);
    e.detail_json = bj::serialize(bj::object{{"name", name}, {"scopes", bj::value_from(wanted)}});
    return im.audit.record(tx, e);
  }));
  return out;
}

Result<std::vector<Client>> Service::list_clients(const std::string& org_id) {
  std::vector<Client> out;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto rows, tx.query("SELECT " + std::string(kClientColumns) +
                                       " FROM lrs_clients WHERE organisation_id = $1 ORDER BY created_at, id",
                                   {org_id}));
    for (const auto& r : rows) out.push_back(client_from(r));
    return ok();
  }));
  return out;
}

Result<void> Service::revoke_client(const Actor& actor, const std::string& org_id, const std::string& client_id) {
  Impl& im = *impl_;
  const int64_t now = im.clock.now_ms();
  TRV_TRY(im.store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto n, tx.exec("UPDATE lrs_clients SET revoked_at = $3 WHERE id = $1 AND organisation_id = $2 AND "
                               "revoked_at IS NULL",
                               {client_id, org_id, now}));
    if (n == 0) {
      TRV_ASSIGN(auto row,
                 tx.one("SELECT 1 FROM lrs_clients WHERE id = $1 AND organisation_id = $2", {client_id, org_id}));
      if (!row) return fail(ErrorKind::NotFound, "No such client.");
      return ok();  // already revoked: idempotent
    }
    return im.audit.record(tx, event(actor, "lrs.client_revoked", org_id, client_id));
  }));
  std::lock_guard lock(im.mu);
  for (auto it = im.clients_by_key.begin(); it != im.clients_by_key.end();) {
    it = it->second.client.id == client_id ? im.clients_by_key.erase(it) : std::next(it);
  }
  return ok();
}

Result<Client> Service::authenticate(std::string_view key, std::string_view secret) {
  Impl& im = *impl_;
  auto rejected = [] { return fail(ErrorKind::Unauthenticated, "The xAPI credentials are not valid."); };
  const std::string hash = sha256_hex(secret);
  {
    std::lock_guard lock(im.mu);
    auto it = im.clients_by_key.find(std::string(key));
    if (it != im.clients_by_key.end()) {
      if (!equal_secret(it->second.secret_sha256, hash)) return rejected();
      return it->second.client;
    }
  }
  std::optional<CachedClient> found;
  TRV_TRY(im.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto row, tx.one("SELECT " + std::string(kClientColumns) + " FROM lrs_clients WHERE key = $1",
                                {std::string(key)}));
    if (row) found = CachedClient{client_from(*row), row->text(8)};
    return ok();
  }));
  if (!found || found->client.revoked_at_ms || !equal_secret(found->secret_sha256, hash)) return rejected();
  std::lock_guard lock(im.mu);
  if (im.clients_by_key.size() > 10000) im.clients_by_key.clear();
  im.clients_by_key[found->client.key] = *found;
  return found->client;
}

bj::object Service::Impl::authority_for(const std::string& client_id) {
  std::lock_guard lock(mu);
  for (const auto& [key, cached] : clients_by_key) {
    if (cached.client.id == client_id) return client_authority(cached.client);
  }
  // Authentication caches every client it lets in, so this is reached only
  // if the cache was cleared in between: name the client by its id.
  Client c;
  c.id = client_id;
  c.name = "xAPI client";
  c.key = client_id;
  return client_authority(c);
}

Result<http::Subject> Authenticator::authenticate(const http::Request& req) {
  auto header = req.header("Authorization");
  if (!header || !is_basic(*header)) return next_.authenticate(req);
  auto creds = basic_credentials(*header);
  if (!creds) return fail(ErrorKind::Unauthenticated, "The xAPI credentials are not valid.");
  TRV_ASSIGN(Client client, service_.authenticate(creds->first, creds->second));
  http::Subject s;
  s.via = http::Subject::Via::Client;
  s.client_id = client.id;
  s.organisation_id = client.organisation_id;
  s.scopes = client.scopes;
  return s;
}

}  // namespace trivium::lrs
