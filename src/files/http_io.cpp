// The HTTP details of serving files: Range (RFC 9110 section 14), the chunk
// uploads' Content-Range, entity-tag lists, HTTP dates and
// Content-Disposition (RFC 6266 with RFC 8187's extended parameter).
#include <algorithm>
#include <cctype>
#include <ctime>
#include <limits>

#include "files/internal.h"

namespace trivium::files::detail {
namespace {

constexpr uint64_t kHuge = std::numeric_limits<uint64_t>::max();
// More ranges than this in one header is abuse, not a video player: the
// header is ignored and the whole file sent.
constexpr size_t kMaxRanges = 64;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Non-empty run of digits; values past uint64 saturate (a position past any
// file is as good as infinite).
std::optional<uint64_t> digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    v = v > (kHuge - d) / 10 ? kHuge : v * 10 + d;
  }
  return v;
}

struct Spec {
  bool suffix = false;
  uint64_t first = 0;
  std::optional<uint64_t> last;  // for int-range; the length for a suffix
};

std::optional<Spec> parse_spec(std::string_view s) {
  auto dash = s.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  Spec spec;
  if (dash == 0) {
    auto n = digits(s.substr(1));
    if (!n) return std::nullopt;
    spec.suffix = true;
    spec.last = *n;
    return spec;
  }
  auto first = digits(s.substr(0, dash));
  if (!first) return std::nullopt;
  spec.first = *first;
  std::string_view rest = s.substr(dash + 1);
  if (!rest.empty()) {
    auto last = digits(rest);
    if (!last || *last < *first) return std::nullopt;  // last < first: invalid (14.1.1)
    spec.last = *last;
  }
  return spec;
}

// The part of the file a spec names, if it overlaps the file at all.
std::optional<ByteRange> resolve(const Spec& s, uint64_t size) {
  if (size == 0) return std::nullopt;
  if (s.suffix) {
    if (*s.last == 0) return std::nullopt;
    return ByteRange{size - std::min(*s.last, size), size - 1};
  }
  if (s.first >= size) return std::nullopt;
  return ByteRange{s.first, std::min(s.last.value_or(kHuge), size - 1)};
}

bool attr_char(unsigned char c) {
  if (std::isalnum(c)) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '&':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~': return true;
    default: return false;
  }
}

}  // namespace

RangeAnswer parse_range(std::string_view header, uint64_t size) {
  RangeAnswer whole;
  header = trim(header);
  auto eq = header.find('=');
  if (eq == std::string_view::npos || !iequals(trim(header.substr(0, eq)), "bytes")) return whole;
  std::vector<Spec> specs;
  std::string_view set = header.substr(eq + 1);
  while (true) {
    auto comma = set.find(',');
    std::string_view item = trim(set.substr(0, comma));
    if (!item.empty()) {  // lists may hold empty elements (RFC 9110 5.6.1.2)
      auto spec = parse_spec(item);
      if (!spec) return whole;  // invalid syntax: the header is ignored
      specs.push_back(*spec);
      if (specs.size() > kMaxRanges) return whole;
    }
    if (comma == std::string_view::npos) break;
    set.remove_prefix(comma + 1);
  }
  if (specs.empty()) return whole;
  std::optional<ByteRange> first_satisfiable;
  for (const Spec& s : specs) {
    if (auto r = resolve(s, size)) {
      first_satisfiable = r;
      break;
    }
  }
  if (!first_satisfiable) return {RangeAnswer::Kind::Unsatisfiable, {}};
  if (specs.size() > 1) return whole;
  return {RangeAnswer::Kind::Partial, *first_satisfiable};
}

std::optional<ChunkRange> parse_content_range(std::string_view header) {
  header = trim(header);
  auto space = header.find(' ');
  if (space == std::string_view::npos || !iequals(header.substr(0, space), "bytes")) return std::nullopt;
  std::string_view rest = header.substr(space + 1);
  auto dash = rest.find('-');
  auto slash = rest.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) return std::nullopt;
  auto start = digits(rest.substr(0, dash));
  auto end = digits(rest.substr(dash + 1, slash - dash - 1));
  auto total = digits(rest.substr(slash + 1));
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (!start || !end || !total || *total > kMax || *start > *end || *end >= *total) return std::nullopt;
  return ChunkRange{static_cast<int64_t>(*start), static_cast<int64_t>(*end), static_cast<int64_t>(*total)};
}

std::string content_disposition(bool inline_, std::string_view filename) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string fallback;
  std::string extended;
  for (size_t i = 0; i < filename.size(); ++i) {
    const auto c = static_cast<unsigned char>(filename[i]);
    // One '_' per character, not per byte, for the fallback.
    if (c >= 0x80) {
      if ((c & 0xC0) != 0x80) fallback += '_';
    } else if (c < 0x20 || c == 0x7F || c == '"' || c == '\\' || c == '%') {
      fallback += '_';
    } else {
      fallback += static_cast<char>(c);
    }
    if (attr_char(c)) {
      extended += static_cast<char>(c);
    } else {
      extended += '%';
      extended += kHex[c >> 4];
      extended += kHex[c & 0x0F];
    }
  }
  if (fallback.empty()) fallback = "file";
  std::string out = inline_ ? "inline" : "attachment";
  out += "; filename=\"" + fallback + "\"";
  if (!extended.empty()) out += "; filename*=UTF-8''" + extended;
  return out;
}

bool etag_list_matches(std::string_view list, std::string_view etag, bool weak) {
  list = trim(list);
  if (list == "*") return true;
  const bool ours_weak = etag.starts_with("W/");
  std::string_view ours = ours_weak ? etag.substr(2) : etag;
  size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && (list[i] == ' ' || list[i] == '\t' || list[i] == ',')) ++i;
    if (i >= list.size()) break;
    bool theirs_weak = false;
    if (list.compare(i, 2, "W/") == 0) {
      theirs_weak = true;
      i += 2;
    }
    if (i >= list.size() || list[i] != '"') return false;  // malformed: no match
    auto close = list.find('"', i + 1);
    if (close == std::string_view::npos) return false;
    std::string_view theirs = list.substr(i, close - i + 1);
    if (theirs == ours && (weak || (!theirs_weak && !ours_weak))) return true;
    i = close + 1;
  }
  return false;
}

std::string format_http_date(int64_t epoch_s) {
  std::time_t t = static_cast<std::time_t>(epoch_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::optional<int64_t> parse_http_date(std::string_view text) {
  std::string s(trim(text));
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  // Only IMF-fixdate; the obsolete forms are rare enough to be treated as
  // absent (the condition is then ignored, which is always safe).
  if (!end || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace trivium::files::detail
