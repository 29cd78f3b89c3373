// The syntax of xAPI's values: UUIDs, IRIs, mailto addresses, digests, media
// types, language tags (RFC 5646), timestamps (ISO 8601 / RFC 3339) and
// durations (ISO 8601 designators). Hand-written scanners rather than regular
// expressions: they run for every value of every statement ingested.
#include <algorithm>
#include <array>
#include <cctype>

#include "xapi/statement.h"

namespace trivium::xapi {

namespace detail {

namespace {

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool all_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), is_hex);
}

// RFC 2045 token characters: printable ASCII except blanks and tspecials.
bool is_token_char(char c) {
  if (c <= 0x20 || c >= 0x7F) return false;
  static constexpr std::string_view kSpecials = "()<>@,;:\\\"/[]?=";
  return kSpecials.find(c) == std::string_view::npos;
}

}  // namespace

std::string Path::str() const {
  // Segments are collected leaf to root, then written root first.
  std::array<const Path*, 64> stack{};
  size_t n = 0;
  for (const Path* p = this; p != nullptr && n < stack.size(); p = p->parent) stack[n++] = p;
  std::string out;
  for (size_t i = n; i-- > 0;) {
    const Path* p = stack[i];
    if (p->index >= 0) {
      out += '[';
      out += std::to_string(p->index);
      out += ']';
    } else if (!p->key.empty()) {
      if (!out.empty()) out += '.';
      out += p->key;
    }
  }
  return out.empty() ? "statement" : out;
}

bool Problems::fail(const Path& at, std::string_view reason) {
  if (detail_.empty()) {
    detail_ = at.str();
    detail_ += ": ";
    detail_ += reason;
  }
  return false;
}

std::string type_reason(const bj::value& v, std::string_view expected) {
  if (v.is_null()) return "must not be null";
  std::string r = "must be ";
  r += expected;
  return r;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

bool valid_mbox(std::string_view s) {
  static constexpr std::string_view kScheme = "mailto:";
  if (s.substr(0, kScheme.size()) != kScheme) return false;
  std::string_view address = s.substr(kScheme.size());
  size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) return false;
  std::string_view domain = address.substr(at + 1);
  if (domain.find('@') != std::string_view::npos) return false;
  for (unsigned char c : address) {
    // Blanks, controls and the characters an address never holds outside
    // quotes; a query ("?subject=") would make it more than an address.
    if (c <= 0x20 || c == 0x7F || c == '<' || c == '>' || c == '?' || c == '"' || c == '\\') return false;
  }
  return true;
}

bool valid_sha1_hex(std::string_view s) {
  return s.size() == 40 && all_hex(s);
}

bool valid_sha2_hex(std::string_view s) {
  return (s.size() == 56 || s.size() == 64 || s.size() == 96 || s.size() == 128) && all_hex(s);
}

bool valid_media_type(std::string_view s) {
  size_t i = 0;
  auto token = [&] {
    size_t start = i;
    while (i < s.size() && is_token_char(s[i])) ++i;
    return i > start;
  };
  if (!token() || i >= s.size() || s[i] != '/') return false;
  ++i;
  if (!token()) return false;
  // Parameters are kept as given; only controls are refused, as the value
  // ends up in a part header when the attachment is served.
  for (; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7F) return false;
  }
  return true;
}

bool valid_version_property(std::string_view s, Version version) {
  auto family = [&](std::string_view prefix) {
    if (s.substr(0, prefix.size()) != prefix) return false;
    std::string_view rest = s.substr(prefix.size());
    if (rest.empty()) return true;
    if (rest[0] != '.' || rest.size() == 1) return false;
    return std::all_of(rest.begin() + 1, rest.end(), is_digit);
  };
  if (family("1.0")) return true;
  return version == Version::V2_0 && family("2.0");
}

namespace {

// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
// civil-days algorithm, restated).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Reads exactly n digits.
bool digits(std::string_view s, size_t& i, size_t n, int& out) {
  if (i + n > s.size()) return false;
  int v = 0;
  for (size_t k = 0; k < n; ++k) {
    char c = s[i + k];
    if (!is_digit(c)) return false;
    v = v * 10 + (c - '0');
  }
  i += n;
  out = v;
  return true;
}

}  // namespace

std::optional<int64_t> parse_timestamp(std::string_view s, bool strict) {
  size_t i = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, i, 4, year)) return std::nullopt;
  // Extended format separates the fields ("2026-03-01T10:15:00Z"), basic
  // format does not ("20260301T101500Z"); RFC 3339 knows only the former.
  const bool extended = i < s.size() && s[i] == '-';
  if (!extended && strict) return std::nullopt;
  if (extended) ++i;
  if (!digits(s, i, 2, month)) return std::nullopt;
  if (extended && (i >= s.size() || s[i++] != '-')) return std::nullopt;
  if (!digits(s, i, 2, day)) return std::nullopt;
  if (i >= s.size() || (s[i] != 'T' && s[i] != 't' && s[i] != ' ')) return std::nullopt;
  ++i;
  if (!digits(s, i, 2, hour)) return std::nullopt;
  if (extended && (i >= s.size() || s[i++] != ':')) return std::nullopt;
  if (!digits(s, i, 2, minute)) return std::nullopt;
  bool has_seconds = extended ? (i < s.size() && s[i] == ':') : (i < s.size() && is_digit(s[i]));
  if (has_seconds) {
    if (extended) ++i;
    if (!digits(s, i, 2, second)) return std::nullopt;
  } else if (strict) {
    return std::nullopt;
  }
  int64_t fraction_ms = 0;
  if (has_seconds && i < s.size() && (s[i] == '.' || (s[i] == ',' && !strict))) {
    ++i;
    size_t start = i;
    int64_t scale = 100;
    while (i < s.size() && is_digit(s[i])) {
      fraction_ms += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start) return std::nullopt;
  }
  // The zone: required (a local time names no instant), "-00:00" refused.
  if (i >= s.size()) return std::nullopt;
  int offset_minutes = 0;
  if (s[i] == 'Z' || s[i] == 'z') {
    ++i;
  } else if (s[i] == '+' || s[i] == '-') {
    const bool negative = s[i] == '-';
    ++i;
    int oh = 0, om = 0;
    if (!digits(s, i, 2, oh)) return std::nullopt;
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!digits(s, i, 2, om)) return std::nullopt;
    } else if (i < s.size()) {
      if (strict || !digits(s, i, 2, om)) return std::nullopt;
    } else if (strict) {
      return std::nullopt;
    }
    if (oh > 23 || om > 59) return std::nullopt;
    if (negative && oh == 0 && om == 0) return std::nullopt;
    offset_minutes = (negative ? -1 : 1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || static_cast<unsigned>(day) > days_in_month(year, month))
    return std::nullopt;
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return seconds * 1000 + fraction_ms;
}

}  // namespace detail

using detail::is_alnum;
using detail::is_alpha;
using detail::is_digit;
using detail::is_hex;

std::optional<int64_t> parse_timestamp_ms(std::string_view s) {
  return detail::parse_timestamp(s, false);
}

bool valid_duration(std::string_view s) {
  // P [nY][nM][nW][nD] [T [nH][nM][nS]], weeks alone; every number digits
  // with an optional fraction, which only the last unit may carry.
  if (s.size() < 2 || s[0] != 'P') return false;
  size_t i = 1;
  static constexpr std::string_view kDateUnits = "YMWD";
  static constexpr std::string_view kTimeUnits = "HMS";
  bool in_time = false, any = false, any_time = false, fraction_seen = false, week = false;
  size_t next_unit = 0;  // index into the current unit list: units come in order
  while (i < s.size()) {
    if (s[i] == 'T') {
      if (in_time) return false;
      in_time = true;
      next_unit = 0;
      ++i;
      if (i == s.size()) return false;
      continue;
    }
    if (fraction_seen) return false;  // a unit after a fractional one
    size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return false;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      ++i;
      size_t fstart = i;
      while (i < s.size() && is_digit(s[i])) ++i;
      if (i == fstart) return false;
      fraction_seen = true;
    }
    if (i >= s.size()) return false;
    std::string_view units = in_time ? kTimeUnits : kDateUnits;
    size_t u = units.find(s[i], next_unit);
    if (u == std::string_view::npos) return false;
    if (!in_time && s[i] == 'W') week = true;
    next_unit = u + 1;
    any = true;
    any_time = any_time || in_time;
    ++i;
  }
  if (!any || (in_time && !any_time)) return false;
  if (week) {
    // "P4W" only: weeks do not combine with other units.
    size_t units = 0;
    for (char c : s)
      if (is_alpha(c) && c != 'P') ++units;
    if (units != 1) return false;
  }
  return true;
}

bool valid_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!is_hex(s[i])) {
      return false;
    }
  }
  // RFC 4122's variant: the two top bits of clock_seq_hi_and_reserved are 10.
  char variant = detail::lower(s[19]);
  return variant == '8' || variant == '9' || variant == 'a' || variant == 'b';
}

namespace {

// Bytes an IRI never holds outside percent-encoding: controls, the blank and
// the characters RFC 3987 excludes. One table lookup per character, as this
// runs on every identifier of every statement.
constexpr std::array<bool, 256> kNotInIri = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c <= 0x20; ++c) t[c] = true;
  t[0x7F] = true;
  for (unsigned char c : std::string_view("<>\"{}|\\^`")) t[c] = true;
  return t;
}();

}  // namespace

bool valid_iri(std::string_view s) {
  if (s.empty() || !is_alpha(s[0])) return false;
  size_t i = 1;
  while (i < s.size() && (is_alnum(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')) ++i;
  if (i >= s.size() || s[i] != ':' || i + 1 == s.size()) return false;
  for (++i; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (kNotInIri[c]) return false;
    if (c == '%') {
      if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) return false;
      i += 2;
    }
  }
  return true;
}

namespace {

// RFC 5646 section 2.2.8: tags registered before the current syntax, kept
// whole. Compared case-insensitively.
constexpr std::array<std::string_view, 26> kGrandfathered = {
    "en-gb-oed",   "i-ami",  "i-bnn",  "i-default", "i-enochian", "i-hak",     "i-klingon",  "i-lux",     "i-mingo",
    "i-navajo",    "i-pwn",  "i-tao",  "i-tay",     "i-tsu",      "sgn-be-fr", "sgn-be-nl",  "sgn-ch-de", "art-lojban",
    "cel-gaulish", "no-bok", "no-nyn", "zh-guoyu",  "zh-hakka",   "zh-min",    "zh-min-nan", "zh-xiang"};

bool all_of(std::string_view s, bool (*pred)(char)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), pred);
}

// The tags nearly every map uses ("en", "fr", "en-US", "es-419", "ast"):
// a language of 2-3 letters and an optional region, recognised without the
// general parse.
bool simple_language_tag(std::string_view tag) {
  auto letters = [](std::string_view s) { return std::all_of(s.begin(), s.end(), is_alpha); };
  auto digits_only = [](std::string_view s) { return std::all_of(s.begin(), s.end(), is_digit); };
  if (tag.size() == 2 || tag.size() == 3) return letters(tag);
  size_t dash = tag.find('-');
  if (dash != 2 && dash != 3) return false;
  std::string_view region = tag.substr(dash + 1);
  return letters(tag.substr(0, dash)) &&
         ((region.size() == 2 && letters(region)) || (region.size() == 3 && digits_only(region)));
}

}  // namespace

bool valid_language_tag(std::string_view tag) {
  if (simple_language_tag(tag)) return true;
  if (tag.empty() || tag.size() > 256) return false;
  for (std::string_view g : kGrandfathered)
    if (detail::iequals(tag, g)) return true;
  // Split into subtags; an empty subtag ("en--US", "en-") is malformed.
  std::array<std::string_view, 64> sub{};
  size_t n = 0;
  size_t start = 0;
  for (size_t i = 0; i <= tag.size(); ++i) {
    if (i == tag.size() || tag[i] == '-') {
      if (i == start || n == sub.size()) return false;
      sub[n++] = tag.substr(start, i - start);
      start = i + 1;
    }
  }
  size_t k = 0;
  auto private_use = [&](size_t from) {
    // "x" 1*("-" 1*8alphanum), to the end.
    if (from + 1 >= n) return false;
    for (size_t j = from + 1; j < n; ++j)
      if (sub[j].size() > 8 || !all_of(sub[j], is_alnum)) return false;
    return true;
  };
  if (detail::iequals(sub[0], "x")) return private_use(0);
  // language: 2-3 letters (+ up to three 3-letter extlangs), or 4, or 5-8.
  if (!all_of(sub[0], is_alpha) || sub[0].size() < 2 || sub[0].size() > 8) return false;
  bool short_language = sub[0].size() <= 3;
  k = 1;
  if (short_language) {
    size_t extlangs = 0;
    while (k < n && extlangs < 3 && sub[k].size() == 3 && all_of(sub[k], is_alpha)) {
      ++k;
      ++extlangs;
    }
  }
  if (k < n && sub[k].size() == 4 && all_of(sub[k], is_alpha)) ++k;  // script
  if (k < n && ((sub[k].size() == 2 && all_of(sub[k], is_alpha)) || (sub[k].size() == 3 && all_of(sub[k], is_digit))))
    ++k;  // region
  // variants: 5-8 alphanumerics, or a digit and 3 alphanumerics; no repeats.
  size_t first_variant = k;
  while (k < n && ((sub[k].size() >= 5 && sub[k].size() <= 8 && all_of(sub[k], is_alnum)) ||
                   (sub[k].size() == 4 && is_digit(sub[k][0]) && all_of(sub[k], is_alnum)))) {
    for (size_t j = first_variant; j < k; ++j)
      if (detail::iequals(sub[j], sub[k])) return false;
    ++k;
  }
  // extensions: a singleton (not "x") and one or more 2-8 alphanumerics; a
  // singleton appears once.
  std::array<bool, 36> singleton_seen{};
  while (k < n && sub[k].size() == 1 && !detail::iequals(sub[k], "x")) {
    char c = detail::lower(sub[k][0]);
    if (!is_alnum(c)) return false;
    size_t slot = is_digit(c) ? static_cast<size_t>(c - '0') : static_cast<size_t>(10 + c - 'a');
    if (singleton_seen[slot]) return false;
    singleton_seen[slot] = true;
    ++k;
    size_t start_ext = k;
    while (k < n && sub[k].size() >= 2 && sub[k].size() <= 8 && all_of(sub[k], is_alnum)) ++k;
    if (k == start_ext) return false;
  }
  if (k < n && detail::iequals(sub[k], "x")) return private_use(k);
  return k == n;
}

}  // namespace trivium::xapi
