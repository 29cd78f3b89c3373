// Identity's SQL, in the subset common to SQLite and PostgreSQL; internal.
// Every function runs inside the caller's transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/db.h"
#include "identity/model.h"

namespace trivium::identity::detail {

// A user row with the columns only the service may see.
struct Account {
  User user;
  std::string password_hash;
};

// --- users ---
Result<std::optional<Account>> find_account_by_email(db::Tx& tx, std::string_view email_normalized);
Result<std::optional<Account>> find_account(db::Tx& tx, std::string_view user_id);
Result<std::optional<std::string>> find_user_id_by_email(db::Tx& tx, std::string_view email_normalized);
Result<std::optional<User>> find_user(db::Tx& tx, std::string_view user_id);
// Conflict (field "email", code "taken") when the address is in use.
Result<void> insert_user(db::Tx& tx, const User& u, std::string_view email_normalized, std::string_view password_hash);
Result<void> update_password(db::Tx& tx, std::string_view user_id, std::string_view hash, bool must_change,
                             int64_t now);
Result<void> update_profile(db::Tx& tx, const User& u, int64_t now);
Result<void> update_status_role(db::Tx& tx, std::string_view user_id, std::string_view status, std::string_view role,
                                int64_t now);
Result<void> mark_email_verified(db::Tx& tx, std::string_view user_id, int64_t now);
Result<bool> any_user(db::Tx& tx);
// Keyset page ordered by id; `limit + 1` rows are read to know if more follow.
Result<std::vector<User>> search_users(db::Tx& tx, std::string_view q, std::string_view after_id, int limit);

// --- sessions ---
struct SessionRow {
  std::string id;
  std::string secret_hash;
  std::string user_id;
  std::string csrf_token;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  std::string ip;
  std::string user_agent;
};
Result<void> insert_session(db::Tx& tx, const SessionRow& s);
// Revokes the user's sessions except `keep_id`; returns how many ended.
Result<int64_t> revoke_user_sessions(db::Tx& tx, std::string_view user_id, int64_t now, std::string_view keep_id = {});
// True if the session existed, belonged to the user and was active.
Result<bool> revoke_session(db::Tx& tx, std::string_view user_id, std::string_view session_id, int64_t now);
// Revokes the session whose cookie secret has this digest, if active.
Result<bool> revoke_session_by_secret(db::Tx& tx, std::string_view secret_hash, int64_t now);
// Deletes the user's sessions that ended long ago, so the table does not grow.
Result<void> purge_old_sessions(db::Tx& tx, std::string_view user_id, int64_t before);
// Active sessions (not revoked, not expired, not idle), newest first.
Result<std::vector<SessionInfo>> active_sessions(db::Tx& tx, std::string_view user_id, int64_t now, int64_t idle_ms);
Result<void> touch_session(db::Tx& tx, std::string_view session_id, int64_t now);

// --- failed logins (AUTH-07) ---
Result<void> record_login_failure(db::Tx& tx, std::string_view email_normalized, int64_t now);
// The time of the `n`-th most recent failure within the window, if there are
// at least n: when it leaves the window the account is below the limit.
Result<std::optional<int64_t>> nth_recent_failure(db::Tx& tx, std::string_view email_normalized, int64_t since, int n);
Result<void> clear_login_failures(db::Tx& tx, std::string_view email_normalized, int64_t before);

// --- single-use e-mailed tokens ---
struct OneTimeToken {
  std::string id;
  std::string purpose;  // "verify_email" | "password_reset" | "invitation"
  std::string secret_hash;
  std::string user_id;  // empty for invitations
  std::string email_normalized;
  std::string created_by;
  int64_t created_at = 0;
  int64_t expires_at = 0;
};
Result<void> insert_one_time_token(db::Tx& tx, const OneTimeToken& t);
// A usable (unused, unexpired) token of this purpose, if any.
Result<std::optional<OneTimeToken>> find_one_time_token(db::Tx& tx, std::string_view purpose,
                                                        std::string_view secret_hash, int64_t now);
// Marks it used; false if it was not usable any more (another request won).
Result<bool> consume_one_time_token(db::Tx& tx, std::string_view id, int64_t now);
// Marks every unused token of that purpose for the user as used (a reset
// voids the other reset links still sitting in the mailbox: AUTH-11).
Result<void> void_outstanding_tokens(db::Tx& tx, std::string_view purpose, std::string_view user_id, int64_t now);
Result<int64_t> count_recent_tokens(db::Tx& tx, std::string_view purpose, std::string_view email_normalized,
                                    int64_t since);

// --- API tokens ---
Result<void> insert_api_token(db::Tx& tx, std::string_view user_id, const ApiToken& t, std::string_view secret_hash);
Result<std::vector<ApiToken>> active_api_tokens(db::Tx& tx, std::string_view user_id, int64_t now);
Result<bool> revoke_api_token(db::Tx& tx, std::string_view user_id, std::string_view token_id, int64_t now);
Result<void> touch_api_token(db::Tx& tx, std::string_view token_id, int64_t now);

// --- platform settings ---
Result<std::optional<std::string>> get_platform_setting(db::Tx& tx, std::string_view key);
Result<void> put_platform_setting(db::Tx& tx, std::string_view key, std::string_view value, int64_t now);

}  // namespace trivium::identity::detail
