// Identity's SQL. Parameters are never reused within a statement ($1, $2, ...
// each appear once) so the text works with any placeholder rewriting.
#include "identity/queries.h"

namespace trivium::identity::detail {
namespace {

constexpr std::string_view kUserColumns =
    "id, email, display_name, locale, time_zone, status, platform_role, email_verified_at,"
    " must_change_password, created_at, updated_at, password_hash";

Account account_from(const db::Row& r) {
  Account a;
  User& u = a.user;
  u.id = r.text(0);
  u.email = r.text(1);
  u.display_name = r.text(2);
  u.locale = r.text(3);
  u.time_zone = r.text(4);
  u.status = r.text(5);
  u.platform_role = r.text(6);
  u.email_verified_at = r.opt_i64(7);
  u.must_change_password = r.boolean(8);
  u.created_at = r.i64(9);
  u.updated_at = r.i64(10);
  a.password_hash = r.text(11);
  return a;
}

std::string select_users(std::string_view where) {
  std::string sql = "SELECT ";
  sql += kUserColumns;
  sql += " FROM users WHERE ";
  sql += where;
  return sql;
}

Result<std::optional<Account>> one_account(db::Tx& tx, const std::string& sql, std::string_view key) {
  TRV_ASSIGN(auto row, tx.one(sql, {key}));
  if (!row) return std::optional<Account>{};
  return std::optional<Account>(account_from(*row));
}

// Escapes LIKE wildcards so a search for "a_b" matches only that text.
std::string like_pattern(std::string_view q) {
  std::string out = "%";
  for (char c : q) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  out += '%';
  return out;
}

}  // namespace

Result<std::optional<Account>> find_account_by_email(db::Tx& tx, std::string_view email_normalized) {
  static const std::string sql = select_users("email_normalized = $1");
  return one_account(tx, sql, email_normalized);
}

Result<std::optional<Account>> find_account(db::Tx& tx, std::string_view user_id) {
  static const std::string sql = select_users("id = $1");
  return one_account(tx, sql, user_id);
}

Result<std::optional<User>> find_user(db::Tx& tx, std::string_view user_id) {
  TRV_ASSIGN(auto a, find_account(tx, user_id));
  if (!a) return std::optional<User>{};
  return std::optional<User>(std::move(a->user));
}

Result<std::optional<std::string>> find_user_id_by_email(db::Tx& tx, std::string_view email_normalized) {
  TRV_ASSIGN(auto row, tx.one("SELECT id FROM users WHERE email_normalized = $1", {email_normalized}));
  if (!row) return std::optional<std::string>{};
  return std::optional<std::string>(row->text(0));
}

Result<void> insert_user(db::Tx& tx, const User& u, std::string_view email_normalized, std::string_view password_hash) {
  auto r = tx.exec(
      "INSERT INTO users (id, email, email_normalized, display_name, locale, time_zone, status,"
      " platform_role, email_verified_at, must_change_password, password_hash, created_at,"
      " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
      {u.id, u.email, email_normalized, u.display_name, u.locale, u.time_zone, u.status, u.platform_role,
       u.email_verified_at, u.must_change_password, password_hash, u.created_at, u.updated_at});
  if (!r) {
    if (db::is_unique_violation(r.error())) {
      Error e{ErrorKind::Conflict, "An account with this e-mail address already exists.", {}, 0};
      e.fields.push_back({"email", "taken", "An account with this e-mail address already exists."});
      return fail(std::move(e));
    }
    return r.failure();
  }
  return ok();
}

Result<void> update_password(db::Tx& tx, std::string_view user_id, std::string_view hash, bool must_change,
                             int64_t now) {
  TRV_TRY(
      tx.exec("UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3"
              " WHERE id = $4",
              {hash, must_change, now, user_id}));
  return ok();
}

Result<void> update_profile(db::Tx& tx, const User& u, int64_t now) {
  TRV_TRY(
      tx.exec("UPDATE users SET display_name = $1, locale = $2, time_zone = $3, updated_at = $4"
              " WHERE id = $5",
              {u.display_name, u.locale, u.time_zone, now, u.id}));
  return ok();
}

Result<void> update_status_role(db::Tx& tx, std::string_view user_id, std::string_view status, std::string_view role,
                                int64_t now) {
  TRV_TRY(tx.exec("UPDATE users SET status = $1, platform_role = $2, updated_at = $3 WHERE id = $4",
                  {status, role, now, user_id}));
  return ok();
}

Result<void> mark_email_verified(db::Tx& tx, std::string_view user_id, int64_t now) {
  TRV_TRY(
      tx.exec("UPDATE users SET email_verified_at = $1, updated_at = $2"
              " WHERE id = $3 AND email_verified_at IS NULL",
              {now, now, user_id}));
  return ok();
}

Result<bool> any_user(db::Tx& tx) {
  TRV_ASSIGN(auto row, tx.one("SELECT id FROM users LIMIT 1"));
  return row.has_value();
}

Result<std::vector<User>> search_users(db::Tx& tx, std::string_view q, std::string_view after_id, int limit) {
  static const std::string sql = select_users(
                                     "id > $1 AND ($2 = '' OR email_normalized LIKE $3 ESCAPE '\\'"
                                     " OR LOWER(display_name) LIKE $4 ESCAPE '\\')") +
                                 " ORDER BY id LIMIT $5";
  std::string pattern = like_pattern(q);
  TRV_ASSIGN(auto rows, tx.query(sql, {after_id, q, pattern, pattern, limit + 1}));
  std::vector<User> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(account_from(r).user);
  return out;
}

Result<void> insert_session(db::Tx& tx, const SessionRow& s) {
  TRV_TRY(tx.exec(
      "INSERT INTO sessions (id, secret_hash, user_id, csrf_token, created_at, last_seen_at,"
      " expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      {s.id, s.secret_hash, s.user_id, s.csrf_token, s.created_at, s.created_at, s.expires_at, s.ip, s.user_agent}));
  return ok();
}

Result<int64_t> revoke_user_sessions(db::Tx& tx, std::string_view user_id, int64_t now, std::string_view keep_id) {
  return tx.exec("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND id <> $3",
                 {now, user_id, keep_id});
}

Result<bool> revoke_session(db::Tx& tx, std::string_view user_id, std::string_view session_id, int64_t now) {
  TRV_ASSIGN(int64_t n,
             tx.exec("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
                     {now, session_id, user_id}));
  return n > 0;
}

Result<bool> revoke_session_by_secret(db::Tx& tx, std::string_view secret_hash, int64_t now) {
  TRV_ASSIGN(int64_t n, tx.exec("UPDATE sessions SET revoked_at = $1 WHERE secret_hash = $2 AND revoked_at IS NULL",
                                {now, secret_hash}));
  return n > 0;
}

Result<void> purge_old_sessions(db::Tx& tx, std::string_view user_id, int64_t before) {
  TRV_TRY(tx.exec("DELETE FROM sessions WHERE user_id = $1 AND expires_at < $2", {user_id, before}));
  return ok();
}

Result<std::vector<SessionInfo>> active_sessions(db::Tx& tx, std::string_view user_id, int64_t now, int64_t idle_ms) {
  TRV_ASSIGN(auto rows, tx.query("SELECT id, created_at, last_seen_at, expires_at, ip, user_agent FROM sessions"
                                 " WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_seen_at > $3"
                                 " ORDER BY created_at DESC, id DESC",
                                 {user_id, now, now - idle_ms}));
  std::vector<SessionInfo> out;
  for (const auto& r : rows) {
    out.push_back({r.text(0), r.i64(1), r.i64(2), r.i64(3), r.text(4), r.text(5)});
  }
  return out;
}

Result<void> touch_session(db::Tx& tx, std::string_view session_id, int64_t now) {
  TRV_TRY(tx.exec("UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $3", {now, session_id, now}));
  return ok();
}

Result<void> record_login_failure(db::Tx& tx, std::string_view email_normalized, int64_t now) {
  TRV_TRY(tx.exec("INSERT INTO login_failures (email_normalized, at) VALUES ($1, $2)", {email_normalized, now}));
  return ok();
}

Result<std::optional<int64_t>> nth_recent_failure(db::Tx& tx, std::string_view email_normalized, int64_t since, int n) {
  TRV_ASSIGN(auto row, tx.one("SELECT at FROM login_failures WHERE email_normalized = $1 AND at > $2"
                              " ORDER BY at DESC LIMIT 1 OFFSET $3",
                              {email_normalized, since, n - 1}));
  if (!row) return std::optional<int64_t>{};
  return std::optional<int64_t>(row->i64(0));
}

Result<void> clear_login_failures(db::Tx& tx, std::string_view email_normalized, int64_t before) {
  TRV_TRY(tx.exec("DELETE FROM login_failures WHERE email_normalized = $1 AND at <= $2", {email_normalized, before}));
  return ok();
}

Result<void> insert_one_time_token(db::Tx& tx, const OneTimeToken& t) {
  TRV_TRY(
      tx.exec("INSERT INTO user_tokens (id, purpose, secret_hash, user_id, email_normalized, created_by,"
              " created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
              {t.id, t.purpose, t.secret_hash, t.user_id.empty() ? db::Param(nullptr) : db::Param(t.user_id),
               t.email_normalized, t.created_by, t.created_at, t.expires_at}));
  return ok();
}

Result<std::optional<OneTimeToken>> find_one_time_token(db::Tx& tx, std::string_view purpose,
                                                        std::string_view secret_hash, int64_t now) {
  TRV_ASSIGN(auto row, tx.one("SELECT id, purpose, secret_hash, user_id, email_normalized, created_by, created_at,"
                              " expires_at FROM user_tokens"
                              " WHERE secret_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
                              {secret_hash, purpose, now}));
  if (!row) return std::optional<OneTimeToken>{};
  const auto& r = *row;
  return std::optional<OneTimeToken>(
      OneTimeToken{r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.i64(6), r.i64(7)});
}

Result<bool> consume_one_time_token(db::Tx& tx, std::string_view id, int64_t now) {
  TRV_ASSIGN(int64_t n,
             tx.exec("UPDATE user_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $3",
                     {now, id, now}));
  return n == 1;
}

Result<void> void_outstanding_tokens(db::Tx& tx, std::string_view purpose, std::string_view user_id, int64_t now) {
  TRV_TRY(tx.exec("UPDATE user_tokens SET used_at = $1 WHERE purpose = $2 AND user_id = $3 AND used_at IS NULL",
                  {now, purpose, user_id}));
  return ok();
}

Result<int64_t> count_recent_tokens(db::Tx& tx, std::string_view purpose, std::string_view email_normalized,
                                    int64_t since) {
  TRV_ASSIGN(auto row, tx.one("SELECT COUNT(*) FROM user_tokens WHERE purpose = $1 AND email_normalized = $2"
                              " AND created_at > $3",
                              {purpose, email_normalized, since}));
  return row ? row->i64(0) : 0;
}

Result<void> insert_api_token(db::Tx& tx, std::string_view user_id, const ApiToken& t, std::string_view secret_hash) {
  TRV_TRY(
      tx.exec("INSERT INTO api_tokens (id, user_id, name, secret_hash, created_at, expires_at)"
              " VALUES ($1, $2, $3, $4, $5, $6)",
              {t.id, user_id, t.name, secret_hash, t.created_at, t.expires_at}));
  return ok();
}

Result<std::vector<ApiToken>> active_api_tokens(db::Tx& tx, std::string_view user_id, int64_t now) {
  TRV_ASSIGN(auto rows,
             tx.query("SELECT id, name, created_at, expires_at, last_used_at FROM api_tokens"
                      " WHERE user_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)"
                      " ORDER BY created_at DESC, id DESC",
                      {user_id, now}));
  std::vector<ApiToken> out;
  for (const auto& r : rows) {
    out.push_back({r.text(0), r.text(1), r.i64(2), r.opt_i64(3), r.opt_i64(4)});
  }
  return out;
}

Result<bool> revoke_api_token(db::Tx& tx, std::string_view user_id, std::string_view token_id, int64_t now) {
  TRV_ASSIGN(int64_t n,
             tx.exec("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
                     {now, token_id, user_id}));
  return n > 0;
}

Result<void> touch_api_token(db::Tx& tx, std::string_view token_id, int64_t now) {
  TRV_TRY(tx.exec("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", {now, token_id}));
  return ok();
}

Result<std::optional<std::string>> get_platform_setting(db::Tx& tx, std::string_view key) {
  TRV_ASSIGN(auto row, tx.one("SELECT value FROM platform_settings WHERE key = $1", {key}));
  if (!row) return std::optional<std::string>{};
  return std::optional<std::string>(row->text(0));
}

Result<void> put_platform_setting(db::Tx& tx, std::string_view key, std::string_view value, int64_t now) {
  TRV_TRY(
      tx.exec("INSERT INTO platform_settings (key, value, updated_at) VALUES ($1, $2, $3)"
              " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
              {key, value, now}));
  return ok();
}

}  // namespace trivium::identity::detail
