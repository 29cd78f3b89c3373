// Test support for the orgs tests (not part of the library): a fresh SQLite
// store with every migration applied, the service wired as the app wires it,
// and users seeded straight into identity's table (tests only; the module
// itself never reads it).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "core/test_store.h"

#include "core/json.h"
#include "orgs/orgs.h"

namespace trivium::orgs::testing {


class OrgsFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/trivium-orgs-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store_ = trivium::testing::open_test_store(dir_ + "/orgs.db");
    ASSERT_TRUE(store_);
    audit_ = std::make_unique<audit::AuditLog>(*store_, clock_);
    service_ = std::make_unique<Service>(*store_, clock_, *audit_,
                                         [this](const std::string& email) -> Result<std::optional<std::string>> {
                                           auto it = emails_.find(email);
                                           if (it == emails_.end()) return std::optional<std::string>{};
                                           return std::optional<std::string>(it->second);
                                         });
    roles_ = std::make_unique<RoleSource>(*store_);
  }

  void TearDown() override {
    service_.reset();
    if (store_) store_->close();
    std::filesystem::remove_all(dir_);
  }

  // Creates a user row as identity would, and returns its id.
  std::string add_user(const std::string& name) {
    const std::string id = "u-" + name;
    const std::string email = name + "@example.test";
    auto r = store_->write([&](db::Tx& tx) -> Result<void> {
      TRV_TRY(trivium::testing::insert_user(tx, id, email, name));
      return ok();
    });
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    emails_[email] = id;
    return id;
  }

  Organisation make_org(const std::string& slug) {
    auto r = service_->create_organisation(admin_, {slug, "Org " + slug, "company"});
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    return r ? *r : Organisation{};
  }

  Member join(const Organisation& org, const std::string& user_id, std::vector<std::string> roles = {},
              std::vector<std::string> departments = {}) {
    NewMember m;
    m.user_id = user_id;
    m.roles = std::move(roles);
    m.department_ids = std::move(departments);
    auto r = service_->add_member(admin_, org.id, m);
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    return r ? *r : Member{};
  }

  std::vector<audit::Entry> audit_of(const std::string& org_id, const std::string& action) {
    auto r = audit_->list({.organisation_id = org_id, .action = action});
    EXPECT_TRUE(r);
    return r ? *r : std::vector<audit::Entry>{};
  }

  std::string dir_;
  ManualClock clock_;
  std::unique_ptr<db::Store> store_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<RoleSource> roles_;
  std::map<std::string, std::string> emails_;
  Actor admin_{"u-root", true, "203.0.113.9", "req-fixture"};
};

}  // namespace trivium::orgs::testing
