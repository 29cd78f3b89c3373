// Text rules of the question model, private to src/questions: how authors'
// and learners' text is checked (UTF-8), and how a typed answer is compared
// with an accepted one (white space, case, wildcards, numbers with units).
//
// Grading depends on every function here, so each is deterministic and
// locale-free: a server in a Turkish or German locale grades exactly like
// one in "C".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace trivium::questions::answer_text {

// The most bytes of one text an author or a learner may write: a question's
// stem, an essay, a short answer.
inline constexpr size_t kMaxTextBytes = 65536;

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing
// above U+10FFFF, no truncated sequence.
bool valid_utf8(std::string_view s);

// Trims white space at both ends and turns every inner run of white space
// into one ASCII space. White space is ASCII's (space, \t, \n, \v, \f, \r)
// plus the Unicode space separators learners paste from word processors
// (U+00A0, U+2000..U+200A, U+202F, U+205F, U+3000) and U+1680. Expects
// valid UTF-8; invalid bytes are copied through.
std::string normalise_space(std::string_view s);

// Case folding for case-insensitive answers: A-Z, Latin-1, Latin
// Extended-A/B and Additional (Vietnamese), Greek, Cyrillic, Armenian and
// full-width Latin, after Unicode's CaseFolding.txt, simple foldings
// (statuses C and S), plus "ß" and "ẞ" to "ss" so "STRASSE" matches
// "Straße". Two deliberate differences from full folding: "İ" (U+0130)
// folds to a plain "i", not "i" + U+0307, so "İstanbul" matches
// "istanbul"; small letters whose full folding decomposes ("ŉ", "ǰ")
// stay as they are. Letters outside these blocks are left unchanged, and
// no normalisation (NFC) is applied.
std::string fold_case(std::string_view s);

// Whether `text` matches the short-answer `pattern` as a whole: '*' matches
// any run of characters (also none), "\*" is a literal star; every other
// character, a lone backslash included, stands for itself. Both are
// compared as given (callers normalise space and fold case first).
// Linear in the text for a fixed pattern: the pattern's literal pieces are
// matched leftmost-first, which is exact for a pattern whose only operator
// is '*'.
bool wildcard_match(std::string_view pattern, std::string_view text);

// A learner's number: "12.5", "-3", "+4", "1e3", "2.5E-2", ".5", "1,5"
// (a decimal comma), optionally followed by a unit with or without a space
// ("12 cm", "12cm"). The Unicode minus (U+2212) is a minus. Thousands
// separators are not understood ("1,234.5" is not a number).
struct NumberWithUnit {
  double number = 0;
  std::string unit;  // trimmed; empty when there is none
};
std::optional<NumberWithUnit> parse_number(std::string_view response);

// The shortest text that reads back as the same double ("12.5", "0.1",
// "1e+21"); integers without a fraction part ("3").
std::string format_number(double v);

// At most `max_chars` code points of valid UTF-8 `s`, with "…" appended
// when something was cut.
std::string truncate_chars(std::string_view s, size_t max_chars);

}  // namespace trivium::questions::answer_text
