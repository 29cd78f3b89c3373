// Identity: accounts, passwords, sessions, personal API tokens, e-mail
// verification, password reset and platform invitations.
//
// The Service holds the rules and knows neither HTTP nor SQL dialects; the
// Authenticator turns a session cookie or bearer token into a Subject on
// every request (the hot path, served from memory); register_routes() puts
// the /api/v1/auth, /api/v1/me and /api/v1/admin routes on the router.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "authz/authz.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/db.h"
#include "core/http.h"
#include "core/pipeline.h"
#include "core/result.h"
#include "identity/model.h"
#include "mail/mail.h"

namespace trivium::identity {

// Cookie names. Over TLS the session cookie takes the __Host- prefix, which
// browsers accept only with Secure, Path=/ and no Domain (SESS-09); both
// names are accepted when reading.
inline constexpr std::string_view kSessionCookie = "trivium_session";
inline constexpr std::string_view kSecureSessionCookie = "__Host-trivium_session";
// Readable by the web app, which echoes it in X-CSRF-Token.
inline constexpr std::string_view kCsrfCookie = "trivium_csrf";
// Prefix of personal API tokens, so that leaked ones are easy to scan for.
inline constexpr std::string_view kTokenPrefix = "trv_";

struct Settings {
  std::string registration = "open";  // default policy until an administrator changes it
  int session_idle_minutes = 30;      // SESS-04
  int session_absolute_hours = 12;    // SESS-04
  int max_sessions_per_user = 10;     // SESS-08: the oldest are revoked beyond this
  int login_failures_per_hour = 100;  // AUTH-07, per account
  int argon2_memory_kib = 19456;      // AUTH-01
  int argon2_passes = 2;
  std::string public_url = "http://127.0.0.1:8080";  // base of links in e-mails
  int reset_token_minutes = 30;                      // AUTH-11
  int verification_token_hours = 48;
  int invitation_days = 7;
  int reset_mails_per_hour = 5;  // RATE-01: per account, beyond this requests are ignored
  int max_tokens_per_user = 50;
  int64_t cache_ttl_ms = 5'000;         // how long a cached session or profile is trusted
  int64_t last_seen_write_ms = 60'000;  // last-seen times are written at most this often
};

Settings settings_from(const Config& config);

class Authenticator;
namespace detail {
struct Account;
}

class Service {
 public:
  Service(db::Store& store, const Clock& clock, mail::Outbox& outbox, audit::AuditLog& audit, Settings settings);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  const Settings& settings() const { return settings_; }

  // --- Accounts and sign-in -------------------------------------------------
  // Creates an account under the platform's registration policy and mails a
  // verification link (or marks the address verified when an invitation
  // proved it). Conflict when the e-mail is taken.
  Result<User> register_user(const Registration& r, const RequestInfo& info);
  // Checks the password and opens a new session (SESS-02). `previous_secret`
  // is the cookie the browser sent, if any; that session is ended. Fails with
  // Unauthenticated for a wrong e-mail or password (same answer and similar
  // time for both), RateLimited after too many failures for the account
  // (AUTH-07), Forbidden for a suspended account.
  Result<LoginResult> login(std::string_view email, std::string_view password, const RequestInfo& info,
                            std::string_view previous_secret = {});
  // Ends a session server-side (SESS-03). Unknown or ended sessions are fine.
  Result<void> logout(const std::string& session_id, const RequestInfo& info);

  // The user's profile; served from memory on the hot path.
  Result<User> me(const std::string& user_id);
  // The user's profile as rendered by `render` (for GET /api/v1/me): the
  // rendering is kept with the cached profile and made again only when the
  // profile is re-read, so a busy client costs one lookup per request.
  Result<std::shared_ptr<const std::string>> me_rendered(const std::string& user_id,
                                                         const std::function<std::string(const User&)>& render);
  Result<User> update_profile(const std::string& user_id, const ProfileUpdate& change, const RequestInfo& info);
  // Needs the current password (AUTH-06); ends every other session and keeps
  // the one in info.session_id (SESS-06).
  Result<void> change_password(const std::string& user_id, std::string_view current, std::string_view next,
                               const RequestInfo& info);

  Result<std::vector<SessionInfo>> list_sessions(const std::string& user_id);
  // NotFound when the session is not one of the user's.
  Result<void> revoke_session(const std::string& user_id, const std::string& session_id, const RequestInfo& info);

  // --- E-mail verification and password reset ---------------------------
  // Mails a new verification link; does nothing when already verified.
  Result<void> send_verification(const std::string& user_id, const RequestInfo& info);
  Result<void> confirm_email(std::string_view token, const RequestInfo& info);
  // Always succeeds for a well-formed address, whether or not an account
  // exists (AUTH-11); mails a single-use link when one does.
  Result<void> request_password_reset(std::string_view email, const RequestInfo& info);
  // Consumes the token, sets the password, ends every session and clears the
  // account's failed-login count. Invalid (field "token") when the token is
  // unknown, used or expired.
  Result<void> reset_password(std::string_view token, std::string_view new_password, const RequestInfo& info);

  // --- Personal API tokens --------------------------------------------------
  Result<NewApiToken> create_token(const std::string& user_id, const std::string& name,
                                   std::optional<int> expires_in_days, const RequestInfo& info);
  Result<std::vector<ApiToken>> list_tokens(const std::string& user_id);
  Result<void> revoke_token(const std::string& user_id, const std::string& token_id, const RequestInfo& info);

  // --- Platform administration -----------------------------------------
  Result<UserPage> list_users(const UserQuery& q);
  Result<User> get_user(const std::string& user_id);
  // The accounts of these ids that exist, in one read (reports that name
  // many learners at once); unknown ids are left out.
  Result<std::vector<User>> get_users(const std::vector<std::string>& user_ids);
  // The id of the account with this e-mail (any case), nullopt if none or if
  // the text is not an address. For other modules (orgs adds members by
  // e-mail) so that they never read identity's tables.
  Result<std::optional<std::string>> user_id_by_email(const std::string& email);
  Result<User> create_user(const NewUser& u, const RequestInfo& info);
  // Suspending ends all of the user's sessions (SESS-05). An administrator
  // cannot suspend or demote themselves (Conflict).
  Result<User> change_user(const std::string& user_id, const UserChange& change, const RequestInfo& info);
  // --- Bulk provisioning (roster imports) ---------------------------------
  // Checks one account request without writing: Invalid with field errors
  // ("email", "name") for a malformed address or name.
  Result<void> check_account_request(const AccountRequest& request) const;
  // Finds the account of every address, creating those missing (no password:
  // with `notify`, each new account is mailed a link to choose one), in one
  // transaction; results in the order of `batch`. Existing accounts are left
  // as they are. Each request must pass check_account_request, and no address
  // may appear twice in a batch.
  Result<std::vector<ProvisionedAccount>> provision_accounts(const std::vector<AccountRequest>& batch, bool notify,
                                                             const RequestInfo& info);

  // Mails a single-use invitation to register. Conflict if the address
  // already has an account.
  Result<void> invite(std::string_view email, const RequestInfo& info);
  Result<PlatformSettings> platform_settings();
  Result<PlatformSettings> update_platform_settings(const PlatformSettings& s, const RequestInfo& info);

  // --- Installer and command line ---------------------------------------
  // On the very first start (no user at all), creates the first platform
  // administrator with a random one-time password; nullopt otherwise.
  Result<std::optional<BootstrapAdmin>> bootstrap_admin(const std::string& email);
  // `trivium user create`: the password is the operator's choice.
  Result<User> create_user(const std::string& email, const std::string& display_name, const std::string& password,
                           bool platform_admin);
  // `trivium user reset-password`: a new random password that must be
  // changed at the next sign-in; every session of the user ends.
  Result<std::string> reset_password_cli(const std::string& email);

 private:
  friend class Authenticator;
  struct Caches;

  Result<std::string> hash(std::string_view password) const;
  // An absolute link into the web app for an e-mail.
  std::string link(std::string_view path, std::string_view query) const;
  Result<std::string> registration_policy();
  // RateLimited (with retry_after_s) once the account has too many recent
  // failed logins (AUTH-07).
  Result<void> check_throttle(const std::string& email_normalized, int64_t now);
  Result<void> record_failure(const std::string& email_normalized, const std::string& user_id, const RequestInfo& info,
                              std::string_view action);
  Result<void> record(db::Tx& tx, const audit::Event& event);
  // The account, if the e-mail and password match an active one (throttled,
  // failures recorded); see login().
  Result<detail::Account> check_credentials(std::string_view email, std::string_view password, const RequestInfo& info);
  int64_t idle_ms() const { return int64_t{settings_.session_idle_minutes} * 60'000; }
  // Drop what this process has cached about a user, or about one session.
  void forget(const std::string& user_id);
  void forget_session(const std::string& session_id);

  db::Store& store_;
  const Clock& clock_;
  mail::Outbox& outbox_;
  audit::AuditLog& audit_;
  Settings settings_;
  std::unique_ptr<Caches> caches_;
  // Hash checked for unknown e-mails so that a failed login takes as long
  // whether or not the account exists.
  std::string dummy_hash_;
};

// Turns the session cookie or bearer token of a request into a Subject,
// from an in-memory cache that is re-read from the store every few seconds
// and dropped at once in this process on logout, revocation, suspension
// or password change. An unknown or expired cookie is an anonymous Subject;
// an invalid bearer token is Unauthenticated. Bearer tokens are 256-bit
// random secrets, so guessing them is covered by the per-IP limits rather
// than a per-account counter (AUTH-08).
class Authenticator final : public http::Authenticator {
 public:
  explicit Authenticator(Service& service) : service_(service) {}
  Result<http::Subject> authenticate(const http::Request& req) override;

 private:
  Result<http::Subject> by_cookie(std::string_view secret);
  Result<http::Subject> by_token(std::string_view token);
  Service& service_;
};

// Capabilities that identity's routes name (declare them on the policy).
std::vector<authz::Capability> capabilities();

void register_routes(http::Router& router, Service& service);

// The common-password list (AUTH-04), compiled in from data/common-passwords.txt.
const std::vector<std::string_view>& common_password_list();

}  // namespace trivium::identity
