// The language tag check is a hand-written scanner over the ABNF of RFC 5646
// section 2.1 rather than a regular expression: it runs for every key of
// every language map of every xAPI statement ingested, and the common tags
// ("en", "en-US") take a fast path that never splits the tag.
#include "core/text.h"

#include <algorithm>
#include <array>

namespace trivium::text {

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

namespace {

constexpr size_t kMaxTagBytes = 256;
constexpr size_t kMaxSubtags = 64;

// RFC 5646 section 2.2.8: tags registered before the current syntax, kept
// whole (several do not fit it). Compared case-insensitively.
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
  if (tag.size() == 2 || tag.size() == 3) return all_of(tag, is_alpha);
  size_t dash = tag.find('-');
  if (dash != 2 && dash != 3) return false;
  std::string_view region = tag.substr(dash + 1);
  return all_of(tag.substr(0, dash), is_alpha) &&
         ((region.size() == 2 && all_of(region, is_alpha)) || (region.size() == 3 && all_of(region, is_digit)));
}

}  // namespace

bool valid_language_tag(std::string_view tag) {
  if (simple_language_tag(tag)) return true;
  if (tag.empty() || tag.size() > kMaxTagBytes) return false;
  for (std::string_view g : kGrandfathered)
    if (iequals(tag, g)) return true;
  // Split into subtags; an empty subtag ("en--US", "en-") is malformed.
  std::array<std::string_view, kMaxSubtags> sub{};
  size_t n = 0;
  size_t start = 0;
  for (size_t i = 0; i <= tag.size(); ++i) {
    if (i == tag.size() || tag[i] == '-') {
      if (i == start || n == sub.size()) return false;
      sub[n++] = tag.substr(start, i - start);
      start = i + 1;
    }
  }
  auto private_use = [&](size_t from) {
    // "x" 1*("-" 1*8alphanum), to the end.
    if (from + 1 >= n) return false;
    for (size_t j = from + 1; j < n; ++j)
      if (sub[j].size() > 8 || !all_of(sub[j], is_alnum)) return false;
    return true;
  };
  if (iequals(sub[0], "x")) return private_use(0);
  // language: 2-3 letters (+ up to three 3-letter extlangs), or 4, or 5-8.
  if (!all_of(sub[0], is_alpha) || sub[0].size() < 2 || sub[0].size() > 8) return false;
  size_t k = 1;
  if (sub[0].size() <= 3) {
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
  const size_t first_variant = k;
  while (k < n && ((sub[k].size() >= 5 && sub[k].size() <= 8 && all_of(sub[k], is_alnum)) ||
                   (sub[k].size() == 4 && is_digit(sub[k][0]) && all_of(sub[k], is_alnum)))) {
    for (size_t j = first_variant; j < k; ++j)
      if (iequals(sub[j], sub[k])) return false;
    ++k;
  }
  // extensions: a singleton (not "x") and one or more 2-8 alphanumerics; a
  // singleton appears once.
  std::array<bool, 36> singleton_seen{};
  while (k < n && sub[k].size() == 1 && !iequals(sub[k], "x")) {
    const char c = lower(sub[k][0]);
    if (!is_alnum(c)) return false;
    const size_t slot = is_digit(c) ? static_cast<size_t>(c - '0') : static_cast<size_t>(10 + c - 'a');
    if (singleton_seen[slot]) return false;
    singleton_seen[slot] = true;
    ++k;
    const size_t first_extension = k;
    while (k < n && sub[k].size() >= 2 && sub[k].size() <= 8 && all_of(sub[k], is_alnum)) ++k;
    if (k == first_extension) return false;
  }
  if (k < n && iequals(sub[k], "x")) return private_use(k);
  return k == n;
}

}  // namespace trivium::text
