// The store, on SQLite and on PostgreSQL (see db_test_support.h).
#include "core/db.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <thread>

#include "core/db_internal.h"
#include "core/db_test_support.h"

namespace trivium::db {
namespace {

using testing::Backend;
using testing::StoreTest;

constexpr std::string_view kCreateLearners =
    "CREATE TABLE learners (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, "
    "points BIGINT, score DOUBLE PRECISION, active INTEGER NOT NULL DEFAULT 1)";

// Waits until `done` holds, at most five seconds.
template <typename F>
bool eventually(F done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

TEST_P(StoreTest, RoundTripsEveryTypeIncludingNullUtf8AndExtremeIntegers) {
  ASSERT_TRUE(write_sql(kCreateLearners));
  const int64_t big = std::numeric_limits<int64_t>::max();
  const int64_t small = std::numeric_limits<int64_t>::min();
  const std::string utf8 = "Zoë Ñandú — 学习者 🎓";
  ASSERT_TRUE(
      write_sql("INSERT INTO learners (id, email, points, score) VALUES ($1, $2, $3, $4)", {"a", utf8, big, 0.1}));
  ASSERT_TRUE(write_sql("INSERT INTO learners (id, email, points, score) VALUES ($1, $2, $3, $4)",
                        {"b", "b@example.org", small, 1e300}));
  std::optional<int64_t> none;
  ASSERT_TRUE(
      write_sql("INSERT INTO learners (id, email, points, score) VALUES ($1, $2, $3, $4)", {"c", "", none, nullptr}));

  Rows rows = read_sql("SELECT id, email, points, score, active FROM learners ORDER BY id");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].text(1), utf8);
  EXPECT_EQ(rows[0].i64(2), big);
  EXPECT_EQ(rows[0].f64(3), 0.1);
  EXPECT_EQ(rows[0].i64(4), 1);
  EXPECT_TRUE(rows[0].boolean(4));
  EXPECT_EQ(rows[1].i64(2), small);
  EXPECT_EQ(rows[1].f64(3), 1e300);
  EXPECT_EQ(rows[2].text(1), "");
  EXPECT_FALSE(rows[2].is_null(1));
  EXPECT_TRUE(rows[2].is_null(2));
  EXPECT_TRUE(rows[2].is_null(3));
  EXPECT_EQ(rows[2].opt_i64(2), std::nullopt);
  EXPECT_EQ(rows[2].opt_text(3), std::nullopt);
  EXPECT_EQ(rows[2].i64(2), 0);
  EXPECT_EQ(rows[0].opt_text(0), std::optional<std::string>("a"));
}

TEST_P(StoreTest, ExecReportsChangedRowsAndOneReturnsAtMostOneRow) {
  ASSERT_TRUE(write_sql(kCreateLearners));
  for (const char* id : {"a", "b", "c"}) {
    ASSERT_TRUE(write_sql("INSERT INTO learners (id, email) VALUES ($1, $1)", {id}));
  }
  int64_t changed = -1;
  ASSERT_TRUE(store_->write([&](Tx& tx) -> Result<void> {
    TRV_ASSIGN(changed, tx.exec("UPDATE learners SET points = $1 WHERE id <> $2", {7, "a"}));
    return ok();
  }));
  EXPECT_EQ(changed, 2);
  ASSERT_TRUE(store_->read([&](Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto one, tx.one("SELECT points FROM learners WHERE id = $1", {"b"}));
    EXPECT_TRUE(one.has_value());
    EXPECT_EQ(one->i64(0), 7);
    TRV_ASSIGN(auto none, tx.one("SELECT points FROM learners WHERE id = $1", {"zz"}));
    EXPECT_FALSE(none.has_value());
    return ok();
  }));
  auto several = store_->read([&](Tx& tx) -> Result<void> {
    TRV_TRY(tx.one("SELECT id FROM learners"));
    return ok();
  });
  ASSERT_FALSE(several);
  EXPECT_EQ(several.error().kind, ErrorKind::Internal);
}

TEST_P(StoreTest, UniqueViolationIsConflict) {
  ASSERT_TRUE(write_sql(kCreateLearners));
  ASSERT_TRUE(write_sql("INSERT INTO learners (id, email) VALUES ($1, $2)", {"a", "x@example.org"}));
  auto dup_email = write_sql("INSERT INTO learners (id, email) VALUES ($1, $2)", {"b", "x@example.org"});
  ASSERT_FALSE(dup_email);
  EXPECT_EQ(dup_email.error().kind, ErrorKind::Conflict);
  EXPECT_TRUE(is_unique_violation(dup_email.error()));
  EXPECT_NE(dup_email.error().detail.find("email"), std::string::npos) << dup_email.error().detail;

  auto dup_id = write_sql("INSERT INTO learners (id, email) VALUES ($1, $2)", {"a", "y"});
  ASSERT_FALSE(dup_id);
  EXPECT_TRUE(is_unique_violation(dup_id.error())) << dup_id.error().detail;
}

TEST_P(StoreTest, OtherConstraintViolationsAreConflictsButNotUnique) {
  ASSERT_TRUE(write_sql(kCreateLearners));
  ASSERT_TRUE(
      write_sql("CREATE TABLE enrolments (learner_id TEXT NOT NULL REFERENCES learners(id), "
                "progress INTEGER CHECK (progress BETWEEN 0 AND 100))"));
  ASSERT_TRUE(write_sql("INSERT INTO learners (id, email) VALUES ($1, $1)", {"a"}));
  for (auto r : {write_sql("INSERT INTO learners (id, email) VALUES ($1, $2)", {"b", nullptr}),
                 write_sql("INSERT INTO enrolments VALUES ($1, $2)", {"ghost", 5}),
                 write_sql("INSERT INTO enrolments VALUES ($1, $2)", {"a", 101})}) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::Conflict) << r.error().detail;
    EXPECT_FALSE(is_unique_violation(r.error()));
    EXPECT_EQ(r.error().detail.rfind("constraint:", 0), 0u) << r.error().detail;
  }
  EXPECT_EQ(count("enrolments"), 0);
}

TEST_P(StoreTest, MalformedStatementIsInternal) {
  auto r = write_sql("SELEC 1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Internal);
  auto two = write_sql("SELECT 1; SELECT 2");
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().kind, ErrorKind::Internal);
}

TEST_P(StoreTest, FailedWriteRollsBackWhileItsBatchNeighbourCommits) {
  ASSERT_TRUE(write_sql(kCreateLearners));
  const int64_t batches_before = store_->stats().write_batches;
  std::atomic<bool> holding{false};
  // The first write holds the SQLite writer until the other two are queued,
  // so that they form one batch.
  std::thread holder([&] {
    EXPECT_TRUE(store_->write([&](Tx& tx) -> Result<void> {
      TRV_TRY(tx.exec("INSERT INTO learners (id, email) VALUES ($1, $1)", {"holder"}));
      holding = true;
      if (sqlite()) {
        EXPECT_TRUE(eventually([&] { return TEST_pending_writes(*store_) >= 2; }));
      }
      return ok();
    }));
  });
  ASSERT_TRUE(eventually([&] { return holding.load(); }));
  Result<void> bad, good;
  std::thread t1([&] {
    bad = store_->write([](Tx& tx) -> Result<void> {
      TRV_TRY(tx.exec("INSERT INTO learners (id, email) VALUES ($1, $1)", {"bad"}));
      return fail(ErrorKind::Invalid, "the learner changed their mind");
    });
  });
  std::thread t2([&] { good = write_sql("INSERT INTO learners (id, email) VALUES ($1, $1)", {"good"}); });
  t1.join();
  t2.join();
  holder.join();

  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::Invalid);
  EXPECT_TRUE(good);
  Rows rows = read_sql("SELECT id FROM learners ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].text(0), "good");
  EXPECT_EQ(rows[1].text(0), "holder");
  if (sqlite()) {
    EXPECT_EQ(store_->stats().write_batches - batches_before, 2);
  }
}

// A failed statement dooms its transaction on both stores, even when the
// function ignores the error and goes on.
TEST_P(StoreTest, SwallowedStatementErrorStillFailsTheWrite) {
  ASSERT_TRUE(write_sql(kCreateLearners));
  ASSERT_TRUE(write_sql("INSERT INTO learners (id, email) VALUES ($1, $1)", {"a"}));
  auto r = store_->write([](Tx& tx) -> Result<void> {
    (void)tx.exec("INSERT INTO learners (id, email) VALUES ($1, $1)", {"a"});
    auto later = tx.exec("INSERT INTO learners (id, email) VALUES ($1, $1)", {"b"});
    EXPECT_FALSE(later);
    return ok();
  });
  ASSERT_FALSE(r);
  EXPECT_TRUE(is_unique_violation(r.error()));
  EXPECT_EQ(count("learners"), 1);
}

// Two writes that lock rows in opposite order deadlock on PostgreSQL; the
// store retries the one the server aborts (40P01), so both succeed.
TEST_P(StoreTest, DeadlockedWritesAreRetried) {
  ASSERT_TRUE(write_sql("CREATE TABLE seats (id TEXT PRIMARY KEY, taken INTEGER NOT NULL)"));
  ASSERT_TRUE(write_sql("INSERT INTO seats VALUES ('a', 0), ('b', 0)"));
  std::atomic<int> arrived{0};
  auto take = [&](const char* first, const char* second) {
    return store_->write([&, first, second](Tx& tx) -> Result<void> {
      TRV_TRY(tx.exec("UPDATE seats SET taken = taken + 1 WHERE id = $1", {first}));
      // SQLite runs one write at a time, so there is nobody to wait for.
      if (!sqlite()) {
        ++arrived;
        (void)eventually([&] { return arrived.load() >= 2; });
      }
      TRV_TRY(tx.exec("UPDATE seats SET taken = taken + 1 WHERE id = $1", {second}));
      return ok();
    });
  };
  Result<void> ab, ba;
  std::thread t1([&] { ab = take("a", "b"); });
  std::thread t2([&] { ba = take("b", "a"); });
  t1.join();
  t2.join();
  EXPECT_TRUE(ab) << ab.error().detail;
  EXPECT_TRUE(ba) << ba.error().detail;
  Rows rows = read_sql("SELECT taken FROM seats ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].i64(0), 2);
  EXPECT_EQ(rows[1].i64(0), 2);
}

// An exception in a write function is a bug: it reaches the caller, as if
// the function had run on the caller's thread, and nothing it wrote is kept.
TEST_P(StoreTest, ThrowingWriteFunctionRethrowsAndKeepsNothing) {
  ASSERT_TRUE(write_sql(kCreateLearners));
  EXPECT_THROW((void)store_->write([](Tx& tx) -> Result<void> {
    TRV_TRY(tx.exec("INSERT INTO learners (id, email) VALUES ($1, $1)", {"a"}));
    throw std::runtime_error("bug");
  }),
               std::runtime_error);
  EXPECT_EQ(count("learners"), 0);
  EXPECT_TRUE(write_sql("INSERT INTO learners (id, email) VALUES ($1, $1)", {"b"}));
  EXPECT_EQ(count("learners"), 1);
}

// After the server drops the pooled connections (a PostgreSQL restart), the
// next calls reconnect instead of failing.
TEST_P(StoreTest, ReconnectsAfterTheServerDropsConnections) {
  ASSERT_TRUE(write_sql(kCreateLearners));
  std::vector<std::thread> warm;  // several pooled connections
  for (int i = 0; i < 4; ++i) warm.emplace_back([&] { EXPECT_EQ(count("learners"), 0); });
  for (auto& t : warm) t.join();
  drop_pg_connections();
  auto w = write_sql("INSERT INTO learners (id, email) VALUES ($1, $1)", {"a"});
  EXPECT_TRUE(w) << w.error().detail;
  drop_pg_connections();
  EXPECT_EQ(count("learners"), 1);
}

// DATA-01 / DATA-03: every acknowledged write of many concurrent callers is
// there afterwards, and on SQLite they shared commits (group commit).
TEST_P(StoreTest, GroupCommitKeepsEveryConcurrentWrite) {
  ASSERT_TRUE(
      write_sql("CREATE TABLE answers (learner INTEGER, seq INTEGER, "
                "PRIMARY KEY (learner, seq))"));
  const PoolStats before = store_->stats();
  constexpr int kThreads = 64, kWrites = 50;
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        if (write_sql("INSERT INTO answers VALUES ($1, $2)", {t, i})) ++acknowledged;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(acknowledged.load(), kThreads * kWrites);
  const PoolStats after = store_->stats();
  const int64_t jobs = after.write_jobs - before.write_jobs;
  const int64_t batches = after.write_batches - before.write_batches;
  EXPECT_EQ(jobs, kThreads * kWrites);
  if (sqlite()) {
    EXPECT_LT(batches, jobs);
  }
  // A fresh store proves the rows are in the database, not in a cache.
  store_->close();
  store_ = open_another();
  EXPECT_EQ(count("answers"), kThreads * kWrites);
}

TEST_P(StoreTest, ReadSeesCommittedWrites) {
  ASSERT_TRUE(write_sql(kCreateLearners));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(write_sql("INSERT INTO learners (id, email) VALUES ($1, $1)", {"l" + std::to_string(i)}));
    EXPECT_EQ(count("learners"), i + 1);
  }
}

TEST_P(StoreTest, ReadIsAConsistentSnapshot) {
  ASSERT_TRUE(write_sql(kCreateLearners));
  ASSERT_TRUE(write_sql("INSERT INTO learners (id, email) VALUES ($1, $1)", {"a"}));
  ASSERT_TRUE(store_->read([&](Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto first, tx.one("SELECT count(*) FROM learners"));
    std::thread([&] { EXPECT_TRUE(write_sql("INSERT INTO learners (id, email) VALUES ($1, $1)", {"b"})); }).join();
    TRV_ASSIGN(auto second, tx.one("SELECT count(*) FROM learners"));
    EXPECT_EQ(first->i64(0), 1);
    EXPECT_EQ(second->i64(0), 1);
    return ok();
  }));
  EXPECT_EQ(count("learners"), 2);
}

TEST_P(StoreTest, ReadCannotWrite) {
  ASSERT_TRUE(write_sql(kCreateLearners));
  auto r = store_->read([](Tx& tx) -> Result<void> {
    TRV_TRY(tx.exec("INSERT INTO learners (id, email) VALUES ($1, $1)", {"a"}));
    return ok();
  });
  EXPECT_FALSE(r);
  EXPECT_EQ(count("learners"), 0);
}

// INJ-01: parameters are bound, never spliced; "$1" inside a literal is text.
TEST_P(StoreTest, ParametersInsideLiteralsAndCommentsAreLeftAlone) {
  Rows rows = read_sql("SELECT 'costs $1 and it''s $2' AS \"$1\", $1 /* $2 */ -- $3\n, $2", {"first", "second"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text(0), "costs $1 and it's $2");
  EXPECT_EQ(rows[0].text(1), "first");
  EXPECT_EQ(rows[0].text(2), "second");

  Rows many =
      read_sql("SELECT $10, $1, $11, $2, $3, $4, $5, $6, $7, $8, $9", {1, 2, 3, 4, 5, 6, 7, 8, 9, "tenth", "eleventh"});
  ASSERT_EQ(many.size(), 1u);
  EXPECT_EQ(many[0].text(0), "tenth");
  EXPECT_EQ(many[0].i64(1), 1);
  EXPECT_EQ(many[0].text(2), "eleventh");

  const std::string hostile = "x'); DROP TABLE learners; --";
  Rows echoed = read_sql("SELECT $1", {hostile});
  EXPECT_EQ(echoed.at(0).text(0), hostile);
}

// DATA-01 (SQLite: WAL, synchronous=FULL, foreign_keys, busy_timeout >= 5 s,
// on the writer and on readers) and DATA-02 (PostgreSQL durability settings).
TEST_P(StoreTest, DurabilitySettingsDATA01DATA02) {
  auto check = [&](Tx& tx) -> Result<void> {
    if (tx.dialect() == Dialect::Sqlite) {
      TRV_ASSIGN(auto sync, tx.one("PRAGMA synchronous"));
      EXPECT_EQ(sync->i64(0), 2);  // FULL
      TRV_ASSIGN(auto mode, tx.one("PRAGMA journal_mode"));
      EXPECT_EQ(mode->text(0), "wal");
      TRV_ASSIGN(auto fk, tx.one("PRAGMA foreign_keys"));
      EXPECT_EQ(fk->i64(0), 1);
      TRV_ASSIGN(auto busy, tx.one("PRAGMA busy_timeout"));
      EXPECT_GE(busy->i64(0), 5000);
    } else {
      TRV_ASSIGN(auto s, tx.one("SELECT current_setting('fsync'), "
                                "current_setting('synchronous_commit'), "
                                "current_setting('full_page_writes')"));
      EXPECT_EQ(s->text(0), "on");
      EXPECT_NE(s->text(1), "off");
      EXPECT_EQ(s->text(2), "on");
    }
    return ok();
  };
  ASSERT_TRUE(store_->read(check));
  ASSERT_TRUE(store_->write(check));
}

TEST_P(StoreTest, PingAndClose) {
  EXPECT_TRUE(store_->ping());
  EXPECT_GE(store_->stats().connections_total, 1);
  store_->close();
  auto w = write_sql("SELECT 1");
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().kind, ErrorKind::Unavailable);
  auto r = store_->ping();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Unavailable);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         testing::backend_name);

TEST(OpenStore, RefusesWhatItCannotOpen) {
  EXPECT_THROW(open_store({"sqlite:/nonexistent-folder/x/trivium.db"}), std::runtime_error);
  EXPECT_THROW(open_store({"sqlite::memory:"}), std::runtime_error);  // no WAL: no DATA-01
  EXPECT_THROW(open_store({"mysql://localhost/trivium"}), std::runtime_error);
  EXPECT_THROW(open_store({"postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"}), std::runtime_error);
}

TEST(RewriteParams, NumbersBecomeSqliteParametersOutsideQuotes) {
  EXPECT_EQ(rewrite_params("SELECT $1, $12 FROM t WHERE a = $2"), "SELECT ?1, ?12 FROM t WHERE a = ?2");
  EXPECT_EQ(rewrite_params("SELECT '$1', \"$2\", $3 -- $4\n/* $5 */ $6"), "SELECT '$1', \"$2\", ?3 -- $4\n/* $5 */ ?6");
  EXPECT_EQ(rewrite_params("SELECT 'a''$1', $1"), "SELECT 'a''$1', ?1");
  EXPECT_EQ(rewrite_params("SELECT '/*', $1, '*/'"), "SELECT '/*', ?1, '*/'");
  EXPECT_EQ(rewrite_params("SELECT $ , $a"), "SELECT $ , $a");
}

TEST(Row, ConvertsBetweenRepresentations) {
  Row row({std::string("42"), int64_t{7}, 2.5, std::monostate(), std::string("t"), std::string("1.25")});
  EXPECT_EQ(row.i64(0), 42);
  EXPECT_EQ(row.text(1), "7");
  EXPECT_EQ(row.f64(1), 7.0);
  EXPECT_EQ(row.i64(2), 2);
  EXPECT_EQ(row.text(3), "");
  EXPECT_EQ(row.f64(3), 0.0);
  EXPECT_TRUE(row.boolean(4));
  EXPECT_EQ(row.f64(5), 1.25);
  EXPECT_THROW(row.i64(5), std::logic_error);
  EXPECT_THROW(row.i64(99), std::out_of_range);
}

}  // namespace
}  // namespace trivium::db
