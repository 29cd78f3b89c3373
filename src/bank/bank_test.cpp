// The question bank on a real store (SQLite, and PostgreSQL when the test
// command provides one): categories, versions, filters, sharing within an
// organisation, and all-or-nothing imports.

#include "bank/bank.h"

#include <atomic>
#include <thread>

#include "courses/testing.h"

namespace trivium::bank {
namespace {

using courses::testing::CoursesFixture;

questions::Question single(const std::string& title, const std::string& right = "Paris") {
  questions::Question q;
  q.title = title;
  q.text = "What is the capital of France?";
  questions::SingleChoice sc;
  sc.choices = {{"a", right, 1, "Yes."}, {"b", "Lyon", 0, "No."}, {"c", "Marseille", 0, ""}};
  q.body = sc;
  return q;
}

questions::Question truth(const std::string& title) {
  questions::Question q;
  q.title = title;
  q.text = "The Loire is the longest river in France.";
  q.body = questions::TrueFalse{true, "", ""};
  return q;
}

class BankTest : public CoursesFixture {
 protected:
  void SetUp() override {
    CoursesFixture::SetUp();
    org_ = make_org("northwind");
    other_org_ = make_org("contoso");
    course_ = create(new_course(org_.id, "cooc_internal", "safety"));
    sibling_ = create(new_course(org_.id, "cooc_internal", "first-aid"));
    foreign_ = create(new_course(other_org_.id, "mooc", "elsewhere"));
    bank_ = std::make_unique<Service>(*store_, clock_, *audit_,
                                      Ports{[this](const std::string& id) { return service_->get_course(id); }});
  }
  void TearDown() override {
    bank_.reset();
    CoursesFixture::TearDown();
  }

  Category category(const std::string& name, const std::string& parent = "", const courses::Course* c = nullptr) {
    auto r = bank_->create_category(who_, (c ? c : &course_)->id, name, parent);
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    return r ? *r : Category{};
  }

  StoredQuestion add(const std::string& category_id, questions::Question q, std::vector<std::string> tags = {},
                     std::vector<std::string> skills = {}, const courses::Course* c = nullptr) {
    auto r = bank_->create_question(who_, (c ? c : &course_)->id,
                                    {category_id, std::move(q), std::move(tags), std::move(skills)});
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    return r ? *r : StoredQuestion{};
  }

  orgs::Organisation org_, other_org_;
  courses::Course course_, sibling_, foreign_;
  std::unique_ptr<Service> bank_;
  Actor who_{"u-root", "203.0.113.9", "req-bank"};
};

TEST_F(BankTest, CategoriesFormATreeWithUniqueNamesAmongSiblings) {
  Category week = category("Week 1");
  Category vocab = category("Vocabulary", week.id);
  EXPECT_EQ(vocab.path, "Week 1/Vocabulary");
  category("Vocabulary");  // the same name elsewhere is fine

  auto dup = bank_->create_category(who_, course_.id, "Vocabulary", week.id);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind, ErrorKind::Conflict);
  auto slash = bank_->create_category(who_, course_.id, "A/B", "");
  ASSERT_FALSE(slash);
  EXPECT_EQ(slash.error().fields.at(0).code, "slash");

  // A category cannot move under its own descendant.
  auto cycle = bank_->update_category(who_, course_.id, week.id, std::nullopt, vocab.id, std::nullopt);
  ASSERT_FALSE(cycle);
  EXPECT_EQ(cycle.error().fields.at(0).code, "cycle");

  auto b = bank_->bank(course_.id);
  ASSERT_TRUE(b);
  ASSERT_EQ(b->categories.size(), 3u);
  EXPECT_EQ(b->categories[0].path, "Week 1");
  EXPECT_EQ(b->categories[1].path, "Week 1/Vocabulary");
}

TEST_F(BankTest, CategoriesNestAtMostEightLevels) {
  std::string parent;
  for (int i = 0; i < kMaxCategoryDepth; ++i) parent = category("L" + std::to_string(i), parent).id;
  auto deeper = bank_->create_category(who_, course_.id, "too deep", parent);
  ASSERT_FALSE(deeper);
  EXPECT_EQ(deeper.error().fields.at(0).code, "too_deep");
}

TEST_F(BankTest, OnlyAnEmptyCategoryIsDeleted) {
  Category c = category("Quiz 1");
  StoredQuestion q = add(c.id, single("Capital"));
  auto refused = bank_->delete_category(who_, course_.id, c.id);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::Conflict);
  // Archived questions still hold their category: attempts refer to them.
  ASSERT_TRUE(bank_->set_archived(who_, course_.id, q.id, true));
  EXPECT_FALSE(bank_->delete_category(who_, course_.id, c.id));
  Category empty = category("Empty");
  EXPECT_TRUE(bank_->delete_category(who_, course_.id, empty.id));
  EXPECT_EQ(bank_->delete_category(who_, course_.id, empty.id).error().kind, ErrorKind::NotFound);
}

TEST_F(BankTest, EveryEditIsANewVersionAndOldVersionsStayReadable) {
  Category c = category("Geography");
  StoredQuestion v1 = add(c.id, single("Capital"), {"europe"}, {"geography"});
  EXPECT_EQ(v1.version, 1);
  EXPECT_EQ(v1.tags, std::vector<std::string>{"europe"});

  auto v2 = bank_->update_question(who_, course_.id, v1.id, 1, {c.id, single("Capital", "Paris (75)"), {"france"}, {}});
  ASSERT_TRUE(v2) << v2.error().detail;
  EXPECT_EQ(v2->version, 2);
  EXPECT_EQ(v2->current_version, 2);
  EXPECT_EQ(v2->tags, std::vector<std::string>{"france"});
  EXPECT_TRUE(v2->skills.empty());

  auto old = bank_->question(course_.id, v1.id, 1);
  ASSERT_TRUE(old);
  EXPECT_EQ(old->question, single("Capital"));
  EXPECT_EQ(old->current_version, 2);
  auto now = bank_->question(course_.id, v1.id);
  ASSERT_TRUE(now);
  EXPECT_EQ(now->question, single("Capital", "Paris (75)"));

  // An edit based on version 1 after version 2 exists is refused.
  auto stale = bank_->update_question(who_, course_.id, v1.id, 1, {c.id, single("Capital", "x"), {}, {}});
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().kind, ErrorKind::PreconditionFailed);

  auto versions = bank_->versions(course_.id, v1.id);
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, 2);
  EXPECT_EQ((*versions)[1].type, "single_choice");
  EXPECT_EQ(bank_->question(course_.id, v1.id, 3).error().kind, ErrorKind::NotFound);
}

TEST_F(BankTest, ConcurrentEditsOfTheSameVersionSaveExactlyOne) {
  Category c = category("Race");
  StoredQuestion q = add(c.id, single("Capital"));
  std::atomic<int> saved{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      auto r =
          bank_->update_question(who_, course_.id, q.id, 1, {c.id, single("Capital " + std::to_string(i)), {}, {}});
      if (r) {
        ++saved;
      } else if (r.error().kind == ErrorKind::PreconditionFailed) {
        ++refused;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(saved.load(), 1);
  EXPECT_EQ(refused.load(), 7);
  auto versions = bank_->versions(course_.id, q.id);
  ASSERT_TRUE(versions);
  EXPECT_EQ(versions->size(), 2u);
}

TEST_F(BankTest, InvalidQuestionsAndLabelsAreRefusedWithTheirField) {
  Category c = category("Checks");
  questions::Question bad = single("Capital");
  std::get<questions::SingleChoice>(bad.body).choices[0].fraction = 0.5;  // no full-credit choice
  auto r = bank_->create_question(who_, course_.id, {c.id, bad, {}, {}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
  auto dup = bank_->create_question(who_, course_.id, {c.id, single("x"), {"a", "a"}, {}});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().fields.at(0).field, "tags/1");
  auto elsewhere = bank_->create_question(who_, course_.id, {"no-such-category", single("x"), {}, {}});
  ASSERT_FALSE(elsewhere);
  EXPECT_EQ(elsewhere.error().fields.at(0).field, "category_id");
  auto listed = bank_->list(course_.id, {});
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->total, 0);
}

TEST_F(BankTest, ListFiltersByCategoryTreeTypeLabelsAndText) {
  Category week = category("Week 1");
  Category sub = category("Rivers", week.id);
  Category other = category("Week 2");
  add(week.id, single("Capital of France"), {"europe"});
  add(sub.id, truth("Longest river"), {"europe", "rivers"}, {"hydrography"});
  add(other.id, single("Capital of Spain", "Madrid"), {"europe"});

  ListQuery q;
  q.category_id = week.id;
  auto tree = bank_->list(course_.id, q);
  ASSERT_TRUE(tree);
  EXPECT_EQ(tree->total, 2);
  q.include_subcategories = false;
  EXPECT_EQ(bank_->list(course_.id, q)->total, 1);

  ListQuery by_type;
  by_type.type = "true_false";
  auto tf = bank_->list(course_.id, by_type);
  ASSERT_EQ(tf->questions.size(), 1u);
  EXPECT_EQ(tf->questions[0].question.title, "Longest river");
  EXPECT_EQ(tf->questions[0].skills, std::vector<std::string>{"hydrography"});

  ListQuery by_tag;
  by_tag.tag = "rivers";
  EXPECT_EQ(bank_->list(course_.id, by_tag)->total, 1);
  ListQuery by_text;
  by_text.text = "capital";
  EXPECT_EQ(bank_->list(course_.id, by_text)->total, 2);
  by_text.text = "Madrid";  // in a choice, not the title
  EXPECT_EQ(bank_->list(course_.id, by_text)->total, 1);
  by_text.text = "100%_";  // LIKE wildcards are literal
  EXPECT_EQ(bank_->list(course_.id, by_text)->total, 0);

  ListQuery page;
  page.limit = 2;
  auto first = bank_->list(course_.id, page);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->questions.size(), 2u);
  ASSERT_TRUE(first->next_offset);
  page.offset = *first->next_offset;
  auto second = bank_->list(course_.id, page);
  EXPECT_EQ(second->questions.size(), 1u);
  EXPECT_FALSE(second->next_offset);
}

TEST_F(BankTest, ArchivedQuestionsLeaveListsAndNewUsesButKeepTheirVersions) {
  Category c = category("Old");
  StoredQuestion q = add(c.id, single("Capital"));
  ASSERT_TRUE(bank_->set_archived(who_, course_.id, q.id, true));
  EXPECT_EQ(bank_->list(course_.id, {})->total, 0);
  ListQuery all;
  all.include_archived = true;
  EXPECT_EQ(bank_->list(course_.id, all)->total, 1);
  EXPECT_EQ(bank_->usable(course_.id, q.id, std::nullopt).error().kind, ErrorKind::Conflict);
  auto pinned = bank_->usable(course_.id, q.id, 1);
  ASSERT_TRUE(pinned);
  EXPECT_EQ(pinned->question.title, "Capital");
  EXPECT_TRUE(bank_->candidates(course_.id, c.id, {}, {})->empty());
}

TEST_F(BankTest, AnotherCoursesQuestionIsNotFoundUnlessItsBankIsSharedInTheOrganisation) {
  Category mine = category("Mine");
  StoredQuestion q = add(mine.id, single("Capital"), {"europe"});
  // AC-02: the id of another course's question reaches nothing through this course.
  EXPECT_EQ(bank_->question(sibling_.id, q.id).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(bank_->usable(sibling_.id, q.id, std::nullopt).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(bank_->candidates(sibling_.id, mine.id, {}, {}).error().kind, ErrorKind::NotFound);

  EXPECT_TRUE(bank_->shared_banks(sibling_.id)->empty());
  EXPECT_EQ(bank_->list_shared(sibling_.id, course_.id, {}).error().kind, ErrorKind::NotFound);
  ASSERT_TRUE(bank_->set_shared(who_, course_.id, true));
  auto shared = bank_->shared_banks(sibling_.id);
  ASSERT_TRUE(shared);
  ASSERT_EQ(shared->size(), 1u);
  EXPECT_EQ((*shared)[0].course_id, course_.id);
  EXPECT_EQ((*shared)[0].categories.at(0).name, "Mine");
  EXPECT_EQ(bank_->list_shared(sibling_.id, course_.id, {})->total, 1);
  EXPECT_TRUE(bank_->shared_banks(foreign_.id)->empty());
  EXPECT_EQ(bank_->list_shared(foreign_.id, course_.id, {}).error().kind, ErrorKind::NotFound);
  auto used = bank_->usable(sibling_.id, q.id, std::nullopt);
  ASSERT_TRUE(used) << used.error().detail;
  EXPECT_EQ(used->course_id, course_.id);
  auto drawn = bank_->candidates(sibling_.id, mine.id, {"europe"}, {});
  ASSERT_TRUE(drawn);
  EXPECT_EQ(*drawn, std::vector<std::string>{q.id});
  EXPECT_TRUE(bank_->candidates(sibling_.id, mine.id, {"asia"}, {})->empty());
  // Sharing stops at the organisation's border, and never opens editing.
  EXPECT_EQ(bank_->usable(foreign_.id, q.id, std::nullopt).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(bank_->update_question(who_, sibling_.id, q.id, 1, {mine.id, single("x"), {}, {}}).error().kind,
            ErrorKind::NotFound);
}

TEST_F(BankTest, AnImportWithProblemsStoresNothingUnlessAskedToSkipThem) {
  const std::string gift =
      "$CATEGORY: Week 1/Capitals\n"
      "\n"
      "::France:: The capital of France? {=Paris ~Lyon ~Marseille}\n"
      "\n"
      "::Broken:: An answer block that never ends {=yes ~no\n"
      "\n"
      "::Loire:: The Loire is the longest river in France. {T}\n";
  ImportRequest r;
  r.format = Format::Gift;
  r.text = gift;
  auto refused = bank_->import(who_, course_.id, r);
  ASSERT_TRUE(refused) << refused.error().detail;
  EXPECT_FALSE(refused->imported);
  ASSERT_FALSE(refused->problems.empty());
  EXPECT_EQ(refused->problems[0].line, 5);
  EXPECT_EQ(bank_->list(course_.id, {})->total, 0);
  EXPECT_TRUE(bank_->bank(course_.id)->categories.empty());

  r.skip_bad = true;
  auto done = bank_->import(who_, course_.id, r);
  ASSERT_TRUE(done) << done.error().detail;
  EXPECT_TRUE(done->imported);
  EXPECT_EQ(done->question_ids.size(), 2u);
  auto b = bank_->bank(course_.id);
  ASSERT_EQ(b->categories.size(), 2u);
  EXPECT_EQ(b->categories[1].path, "Week 1/Capitals");
  EXPECT_EQ(b->categories[1].question_count, 2);
}

TEST_F(BankTest, ExportThenImportGivesTheSameQuestions) {
  Category c = category("Round trip");
  add(c.id, single("Capital"));
  add(c.id, truth("Loire"));
  for (Format f : {Format::Gift, Format::MoodleXml}) {
    auto out = bank_->export_questions(course_.id, {f, c.id});
    ASSERT_TRUE(out);
    EXPECT_TRUE(out->skipped.empty());
    ImportRequest r;
    r.format = f;
    r.text = out->text;
    auto in = bank_->import(who_, sibling_.id, r);
    ASSERT_TRUE(in) << in.error().detail;
    ASSERT_TRUE(in->imported) << (in->problems.empty() ? "" : in->problems[0].message);
    ASSERT_EQ(in->question_ids.size(), 2u);
    for (const std::string& id : in->question_ids) {
      auto got = bank_->question(sibling_.id, id);
      ASSERT_TRUE(got);
      EXPECT_TRUE(got->question == single("Capital") || got->question == truth("Loire")) << got->question.title;
    }
  }
}

}  // namespace
}  // namespace trivium::bank
