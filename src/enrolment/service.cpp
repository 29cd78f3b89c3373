// Enrolment states and the transaction around each change: self-enrolment,
// requests and decisions, direct enrolment, unenrolment with waitlist
// promotion. Capacity and policy are read from the courses module at
// decision time (Ports::run), so a changed capacity counts at once.

#include <fmt/format.h>

#include "core/ids.h"
#include "core/json.h"
#include "enrolment/internal.h"

namespace trivium::enrolment {

namespace bj = boost::json;

namespace {

Failure no_enrolment() {
  return fail(ErrorKind::NotFound, "No such enrolment.");
}

// The learner's mail about a decision on their request: approved (active or
// on the waitlist) or rejected, with the trainer's message.
mail::Message decision_mail(const std::string& to, const courses::RunForEnrolment& run, const Enrolment& e,
                            const std::string& link) {
  const std::string title = run.course_title + (run.run.title.empty() ? "" : " — " + run.run.title);
  std::string subject, text;
  if (e.state == "rejected") {
    subject = "Request not accepted: " + run.course_title;
    text = fmt::format("Hello,\n\nYour request to join \"{}\" was not accepted.\n", title);
  } else if (e.state == "waitlisted") {
    subject = "On the waitlist: " + run.course_title;
    text = fmt::format(
        "Hello,\n\nYour request to join \"{}\" was approved, but the course is full: you are on the waitlist "
        "and get the next free seat in turn.\n",
        title);
  } else {
    subject = "Request approved: " + run.course_title;
    text = fmt::format("Hello,\n\nYour request to join \"{}\" was approved: you are enrolled.\n\n{}\n", title, link);
  }
  if (!e.decision_message.empty()) text += "\nMessage from the course team:\n\n" + e.decision_message + "\n";
  return {to, subject, text};
}

Result<void> check_window(const courses::CourseRun& run, int64_t now) {
  if (run.enrolment_opens_at_ms && now < *run.enrolment_opens_at_ms) {
    return fail(ErrorKind::Conflict, "Enrolment in this run is not open yet.");
  }
  if (run.enrolment_closes_at_ms && now >= *run.enrolment_closes_at_ms) {
    return fail(ErrorKind::Conflict, "Enrolment in this run is closed.");
  }
  return ok();
}

Failure already(const Enrolment& e) {
  return fail(ErrorKind::Conflict, "There is already an enrolment in this run (state " + e.state + ").");
}

}  // namespace

Service::Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, mail::Outbox& outbox, Ports ports)
    : impl_(std::make_unique<Impl>(Impl{store, clock, audit, outbox, std::move(ports)})) {}
Service::~Service() = default;

Enrolment restart(std::optional<Enrolment> existing, const std::string& run_id, const std::string& user_id,
                  int64_t now) {
  Enrolment e;
  if (existing) {
    e = std::move(*existing);
  } else {
    e.id = new_id();
    e.run_id = run_id;
    e.user_id = user_id;
    e.created_at_ms = now;
  }
  e.decision_message.clear();
  e.decided_by.reset();
  e.waitlist_position.reset();
  e.updated_at_ms = now;
  return e;
}

// --- Shared steps ----------------------------------------------------------

Result<courses::RunForEnrolment> Service::Impl::run(const std::string& run_id) {
  if (!ports.run) return fail(ErrorKind::Internal, "enrolment: no run lookup wired");
  return ports.run(run_id);
}

audit::Event Service::Impl::event(const Actor& actor, std::string action, const courses::RunForEnrolment& run,
                                  const Enrolment& e) const {
  audit::Event ev;
  ev.action = std::move(action);
  ev.actor_id = actor.user_id;
  ev.ip = actor.ip;
  ev.request_id = actor.request_id;
  ev.organisation_id = run.organisation_id;
  ev.target_kind = "enrolment";
  ev.target_id = e.id;
  ev.detail_json = json::serialize(
      bj::object{{"run_id", e.run_id}, {"user_id", e.user_id}, {"state", e.state}, {"source", e.source}});
  return ev;
}

Result<void> Service::Impl::place(db::Tx& tx, const courses::RunForEnrolment& run, Enrolment& e, int64_t now) {
  TRV_ASSIGN(bool seated, queries::take_seat(tx, run.run.id, run.settings.capacity));
  if (seated) {
    e.state = "active";
    e.activated_at_ms = now;
    e.waitlist_position.reset();
    return ok();
  }
  TRV_ASSIGN(int64_t position, queries::next_waitlist_position(tx, run.run.id));
  e.state = "waitlisted";
  e.waitlisted_at_ms = now;
  e.waitlist_position = position;
  return ok();
}

Result<void> Service::Impl::record(db::Tx& tx, const Actor& actor, const courses::RunForEnrolment& run,
                                   const Enrolment& e, bool is_new, std::string action) {
  if (is_new) {
    TRV_TRY(queries::insert(tx, e));
  } else {
    TRV_TRY(queries::update(tx, e));
  }
  return audit.record(tx, event(actor, std::move(action), run, e));
}

Result<int> Service::Impl::promote(db::Tx& tx, const Actor& actor, const courses::RunForEnrolment& run, int64_t now) {
  int promoted = 0;
  // Bounded so that one transaction stays short even after a big capacity
  // increase; later changes promote the rest.
  for (int i = 0; i < 1000; ++i) {
    TRV_ASSIGN(std::optional<Enrolment> next, queries::first_waitlisted(tx, run.run.id));
    if (!next) break;
    TRV_ASSIGN(bool seated, queries::take_seat(tx, run.run.id, run.settings.capacity));
    if (!seated) break;
    next->state = "active";
    next->activated_at_ms = now;
    next->waitlist_position.reset();
    next->updated_at_ms = now;
    TRV_TRY(record(tx, actor, run, *next, false, "enrolment.promoted"));
    ++promoted;
  }
  return promoted;
}

Result<void> Service::Impl::drop(db::Tx& tx, const Actor& actor, const courses::RunForEnrolment& run, Enrolment& e,
                                 int64_t now) {
  const bool had_seat = holds_seat(e.state);
  e.state = "dropped";
  e.dropped_at_ms = now;
  e.waitlist_position.reset();
  e.updated_at_ms = now;
  TRV_TRY(record(tx, actor, run, e, false, "enrolment.dropped"));
  if (!had_seat) return ok();
  TRV_TRY(queries::release_seat(tx, run.run.id));
  TRV_ASSIGN(int promoted, promote(tx, actor, run, now));
  (void)promoted;
  return ok();
}

// --- Learners --------------------------------------------------------------

Result<Enrolment> Service::self_enrol(const Actor& actor, const std::string& run_id, const std::string& message) {
  TRV_ASSIGN(courses::RunForEnrolment run, impl_->run(run_id));
  const int64_t now = impl_->clock.now_ms();
  const std::string& policy = run.settings.enrolment_policy;
  if (policy == "invitation") {
    return fail(ErrorKind::Forbidden, "This run is by invitation only: use the link of your invitation.");
  }
  TRV_TRY(check_window(run.run, now));
  Enrolment e;
  auto r = impl_->store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<Enrolment> existing, queries::find(tx, run_id, actor.user_id));
    if (existing && is_open_state(existing->state)) return already(*existing);
    const bool is_new = !existing;
    e = restart(std::move(existing), run_id, actor.user_id, now);
    e.message = message;
    if (policy == "approval") {
      e.source = "request";
      e.state = "pending";
      e.requested_at_ms = now;
      return impl_->record(tx, actor, run, e, is_new, "enrolment.requested");
    }
    e.source = "self";
    TRV_TRY(impl_->place(tx, run, e, now));
    return impl_->record(tx, actor, run, e, is_new, "enrolment.enrolled");
  });
  if (!r) {
    // Two requests of one user at once: the loser hits UNIQUE(run, user).
    if (db::is_unique_violation(r.error()))
      return fail(ErrorKind::Conflict, "There is already an enrolment in this run.");
    return r.failure();
  }
  return e;
}

Result<Enrolment> Service::unenrol_self(const Actor& actor, const std::string& run_id) {
  TRV_ASSIGN(courses::RunForEnrolment run, impl_->run(run_id));
  const int64_t now = impl_->clock.now_ms();
  Enrolment e;
  TRV_TRY(impl_->store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<Enrolment> found, queries::find(tx, run_id, actor.user_id));
    if (!found) return no_enrolment();
    e = std::move(*found);
    if (e.state == "dropped" || e.state == "rejected" || e.state == "completed") {
      return fail(ErrorKind::Conflict, "This enrolment is " + e.state + ": there is nothing to leave.");
    }
    return impl_->drop(tx, actor, run, e, now);
  }));
  return e;
}

Result<Enrolment> Service::mine(const std::string& user_id, const std::string& run_id) {
  std::optional<Enrolment> e;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(e, queries::find(tx, run_id, user_id));
    return ok();
  }));
  if (!e) return no_enrolment();
  return *e;
}

// --- Trainers ----------------------------------------------------------------

Result<std::optional<std::string>> Service::Impl::learner_address(const std::string& run_id,
                                                                  const std::string& enrolment_id) {
  if (!ports.email_of) return std::optional<std::string>{};
  TRV_ASSIGN(std::optional<Enrolment> e, read_by_id(run_id, enrolment_id));
  if (!e) return std::optional<std::string>{};
  return ports.email_of(e->user_id);
}

Result<Enrolment> Service::approve(const Actor& actor, const std::string& run_id, const std::string& enrolment_id,
                                   const std::string& message) {
  TRV_ASSIGN(courses::RunForEnrolment run, impl_->run(run_id));
  // Asked before the transaction: identity must not run on the writer.
  TRV_ASSIGN(std::optional<std::string> address, impl_->learner_address(run_id, enrolment_id));
  const int64_t now = impl_->clock.now_ms();
  Enrolment e;
  TRV_TRY(impl_->store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<Enrolment> found, queries::find_by_id(tx, run_id, enrolment_id));
    if (!found) return no_enrolment();
    e = std::move(*found);
    if (e.state == "pending") {
      TRV_TRY(impl_->place(tx, run, e, now));
    } else if (e.state == "waitlisted") {
      // Approving a waitlisted learner is asking for a seat now.
      TRV_ASSIGN(bool seated, queries::take_seat(tx, run_id, run.settings.capacity));
      if (!seated) return fail(ErrorKind::Conflict, "The run is full: the learner stays on the waitlist.");
      e.state = "active";
      e.activated_at_ms = now;
      e.waitlist_position.reset();
    } else {
      return fail(ErrorKind::Conflict,
                  "Only a pending or waitlisted enrolment can be approved (state " + e.state + ").");
    }
    e.decision_message = message;
    e.decided_by = actor.user_id;
    e.updated_at_ms = now;
    if (address) TRV_TRY(impl_->outbox.enqueue(tx, decision_mail(*address, run, e, impl_->run_link(run_id))));
    return impl_->record(tx, actor, run, e, false, "enrolment.approved");
  }));
  return e;
}

Result<Enrolment> Service::reject(const Actor& actor, const std::string& run_id, const std::string& enrolment_id,
                                  const std::string& message) {
  TRV_ASSIGN(courses::RunForEnrolment run, impl_->run(run_id));
  TRV_ASSIGN(std::optional<std::string> address, impl_->learner_address(run_id, enrolment_id));
  const int64_t now = impl_->clock.now_ms();
  Enrolment e;
  TRV_TRY(impl_->store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<Enrolment> found, queries::find_by_id(tx, run_id, enrolment_id));
    if (!found) return no_enrolment();
    e = std::move(*found);
    if (e.state != "pending" && e.state != "waitlisted") {
      return fail(ErrorKind::Conflict,
                  "Only a pending or waitlisted enrolment can be rejected (state " + e.state + ").");
    }
    e.state = "rejected";
    e.rejected_at_ms = now;
    e.waitlist_position.reset();
    e.decision_message = message;
    e.decided_by = actor.user_id;
    e.updated_at_ms = now;
    if (address) TRV_TRY(impl_->outbox.enqueue(tx, decision_mail(*address, run, e, impl_->run_link(run_id))));
    return impl_->record(tx, actor, run, e, false, "enrolment.rejected");
  }));
  return e;
}

Result<Enrolment> Service::remove(const Actor& actor, const std::string& run_id, const std::string& enrolment_id) {
  TRV_ASSIGN(courses::RunForEnrolment run, impl_->run(run_id));
  const int64_t now = impl_->clock.now_ms();
  Enrolment e;
  TRV_TRY(impl_->store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<Enrolment> found, queries::find_by_id(tx, run_id, enrolment_id));
    if (!found) return no_enrolment();
    e = std::move(*found);
    if (e.state == "dropped" || e.state == "rejected") {
      return fail(ErrorKind::Conflict, "This enrolment is already " + e.state + ".");
    }
    e.decided_by = actor.user_id;
    return impl_->drop(tx, actor, run, e, now);
  }));
  return e;
}

Result<Enrolment> Service::enrol_directly(const Actor& actor, const std::string& run_id, const DirectEnrolment& in) {
  TRV_ASSIGN(courses::RunForEnrolment run, impl_->run(run_id));
  std::string user_id;
  if (in.user_id) {
    user_id = *in.user_id;
  } else if (in.email) {
    if (!impl_->ports.user_by_email) return fail(ErrorKind::Internal, "enrolment: no user lookup wired");
    TRV_ASSIGN(std::optional<std::string> found, impl_->ports.user_by_email(*in.email));
    if (!found) return invalid("email", "unknown", "No account has this e-mail address; send an invitation instead.");
    user_id = *found;
  } else {
    return invalid("user_id", "required", "Give user_id or email.");
  }
  if (impl_->ports.in_audience) {
    TRV_ASSIGN(bool fits, impl_->ports.in_audience(run, user_id));
    if (!fits)
      return invalid(in.user_id ? "user_id" : "email", "outside_audience",
                     "This course is for members of its organisation (and of its departments) only.");
  }
  const int64_t now = impl_->clock.now_ms();
  Enrolment e;
  auto r = impl_->store.write([&](db::Tx& tx) -> Result<void> {
    if (in.cohort_id) {
      TRV_ASSIGN(std::optional<Cohort> cohort, queries::find_cohort(tx, run_id, *in.cohort_id));
      if (!cohort) return invalid("cohort_id", "unknown", "No such cohort in this run.");
    }
    TRV_ASSIGN(std::optional<Enrolment> existing, queries::find(tx, run_id, user_id));
    if (existing && existing->state != "pending" && is_open_state(existing->state)) return already(*existing);
    const bool is_new = !existing;
    e = restart(std::move(existing), run_id, user_id, now);
    e.source = "direct";
    e.decided_by = actor.user_id;
    if (in.cohort_id) e.cohort_id = in.cohort_id;
    TRV_TRY(impl_->place(tx, run, e, now));
    return impl_->record(tx, actor, run, e, is_new, "enrolment.enrolled");
  });
  if (!r) {
    if (db::is_unique_violation(r.error()))
      return fail(ErrorKind::Conflict, "There is already an enrolment in this run.");
    // The only foreign key a caller names here is the user's.
    if (r.error().kind == ErrorKind::Conflict && r.error().detail.rfind("constraint:", 0) == 0) {
      return invalid("user_id", "unknown", "No such user.");
    }
    return r.failure();
  }
  return e;
}

Result<std::optional<Enrolment>> Service::Impl::read_by_id(const std::string& run_id, const std::string& enrolment_id) {
  std::optional<Enrolment> e;
  TRV_TRY(store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(e, queries::find_by_id(tx, run_id, enrolment_id));
    return ok();
  }));
  return e;
}

Result<Enrolment> Service::get(const std::string& run_id, const std::string& enrolment_id) {
  TRV_ASSIGN(std::optional<Enrolment> e, impl_->read_by_id(run_id, enrolment_id));
  if (!e) return no_enrolment();
  return *e;
}

Result<Page<Enrolment>> Service::list(const std::string& run_id, const ListQuery& q) {
  Page<Enrolment> page;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(page.items, queries::list_run(tx, run_id, q.state, q.cursor, q.limit + 1));
    return ok();
  }));
  if (static_cast<int>(page.items.size()) > q.limit) {
    page.items.resize(q.limit);
    page.next_cursor = page.items.back().id;
  }
  return page;
}

Result<Page<MyEnrolment>> Service::list_mine(const std::string& user_id, const ListQuery& q) {
  std::vector<Enrolment> rows;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(rows, queries::list_user(tx, user_id, q.state, q.cursor, q.limit + 1));
    return ok();
  }));
  Page<MyEnrolment> page;
  if (static_cast<int>(rows.size()) > q.limit) {
    rows.resize(q.limit);
    page.next_cursor = rows.back().id;
  }
  for (Enrolment& e : rows) {
    MyEnrolment m;
    auto run = impl_->run(e.run_id);
    if (run) {
      m.course_id = run->course_id;
      m.course_title = run->course_title;
      m.run_title = run->run.title;
      m.starts_at_ms = run->run.starts_at_ms;
      m.ends_at_ms = run->run.ends_at_ms;
    } else if (run.error().kind != ErrorKind::NotFound) {
      return run.failure();
    }
    m.enrolment = std::move(e);
    page.items.push_back(std::move(m));
  }
  return page;
}

}  // namespace trivium::enrolment
