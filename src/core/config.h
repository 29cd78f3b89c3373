// Configuration: defaults, then the TOML file, then TRIVIUM_* environment
// variables, then command-line flags (each overrides the one before).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace trivium {

struct SmtpConfig {
  std::string url;  // "smtp://127.0.0.1:2525" or "smtps://..."; empty: mail is logged, not sent
  std::string from = "Trivium <no-reply@trivium.localhost>";
  std::string username;
  std::string password;  // secret
  bool starttls = false;
};

// Course files (src/files): limits per file and per organisation (FILE-01,
// FILE-09), and how long an unfinished resumable upload is kept.
struct FilesConfig {
  int64_t max_file_bytes = int64_t{8} << 30;
  int64_t organisation_quota_bytes = int64_t{50} << 30;
  int upload_expiry_hours = 24;
};

// Content blocks (src/outline): the PeerTube instances whose videos embed
// blocks may show, by host name (YouTube and Vimeo need no setting). Held
// lower-case, each a plain DNS name (no scheme, port or path).
struct ContentConfig {
  std::vector<std::string> peertube_hosts;
};

// The web app (src/webapp): the folder of its built assets (web/dist from
// `npm run build`); a relative path is taken from the current directory.
struct WebConfig {
  std::string root = "web/dist";
};

struct Config {
  std::string data_dir = "./var";
  std::string listen = "127.0.0.1:8080";
  std::string database_url;    // empty: sqlite:<data_dir>/trivium.db; secret (may hold a password)
  std::string public_url;      // used in e-mail links; default http://<listen>
  int threads = 0;             // I/O threads; 0: number of cores
  int blocking_threads = 64;   // pool for handlers that write or hash passwords
  int db_pool_size = 8;

  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 1024 * 1024;
  int read_timeout_s = 30;
  int idle_timeout_s = 75;

  std::string log_format = "auto";  // auto | text | json
  std::string log_level = "info";
  bool access_log = true;
  bool trust_proxy = false;         // honour X-Forwarded-For / X-Forwarded-Proto

  std::string registration = "open";  // open | invitation | closed
  int session_idle_minutes = 30;
  int session_absolute_hours = 12;
  int max_sessions_per_user = 10;
  int login_failures_per_account_per_hour = 100;
  int auth_requests_per_ip_per_minute = 30;  // login, register, password reset
  int auth_burst_per_ip = 30;

  // Argon2id cost; ASVS floor is 19 MiB with 2 passes.
  int argon2_memory_kib = 19456;
  int argon2_passes = 2;

  SmtpConfig smtp;
  FilesConfig files;
  ContentConfig content;
  WebConfig web;

  // Test hooks (TEST_ routes such as advancing the clock). Never in production.
  bool test_hooks = false;

  // Lines "key = value" for the start-up banner, secrets replaced.
  std::vector<std::string> describe() const;
};

// Loads the configuration. `file` may be empty (then ./trivium.toml is used
// if present, or <data_dir>/trivium.toml). Throws std::runtime_error with a
// clear message on a bad file or value.
Config load_config(const std::string& file);
// Fills derived defaults (database URL from data_dir, public URL from listen)
// after flags were applied, and validates again.
void finalize_config(Config& c);
// Applies TRIVIUM_* environment variables; called by load_config.
void apply_environment(Config& c);

}  // namespace trivium
