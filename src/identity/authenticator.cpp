// Authentication of every request: the hot path.
//
// A hit in the cache costs one SHA-256 of the secret and one short critical
// section on one of 16 shards; the store is read when an entry is older than
// cache_ttl_ms and written only when the last-seen time advanced by more than
// last_seen_write_ms (at most once a minute per session).
#include <spdlog/spdlog.h>

#include <limits>

#include "core/ids.h"
#include "identity/cache.h"
#include "identity/identity.h"
#include "identity/internal.h"
#include "identity/queries.h"

namespace trivium::identity {

using namespace detail;
using http::Subject;

namespace {

// Cookie secrets are 43 characters; anything much longer is not one of ours
// and is not worth hashing.
constexpr size_t kMaxSecret = 128;

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char a = s[i], b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

enum class Found { Miss, Valid, Gone };

struct Lookup {
  Found found = Found::Miss;
  Subject subject;
  bool persist = false;    // the caller should write the last-seen time
  int64_t prior_seen = 0;  // from a stale entry, so the idle clock is not reset
  int64_t prior_persisted = 0;
};

// The cached answer for `key`, if fresh; records the use on a hit.
Lookup from_cache(ShardedMap<CachedCredential>& cache, const std::string& key, Subject::Via via, int64_t now,
                  int64_t ttl_ms, int64_t persist_every_ms) {
  return cache.with(key, [&](CachedCredential* c, bool& drop) {
    Lookup out;
    if (!c || c->subject.via != via) return out;
    if (now >= c->expires_at || (c->idle_ms > 0 && now >= c->last_seen_at + c->idle_ms)) {
      drop = true;
      out.found = Found::Gone;
      return out;
    }
    if (now - c->cached_at >= ttl_ms) {
      out.prior_seen = c->last_seen_at;
      out.prior_persisted = c->persisted_seen_at;
      return out;
    }
    c->last_seen_at = std::max(c->last_seen_at, now);
    if (now - c->persisted_seen_at >= persist_every_ms) {
      // Claimed under the lock: one request writes, the others do not.
      c->persisted_seen_at = now;
      out.persist = true;
    }
    out.found = Found::Valid;
    out.subject = c->subject;
    return out;
  });
}

}  // namespace

Result<Subject> Authenticator::authenticate(const http::Request& req) {
  if (auto auth = req.header("Authorization")) {
    if (iequals_prefix(*auth, "Bearer ")) return by_token(trim(auth->substr(7)));
  }
  std::optional<std::string_view> cookie = req.cookie(kSecureSessionCookie);
  if (!cookie || cookie->empty()) cookie = req.cookie(kSessionCookie);
  if (!cookie || cookie->empty()) return Subject{};
  return by_cookie(*cookie);
}

Result<Subject> Authenticator::by_cookie(std::string_view secret) {
  if (secret.size() > kMaxSecret) return Subject{};
  Service& s = service_;
  const Settings& cfg = s.settings_;
  std::string key = sha256_hex(secret);
  int64_t now = s.clock_.now_ms();
  Lookup hit =
      from_cache(s.caches_->credentials, key, Subject::Via::Cookie, now, cfg.cache_ttl_ms, cfg.last_seen_write_ms);
  if (hit.found == Found::Gone) return Subject{};
  if (hit.found == Found::Miss) {
    uint64_t epoch = s.caches_->credentials.epoch();
    std::optional<db::Row> row;
    TRV_TRY(s.store_.read([&](db::Tx& tx) -> Result<void> {
      TRV_ASSIGN(row, tx.one("SELECT s.id, s.user_id, s.csrf_token, s.expires_at, s.last_seen_at, s.revoked_at,"
                             " u.status, u.platform_role FROM sessions s JOIN users u ON u.id = s.user_id"
                             " WHERE s.secret_hash = $1",
                             {key}));
      return ok();
    }));
    CachedCredential c;
    if (row) {
      c.expires_at = row->i64(3);
      c.idle_ms = s.idle_ms();
      c.last_seen_at = std::max(row->i64(4), hit.prior_seen);
      c.persisted_seen_at = std::max(row->i64(4), hit.prior_persisted);
    }
    // Unknown, revoked, expired, idle too long, or the user was suspended:
    // the request goes on as anonymous (routes that need a user answer 401).
    if (!row || !row->is_null(5) || now >= c.expires_at || now >= c.last_seen_at + c.idle_ms ||
        row->text(6) != "active") {
      s.caches_->credentials.erase(key);
      return Subject{};
    }
    c.subject.via = Subject::Via::Cookie;
    c.subject.session_id = row->text(0);
    c.subject.user_id = row->text(1);
    c.subject.csrf_token = row->text(2);
    c.subject.platform_admin = row->text(7) == "admin";
    c.last_seen_at = now;
    c.cached_at = now;
    hit.persist = now - c.persisted_seen_at >= cfg.last_seen_write_ms;
    if (hit.persist) c.persisted_seen_at = now;
    hit.subject = c.subject;
    s.caches_->credentials.put(key, std::move(c), epoch);
  }
  if (hit.persist) {
    auto w = s.store_.write([&](db::Tx& tx) { return touch_session(tx, hit.subject.session_id, now); });
    if (!w) spdlog::warn("could not record session activity: {}", w.error().detail);
  }
  return std::move(hit.subject);
}

Result<Subject> Authenticator::by_token(std::string_view token) {
  auto rejected = [] { return fail(ErrorKind::Unauthenticated, "The API token is not valid."); };
  if (token.size() > kMaxSecret || token.rfind(kTokenPrefix, 0) != 0) return rejected();
  Service& s = service_;
  const Settings& cfg = s.settings_;
  std::string key = sha256_hex(token);
  int64_t now = s.clock_.now_ms();
  Lookup hit =
      from_cache(s.caches_->credentials, key, Subject::Via::Bearer, now, cfg.cache_ttl_ms, cfg.last_seen_write_ms);
  if (hit.found == Found::Gone) return rejected();
  if (hit.found == Found::Miss) {
    uint64_t epoch = s.caches_->credentials.epoch();
    std::optional<db::Row> row;
    TRV_TRY(s.store_.read([&](db::Tx& tx) -> Result<void> {
      TRV_ASSIGN(row, tx.one("SELECT t.id, t.user_id, t.expires_at, t.last_used_at, t.revoked_at, u.status,"
                             " u.platform_role FROM api_tokens t JOIN users u ON u.id = t.user_id"
                             " WHERE t.secret_hash = $1",
                             {key}));
      return ok();
    }));
    CachedCredential c;
    if (row) {
      c.expires_at = row->opt_i64(2).value_or(std::numeric_limits<int64_t>::max());
      c.persisted_seen_at = std::max(row->i64(3), hit.prior_persisted);
    }
    if (!row || !row->is_null(4) || now >= c.expires_at || row->text(5) != "active") {
      s.caches_->credentials.erase(key);
      return rejected();
    }
    c.subject.via = Subject::Via::Bearer;
    c.subject.token_id = row->text(0);
    c.subject.user_id = row->text(1);
    c.subject.platform_admin = row->text(6) == "admin";
    c.last_seen_at = now;
    c.cached_at = now;
    hit.persist = now - c.persisted_seen_at >= cfg.last_seen_write_ms;
    if (hit.persist) c.persisted_seen_at = now;
    hit.subject = c.subject;
    s.caches_->credentials.put(key, std::move(c), epoch);
  }
  if (hit.persist) {
    auto w = s.store_.write([&](db::Tx& tx) { return touch_api_token(tx, hit.subject.token_id, now); });
    if (!w) spdlog::warn("could not record token use: {}", w.error().detail);
  }
  return std::move(hit.subject);
}

}  // namespace trivium::identity
