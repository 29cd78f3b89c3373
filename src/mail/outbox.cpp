// The mail outbox: enqueue inside the caller's transaction, deliver later.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/ids.h"
#include "mail/mail.h"

namespace trivium::mail {
namespace {

struct Pending {
  std::string id;
  Message message;
  int64_t attempts = 0;
};

constexpr std::string_view kDueSql =
    "SELECT id, to_addr, subject, body, attempts FROM mail_outbox"
    " WHERE sent_at IS NULL AND attempts < $1 AND next_attempt_at <= $2"
    " ORDER BY next_attempt_at LIMIT $3";

}  // namespace

Outbox::Outbox(db::Store& store, const Clock& clock, Mailer& mailer, OutboxOptions options)
    : store_(store), clock_(clock), mailer_(mailer), options_(options) {}

Outbox::~Outbox() {
  stop();
}

Result<void> Outbox::enqueue(db::Tx& tx, const Message& m) {
  TRV_TRY(validate(m));
  int64_t now = clock_.now_ms();
  std::string id = new_id();
  TRV_TRY(
      tx.exec("INSERT INTO mail_outbox (id, to_addr, subject, body, created_at, attempts, last_error,"
              " next_attempt_at) VALUES ($1, $2, $3, $4, $5, 0, '', $6)",
              {id, m.to, m.subject, m.text, now, now}));
  return ok();
}

void Outbox::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void Outbox::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Outbox::stop() {
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void Outbox::run() {
  int64_t last_purge = 0;
  while (true) {
    int sent = 0;
    auto r = deliver_due();
    if (r) {
      sent = *r;
    } else {
      spdlog::warn("mail outbox: {}", r.error().detail);
    }
    int64_t now = clock_.now_ms();
    if (now - last_purge > 3'600'000) {
      last_purge = now;
      auto purged = store_.write([&](db::Tx& tx) -> Result<void> {
        TRV_TRY(tx.exec("DELETE FROM mail_outbox WHERE sent_at IS NOT NULL AND sent_at < $1",
                        {now - options_.keep_sent_ms}));
        return ok();
      });
      if (!purged) spdlog::warn("mail outbox purge: {}", purged.error().detail);
    }
    std::unique_lock lock(mu_);
    if (stopping_) return;
    // A full batch suggests more are waiting: go round again at once.
    if (sent >= options_.batch_size) continue;
    cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_interval_ms), [this] { return stopping_ || woken_; });
    woken_ = false;
    if (stopping_) return;
  }
}

Result<int> Outbox::deliver_due() {
  int64_t now = clock_.now_ms();
  // A cheap read first: most rounds find nothing and need no write.
  bool any = false;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto rows, tx.query(kDueSql, {options_.max_attempts, now, 1}));
    any = !rows.empty();
    return ok();
  }));
  if (!any) return 0;

  // Claim a batch, so that a second sender (another process) leaves it alone
  // while it is being delivered.
  std::vector<Pending> batch;
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    batch.clear();
    TRV_ASSIGN(auto rows, tx.query(kDueSql, {options_.max_attempts, now, options_.batch_size}));
    for (const auto& row : rows) {
      batch.push_back({row.text(0), {row.text(1), row.text(2), row.text(3)}, row.i64(4)});
      TRV_TRY(
          tx.exec("UPDATE mail_outbox SET next_attempt_at = $1 WHERE id = $2", {now + options_.claim_ms, row.text(0)}));
    }
    return ok();
  }));

  int sent = 0;
  for (const auto& p : batch) {
    auto r = mailer_.send(p.message);
    int64_t at = clock_.now_ms();
    Result<void> w;
    if (r) {
      ++sent;
      w = store_.write([&](db::Tx& tx) -> Result<void> {
        TRV_TRY(
            tx.exec("UPDATE mail_outbox SET sent_at = $1, body = '', attempts = attempts + 1,"
                    " last_error = '' WHERE id = $2",
                    {at, p.id}));
        return ok();
      });
    } else {
      // An invalid message will never go through: stop retrying it.
      bool permanent = r.error().kind == ErrorKind::Invalid;
      int64_t attempts = permanent ? options_.max_attempts : p.attempts + 1;
      int shift = static_cast<int>(std::min<int64_t>(p.attempts, 20));
      int64_t delay = std::min(options_.first_retry_ms << shift, options_.max_retry_ms);
      spdlog::warn("mail {} not delivered (attempt {}): {}", p.id, p.attempts + 1, r.error().detail);
      w = store_.write([&](db::Tx& tx) -> Result<void> {
        TRV_TRY(
            tx.exec("UPDATE mail_outbox SET attempts = $1, last_error = $2, next_attempt_at = $3"
                    " WHERE id = $4",
                    {attempts, r.error().detail, at + delay, p.id}));
        return ok();
      });
    }
    if (!w) return w.failure();
  }
  return sent;
}

}  // namespace trivium::mail
