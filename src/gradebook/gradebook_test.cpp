// The gradebook service on both stores, with a stand-in source of quiz
// grades: the set-up (categories kept, renamed and deleted; placements;
// letters), overrides with their history and audit events, the learner's
// and the trainer's views, the run's end, and the CSV export (F11).

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>

#include "core/csv.h"
#include "core/test_store.h"
#include "gradebook/gradebook.h"

namespace trivium::gradebook {
namespace {

namespace bj = boost::json;

constexpr int64_t kStart = 1'800'000'000'000;
constexpr int64_t kDay = 24LL * 3600 * 1000;

// Quiz grades as the quizzes module would give them, set by the test.
class FakeQuizzes : public ItemSource {
 public:
  std::vector<Item> list;
  std::vector<ItemGrade> graded;
  std::string kind() const override { return "quiz"; }
  Result<std::vector<Item>> items(const std::string&) override { return list; }
  Result<std::vector<ItemGrade>> grades(const std::string&, const std::vector<Item>&) override { return graded; }
  Result<std::vector<ItemGrade>> grades_of(const std::string&, const std::string& user, const std::vector<Item>&,
                                           int64_t) override {
    std::vector<ItemGrade> out;
    for (const ItemGrade& g : graded)
      if (g.user_id == user) out.push_back(g);
    return out;
  }
};

class GradebookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/trivium-gradebook-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store_ = trivium::testing::open_test_store(dir_ + "/gradebook.db");
    ASSERT_TRUE(store_);
    ASSERT_TRUE(store_->write([](db::Tx& tx) -> Result<void> {
      TRV_TRY(
          tx.exec("INSERT INTO organisations (id, slug, name, kind, created_at, updated_at) "
                  "VALUES ('org-1', 'acme', 'Acme', 'company', 0, 0)"));
      TRV_TRY(tx.exec(
          "INSERT INTO courses (id, organisation_id, slug, title, summary, description_md, description_html, "
          "language, skills_json, authors_json, form, visibility, enrolment_policy, pacing, completion_modules_json, "
          "created_by, created_at, updated_at) VALUES ('course-1', 'org-1', 'c', 'Statistics', '', '', '', 'en', "
          "'[]', '[]', 'spoc', 'private', 'invitation', 'self_paced', '[]', 'u-author', 0, 0)"));
      TRV_TRY(
          tx.exec("INSERT INTO course_runs (id, course_id, title, time_zone, created_by, created_at, updated_at) "
                  "VALUES ('run-1', 'course-1', 'Spring', 'UTC', 'u-author', 0, 0)"));
      TRV_TRY(trivium::testing::insert_user(tx, "ann", "ann@example.org", "Ann"));
      TRV_TRY(trivium::testing::insert_user(tx, "bob", "bob@example.org", "bob"));
      TRV_TRY(trivium::testing::insert_user(tx, "cyd", "cyd@example.org", "=HYPERLINK(\"http://x\")"));
      TRV_TRY(trivium::testing::insert_user(tx, "tom", "tom@example.org", "Tom Trainer"));
      return ok();
    }));
    learners_ = {{"ann", "Ann", "ann@example.org"},
                 {"bob", "bob", "bob@example.org"},
                 {"cyd", "=HYPERLINK(\"http://x\")", "cyd@example.org"}};
    audit_ = std::make_unique<audit::AuditLog>(*store_, clock_);
    Ports ports;
    ports.run = [this](const std::string& id) -> Result<RunInfo> {
      if (id != "run-1") return fail(ErrorKind::NotFound, "No such run.");
      return RunInfo{"org-1", kStart + 30 * kDay, passing_};
    };
    ports.learners = [this](const std::string&) -> Result<std::vector<Learner>> { return learners_; };
    ports.is_learner = [this](const std::string& user, const std::string&) -> Result<bool> {
      for (const Learner& l : learners_)
        if (l.user_id == user) return true;
      return false;
    };
    service_ = std::make_unique<Service>(*store_, clock_, *audit_, std::move(ports));
    auto quizzes = std::make_unique<FakeQuizzes>();
    quizzes_ = quizzes.get();
    service_->add_source(std::move(quizzes));
    // Two quizzes out of 10 and 20.
    quizzes_->list = {Item{"quiz:q1", "quiz", "Week 1 quiz", 10, "/q1"}, Item{"quiz:q2", "quiz", "Final", 20, "/q2"}};
  }

  void TearDown() override {
    service_.reset();
    if (store_) store_->close();
    std::filesystem::remove_all(dir_);
  }

  void grade(const std::string& user, const std::string& quiz, double g) {
    ItemGrade ig;
    ig.key = "quiz:" + quiz;
    ig.user_id = user;
    ig.grade = g;
    quizzes_->graded.push_back(ig);
  }

  std::vector<audit::Entry> events(const std::string& action) {
    audit::Query q;
    q.action = action;
    auto list = audit_->list(q);
    EXPECT_TRUE(list);
    return list ? *list : std::vector<audit::Entry>{};
  }

  const Actor trainer_{"tom", "127.0.0.1", "req-1"};
  std::string dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<db::Store> store_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<Service> service_;
  FakeQuizzes* quizzes_ = nullptr;
  std::vector<Learner> learners_;
  std::optional<double> passing_ = 60.0;
};

TEST_F(GradebookTest, CategoriesAreKeptByIdRenamedAndDeletedWithTheirItemsBecomingUncategorised) {
  auto v = service_->set_categories(trainer_, "run-1",
                                    {{std::nullopt, "Quizzes", 40, 0}, {std::nullopt, "Exam", 60, 0}}, std::nullopt);
  ASSERT_TRUE(v) << v.error().detail;
  ASSERT_EQ(v->setup.categories.size(), 2u);
  const std::string quizzes = v->setup.categories[0].id, exam = v->setup.categories[1].id;
  EXPECT_EQ(v->items.size(), 2u);
  ASSERT_TRUE(service_->place_item(trainer_, "run-1", Placement{"quiz:q1", quizzes, 2}));
  ASSERT_TRUE(service_->place_item(trainer_, "run-1", Placement{"quiz:q2", exam, 1}));
  // Exam renamed and moved first; Quizzes deleted.
  v = service_->set_categories(trainer_, "run-1", {{exam, "Final exam", 100, 0}}, 0.5);
  ASSERT_TRUE(v) << v.error().detail;
  ASSERT_EQ(v->setup.categories.size(), 1u);
  EXPECT_EQ(v->setup.categories[0].id, exam);
  EXPECT_EQ(v->setup.categories[0].name, "Final exam");
  EXPECT_DOUBLE_EQ(v->setup.uncategorised_weight, 0.5);
  EXPECT_FALSE(v->setup.placements.at("quiz:q1").category_id.has_value());
  EXPECT_DOUBLE_EQ(v->setup.placements.at("quiz:q1").weight, 2);  // its weight stays
  EXPECT_EQ(*v->setup.placements.at("quiz:q2").category_id, exam);
  // Bad input is refused whole, each field named.
  auto bad =
      service_->set_categories(trainer_, "run-1", {{std::string("nope"), "X", 1, 0}, {exam, "", -1, 99}}, std::nullopt);
  ASSERT_FALSE(bad);
  std::vector<std::string> fields;
  for (const FieldError& f : bad.error().fields) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"categories/0/id", "categories/1/name", "categories/1/weight",
                                              "categories/1/drop_lowest"}));
  EXPECT_EQ(service_->setup("run-1")->setup.categories[0].name, "Final exam");
  // Placing an unknown item or into an unknown category.
  EXPECT_EQ(service_->place_item(trainer_, "run-1", Placement{"quiz:zz", std::nullopt, 1}).error().kind,
            ErrorKind::NotFound);
  EXPECT_EQ(service_->place_item(trainer_, "run-1", Placement{"quiz:q1", std::string("gone"), 1}).error().kind,
            ErrorKind::Invalid);
  EXPECT_EQ(events("gradebook.categories_set").size(), 2u);
  EXPECT_EQ(events("gradebook.item_placed").size(), 2u);
}

TEST_F(GradebookTest, ALearnerSeesItemsCategoriesAndTheCourseGradeWithTheRunsLetters) {
  auto v = service_->set_categories(trainer_, "run-1", {{std::nullopt, "Quizzes", 1, 0}, {std::nullopt, "Exam", 3, 0}},
                                    std::nullopt);
  ASSERT_TRUE(v);
  ASSERT_TRUE(service_->place_item(trainer_, "run-1", Placement{"quiz:q1", v->setup.categories[0].id, 1}));
  ASSERT_TRUE(service_->place_item(trainer_, "run-1", Placement{"quiz:q2", v->setup.categories[1].id, 1}));
  grade("ann", "q1", 5);   // 50 %
  grade("ann", "q2", 15);  // 75 %
  // (1 * 50 + 3 * 75) / 4 = 275 / 4 = 68.75: D on the default scale.
  auto mine = service_->learner("ann", "run-1", clock_.now_ms());
  ASSERT_TRUE(mine) << mine.error().detail;
  EXPECT_DOUBLE_EQ(*mine->result.course.percent, 68.75);
  EXPECT_EQ(*mine->result.course.letter, "D");
  EXPECT_EQ(mine->result.course.passed, std::optional<bool>(true));  // the course asks 60
  // A pass/fail scale of the run's own.
  EXPECT_EQ(service_->set_letters(trainer_, "run-1", {{"Pass", 70}, {"Fail", 10}}).error().kind, ErrorKind::Invalid);
  ASSERT_TRUE(service_->set_letters(trainer_, "run-1", {{"Pass", 70}, {"Fail", 0}}));
  mine = service_->learner("ann", "run-1", clock_.now_ms());
  EXPECT_EQ(*mine->result.course.letter, "Fail");
  // bob has nothing graded yet: no course grade, not passed.
  auto bob = service_->learner("bob", "run-1", clock_.now_ms());
  ASSERT_TRUE(bob);
  EXPECT_FALSE(bob->result.course.percent.has_value());
  EXPECT_EQ(bob->result.course.passed, std::optional<bool>(false));
  // After the run's end his missing quizzes count as 0: 0 %, Fail.
  clock_.advance(31 * kDay);
  bob = service_->learner("bob", "run-1", clock_.now_ms());
  EXPECT_TRUE(bob->context.run_ended);
  EXPECT_DOUBLE_EQ(*bob->result.course.percent, 0);
  EXPECT_EQ(*bob->result.course.letter, "Fail");
}

TEST_F(GradebookTest, OverridesKeepTheirHistoryTheLatestWinsAndEachIsAudited) {
  grade("ann", "q1", 4);   // 40 %
  grade("ann", "q2", 20);  // 100 %
  // Uncategorised, equal weights: (40 + 100) / 2 = 70.
  EXPECT_DOUBLE_EQ(*service_->learner("ann", "run-1", kStart)->result.course.percent, 70);
  ASSERT_TRUE(service_->set_override(trainer_, "run-1", "ann", "quiz:q1", 60, "question 2 was wrong", kStart + 1));
  auto second = service_->set_override(trainer_, "run-1", "ann", "quiz:q1", 80, "oral re-sit", kStart + 2);
  ASSERT_TRUE(second) << second.error().detail;
  EXPECT_EQ(second->seq, 2);
  // The latest wins: (80 + 100) / 2 = 90.
  auto mine = service_->learner("ann", "run-1", kStart + 3);
  EXPECT_DOUBLE_EQ(*mine->result.course.percent, 90);
  EXPECT_TRUE(mine->result.items[0].overridden);
  EXPECT_DOUBLE_EQ(*mine->result.items[0].grade, 8);
  // A course override decides alone.
  ASSERT_TRUE(service_->set_override(trainer_, "run-1", "ann", "course", 50, "plagiarism in week 3", kStart + 4));
  mine = service_->learner("ann", "run-1", kStart + 5);
  EXPECT_DOUBLE_EQ(*mine->result.course.percent, 50);
  EXPECT_EQ(mine->result.course.passed, std::optional<bool>(false));
  // Reverting goes back to the computed grade; the history keeps all.
  auto cleared = service_->clear_override(trainer_, "run-1", "ann", "quiz:q1", kStart + 6);
  ASSERT_TRUE(cleared) << cleared.error().detail;
  ASSERT_TRUE(service_->clear_override(trainer_, "run-1", "ann", "course", kStart + 7));
  EXPECT_DOUBLE_EQ(*service_->learner("ann", "run-1", kStart + 8)->result.course.percent, 70);
  EXPECT_EQ(service_->clear_override(trainer_, "run-1", "ann", "quiz:q1", kStart + 9).error().kind,
            ErrorKind::NotFound);
  auto history = service_->override_history("run-1", "ann");
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 5u);
  EXPECT_EQ(history->at(0).reason, "question 2 was wrong");
  EXPECT_DOUBLE_EQ(*history->at(1).percent, 80);
  EXPECT_FALSE(history->at(3).percent.has_value());  // the revert of quiz:q1
  EXPECT_EQ(history->at(3).by, "tom");
  // Audited with who, what and why.
  auto set = events("gradebook.override_set");
  ASSERT_EQ(set.size(), 3u);
  EXPECT_EQ(set[0].event.target_id, "ann");
  EXPECT_EQ(set[0].event.organisation_id, "org-1");
  EXPECT_EQ(set[0].event.actor_id, "tom");
  bool found = false;
  for (const auto& e : set) {
    bj::value d = bj::parse(e.event.detail_json);
    if (d.at("reason") == "oral re-sit") {
      found = true;
      EXPECT_EQ(d.at("item"), "quiz:q1");
      EXPECT_DOUBLE_EQ(d.at("grade").to_number<double>(), 80);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(events("gradebook.override_cleared").size(), 2u);
}

TEST_F(GradebookTest, AnOverrideNeedsALearnerAnItemOfTheRunAGradeAndAReason) {
  EXPECT_EQ(service_->set_override(trainer_, "run-1", "tom", "quiz:q1", 50, "x", kStart).error().kind,
            ErrorKind::NotFound);
  EXPECT_EQ(service_->set_override(trainer_, "run-1", "ann", "quiz:nope", 50, "x", kStart).error().kind,
            ErrorKind::NotFound);
  EXPECT_EQ(service_->set_override(trainer_, "run-1", "ann", "quiz:q1", 101, "x", kStart).error().kind,
            ErrorKind::Invalid);
  EXPECT_EQ(service_->set_override(trainer_, "run-1", "ann", "quiz:q1", 50, "", kStart).error().kind,
            ErrorKind::Invalid);
  EXPECT_TRUE(service_->override_history("run-1", "ann")->empty());
  EXPECT_TRUE(events("gradebook.override_set").empty());
}

TEST_F(GradebookTest, TheTrainersViewSortsByNameOrGradeAndPages) {
  grade("ann", "q1", 9);   // 90 %
  grade("bob", "q1", 5);   // 50 %
  grade("cyd", "q2", 14);  // 70 %
  RunQuery q;
  auto v = service_->run("run-1", q, kStart);
  ASSERT_TRUE(v) << v.error().detail;
  ASSERT_EQ(v->rows.size(), 3u);
  // By name, case aside: "=HYPERLINK…", Ann, bob.
  EXPECT_EQ(v->rows[0].learner.user_id, "cyd");
  EXPECT_EQ(v->rows[1].learner.user_id, "ann");
  EXPECT_EQ(v->rows[2].learner.user_id, "bob");
  q.sort = "grade";
  q.descending = true;
  q.limit = 2;
  v = service_->run("run-1", q, kStart);
  ASSERT_EQ(v->rows.size(), 2u);
  EXPECT_EQ(v->total, 3);
  EXPECT_EQ(v->rows[0].learner.user_id, "ann");
  EXPECT_EQ(v->rows[1].learner.user_id, "cyd");
  EXPECT_EQ(v->next_offset, std::optional<int>(2));
  q.offset = 2;
  v = service_->run("run-1", q, kStart);
  ASSERT_EQ(v->rows.size(), 1u);
  EXPECT_EQ(v->rows[0].learner.user_id, "bob");
  EXPECT_DOUBLE_EQ(*v->rows[0].result.course.percent, 50);
  EXPECT_FALSE(v->next_offset.has_value());
}

TEST_F(GradebookTest, F11_TheCsvExportHasABomOneRowPerLearnerAndNoLiveFormulas) {
  grade("ann", "q1", 9);   // 90 %
  grade("ann", "q2", 15);  // 75 %: (90 + 75) / 2 = 82.5, B
  grade("cyd", "q2", 1);   // 5 %
  auto text = service_->csv("run-1", kStart);
  ASSERT_TRUE(text) << text.error().detail;
  ASSERT_EQ(text->substr(0, 3), "\xEF\xBB\xBF");
  auto doc = csv::parse(text->substr(3));
  ASSERT_TRUE(doc);
  EXPECT_TRUE(doc->errors.empty());
  ASSERT_EQ(doc->records.size(), 4u);
  EXPECT_EQ(doc->records[0].fields,
            (std::vector<std::string>{"Name", "E-mail", "Week 1 quiz (%)", "Final (%)", "Course grade (%)", "Letter"}));
  // cyd's name would run as a formula in a spreadsheet: it is quoted text.
  EXPECT_EQ(doc->records[1].fields[0], "'=HYPERLINK(\"http://x\")");
  EXPECT_EQ(doc->records[1].fields[2], "");
  EXPECT_EQ(doc->records[1].fields[3], "5.00");
  EXPECT_EQ(doc->records[2].fields,
            (std::vector<std::string>{"Ann", "ann@example.org", "90.00", "75.00", "82.50", "B"}));
  EXPECT_EQ(doc->records[3].fields[0], "bob");
  EXPECT_EQ(doc->records[3].fields[4], "");  // nothing graded, the run goes on
}

}  // namespace
}  // namespace trivium::gradebook
