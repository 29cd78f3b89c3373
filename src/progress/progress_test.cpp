// Progress on both stores: completion rules (viewed, watched with merged
// segments), the roll-up, locks from release dates and prerequisites, time
// on task, resume, the xAPI statements written with each report, the
// learner's dashboard and the trainer's matrix.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <map>
#include <thread>

#include "audit/audit.h"
#include "core/test_store.h"
#include "progress/internal.h"

namespace trivium::progress {
namespace {

namespace bj = boost::json;

constexpr int64_t kStart = 1'800'000'000'000;
constexpr int64_t kMinute = 60'000;

outline::ContentBlock block(const std::string& id, const std::string& type, const std::string& settings = "{}") {
  return outline::ContentBlock{id, type, "Block " + id, settings,
                               "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"settings\":" + settings + "}"};
}

class ProgressTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/trivium-progress-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store_ = trivium::testing::open_test_store(dir_ + "/progress.db");
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
      for (const char* u : {"ann", "bob", "cyd"})
        TRV_TRY(trivium::testing::insert_user(tx, u, std::string(u) + "@example.org", u));
      return ok();
    }));
    course_.id = "course-1";
    course_.organisation_id = "org-1";
    course_.title = "Statistics";
    course_.slug = "c";
    course_.language = "en";
    run_.id = "run-1";
    run_.course_id = "course-1";
    run_.title = "Spring";
    run_.time_zone = "UTC";

    // Module A: a text and a 100 s video; module B (requires A): a text
    // and a quiz that does not count; module C: released later.
    std::vector<outline::ContentModule> modules(3);
    modules[0] = {
        "mod-a",
        "Basics",
        {},
        {{"unit-a1", "First steps", {block("t1", "text"), block("v1", "video", "{\"duration_seconds\":100}")}}}};
    modules[1] = {"mod-b",
                  "Inference",
                  {"mod-a"},
                  {{"unit-b1", "Tests", {block("t2", "text"), block("q1", "quiz", "{\"completion\":\"none\"}")}}}};
    modules[2] = {"mod-c", "Models", {}, {{"unit-c1", "Regression", {block("t3", "text")}}}};
    content_.run_id = "run-1";
    content_.course_id = "course-1";
    content_.content_course_id = "course-1";
    content_.version = 1;
    content_.modules = std::make_shared<const std::vector<outline::ContentModule>>(std::move(modules));
    content_.release_at = {std::nullopt, std::nullopt, kStart + 7 * 24 * 60 * kMinute};

    enrolled_["ann"] = Enrolled{"0193a6c4-8f2e-7b1c-9d3e-5f4a2b1c0d9e", "active"};
    enrolled_["bob"] = Enrolled{"0193a6c4-8f2e-7b1c-9d3e-5f4a2b1c0d9f", "active"};

    audit_ = std::make_unique<audit::AuditLog>(*store_, clock_);
    lrs_ = std::make_unique<lrs::Service>(*store_, clock_, *audit_, "https://learn.example");
    Ports ports;
    ports.get_run = [this](const std::string& id) -> Result<courses::CourseRun> {
      if (id != run_.id) return fail(ErrorKind::NotFound, "No such run.");
      return run_;
    };
    ports.get_course = [this](const std::string&) -> Result<courses::Course> { return course_; };
    ports.content = [this](const std::string& id) -> Result<outline::RunContent> {
      if (id != run_.id) return fail(ErrorKind::NotFound, "No such run.");
      return content_;
    };
    ports.enrolment = [this](const std::string& user, const std::string&) -> Result<std::optional<Enrolled>> {
      auto it = enrolled_.find(user);
      if (it == enrolled_.end()) return std::optional<Enrolled>{};
      return std::optional<Enrolled>(it->second);
    };
    ports.learners = [this](const std::string&) -> Result<std::vector<Learner>> {
      std::vector<Learner> out;
      for (const auto& [user, e] : enrolled_)
        out.push_back(Learner{user, e.enrolment_id, e.state, std::nullopt, user == "ann" ? "Ann" : "bob", user});
      return out;
    };
    ports.runs_of = [this](const std::string& user) -> Result<std::vector<MyRun>> {
      std::vector<MyRun> out;
      if (enrolled_.count(user)) out.push_back(MyRun{"run-1", "active"});
      return out;
    };
    ports.public_url = "https://learn.example/";
    service_ = std::make_unique<Service>(*store_, clock_, *lrs_, std::move(ports));
  }

  void TearDown() override {
    service_.reset();
    lrs_.reset();
    if (store_) store_->close();
    std::filesystem::remove_all(dir_);
  }

  Result<BlockState> viewed(const std::string& user, const std::string& block_id) {
    return service_->report(Actor{user, "127.0.0.1", "r"}, "run-1", block_id, Report{});
  }
  Result<BlockState> played(const std::string& user, double from, double to) {
    Report r;
    r.kind = Report::Kind::Played;
    r.from = from;
    r.to = to;
    return service_->report(Actor{user, "127.0.0.1", "r"}, "run-1", "v1", r);
  }

  // The verbs of the statements recorded for a user, in order.
  std::vector<std::string> verbs_of(const std::string& user) {
    std::vector<std::string> out;
    auto r = store_->read([&](db::Tx& tx) -> Result<void> {
      TRV_ASSIGN(db::Rows rows, tx.query("SELECT body FROM lrs_statements ORDER BY seq"));
      for (const db::Row& row : rows) {
        bj::value st = bj::parse(row.text(0));
        if (st.at("actor").at("account").at("name").as_string() != user) continue;
        std::string verb(st.at("verb").at("id").as_string());
        out.push_back(verb.substr(verb.rfind('/') + 1));
      }
      return ok();
    });
    EXPECT_TRUE(r);
    return out;
  }

  std::string dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<db::Store> store_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<lrs::Service> lrs_;
  std::unique_ptr<Service> service_;
  courses::Course course_;
  courses::CourseRun run_;
  outline::RunContent content_;
  std::map<std::string, Enrolled> enrolled_;
};

TEST_F(ProgressTest, AVideoCountsAsWatchedOnlyWhenNinetyPercentWasReallyPlayed) {
  ASSERT_TRUE(viewed("ann", "v1"));
  // Plays 0-40, seeks to 80 (nothing played in between), plays 80-100,
  // then replays 20-40: 60 s distinct, whatever the sum of the reports.
  clock_.advance(40'000);
  auto s = played("ann", 0, 40);
  ASSERT_TRUE(s) << s.error().detail;
  clock_.advance(20'000);
  ASSERT_TRUE(played("ann", 80, 100));
  clock_.advance(20'000);
  s = played("ann", 20, 40);
  ASSERT_TRUE(s);
  EXPECT_DOUBLE_EQ(s->watched_seconds, 60);
  EXPECT_DOUBLE_EQ(s->watched_fraction, 0.6);
  EXPECT_FALSE(s->completed);
  // 40-69 makes 89 s: still short of 90%.
  clock_.advance(30'000);
  s = played("ann", 40, 69);
  ASSERT_TRUE(s);
  EXPECT_DOUBLE_EQ(s->watched_seconds, 89);
  EXPECT_FALSE(s->completed);
  clock_.advance(2'000);
  s = played("ann", 69, 70);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->completed);
  EXPECT_EQ(s->completed_at_ms, clock_.now_ms());
  EXPECT_DOUBLE_EQ(s->position_seconds, 70);
  auto verbs = verbs_of("ann");
  ASSERT_FALSE(verbs.empty());
  EXPECT_EQ(verbs.front(), "experienced");
  EXPECT_EQ(std::count(verbs.begin(), verbs.end(), "progressed"), 5);
  EXPECT_EQ(verbs.back(), "completed");
}

// Two reports of one learner on one block at the same time (two tabs): on
// PostgreSQL the second waits for the first's row lock, so neither played
// segment is lost; on SQLite the single writer orders them.
TEST_F(ProgressTest, ConcurrentReportsOnOneBlockKeepBothSegments) {
  auto first = viewed("ann", "v1");
  ASSERT_TRUE(first) << first.error().detail;
  clock_.advance(60'000);
  // Segments of 5 s: the second report of a round comes at no wall time
  // after the first and is credited the 5 s of slack only.
  for (int round = 0; round < 10; ++round) {
    const double base = round * 10.0;
    Result<BlockState> a = fail(ErrorKind::Internal, "not run"), b = fail(ErrorKind::Internal, "not run");
    std::thread t1([&] { a = played("ann", base, base + 5); });
    std::thread t2([&] { b = played("ann", base + 5, base + 10); });
    t1.join();
    t2.join();
    ASSERT_TRUE(a) << a.error().detail;
    ASSERT_TRUE(b) << b.error().detail;
    clock_.advance(30'000);
  }
  auto p = service_->run_progress("ann", "run-1");
  ASSERT_TRUE(p);
  const BlockState& v = p->modules[0].units[0].blocks[1];
  EXPECT_DOUBLE_EQ(v.watched_seconds, 100);
  EXPECT_TRUE(v.completed);
}

TEST_F(ProgressTest, APlayerCannotClaimMoreThanTheWallClockAllows) {
  // No earlier report on the block: 30 s are credited at most.
  auto s = played("ann", 0, 100);
  ASSERT_TRUE(s);
  EXPECT_DOUBLE_EQ(s->watched_seconds, 30);
  // Ten seconds later: at most 2 x 10 + 5 = 25 s more.
  clock_.advance(10'000);
  s = played("ann", 30, 100);
  ASSERT_TRUE(s);
  EXPECT_DOUBLE_EQ(s->watched_seconds, 55);
  EXPECT_FALSE(s->completed);
}

TEST_F(ProgressTest, TheWatchedStatementCarriesThePlayedSegments) {
  ASSERT_TRUE(viewed("ann", "v1"));
  clock_.advance(15'000);
  ASSERT_TRUE(played("ann", 0, 12.5));
  std::string body;
  ASSERT_TRUE(store_->read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto row, tx.one("SELECT body FROM lrs_statements WHERE verb_id = $1",
                                {"http://adlnet.gov/expapi/verbs/progressed"}));
    if (row) body = row->text(0);
    return ok();
  }));
  ASSERT_FALSE(body.empty());
  bj::value st = bj::parse(body);
  EXPECT_EQ(st.at("object").at("id").as_string(), "https://learn.example/activities/blocks/v1");
  EXPECT_EQ(st.at("context").at("registration").as_string(), enrolled_["ann"].enrolment_id);
  EXPECT_EQ(st.at("context").at("contextActivities").at("parent").at(0).at("id").as_string(),
            "https://learn.example/activities/modules/mod-a");
  const auto& ext = st.at("result").at("extensions").as_object();
  EXPECT_EQ(ext.at("https://w3id.org/xapi/video/extensions/played-segments").as_string(), "0[.]12.5");
  EXPECT_DOUBLE_EQ(ext.at("https://w3id.org/xapi/video/extensions/progress").to_number<double>(), 0.125);
}

TEST_F(ProgressTest, ViewedBlocksRollUpToUnitModuleAndCourse) {
  ASSERT_TRUE(viewed("ann", "t1"));
  auto p = service_->run_progress("ann", "run-1");
  ASSERT_TRUE(p) << p.error().detail;
  // Counted: t1, v1, t2, t3 (the quiz does not count).
  EXPECT_EQ(p->counted, 4);
  EXPECT_EQ(p->completed, 1);
  EXPECT_DOUBLE_EQ(percent(p->completed, p->counted), 25.0);
  EXPECT_EQ(p->modules[0].counted, 2);
  EXPECT_EQ(p->modules[0].completed, 1);
  EXPECT_EQ(p->modules[1].counted, 1);
  EXPECT_FALSE(p->modules[1].open()) << "B requires A";
  ASSERT_EQ(p->modules[1].missing_prerequisites.size(), 1u);
  EXPECT_FALSE(p->modules[2].released);
  EXPECT_TRUE(p->modules[0].units[0].blocks[0].completed);
  EXPECT_FALSE(p->modules[0].units[0].blocks[1].completed);
}

TEST_F(ProgressTest, PrerequisitesAndReleaseDatesLockBlocksForLearnersNotForStaff) {
  auto locked = service_->open_block("ann", "run-1", "t2");
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().kind, ErrorKind::Forbidden);
  ASSERT_EQ(locked.error().fields.size(), 1u);
  EXPECT_EQ(locked.error().fields[0].code, "prerequisites");
  auto report = viewed("ann", "t2");
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().kind, ErrorKind::Forbidden);

  auto later = service_->open_block("ann", "run-1", "t3");
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().fields.at(0).code, "not_released");

  // The trainer (not enrolled) sees both, without progress.
  auto staff = service_->open_block("trainer", "run-1", "t3");
  ASSERT_TRUE(staff) << staff.error().detail;
  EXPECT_FALSE(staff->state);
  EXPECT_EQ(staff->module_id, "mod-c");

  // Completing A opens B; the release date opens C.
  ASSERT_TRUE(viewed("ann", "t1"));
  ASSERT_TRUE(viewed("ann", "v1"));
  clock_.advance(90'000);
  ASSERT_TRUE(played("ann", 0, 100));
  ASSERT_TRUE(played("ann", 30, 95)) << "a second report within the allowance";
  auto open = service_->open_block("ann", "run-1", "t2");
  ASSERT_TRUE(open) << open.error().detail;
  ASSERT_TRUE(open->state);
  EXPECT_FALSE(open->state->completed);
  clock_.advance(7LL * 24 * 60 * kMinute);
  EXPECT_TRUE(service_->open_block("ann", "run-1", "t3"));
  // Nothing of the refused report was kept.
  auto p = service_->run_progress("ann", "run-1");
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->modules[1].units[0].blocks[0].viewed);
}

TEST_F(ProgressTest, CompletingEveryCountedBlockCompletesModulesAndTheCourseOnce) {
  content_.release_at[2] = std::nullopt;
  ASSERT_TRUE(viewed("ann", "t1"));
  ASSERT_TRUE(viewed("ann", "v1"));
  clock_.advance(60'000);
  ASSERT_TRUE(played("ann", 0, 95));
  clock_.advance(1'000);
  ASSERT_TRUE(viewed("ann", "t2"));
  ASSERT_TRUE(viewed("ann", "t3"));
  auto p = service_->run_progress("ann", "run-1");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->completed, 4);
  ASSERT_TRUE(p->completed_at_ms);
  EXPECT_EQ(*p->completed_at_ms, clock_.now_ms());
  ASSERT_TRUE(viewed("ann", "t3"));  // again: nothing new completes
  auto verbs = verbs_of("ann");
  // 4 blocks + 3 modules + the course.
  EXPECT_EQ(std::count(verbs.begin(), verbs.end(), "completed"), 8);
  int courses = 0;
  ASSERT_TRUE(store_->read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto rows, tx.query("SELECT body FROM lrs_statements"));
    for (const auto& r : rows)
      if (bj::parse(r.text(0)).at("object").at("id").as_string() == "https://learn.example/activities/courses/course-1")
        ++courses;
    return ok();
  }));
  EXPECT_EQ(courses, 1);
}

TEST_F(ProgressTest, TimeOnTaskAddsGapsUpToTenMinutesOnly) {
  ASSERT_TRUE(viewed("ann", "t1"));
  clock_.advance(2 * kMinute);
  ASSERT_TRUE(viewed("ann", "v1"));
  clock_.advance(3 * kMinute);
  ASSERT_TRUE(viewed("ann", "t1"));
  clock_.advance(30 * kMinute);  // away
  ASSERT_TRUE(viewed("ann", "t1"));
  clock_.advance(10 * kMinute);  // exactly the limit still counts
  ASSERT_TRUE(viewed("ann", "t1"));
  auto p = service_->run_progress("ann", "run-1");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->time_on_task_ms, 15 * kMinute);
  EXPECT_EQ(p->last_activity_ms, clock_.now_ms());
}

TEST_F(ProgressTest, ResumeGoesToTheUnfinishedBlockOrTheNextOne) {
  auto p = service_->run_progress("ann", "run-1");
  ASSERT_TRUE(p && p->resume);
  EXPECT_EQ(p->resume->block_id, "t1");
  ASSERT_TRUE(viewed("ann", "t1"));
  p = service_->run_progress("ann", "run-1");
  ASSERT_TRUE(p && p->resume);
  EXPECT_EQ(p->resume->block_id, "v1");
  Report at;
  at.kind = Report::Kind::Position;
  at.position = 42;
  ASSERT_TRUE(service_->report(Actor{"ann", "", ""}, "run-1", "v1", at));
  p = service_->run_progress("ann", "run-1");
  ASSERT_TRUE(p && p->resume);
  EXPECT_EQ(p->resume->block_id, "v1");
  EXPECT_DOUBLE_EQ(p->resume->position_seconds, 42);
}

TEST_F(ProgressTest, MediaReportsNeedAVideoAndReportsNeedALearner) {
  Report r;
  r.kind = Report::Kind::Played;
  r.from = 0;
  r.to = 5;
  auto wrong = service_->report(Actor{"ann", "", ""}, "run-1", "t1", r);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind, ErrorKind::Invalid);
  auto stranger = viewed("cyd", "t1");
  ASSERT_FALSE(stranger);
  EXPECT_EQ(stranger.error().kind, ErrorKind::Forbidden);
  auto missing = viewed("ann", "no-such-block");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::NotFound);
  EXPECT_TRUE(verbs_of("ann").empty());
}

TEST_F(ProgressTest, TheMatrixSortsLearnersAndPages) {
  ASSERT_TRUE(viewed("bob", "t1"));
  ASSERT_TRUE(viewed("bob", "v1"));
  clock_.advance(kMinute);
  ASSERT_TRUE(viewed("ann", "t1"));
  clock_.advance(60'000);
  ASSERT_TRUE(played("bob", 0, 100));
  ASSERT_TRUE(viewed("bob", "t2"));  // A complete: B is open to bob
  MatrixQuery q;
  auto m = service_->matrix("run-1", q);
  ASSERT_TRUE(m) << m.error().detail;
  ASSERT_EQ(m->modules.size(), 3u);
  EXPECT_EQ(m->modules[0].counted, 2);
  ASSERT_EQ(m->rows.size(), 2u);
  EXPECT_EQ(m->rows[0].learner.display_name, "Ann");  // case-insensitive by name
  q.sort = "progress";
  q.descending = true;
  m = service_->matrix("run-1", q);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->rows[0].learner.user_id, "bob");
  EXPECT_EQ(m->rows[0].completed, 3);
  EXPECT_EQ(m->rows[0].module_completed, (std::vector<int>{2, 1, 0}));
  EXPECT_EQ(m->rows[1].completed, 1);
  q.limit = 1;
  m = service_->matrix("run-1", q);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->total, 2);
  ASSERT_EQ(m->rows.size(), 1u);
  ASSERT_TRUE(m->next_offset);
  q.offset = *m->next_offset;
  m = service_->matrix("run-1", q);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->rows.at(0).learner.user_id, "ann");
  EXPECT_FALSE(m->next_offset);
}

TEST_F(ProgressTest, TheDashboardShowsProgressResumeDeadlinesAndRecentActivity) {
  ASSERT_TRUE(viewed("ann", "t1"));
  clock_.advance(kMinute);
  ASSERT_TRUE(viewed("ann", "v1"));
  auto d = service_->dashboard("ann");
  ASSERT_TRUE(d) << d.error().detail;
  ASSERT_EQ(d->enrolments.size(), 1u);
  EXPECT_EQ(d->enrolments[0].run.id, "run-1");
  EXPECT_EQ(d->enrolments[0].completed, 1);
  EXPECT_EQ(d->enrolments[0].counted, 4);
  ASSERT_TRUE(d->enrolments[0].resume);
  EXPECT_EQ(d->enrolments[0].resume->block_id, "v1");
  ASSERT_EQ(d->deadlines.size(), 1u);
  EXPECT_EQ(d->deadlines[0].kind, "module_release");
  EXPECT_EQ(d->deadlines[0].title, "Models");
  ASSERT_EQ(d->recent.size(), 2u);
  EXPECT_EQ(d->recent[0].block_id, "v1");
  EXPECT_EQ(d->recent[0].event, "played");
  EXPECT_EQ(d->recent[1].event, "completed");
  auto none = service_->dashboard("cyd");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->enrolments.empty());
  EXPECT_TRUE(none->recent.empty());
}

}  // namespace
}  // namespace trivium::progress
