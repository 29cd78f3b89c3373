// Time is injected so that deadlines, session timeouts and throttling windows
// are testable without sleeping. All stored times are UTC milliseconds since
// the Unix epoch.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trivium {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_ms() const = 0;
};

// Wall clock, optionally shifted forward by a test hook (TEST_advance), so
// that an integration test can let a session expire without waiting.
class SystemClock final : public Clock {
 public:
  int64_t now_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() +
           offset_ms_.load(std::memory_order_relaxed);
  }
  void TEST_advance(int64_t ms) { offset_ms_.fetch_add(ms, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> offset_ms_{0};
};

// A clock that only moves when told to; for unit tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  int64_t now_ms() const override { return now_.load(); }
  void advance(int64_t ms) { now_.fetch_add(ms); }
  void set(int64_t ms) { now_.store(ms); }

 private:
  std::atomic<int64_t> now_;
};

// RFC 3339 UTC text ("2026-11-22T10:00:00.000Z") for API responses.
std::string format_rfc3339(int64_t epoch_ms);
// RFC 3339 date-time ("2027-03-29T09:00:00Z", "...T09:00:00.5+02:00") to
// UTC milliseconds; nullopt when malformed or before 1970.
std::optional<int64_t> parse_rfc3339(std::string_view text);

}  // namespace trivium
