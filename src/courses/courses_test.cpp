// Courses, runs, SPOC derivation and staff against a real store.

#include "courses/testing.h"

namespace trivium::courses {
namespace {

using ::testing::Contains;
using testing::fields_of;

class CoursesTest : public testing::CoursesFixture {};

TEST(Presets, EachFormSetsItsSettings) {
  auto mooc = preset("mooc");
  ASSERT_TRUE(mooc);
  EXPECT_EQ(mooc->visibility, "public");
  EXPECT_EQ(mooc->enrolment_policy, "open");
  EXPECT_FALSE(mooc->capacity);
  EXPECT_EQ(mooc->pacing, "self_paced");
  auto internal = preset("cooc_internal");
  ASSERT_TRUE(internal);
  EXPECT_EQ(internal->visibility, "organisation");
  EXPECT_EQ(internal->enrolment_policy, "open");
  auto external = preset("cooc_external");
  ASSERT_TRUE(external);
  EXPECT_EQ(external->visibility, "public");
  EXPECT_EQ(external->enrolment_policy, "approval");
  auto spoc = preset("spoc");
  ASSERT_TRUE(spoc);
  EXPECT_EQ(spoc->visibility, "private");
  EXPECT_EQ(spoc->enrolment_policy, "invitation");
  EXPECT_EQ(spoc->capacity, 30);
  EXPECT_EQ(spoc->pacing, "scheduled");
  EXPECT_FALSE(preset("webinar"));
}

TEST_F(CoursesTest, CreateAppliesThePresetThenOverridesAndAudits) {
  auto org = make_org("acme");
  NewCourse in = new_course(org.id, "spoc", "intro-sql", "Intro to SQL");
  in.capacity = std::optional<int>(12);
  in.skills = {"sql", "databases", "sql"};
  auto c = create(in);
  EXPECT_EQ(c.form, "spoc");
  EXPECT_EQ(c.settings.visibility, "private");
  EXPECT_EQ(c.settings.enrolment_policy, "invitation");
  EXPECT_EQ(c.settings.capacity, 12);
  EXPECT_EQ(c.settings.pacing, "scheduled");
  EXPECT_EQ(c.skills, (std::vector<std::string>{"databases", "sql"}));
  auto read = service_->get_course(c.id);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->settings.capacity, 12);
  EXPECT_EQ(read->title, "Intro to SQL");
  auto staff = service_->staff({"course", c.id});
  ASSERT_TRUE(staff);
  ASSERT_EQ(staff->size(), 1u);
  EXPECT_EQ(staff->front().first, "u-root");
  EXPECT_EQ(staff->front().second, std::vector<std::string>{"author"});
  auto events = audit_->list({.organisation_id = org.id, .action = "course.created"});
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().event.target_id, c.id);
}

TEST_F(CoursesTest, BadInputIsInvalidWithFieldErrors) {
  auto org = make_org("acme");
  auto unknown = service_->create_course(actor_, new_course(org.id, "webinar", "x-1"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ErrorKind::Invalid);
  EXPECT_THAT(fields_of(unknown.error()), Contains("form"));

  NewCourse in = new_course(org.id, "mooc", "Bad Slug!");
  in.capacity = std::optional<int>(-1);
  in.language = "klingon";
  auto bad = service_->create_course(actor_, in);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::Invalid);
  EXPECT_THAT(fields_of(bad.error()), Contains("slug"));
  EXPECT_THAT(fields_of(bad.error()), Contains("capacity"));
  EXPECT_THAT(fields_of(bad.error()), Contains("language"));
  EXPECT_FALSE(service_->create_course(actor_, new_course(org.id, "mooc", "a")));  // too short
}

TEST_F(CoursesTest, SlugIsUniquePerOrganisation) {
  auto a = make_org("acme");
  auto b = make_org("beta");
  create(new_course(a.id, "mooc", "python"));
  auto again = service_->create_course(actor_, new_course(a.id, "mooc", "python"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::Conflict);
  EXPECT_TRUE(service_->create_course(actor_, new_course(b.id, "mooc", "python")));
  auto other = create(new_course(a.id, "mooc", "other"));
  CourseChange change;
  change.slug = "python";
  auto renamed = service_->update_course(actor_, other.id, change);
  ASSERT_FALSE(renamed);
  EXPECT_EQ(renamed.error().kind, ErrorKind::Conflict);
}

TEST_F(CoursesTest, DepartmentsOfAnotherOrganisationAreRefused_AC02) {
  auto a = make_org("acme");
  auto b = make_org("beta");
  const std::string b_dept = make_department(b.id, "Sales");
  NewCourse in = new_course(a.id, "cooc_internal", "onboarding");
  in.department_ids = std::vector<std::string>{b_dept};
  auto r = service_->create_course(actor_, in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
  EXPECT_THAT(fields_of(r.error()), Contains("department_ids/0"));
  const std::string a_dept = make_department(a.id, "Ops");
  in.department_ids = std::vector<std::string>{a_dept};
  auto c = create(in);
  EXPECT_EQ(c.settings.department_ids, std::vector<std::string>{a_dept});
  CourseChange change;
  change.department_ids = std::vector<std::string>{b_dept};
  EXPECT_FALSE(service_->update_course(actor_, c.id, change));
}

TEST_F(CoursesTest, UpdateChangesSettingsAndRendersMarkdown) {
  auto org = make_org("acme");
  auto c = create(new_course(org.id, "mooc", "python"));
  CourseChange change;
  change.visibility = "private";
  change.capacity = std::optional<int>(std::nullopt);
  change.description_md = "Hello <script>alert(1)</script> **world**";
  auto r = service_->update_course(actor_, c.id, change);
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(r->settings.visibility, "private");
  EXPECT_EQ(r->form, "mooc");  // the preset name stays, the setting changed
  EXPECT_NE(r->description_html.find("<strong>world</strong>"), std::string::npos);
  EXPECT_EQ(r->description_html.find("<script"), std::string::npos);
  EXPECT_FALSE(service_->update_course(actor_, "nope", change));
}

TEST_F(CoursesTest, RunDatesMustBeInOrderAndZonesKnown) {
  auto org = make_org("acme");
  auto c = create(new_course(org.id, "mooc", "python"));
  NewRun in;
  in.title = "Spring";
  in.enrolment_opens_at_ms = 2'000;
  in.enrolment_closes_at_ms = 1'000;
  in.starts_at_ms = 5'000;
  in.ends_at_ms = 4'000;
  in.time_zone = "Mars/Olympus";
  auto r = service_->create_run(actor_, c.id, in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
  EXPECT_THAT(fields_of(r.error()), Contains("enrolment_closes_at"));
  EXPECT_THAT(fields_of(r.error()), Contains("ends_at"));
  EXPECT_THAT(fields_of(r.error()), Contains("time_zone"));

  in.enrolment_closes_at_ms = 3'000;
  in.ends_at_ms = 9'000;
  in.time_zone = "Europe/Paris";
  auto ok_run = service_->create_run(actor_, c.id, in);
  ASSERT_TRUE(ok_run) << ok_run.error().detail;
  RunChange change;
  change.ends_at_ms = std::optional<int64_t>(1'000);
  auto bad = service_->update_run(actor_, ok_run->id, change);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(service_->get_run(ok_run->id)->ends_at_ms, 9'000);  // nothing half-applied
  auto runs = service_->list_runs(c.id);
  ASSERT_TRUE(runs);
  EXPECT_EQ(runs->size(), 1u);
  EXPECT_FALSE(service_->create_run(actor_, "nope", in));
}

TEST_F(CoursesTest, RunForEnrolmentCarriesTheCourseSettings) {
  auto org = make_org("acme");
  auto c = create(new_course(org.id, "spoc", "spoc-1"));
  auto run = add_run(c.id, 10, 20);
  auto r = service_->run_for_enrolment(run.id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->course_id, c.id);
  EXPECT_EQ(r->organisation_id, org.id);
  EXPECT_EQ(r->settings.capacity, 30);
  EXPECT_EQ(r->settings.enrolment_policy, "invitation");
  EXPECT_EQ(service_->run_for_enrolment("nope").error().kind, ErrorKind::NotFound);
}

TEST_F(CoursesTest, DeriveSpocSharesContentWithItsOwnRunAndTrainer) {
  auto org = make_org("acme");
  auto mooc = create(new_course(org.id, "mooc", "python", "Python for all"));
  auto source = add_run(mooc.id, 1'000, 2'000);
  const std::string trainer = add_user("tina");
  SpocDerivation in;
  in.source_run_id = source.id;
  in.slug = "python-spoc";
  in.title = "Python, cohort A";
  in.trainer_user_id = trainer;
  in.run.title = "Cohort A";
  in.run.starts_at_ms = 5'000;
  auto r = service_->derive_spoc(actor_, in);
  ASSERT_TRUE(r) << r.error().detail;
  const auto& [spoc, run] = *r;
  EXPECT_EQ(spoc.form, "spoc");
  EXPECT_EQ(spoc.settings.visibility, "private");
  EXPECT_EQ(spoc.settings.capacity, 30);
  EXPECT_EQ(spoc.content_source_course_id, mooc.id);
  EXPECT_EQ(spoc.derived_from_run_id, source.id);
  EXPECT_EQ(run.course_id, spoc.id);
  EXPECT_EQ(run.derived_from_run_id, source.id);
  auto staff = service_->staff({"run", run.id});
  ASSERT_TRUE(staff);
  ASSERT_EQ(staff->size(), 1u);
  EXPECT_EQ(staff->front().first, trainer);
  EXPECT_EQ(staff->front().second, std::vector<std::string>{"trainer"});
  // The trainer now sees the private SPOC.
  EXPECT_TRUE(policy_.can(subject(trainer), "course.view", {"course", spoc.id}));

  // Not from a SPOC.
  SpocDerivation again = in;
  again.source_run_id = run.id;
  again.slug = "spoc-of-spoc";
  auto nested = service_->derive_spoc(actor_, again);
  ASSERT_FALSE(nested);
  EXPECT_EQ(nested.error().kind, ErrorKind::Invalid);
}

TEST_F(CoursesTest, DeriveSpocNeedsTheRightToCreateInTheTarget) {
  auto org = make_org("acme");
  auto other = make_org("beta");
  auto mooc = create(new_course(org.id, "mooc", "python"));
  auto source = add_run(mooc.id, 1'000, 2'000);
  const std::string author = add_user("ann");
  join(org.id, author, {"author"});
  SpocDerivation in;
  in.source_run_id = source.id;
  in.slug = "mine";
  in.title = "Mine";
  in.organisation_id = other.id;
  auto denied = service_->derive_spoc(Actor{author, "", ""}, in);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().kind, ErrorKind::Forbidden);
  in.organisation_id.reset();
  auto allowed = service_->derive_spoc(Actor{author, "", ""}, in);
  ASSERT_TRUE(allowed) << allowed.error().detail;
  EXPECT_EQ(allowed->first.organisation_id, org.id);
  // A bad run is refused as a whole: no course is left behind.
  in.slug = "half";
  in.run.starts_at_ms = 10;
  in.run.ends_at_ms = 5;
  EXPECT_FALSE(service_->derive_spoc(Actor{author, "", ""}, in));
  auto page = service_->search(Viewer{"u-root", true}, CatalogQuery{.organisation_id = org.id});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->items.size(), 2u);
}

TEST_F(CoursesTest, StaffGrantRevokeAndList) {
  auto org = make_org("acme");
  auto c = create(new_course(org.id, "mooc", "python"));
  const std::string obs = add_user("olga");
  ASSERT_TRUE(service_->grant(actor_, {"course", c.id}, obs, "observer"));
  ASSERT_TRUE(service_->grant(actor_, {"course", c.id}, obs, "observer"));  // idempotent
  EXPECT_EQ(service_->grant(actor_, {"course", c.id}, obs, "learner").error().kind, ErrorKind::Invalid);
  EXPECT_EQ(service_->grant(actor_, {"course", c.id}, "u-nobody", "trainer").error().kind, ErrorKind::Invalid);
  EXPECT_EQ(service_->grant(actor_, {"course", "nope"}, obs, "trainer").error().kind, ErrorKind::NotFound);
  auto roles = roles_->roles_in(obs, {"course", c.id});
  ASSERT_TRUE(roles);
  EXPECT_THAT(*roles, Contains("observer"));
  ASSERT_TRUE(service_->revoke(actor_, {"course", c.id}, obs, "observer"));
  auto staff = service_->staff({"course", c.id});
  ASSERT_TRUE(staff);
  EXPECT_EQ(staff->size(), 1u);  // the creator only
  auto events = audit_->list({.organisation_id = org.id, .action = "course.staff_granted"});
  ASSERT_TRUE(events);
  EXPECT_EQ(events->size(), 1u);
}

}  // namespace
}  // namespace trivium::courses
