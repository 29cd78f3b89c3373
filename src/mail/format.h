// Building RFC 5322 messages; internal to the mail module (and its tests).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "mail/mail.h"

namespace trivium::mail::detail {

// A mailbox: optional display name and the bare address.
struct Mailbox {
  std::string display_name;
  std::string address;
};

// True for one bare address ("ada@example.org"): printable ASCII only, no
// spaces, angle brackets, commas or other characters that could smuggle a
// second recipient or header into the SMTP dialogue.
bool is_plain_address(std::string_view address);

// Parses "Display Name <addr@host>" or "addr@host"; Invalid otherwise.
Result<Mailbox> parse_mailbox(std::string_view text);

// Header text as is when it is printable ASCII, otherwise as RFC 2047
// encoded-words (UTF-8, base64) folded onto continuation lines.
std::string encode_header_text(std::string_view text);

// The mailbox as a header value, with the display name quoted or encoded.
std::string format_mailbox(const Mailbox& m);

// Quoted-printable body (RFC 2045) with CRLF line ends; any input line
// length is safe and a leading dot is encoded, so SMTP dot-stuffing never
// alters the text.
std::string quoted_printable(std::string_view text);

// "Sun, 22 Nov 2026 10:00:00 +0000"
std::string rfc5322_date(int64_t epoch_ms);

// The whole message (headers, blank line, body) ready for SMTP DATA.
// Invalid when a header would carry CR/LF (INJ-05).
Result<std::string> format_message(const Message& m, const Mailbox& from, int64_t now_ms, std::string_view message_id);

}  // namespace trivium::mail::detail
