// E-mail invitations to a run: a single-use secret link valid 14 days, mailed
// in the transaction that creates it. Addresses without an account also get
// identity's account-creation invitation; they accept the course invitation
// once registered and signed in.

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "core/ids.h"
#include "core/json.h"
#include "enrolment/internal.h"

namespace trivium::enrolment {
namespace {

std::string normalise(std::string_view email) {
  size_t b = 0, e = email.size();
  while (b < e && std::isspace(static_cast<unsigned char>(email[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(email[e - 1]))) --e;
  std::string out(email.substr(b, e - b));
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// A plain address: one '@', something on both sides, a dot in the domain, no
// spaces or control characters (the mail layer rejects header injection
// again, INJ-05).
bool plausible_address(const std::string& a) {
  if (a.size() < 3 || a.size() > 254) return false;
  const size_t at = a.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= a.size() || a.find('@', at + 1) != std::string::npos) {
    return false;
  }
  if (a.find('.', at) == std::string::npos) return false;
  return std::none_of(a.begin(), a.end(),
                      [](unsigned char c) { return c <= 0x20 || c == 0x7f || c == ',' || c == ';'; });
}

mail::Message invitation_mail(const std::string& to, const courses::RunForEnrolment& run, const std::string& link,
                              bool new_account) {
  const std::string title = run.course_title + (run.run.title.empty() ? "" : " — " + run.run.title);
  std::string text = fmt::format("Hello,\n\nYou are invited to take part in \"{}\" on Trivium.\n\n", title);
  if (new_account) {
    text +=
        "You do not have a Trivium account yet: another message brings you a link to create one. "
        "Once signed in, open this link to join the course";
  } else {
    text += "Sign in and open this link to join the course";
  }
  text += fmt::format(" (valid 14 days, usable once):\n\n{}\n", link);
  return {to, "Invitation: " + run.course_title, text};
}

}  // namespace

Result<std::vector<Invitation>> Service::invite(const Actor& actor, const std::string& run_id,
                                                const std::vector<std::string>& emails) {
  if (emails.empty()) return invalid("emails", "required", "Give at least one address.");
  if (emails.size() > kMaxInvitationsPerRequest) return invalid("emails", "too_many", "At most 100 addresses.");
  Error bad{ErrorKind::Invalid, "The request has invalid fields.", {}, 0};
  std::vector<std::string> addresses;
  std::vector<size_t> positions;  // of each address in `emails`
  std::set<std::string> seen;
  for (size_t i = 0; i < emails.size(); ++i) {
    std::string a = normalise(emails[i]);
    if (!plausible_address(a)) {
      bad.fields.push_back({"emails/" + std::to_string(i), "invalid", "Not an e-mail address."});
    } else if (seen.insert(a).second) {
      addresses.push_back(std::move(a));
      positions.push_back(i);
    }
  }
  if (!bad.fields.empty()) return fail(std::move(bad));
  TRV_ASSIGN(courses::RunForEnrolment run, impl_->run(run_id));
  // Who has an account is asked before the transaction: identity's lookup
  // must not run on the store's writer thread.
  // An organisation-only course invites only people of its audience, who
  // have accounts by definition.
  std::vector<bool> known;
  const bool members_only = run.settings.visibility == "organisation" && impl_->ports.in_audience;
  for (size_t i = 0; i < addresses.size(); ++i) {
    if (!impl_->ports.user_by_email) return fail(ErrorKind::Internal, "enrolment: no user lookup wired");
    TRV_ASSIGN(std::optional<std::string> user, impl_->ports.user_by_email(addresses[i]));
    known.push_back(user.has_value());
    if (!members_only) continue;
    bool fits = false;
    if (user) {
      TRV_ASSIGN(fits, impl_->ports.in_audience(run, *user));
    }
    if (!fits)
      bad.fields.push_back({"emails/" + std::to_string(positions[i]), "outside_audience",
                            "This course is for members of its organisation (and of its departments) only."});
  }
  if (!bad.fields.empty()) return fail(std::move(bad));
  const int64_t now = impl_->clock.now_ms();
  std::vector<Invitation> out;
  TRV_TRY(impl_->store.write([&](db::Tx& tx) -> Result<void> {
    out.clear();
    for (size_t i = 0; i < addresses.size(); ++i) {
      Invitation inv;
      inv.id = new_id();
      inv.run_id = run_id;
      inv.email = addresses[i];
      inv.invited_by = actor.user_id;
      inv.created_at_ms = now;
      inv.expires_at_ms = now + kInvitationTtlMs;
      inv.token = random_token(32);
      inv.new_account = !known[i];
      TRV_TRY(queries::insert_invitation(tx, inv, sha256_hex(inv.token)));
      const std::string link = impl_->ports.public_url + "/invitations/accept?token=" + inv.token;
      TRV_TRY(impl_->outbox.enqueue(tx, invitation_mail(inv.email, run, link, inv.new_account)));
      audit::Event ev;
      ev.action = "enrolment.invited";
      ev.actor_id = actor.user_id;
      ev.ip = actor.ip;
      ev.request_id = actor.request_id;
      ev.organisation_id = run.organisation_id;
      ev.target_kind = "invitation";
      ev.target_id = inv.id;
      ev.detail_json = json::serialize(boost::json::object{{"run_id", run_id}, {"email", inv.email}});
      TRV_TRY(impl_->audit.record(tx, ev));
      out.push_back(inv);
    }
    return ok();
  }));
  impl_->outbox.wake();
  // The account-creation invitations are identity's, in its own
  // transactions; an address that got an account meanwhile is fine.
  for (const Invitation& inv : out) {
    if (!inv.new_account || !impl_->ports.invite_new_user) continue;
    auto sent = impl_->ports.invite_new_user(inv.email, actor);
    if (!sent && sent.error().kind != ErrorKind::Conflict) return sent.failure();
  }
  return out;
}

Result<Page<Invitation>> Service::list_invitations(const std::string& run_id, const std::string& cursor, int limit) {
  Page<Invitation> page;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(page.items, queries::list_invitations(tx, run_id, cursor, limit + 1));
    return ok();
  }));
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.resize(limit);
    page.next_cursor = page.items.back().id;
  }
  return page;
}

Result<Enrolment> Service::accept_invitation(const Actor& actor, const std::string& token) {
  const std::string hash = sha256_hex(token);
  std::optional<Invitation> inv;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(inv, queries::find_invitation(tx, hash));
    return ok();
  }));
  if (!inv) return fail(ErrorKind::NotFound, "No such invitation.");
  TRV_ASSIGN(courses::RunForEnrolment run, impl_->run(inv->run_id));
  const int64_t now = impl_->clock.now_ms();
  Enrolment e;
  TRV_TRY(impl_->store.write([&](db::Tx& tx) -> Result<void> {
    if (now >= inv->expires_at_ms) return fail(ErrorKind::Conflict, "This invitation has expired.");
    TRV_ASSIGN(bool fresh, queries::mark_invitation_used(tx, inv->id, actor.user_id, now));
    if (!fresh) return fail(ErrorKind::Conflict, "This invitation has already been used.");
    TRV_ASSIGN(std::optional<Enrolment> existing, queries::find(tx, inv->run_id, actor.user_id));
    if (existing && (holds_seat(existing->state) || existing->state == "waitlisted")) {
      e = std::move(*existing);  // nothing to do: keep the place they have
      return ok();
    }
    const bool is_new = !existing;
    e = restart(std::move(existing), inv->run_id, actor.user_id, now);
    e.source = "invitation";
    TRV_TRY(impl_->place(tx, run, e, now));
    return impl_->record(tx, actor, run, e, is_new, "enrolment.enrolled");
  }));
  return e;
}

}  // namespace trivium::enrolment
