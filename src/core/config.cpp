#include "core/config.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <toml++/toml.h>

namespace trivium {
namespace {

template <typename T>
void read(const toml::table& t, std::string_view section, std::string_view key, T& out) {
  const toml::node* n = section.empty() ? t.get(key) : (t[section][key]).node();
  if (!n) return;
  if constexpr (std::is_same_v<T, std::string>) {
    if (auto v = n->value<std::string>()) out = *v;
    else throw std::runtime_error("config: " + std::string(key) + " must be a string");
  } else if constexpr (std::is_same_v<T, bool>) {
    if (auto v = n->value<bool>()) out = *v;
    else throw std::runtime_error("config: " + std::string(key) + " must be true or false");
  } else {
    if (auto v = n->value<int64_t>()) out = static_cast<T>(*v);
    else throw std::runtime_error("config: " + std::string(key) + " must be an integer");
  }
}

// "a.example, B.example" -> {"a.example", "b.example"}: trimmed,
// lower-cased, empty items and repeats dropped.
std::vector<std::string> host_list(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(start, comma - start);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
    std::string host(item);
    for (char& ch : host) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!host.empty() && std::find(out.begin(), out.end(), host) == out.end()) out.push_back(std::move(host));
    start = comma + 1;
  }
  return out;
}

// [content] peertube_hosts: a TOML array of host names, or one string with
// them separated by commas (as in the environment variable).
void read_hosts(const toml::table& t, std::vector<std::string>& out) {
  const toml::node* n = t["content"]["peertube_hosts"].node();
  if (!n) return;
  if (auto s = n->value<std::string>()) {
    out = host_list(*s);
    return;
  }
  const toml::array* a = n->as_array();
  if (!a) throw std::runtime_error("config: content.peertube_hosts must be a list of host names");
  std::string joined;
  for (const toml::node& item : *a) {
    auto s = item.value<std::string>();
    if (!s || s->find(',') != std::string::npos)
      throw std::runtime_error("config: content.peertube_hosts must be a list of host names");
    joined += *s + ",";
  }
  out = host_list(joined);
}

// A DNS name: dot-separated labels of letters, digits and inner hyphens.
bool is_host_name(const std::string& host) {
  if (host.empty() || host.size() > 253) return false;
  size_t start = 0;
  while (start <= host.size()) {
    size_t dot = host.find('.', start);
    if (dot == std::string::npos) dot = host.size();
    const std::string_view label = std::string_view(host).substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char ch : label)
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-') return false;
    start = dot + 1;
  }
  return true;
}

void apply_file(Config& c, const std::string& path) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error("config file " + path + ": " + std::string(e.description()));
  }
  read(t, "", "data_dir", c.data_dir);
  read(t, "", "listen", c.listen);
  read(t, "", "database_url", c.database_url);
  read(t, "", "public_url", c.public_url);
  read(t, "server", "threads", c.threads);
  read(t, "server", "blocking_threads", c.blocking_threads);
  read(t, "server", "max_header_bytes", c.max_header_bytes);
  read(t, "server", "max_body_bytes", c.max_body_bytes);
  read(t, "server", "read_timeout_s", c.read_timeout_s);
  read(t, "server", "idle_timeout_s", c.idle_timeout_s);
  read(t, "server", "trust_proxy", c.trust_proxy);
  read(t, "database", "pool_size", c.db_pool_size);
  read(t, "log", "format", c.log_format);
  read(t, "log", "level", c.log_level);
  read(t, "log", "access", c.access_log);
  read(t, "auth", "registration", c.registration);
  read(t, "auth", "session_idle_minutes", c.session_idle_minutes);
  read(t, "auth", "session_absolute_hours", c.session_absolute_hours);
  read(t, "auth", "max_sessions_per_user", c.max_sessions_per_user);
  read(t, "auth", "login_failures_per_account_per_hour", c.login_failures_per_account_per_hour);
  read(t, "auth", "auth_requests_per_ip_per_minute", c.auth_requests_per_ip_per_minute);
  read(t, "auth", "auth_burst_per_ip", c.auth_burst_per_ip);
  read(t, "auth", "argon2_memory_kib", c.argon2_memory_kib);
  read(t, "auth", "argon2_passes", c.argon2_passes);
  read(t, "smtp", "url", c.smtp.url);
  read(t, "smtp", "from", c.smtp.from);
  read(t, "smtp", "username", c.smtp.username);
  read(t, "smtp", "password", c.smtp.password);
  read(t, "smtp", "starttls", c.smtp.starttls);
  read(t, "files", "max_file_bytes", c.files.max_file_bytes);
  read(t, "files", "organisation_quota_bytes", c.files.organisation_quota_bytes);
  read(t, "files", "upload_expiry_hours", c.files.upload_expiry_hours);
  read_hosts(t, c.content.peertube_hosts);
  read(t, "web", "root", c.web.root);
}

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return (v && *v) ? v : nullptr;
}

int64_t env_int64(const char* name, int64_t fallback) {
  const char* v = env(name);
  if (!v) return fallback;
  char* end = nullptr;
  long long n = std::strtoll(v, &end, 10);
  if (*end != '\0') throw std::runtime_error(std::string(name) + " must be an integer");
  return static_cast<int64_t>(n);
}

int env_int(const char* name, int fallback) {
  const char* v = env(name);
  if (!v) return fallback;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  if (*end != '\0') throw std::runtime_error(std::string(name) + " must be an integer");
  return static_cast<int>(n);
}

bool env_bool(const char* name, bool fallback) {
  const char* v = env(name);
  if (!v) return fallback;
  std::string s(v);
  return s == "1" || s == "true" || s == "yes" || s == "on";
}

void check(const Config& c) {
  auto must = [](bool ok, const std::string& what) {
    if (!ok) throw std::runtime_error("config: " + what);
  };
  must(c.registration == "open" || c.registration == "invitation" || c.registration == "closed",
       "auth.registration must be open, invitation or closed");
  must(c.log_format == "auto" || c.log_format == "text" || c.log_format == "json",
       "log.format must be auto, text or json");
  must(c.threads >= 0 && c.threads <= 256, "server.threads must be between 0 and 256");
  must(c.blocking_threads >= 1 && c.blocking_threads <= 1024, "server.blocking_threads must be 1..1024");
  must(c.max_body_bytes >= 1024, "server.max_body_bytes must be at least 1024");
  must(c.argon2_memory_kib >= 19456 && c.argon2_passes >= 2,
       "auth.argon2 must be at least 19456 KiB and 2 passes (OWASP ASVS)");
  must(c.session_idle_minutes >= 1 && c.session_absolute_hours >= 1, "session timeouts must be positive");
  must(c.listen.find(':') != std::string::npos, "listen must be HOST:PORT");
  must(c.files.max_file_bytes >= 1 && c.files.organisation_quota_bytes >= 0,
       "files.max_file_bytes must be positive and files.organisation_quota_bytes not negative");
  must(c.files.upload_expiry_hours >= 1, "files.upload_expiry_hours must be at least 1");
  for (const std::string& host : c.content.peertube_hosts)
    must(is_host_name(host), "content.peertube_hosts: \"" + host + "\" is not a host name (no scheme, port or path)");
}

}  // namespace

void apply_environment(Config& c) {
  if (auto v = env("TRIVIUM_DATA_DIR")) c.data_dir = v;
  if (auto v = env("TRIVIUM_LISTEN")) c.listen = v;
  if (auto v = env("TRIVIUM_DATABASE_URL")) c.database_url = v;
  if (auto v = env("TRIVIUM_PUBLIC_URL")) c.public_url = v;
  c.threads = env_int("TRIVIUM_THREADS", c.threads);
  c.blocking_threads = env_int("TRIVIUM_BLOCKING_THREADS", c.blocking_threads);
  if (auto v = env("TRIVIUM_LOG_FORMAT")) c.log_format = v;
  if (auto v = env("TRIVIUM_LOG_LEVEL")) c.log_level = v;
  c.access_log = env_bool("TRIVIUM_ACCESS_LOG", c.access_log);
  c.trust_proxy = env_bool("TRIVIUM_TRUST_PROXY", c.trust_proxy);
  if (auto v = env("TRIVIUM_REGISTRATION")) c.registration = v;
  c.session_idle_minutes = env_int("TRIVIUM_SESSION_IDLE_MINUTES", c.session_idle_minutes);
  c.login_failures_per_account_per_hour =
      env_int("TRIVIUM_LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR", c.login_failures_per_account_per_hour);
  c.auth_requests_per_ip_per_minute =
      env_int("TRIVIUM_AUTH_REQUESTS_PER_IP_PER_MINUTE", c.auth_requests_per_ip_per_minute);
  c.auth_burst_per_ip = env_int("TRIVIUM_AUTH_BURST_PER_IP", c.auth_burst_per_ip);
  c.argon2_memory_kib = env_int("TRIVIUM_ARGON2_MEMORY_KIB", c.argon2_memory_kib);
  if (auto v = env("TRIVIUM_SMTP_URL")) c.smtp.url = v;
  if (auto v = env("TRIVIUM_SMTP_FROM")) c.smtp.from = v;
  if (auto v = env("TRIVIUM_SMTP_USERNAME")) c.smtp.username = v;
  if (auto v = env("TRIVIUM_SMTP_PASSWORD")) c.smtp.password = v;
  c.smtp.starttls = env_bool("TRIVIUM_SMTP_STARTTLS", c.smtp.starttls);
  c.files.max_file_bytes = env_int64("TRIVIUM_FILES_MAX_FILE_BYTES", c.files.max_file_bytes);
  c.files.organisation_quota_bytes =
      env_int64("TRIVIUM_FILES_ORGANISATION_QUOTA_BYTES", c.files.organisation_quota_bytes);
  c.files.upload_expiry_hours = env_int("TRIVIUM_FILES_UPLOAD_EXPIRY_HOURS", c.files.upload_expiry_hours);
  if (auto v = env("TRIVIUM_CONTENT_PEERTUBE_HOSTS")) c.content.peertube_hosts = host_list(v);
  if (auto v = env("TRIVIUM_WEB_ROOT")) c.web.root = v;
  c.test_hooks = env_bool("TRIVIUM_TEST_HOOKS", c.test_hooks);
}

Config load_config(const std::string& file) {
  Config c;
  std::string path = file;
  if (path.empty()) {
    if (auto v = env("TRIVIUM_CONFIG")) path = v;
    else if (std::filesystem::exists("trivium.toml")) path = "trivium.toml";
  }
  if (!path.empty()) {
    if (!std::filesystem::exists(path)) throw std::runtime_error("config file not found: " + path);
    apply_file(c, path);
  }
  apply_environment(c);
  check(c);
  return c;
}

void finalize_config(Config& c) {
  check(c);
  if (c.database_url.empty()) c.database_url = "sqlite:" + c.data_dir + "/trivium.db";
  if (c.public_url.empty()) c.public_url = "http://" + c.listen;
}

std::vector<std::string> Config::describe() const {
  auto redact_url = [](const std::string& url) {
    // postgresql://user:secret@host/db -> postgresql://user:***@host/db
    auto scheme = url.find("://");
    auto at = url.find('@');
    if (scheme == std::string::npos || at == std::string::npos) return url;
    auto colon = url.find(':', scheme + 3);
    if (colon == std::string::npos || colon > at) return url;
    return url.substr(0, colon + 1) + "***" + url.substr(at);
  };
  std::vector<std::string> out = {
      "data_dir = " + data_dir,
      "listen = " + listen,
      "database_url = " + redact_url(database_url),
      "public_url = " + public_url,
      "threads = " + std::to_string(threads) + " (blocking pool " + std::to_string(blocking_threads) + ")",
      "limits = header " + std::to_string(max_header_bytes) + " B, body " + std::to_string(max_body_bytes) +
          " B, read timeout " + std::to_string(read_timeout_s) + " s, idle " + std::to_string(idle_timeout_s) + " s",
      "registration = " + registration,
      "sessions = idle " + std::to_string(session_idle_minutes) + " min, absolute " +
          std::to_string(session_absolute_hours) + " h",
      "smtp = " + (smtp.url.empty() ? std::string("(none: mail is written to the log)") : redact_url(smtp.url)) +
          (smtp.password.empty() ? "" : " (password set)"),
      "log = " + log_format + " " + log_level + (access_log ? " with access log" : ""),
      "files = at most " + std::to_string(files.max_file_bytes) + " B per file, " +
          std::to_string(files.organisation_quota_bytes) + " B per organisation, uploads kept " +
          std::to_string(files.upload_expiry_hours) + " h",
  };
  std::string hosts;
  for (const std::string& h : content.peertube_hosts) hosts += (hosts.empty() ? "" : ", ") + h;
  out.push_back("content = embeds from YouTube, Vimeo" + (hosts.empty() ? std::string() : " and PeerTube on " + hosts));
  out.push_back("web = app from " + web.root);
  if (test_hooks) out.push_back("TEST HOOKS ENABLED: never use this in production");
  return out;
}

}  // namespace trivium
