#include "questions/answer_text.h"

#include <charconv>
#include <cmath>
#include <vector>

namespace trivium::questions::answer_text {

namespace {

// Decodes the code point at s[i] of valid UTF-8 and advances i; an invalid
// byte is returned as itself (callers copy it through unchanged).
char32_t next_code_point(std::string_view s, size_t& i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return c;
  }
  char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (b(i + k) & 0x3F);
  i += len;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_space(char32_t c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

// In [first, last], the code points at an even (or odd) distance from
// `first` are capitals whose small letter follows them: Unicode lays out
// most of Latin Extended, Cyrillic's later blocks and Vietnamese that way.
bool in_pair_run(char32_t c, char32_t first, char32_t last) {
  return c >= first && c <= last && (c - first) % 2 == 0;
}

// The simple (one code point) folding of c; c itself when it has none.
// Multi-letter foldings are handled by fold_case.
char32_t fold_one(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 0x20 : c;
  // Latin-1 Supplement.
  if (c == 0xB5) return 0x3BC;  // micro sign -> Greek mu
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;
  if (c < 0x100) return c;
  // Latin Extended-A.
  if (in_pair_run(c, 0x100, 0x12E) || in_pair_run(c, 0x132, 0x136) || in_pair_run(c, 0x139, 0x147) ||
      in_pair_run(c, 0x14A, 0x176) || in_pair_run(c, 0x179, 0x17D))
    return c + 1;
  if (c == 0x178) return 0xFF;
  if (c == 0x17F) return 's';
  // Latin Extended-B: the scattered capitals, then the regular runs.
  switch (c) {
    case 0x181: return 0x253;
    case 0x186: return 0x254;
    case 0x189: return 0x256;
    case 0x18A: return 0x257;
    case 0x18E: return 0x1DD;
    case 0x18F: return 0x259;
    case 0x190: return 0x25B;
    case 0x193: return 0x260;
    case 0x194: return 0x263;
    case 0x196: return 0x269;
    case 0x197: return 0x268;
    case 0x19C: return 0x26F;
    case 0x19D: return 0x272;
    case 0x19F: return 0x275;
    case 0x1A6: return 0x280;
    case 0x1A9: return 0x283;
    case 0x1AE: return 0x288;
    case 0x1B1: return 0x28A;
    case 0x1B2: return 0x28B;
    case 0x1B7: return 0x292;
    case 0x1C4:
    case 0x1C5: return 0x1C6;
    case 0x1C7:
    case 0x1C8: return 0x1C9;
    case 0x1CA:
    case 0x1CB: return 0x1CC;
    case 0x1F1:
    case 0x1F2: return 0x1F3;
    case 0x1F6: return 0x195;
    case 0x1F7: return 0x1BF;
    case 0x220: return 0x19E;
    case 0x23A: return 0x2C65;
    case 0x23B: return 0x23C;
    case 0x23D: return 0x19A;
    case 0x23E: return 0x2C66;
    case 0x241: return 0x242;
    case 0x243: return 0x180;
    case 0x244: return 0x289;
    case 0x245: return 0x28C;
    case 0x187:
    case 0x18B:
    case 0x191:
    case 0x198:
    case 0x1A7:
    case 0x1AC:
    case 0x1AF:
    case 0x1B3:
    case 0x1B5:
    case 0x1B8:
    case 0x1BC:
    case 0x1F4: return c + 1;
    default: break;
  }
  if (in_pair_run(c, 0x182, 0x184) || in_pair_run(c, 0x1A0, 0x1A4) || in_pair_run(c, 0x1CD, 0x1DB) ||
      in_pair_run(c, 0x1DE, 0x1EE) || in_pair_run(c, 0x1F8, 0x21E) || in_pair_run(c, 0x222, 0x232) ||
      in_pair_run(c, 0x246, 0x24E))
    return c + 1;
  if (c == 0x345) return 0x3B9;  // combining iota subscript
  if (c < 0x370) return c;
  // Greek.
  if (c == 0x370 || c == 0x372 || c == 0x376) return c + 1;
  if (c == 0x37F) return 0x3F3;
  if (c == 0x386) return 0x3AC;
  if (c >= 0x388 && c <= 0x38A) return c + 0x25;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 0x3F;
  if ((c >= 0x391 && c <= 0x3A1) || (c >= 0x3A3 && c <= 0x3AB)) return c + 0x20;
  if (c == 0x3C2) return 0x3C3;  // final sigma folds to sigma
  switch (c) {
    case 0x3CF: return 0x3D7;
    case 0x3D0: return 0x3B2;
    case 0x3D1: return 0x3B8;
    case 0x3D5: return 0x3C6;
    case 0x3D6: return 0x3C0;
    case 0x3F0: return 0x3BA;
    case 0x3F1: return 0x3C1;
    case 0x3F4: return 0x3B8;
    case 0x3F5: return 0x3B5;
    case 0x3F7: return 0x3F8;
    case 0x3F9: return 0x3F2;
    case 0x3FA: return 0x3FB;
    case 0x3FD:
    case 0x3FE:
    case 0x3FF: return c - 0x82;
    default: break;
  }
  if (in_pair_run(c, 0x3D8, 0x3EE)) return c + 1;
  // Cyrillic.
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;
  if (in_pair_run(c, 0x460, 0x480) || in_pair_run(c, 0x48A, 0x4BE) || in_pair_run(c, 0x4D0, 0x52E)) return c + 1;
  if (c == 0x4C0) return 0x4CF;
  if (in_pair_run(c, 0x4C1, 0x4CD)) return c + 1;
  // Armenian.
  if (c >= 0x531 && c <= 0x556) return c + 0x30;
  // Latin Extended Additional (Vietnamese and others).
  if (in_pair_run(c, 0x1E00, 0x1E94) || in_pair_run(c, 0x1EA0, 0x1EFE)) return c + 1;
  if (c == 0x1E9B) return 0x1E61;
  // Full-width Latin capitals.
  if (c >= 0xFF21 && c <= 0xFF3A) return c + 0x20;
  return c;
}

}  // namespace

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    char32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;  // a continuation byte first, C0/C1 (overlong) or F5..FF
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;  // overlong
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;                            // surrogate
    if (cp > 0x10FFFF) return false;
    i += len;
  }
  return true;
}

std::string normalise_space(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  size_t i = 0;
  while (i < s.size()) {
    const size_t start = i;
    const char32_t cp = next_code_point(s, i);
    if (is_space(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out.append(s.substr(start, i - start));
  }
  return out;
}

std::string fold_case(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const size_t start = i;
    const char32_t cp = next_code_point(s, i);
    if (cp < 0x80) {
      out += static_cast<char>(fold_one(cp));
    } else if (cp == 0xDF || cp == 0x1E9E) {
      out += "ss";  // sharp s, small and capital (full folding)
    } else if (cp == 0x130) {
      out += 'i';  // see the header: a plain i, not i + combining dot
    } else if (i - start == 1) {
      out += s[start];  // an invalid byte, copied through
    } else {
      append_utf8(out, fold_one(cp));
    }
  }
  return out;
}

bool wildcard_match(std::string_view pattern, std::string_view text) {
  // Split into the literal pieces between unescaped stars.
  std::vector<std::string> pieces(1);
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size() && pattern[i + 1] == '*') {
      pieces.back() += '*';
      ++i;
    } else if (pattern[i] == '*') {
      pieces.emplace_back();
    } else {
      pieces.back() += pattern[i];
    }
  }
  if (pieces.size() == 1) return text == pieces[0];
  const std::string& head = pieces.front();
  const std::string& tail = pieces.back();
  if (text.size() < head.size() + tail.size()) return false;
  if (text.substr(0, head.size()) != head) return false;
  if (text.substr(text.size() - tail.size()) != tail) return false;
  // The middle pieces must occur in order, without overlapping each other,
  // the head or the tail; the leftmost occurrence of each leaves the most
  // room for the rest, so a greedy scan is exact.
  std::string_view middle = text.substr(head.size(), text.size() - head.size() - tail.size());
  for (size_t k = 1; k + 1 < pieces.size(); ++k) {
    const size_t at = middle.find(pieces[k]);
    if (at == std::string_view::npos) return false;
    middle.remove_prefix(at + pieces[k].size());
  }
  return true;
}

std::optional<NumberWithUnit> parse_number(std::string_view response) {
  const std::string s = normalise_space(response);
  std::string ascii;  // the number as std::from_chars reads it
  size_t i = 0;
  const auto digit_at = [&](size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    if (s[i] == '-') ascii += '-';
    ++i;
  } else if (s.compare(0, 3, "\xE2\x88\x92") == 0) {  // U+2212 MINUS SIGN
    ascii += '-';
    i += 3;
  }
  bool any_digit = false;
  while (digit_at(i)) {
    ascii += s[i++];
    any_digit = true;
  }
  if (i < s.size() && (s[i] == '.' || s[i] == ',') && digit_at(i + 1)) {
    ascii += '.';
    ++i;
    while (digit_at(i)) ascii += s[i++];
    any_digit = true;
  }
  if (!any_digit) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t k = i + 1;
    if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
    if (digit_at(k)) {
      ascii += 'e';
      ascii.append(s, i + 1, k - i - 1);
      i = k;
      while (digit_at(i)) ascii += s[i++];
    }
  }
  NumberWithUnit out;
  const auto [end, ec] = std::from_chars(ascii.data(), ascii.data() + ascii.size(), out.number);
  if (ec != std::errc() || end != ascii.data() + ascii.size() || !std::isfinite(out.number)) return std::nullopt;
  std::string_view rest = std::string_view(s).substr(i);
  if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  out.unit = std::string(rest);
  return out;
}

std::string format_number(double v) {
  if (v == 0) return "0";  // also -0
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) return "NaN";
  return std::string(buf, end);
}

std::string truncate_chars(std::string_view s, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (chars == max_chars) return std::string(s.substr(0, i)) + "\xE2\x80\xA6";
    ++chars;
  }
  return std::string(s);
}

}  // namespace trivium::questions::answer_text
