// The fixture of the storage suites (db_test.cpp, migrate_test.cpp): every
// test runs once on SQLite in a temporary folder and once on PostgreSQL in a
// database of its own, created for the test and dropped after it.
//
// PostgreSQL comes from the environment: TRIVIUM_TEST_PG_URL names a server
// where the user may CREATE DATABASE (scripts/test.sh starts one). Without
// it the PostgreSQL half FAILS, so that a skipped storage suite is never
// counted as passing; TRIVIUM_TEST_PG=skip skips it knowingly instead.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "core/db.h"
#include "core/db_internal.h"

namespace trivium::db::testing {

enum class Backend { Sqlite, Postgres };

inline void PrintTo(Backend b, std::ostream* os) {
  *os << (b == Backend::Sqlite ? "Sqlite" : "Postgres");
}

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::Sqlite ? "Sqlite" : "Postgres";
}

inline std::string random_suffix() {
  std::random_device rd;
  std::uniform_int_distribution<uint64_t> dist;
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(dist(rd)));
  return buf;
}

// `url` with its database name replaced by `db` (query string kept).
inline std::string with_database(const std::string& url, const std::string& db) {
  const size_t host = url.find("://") + 3;
  const size_t path = url.find('/', host);
  const size_t query = url.find('?', host);
  const std::string rest = query == std::string::npos ? "" : url.substr(query);
  return url.substr(0, std::min(path, query)) + "/" + db + rest;
}

// Runs one statement on the PostgreSQL server outside any store.
inline void pg_admin(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  PGresult* res = PQexec(conn, sql.c_str());
  const auto status = PQresultStatus(res);
  EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) << sql << ": " << PQerrorMessage(conn);
  PQclear(res);
  PQfinish(conn);
}

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::Sqlite) {
      dir_ = std::filesystem::temp_directory_path() / ("trivium-db-test-" + random_suffix());
      std::filesystem::create_directories(dir_);
      config_.url = "sqlite:" + (dir_ / "trivium.db").string();
    } else {
      const char* url = std::getenv("TRIVIUM_TEST_PG_URL");
      if (!url || !*url) {
        const char* skip = std::getenv("TRIVIUM_TEST_PG");
        if (skip && std::string(skip) == "skip") {
          GTEST_SKIP() << "PostgreSQL storage tests skipped: TRIVIUM_TEST_PG=skip";
        }
        FAIL() << "TRIVIUM_TEST_PG_URL is not set, so the PostgreSQL half of the storage suite "
                  "cannot run. Point it at a server where the user may CREATE DATABASE "
                  "(scripts/test.sh starts one), or set TRIVIUM_TEST_PG=skip to skip it "
                  "knowingly.";
      }
      admin_url_ = url;
      pg_db_ = "trv_test_" + random_suffix();
      pg_admin(admin_url_, "CREATE DATABASE " + pg_db_);
      config_.url = with_database(admin_url_, pg_db_);
    }
    store_ = open_store(config_);
  }

  void TearDown() override {
    if (store_) store_->close();
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!pg_db_.empty()) pg_admin(admin_url_, "DROP DATABASE IF EXISTS " + pg_db_ + " WITH (FORCE)");
  }

  bool sqlite() const { return GetParam() == Backend::Sqlite; }

  // Ends every server connection to the test database, as a restart of
  // PostgreSQL would (nothing to do on SQLite).
  void drop_pg_connections() {
    if (pg_db_.empty()) return;
    pg_admin(admin_url_, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + pg_db_ +
                             "' AND pid <> pg_backend_pid()");
  }

  // Another store on the same database, as a second server process would.
  std::unique_ptr<Store> open_another() { return open_store(config_); }

  Result<void> write_sql(std::string_view sql, std::initializer_list<Param> params = {}) {
    return store_->write([&](Tx& tx) -> Result<void> {
      TRV_TRY(tx.exec(sql, params));
      return ok();
    });
  }

  Rows read_sql(std::string_view sql, std::initializer_list<Param> params = {}) {
    Rows rows;
    auto r = store_->read([&](Tx& tx) -> Result<void> {
      TRV_ASSIGN(rows, tx.query(sql, params));
      return ok();
    });
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    return rows;
  }

  int64_t count(std::string_view table) {
    Rows rows = read_sql("SELECT count(*) FROM " + std::string(table));
    return rows.empty() ? -1 : rows[0].i64(0);
  }

  bool table_exists(std::string_view table) {
    auto r = store_->read([&](Tx& tx) -> Result<void> {
      TRV_TRY(tx.query("SELECT count(*) FROM " + std::string(table)));
      return ok();
    });
    return static_cast<bool>(r);
  }

  StoreConfig config_;
  std::unique_ptr<Store> store_;

 private:
  std::filesystem::path dir_;
  std::string admin_url_;
  std::string pg_db_;
};

}  // namespace trivium::db::testing
