// Roster imports: checking, batching, the report, and resuming, against a
// real store; the other modules are stood in for by recording ports (their
// own batch operations are tested in identity and orgs, and the whole path
// end to end in tests/integration/roster.test.mjs).
#include "roster/roster.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <set>

#include "core/clock.h"
#include "core/test_store.h"

namespace trivium::roster {
namespace {

// Stands in for identity, orgs, courses and enrolment, and remembers what it
// was asked, as those modules would: idempotently.
struct World {
  std::map<std::string, std::string> users;  // lower-case e-mail -> id
  std::set<std::pair<std::string, std::string>> members;
  std::set<std::tuple<std::string, std::string, std::string>> enrolled;  // run, user, cohort
  std::set<std::tuple<std::string, std::string, std::string>> staff;
  int provision_calls = 0;
  int enrol_calls = 0;

  Ports ports() {
    Ports p;
    p.departments = [](const std::string&) -> Result<std::vector<std::pair<std::string, std::string>>> {
      return std::vector<std::pair<std::string, std::string>>{{"Sales", "dep-sales"}, {"Ops", "dep-ops"}};
    };
    p.run_organisation = [](const std::string& run) -> Result<std::string> {
      if (run == "run-1" || run == "run-2") return std::string("org-1");
      if (run == "run-other") return std::string("org-2");
      return fail(ErrorKind::NotFound, "no such run");
    };
    p.check_person = [](const std::string& email, const std::string& name) -> Result<void> {
      if (email.find('@') == std::string::npos) return invalid("email", "format", "Not an e-mail address.");
      if (name.empty()) return invalid("name", "required", "A name is required.");
      return ok();
    };
    p.provision = [this](const Actor&, const std::vector<std::pair<std::string, std::string>>& people, bool) {
      ++provision_calls;
      std::vector<std::pair<std::string, bool>> out;
      for (const auto& [email, name] : people) {
        std::string key = email;
        for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto [it, fresh] = users.emplace(key, "user-" + key);
        out.emplace_back(it->second, fresh);
      }
      return Result<std::vector<std::pair<std::string, bool>>>(out);
    };
    p.place = [this](const Actor&, const std::string& org,
                     const std::vector<std::pair<std::string, std::optional<std::string>>>& batch) {
      std::vector<bool> out;
      for (const auto& [user, dep] : batch) out.push_back(members.emplace(org, user).second);
      return Result<std::vector<bool>>(out);
    };
    p.enrol = [this](const Actor&, const std::string& run,
                     const std::vector<std::pair<std::string, std::optional<std::string>>>& batch) {
      ++enrol_calls;
      std::vector<EnrolmentOutcome> out;
      for (const auto& [user, cohort] : batch) {
        bool fresh = enrolled.emplace(run, user, cohort.value_or("")).second;
        out.push_back({fresh ? "enrolled" : "unchanged"});
      }
      return Result<std::vector<EnrolmentOutcome>>(out);
    };
    p.grant_staff = [this](const Actor&, const std::string& run, const std::string& user, const std::string& role) {
      staff.emplace(run, user, role);
      return Result<void>(ok());
    };
    return p;
  }
};

class RosterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/trivium-roster-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store_ = trivium::testing::open_test_store(dir_ + "/roster.db");
    ASSERT_TRUE(store_);
    ASSERT_TRUE(store_->write([](db::Tx& tx) -> Result<void> {
      for (const char* id : {"org-1", "org-2"}) {
        TRV_TRY(
            tx.exec("INSERT INTO organisations (id, slug, name, kind, created_at, updated_at)"
                    " VALUES ($1, $1, $1, 'company', 0, 0)",
                    {id}));
      }
      return ok();
    }));
    audit_ = std::make_unique<audit::AuditLog>(*store_, clock_);
    service_ = std::make_unique<Service>(*store_, clock_, *audit_, world_.ports());
  }
  void TearDown() override {
    service_.reset();
    if (store_) store_->close();
    std::filesystem::remove_all(dir_);
  }

  ImportJob import(const std::string& csv) {
    auto job = service_->submit(admin_, "org-1", csv, false);
    EXPECT_TRUE(job) << (job ? "" : job.error().detail);
    auto ran = service_->run_pending();
    EXPECT_TRUE(ran);
    auto done = service_->get("org-1", job->id);
    EXPECT_TRUE(done);
    return *done;
  }

  std::string dir_;
  ManualClock clock_{1'800'000'000'000};
  std::unique_ptr<db::Store> store_;
  std::unique_ptr<audit::AuditLog> audit_;
  World world_;
  std::unique_ptr<Service> service_;
  Actor admin_{"admin-1", false, "127.0.0.1", "req-1"};
};

TEST_F(RosterTest, AWrongHeaderIsRefusedAtOnceAndNothingIsQueued) {
  auto r = service_->submit(admin_, "org-1", "mail,surname,shoe size\nann@example.org,Ann,38\n", false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
  ASSERT_GE(r.error().fields.size(), 2u);
  EXPECT_EQ(r.error().fields[0].code, "unknown_column");
  EXPECT_EQ(*service_->run_pending(), 0);
  EXPECT_TRUE(service_->list("org-1", 10)->empty());
  EXPECT_FALSE(service_->submit(admin_, "org-1", "", false));
}

TEST_F(RosterTest, EveryBadLineIsReportedAndTheGoodOnesApplied) {
  ImportJob job = import(
      "\xEF\xBB\xBF"
      "Email;Name;Department;Run;Role;Cohort\n"
      "ann@example.org;Ann;Sales;run-1;learner;Group A\n"
      "not-an-address;Bob;;;;\n"
      "cy@example.org;Cy;Marketing;;;\n"
      "dee@example.org;Dee;;run-other;;\n"
      "eve@example.org;Eve;;;trainer;\n"
      "ANN@example.org;Ann again;;run-1;;\n"
      "fay@example.org;Fay;Ops;run-1;trainer;\n"
      "gus@example.org;Gus;;run-2;;\n");
  EXPECT_EQ(job.state, "done");
  EXPECT_EQ(job.total_rows, 8);
  EXPECT_EQ(job.processed_rows, 8);
  EXPECT_EQ(job.applied_rows, 3);  // ann, fay, gus
  EXPECT_EQ(job.problem_count, 5);
  std::vector<std::pair<int, std::string>> got;
  for (const auto& p : job.problems) got.emplace_back(p.line, p.field + ":" + p.code);
  EXPECT_EQ(got, (std::vector<std::pair<int, std::string>>{{3, "email:format"},
                                                           {4, "department:unknown_department"},
                                                           {5, "run:unknown_run"},
                                                           {6, "role:needs_run"},
                                                           {7, "email:duplicate"}}));
  EXPECT_EQ(job.accounts_created, 3);
  EXPECT_EQ(job.enrolments_created, 2);
  EXPECT_TRUE(world_.enrolled.count({"run-1", "user-ann@example.org", "Group A"}));
  EXPECT_TRUE(world_.staff.count({"run-1", "user-fay@example.org", "trainer"}));
  EXPECT_FALSE(world_.users.count("dee@example.org"));  // a rejected line creates nothing
}

TEST_F(RosterTest, RunningTheSameFileTwiceChangesNothingTheSecondTime) {
  const std::string csv = "email,name,run\nann@example.org,Ann,run-1\nbob@example.org,Bob,run-2\n";
  ImportJob first = import(csv);
  EXPECT_EQ(first.accounts_created, 2);
  EXPECT_EQ(first.enrolments_created, 2);
  ImportJob second = import(csv);
  EXPECT_EQ(second.state, "done");
  EXPECT_EQ(second.applied_rows, 2);
  EXPECT_EQ(second.accounts_created, 0);
  EXPECT_EQ(second.members_added, 0);
  EXPECT_EQ(second.enrolments_created, 0);
  EXPECT_EQ(world_.enrolled.size(), 2u);
}

TEST_F(RosterTest, LargeFilesAreAppliedInBatchesWithProgress) {
  std::string csv = "email,name,run\n";
  for (int i = 0; i < 2500; ++i)
    csv += "p" + std::to_string(i) + "@example.org,Person " + std::to_string(i) + ",run-1\n";
  ImportJob job = import(csv);
  EXPECT_EQ(job.state, "done");
  EXPECT_EQ(job.total_rows, 2500);
  EXPECT_EQ(job.processed_rows, 2500);
  EXPECT_EQ(job.applied_rows, 2500);
  EXPECT_EQ(world_.provision_calls, 3);  // 1000 + 1000 + 500
  EXPECT_EQ(world_.enrolled.size(), 2500u);
}

TEST_F(RosterTest, AJobCutByARestartRunsAgainFromTheStart) {
  auto job = service_->submit(admin_, "org-1", "email,name\nann@example.org,Ann\n", false);
  ASSERT_TRUE(job);
  // As if the process died after marking it running.
  ASSERT_TRUE(store_->write([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(tx.exec("UPDATE roster_imports SET state = 'running', processed_rows = 1 WHERE id = $1", {job->id}));
    return ok();
  }));
  Service restarted(*store_, clock_, *audit_, world_.ports());
  EXPECT_EQ(*restarted.run_pending(), 1);
  auto done = restarted.get("org-1", job->id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, "done");
  EXPECT_EQ(done->applied_rows, 1);
  EXPECT_FALSE(service_->get("org-2", job->id));  // another organisation's id space (AC-02)
}

TEST_F(RosterTest, BrokenEncodingIsAPerLineProblem) {
  ImportJob job = import("email,name\nann@example.org,Ann\nbob@example.org,B\xC3\x28ob\n");
  EXPECT_EQ(job.applied_rows, 1);
  ASSERT_EQ(job.problems.size(), 1u);
  EXPECT_EQ(job.problems[0].line, 3);
  EXPECT_EQ(job.problems[0].code, "bad_utf8");
}

}  // namespace
}  // namespace trivium::roster
