// Outgoing e-mail. The SMTP implementation speaks to a real server through
// libcurl; without an SMTP URL, messages are written to the log instead so
// that a fresh install still works.
//
// Other modules never send directly: they enqueue a message in the outbox
// inside the transaction that causes it, and a background sender delivers it
// after the commit, with retries.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/config.h"
#include "core/db.h"
#include "core/result.h"

namespace trivium::mail {

struct Message {
  std::string to;       // one address
  std::string subject;  // single line; CR/LF are rejected (INJ-05)
  std::string text;     // plain-text body, UTF-8
};

// Checks that a message can be put on the wire safely: `to` is one plain
// address and neither it nor the subject holds CR, LF or other control
// characters (header injection, INJ-05). Invalid otherwise.
Result<void> validate(const Message& m);

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Delivers or fails with Unavailable; Invalid for a header-injection attempt.
  virtual Result<void> send(const Message& m) = 0;
};

// An SMTP mailer when config.url is set, otherwise one that logs messages.
std::unique_ptr<Mailer> make_mailer(const SmtpConfig& config);

struct OutboxOptions {
  int poll_interval_ms = 1000;                   // how often the sender looks for due messages
  int batch_size = 20;                           // messages claimed per round
  int max_attempts = 8;                          // then the message is left undelivered with its last error
  int64_t first_retry_ms = 30'000;               // doubled after each failure ...
  int64_t max_retry_ms = 3'600'000;              // ... up to this
  int64_t claim_ms = 300'000;                    // a claimed message is not retried by others for this long
  int64_t keep_sent_ms = 30LL * 24 * 3'600'000;  // sent rows are purged after this
};

// The durable queue of outgoing mail (table mail_outbox).
class Outbox {
 public:
  Outbox(db::Store& store, const Clock& clock, Mailer& mailer, OutboxOptions options = {});
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Adds a message within the caller's write transaction, so that it is sent
  // if and only if that transaction commits. Invalid for an unsafe message.
  Result<void> enqueue(db::Tx& tx, const Message& m);
  // Tells the sender that a message was committed, so it need not wait for
  // its next poll. Cheap; call after Store::write returns.
  void wake();

  // Starts and stops the background sender thread. stop() waits for the
  // message being sent, if any; both are idempotent.
  void start();
  void stop();

  // Delivers the messages that are due now and returns how many were sent.
  // The sender thread calls this; tests call it directly.
  Result<int> deliver_due();

 private:
  void run();

  db::Store& store_;
  const Clock& clock_;
  Mailer& mailer_;
  OutboxOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace trivium::mail
