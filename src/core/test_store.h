// Test support shared by the modules' unit tests (not part of the library):
// a migrated store, and users seeded straight into identity's table for
// modules that only refer to them by id.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "core/db.h"

namespace trivium::testing {

// A migrated store: SQLite in `sqlite_path`, or, when TRIVIUM_TEST_PG_URL
// names a PostgreSQL database, that database emptied first (the suites run
// one after another, so each starts from an empty schema).
inline std::unique_ptr<db::Store> open_test_store(const std::string& sqlite_path, int pool_size = 0) {
  const char* pg = std::getenv("TRIVIUM_TEST_PG_URL");
  db::StoreConfig config{pg ? std::string(pg) : "sqlite:" + sqlite_path};
  if (pool_size > 0) config.pool_size = pool_size;
  auto store = db::open_store(config);
  if (pg) {
    auto wiped = store->write([](db::Tx& tx) -> Result<void> {
      TRV_TRY(tx.exec("DROP SCHEMA public CASCADE"));
      TRV_TRY(tx.exec("CREATE SCHEMA public"));
      return ok();
    });
    EXPECT_TRUE(wiped) << (wiped ? "" : wiped.error().detail);
  }
  auto migrated = db::migrate(*store);
  EXPECT_TRUE(migrated) << (migrated ? "" : migrated.error().detail);
  if (!migrated) return nullptr;
  return store;
}

// Inserts a user row as identity would create it (tests only).
inline Result<void> insert_user(db::Tx& tx, const std::string& id, const std::string& email,
                                const std::string& display_name) {
  TRV_TRY(
      tx.exec("INSERT INTO users (id, email, email_normalized, display_name, created_at, updated_at) "
              "VALUES ($1, $2, $2, $3, 0, 0)",
              {id, email, display_name}));
  return ok();
}

}  // namespace trivium::testing
