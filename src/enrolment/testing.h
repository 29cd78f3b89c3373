// Test support for the enrolment tests (not part of the library): a migrated
// store (SQLite, or PostgreSQL when TRIVIUM_TEST_PG_URL is set; that
// database is wiped), the orgs and courses services wired as the app wires
// them, a mailer that keeps what it sends, users seeded straight into
// identity's table (tests only), and the policy with every source of course
// and run roles.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/test_store.h"
#include <vector>

#include "courses/courses.h"
#include "enrolment/enrolment.h"
#include "orgs/orgs.h"

namespace trivium::enrolment::testing {


// Keeps every message "sent".
class KeptMail final : public mail::Mailer {
 public:
  Result<void> send(const mail::Message& m) override {
    std::lock_guard lock(mu);
    sent.push_back(m);
    return ok();
  }
  std::mutex mu;
  std::vector<mail::Message> sent;
};

class EnrolmentFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/trivium-enrolment-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store_ = trivium::testing::open_test_store(dir_ + "/enrolment.db", 16);
    ASSERT_TRUE(store_);
    audit_ = std::make_unique<audit::AuditLog>(*store_, clock_);
    outbox_ = std::make_unique<mail::Outbox>(*store_, clock_, mailer_);
    orgs_ = std::make_unique<orgs::Service>(*store_, clock_, *audit_,
                                            [this](const std::string& e) { return user_by_email(e); });
    courses_ = std::make_unique<courses::Service>(*store_, clock_, *audit_, *orgs_);
    courses_->may_create = [](const std::string&, const std::string&) { return true; };
    org_roles_ = std::make_unique<orgs::RoleSource>(*store_);
    course_roles_ = std::make_unique<courses::RoleSource>(*store_, *orgs_);
    Ports ports;
    ports.run = [this](const std::string& run_id) { return courses_->run_for_enrolment(run_id); };
    ports.user_by_email = [this](const std::string& e) { return user_by_email(e); };
    ports.invite_new_user = [this](const std::string& e, const Actor&) -> Result<void> {
      std::lock_guard lock(mu_);
      identity_invitations_.push_back(e);
      return ok();
    };
    ports.departments_of = [this](
                               const std::string& user_id,
                               const std::string& org_id) -> Result<std::vector<std::pair<std::string, std::string>>> {
      TRV_ASSIGN(std::vector<std::string> ids, orgs_->departments_of(user_id, org_id));
      TRV_ASSIGN(std::vector<orgs::Department> all, orgs_->list_departments(org_id));
      std::vector<std::pair<std::string, std::string>> out;
      for (const auto& id : ids)
        for (const auto& d : all)
          if (d.id == id) out.emplace_back(d.id, d.name);
      return out;
    };
    ports.public_url = "https://learn.example.test";
    service_ = std::make_unique<Service>(*store_, clock_, *audit_, *outbox_, ports);
    roles_ =
        std::make_unique<RoleSource>(*store_, [this](const std::string& course_id) -> Result<std::vector<std::string>> {
          TRV_ASSIGN(std::vector<courses::CourseRun> runs, courses_->list_runs(course_id));
          std::vector<std::string> ids;
          for (const auto& r : runs) ids.push_back(r.id);
          return ids;
        });
    policy_.declare(orgs::capabilities());
    policy_.declare(courses::capabilities());
    policy_.declare(capabilities());
    policy_.add_role_source("organisation", *org_roles_);
    policy_.add_role_source("course", *course_roles_);
    policy_.add_role_source("run", *course_roles_);
    policy_.add_role_source("course", *roles_);
    policy_.add_role_source("run", *roles_);
    root_ = add_user("root");
    org_ = make_org("acme");
  }

  void TearDown() override {
    service_.reset();
    if (store_) store_->close();
    std::filesystem::remove_all(dir_);
  }

  Result<std::optional<std::string>> user_by_email(const std::string& email) {
    std::lock_guard lock(mu_);
    auto it = emails_.find(email);
    if (it == emails_.end()) return std::optional<std::string>{};
    return std::optional<std::string>(it->second);
  }

  http::Subject subject(const std::string& user_id) const {
    http::Subject s;
    if (user_id.empty()) return s;
    s.via = http::Subject::Via::Bearer;
    s.user_id = user_id;
    s.platform_admin = user_id == root_;
    return s;
  }

  std::string add_user(const std::string& name) {
    const std::string id = "u-" + name;
    const std::string email = name + "@example.test";
    auto r = store_->write([&](db::Tx& tx) -> Result<void> {
      TRV_TRY(trivium::testing::insert_user(tx, id, email, name));
      return ok();
    });
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    std::lock_guard lock(mu_);
    emails_[email] = id;
    return id;
  }

  // Many users in one transaction (the capacity race needs a thousand).
  std::vector<std::string> add_users(const std::string& prefix, int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) ids.push_back("u-" + prefix + std::to_string(i));
    auto r = store_->write([&](db::Tx& tx) -> Result<void> {
      for (const auto& id : ids) {
        TRV_TRY(trivium::testing::insert_user(tx, id, id + "@example.test", id));
      }
      return ok();
    });
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    return ids;
  }

  orgs::Organisation make_org(const std::string& slug) {
    auto r = orgs_->create_organisation(org_actor(), {slug, "Org " + slug, "company"});
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    return r ? *r : orgs::Organisation{};
  }

  std::string make_department(const std::string& name) {
    auto r = orgs_->create_department(org_actor(), org_.id, {name, std::nullopt});
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    return r ? r->id : "";
  }

  void join(const std::string& user_id, std::vector<std::string> roles = {}, std::vector<std::string> deps = {}) {
    orgs::NewMember m;
    m.user_id = user_id;
    m.roles = std::move(roles);
    m.department_ids = std::move(deps);
    auto r = orgs_->add_member(org_actor(), org_.id, m);
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
  }

  // A course of `form` (settings overridden by `tweak`) with one run.
  courses::RunForEnrolment make_run(const std::string& form, const std::function<void(courses::NewCourse&)>& tweak = {},
                                    const courses::NewRun& run = {"Run 1"}) {
    courses::NewCourse c;
    c.organisation_id = org_.id;
    c.form = form;
    c.slug = "c" + std::to_string(++counter_);
    c.title = "Course " + c.slug;
    if (tweak) tweak(c);
    auto course = courses_->create_course(course_actor(), c);
    EXPECT_TRUE(course) << (course ? "" : course.error().detail);
    if (!course) return {};
    auto created = courses_->create_run(course_actor(), course->id, run);
    EXPECT_TRUE(created) << (created ? "" : created.error().detail);
    if (!created) return {};
    auto r = courses_->run_for_enrolment(created->id);
    EXPECT_TRUE(r);
    return r ? *r : courses::RunForEnrolment{};
  }

  void set_capacity(const std::string& course_id, std::optional<int> capacity) {
    courses::CourseChange change;
    change.capacity = capacity;
    auto r = courses_->update_course(course_actor(), course_id, change);
    ASSERT_TRUE(r) << (r ? "" : r.error().detail);
  }

  Actor as(const std::string& user_id) const { return Actor{user_id, "203.0.113.7", "req-test"}; }
  orgs::Actor org_actor() const { return orgs::Actor{root_, true, "203.0.113.9", "req-fixture"}; }
  courses::Actor course_actor() const { return courses::Actor{root_, "203.0.113.9", "req-fixture"}; }

  int count(const std::string& run_id, const std::string& state) {
    ListQuery q;
    q.state = state;
    q.limit = 200;
    int n = 0;
    for (;;) {
      auto page = service_->list(run_id, q);
      EXPECT_TRUE(page);
      if (!page) return -1;
      n += static_cast<int>(page->items.size());
      if (!page->next_cursor) return n;
      q.cursor = *page->next_cursor;
    }
  }

  std::string dir_;
  ManualClock clock_;
  KeptMail mailer_;
  std::unique_ptr<db::Store> store_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<mail::Outbox> outbox_;
  std::unique_ptr<orgs::Service> orgs_;
  std::unique_ptr<courses::Service> courses_;
  std::unique_ptr<orgs::RoleSource> org_roles_;
  std::unique_ptr<courses::RoleSource> course_roles_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<RoleSource> roles_;
  authz::Policy policy_;
  std::mutex mu_;
  std::map<std::string, std::string> emails_;
  std::vector<std::string> identity_invitations_;
  std::string root_;
  orgs::Organisation org_;
  int counter_ = 0;
};

}  // namespace trivium::enrolment::testing
