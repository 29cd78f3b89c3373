// The syntax of xAPI's values: UUIDs, IRIs, mailto addresses, digests, media
// types, timestamps (ISO 8601 / RFC 3339) and durations (ISO 8601
// designators); language tags (RFC 5646) are core's (core/text.h), shared
// with caption tracks. Hand-written scanners rather than regular
// expressions: they run for every value of every statement ingested.
#include <algorithm>
#include <array>

#include "core/text.h"
#include "xapi/statement.h"

namespace trivium::xapi {

using text::is_alnum;
using text::is_alpha;
using text::is_digit;
using text::is_hex;

namespace detail {

namespace {

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
  char variant = text::lower(s[19]);
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

}  // namespace trivium::xapi
