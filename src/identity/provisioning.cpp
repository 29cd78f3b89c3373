// Accounts in bulk, for roster imports: many addresses in one transaction,
// existing accounts found, missing ones created without a password.
#include "core/ids.h"
#include "identity/cache.h"
#include "identity/identity.h"
#include "identity/internal.h"
#include "identity/queries.h"
#include "identity/validate.h"

namespace trivium::identity {

using namespace detail;

Result<void> Service::check_account_request(const AccountRequest& request) const {
  FieldErrors errors;
  auto email = normalize_email(request.email);
  errors.check(email ? ok() : Result<void>(email.failure()));
  errors.check(check_display_name(request.display_name, "name"));
  errors.check(check_locale(request.locale));
  return errors.finish();
}

Result<std::vector<ProvisionedAccount>> Service::provision_accounts(const std::vector<AccountRequest>& batch,
                                                                   bool notify, const RequestInfo& info) {
  std::vector<std::string> normalized;
  normalized.reserve(batch.size());
  for (const AccountRequest& r : batch) {
    TRV_TRY(check_account_request(r));
    TRV_ASSIGN(std::string email, normalize_email(r.email));
    normalized.push_back(std::move(email));
  }
  const int64_t now = clock_.now_ms();
  std::vector<ProvisionedAccount> out;
  bool mailed = false;
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    out.assign(batch.size(), {});
    mailed = false;
    for (size_t i = 0; i < batch.size(); ++i) {
      TRV_ASSIGN(auto existing, find_user_id_by_email(tx, normalized[i]));
      if (existing) {
        out[i].user_id = *existing;
        continue;
      }
      User u;
      u.id = new_id();
      u.email = batch[i].email;
      u.display_name = batch[i].display_name;
      u.locale = batch[i].locale;
      u.created_at = u.updated_at = now;
      TRV_TRY(insert_user(tx, u, normalized[i], ""));
      if (notify) {
        TRV_ASSIGN(std::string secret,
                   add_one_time_token(tx, now, kPasswordReset, u.id, normalized[i],
                                      settings_.verification_token_hours * kHourMs, info.actor_id));
        TRV_TRY(outbox_.enqueue(
            tx, welcome_mail(u, link("/reset-password", "token=" + secret), settings_.verification_token_hours)));
        mailed = true;
      }
      TRV_TRY(record(tx, make_event(info, "user.created", "user", u.id, json_detail({{"source", "import"}}))));
      out[i] = {u.id, true};
    }
    return ok();
  }));
  if (mailed) outbox_.wake();
  return out;
}

}  // namespace trivium::identity
