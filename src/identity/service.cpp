// The identity service: construction, shared helpers, registration and the
// profile.
#include <spdlog/spdlog.h>
#include <boost/json.hpp>

#include <stdexcept>

#include "core/ids.h"
#include "identity/cache.h"
#include "identity/identity.h"
#include "identity/internal.h"
#include "identity/passwords.h"
#include "identity/queries.h"
#include "identity/validate.h"

namespace trivium::identity {

using namespace detail;

Settings settings_from(const Config& c) {
  Settings s;
  s.registration = c.registration;
  s.session_idle_minutes = c.session_idle_minutes;
  s.session_absolute_hours = c.session_absolute_hours;
  s.max_sessions_per_user = c.max_sessions_per_user;
  s.login_failures_per_hour = c.login_failures_per_account_per_hour;
  s.argon2_memory_kib = c.argon2_memory_kib;
  s.argon2_passes = c.argon2_passes;
  s.public_url = c.public_url.empty() ? "http://" + c.listen : c.public_url;
  return s;
}

namespace detail {

audit::Event make_event(const RequestInfo& info, std::string action, std::string target_kind, std::string target_id,
                        std::string detail_json) {
  audit::Event e;
  e.action = std::move(action);
  e.actor_id = info.actor_id;
  e.target_kind = std::move(target_kind);
  e.target_id = std::move(target_id);
  e.ip = info.ip;
  e.request_id = info.request_id;
  e.detail_json = std::move(detail_json);
  return e;
}

std::string json_detail(std::initializer_list<std::pair<std::string_view, std::string_view>> kv) {
  boost::json::object o;
  for (const auto& [k, v] : kv) o[k] = v;
  return boost::json::serialize(o);
}

Result<std::string> add_one_time_token(db::Tx& tx, int64_t now, std::string_view purpose, std::string_view user_id,
                                       std::string_view email_normalized, int64_t lifetime_ms,
                                       std::string_view created_by) {
  std::string secret = random_token(32);
  OneTimeToken t{new_id(),
                 std::string(purpose),
                 sha256_hex(secret),
                 std::string(user_id),
                 std::string(email_normalized),
                 std::string(created_by),
                 now,
                 now + lifetime_ms};
  TRV_TRY(insert_one_time_token(tx, t));
  return secret;
}

Failure bad_token() {
  return invalid("token", "invalid", "This link is invalid or has expired.");
}

}  // namespace detail

Service::Service(db::Store& store, const Clock& clock, mail::Outbox& outbox, audit::AuditLog& audit, Settings settings)
    : store_(store),
      clock_(clock),
      outbox_(outbox),
      audit_(audit),
      settings_(std::move(settings)),
      caches_(std::make_unique<Caches>()) {
  if (settings_.registration != "open" && settings_.registration != "invitation" &&
      settings_.registration != "closed") {
    throw std::runtime_error("registration must be open, invitation or closed");
  }
  auto dummy = hash(random_token(16));
  if (!dummy) throw std::runtime_error("cannot hash passwords: " + dummy.error().detail);
  dummy_hash_ = std::move(*dummy);
}

Service::~Service() = default;

Result<std::string> Service::hash(std::string_view password) const {
  return hash_password(password, {settings_.argon2_memory_kib, settings_.argon2_passes});
}

std::string Service::link(std::string_view path, std::string_view query) const {
  std::string base = settings_.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + std::string(path) + "?" + std::string(query);
}

Result<std::string> Service::registration_policy() {
  std::optional<std::string> stored;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(stored, get_platform_setting(tx, "registration"));
    return ok();
  }));
  return stored ? *stored : settings_.registration;
}

void Service::forget(const std::string& user_id) {
  caches_->credentials.erase_if(
      [&](const std::string&, const CachedCredential& c) { return c.subject.user_id == user_id; });
  caches_->users.erase_if([&](const std::string& key, const CachedUser&) { return key == user_id; });
}

Result<void> Service::record(db::Tx& tx, const audit::Event& event) {
  return audit_.record(tx, event);
}

namespace {

// Checks every field of a registration at once; returns the normalized e-mail.
Result<std::string> check_registration(const Registration& r, const std::string& policy) {
  FieldErrors errors;
  auto email = normalize_email(r.email);
  errors.check(email ? ok() : Result<void>(email.failure()));
  if (email) errors.check(check_password_policy(r.password, *email));
  errors.check(check_display_name(r.display_name));
  errors.check(check_locale(r.locale));
  errors.check(check_time_zone(r.time_zone));
  if (policy == "invitation" && r.invitation.empty()) {
    errors.check(invalid("invitation", "required", "An invitation is needed to register."));
  }
  TRV_TRY(errors.finish());
  return *email;
}

// The invitation proves the address; it must be the one that was invited.
Result<std::optional<OneTimeToken>> usable_invitation(db::Store& store, const std::string& token,
                                                      const std::string& email, int64_t now) {
  if (token.empty()) return std::optional<OneTimeToken>{};
  std::optional<OneTimeToken> invitation;
  TRV_TRY(store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(invitation, find_one_time_token(tx, kInvitation, sha256_hex(token), now));
    return ok();
  }));
  if (!invitation || invitation->email_normalized != email) {
    return invalid("invitation", "invalid", "This invitation is invalid or has expired.");
  }
  return invitation;
}

}  // namespace

Result<User> Service::register_user(const Registration& r, const RequestInfo& info) {
  TRV_ASSIGN(std::string policy, registration_policy());
  if (policy == "closed") return fail(ErrorKind::Forbidden, "Registration is closed on this platform.");
  TRV_ASSIGN(std::string email, check_registration(r, policy));
  int64_t now = clock_.now_ms();
  TRV_ASSIGN(std::optional<OneTimeToken> invitation, usable_invitation(store_, r.invitation, email, now));
  TRV_ASSIGN(std::string password_hash, hash(r.password));
  User u;
  u.id = new_id();
  u.email = r.email;
  u.display_name = r.display_name;
  u.locale = r.locale;
  u.time_zone = r.time_zone;
  u.created_at = u.updated_at = now;
  if (invitation) u.email_verified_at = now;
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    if (invitation) {
      TRV_ASSIGN(bool consumed, consume_one_time_token(tx, invitation->id, now));
      if (!consumed) return invalid("invitation", "invalid", "This invitation is invalid or has expired.");
    }
    TRV_TRY(insert_user(tx, u, email, password_hash));
    if (!invitation) {
      TRV_ASSIGN(std::string secret, add_one_time_token(tx, now, kVerifyEmail, u.id, email,
                                                        settings_.verification_token_hours * kHourMs, u.id));
      TRV_TRY(outbox_.enqueue(tx, verification_mail(u, link("/verify-email", "token=" + secret))));
    }
    RequestInfo as_user = info;
    as_user.actor_id = u.id;
    return record(tx, make_event(as_user, "auth.registered", "user", u.id,
                                 json_detail({{"invited", invitation ? "yes" : "no"}})));
  }));
  outbox_.wake();
  return u;
}

Result<User> Service::me(const std::string& user_id) {
  int64_t now = clock_.now_ms();
  auto cached = caches_->users.with(user_id, [&](CachedUser* c, bool&) -> std::optional<User> {
    if (c && now - c->cached_at < settings_.cache_ttl_ms) return c->user;
    return std::nullopt;
  });
  if (cached) return std::move(*cached);
  uint64_t epoch = caches_->users.epoch();
  std::optional<User> u;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(u, find_user(tx, user_id));
    return ok();
  }));
  if (!u) return fail(ErrorKind::NotFound, "No such user.");
  caches_->users.put(user_id, CachedUser{*u, now, nullptr}, epoch);
  return std::move(*u);
}

Result<std::shared_ptr<const std::string>> Service::me_rendered(const std::string& user_id,
                                                                const std::function<std::string(const User&)>& render) {
  const int64_t now = clock_.now_ms();
  auto hit = caches_->users.with(user_id, [&](CachedUser* c, bool&) -> std::shared_ptr<const std::string> {
    if (c && now - c->cached_at < settings_.cache_ttl_ms && c->rendered) return c->rendered;
    return nullptr;
  });
  if (hit) return hit;
  const uint64_t epoch = caches_->users.epoch();
  TRV_ASSIGN(User u, me(user_id));
  auto rendered = std::make_shared<const std::string>(render(u));
  // Attached only to the very profile it was made from.
  caches_->users.with(user_id, [&](CachedUser* c, bool&) {
    if (c && c->user.updated_at == u.updated_at && caches_->users.epoch() == epoch) c->rendered = rendered;
    return 0;
  });
  return rendered;
}

Result<User> Service::update_profile(const std::string& user_id, const ProfileUpdate& change, const RequestInfo&) {
  FieldErrors errors;
  if (change.display_name) errors.check(check_display_name(*change.display_name));
  if (change.locale) errors.check(check_locale(*change.locale));
  if (change.time_zone) errors.check(check_time_zone(*change.time_zone));
  TRV_TRY(errors.finish());
  int64_t now = clock_.now_ms();
  std::optional<User> u;
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(u, find_user(tx, user_id));
    if (!u) return fail(ErrorKind::NotFound, "No such user.");
    if (change.display_name) u->display_name = *change.display_name;
    if (change.locale) u->locale = *change.locale;
    if (change.time_zone) u->time_zone = *change.time_zone;
    u->updated_at = now;
    return detail::update_profile(tx, *u, now);
  }));
  caches_->users.erase_if([&](const std::string& key, const CachedUser&) { return key == user_id; });
  return std::move(*u);
}

}  // namespace trivium::identity
