// The catalog: relevance, ties by start date, keyset pagination, filters,
// and who sees what (the same rules as the RoleSource's "viewer").

#include <set>

#include "courses/testing.h"

namespace trivium::courses {
namespace {

using ::testing::Contains;
using ::testing::Not;

constexpr int64_t kDay = 86'400'000;

class SearchTest : public testing::CoursesFixture {
 protected:
  std::vector<std::string> ids(const Viewer& v, CatalogQuery q) {
    auto page = service_->search(v, q);
    EXPECT_TRUE(page) << (page ? "" : page.error().detail);
    std::vector<std::string> out;
    if (page) {
      for (const CatalogEntry& e : page->items) out.push_back(e.course.id);
    }
    return out;
  }
  std::vector<std::string> slugs(const Viewer& v, CatalogQuery q) {
    auto page = service_->search(v, q);
    EXPECT_TRUE(page) << (page ? "" : page.error().detail);
    std::vector<std::string> out;
    if (page) {
      for (const CatalogEntry& e : page->items) out.push_back(e.course.slug);
    }
    return out;
  }
};

TEST_F(SearchTest, RanksTitleMatchesFirstThenTiesByStartDate) {
  auto org = make_org("acme");
  const int64_t now = clock_.now_ms();
  NewCourse in_desc = new_course(org.id, "mooc", "cooking", "Cooking basics");
  in_desc.description_md = "We also touch on python for kitchen inventories.";
  auto desc = create(in_desc);
  auto late = create(new_course(org.id, "mooc", "python-late", "Python programming"));
  auto early = create(new_course(org.id, "mooc", "python-early", "Python programming"));
  create(new_course(org.id, "mooc", "rust", "Rust programming"));
  add_run(late.id, now + 20 * kDay, now + 40 * kDay);
  add_run(early.id, now + 5 * kDay, now + 40 * kDay);
  add_run(desc.id, now + 1 * kDay, now + 40 * kDay);
  EXPECT_EQ(slugs(Viewer{}, {.q = "python"}), (std::vector<std::string>{"python-early", "python-late", "cooking"}));
  // A prefix matches; every word must match.
  EXPECT_EQ(slugs(Viewer{}, {.q = "Pyth progr"}), (std::vector<std::string>{"python-early", "python-late"}));
  // Full-text syntax in the query is only text (INJ-01).
  EXPECT_TRUE(service_->search(Viewer{}, {.q = "\"python\" OR title:* NEAR( -- ' ; DROP"}));
  // Without a query: by next start, courses without runs last.
  auto all = slugs(Viewer{}, {});
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0], "cooking");
  EXPECT_EQ(all[3], "rust");
}

TEST_F(SearchTest, KeysetPaginationIsStableAndComplete) {
  auto org = make_org("acme");
  const int64_t now = clock_.now_ms();
  std::set<std::string> created;
  for (int i = 0; i < 23; ++i) {
    auto c = create(new_course(org.id, "mooc", "data-" + std::to_string(i), "Data science " + std::to_string(i)));
    created.insert(c.id);
    if (i % 3 != 0) add_run(c.id, now + (i % 5) * kDay, std::nullopt);  // ties on purpose
  }
  for (const char* q : {"", "data"}) {
    std::vector<std::string> seen;
    CatalogQuery query{.q = q, .limit = 5};
    for (int pages = 0; pages < 10; ++pages) {
      auto page = service_->search(Viewer{}, query);
      ASSERT_TRUE(page) << page.error().detail;
      for (const auto& e : page->items) seen.push_back(e.course.id);
      if (!page->next_cursor) break;
      EXPECT_EQ(page->items.size(), 5u);
      query.cursor = *page->next_cursor;
    }
    EXPECT_EQ(seen.size(), created.size()) << q;
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), created) << q;
  }
  auto forged = service_->search(Viewer{}, {.cursor = "not-a-cursor"});
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.error().kind, ErrorKind::Invalid);
}

TEST_F(SearchTest, FiltersByFormLanguageOrganisationSkillAndWhen) {
  auto a = make_org("acme");
  auto b = make_org("beta");
  const int64_t now = clock_.now_ms();
  NewCourse fr = new_course(a.id, "mooc", "python-fr", "Python en français");
  fr.language = "fr";
  fr.skills = {"python", "programming"};
  auto c_fr = create(fr);
  auto c_ext = create(new_course(b.id, "cooc_external", "sales", "Sales"));
  auto c_past = create(new_course(a.id, "mooc", "history", "History"));
  add_run(c_fr.id, now - kDay, now + kDay);            // ongoing
  add_run(c_ext.id, now + 3 * kDay, now + 9 * kDay);   // upcoming
  add_run(c_past.id, now - 9 * kDay, now - 3 * kDay);  // over
  EXPECT_EQ(ids(Viewer{}, {.form = "cooc_external"}), std::vector<std::string>{c_ext.id});
  EXPECT_EQ(ids(Viewer{}, {.language = "fr"}), std::vector<std::string>{c_fr.id});
  EXPECT_EQ(ids(Viewer{}, {.organisation_id = b.id}), std::vector<std::string>{c_ext.id});
  EXPECT_EQ(ids(Viewer{}, {.skill = "python"}), std::vector<std::string>{c_fr.id});
  EXPECT_EQ(ids(Viewer{}, {.when = "ongoing"}), std::vector<std::string>{c_fr.id});
  EXPECT_EQ(ids(Viewer{}, {.when = "upcoming"}), std::vector<std::string>{c_ext.id});
  auto bad = service_->search(Viewer{}, {.form = "webinar", .when = "yesterday"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().fields.size(), 2u);
  // The next run of the ongoing course is the current one.
  auto page = service_->search(Viewer{}, {.language = "fr"});
  ASSERT_TRUE(page && page->items.size() == 1 && page->items[0].next_run);
  EXPECT_EQ(page->items[0].next_run->starts_at_ms, now - kDay);
}

TEST_F(SearchTest, VisibilityFollowsSettingsDepartmentsTeamsAndStaff_AC04) {
  auto org = make_org("acme");
  auto other = make_org("beta");
  const std::string sales = make_department(org.id, "Sales");
  const std::string east = make_department(org.id, "Sales East", sales);
  const std::string ops = make_department(org.id, "Ops");
  const std::string member = add_user("mia"), seller = add_user("sam"), east_rep = add_user("eve"),
                    ops_rep = add_user("otto"), outsider = add_user("olaf"), trainer = add_user("tom"),
                    org_admin = add_user("ada");
  join(org.id, member);
  join(org.id, seller, {}, {sales});
  join(org.id, east_rep, {}, {east});
  join(org.id, ops_rep, {}, {ops});
  join(other.id, outsider);
  join(org.id, org_admin, {"admin"});
  auto pub = create(new_course(org.id, "mooc", "public-one"));
  auto internal = create(new_course(org.id, "cooc_internal", "internal-all"));
  NewCourse sales_only = new_course(org.id, "cooc_internal", "sales-only");
  sales_only.department_ids = std::vector<std::string>{sales};
  auto restricted = create(sales_only);
  auto spoc = create(new_course(org.id, "spoc", "private-spoc"));
  auto run = add_run(spoc.id, std::nullopt, std::nullopt);
  ASSERT_TRUE(service_->grant(actor_, {"run", run.id}, trainer, "trainer"));

  auto sees = [&](const std::string& user) {
    auto v = ids(Viewer{user, false}, {});
    return std::set<std::string>(v.begin(), v.end());
  };
  EXPECT_EQ(sees(""), (std::set<std::string>{pub.id}));
  EXPECT_EQ(sees(outsider), (std::set<std::string>{pub.id}));
  EXPECT_EQ(sees(member), (std::set<std::string>{pub.id, internal.id}));
  EXPECT_EQ(sees(ops_rep), (std::set<std::string>{pub.id, internal.id}));
  EXPECT_EQ(sees(seller), (std::set<std::string>{pub.id, internal.id, restricted.id}));
  EXPECT_EQ(sees(east_rep), (std::set<std::string>{pub.id, internal.id, restricted.id}));  // a team of Sales
  EXPECT_EQ(sees(trainer), (std::set<std::string>{pub.id, spoc.id}));
  EXPECT_EQ(sees(org_admin), (std::set<std::string>{pub.id, internal.id, restricted.id, spoc.id}));
  EXPECT_EQ(ids(Viewer{"u-root", true}, {}).size(), 4u);

  // The policy agrees with the catalog (course.view through the RoleSource).
  EXPECT_TRUE(policy_.can(subject(""), "course.view", {"course", pub.id}));
  EXPECT_FALSE(policy_.can(subject(""), "course.view", {"course", internal.id}));
  EXPECT_FALSE(policy_.can(subject(outsider), "course.view", {"course", internal.id}));
  EXPECT_TRUE(policy_.can(subject(member), "course.view", {"course", internal.id}));
  EXPECT_FALSE(policy_.can(subject(ops_rep), "course.view", {"course", restricted.id}));
  EXPECT_TRUE(policy_.can(subject(east_rep), "course.view", {"course", restricted.id}));
  EXPECT_FALSE(policy_.can(subject(member), "course.view", {"course", spoc.id}));
  EXPECT_TRUE(policy_.can(subject(trainer), "run.view", {"run", run.id}));
  EXPECT_TRUE(policy_.can(subject(trainer), "run.manage", {"run", run.id}));
  EXPECT_FALSE(policy_.can(subject(trainer), "course.edit", {"course", spoc.id}));
  EXPECT_TRUE(policy_.can(subject(org_admin), "course.edit", {"course", spoc.id}));
  EXPECT_FALSE(policy_.can(subject(member), "courses.create", {"organisation", org.id}));
  auto missing = policy_.check(subject(""), "course.view", {"course", "nope"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::NotFound);
}

TEST_F(SearchTest, RoleSourceParentsAndViewerRoles) {
  auto org = make_org("acme");
  auto c = create(new_course(org.id, "mooc", "python"));
  auto run = add_run(c.id, std::nullopt, std::nullopt);
  auto course_parent = roles_->parent_of({"course", c.id});
  ASSERT_TRUE(course_parent && *course_parent);
  EXPECT_EQ(**course_parent, (authz::ContextRef{"organisation", org.id}));
  auto run_parent = roles_->parent_of({"run", run.id});
  ASSERT_TRUE(run_parent && *run_parent);
  EXPECT_EQ(**run_parent, (authz::ContextRef{"course", c.id}));
  EXPECT_EQ(roles_->parent_of({"run", "nope"}).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(roles_->parent_of({"course", "nope"}).error().kind, ErrorKind::NotFound);
  auto anon = roles_->roles_in("", {"run", run.id});
  ASSERT_TRUE(anon);
  EXPECT_EQ(*anon, std::vector<std::string>{"viewer"});
  CourseChange hide;
  hide.visibility = "private";
  ASSERT_TRUE(service_->update_course(actor_, c.id, hide));
  anon = roles_->roles_in("", {"course", c.id});
  ASSERT_TRUE(anon);
  EXPECT_THAT(*anon, Not(Contains("viewer")));
  auto author = roles_->roles_in("u-root", {"course", c.id});
  ASSERT_TRUE(author);
  EXPECT_EQ(*author, (std::vector<std::string>{"author", "viewer"}));
}

// The anonymous catalog cache: a kept page is served until anything the
// catalog shows changes, or for at most kCatalogCacheMs; a page computed
// across a change is not kept.
TEST_F(SearchTest, CachedCatalogPagesEndWithAChangeOrTheirLifetime) {
  auto org = make_org("acme");
  auto c = create(new_course(org.id, "mooc", "python", "Python programming"));
  const auto body = std::make_shared<const std::string>("page 1");
  uint64_t g = service_->catalog_generation();
  service_->keep_catalog_page("k", g, body);
  ASSERT_TRUE(service_->cached_catalog_page("k"));
  EXPECT_EQ(*service_->cached_catalog_page("k"), "page 1");
  EXPECT_FALSE(service_->cached_catalog_page("other"));
  // A change to a course retires it.
  CourseChange change;
  change.title = "Python programming, 2nd edition";
  ASSERT_TRUE(service_->update_course(actor_, c.id, change));
  EXPECT_FALSE(service_->cached_catalog_page("k"));
  // A page computed before a change is not kept.
  service_->keep_catalog_page("k", g, body);
  EXPECT_FALSE(service_->cached_catalog_page("k"));
  // A new run is a change too.
  g = service_->catalog_generation();
  service_->keep_catalog_page("k", g, body);
  add_run(c.id, clock_.now_ms() + kDay, clock_.now_ms() + 10 * kDay);
  EXPECT_FALSE(service_->cached_catalog_page("k"));
  // Time alone ends it.
  g = service_->catalog_generation();
  service_->keep_catalog_page("k", g, body);
  clock_.advance(Service::kCatalogCacheMs - 1);
  EXPECT_TRUE(service_->cached_catalog_page("k"));
  clock_.advance(1);
  EXPECT_FALSE(service_->cached_catalog_page("k"));
}

}  // namespace
}  // namespace trivium::courses
