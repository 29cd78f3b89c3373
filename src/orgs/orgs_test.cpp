// The orgs service, its role source and its routes on a real SQLite store.

#include <gtest/gtest.h>

#include "orgs/testing.h"

namespace trivium::orgs {
namespace {

namespace bj = boost::json;
using testing::OrgsFixture;

class OrgsTest : public OrgsFixture {};

bool has_field(const Error& e, const std::string& field) {
  for (const FieldError& f : e.fields) {
    if (f.field == field) return true;
  }
  return false;
}

// --- Organisations ---------------------------------------------------------

TEST_F(OrgsTest, PlatformOrganisationIsCreatedOnce) {
  auto first = service_->ensure_platform_organisation();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->slug, "platform");
  EXPECT_EQ(first->kind, "platform");
  auto second = service_->ensure_platform_organisation();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, first->id);
  EXPECT_EQ(audit_of(first->id, "org.created").size(), 1u);
}

TEST_F(OrgsTest, CreateOrganisationWritesAuditEvent_LOG02) {
  Organisation org = make_org("acme");
  EXPECT_EQ(org.slug, "acme");
  auto events = audit_of(org.id, "org.created");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.actor_id, "u-root");
  EXPECT_EQ(events[0].event.ip, "203.0.113.9");
  EXPECT_EQ(events[0].event.request_id, "req-fixture");
  EXPECT_EQ(events[0].event.target_id, org.id);
}

TEST_F(OrgsTest, SlugNameAndKindAreValidated) {
  for (const char* slug : {"a", "Acme", "ac_me", "ac me", "acme!", ""}) {
    auto r = service_->create_organisation(admin_, {slug, "Acme", "company"});
    ASSERT_FALSE(r) << slug;
    EXPECT_EQ(r.error().kind, ErrorKind::Invalid) << slug;
    EXPECT_TRUE(has_field(r.error(), "slug")) << slug;
  }
  EXPECT_TRUE(service_->create_organisation(admin_, {std::string(63, 'a'), "Long", "school"}));
  EXPECT_FALSE(service_->create_organisation(admin_, {std::string(64, 'b'), "Long", "school"}));
  auto kind = service_->create_organisation(admin_, {"acme", "Acme", "platform"});
  ASSERT_FALSE(kind);
  EXPECT_TRUE(has_field(kind.error(), "kind"));
  auto blank = service_->create_organisation(admin_, {"acme", "   ", "company"});
  ASSERT_FALSE(blank);
  EXPECT_TRUE(has_field(blank.error(), "name"));
}

TEST_F(OrgsTest, DuplicateSlugIsConflict) {
  make_org("acme");
  auto r = service_->create_organisation(admin_, {"acme", "Other", "other"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Conflict);
  ASSERT_TRUE(service_->ensure_platform_organisation());
  auto platform = service_->create_organisation(admin_, {"platform", "Fake", "company"});
  ASSERT_FALSE(platform);
  EXPECT_EQ(platform.error().kind, ErrorKind::Conflict);
}

TEST_F(OrgsTest, EachUserListsOnlyTheirOwnOrganisations_AC04) {
  Organisation a = make_org("org-a");
  Organisation b = make_org("org-b");
  Organisation c = make_org("org-c");
  const std::string both = add_user("both");
  const std::string outsider = add_user("outsider");
  join(a, both);
  join(c, both);

  auto mine = service_->list_organisations({both, false, "", ""}, "", 50);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->items.size(), 2u);
  for (const Organisation& o : mine->items) EXPECT_NE(o.id, b.id);
  auto none = service_->list_organisations({outsider, false, "", ""}, "", 50);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->items.empty());

  auto first = service_->list_organisations(admin_, "", 2);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->items.size(), 2u);
  ASSERT_TRUE(first->next_cursor);
  auto rest = service_->list_organisations(admin_, *first->next_cursor, 2);
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->items.size(), 1u);
  EXPECT_FALSE(rest->next_cursor);
}

TEST_F(OrgsTest, RenameIsAudited) {
  Organisation org = make_org("acme");
  clock_.advance(1000);
  auto r = service_->rename_organisation(admin_, org.id, "Acme Learning");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "Acme Learning");
  EXPECT_GT(r->updated_at_ms, org.updated_at_ms);
  EXPECT_EQ(audit_of(org.id, "org.updated").size(), 1u);
  auto missing = service_->rename_organisation(admin_, "no-such-org", "X");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::NotFound);
}

// --- Departments -----------------------------------------------------------

TEST_F(OrgsTest, DepartmentsAndTeams) {
  Organisation org = make_org("acme");
  auto sales = service_->create_department(admin_, org.id, {"Sales", std::nullopt});
  ASSERT_TRUE(sales);
  auto team = service_->create_department(admin_, org.id, {"Sales East", sales->id});
  ASSERT_TRUE(team);
  EXPECT_EQ(team->parent_id, sales->id);
  auto list = service_->list_departments(org.id);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), 2u);
  auto dup = service_->create_department(admin_, org.id, {"Sales", std::nullopt});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(audit_of(org.id, "org.department_created").size(), 2u);
}

TEST_F(OrgsTest, ParentDepartmentMustBelongToTheSameOrganisation_AC02) {
  Organisation a = make_org("org-a");
  Organisation b = make_org("org-b");
  auto foreign = service_->create_department(admin_, b.id, {"B dept", std::nullopt});
  ASSERT_TRUE(foreign);
  auto r = service_->create_department(admin_, a.id, {"Team", foreign->id});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
  EXPECT_TRUE(has_field(r.error(), "parent_id"));
  auto own = service_->create_department(admin_, a.id, {"A dept", std::nullopt});
  ASSERT_TRUE(own);
  auto move = service_->update_department(admin_, a.id, own->id, {std::nullopt, foreign->id});
  ASSERT_FALSE(move);
  EXPECT_EQ(move.error().kind, ErrorKind::Invalid);
}

TEST_F(OrgsTest, DepartmentOfAnotherOrganisationIsNotFound_AC04) {
  Organisation a = make_org("org-a");
  Organisation b = make_org("org-b");
  auto dept = service_->create_department(admin_, b.id, {"B dept", std::nullopt});
  ASSERT_TRUE(dept);
  auto rename = service_->update_department(admin_, a.id, dept->id, {"Mine now", std::nullopt});
  ASSERT_FALSE(rename);
  EXPECT_EQ(rename.error().kind, ErrorKind::NotFound);
  auto del = service_->delete_department(admin_, a.id, dept->id);
  ASSERT_FALSE(del);
  EXPECT_EQ(del.error().kind, ErrorKind::NotFound);
  auto still = service_->list_departments(b.id);
  ASSERT_TRUE(still);
  ASSERT_EQ(still->size(), 1u);
  EXPECT_EQ(still->front().name, "B dept");
}

TEST_F(OrgsTest, DepartmentCannotBeMovedUnderItself) {
  Organisation org = make_org("acme");
  auto top = service_->create_department(admin_, org.id, {"Top", std::nullopt});
  auto mid = service_->create_department(admin_, org.id, {"Mid", top->id});
  auto low = service_->create_department(admin_, org.id, {"Low", mid->id});
  ASSERT_TRUE(top && mid && low);
  auto self = service_->update_department(admin_, org.id, top->id, {std::nullopt, top->id});
  ASSERT_FALSE(self);
  EXPECT_TRUE(has_field(self.error(), "parent_id"));
  auto loop = service_->update_department(admin_, org.id, top->id, {std::nullopt, low->id});
  ASSERT_FALSE(loop);
  EXPECT_TRUE(has_field(loop.error(), "parent_id"));
  auto up = service_->update_department(admin_, org.id, low->id, {"Lowest", std::string()});
  ASSERT_TRUE(up);
  EXPECT_FALSE(up->parent_id);
  EXPECT_EQ(up->name, "Lowest");
}

TEST_F(OrgsTest, DeletingADepartment) {
  Organisation org = make_org("acme");
  auto top = service_->create_department(admin_, org.id, {"Top", std::nullopt});
  auto team = service_->create_department(admin_, org.id, {"Team", top->id});
  ASSERT_TRUE(top && team);
  const std::string ann = add_user("ann");
  join(org, ann, {}, {team->id});
  auto blocked = service_->delete_department(admin_, org.id, top->id);
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().kind, ErrorKind::Conflict);
  ASSERT_TRUE(service_->delete_department(admin_, org.id, team->id));
  auto member = service_->get_member(org.id, ann);
  ASSERT_TRUE(member);
  EXPECT_TRUE(member->department_ids.empty());
  EXPECT_TRUE(service_->delete_department(admin_, org.id, top->id));
  EXPECT_EQ(audit_of(org.id, "org.department_deleted").size(), 2u);
}

// --- Members ---------------------------------------------------------------

TEST_F(OrgsTest, AddMemberByIdAndByEmail_LOG02) {
  Organisation org = make_org("acme");
  auto dept = service_->create_department(admin_, org.id, {"Sales", std::nullopt});
  const std::string ann = add_user("ann");
  add_user("bob");
  Member m = join(org, ann, {"trainer", "trainer"}, {dept->id});
  EXPECT_EQ(m.roles, (std::vector<std::string>{"member", "trainer"}));
  EXPECT_EQ(m.department_ids, std::vector<std::string>{dept->id});

  NewMember by_email;
  by_email.email = "bob@example.test";
  auto bob = service_->add_member(admin_, org.id, by_email);
  ASSERT_TRUE(bob) << bob.error().detail;
  EXPECT_EQ(bob->user_id, "u-bob");
  EXPECT_EQ(bob->roles, std::vector<std::string>{"member"});

  auto events = audit_of(org.id, "org.member_added");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event.target_kind, "user");
  EXPECT_EQ(events[0].event.organisation_id, org.id);
}

TEST_F(OrgsTest, AddMemberRejectsBadInput) {
  Organisation org = make_org("acme");
  const std::string ann = add_user("ann");
  NewMember both;
  both.user_id = ann;
  both.email = "ann@example.test";
  EXPECT_EQ(service_->add_member(admin_, org.id, both).error().kind, ErrorKind::Invalid);
  NewMember neither;
  EXPECT_EQ(service_->add_member(admin_, org.id, neither).error().kind, ErrorKind::Invalid);
  NewMember unknown_email;
  unknown_email.email = "nobody@example.test";
  auto r = service_->add_member(admin_, org.id, unknown_email);
  ASSERT_FALSE(r);
  EXPECT_TRUE(has_field(r.error(), "email"));
  NewMember unknown_user;
  unknown_user.user_id = "u-ghost";
  auto ghost = service_->add_member(admin_, org.id, unknown_user);
  ASSERT_FALSE(ghost);
  EXPECT_EQ(ghost.error().kind, ErrorKind::Invalid) << ghost.error().detail;
  NewMember bad_role;
  bad_role.user_id = ann;
  bad_role.roles = {"member", "owner"};
  auto role = service_->add_member(admin_, org.id, bad_role);
  ASSERT_FALSE(role);
  EXPECT_TRUE(has_field(role.error(), "roles/1"));
  join(org, ann);
  NewMember again;
  again.user_id = ann;
  auto dup = service_->add_member(admin_, org.id, again);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind, ErrorKind::Conflict);
  auto nowhere = service_->add_member(admin_, "no-such-org", again);
  ASSERT_FALSE(nowhere);
  EXPECT_EQ(nowhere.error().kind, ErrorKind::NotFound);
}

TEST_F(OrgsTest, MemberDepartmentsMustBelongToTheOrganisation_AC02) {
  Organisation a = make_org("org-a");
  Organisation b = make_org("org-b");
  auto foreign = service_->create_department(admin_, b.id, {"B dept", std::nullopt});
  auto own = service_->create_department(admin_, a.id, {"A dept", std::nullopt});
  ASSERT_TRUE(foreign && own);
  const std::string ann = add_user("ann");
  NewMember m;
  m.user_id = ann;
  m.department_ids = {own->id, foreign->id};
  auto r = service_->add_member(admin_, a.id, m);
  ASSERT_FALSE(r);
  EXPECT_TRUE(has_field(r.error(), "department_ids/1"));
  EXPECT_FALSE(service_->get_member(a.id, ann));  // nothing half-written

  join(a, ann);
  auto change = service_->update_member(admin_, a.id, ann, {std::nullopt, {{foreign->id}}});
  ASSERT_FALSE(change);
  EXPECT_EQ(change.error().kind, ErrorKind::Invalid);
}

TEST_F(OrgsTest, RoleChangeIsAuditedWithBeforeAndAfter_LOG02) {
  Organisation org = make_org("acme");
  const std::string ann = add_user("ann");
  join(org, ann);
  auto r = service_->update_member(admin_, org.id, ann, {{{"manager", "author"}}, std::nullopt});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->roles, (std::vector<std::string>{"author", "manager", "member"}));
  auto events = audit_of(org.id, "org.role_changed");
  ASSERT_EQ(events.size(), 1u);
  auto detail = json::parse(events[0].event.detail_json);
  ASSERT_TRUE(detail);
  EXPECT_EQ(detail->at("before").as_array().size(), 1u);
  EXPECT_EQ(detail->at("after").as_array().size(), 3u);
  // The same roles again change nothing and log nothing.
  ASSERT_TRUE(service_->update_member(admin_, org.id, ann, {{{"author", "manager"}}, std::nullopt}));
  EXPECT_EQ(audit_of(org.id, "org.role_changed").size(), 1u);
}

TEST_F(OrgsTest, TheLastAdminStays) {
  Organisation org = make_org("acme");
  const std::string ann = add_user("ann");
  const std::string bob = add_user("bob");
  join(org, ann, {"admin"});
  auto demote = service_->update_member(admin_, org.id, ann, {{{"member"}}, std::nullopt});
  ASSERT_FALSE(demote);
  EXPECT_EQ(demote.error().kind, ErrorKind::Conflict);
  auto remove = service_->remove_member(admin_, org.id, ann);
  ASSERT_FALSE(remove);
  EXPECT_EQ(remove.error().kind, ErrorKind::Conflict);
  join(org, bob, {"admin"});
  EXPECT_TRUE(service_->remove_member(admin_, org.id, ann));
  EXPECT_EQ(audit_of(org.id, "org.member_removed").size(), 1u);
}

TEST_F(OrgsTest, MemberOfOneOrganisationIsNotFoundThroughAnother_AC04) {
  Organisation a = make_org("org-a");
  Organisation b = make_org("org-b");
  const std::string ann = add_user("ann");
  join(a, ann, {"author"});
  EXPECT_EQ(service_->get_member(b.id, ann).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(service_->update_member(admin_, b.id, ann, {{{"admin"}}, std::nullopt}).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(service_->remove_member(admin_, b.id, ann).error().kind, ErrorKind::NotFound);
  auto still = service_->get_member(a.id, ann);
  ASSERT_TRUE(still);
  EXPECT_EQ(still->roles, (std::vector<std::string>{"author", "member"}));
}

TEST_F(OrgsTest, UserInSeveralOrganisationsHasSeparateRoles) {
  Organisation a = make_org("org-a");
  Organisation b = make_org("org-b");
  const std::string ann = add_user("ann");
  join(a, ann, {"admin"});
  join(b, ann, {"trainer"});
  auto in_a = roles_->roles_in(ann, {"organisation", a.id});
  auto in_b = roles_->roles_in(ann, {"organisation", b.id});
  ASSERT_TRUE(in_a && in_b);
  EXPECT_EQ(*in_a, (std::vector<std::string>{"admin", "member"}));
  EXPECT_EQ(*in_b, (std::vector<std::string>{"member", "trainer"}));
}

TEST_F(OrgsTest, MemberListIsPagedWithRolesAndDepartments) {
  Organisation org = make_org("acme");
  Organisation other = make_org("other");
  auto dept = service_->create_department(admin_, org.id, {"Sales", std::nullopt});
  for (const char* name : {"a1", "a2", "a3", "a4", "a5"}) {
    join(org, add_user(name), {"author"}, {dept->id});
  }
  join(other, "u-a3", {"admin"});
  std::vector<Member> all;
  std::string cursor;
  for (int i = 0; i < 10; ++i) {
    auto page = service_->list_members(org.id, cursor, 2);
    ASSERT_TRUE(page);
    all.insert(all.end(), page->items.begin(), page->items.end());
    if (!page->next_cursor) break;
    cursor = *page->next_cursor;
  }
  ASSERT_EQ(all.size(), 5u);
  for (const Member& m : all) {
    EXPECT_EQ(m.roles, (std::vector<std::string>{"author", "member"})) << m.user_id;
    EXPECT_EQ(m.department_ids, std::vector<std::string>{dept->id}) << m.user_id;
  }
  EXPECT_EQ(service_->list_members("no-such-org", "", 2).error().kind, ErrorKind::NotFound);
}

TEST_F(OrgsTest, ManagerSeesTheirDepartmentsAndTeamsBelow) {
  Organisation org = make_org("acme");
  auto sales = service_->create_department(admin_, org.id, {"Sales", std::nullopt});
  auto east = service_->create_department(admin_, org.id, {"East", sales->id});
  auto east1 = service_->create_department(admin_, org.id, {"East 1", east->id});
  auto hr = service_->create_department(admin_, org.id, {"HR", std::nullopt});
  ASSERT_TRUE(sales && east && east1 && hr);
  const std::string mgr = add_user("mgr");
  join(org, mgr, {"manager"}, {sales->id});
  auto seen = service_->departments_of(mgr, org.id);
  ASSERT_TRUE(seen);
  std::vector<std::string> expected{sales->id, east->id, east1->id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(*seen, expected);
  auto stranger = service_->departments_of("u-nobody", org.id);
  ASSERT_TRUE(stranger);
  EXPECT_TRUE(stranger->empty());
}

// --- Role source -----------------------------------------------------------

TEST_F(OrgsTest, RoleSourceAnswersForOrganisations) {
  Organisation org = make_org("acme");
  const std::string ann = add_user("ann");
  join(org, ann);
  auto member = roles_->roles_in(ann, {"organisation", org.id});
  ASSERT_TRUE(member);
  EXPECT_EQ(*member, std::vector<std::string>{"member"});
  auto stranger = roles_->roles_in("u-nobody", {"organisation", org.id});
  ASSERT_TRUE(stranger);
  EXPECT_TRUE(stranger->empty());
  auto parent = roles_->parent_of({"organisation", org.id});
  ASSERT_TRUE(parent);
  ASSERT_TRUE(parent->has_value());
  EXPECT_EQ((*parent)->kind, "platform");
  auto missing = roles_->parent_of({"organisation", "no-such-org"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::NotFound);
}

}  // namespace
}  // namespace trivium::orgs

namespace trivium::orgs {
namespace {

class Placement : public testing::OrgsFixture {};

TEST_F(Placement, PlacesNewMembersAndAddsDepartmentsToExistingOnes) {
  Organisation org = make_org("acme");
  auto sales = service_->create_department(admin_, org.id, {"Sales", std::nullopt});
  auto ops = service_->create_department(admin_, org.id, {"Ops", std::nullopt});
  ASSERT_TRUE(sales && ops);
  std::string ann = add_user("ann");
  std::string bob = add_user("bob");
  ASSERT_TRUE(service_->add_member(admin_, org.id, {ann, std::nullopt, {"author"}, {ops->id}}));
  auto joined = service_->place_members(admin_, org.id, {{ann, sales->id}, {bob, std::nullopt}});
  ASSERT_TRUE(joined) << joined.error().detail;
  EXPECT_EQ(*joined, (std::vector<bool>{false, true}));
  auto a = service_->get_member(org.id, ann);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->roles, (std::vector<std::string>{"author", "member"}));  // kept
  EXPECT_EQ(a->department_ids.size(), 2u);                              // Ops kept, Sales added
  auto b = service_->get_member(org.id, bob);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->roles, (std::vector<std::string>{"member"}));
  // Again: nothing changes.
  auto again = service_->place_members(admin_, org.id, {{ann, sales->id}, {bob, std::nullopt}});
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, (std::vector<bool>{false, false}));
  EXPECT_EQ(service_->get_member(org.id, ann)->department_ids.size(), 2u);
}

TEST_F(Placement, AForeignDepartmentWritesNothing_AC02) {
  Organisation a = make_org("org-a");
  Organisation b = make_org("org-b");
  auto foreign = service_->create_department(admin_, b.id, {"B dept", std::nullopt});
  ASSERT_TRUE(foreign);
  std::string cy = add_user("cy");
  std::string dee = add_user("dee");
  auto r = service_->place_members(admin_, a.id, {{cy, std::nullopt}, {dee, foreign->id}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
  EXPECT_FALSE(service_->get_member(a.id, cy));  // the whole batch was refused
}

}  // namespace
}  // namespace trivium::orgs
