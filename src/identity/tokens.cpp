// Personal API tokens: "trv_" + 256 random bits, shown once at creation and
// stored only as a SHA-256 digest; revocable and optionally expiring.
#include "core/ids.h"
#include "identity/cache.h"
#include "identity/identity.h"
#include "identity/internal.h"
#include "identity/queries.h"
#include "identity/validate.h"

namespace trivium::identity {

using namespace detail;

Result<NewApiToken> Service::create_token(const std::string& user_id, const std::string& name,
                                          std::optional<int> expires_in_days, const RequestInfo& info) {
  FieldErrors errors;
  errors.check(check_display_name(name, "name"));
  if (expires_in_days && (*expires_in_days < 1 || *expires_in_days > 3650)) {
    errors.check(invalid("expires_in_days", "range", "Between 1 and 3650 days."));
  }
  TRV_TRY(errors.finish());
  int64_t now = clock_.now_ms();
  NewApiToken out;
  out.secret = std::string(kTokenPrefix) + random_token(32);
  out.token.id = new_id();
  out.token.name = name;
  out.token.created_at = now;
  if (expires_in_days) out.token.expires_at = now + *expires_in_days * kDayMs;
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto existing, active_api_tokens(tx, user_id, now));
    if (static_cast<int>(existing.size()) >= settings_.max_tokens_per_user) {
      return fail(ErrorKind::Conflict, "Too many API tokens; revoke one first.");
    }
    TRV_TRY(insert_api_token(tx, user_id, out.token, sha256_hex(out.secret)));
    return record(tx, make_event(info, "token.created", "token", out.token.id, json_detail({{"name", name}})));
  }));
  return out;
}

Result<std::vector<ApiToken>> Service::list_tokens(const std::string& user_id) {
  std::vector<ApiToken> out;
  int64_t now = clock_.now_ms();
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(out, active_api_tokens(tx, user_id, now));
    return ok();
  }));
  return out;
}

Result<void> Service::revoke_token(const std::string& user_id, const std::string& token_id, const RequestInfo& info) {
  int64_t now = clock_.now_ms();
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(bool revoked, revoke_api_token(tx, user_id, token_id, now));
    if (!revoked) return fail(ErrorKind::NotFound, "No such token.");
    return record(tx, make_event(info, "token.revoked", "token", token_id));
  }));
  caches_->credentials.erase_if(
      [&](const std::string&, const CachedCredential& c) { return c.subject.token_id == token_id; });
  return ok();
}

}  // namespace trivium::identity
