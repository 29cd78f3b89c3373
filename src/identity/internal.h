// Helpers shared by the files of the identity service; internal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/result.h"
#include "identity/model.h"
#include "mail/mail.h"

namespace trivium::identity::detail {

inline constexpr int64_t kMinuteMs = 60'000;
inline constexpr int64_t kHourMs = 60 * kMinuteMs;
inline constexpr int64_t kDayMs = 24 * kHourMs;

inline constexpr std::string_view kVerifyEmail = "verify_email";
inline constexpr std::string_view kPasswordReset = "password_reset";
inline constexpr std::string_view kInvitation = "invitation";

// Collects the field errors of several checks, so that one 422 lists them all.
class FieldErrors {
 public:
  void check(const Result<void>& r) {
    if (!r) fields_.insert(fields_.end(), r.error().fields.begin(), r.error().fields.end());
  }
  bool empty() const { return fields_.empty(); }
  Result<void> finish() const {
    if (fields_.empty()) return ok();
    return fail(Error{ErrorKind::Invalid, "The request has invalid fields.", fields_, 0});
  }

 private:
  std::vector<FieldError> fields_;
};

// An audit event carrying the request's origin.
audit::Event make_event(const RequestInfo& info, std::string action, std::string target_kind = {},
                        std::string target_id = {}, std::string detail_json = "{}");
// {"key": "value"} as JSON text, for audit details.
std::string json_detail(std::initializer_list<std::pair<std::string_view, std::string_view>> kv);

// Stores a new single-use token and returns the secret to put in the e-mail
// (256 random bits, stored as its SHA-256 digest; AUTH-11).
Result<std::string> add_one_time_token(db::Tx& tx, int64_t now, std::string_view purpose, std::string_view user_id,
                                       std::string_view email_normalized, int64_t lifetime_ms,
                                       std::string_view created_by);

// The e-mails identity sends, in the recipient's language ("en" or "fr").
mail::Message verification_mail(const User& to, const std::string& link);
mail::Message reset_mail(const User& to, const std::string& link, int minutes);
mail::Message welcome_mail(const User& to, const std::string& link, int hours);
mail::Message invitation_mail(std::string_view locale, const std::string& to, const std::string& link, int days);

// "Invalid or expired link" on field `token`.
Failure bad_token();

}  // namespace trivium::identity::detail
