// Password hashing and the password policy; internal to identity.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace trivium::identity::detail {

struct HashParams {
  int memory_kib = 19456;
  int passes = 2;
};

// An Argon2id PHC string ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash") with a
// fresh random salt (AUTH-01). Unavailable if memory cannot be allocated.
Result<std::string> hash_password(std::string_view password, HashParams params);
// False for a wrong password and for an unusable hash (such as "").
bool verify_password(const std::string& phc, std::string_view password);
// True when the stored hash was made with other parameters than the current
// ones, so the password is hashed again at the next successful login (AUTH-02).
bool needs_rehash(const std::string& phc, HashParams params);

// Number of Unicode code points of valid UTF-8 text.
size_t code_points(std::string_view text);

inline constexpr size_t kMinPasswordLength = 8;    // AUTH-03
inline constexpr size_t kMaxPasswordLength = 128;  // no truncation below this

// The password rules (AUTH-03, AUTH-04): 8 to 128 code points, no
// composition rules, not in the common-password list, and not the e-mail,
// its local part or the product's name. Invalid with field `field`.
Result<void> check_password_policy(std::string_view password, std::string_view email,
                                   std::string_view field = "password");
bool is_common_password(std::string_view password);

}  // namespace trivium::identity::detail
