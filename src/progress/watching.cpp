#include "progress/watching.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>

namespace trivium::progress {

namespace bj = boost::json;

void add_segment(std::vector<Segment>& watched, Segment s) {
  if (!(s.to > s.from)) return;
  std::vector<Segment> out;
  out.reserve(watched.size() + 1);
  bool placed = false;
  for (const Segment& w : watched) {
    if (w.to < s.from) {
      out.push_back(w);
    } else if (s.to < w.from) {
      if (!placed) out.push_back(s);
      placed = true;
      out.push_back(w);
    } else {
      // Overlapping or touching: grow the new segment over this one.
      s.from = std::min(s.from, w.from);
      s.to = std::max(s.to, w.to);
    }
  }
  if (!placed) out.push_back(s);
  watched = std::move(out);
}

double covered_seconds(const std::vector<Segment>& watched, double duration) {
  double total = 0;
  for (const Segment& w : watched) {
    const double from = std::max(0.0, w.from);
    const double to = std::min(duration, w.to);
    if (to > from) total += to - from;
  }
  return total;
}

Segment credited_part(Segment reported, std::optional<int64_t> previous_report_ms, int64_t now_ms) {
  double allowance = kFirstReportAllowanceSeconds;
  if (previous_report_ms) {
    const double elapsed = static_cast<double>(std::max<int64_t>(0, now_ms - *previous_report_ms)) / 1000.0;
    allowance = elapsed * kMaxPlaybackRate + kReportSlackSeconds;
  }
  if (reported.to - reported.from > allowance) reported.to = reported.from + allowance;
  return reported;
}

std::string segments_json(const std::vector<Segment>& watched) {
  bj::array a;
  for (const Segment& w : watched) a.push_back(bj::array{w.from, w.to});
  return bj::serialize(a);
}

std::vector<Segment> segments_from_json(std::string_view json) {
  std::vector<Segment> out;
  boost::system::error_code ec;
  bj::value v = bj::parse(json, ec);
  if (ec || !v.is_array()) return out;
  for (const bj::value& p : v.as_array()) {
    if (!p.is_array() || p.as_array().size() != 2) return {};
    const bj::array& a = p.as_array();
    if (!a[0].is_number() || !a[1].is_number()) return {};
    out.push_back(Segment{a[0].to_number<double>(), a[1].to_number<double>()});
  }
  return out;
}

namespace {

// Seconds with at most three decimals and no trailing zeros.
std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", std::round(s * 1000.0) / 1000.0);
  std::string t = buf;
  while (!t.empty() && t.back() == '0') t.pop_back();
  if (!t.empty() && t.back() == '.') t.pop_back();
  return t;
}

}  // namespace

std::string played_segments_text(const std::vector<Segment>& watched) {
  std::string out;
  for (const Segment& w : watched) {
    if (!out.empty()) out += "[,]";
    out += seconds_text(w.from) + "[.]" + seconds_text(w.to);
  }
  return out;
}

}  // namespace trivium::progress
