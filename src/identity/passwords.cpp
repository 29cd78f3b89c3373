// Argon2id through libsodium, and the password policy.
#include "identity/passwords.h"

#include <sodium.h>

#include <mutex>
#include <stdexcept>
#include <unordered_set>

#include "identity/identity.h"

namespace trivium::identity::detail {
namespace {

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  });
}

const std::unordered_set<std::string_view>& common_set() {
  static const std::unordered_set<std::string_view> set(common_password_list().begin(), common_password_list().end());
  return set;
}

}  // namespace

Result<std::string> hash_password(std::string_view password, HashParams params) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), static_cast<unsigned long long>(params.passes),
                            static_cast<size_t>(params.memory_kib) * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return fail(ErrorKind::Unavailable, "Not enough memory to hash the password.");
  }
  return std::string(out);
}

bool verify_password(const std::string& phc, std::string_view password) {
  ensure_sodium();
  if (phc.rfind("$argon2", 0) != 0) return false;
  return crypto_pwhash_str_verify(phc.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(const std::string& phc, HashParams params) {
  ensure_sodium();
  if (phc.rfind("$argon2id$", 0) != 0) return true;
  return crypto_pwhash_str_needs_rehash(phc.c_str(), static_cast<unsigned long long>(params.passes),
                                        static_cast<size_t>(params.memory_kib) * 1024) != 0;
}

size_t code_points(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool is_common_password(std::string_view password) {
  return common_set().count(ascii_lower(password)) != 0;
}

Result<void> check_password_policy(std::string_view password, std::string_view email, std::string_view field) {
  size_t n = code_points(password);
  std::string f(field);
  if (n < kMinPasswordLength) {
    return invalid(f, "too_short", "The password must have at least 8 characters.");
  }
  if (n > kMaxPasswordLength) {
    return invalid(f, "too_long", "The password must have at most 128 characters.");
  }
  if (is_common_password(password)) {
    return invalid(f, "common", "This password is too common; choose another one.");
  }
  // Context words (AUTH-04): the account's own address, and the product name.
  std::string lower = ascii_lower(password);
  std::string mail = ascii_lower(email);
  std::string local = mail.substr(0, mail.find('@'));
  if ((!mail.empty() && lower == mail) || (!local.empty() && lower == local) ||
      lower.find("trivium") != std::string::npos) {
    return invalid(f, "context", "The password must not be your e-mail address or the site's name.");
  }
  return ok();
}

}  // namespace trivium::identity::detail
