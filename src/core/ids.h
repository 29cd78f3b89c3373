// Identifiers and secrets. Object ids are UUIDv7 text (time-ordered, so new
// rows land at the end of an index). Secrets (session ids, tokens) come from
// libsodium's CSPRNG and are stored only as SHA-256 digests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trivium {

// "0193a6c4-8f2e-7b1c-9d3e-5f4a2b1c0d9e"
std::string new_id();
// `bytes` random bytes, base64url without padding (16 bytes = 128 bits -> 22 chars).
std::string random_token(size_t bytes = 32);
// Standard base64 with padding, for binary data kept in text columns (the
// store binds text; PostgreSQL refuses text that is not UTF-8).
std::string base64_encode(std::string_view data);
// nullopt unless `text` is valid standard base64.
std::optional<std::string> base64_decode(std::string_view text);
// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
// Constant-time comparison for secrets.
bool equal_secret(std::string_view a, std::string_view b);
// A fast, non-cryptographic 16-hex-digit id for requests and log correlation.
std::string request_id();

}  // namespace trivium
