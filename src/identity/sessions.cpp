// Signing in and out, password changes, and the user's own sessions.
//
// Per-account throttling (AUTH-07): every failed login for an e-mail address
// is recorded for an hour. Once `login_failures_per_hour` failures are in
// the last hour, every login for that address answers RateLimited — even
// with the right password — until the oldest of them leaves the window.
// Attempts refused this way are not recorded, so an attacker cannot extend
// the lockout beyond an hour after they stop, and the owner can always get
// back in at once through a password reset, which clears the count.
#include <spdlog/spdlog.h>

#include "core/ids.h"
#include "identity/cache.h"
#include "identity/identity.h"
#include "identity/internal.h"
#include "identity/passwords.h"
#include "identity/queries.h"
#include "identity/validate.h"

namespace trivium::identity {

using namespace detail;

namespace {

constexpr std::string_view kBadLogin = "Incorrect e-mail address or password.";
// Ended sessions are kept this long for the user's own history, then deleted.
constexpr int64_t kKeepEndedSessionsMs = 30 * kDayMs;

}  // namespace

Result<void> Service::check_throttle(const std::string& email_normalized, int64_t now) {
  std::optional<int64_t> nth;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(nth, nth_recent_failure(tx, email_normalized, now - kHourMs, settings_.login_failures_per_hour));
    return ok();
  }));
  if (!nth) return ok();
  Error e{ErrorKind::RateLimited, "Too many failed sign-in attempts for this account; try later.", {}, 0};
  int64_t wait_ms = *nth + kHourMs - now;
  e.retry_after_s = static_cast<int>(std::max<int64_t>(1, (wait_ms + 999) / 1000));
  return fail(std::move(e));
}

Result<void> Service::record_failure(const std::string& email_normalized, const std::string& user_id,
                                     const RequestInfo& info, std::string_view action) {
  int64_t now = clock_.now_ms();
  return store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(record_login_failure(tx, email_normalized, now));
    // Failures older than the window no longer count: drop them (all
    // accounts at once, through the index on `at`).
    TRV_TRY(tx.exec("DELETE FROM login_failures WHERE at <= $1", {now - kHourMs}));
    return record(tx, make_event(info, std::string(action), user_id.empty() ? "" : "user", user_id,
                                 json_detail({{"email", email_normalized}})));
  });
}

Result<Account> Service::check_credentials(std::string_view email, std::string_view password, const RequestInfo& info) {
  auto email_normalized = normalize_email(email);
  if (!email_normalized) {
    verify_password(dummy_hash_, password);
    return fail(ErrorKind::Unauthenticated, std::string(kBadLogin));
  }
  TRV_TRY(check_throttle(*email_normalized, clock_.now_ms()));
  std::optional<Account> account;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(account, find_account_by_email(tx, *email_normalized));
    return ok();
  }));
  // Unknown e-mails still pay for one Argon2 verification, so the answer
  // time does not tell whether the account exists.
  bool good =
      account ? verify_password(account->password_hash, password) : (verify_password(dummy_hash_, password), false);
  if (!good) {
    TRV_TRY(record_failure(*email_normalized, account ? account->user.id : "", info, "auth.login_failed"));
    return fail(ErrorKind::Unauthenticated, std::string(kBadLogin));
  }
  if (!account->user.active()) return fail(ErrorKind::Forbidden, "This account is suspended.");
  return std::move(*account);
}

Result<LoginResult> Service::login(std::string_view email, std::string_view password, const RequestInfo& info,
                                   std::string_view previous_secret) {
  TRV_ASSIGN(Account account, check_credentials(email, password, info));
  std::optional<std::string> rehashed;
  if (needs_rehash(account.password_hash, {settings_.argon2_memory_kib, settings_.argon2_passes})) {
    TRV_ASSIGN(rehashed, hash(password));
  }
  const User& user = account.user;
  int64_t now = clock_.now_ms();
  NewSession session{new_id(), random_token(32), random_token(32), now,
                     now + settings_.session_absolute_hours * kHourMs};
  std::string previous_hash = previous_secret.empty() ? "" : sha256_hex(previous_secret);
  std::vector<std::string> evicted;
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    evicted.clear();
    if (rehashed) TRV_TRY(update_password(tx, user.id, *rehashed, user.must_change_password, now));
    // The cookie sent with the login is replaced, never reused (SESS-02).
    if (!previous_hash.empty()) TRV_TRY(revoke_session_by_secret(tx, previous_hash, now));
    TRV_TRY(insert_session(tx, {session.id, sha256_hex(session.secret), user.id, session.csrf_token, now,
                                session.expires_at, info.ip, info.user_agent}));
    // At most max_sessions_per_user at once: the oldest make way (SESS-08).
    TRV_ASSIGN(auto active, active_sessions(tx, user.id, now, idle_ms()));
    for (size_t i = static_cast<size_t>(settings_.max_sessions_per_user); i < active.size(); ++i) {
      TRV_TRY(detail::revoke_session(tx, user.id, active[i].id, now));
      evicted.push_back(active[i].id);
    }
    TRV_TRY(purge_old_sessions(tx, user.id, now - kKeepEndedSessionsMs));
    RequestInfo as_user = info;
    as_user.actor_id = user.id;
    return record(tx, make_event(as_user, "auth.login", "user", user.id, json_detail({{"session_id", session.id}})));
  }));
  if (!previous_hash.empty()) {
    caches_->credentials.erase_if(
        [&](const std::string& key, const CachedCredential&) { return key == previous_hash; });
  }
  for (const auto& id : evicted) forget_session(id);
  return LoginResult{std::move(account.user), std::move(session)};
}

Result<void> Service::logout(const std::string& session_id, const RequestInfo& info) {
  if (session_id.empty()) return ok();
  int64_t now = clock_.now_ms();
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(bool ended, detail::revoke_session(tx, info.actor_id, session_id, now));
    if (!ended) return ok();
    return record(tx, make_event(info, "auth.logout", "session", session_id));
  }));
  forget_session(session_id);
  return ok();
}

void Service::forget_session(const std::string& session_id) {
  caches_->credentials.erase_if(
      [&](const std::string&, const CachedCredential& c) { return c.subject.session_id == session_id; });
}

Result<void> Service::change_password(const std::string& user_id, std::string_view current, std::string_view next,
                                      const RequestInfo& info) {
  std::optional<Account> account;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(account, find_account(tx, user_id));
    return ok();
  }));
  if (!account) return fail(ErrorKind::NotFound, "No such user.");
  std::string email_normalized = *normalize_email(account->user.email);
  // Guessing the current password from a stolen session counts against the
  // same per-account limit as guessing it at the login form (AUTH-08).
  TRV_TRY(check_throttle(email_normalized, clock_.now_ms()));
  if (!verify_password(account->password_hash, current)) {
    TRV_TRY(record_failure(email_normalized, user_id, info, "auth.password_change_failed"));
    return invalid("current_password", "incorrect", "The current password is incorrect.");
  }
  TRV_TRY(check_password_policy(next, account->user.email, "new_password"));
  TRV_ASSIGN(std::string new_hash, hash(next));
  int64_t now = clock_.now_ms();
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(update_password(tx, user_id, new_hash, false, now));
    // Everyone else holding a session for this account is signed out (SESS-06).
    TRV_TRY(revoke_user_sessions(tx, user_id, now, info.session_id));
    return record(tx, make_event(info, "auth.password_changed", "user", user_id));
  }));
  forget(user_id);
  return ok();
}

Result<std::vector<SessionInfo>> Service::list_sessions(const std::string& user_id) {
  std::vector<SessionInfo> out;
  int64_t now = clock_.now_ms();
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(out, active_sessions(tx, user_id, now, idle_ms()));
    return ok();
  }));
  return out;
}

Result<void> Service::revoke_session(const std::string& user_id, const std::string& session_id,
                                     const RequestInfo& info) {
  int64_t now = clock_.now_ms();
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(bool ended, detail::revoke_session(tx, user_id, session_id, now));
    if (!ended) return fail(ErrorKind::NotFound, "No such session.");
    return record(tx, make_event(info, "session.revoked", "session", session_id));
  }));
  forget_session(session_id);
  return ok();
}

}  // namespace trivium::identity
