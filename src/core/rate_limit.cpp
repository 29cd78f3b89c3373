#include "core/rate_limit.h"

#include <algorithm>
#include <cmath>

namespace trivium::http {

RateLimiter::RateLimiter(const Clock& clock, int per_minute, int burst)
    : clock_(clock), per_ms_(std::max(per_minute, 1) / 60000.0), burst_(std::max(burst, 1)) {}

int RateLimiter::acquire(const std::string& key) {
  const int64_t now = clock_.now_ms();
  std::lock_guard lock(mu_);
  // Drop full buckets now and then so the map does not grow without bound.
  if (now - last_sweep_ms_ > 60000) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      double refilled = it->second.tokens + (now - it->second.updated_ms) * per_ms_;
      it = refilled >= burst_ ? buckets_.erase(it) : std::next(it);
    }
    last_sweep_ms_ = now;
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!inserted) {
    b.tokens = std::min(burst_, b.tokens + (now - b.updated_ms) * per_ms_);
    b.updated_ms = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / per_ms_ / 1000.0)));
}

}  // namespace trivium::http
