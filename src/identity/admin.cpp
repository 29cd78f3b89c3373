// Platform administration of accounts and settings, the first-start
// administrator and the command-line helpers.
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

// Random passwords handed to an operator: 144 bits, base64url.
std::string random_password() {
  return random_token(18);
}

Result<void> check_role(std::string_view role) {
  if (role.empty() || role == "admin") return ok();
  return invalid("platform_role", "one_of", "The platform role must be \"\" or \"admin\".");
}

}  // namespace

Result<UserPage> Service::list_users(const UserQuery& q) {
  if (q.limit < 1 || q.limit > 100) return invalid("limit", "range", "Between 1 and 100.");
  if (q.q.size() > 200) return invalid("q", "too_long", "At most 200 characters.");
  UserPage page;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(page.items, search_users(tx, q.q, q.cursor, q.limit));
    return ok();
  }));
  if (static_cast<int>(page.items.size()) > q.limit) {
    page.items.resize(static_cast<size_t>(q.limit));
    page.next_cursor = page.items.back().id;
  }
  return page;
}

Result<User> Service::get_user(const std::string& user_id) {
  std::optional<User> u;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(u, find_user(tx, user_id));
    return ok();
  }));
  if (!u) return fail(ErrorKind::NotFound, "No such user.");
  return std::move(*u);
}

Result<std::vector<User>> Service::get_users(const std::vector<std::string>& user_ids) {
  std::vector<User> out;
  out.reserve(user_ids.size());
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    for (const std::string& id : user_ids) {
      TRV_ASSIGN(auto u, find_user(tx, id));
      if (u) out.push_back(std::move(*u));
    }
    return ok();
  }));
  return out;
}

Result<std::optional<std::string>> Service::user_id_by_email(const std::string& email) {
  auto email_normalized = normalize_email(email);
  if (!email_normalized) return std::optional<std::string>{};
  std::optional<std::string> id;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto account, find_account_by_email(tx, *email_normalized));
    if (account) id = account->user.id;
    return ok();
  }));
  return id;
}

Result<User> Service::create_user(const NewUser& n, const RequestInfo& info) {
  FieldErrors errors;
  auto email = normalize_email(n.email);
  errors.check(email ? ok() : Result<void>(email.failure()));
  errors.check(check_display_name(n.display_name));
  errors.check(check_role(n.platform_role));
  errors.check(check_locale(n.locale));
  if (email && n.password) errors.check(check_password_policy(*n.password, *email));
  TRV_TRY(errors.finish());
  // A password chosen by an administrator is known to them: the user must
  // replace it. Without one, the user gets a link to choose their own.
  std::string password_hash;
  if (n.password) {
    TRV_ASSIGN(password_hash, hash(*n.password));
  }
  int64_t now = clock_.now_ms();
  User u;
  u.id = new_id();
  u.email = n.email;
  u.display_name = n.display_name;
  u.locale = n.locale;
  u.platform_role = n.platform_role;
  u.must_change_password = n.password.has_value();
  u.created_at = u.updated_at = now;
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(insert_user(tx, u, *email, password_hash));
    if (!n.password) {
      TRV_ASSIGN(std::string secret, add_one_time_token(tx, now, kPasswordReset, u.id, *email,
                                                        settings_.verification_token_hours * kHourMs, info.actor_id));
      TRV_TRY(outbox_.enqueue(
          tx, welcome_mail(u, link("/reset-password", "token=" + secret), settings_.verification_token_hours)));
    }
    return record(tx,
                  make_event(info, "user.created", "user", u.id, json_detail({{"platform_role", u.platform_role}})));
  }));
  outbox_.wake();
  return u;
}

Result<User> Service::change_user(const std::string& user_id, const UserChange& change, const RequestInfo& info) {
  FieldErrors errors;
  if (change.status && *change.status != "active" && *change.status != "suspended") {
    errors.check(invalid("status", "one_of", "The status must be \"active\" or \"suspended\"."));
  }
  if (change.platform_role) errors.check(check_role(*change.platform_role));
  TRV_TRY(errors.finish());
  // Guards against locking the platform out of its own administration.
  if (user_id == info.actor_id &&
      ((change.status && *change.status != "active") || (change.platform_role && *change.platform_role != "admin"))) {
    return fail(ErrorKind::Conflict, "You cannot suspend or demote your own account.");
  }
  int64_t now = clock_.now_ms();
  std::optional<User> u;
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(u, find_user(tx, user_id));
    if (!u) return fail(ErrorKind::NotFound, "No such user.");
    std::string status = change.status.value_or(u->status);
    std::string role = change.platform_role.value_or(u->platform_role);
    TRV_TRY(update_status_role(tx, user_id, status, role, now));
    if (status != u->status) {
      // A suspended user is signed out everywhere at once (SESS-05).
      if (status == "suspended") TRV_TRY(revoke_user_sessions(tx, user_id, now));
      TRV_TRY(
          record(tx, make_event(info, status == "suspended" ? "user.suspended" : "user.reactivated", "user", user_id)));
    }
    if (role != u->platform_role) {
      TRV_TRY(record(tx, make_event(info, "user.role_changed", "user", user_id,
                                    json_detail({{"from", u->platform_role}, {"to", role}}))));
    }
    u->status = status;
    u->platform_role = role;
    u->updated_at = now;
    return ok();
  }));
  forget(user_id);
  return std::move(*u);
}

Result<PlatformSettings> Service::platform_settings() {
  TRV_ASSIGN(std::string policy, registration_policy());
  return PlatformSettings{policy};
}

Result<PlatformSettings> Service::update_platform_settings(const PlatformSettings& s, const RequestInfo& info) {
  if (s.registration != "open" && s.registration != "invitation" && s.registration != "closed") {
    return invalid("registration", "one_of", "The registration policy must be open, invitation or closed.");
  }
  int64_t now = clock_.now_ms();
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(put_platform_setting(tx, "registration", s.registration, now));
    return record(
        tx, make_event(info, "settings.changed", "platform", "", json_detail({{"registration", s.registration}})));
  }));
  return s;
}

Result<std::optional<BootstrapAdmin>> Service::bootstrap_admin(const std::string& email) {
  bool exists = false;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(exists, any_user(tx));
    return ok();
  }));
  if (exists) return std::optional<BootstrapAdmin>{};
  TRV_ASSIGN(std::string email_normalized, normalize_email(email));
  BootstrapAdmin out;
  out.password = random_password();
  TRV_ASSIGN(std::string password_hash, hash(out.password));
  int64_t now = clock_.now_ms();
  User& u = out.user;
  u.id = new_id();
  u.email = email;
  u.display_name = "Administrator";
  u.platform_role = "admin";
  u.email_verified_at = now;
  u.must_change_password = true;
  u.created_at = u.updated_at = now;
  bool created = false;
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    // Checked again inside the write: two processes starting together make
    // one administrator, not two.
    TRV_ASSIGN(bool any, any_user(tx));
    if (any) return ok();
    TRV_TRY(insert_user(tx, u, email_normalized, password_hash));
    created = true;
    return record(tx, make_event(RequestInfo{}, "user.created", "user", u.id,
                                 json_detail({{"platform_role", "admin"}, {"via", "bootstrap"}})));
  }));
  if (!created) return std::optional<BootstrapAdmin>{};
  return std::optional<BootstrapAdmin>(std::move(out));
}

Result<User> Service::create_user(const std::string& email, const std::string& display_name,
                                  const std::string& password, bool platform_admin) {
  FieldErrors errors;
  auto email_normalized = normalize_email(email);
  errors.check(email_normalized ? ok() : Result<void>(email_normalized.failure()));
  errors.check(check_display_name(display_name));
  if (email_normalized) errors.check(check_password_policy(password, *email_normalized));
  TRV_TRY(errors.finish());
  TRV_ASSIGN(std::string password_hash, hash(password));
  int64_t now = clock_.now_ms();
  User u;
  u.id = new_id();
  u.email = email;
  u.display_name = display_name;
  u.platform_role = platform_admin ? "admin" : "";
  u.created_at = u.updated_at = now;
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(insert_user(tx, u, *email_normalized, password_hash));
    return record(tx, make_event(RequestInfo{}, "user.created", "user", u.id,
                                 json_detail({{"platform_role", u.platform_role}, {"via", "cli"}})));
  }));
  return u;
}

Result<std::string> Service::reset_password_cli(const std::string& email) {
  TRV_ASSIGN(std::string email_normalized, normalize_email(email));
  std::string password = random_password();
  TRV_ASSIGN(std::string password_hash, hash(password));
  int64_t now = clock_.now_ms();
  std::string user_id;
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto account, find_account_by_email(tx, email_normalized));
    if (!account) return fail(ErrorKind::NotFound, "No account has this e-mail address.");
    user_id = account->user.id;
    TRV_TRY(update_password(tx, user_id, password_hash, true, now));
    TRV_TRY(revoke_user_sessions(tx, user_id, now));
    TRV_TRY(clear_login_failures(tx, email_normalized, now));
    return record(tx, make_event(RequestInfo{}, "auth.password_reset", "user", user_id, json_detail({{"via", "cli"}})));
  }));
  forget(user_id);
  return password;
}

}  // namespace trivium::identity
