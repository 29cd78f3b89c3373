// Test support for the courses tests (not part of the library): a migrated
// store (SQLite, or PostgreSQL when TRIVIUM_TEST_PG_URL is set; that
// database is wiped), the orgs and courses services and the policy wired as
// the app wires them, and users seeded straight into identity's table
// (tests only; the module itself never reads it).
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "core/test_store.h"

#include "courses/courses.h"

namespace trivium::courses::testing {


class CoursesFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/trivium-courses-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store_ = trivium::testing::open_test_store(dir_ + "/courses.db");
    ASSERT_TRUE(store_);
    audit_ = std::make_unique<audit::AuditLog>(*store_, clock_);
    orgs_ = std::make_unique<orgs::Service>(*store_, clock_, *audit_, [](const std::string&) {
      return Result<std::optional<std::string>>(std::optional<std::string>{});
    });
    org_roles_ = std::make_unique<orgs::RoleSource>(*store_);
    service_ = std::make_unique<Service>(*store_, clock_, *audit_, *orgs_);
    roles_ = std::make_unique<RoleSource>(*store_, *orgs_);
    policy_.declare(orgs::capabilities());
    policy_.declare(capabilities());
    policy_.add_role_source("organisation", *org_roles_);
    policy_.add_role_source("course", *roles_);
    policy_.add_role_source("run", *roles_);
    service_->may_create = [this](const std::string& user_id, const std::string& org_id) {
      return policy_.can(subject(user_id), "courses.create", {"organisation", org_id});
    };
    root_ = add_user("root");
  }

  void TearDown() override {
    service_.reset();
    if (store_) store_->close();
    std::filesystem::remove_all(dir_);
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
    auto r = store_->write([&](db::Tx& tx) -> Result<void> {
      TRV_TRY(trivium::testing::insert_user(tx, id, name + "@example.test", name));
      return ok();
    });
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    return id;
  }

  orgs::Organisation make_org(const std::string& slug) {
    auto r = orgs_->create_organisation(org_admin(), {slug, "Org " + slug, "company"});
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    return r ? *r : orgs::Organisation{};
  }

  std::string make_department(const std::string& org_id, const std::string& name,
                              std::optional<std::string> parent = std::nullopt) {
    auto r = orgs_->create_department(org_admin(), org_id, {name, parent});
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    return r ? r->id : "";
  }

  void join(const std::string& org_id, const std::string& user_id, std::vector<std::string> roles = {},
            std::vector<std::string> departments = {}) {
    orgs::NewMember m;
    m.user_id = user_id;
    m.roles = std::move(roles);
    m.department_ids = std::move(departments);
    auto r = orgs_->add_member(org_admin(), org_id, m);
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
  }

  NewCourse new_course(const std::string& org_id, const std::string& form, const std::string& slug,
                       const std::string& title = "A course") {
    NewCourse c;
    c.organisation_id = org_id;
    c.form = form;
    c.slug = slug;
    c.title = title;
    return c;
  }

  Course create(const NewCourse& in) {
    auto r = service_->create_course(actor_, in);
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    return r ? *r : Course{};
  }

  CourseRun add_run(const std::string& course_id, std::optional<int64_t> starts, std::optional<int64_t> ends) {
    NewRun r;
    r.title = "Run";
    r.starts_at_ms = starts;
    r.ends_at_ms = ends;
    auto run = service_->create_run(actor_, course_id, r);
    EXPECT_TRUE(run) << (run ? "" : run.error().detail);
    return run ? *run : CourseRun{};
  }

  orgs::Actor org_admin() const { return orgs::Actor{"u-root", true, "203.0.113.9", "req-fixture"}; }

  std::string dir_;
  ManualClock clock_;
  std::unique_ptr<db::Store> store_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<orgs::Service> orgs_;
  std::unique_ptr<orgs::RoleSource> org_roles_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<RoleSource> roles_;
  authz::Policy policy_;
  std::string root_;
  Actor actor_{"u-root", "203.0.113.9", "req-fixture"};
};

// The field names of an Invalid error, for assertions.
inline std::vector<std::string> fields_of(const Error& e) {
  std::vector<std::string> out;
  for (const FieldError& f : e.fields) out.push_back(f.field);
  return out;
}

}  // namespace trivium::courses::testing
