// Identity's domain types: who the users are, and the values that the
// service's operations take and give back. No HTTP, no SQL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trivium::identity {

// A person with an account on the platform.
struct User {
  std::string id;
  std::string email;  // as typed at registration; uniqueness ignores case
  std::string display_name;
  std::string locale = "en";      // "en" | "fr": language of the interface and of e-mails
  std::string time_zone = "UTC";  // IANA name, e.g. "Europe/Paris"
  std::string status = "active";  // "active" | "suspended"
  std::string platform_role;      // "" | "admin"
  std::optional<int64_t> email_verified_at;
  bool must_change_password = false;  // set for installer- and admin-made passwords
  int64_t created_at = 0;
  int64_t updated_at = 0;

  bool platform_admin() const { return platform_role == "admin"; }
  bool active() const { return status == "active"; }
};

// Where a request came from, for the audit log and the session list. The
// service takes this instead of an HTTP request so that it knows nothing of
// HTTP.
struct RequestInfo {
  std::string ip;
  std::string request_id;
  std::string user_agent;
  std::string actor_id;    // the signed-in user making the request; empty when anonymous
  std::string session_id;  // the cookie session making the request, if any
};

struct Registration {
  std::string email;
  std::string password;
  std::string display_name;
  std::string locale = "en";
  std::string time_zone = "UTC";
  std::string invitation;  // token from an invitation e-mail; required when registration is by invitation
};

// A session just created by a login. `secret` is the cookie value: it is
// shown once and only its SHA-256 digest is stored.
struct NewSession {
  std::string id;  // public id, listed in the user's sessions
  std::string secret;
  std::string csrf_token;
  int64_t created_at = 0;
  int64_t expires_at = 0;  // absolute end of the session
};

struct LoginResult {
  User user;
  NewSession session;
};

struct ProfileUpdate {
  std::optional<std::string> display_name;
  std::optional<std::string> locale;
  std::optional<std::string> time_zone;
};

// One of the user's active sessions, as listed to them (SESS-06).
struct SessionInfo {
  std::string id;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t expires_at = 0;
  std::string ip;
  std::string user_agent;
};

// A personal API token for integrations (Authorization: Bearer trv_...).
struct ApiToken {
  std::string id;
  std::string name;
  int64_t created_at = 0;
  std::optional<int64_t> expires_at;
  std::optional<int64_t> last_used_at;
};

// A token just created; `secret` ("trv_...") is shown once, stored hashed.
struct NewApiToken {
  ApiToken token;
  std::string secret;
};

struct UserQuery {
  std::string q;       // matches e-mail or display name (substring, case-insensitive)
  int limit = 50;      // 1..100
  std::string cursor;  // next_cursor of the previous page; empty for the first
};

struct UserPage {
  std::vector<User> items;
  std::optional<std::string> next_cursor;
};

// An account made by a platform administrator. Without a password the user
// receives a link to choose one.
struct NewUser {
  std::string email;
  std::string display_name;
  std::optional<std::string> password;
  std::string platform_role;  // "" | "admin"
  std::string locale = "en";
};

// One account a roster import needs.
struct AccountRequest {
  std::string email;
  std::string display_name;
  std::string locale = "en";
};

struct ProvisionedAccount {
  std::string user_id;
  bool created = false;
};

struct UserChange {
  std::optional<std::string> status;         // "active" | "suspended"
  std::optional<std::string> platform_role;  // "" | "admin"
};

// Settings an administrator changes at run time (table platform_settings).
struct PlatformSettings {
  std::string registration;  // "open" | "invitation" | "closed"
};

// The first administrator, made on the very first start (AUTH-09).
struct BootstrapAdmin {
  User user;
  std::string password;  // one-time: the user must change it at first sign-in
};

}  // namespace trivium::identity
