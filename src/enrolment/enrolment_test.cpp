// Enrolment rules against a real store (SQLite, or PostgreSQL with
// TRIVIUM_TEST_PG_URL): states and their timestamps, the waitlist and its
// order, exact capacity under concurrency, invitations, the enrolment
// window, cohorts and the roles learners get.

#include <atomic>
#include <set>
#include <thread>

#include "enrolment/testing.h"

namespace trivium::enrolment {
namespace {

using testing::EnrolmentFixture;

class Enrolments : public EnrolmentFixture {};

std::function<void(courses::NewCourse&)> capacity(int seats, std::string policy = "open") {
  return [seats, policy](courses::NewCourse& c) {
    c.capacity = std::optional<int>(seats);
    c.enrolment_policy = policy;
  };
}

TEST_F(Enrolments, OpenPolicyMakesAnActiveEnrolmentWithItsTimestamp) {
  auto run = make_run("mooc");
  const std::string ada = add_user("ada");
  auto e = service_->self_enrol(as(ada), run.run.id, "");
  ASSERT_TRUE(e) << e.error().detail;
  EXPECT_EQ(e->state, "active");
  EXPECT_EQ(e->source, "self");
  EXPECT_EQ(e->activated_at_ms, clock_.now_ms());
  EXPECT_FALSE(e->waitlisted_at_ms);
  auto mine = service_->mine(ada, run.run.id);
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->id, e->id);
  auto again = service_->self_enrol(as(ada), run.run.id, "");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::Conflict);
}

TEST_F(Enrolments, AFullRunWaitlistsAndADropPromotesTheOldestWaitlisted) {
  auto run = make_run("mooc", capacity(2));
  std::vector<std::string> users;
  for (const char* n : {"a", "b", "c", "d"}) users.push_back(add_user(n));
  std::vector<Enrolment> es;
  for (const auto& u : users) {
    clock_.advance(1000);
    auto e = service_->self_enrol(as(u), run.run.id, "");
    ASSERT_TRUE(e) << e.error().detail;
    es.push_back(*e);
  }
  EXPECT_EQ(es[0].state, "active");
  EXPECT_EQ(es[1].state, "active");
  EXPECT_EQ(es[2].state, "waitlisted");
  EXPECT_EQ(es[3].state, "waitlisted");
  EXPECT_LT(*es[2].waitlist_position, *es[3].waitlist_position);
  clock_.advance(1000);
  auto dropped = service_->unenrol_self(as(users[0]), run.run.id);
  ASSERT_TRUE(dropped) << dropped.error().detail;
  EXPECT_EQ(dropped->state, "dropped");
  EXPECT_EQ(dropped->dropped_at_ms, clock_.now_ms());
  auto c = service_->mine(users[2], run.run.id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->state, "active");  // first come, first served
  EXPECT_EQ(c->activated_at_ms, clock_.now_ms());
  EXPECT_TRUE(c->waitlisted_at_ms);
  EXPECT_EQ(service_->mine(users[3], run.run.id)->state, "waitlisted");
  // A waitlisted learner who leaves frees no seat.
  ASSERT_TRUE(service_->unenrol_self(as(users[3]), run.run.id));
  EXPECT_EQ(count(run.run.id, "active"), 2);
  // The learner who left may come back, on the same row.
  auto back = service_->self_enrol(as(users[0]), run.run.id, "");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, es[0].id);
  EXPECT_EQ(back->state, "waitlisted");
  auto audit = audit_->list({.organisation_id = org_.id, .action = "enrolment.promoted"});
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->size(), 1u);
}

TEST_F(Enrolments, TrainerRemovalAlsoPromotes) {
  auto run = make_run("mooc", capacity(1));
  const std::string a = add_user("a"), b = add_user("b"), t = add_user("trainer");
  auto ea = service_->self_enrol(as(a), run.run.id, "");
  ASSERT_TRUE(ea);
  ASSERT_EQ(service_->self_enrol(as(b), run.run.id, "")->state, "waitlisted");
  auto removed = service_->remove(as(t), run.run.id, ea->id);
  ASSERT_TRUE(removed) << removed.error().detail;
  EXPECT_EQ(removed->state, "dropped");
  EXPECT_EQ(removed->decided_by, t);
  EXPECT_EQ(service_->mine(b, run.run.id)->state, "active");
  auto twice = service_->remove(as(t), run.run.id, ea->id);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().kind, ErrorKind::Conflict);
}

TEST_F(Enrolments, ApprovalPolicyMakesARequestApprovedOrRejectedWithAMessage) {
  auto run = make_run("cooc_external", capacity(1, "approval"));
  const std::string a = add_user("a"), b = add_user("b"), c = add_user("c"), t = add_user("t");
  auto ra = service_->self_enrol(as(a), run.run.id, "I work in the field.");
  ASSERT_TRUE(ra) << ra.error().detail;
  EXPECT_EQ(ra->state, "pending");
  EXPECT_EQ(ra->source, "request");
  EXPECT_EQ(ra->message, "I work in the field.");
  EXPECT_TRUE(ra->requested_at_ms);
  auto rb = service_->self_enrol(as(b), run.run.id, "");
  auto rc = service_->self_enrol(as(c), run.run.id, "");
  ASSERT_TRUE(rb && rc);
  auto approved = service_->approve(as(t), run.run.id, ra->id, "Welcome!");
  ASSERT_TRUE(approved) << approved.error().detail;
  EXPECT_EQ(approved->state, "active");
  EXPECT_EQ(approved->decision_message, "Welcome!");
  EXPECT_EQ(approved->decided_by, t);
  // The only seat is taken: approving the next request waitlists it.
  auto full = service_->approve(as(t), run.run.id, rb->id, "");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->state, "waitlisted");
  auto rejected = service_->reject(as(t), run.run.id, rc->id, "Not this time.");
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->state, "rejected");
  EXPECT_EQ(rejected->decision_message, "Not this time.");
  EXPECT_TRUE(rejected->rejected_at_ms);
  auto reapprove = service_->approve(as(t), run.run.id, rc->id, "");
  ASSERT_FALSE(reapprove);
  EXPECT_EQ(reapprove.error().kind, ErrorKind::Conflict);
  auto other_run = make_run("mooc");
  auto wrong_run = service_->approve(as(t), other_run.run.id, rb->id, "");
  ASSERT_FALSE(wrong_run);
  EXPECT_EQ(wrong_run.error().kind, ErrorKind::NotFound);  // AC-02: ids stay inside their run
}

TEST_F(Enrolments, InvitationPolicyRefusesSelfEnrolment) {
  auto run = make_run("spoc");
  auto r = service_->self_enrol(as(add_user("a")), run.run.id, "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Forbidden);
}

TEST_F(Enrolments, TheEnrolmentWindowIsEnforced) {
  courses::NewRun window{"Windowed"};
  window.enrolment_opens_at_ms = clock_.now_ms() + 3'600'000;
  window.enrolment_closes_at_ms = clock_.now_ms() + 7'200'000;
  auto run = make_run("mooc", {}, window);
  const std::string a = add_user("a");
  auto early = service_->self_enrol(as(a), run.run.id, "");
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().kind, ErrorKind::Conflict);
  clock_.advance(3'600'000);
  ASSERT_TRUE(service_->self_enrol(as(a), run.run.id, ""));
  clock_.advance(3'600'000);
  auto late = service_->self_enrol(as(add_user("b")), run.run.id, "");
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().kind, ErrorKind::Conflict);
  // Trainers may still enrol someone directly after the window.
  auto direct = service_->enrol_directly(as(root_), run.run.id, {add_user("c"), std::nullopt, std::nullopt});
  ASSERT_TRUE(direct) << direct.error().detail;
  EXPECT_EQ(direct->state, "active");
}

TEST_F(Enrolments, CapacityIsReadFromTheCourseAtDecisionTime) {
  auto run = make_run("mooc", capacity(1));
  ASSERT_EQ(service_->self_enrol(as(add_user("a")), run.run.id, "")->state, "active");
  ASSERT_EQ(service_->self_enrol(as(add_user("b")), run.run.id, "")->state, "waitlisted");
  set_capacity(run.course_id, 3);
  EXPECT_EQ(service_->self_enrol(as(add_user("c")), run.run.id, "")->state, "active");
  set_capacity(run.course_id, 2);
  EXPECT_EQ(service_->self_enrol(as(add_user("d")), run.run.id, "")->state, "waitlisted");
  set_capacity(run.course_id, std::nullopt);
  EXPECT_EQ(service_->self_enrol(as(add_user("e")), run.run.id, "")->state, "active");
}

TEST_F(Enrolments, DirectEnrolmentByIdOrEmail) {
  auto run = make_run("spoc");
  const std::string bob = add_user("bob");
  auto ok_email = service_->enrol_directly(as(root_), run.run.id, {std::nullopt, "bob@example.test", std::nullopt});
  ASSERT_TRUE(ok_email) << ok_email.error().detail;
  EXPECT_EQ(ok_email->user_id, bob);
  EXPECT_EQ(ok_email->source, "direct");
  auto unknown = service_->enrol_directly(as(root_), run.run.id, {std::nullopt, "nobody@example.test", std::nullopt});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ErrorKind::Invalid);
  auto no_user = service_->enrol_directly(as(root_), run.run.id, {"u-ghost", std::nullopt, std::nullopt});
  ASSERT_FALSE(no_user);
  EXPECT_EQ(no_user.error().kind, ErrorKind::Invalid);
  auto twice = service_->enrol_directly(as(root_), run.run.id, {bob, std::nullopt, std::nullopt});
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().kind, ErrorKind::Conflict);
}

TEST_F(Enrolments, InvitationsAreSingleUseExpireAndReachUnknownAddresses) {
  auto run = make_run("spoc");
  const std::string known = add_user("known");
  auto bad = service_->invite(as(root_), run.run.id, {"known@example.test", "not an address"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().fields.at(0).field, "emails/1");
  auto invs = service_->invite(as(root_), run.run.id, {"Known@Example.test ", "new@example.test"});
  ASSERT_TRUE(invs) << invs.error().detail;
  ASSERT_EQ(invs->size(), 2u);
  EXPECT_FALSE((*invs)[0].new_account);
  EXPECT_TRUE((*invs)[1].new_account);
  EXPECT_EQ(identity_invitations_, std::vector<std::string>{"new@example.test"});
  EXPECT_EQ((*invs)[0].expires_at_ms - (*invs)[0].created_at_ms, 14LL * 24 * 3'600'000);
  ASSERT_TRUE(outbox_->deliver_due());
  ASSERT_EQ(mailer_.sent.size(), 2u);
  EXPECT_EQ(mailer_.sent[0].to, "known@example.test");
  EXPECT_NE(mailer_.sent[0].text.find("/invitations/accept?token=" + (*invs)[0].token), std::string::npos);
  // The secret is stored only as a hash.
  auto stored = store_->read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto row, tx.one("SELECT COUNT(*) FROM invitations WHERE secret_hash = $1", {(*invs)[0].token}));
    EXPECT_EQ(row->i64(0), 0);
    return ok();
  });
  ASSERT_TRUE(stored);

  auto accepted = service_->accept_invitation(as(known), (*invs)[0].token);
  ASSERT_TRUE(accepted) << accepted.error().detail;
  EXPECT_EQ(accepted->state, "active");
  EXPECT_EQ(accepted->source, "invitation");
  auto reuse = service_->accept_invitation(as(add_user("thief")), (*invs)[0].token);
  ASSERT_FALSE(reuse);
  EXPECT_EQ(reuse.error().kind, ErrorKind::Conflict);
  auto unknown = service_->accept_invitation(as(known), "no-such-token");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ErrorKind::NotFound);

  // The new user registers (seeded here) and accepts after 15 days: too late.
  const std::string fresh = add_user("new");
  clock_.advance(15LL * 24 * 3'600'000);
  auto late = service_->accept_invitation(as(fresh), (*invs)[1].token);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().kind, ErrorKind::Conflict);
  auto listed = service_->list_invitations(run.run.id, "", 10);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->items.size(), 2u);
}

TEST_F(Enrolments, AnInvitationInTimeEnrolsTheNewAccount) {
  auto run = make_run("spoc");
  auto invs = service_->invite(as(root_), run.run.id, {"later@example.test"});
  ASSERT_TRUE(invs);
  const std::string later = add_user("later");
  clock_.advance(13LL * 24 * 3'600'000);
  auto accepted = service_->accept_invitation(as(later), (*invs)[0].token);
  ASSERT_TRUE(accepted) << accepted.error().detail;
  EXPECT_EQ(accepted->state, "active");
}

TEST_F(Enrolments, ExactCapacityUnderConcurrency) {
  auto run = make_run("spoc", [](courses::NewCourse& c) { c.enrolment_policy = "open"; });
  ASSERT_EQ(run.settings.capacity, std::optional<int>(30));
  const auto users = add_users("race", 1000);
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < users.size();) {
        if (!service_->self_enrol(as(users[i]), run.run.id, "")) failures.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(count(run.run.id, "active"), 30);
  EXPECT_EQ(count(run.run.id, "waitlisted"), 970);
  // Every waitlisted learner has their own place in the queue.
  std::set<int64_t> positions;
  ListQuery q;
  q.state = "waitlisted";
  q.limit = 200;
  for (;;) {
    auto page = service_->list(run.run.id, q);
    ASSERT_TRUE(page);
    for (const auto& e : page->items) positions.insert(*e.waitlist_position);
    if (!page->next_cursor) break;
    q.cursor = *page->next_cursor;
  }
  EXPECT_EQ(positions.size(), 970u);
}

TEST_F(Enrolments, MyEnrolmentsArePagedWithTheirCourses) {
  const std::string a = add_user("a");
  std::vector<std::string> titles;
  for (int i = 0; i < 3; ++i) {
    auto run = make_run("mooc");
    titles.push_back(run.course_title);
    ASSERT_TRUE(service_->self_enrol(as(a), run.run.id, ""));
  }
  ListQuery q;
  q.limit = 2;
  auto first = service_->list_mine(a, q);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].course_title, titles[2]);  // newest first
  ASSERT_TRUE(first->next_cursor);
  q.cursor = *first->next_cursor;
  auto second = service_->list_mine(a, q);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].course_title, titles[0]);
  EXPECT_FALSE(second->next_cursor);
  q = {};
  q.state = "dropped";
  EXPECT_TRUE(service_->list_mine(a, q)->items.empty());
}

TEST_F(Enrolments, CohortsByHandRoundRobinAndByDepartment) {
  auto run = make_run("cooc_internal");
  const std::string sales = make_department("Sales"), support = make_department("Support");
  std::vector<std::string> users;
  for (int i = 0; i < 4; ++i) {
    users.push_back(add_user("p" + std::to_string(i)));
    join(users.back(), {}, {i % 2 == 0 ? sales : support});
    ASSERT_TRUE(service_->self_enrol(as(users.back()), run.run.id, ""));
  }
  auto g1 = service_->create_cohort(as(root_), run.run.id, "Group 1", std::nullopt);
  ASSERT_TRUE(g1) << g1.error().detail;
  auto dup = service_->create_cohort(as(root_), run.run.id, "Group 1", std::nullopt);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind, ErrorKind::Conflict);
  auto g2 = service_->create_cohort(as(root_), run.run.id, "Group 2", std::nullopt);
  ASSERT_TRUE(g2);
  auto renamed = service_->rename_cohort(as(root_), run.run.id, g2->id, "Group B");
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->name, "Group B");
  auto assigned = service_->auto_assign(as(root_), run.run.id, "round_robin");
  ASSERT_TRUE(assigned) << assigned.error().detail;
  EXPECT_EQ(*assigned, 4);
  std::map<std::string, int> sizes;
  ListQuery q;
  q.state = "active";
  auto active = service_->list(run.run.id, q);
  ASSERT_TRUE(active);
  for (const auto& e : active->items) sizes[*e.cohort_id]++;
  EXPECT_EQ(sizes[g1->id], 2);
  EXPECT_EQ(sizes[g2->id], 2);
  // Deleting both cohorts unassigns everyone; by department makes one per department.
  ASSERT_TRUE(service_->delete_cohort(as(root_), run.run.id, g1->id));
  ASSERT_TRUE(service_->delete_cohort(as(root_), run.run.id, g2->id));
  EXPECT_EQ(*service_->auto_assign(as(root_), run.run.id, "department"), 4);
  auto cohorts = service_->list_cohorts(run.run.id);
  ASSERT_TRUE(cohorts);
  ASSERT_EQ(cohorts->size(), 2u);
  EXPECT_EQ((*cohorts)[0].name, "Sales");
  EXPECT_EQ((*cohorts)[0].department_id, sales);
  auto mine = service_->mine(users[0], run.run.id);
  EXPECT_EQ(mine->cohort_id, (*cohorts)[0].id);
  auto by_hand = service_->assign_cohort(as(root_), run.run.id, mine->id, (*cohorts)[1].id);
  ASSERT_TRUE(by_hand);
  EXPECT_EQ(by_hand->cohort_id, (*cohorts)[1].id);
  auto foreign = service_->assign_cohort(as(root_), run.run.id, mine->id, "no-such-cohort");
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().kind, ErrorKind::Invalid);
}

TEST_F(Enrolments, LearnersAndApplicantsGetRolesInRunAndCourse) {
  auto run = make_run("mooc", capacity(1));
  const std::string a = add_user("a"), b = add_user("b");
  ASSERT_TRUE(service_->self_enrol(as(a), run.run.id, ""));
  ASSERT_TRUE(service_->self_enrol(as(b), run.run.id, ""));
  EXPECT_EQ(*roles_->roles_in(a, {"run", run.run.id}), std::vector<std::string>{"learner"});
  EXPECT_EQ(*roles_->roles_in(b, {"run", run.run.id}), std::vector<std::string>{"applicant"});
  EXPECT_EQ(*roles_->roles_in(a, {"course", run.course_id}), std::vector<std::string>{"learner"});
  EXPECT_TRUE(roles_->roles_in(b, {"course", run.course_id})->empty());
  EXPECT_TRUE(roles_->roles_in("", {"run", run.run.id})->empty());
  ASSERT_TRUE(service_->unenrol_self(as(a), run.run.id));
  EXPECT_TRUE(roles_->roles_in(a, {"run", run.run.id})->empty());
  EXPECT_EQ(*roles_->roles_in(b, {"run", run.run.id}), std::vector<std::string>{"learner"});
  auto parent = roles_->parent_of({"run", run.run.id});
  ASSERT_TRUE(parent);
  EXPECT_FALSE(*parent);
}

// AC-02 / AC-04: an internal COOC restricted to a department is visible and
// open to enrolment only for that department's members; learners of a
// private SPOC may see and leave their own enrolment, others may not.
TEST_F(Enrolments, Ac04OnlyTheChosenDepartmentsMayEnrolInAnInternalCooc) {
  const std::string sales = make_department("Sales"), support = make_department("Support");
  auto run = make_run("cooc_internal", [&](courses::NewCourse& c) { c.department_ids = std::vector{sales}; });
  const std::string seller = add_user("seller"), helper = add_user("helper"), outsider = add_user("outsider");
  join(seller, {}, {sales});
  join(helper, {}, {support});
  const authz::ContextRef ctx{"run", run.run.id};
  EXPECT_TRUE(policy_.can(subject(seller), "enrolment.self", ctx));
  EXPECT_FALSE(policy_.can(subject(helper), "enrolment.self", ctx));
  EXPECT_FALSE(policy_.can(subject(outsider), "enrolment.self", ctx));
  EXPECT_FALSE(policy_.can(subject(""), "enrolment.self", ctx));
  EXPECT_FALSE(policy_.can(subject(seller), "enrolment.manage", ctx));
  EXPECT_FALSE(policy_.can(subject(seller), "enrolment.read", ctx));

  auto mooc = make_run("mooc");
  EXPECT_TRUE(policy_.can(subject(outsider), "enrolment.self", {"run", mooc.run.id}));

  auto spoc = make_run("spoc");
  const authz::ContextRef spoc_ctx{"run", spoc.run.id};
  EXPECT_FALSE(policy_.can(subject(outsider), "enrolment.self", spoc_ctx));
  ASSERT_TRUE(service_->enrol_directly(as(root_), spoc.run.id, {outsider, std::nullopt, std::nullopt}));
  EXPECT_TRUE(policy_.can(subject(outsider), "enrolment.self", spoc_ctx));
  EXPECT_FALSE(policy_.can(subject(outsider), "enrolment.read", spoc_ctx));

  const std::string trainer = add_user("trainer");
  ASSERT_TRUE(courses_->grant(course_actor(), {"run", spoc.run.id}, trainer, "trainer"));
  EXPECT_TRUE(policy_.can(subject(trainer), "enrolment.manage", spoc_ctx));
  EXPECT_FALSE(policy_.can(subject(trainer), "enrolment.manage", {"run", run.run.id}));
}

TEST_F(Enrolments, BatchEnrolmentIsIdempotentAndCreatesCohorts) {
  auto run = make_run("spoc", capacity(2, "invitation"));
  const std::string a = add_user("a"), b = add_user("b"), c = add_user("c");
  const std::vector<std::pair<std::string, std::optional<std::string>>> batch = {
      {a, "Morning"}, {b, std::nullopt}, {c, "Morning"}};
  auto first = service_->enrol_batch(as(root_), run.run.id, batch);
  ASSERT_TRUE(first) << first.error().detail;
  EXPECT_EQ(*first, (std::vector<std::string>{"enrolled", "enrolled", "waitlisted"}));
  auto second = service_->enrol_batch(as(root_), run.run.id, batch);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, (std::vector<std::string>{"unchanged", "unchanged", "unchanged"}));
  auto cohorts = service_->list_cohorts(run.run.id);
  ASSERT_EQ(cohorts->size(), 1u);
  EXPECT_EQ(service_->mine(a, run.run.id)->cohort_id, (*cohorts)[0].id);
  EXPECT_EQ(service_->mine(a, run.run.id)->source, "import");
  EXPECT_EQ(count(run.run.id, "active"), 2);
}

}  // namespace
}  // namespace trivium::enrolment
