#include "core/metrics.h"

#include <cstdio>

namespace trivium::http {

struct Metrics::Series {
  // Indexed by status code - 100; 500 slots cover every valid code.
  std::array<std::atomic<uint64_t>, 500> by_status{};
  std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> sum_us{0};
  std::string label;
  std::string method;
};

Metrics::Metrics(const Router& router) : router_(router) {
  for (const auto& r : router.routes()) {
    auto s = std::make_unique<Series>();
    s->label = r.pattern;
    s->method = std::string(method_name(r.method));
    series_.push_back(std::move(s));
  }
  auto unmatched = std::make_unique<Series>();
  unmatched->label = "unmatched";
  unmatched->method = "ANY";
  series_.push_back(std::move(unmatched));
}

Metrics::~Metrics() = default;

void Metrics::observe(const Route* route, Method, int status, double seconds) {
  size_t idx = series_.size() - 1;
  if (route) idx = static_cast<size_t>(route - router_.routes().data());
  if (idx >= series_.size()) idx = series_.size() - 1;
  Series& s = *series_[idx];
  if (status >= 100 && status < 600) s.by_status[status - 100].fetch_add(1, std::memory_order_relaxed);
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  s.buckets[b].fetch_add(1, std::memory_order_relaxed);
  s.count.fetch_add(1, std::memory_order_relaxed);
  s.sum_us.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void Metrics::add_collector(std::function<void(std::string&)> collector) {
  collectors_.push_back(std::move(collector));
}

std::string Metrics::render() const {
  std::string out;
  out.reserve(16384);
  char buf[256];
  out += "# HELP trivium_http_requests_total HTTP requests by route, method and status.\n";
  out += "# TYPE trivium_http_requests_total counter\n";
  for (const auto& s : series_) {
    for (size_t i = 0; i < s->by_status.size(); ++i) {
      uint64_t n = s->by_status[i].load(std::memory_order_relaxed);
      if (!n) continue;
      std::snprintf(buf, sizeof buf, "trivium_http_requests_total{route=\"%s\",method=\"%s\",status=\"%zu\"} %llu\n",
                    s->label.c_str(), s->method.c_str(), i + 100, static_cast<unsigned long long>(n));
      out += buf;
    }
  }
  out += "# HELP trivium_http_request_duration_seconds Time from a complete request to its response.\n";
  out += "# TYPE trivium_http_request_duration_seconds histogram\n";
  for (const auto& s : series_) {
    uint64_t count = s->count.load(std::memory_order_relaxed);
    if (!count) continue;
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += s->buckets[b].load(std::memory_order_relaxed);
      if (b < kBuckets.size())
        std::snprintf(buf, sizeof buf,
                      "trivium_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"%g\"} %llu\n",
                      s->label.c_str(), s->method.c_str(), kBuckets[b], static_cast<unsigned long long>(cumulative));
      else
        std::snprintf(buf, sizeof buf,
                      "trivium_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"+Inf\"} %llu\n",
                      s->label.c_str(), s->method.c_str(), static_cast<unsigned long long>(cumulative));
      out += buf;
    }
    std::snprintf(buf, sizeof buf,
                  "trivium_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} %.6f\n"
                  "trivium_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"} %llu\n",
                  s->label.c_str(), s->method.c_str(), s->sum_us.load(std::memory_order_relaxed) / 1e6,
                  s->label.c_str(), s->method.c_str(), static_cast<unsigned long long>(count));
    out += buf;
  }
  out += "# HELP trivium_http_open_connections Client connections currently open.\n";
  out += "# TYPE trivium_http_open_connections gauge\n";
  out += "trivium_http_open_connections " + std::to_string(open_connections()) + "\n";
  for (const auto& c : collectors_) c(out);
  return out;
}

}  // namespace trivium::http
