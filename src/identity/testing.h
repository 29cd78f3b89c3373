// Test support for identity's tests (not part of the library): a migrated
// SQLite store in a temporary folder (or the PostgreSQL database named by
// TRIVIUM_TEST_PG_URL, wiped first), a manual clock, an outbox whose mailer
// records messages, and the service wired as the app wires it.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>

#include "core/test_store.h"
#include <vector>

#include "identity/identity.h"

namespace trivium::identity::testing {

// Keeps every message it is given; can be told to fail.
class RecordingMailer final : public mail::Mailer {
 public:
  Result<void> send(const mail::Message& m) override {
    if (fail_next > 0) {
      --fail_next;
      return fail(ErrorKind::Unavailable, "smtp: connection refused");
    }
    sent.push_back(m);
    return ok();
  }
  std::vector<mail::Message> sent;
  int fail_next = 0;
};

// An HTTP request whose header texts live as long as it does.
struct FakeRequest {
  http::Request req;
  std::deque<std::string> storage;

  FakeRequest& header(std::string name, std::string value) {
    storage.push_back(std::move(name));
    std::string_view k = storage.back();
    storage.push_back(std::move(value));
    req.headers.emplace_back(k, storage.back());
    return *this;
  }
};


// The cheapest Argon2id parameters libsodium accepts, so that tests which
// sign in many times stay fast; tests of the real parameters set their own.
inline Settings fast_settings() {
  Settings s;
  s.argon2_memory_kib = 8;
  s.argon2_passes = 1;
  s.public_url = "https://trivium.example";
  return s;
}

class IdentityFixture : public ::testing::Test {
 protected:
  void SetUp() override { start(fast_settings()); }

  void start(Settings settings) {
    char tmpl[] = "/tmp/trivium-identity-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store_ = trivium::testing::open_test_store(dir_ + "/identity.db");
    ASSERT_TRUE(store_);
    audit_ = std::make_unique<audit::AuditLog>(*store_, clock_);
    outbox_ = std::make_unique<mail::Outbox>(*store_, clock_, mailer_);
    service_ = std::make_unique<Service>(*store_, clock_, *outbox_, *audit_, settings);
    authn_ = std::make_unique<Authenticator>(*service_);
  }

  void TearDown() override {
    authn_.reset();
    service_.reset();
    outbox_.reset();
    audit_.reset();
    if (store_) store_->close();
    store_.reset();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  static RequestInfo info(std::string actor = {}) {
    RequestInfo i;
    i.ip = "192.0.2.1";
    i.request_id = "test";
    i.user_agent = "gtest";
    i.actor_id = std::move(actor);
    return i;
  }

  User register_user(const std::string& email, const std::string& password = "correct horse 42") {
    Registration r;
    r.email = email;
    r.password = password;
    r.display_name = "Ada Lovelace";
    auto u = service_->register_user(r, info());
    EXPECT_TRUE(u) << (u ? "" : u.error().detail);
    return u ? *u : User{};
  }

  LoginResult login(const std::string& email, const std::string& password = "correct horse 42") {
    auto r = service_->login(email, password, info());
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    return r ? *r : LoginResult{};
  }

  // Authenticates a request carrying this cookie secret.
  Result<http::Subject> with_cookie(const std::string& secret) {
    FakeRequest f;
    f.header("Cookie", std::string(kSessionCookie) + "=" + secret);
    return authn_->authenticate(f.req);
  }

  Result<http::Subject> with_bearer(const std::string& token) {
    FakeRequest f;
    f.header("Authorization", "Bearer " + token);
    return authn_->authenticate(f.req);
  }

  // Delivers the outbox and returns what was sent since the last call.
  std::vector<mail::Message> take_mail() {
    auto n = outbox_->deliver_due();
    EXPECT_TRUE(n) << (n ? "" : n.error().detail);
    std::vector<mail::Message> out;
    out.swap(mailer_.sent);
    return out;
  }

  // The value of "name=" in a link inside a mail body.
  static std::string token_in(const mail::Message& m, const std::string& name = "token") {
    size_t at = m.text.find(name + "=");
    if (at == std::string::npos) return {};
    at += name.size() + 1;
    size_t end = m.text.find_first_of(" \r\n", at);
    return m.text.substr(at, end == std::string::npos ? std::string::npos : end - at);
  }

  int64_t count(const std::string& sql) {
    int64_t n = -1;
    auto r = store_->read([&](db::Tx& tx) -> Result<void> {
      TRV_ASSIGN(auto row, tx.one(sql));
      n = row ? row->i64(0) : 0;
      return ok();
    });
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    return n;
  }

  std::string text(const std::string& sql, std::initializer_list<db::Param> params = {}) {
    std::string out;
    auto r = store_->read([&](db::Tx& tx) -> Result<void> {
      TRV_ASSIGN(auto row, tx.one(sql, params));
      if (row) out = row->text(0);
      return ok();
    });
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    return out;
  }

  ManualClock clock_;
  RecordingMailer mailer_;
  std::string dir_;
  std::unique_ptr<db::Store> store_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<mail::Outbox> outbox_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<Authenticator> authn_;
};

}  // namespace trivium::identity::testing
