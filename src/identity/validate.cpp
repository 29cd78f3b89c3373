// Field checks shared by registration, profile updates and administration.
#include "identity/validate.h"

#include <filesystem>
#include <fstream>
#include <regex>

#include "identity/passwords.h"

namespace trivium::identity::detail {
namespace {

bool is_local_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) != std::string_view::npos;
}

bool is_domain(std::string_view d) {
  if (d.empty() || d.size() > 253 || d.find('.') == std::string_view::npos) return false;
  size_t start = 0;
  while (start <= d.size()) {
    size_t dot = d.find('.', start);
    std::string_view label = d.substr(start, dot == std::string_view::npos ? d.npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) return false;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

}  // namespace

Result<std::string> normalize_email(std::string_view email, std::string_view field) {
  std::string f(field);
  size_t at = email.rfind('@');
  if (email.size() > 254 || at == std::string_view::npos || at == 0 || at > 64) {
    return invalid(f, "email", "Enter a valid e-mail address.");
  }
  std::string_view local = email.substr(0, at);
  for (char c : local) {
    if (!is_local_char(c)) return invalid(f, "email", "Enter a valid e-mail address.");
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos ||
      !is_domain(email.substr(at + 1))) {
    return invalid(f, "email", "Enter a valid e-mail address.");
  }
  std::string out(email);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Result<void> check_display_name(std::string_view name, std::string_view field) {
  size_t n = code_points(name);
  bool blank = name.find_first_not_of(" \t\n") == std::string_view::npos;
  if (n == 0 || blank) return invalid(std::string(field), "required", "Enter a name.");
  if (n > 100) return invalid(std::string(field), "too_long", "The name must have at most 100 characters.");
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      return invalid(std::string(field), "control_character", "The name must be a single line.");
    }
  }
  return ok();
}

Result<void> check_locale(std::string_view locale) {
  if (locale == "en" || locale == "fr") return ok();
  return invalid("locale", "one_of", "The language must be \"en\" or \"fr\".");
}

Result<void> check_time_zone(std::string_view zone) {
  if (zone == "UTC") return ok();
  // Letters, digits and _+- in up to three segments: no dots, so the name can
  // safely be looked up as a path below the zoneinfo folder.
  static const std::regex kShape("[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9][A-Za-z0-9_+-]*){0,2}");
  if (zone.size() > 64 || !std::regex_match(zone.begin(), zone.end(), kShape)) {
    return invalid("time_zone", "time_zone", "Unknown time zone.");
  }
  // Where the system has a zoneinfo database, the name must be a compiled
  // zone file there (they start with "TZif"); without one, the shape suffices.
  static const std::filesystem::path kZoneInfo = "/usr/share/zoneinfo";
  std::error_code ec;
  if (!std::filesystem::is_directory(kZoneInfo, ec)) return ok();
  std::ifstream in(kZoneInfo / std::string(zone), std::ios::binary);
  char magic[4] = {};
  if (!in.read(magic, sizeof magic) || std::string_view(magic, 4) != "TZif") {
    return invalid("time_zone", "time_zone", "Unknown time zone.");
  }
  return ok();
}

}  // namespace trivium::identity::detail
