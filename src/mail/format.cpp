// RFC 5322 / RFC 2045 / RFC 2047 message formatting.
#include "mail/format.h"

#include <sodium.h>

#include <cstdio>
#include <ctime>

namespace trivium::mail::detail {
namespace {

constexpr std::string_view kCrlf = "\r\n";
// Input bytes per encoded-word: 45 bytes are 60 base64 characters, which
// with "=?UTF-8?B?" and "?=" stays within the 75-character limit.
constexpr size_t kEncodedWordBytes = 45;
constexpr size_t kQpLineLimit = 76;

bool is_printable_ascii(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

bool has_control(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

std::string base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// Length of the longest prefix of `s` of at most `max` bytes that does not
// cut a UTF-8 sequence.
size_t utf8_prefix(std::string_view s, size_t max) {
  if (s.size() <= max) return s.size();
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n == 0 ? max : n;
}

char hex_digit(int v) {
  return "0123456789ABCDEF"[v & 15];
}

void append_qp_line(std::string& out, std::string_view line) {
  size_t col = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    auto c = static_cast<unsigned char>(line[i]);
    bool last = i + 1 == line.size();
    bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
    if (c == '.' && col == 0) literal = false;
    std::string piece;
    if (literal) {
      piece.assign(1, static_cast<char>(c));
    } else {
      piece = {'=', hex_digit(c >> 4), hex_digit(c)};
    }
    // Leave room for the "=" of a soft line break.
    if (col + piece.size() > kQpLineLimit - 1) {
      out += "=";
      out += kCrlf;
      col = 0;
      if (piece == ".") piece = "=2E";
    }
    out += piece;
    col += piece.size();
  }
}

}  // namespace

bool is_plain_address(std::string_view a) {
  if (a.empty() || a.size() > 254) return false;
  size_t at = a.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == a.size()) return false;
  if (a.find('@', at + 1) != std::string_view::npos) return false;
  for (unsigned char c : a) {
    if (c <= 0x20 || c >= 0x7f) return false;
    if (std::string_view("<>()[],;:\\\"").find(static_cast<char>(c)) != std::string_view::npos) {
      return false;
    }
  }
  return true;
}

Result<Mailbox> parse_mailbox(std::string_view text) {
  if (has_control(text)) return invalid("from", "control_character", "Control characters are not allowed.");
  size_t lt = text.rfind('<');
  if (lt == std::string_view::npos) {
    if (!is_plain_address(text)) return invalid("from", "address", "Not an e-mail address.");
    return Mailbox{{}, std::string(text)};
  }
  if (text.empty() || text.back() != '>') return invalid("from", "address", "Not an e-mail address.");
  std::string_view addr = text.substr(lt + 1, text.size() - lt - 2);
  std::string_view name = text.substr(0, lt);
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);
  }
  if (!is_plain_address(addr)) return invalid("from", "address", "Not an e-mail address.");
  return Mailbox{std::string(name), std::string(addr)};
}

std::string encode_header_text(std::string_view text) {
  if (is_printable_ascii(text)) return std::string(text);
  std::string out;
  while (!text.empty()) {
    size_t n = utf8_prefix(text, kEncodedWordBytes);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?";
    out += base64(text.substr(0, n));
    out += "?=";
    text.remove_prefix(n);
  }
  return out;
}

std::string format_mailbox(const Mailbox& m) {
  if (m.display_name.empty()) return m.address;
  std::string name;
  if (is_printable_ascii(m.display_name)) {
    name = "\"";
    for (char c : m.display_name) {
      if (c == '"' || c == '\\') name += '\\';
      name += c;
    }
    name += "\"";
  } else {
    name = encode_header_text(m.display_name);
  }
  return name + " <" + m.address + ">";
}

std::string quoted_printable(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  while (true) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    append_qp_line(out, line);
    if (nl == std::string_view::npos) break;
    out += kCrlf;
    text.remove_prefix(nl + 1);
  }
  return out;
}

std::string rfc5322_date(int64_t epoch_ms) {
  std::time_t t = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

Result<std::string> format_message(const Message& m, const Mailbox& from, int64_t now_ms, std::string_view message_id) {
  TRV_TRY(validate(m));
  if (!is_plain_address(from.address) || has_control(from.display_name) || has_control(message_id)) {
    return invalid("from", "control_character", "The sender is not a safe header value.");
  }
  std::string out;
  out.reserve(512 + m.text.size() * 11 / 10);
  auto header = [&](std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    out += value;
    out += kCrlf;
  };
  header("Date", rfc5322_date(now_ms));
  header("From", format_mailbox(from));
  header("To", m.to);
  header("Subject", encode_header_text(m.subject));
  header("Message-ID", message_id);
  header("MIME-Version", "1.0");
  header("Content-Type", "text/plain; charset=utf-8");
  header("Content-Transfer-Encoding", "quoted-printable");
  header("Auto-Submitted", "auto-generated");
  out += kCrlf;
  out += quoted_printable(m.text);
  out += kCrlf;
  return out;
}

}  // namespace trivium::mail::detail

namespace trivium::mail {

Result<void> validate(const Message& m) {
  if (!detail::is_plain_address(m.to)) {
    return invalid("to", "address", "The recipient must be one plain e-mail address.");
  }
  for (unsigned char c : m.subject) {
    if (c < 0x20 || c == 0x7f) {
      return invalid("subject", "control_character", "The subject must be a single line.");
    }
  }
  if (m.subject.size() > 900) return invalid("subject", "too_long", "The subject is too long.");
  return ok();
}

}  // namespace trivium::mail
