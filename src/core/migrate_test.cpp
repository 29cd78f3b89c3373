// The migration runner, on SQLite and on PostgreSQL (see db_test_support.h).
#include <gtest/gtest.h>

#include <thread>

#include "core/db.h"
#include "core/db_internal.h"
#include "core/db_test_support.h"

namespace trivium::db {
namespace {

using testing::Backend;

class MigrateTest : public testing::StoreTest {
 protected:
  std::vector<std::pair<int64_t, std::string>> recorded() {
    std::vector<std::pair<int64_t, std::string>> out;
    for (const Row& r : read_sql("SELECT version, name FROM schema_migrations ORDER BY version")) {
      out.emplace_back(r.i64(0), r.text(1));
    }
    return out;
  }
};

const std::vector<MigrationFile> kCourses = {
    {"0001_courses.sql",
     "-- Courses; a comment with a ; in it.\n"
     "CREATE TABLE courses (id TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT 'a;b');\n"
     "CREATE INDEX courses_title ON courses(title);\n"},
    {"0002_course_runs.sql",
     "CREATE TABLE course_runs (id TEXT PRIMARY KEY,\n"
     "  course_id TEXT NOT NULL REFERENCES courses(id));\n"},
};

using Versions = std::vector<std::pair<int64_t, std::string>>;

TEST_P(MigrateTest, AppliesPendingMigrationsInOrderAndRecordsThem) {
  auto first = migrate_files(*store_, {kCourses[0]});
  ASSERT_TRUE(first) << first.error().detail;
  EXPECT_EQ(first->applied_now, std::vector<std::string>{"0001_courses.sql"});
  EXPECT_EQ(first->database_version, 1);

  auto second = migrate_files(*store_, kCourses);
  ASSERT_TRUE(second) << second.error().detail;
  EXPECT_EQ(second->applied_now, std::vector<std::string>{"0002_course_runs.sql"});
  EXPECT_EQ(second->database_version, 2);
  EXPECT_EQ(second->binary_version, 2);
  EXPECT_EQ(recorded(), (Versions{{1, "0001_courses.sql"}, {2, "0002_course_runs.sql"}}));
  EXPECT_TRUE(table_exists("course_runs"));
  ASSERT_TRUE(write_sql("INSERT INTO courses (id) VALUES ($1)", {"c1"}));
  EXPECT_EQ(read_sql("SELECT title FROM courses").at(0).text(0), "a;b");
  Rows at = read_sql("SELECT applied_at FROM schema_migrations");
  EXPECT_GT(at.at(0).i64(0), 1700000000000);  // milliseconds since the epoch
}

TEST_P(MigrateTest, IsIdempotent) {
  ASSERT_TRUE(migrate_files(*store_, kCourses));
  auto again = migrate_files(*store_, kCourses);
  ASSERT_TRUE(again) << again.error().detail;
  EXPECT_TRUE(again->applied_now.empty());
  EXPECT_EQ(again->database_version, 2);
  EXPECT_EQ(recorded().size(), 2u);
}

TEST_P(MigrateTest, StatusReportsWithoutApplying) {
  auto fresh = migration_status_files(*store_, kCourses);
  ASSERT_TRUE(fresh) << fresh.error().detail;
  EXPECT_EQ(fresh->database_version, 0);
  EXPECT_EQ(fresh->binary_version, 2);
  EXPECT_FALSE(table_exists("courses"));
  ASSERT_TRUE(migrate_files(*store_, {kCourses[0]}));
  auto half = migration_status_files(*store_, kCourses);
  ASSERT_TRUE(half);
  EXPECT_EQ(half->database_version, 1);
  EXPECT_FALSE(table_exists("course_runs"));
}

TEST_P(MigrateTest, RefusesADatabaseNewerThanTheBinary) {
  ASSERT_TRUE(migrate_files(*store_, kCourses));
  ASSERT_TRUE(
      write_sql("INSERT INTO schema_migrations (version, name, applied_at) "
                "VALUES (99, '0099_future.sql', 0)"));
  auto r = migrate_files(*store_, kCourses);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(r.error().detail, "database schema version 99 is newer than this binary (2); upgrade Trivium");
  auto status = migration_status_files(*store_, kCourses);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->database_version, 99);
  EXPECT_EQ(status->binary_version, 2);
}

TEST_P(MigrateTest, FailedMigrationLeavesNoTrace) {
  const std::vector<MigrationFile> broken = {
      kCourses[0], {"0002_broken.sql", "CREATE TABLE half_done (x INTEGER);\nCREATE TABLE oops (;\n"}};
  auto r = migrate_files(*store_, broken);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("0002_broken.sql"), std::string::npos) << r.error().detail;
  EXPECT_FALSE(table_exists("half_done"));
  EXPECT_EQ(recorded(), (Versions{{1, "0001_courses.sql"}}));
  auto fixed = migrate_files(*store_, kCourses);
  ASSERT_TRUE(fixed) << fixed.error().detail;
  EXPECT_EQ(fixed->database_version, 2);
}

TEST_P(MigrateTest, PicksTheDialectVariantOfAMigration) {
  const std::vector<MigrationFile> files = {
      {"0001_a.sql", "CREATE TABLE common_a (x INTEGER)"}, {"0002_b.pg.sql", "CREATE TABLE pg_b (x INTEGER)"},
      {"0002_b.sql", "CREATE TABLE common_b (x INTEGER)"}, {"0002_b.sqlite.sql", "CREATE TABLE lite_b (x INTEGER)"},
      {"0003_c.pg.sql", "CREATE TABLE pg_c (x INTEGER)"},
  };
  auto r = migrate_files(*store_, files);
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(r->database_version, 3);
  EXPECT_TRUE(table_exists("common_a"));
  EXPECT_FALSE(table_exists("common_b"));
  EXPECT_EQ(table_exists("lite_b"), sqlite());
  EXPECT_EQ(table_exists("pg_b"), !sqlite());
  EXPECT_EQ(table_exists("pg_c"), !sqlite());
  const std::string b = sqlite() ? "0002_b.sqlite.sql" : "0002_b.pg.sql";
  EXPECT_EQ(recorded(), (Versions{{1, "0001_a.sql"}, {2, b}, {3, "0003_c.pg.sql"}}));
}

TEST_P(MigrateTest, RejectsMisnamedOrDuplicateFiles) {
  auto misnamed = migrate_files(*store_, {{"courses.sql", "SELECT 1"}});
  ASSERT_FALSE(misnamed);
  EXPECT_EQ(misnamed.error().kind, ErrorKind::Internal);
  auto twice = migrate_files(*store_, {{"0001_a.sql", "SELECT 1"}, {"0001_b.sql", "SELECT 1"}});
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().kind, ErrorKind::Internal);
}

// A script may hold statements whose bodies contain semicolons (triggers,
// functions); it runs as one text inside the migration's transaction.
TEST_P(MigrateTest, RunsScriptsWithTriggerBodies) {
  const std::vector<MigrationFile> files = {
      {"0001_log.sqlite.sql",
       "CREATE TABLE log (x INTEGER);\n"
       "CREATE TRIGGER log_append_only BEFORE DELETE ON log\n"
       "BEGIN SELECT RAISE(ABORT, 'append-only'); END;\n"},
      {"0001_log.pg.sql",
       "CREATE TABLE log (x INTEGER);\n"
       "CREATE FUNCTION log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$\n"
       "BEGIN RAISE EXCEPTION 'append-only'; END; $$;\n"
       "CREATE TRIGGER log_append_only BEFORE DELETE ON log\n"
       "FOR EACH ROW EXECUTE FUNCTION log_append_only();\n"},
  };
  auto r = migrate_files(*store_, files);
  ASSERT_TRUE(r) << r.error().detail;
  ASSERT_TRUE(write_sql("INSERT INTO log VALUES (1)"));
  EXPECT_FALSE(write_sql("DELETE FROM log"));
  EXPECT_EQ(count("log"), 1);
}

// Several servers starting at once on one database apply each migration
// exactly once (PostgreSQL: advisory lock; SQLite: BEGIN IMMEDIATE).
TEST_P(MigrateTest, ConcurrentStartsApplyEachMigrationOnce) {
  constexpr int kServers = 4;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kServers; ++i) stores.push_back(open_another());
  std::vector<Result<MigrationStatus>> results(kServers, fail(ErrorKind::Internal, "not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kServers; ++i) {
    threads.emplace_back([&, i] { results[i] = migrate_files(*stores[i], kCourses); });
  }
  for (auto& t : threads) t.join();
  size_t applied = 0;
  for (auto& r : results) {
    ASSERT_TRUE(r) << r.error().detail;
    EXPECT_EQ(r->database_version, 2);
    applied += r->applied_now.size();
  }
  EXPECT_EQ(applied, 2u);
  EXPECT_EQ(recorded().size(), 2u);
  for (auto& s : stores) s->close();
}

// The files compiled into this binary apply cleanly on both databases.
TEST_P(MigrateTest, EmbeddedMigrationsApply) {
  auto r = migrate(*store_);
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_GE(r->database_version, 1);
  EXPECT_EQ(r->database_version, r->binary_version);
  EXPECT_FALSE(r->applied_now.empty());
  ASSERT_TRUE(write_sql("INSERT INTO platform_settings (key, value, updated_at) VALUES ($1, $2, $3)",
                        {"site_name", "Trivium", int64_t{1}}));
  auto again = migrate(*store_);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->applied_now.empty());
  auto status = migration_status(*store_);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->database_version, status->binary_version);
}

INSTANTIATE_TEST_SUITE_P(Backends, MigrateTest, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         testing::backend_name);

}  // namespace
}  // namespace trivium::db
