// ASCII text rules that protocols and formats share: character classes,
// case-insensitive comparison and RFC 5646 language tags. They look at bytes,
// not characters, and ignore the C locale on purpose: a Turkish or German
// locale must not change what counts as a letter in an xAPI language map or
// a caption track, and no byte of a multi-byte UTF-8 sequence (>= 0x80) is
// ever a letter, a digit or the upper case of anything.
#pragma once

#include <string>
#include <string_view>

namespace trivium::text {

// Inline: scanners call these for every byte of every value they check.
constexpr bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}
constexpr bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// A-Z to a-z; every other byte unchanged.
constexpr char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Equal once A-Z are folded to a-z; other bytes must match exactly.
bool iequals(std::string_view a, std::string_view b);
// A copy with A-Z folded to a-z.
std::string to_lower(std::string_view s);

// A well-formed RFC 5646 language tag (section 2.1, case-insensitive):
// language[-extlang...][-script][-region][-variant...][-extension...]
// [-x-private...], a private-use tag alone ("x-..."), or one of the 26
// grandfathered tags ("i-klingon", "zh-min-nan"). Variants and extension
// singletons may not repeat (2.2.5, 2.2.6). Well-formed, not valid against
// the IANA registry: "qq-ZZ" passes. Tags of more than 256 bytes or 64
// subtags are refused, which no real tag comes near.
bool valid_language_tag(std::string_view tag);

}  // namespace trivium::text
