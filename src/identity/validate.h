// Checks on account fields; internal to identity.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace trivium::identity::detail {

// Validates an e-mail address and returns its lower-case form, the key of
// case-insensitive uniqueness. Only plain ASCII addresses are accepted, so
// nothing in them can break an SMTP header (INJ-05).
Result<std::string> normalize_email(std::string_view email, std::string_view field = "email");
Result<void> check_display_name(std::string_view name, std::string_view field = "display_name");
Result<void> check_locale(std::string_view locale);
// An IANA zone name known to the system's zoneinfo database, or "UTC".
Result<void> check_time_zone(std::string_view zone);

}  // namespace trivium::identity::detail
