// Request counters and latency histograms per route, in Prometheus text
// format. Updates are relaxed atomic increments: cheap enough for every
// request on the hot path.
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/http.h"

namespace trivium::http {

class Metrics {
 public:
  explicit Metrics(const Router& router);
  ~Metrics();
  // `route` null: requests that matched no route.
  void observe(const Route* route, Method method, int status, double seconds);
  void connection_opened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
  int64_t open_connections() const { return open_connections_.load(std::memory_order_relaxed); }
  // Extra gauges (store pool, mail outbox, ...) appended to the text.
  void add_collector(std::function<void(std::string&)> collector);
  std::string render() const;

  static constexpr std::array<double, 14> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,    0.1,    0.25,  0.5,    1.0,   5.0};

 private:
  struct Series;
  const Router& router_;
  std::vector<std::unique_ptr<Series>> series_;  // one per route, plus one for "unmatched"
  std::atomic<int64_t> open_connections_{0};
  std::vector<std::function<void(std::string&)>> collectors_;
};

}  // namespace trivium::http
