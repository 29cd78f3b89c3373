// E-mail verification, password reset and invitations: everything that
// works through a single-use token sent by e-mail (AUTH-11).
//
// Tokens carry 256 random bits, are stored as SHA-256 digests, expire
// (reset: 30 minutes, verification: 48 hours, invitation: 7 days) and are
// consumed by a conditional UPDATE in the same transaction as the change
// they allow, so two concurrent uses cannot both succeed.
#include "core/ids.h"
#include "identity/cache.h"
#include "identity/identity.h"
#include "identity/internal.h"
#include "identity/passwords.h"
#include "identity/queries.h"
#include "identity/validate.h"

namespace trivium::identity {

using namespace detail;

Result<void> Service::send_verification(const std::string& user_id, const RequestInfo& info) {
  int64_t now = clock_.now_ms();
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto user, find_user(tx, user_id));
    if (!user) return fail(ErrorKind::NotFound, "No such user.");
    if (user->email_verified_at) return ok();
    std::string email = *normalize_email(user->email);
    // A few mails an hour at most, whoever asks (RATE-01).
    TRV_ASSIGN(int64_t recent, count_recent_tokens(tx, kVerifyEmail, email, now - kHourMs));
    if (recent >= settings_.reset_mails_per_hour) return ok();
    TRV_ASSIGN(std::string secret, add_one_time_token(tx, now, kVerifyEmail, user->id, email,
                                                      settings_.verification_token_hours * kHourMs, info.actor_id));
    TRV_TRY(outbox_.enqueue(tx, verification_mail(*user, link("/verify-email", "token=" + secret))));
    return record(tx, make_event(info, "auth.verification_sent", "user", user->id));
  }));
  outbox_.wake();
  return ok();
}

Result<void> Service::confirm_email(std::string_view token, const RequestInfo& info) {
  if (token.empty() || token.size() > 256) return bad_token();
  int64_t now = clock_.now_ms();
  std::string user_id;
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto t, find_one_time_token(tx, kVerifyEmail, sha256_hex(token), now));
    if (!t) return bad_token();
    TRV_ASSIGN(bool consumed, consume_one_time_token(tx, t->id, now));
    if (!consumed) return bad_token();
    user_id = t->user_id;
    TRV_TRY(mark_email_verified(tx, user_id, now));
    RequestInfo as_user = info;
    if (as_user.actor_id.empty()) as_user.actor_id = user_id;
    return record(tx, make_event(as_user, "auth.email_verified", "user", user_id));
  }));
  forget(user_id);
  return ok();
}

Result<void> Service::request_password_reset(std::string_view email, const RequestInfo& info) {
  TRV_ASSIGN(std::string email_normalized, normalize_email(email));
  int64_t now = clock_.now_ms();
  // Known or not, the request takes the same path and writes one audit
  // entry, so neither the answer nor its time reveals whether an account
  // exists (AUTH-11).
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto account, find_account_by_email(tx, email_normalized));
    std::string outcome = "unknown";
    if (account && !account->user.active()) outcome = "suspended";
    if (account && account->user.active()) {
      TRV_ASSIGN(int64_t recent, count_recent_tokens(tx, kPasswordReset, email_normalized, now - kHourMs));
      outcome = "throttled";
      if (recent < settings_.reset_mails_per_hour) {
        TRV_ASSIGN(std::string secret, add_one_time_token(tx, now, kPasswordReset, account->user.id, email_normalized,
                                                          settings_.reset_token_minutes * kMinuteMs, info.actor_id));
        TRV_TRY(outbox_.enqueue(
            tx, reset_mail(account->user, link("/reset-password", "token=" + secret), settings_.reset_token_minutes)));
        outcome = "sent";
      }
    }
    return record(
        tx, make_event(info, "auth.password_reset_requested", account ? "user" : "", account ? account->user.id : "",
                       json_detail({{"email", email_normalized}, {"outcome", outcome}})));
  }));
  outbox_.wake();
  return ok();
}

Result<void> Service::reset_password(std::string_view token, std::string_view new_password, const RequestInfo& info) {
  if (token.empty() || token.size() > 256) return bad_token();
  int64_t now = clock_.now_ms();
  std::string token_hash = sha256_hex(token);
  std::optional<OneTimeToken> t;
  std::optional<User> user;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(t, find_one_time_token(tx, kPasswordReset, token_hash, now));
    if (t) {
      TRV_ASSIGN(user, find_user(tx, t->user_id));
    }
    return ok();
  }));
  if (!t || !user || !user->active()) return bad_token();
  TRV_TRY(check_password_policy(new_password, user->email, "new_password"));
  TRV_ASSIGN(std::string new_hash, hash(new_password));
  now = clock_.now_ms();
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(bool consumed, consume_one_time_token(tx, t->id, now));
    if (!consumed) return bad_token();
    TRV_TRY(void_outstanding_tokens(tx, kPasswordReset, user->id, now));
    TRV_TRY(update_password(tx, user->id, new_hash, false, now));
    // The link reached the mailbox: that proves the address too.
    TRV_TRY(mark_email_verified(tx, user->id, now));
    TRV_TRY(revoke_user_sessions(tx, user->id, now));
    // The owner is back in control: failures an attacker caused no longer
    // lock them out (AUTH-07).
    TRV_TRY(clear_login_failures(tx, t->email_normalized, now));
    RequestInfo as_user = info;
    if (as_user.actor_id.empty()) as_user.actor_id = user->id;
    return record(tx, make_event(as_user, "auth.password_reset", "user", user->id));
  }));
  forget(user->id);
  return ok();
}

Result<void> Service::invite(std::string_view email, const RequestInfo& info) {
  TRV_ASSIGN(std::string email_normalized, normalize_email(email));
  int64_t now = clock_.now_ms();
  std::string locale = "en";
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto existing, find_account_by_email(tx, email_normalized));
    if (existing) {
      Error e{ErrorKind::Conflict, "An account with this e-mail address already exists.", {}, 0};
      e.fields.push_back({"email", "taken", "An account with this e-mail address already exists."});
      return fail(std::move(e));
    }
    // The invitation is written in the inviting administrator's language.
    if (!info.actor_id.empty()) {
      TRV_ASSIGN(auto inviter, find_user(tx, info.actor_id));
      if (inviter) locale = inviter->locale;
    }
    TRV_ASSIGN(std::string secret, add_one_time_token(tx, now, kInvitation, "", email_normalized,
                                                      settings_.invitation_days * kDayMs, info.actor_id));
    TRV_TRY(outbox_.enqueue(tx, invitation_mail(locale, std::string(email), link("/register", "invitation=" + secret),
                                                settings_.invitation_days)));
    return record(tx, make_event(info, "user.invited", "", "", json_detail({{"email", email_normalized}})));
  }));
  outbox_.wake();
  return ok();
}

}  // namespace trivium::identity
