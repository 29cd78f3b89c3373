// URL attributes (XSS-03): only schemes that cannot run code, decided the
// way a browser's URL parser would decide them.
//
// The value arrives with character references already decoded by the HTML
// parser, so "&#x6A;avascript:" is plain "javascript:" here. A browser then
// removes tabs and newlines anywhere in a URL and C0 controls and spaces at
// its ends before it looks for the scheme; the same is done here, and the
// cleaned value is what gets emitted, so what was checked is what the
// browser sees.
#include <optional>
#include <string>
#include <string_view>

#include "richtext/internal.h"

namespace trivium::richtext::detail {
namespace {

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_slash(char c) {
  return c == '/' || c == '\\';
}

// The scheme before the first ':', lower-cased, or empty when the URL has
// none (then it is a relative reference).
std::string scheme_of(std::string_view url) {
  if (url.empty() || !is_alpha(url[0])) return {};
  std::size_t i = 1;
  while (i < url.size() && (is_alpha(url[i]) || is_digit(url[i]) || url[i] == '+' || url[i] == '-' || url[i] == '.')) {
    ++i;
  }
  if (i >= url.size() || url[i] != ':') return {};
  return lower_ascii(url.substr(0, i));
}

// data: URLs are allowed for images only, and only as base64 raster images
// (an SVG image may carry script when opened on its own; XSS-04).
bool is_safe_data_image(std::string_view url) {
  static constexpr std::string_view kTypes[] = {"png", "gif", "jpeg", "webp"};
  constexpr std::string_view kHead = "data:image/";
  constexpr std::string_view kBase64 = ";base64,";
  if (url.size() < kHead.size() || !iequals(url.substr(0, kHead.size()), kHead)) return false;
  std::string_view rest = url.substr(kHead.size());
  bool typed = false;
  for (std::string_view type : kTypes) {
    const std::size_t n = type.size() + kBase64.size();
    if (rest.size() >= n && iequals(rest.substr(0, type.size()), type) &&
        iequals(rest.substr(type.size(), kBase64.size()), kBase64)) {
      rest.remove_prefix(n);
      typed = true;
      break;
    }
  }
  if (!typed) return false;
  for (char c : rest) {
    if (!(is_alpha(c) || is_digit(c) || c == '+' || c == '/' || c == '=')) return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// "files/<path>" as the author wrote it, percent-decoded, or nullopt when
// the path could name something outside files/ or is not clean text.
std::optional<std::string> file_reference(std::string_view url) {
  if (url.substr(0, 2) == "./") url.remove_prefix(2);
  const std::size_t end = url.find_first_of("?#");
  std::string ref = percent_decode(url.substr(0, end));
  if (repair_utf8(ref) != ref) return std::nullopt;
  std::string_view path = std::string_view(ref).substr(6);  // after "files/"
  if (path.empty()) return std::nullopt;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view segment = path.substr(start, slash - start);
    if (segment.empty() || segment == "." || segment == "..") return std::nullopt;
    start = slash + 1;
  }
  for (char c : ref) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\') return std::nullopt;
  }
  return ref;
}

bool is_file_reference(std::string_view url) {
  if (url.substr(0, 2) == "./") url.remove_prefix(2);
  return url.substr(0, 6) == "files/";
}

// Tabs and newlines anywhere, C0 controls and spaces at the ends: gone,
// as the URL parser removes them.
std::string clean(std::string_view raw) {
  std::string url;
  url.reserve(raw.size());
  for (char c : raw) {
    if (c != '\t' && c != '\n' && c != '\r') url += c;
  }
  std::size_t begin = 0, end = url.size();
  while (begin < end && static_cast<unsigned char>(url[begin]) <= 0x20) ++begin;
  while (end > begin && static_cast<unsigned char>(url[end - 1]) <= 0x20) --end;
  return url.substr(begin, end - begin);
}

// `from_author`: the URL is what the author wrote, so a files/ reference is
// resolved (or dropped); a resolver's answer is not resolved again.
std::optional<CheckedUrl> check_cleaned(std::string url, UrlUse use, const Options& options, bool from_author) {
  if (url.empty()) return std::nullopt;
  for (char c : url) {
    // Controls left inside the URL (not at its ends) are never legitimate.
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
  }
  const std::string scheme = scheme_of(url);
  if (!scheme.empty()) {
    if (scheme == "http" || scheme == "https") return CheckedUrl{std::move(url), true};
    if (scheme == "mailto" && use == UrlUse::kLink) return CheckedUrl{std::move(url), false};
    if (scheme == "data" && use == UrlUse::kImage && is_safe_data_image(url)) return CheckedUrl{std::move(url), false};
    return std::nullopt;
  }
  // "java script:x" or "javascript\uFFFD:x" has no scheme a browser
  // accepts and would be a relative path, but nobody means that: a ':'
  // before any '/', '?' or '#' is refused rather than guessed at.
  const std::size_t colon = url.find(':');
  if (colon != std::string::npos && colon < url.find_first_of("/?#")) return std::nullopt;
  if (url.size() >= 2 && is_slash(url[0]) && is_slash(url[1])) return CheckedUrl{std::move(url), true};
  if (url[0] == '#') {
    std::string_view fragment = std::string_view(url).substr(1);
    if (fragment.empty()) return CheckedUrl{std::move(url), false};
    if (fragment.substr(0, kIdPrefix.size()) == kIdPrefix) return CheckedUrl{std::move(url), false};
    return CheckedUrl{"#" + std::string(kIdPrefix) + std::string(fragment), false};
  }
  if (from_author && is_file_reference(url)) {
    if (!options.resolve_file) return std::nullopt;
    std::optional<std::string> ref = file_reference(url);
    if (!ref) return std::nullopt;
    std::optional<std::string> resolved = options.resolve_file(*ref);
    // The answer is written out as it is, without the HTML parser's
    // normalisation that everything else went through, so it must be plain
    // ASCII (a URL percent-encodes the rest); else the next pass could
    // read it differently.
    if (!resolved) return std::nullopt;
    for (char c : *resolved) {
      if (c < 0x20 || c > 0x7e) return std::nullopt;
    }
    return check_cleaned(clean(*resolved), use, options, false);
  }
  return CheckedUrl{std::move(url), false};
}

}  // namespace

std::optional<CheckedUrl> check_url(std::string_view raw, UrlUse use, const Options& options) {
  return check_cleaned(clean(raw), use, options, true);
}

std::optional<std::string> namespaced_id(std::string_view raw) {
  std::string id;
  for (char c : trim_ascii_space(raw)) {
    const auto u = static_cast<unsigned char>(c);
    if (u == ' ' || u == '\t' || u == '\n' || u == '\f' || u == '\r') return std::nullopt;
    if (!is_stripped_control(u)) id += c;
  }
  if (id.empty()) return std::nullopt;
  if (id.substr(0, kIdPrefix.size()) != kIdPrefix) id.insert(0, kIdPrefix);
  // The limit applies to the id as written out, so that the same id passes
  // again when the output is sanitised again.
  if (id.size() > kIdPrefix.size() + 256) return std::nullopt;
  return id;
}

}  // namespace trivium::richtext::detail
