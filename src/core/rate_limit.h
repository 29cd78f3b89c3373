// Per-client throttling (token buckets keyed by client address and class),
// used for login, registration and password-reset requests. Kept in memory:
// a multi-node deployment puts it in a shared store later.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"

namespace trivium::http {

class RateLimiter {
 public:
  // `per_minute` tokens refill each minute up to `burst`.
  RateLimiter(const Clock& clock, int per_minute, int burst);
  // Takes one token for `key`; returns 0 when allowed, otherwise the number
  // of seconds until a token is available.
  int acquire(const std::string& key);

 private:
  struct Bucket {
    double tokens;
    int64_t updated_ms;
  };
  const Clock& clock_;
  double per_ms_;
  double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  int64_t last_sweep_ms_ = 0;
};

}  // namespace trivium::http
