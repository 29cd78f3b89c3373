// The outbox: written in the caller's transaction, delivered with retries.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>

#include "mail/mail.h"

namespace trivium::mail {
namespace {

class FakeMailer final : public Mailer {
 public:
  Result<void> send(const Message& m) override {
    if (failures > 0) {
      --failures;
      return fail(ErrorKind::Unavailable, "smtp: connection refused");
    }
    sent.push_back(m);
    return ok();
  }
  std::vector<Message> sent;
  int failures = 0;
};

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/trivium-mail-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    const char* pg = std::getenv("TRIVIUM_TEST_PG_URL");
    store_ = db::open_store({pg ? std::string(pg) : "sqlite:" + dir_ + "/mail.db"});
    if (pg) {
      ASSERT_TRUE(store_->write([](db::Tx& tx) -> Result<void> {
        TRV_TRY(tx.exec("DROP SCHEMA public CASCADE"));
        TRV_TRY(tx.exec("CREATE SCHEMA public"));
        return ok();
      }));
    }
    ASSERT_TRUE(db::migrate(*store_));
    outbox_ = std::make_unique<Outbox>(*store_, clock_, mailer_);
  }
  void TearDown() override {
    outbox_.reset();
    store_->close();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  int64_t count(const std::string& sql) {
    int64_t n = -1;
    EXPECT_TRUE(store_->read([&](db::Tx& tx) -> Result<void> {
      TRV_ASSIGN(auto row, tx.one(sql));
      n = row->i64(0);
      return ok();
    }));
    return n;
  }

  ManualClock clock_;
  FakeMailer mailer_;
  std::string dir_;
  std::unique_ptr<db::Store> store_;
  std::unique_ptr<Outbox> outbox_;
};

TEST_F(OutboxTest, EnqueueIsRolledBackWithTheTransaction) {
  auto r = store_->write([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(outbox_->enqueue(tx, {"ada@example.org", "Reset your password", "token=abc"}));
    return fail(ErrorKind::Conflict, "the change failed");
  });
  EXPECT_FALSE(r);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox"), 0);
  EXPECT_EQ(*outbox_->deliver_due(), 0);
  EXPECT_TRUE(mailer_.sent.empty());

  ASSERT_TRUE(store_->write([&](db::Tx& tx) {
    return outbox_->enqueue(tx, {"ada@example.org", "Reset your password", "token=abc"});
  }));
  EXPECT_EQ(*outbox_->deliver_due(), 1);
  ASSERT_EQ(mailer_.sent.size(), 1u);
  EXPECT_EQ(mailer_.sent[0].text, "token=abc");
  // Sent once only, and the body (which may hold a token) is cleared.
  EXPECT_EQ(*outbox_->deliver_due(), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NOT NULL AND body = ''"), 1);
}

TEST_F(OutboxTest, Inj05UnsafeMessagesAreNotQueued) {
  auto r = store_->write([&](db::Tx& tx) {
    return outbox_->enqueue(tx, {"ada@example.org\r\nBcc: eve@example.org", "Hi", "x"});
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
}

TEST_F(OutboxTest, FailedDeliveryIsRetriedWithBackoff) {
  mailer_.failures = 2;
  ASSERT_TRUE(store_->write([&](db::Tx& tx) { return outbox_->enqueue(tx, {"ada@example.org", "Hello", "body"}); }));
  EXPECT_EQ(*outbox_->deliver_due(), 0);  // first attempt fails
  EXPECT_EQ(*outbox_->deliver_due(), 0);  // not due yet
  clock_.advance(30'000);
  EXPECT_EQ(*outbox_->deliver_due(), 0);  // second attempt fails
  clock_.advance(30'000);
  EXPECT_EQ(*outbox_->deliver_due(), 0);  // backoff doubled: 60 s
  clock_.advance(30'000);
  EXPECT_EQ(*outbox_->deliver_due(), 1);
  EXPECT_EQ(count("SELECT attempts FROM mail_outbox"), 3);
}

TEST_F(OutboxTest, BackgroundSenderDelivers) {
  outbox_->start();
  ASSERT_TRUE(store_->write([&](db::Tx& tx) { return outbox_->enqueue(tx, {"ada@example.org", "Hello", "body"}); }));
  outbox_->wake();
  for (int i = 0; i < 200 && count("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NOT NULL") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  outbox_->stop();
  EXPECT_EQ(mailer_.sent.size(), 1u);
}

}  // namespace
}  // namespace trivium::mail
