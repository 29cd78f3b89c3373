// Completion rules and the roll-up from blocks to units, modules and the
// course, over the content a run shows today (a block removed by a new
// publication no longer counts; one added counts from then on).

#include <algorithm>
#include <boost/json/parse.hpp>
#include <cmath>

#include "progress/internal.h"

namespace trivium::progress {

namespace bj = boost::json;

double percent(int completed, int counted) {
  if (counted <= 0) return 100.0;
  return std::round(1000.0 * std::min(completed, counted) / counted) / 10.0;
}

namespace detail {

namespace {

std::string default_completion(const std::string& type) {
  if (type == "video") return "watched";
  if (type == "quiz") return "passed";
  if (type == "assignment") return "submitted";
  return "viewed";
}

}  // namespace

Rule rule_of(const outline::ContentBlock& b, double default_threshold) {
  Rule r;
  r.completion = default_completion(b.type);
  r.watched_threshold = default_threshold;
  boost::system::error_code ec;
  bj::value v = bj::parse(b.settings_json, ec);
  if (ec || !v.is_object()) return r;
  const bj::object& s = v.as_object();
  if (const bj::value* c = s.if_contains("completion"); c && c->is_string()) r.completion = std::string(c->as_string());
  if (const bj::value* t = s.if_contains("watched_threshold"); t && t->is_number()) {
    const double x = t->to_number<double>();
    if (x > 0 && x <= 1) r.watched_threshold = x;
  }
  if (const bj::value* d = s.if_contains("duration_seconds"); d && d->is_number()) {
    const double x = d->to_number<double>();
    if (x > 0) r.duration_seconds = x;
  }
  return r;
}

std::optional<Place> find_block(const outline::RunContent& c, const std::string& block_id) {
  const auto& modules = *c.modules;
  for (size_t m = 0; m < modules.size(); ++m)
    for (size_t u = 0; u < modules[m].units.size(); ++u)
      for (size_t b = 0; b < modules[m].units[u].blocks.size(); ++b)
        if (modules[m].units[u].blocks[b].id == block_id) return Place{m, u, b};
  return std::nullopt;
}

BlockState state_of(const outline::ContentBlock& b, const BlockRow* row, double default_threshold) {
  const Rule rule = rule_of(b, default_threshold);
  BlockState s;
  s.block_id = b.id;
  s.completion = rule.completion;
  s.duration_seconds = rule.duration_seconds;
  if (!row) return s;
  s.viewed = row->first_viewed_at.has_value();
  s.completed = row->completed_at.has_value() && rule.completion != "none";
  s.completed_at_ms = row->completed_at;
  s.last_report_ms = row->last_report_at;
  s.position_seconds = row->position_seconds;
  if (!s.duration_seconds) s.duration_seconds = row->duration_seconds;
  s.watched_seconds = row->watched_seconds;
  if (s.duration_seconds && *s.duration_seconds > 0)
    s.watched_fraction = std::min(1.0, std::round(1000.0 * row->watched_seconds / *s.duration_seconds) / 1000.0);
  return s;
}

RunProgress compute(const outline::RunContent& c, const std::map<std::string, BlockRow>& rows,
                    const std::optional<LearnerRow>& learner, int64_t now, double default_threshold) {
  RunProgress p;
  p.run_id = c.run_id;
  p.course_id = c.course_id;
  const auto& modules = *c.modules;
  std::map<std::string, size_t> index;
  for (size_t m = 0; m < modules.size(); ++m) {
    const outline::ContentModule& cm = modules[m];
    index[cm.id] = m;
    ModuleProgress mp;
    mp.id = cm.id;
    mp.title = cm.title;
    if (m < c.release_at.size()) mp.release_at_ms = c.release_at[m];
    mp.released = !mp.release_at_ms || *mp.release_at_ms <= now;
    for (const outline::ContentUnit& cu : cm.units) {
      UnitProgress up;
      up.id = cu.id;
      up.title = cu.title;
      for (const outline::ContentBlock& cb : cu.blocks) {
        auto it = rows.find(cb.id);
        BlockState s = state_of(cb, it == rows.end() ? nullptr : &it->second, default_threshold);
        if (s.completion != "none") {
          ++up.counted;
          if (s.completed) ++up.completed;
        }
        up.blocks.push_back(std::move(s));
      }
      mp.counted += up.counted;
      mp.completed += up.completed;
      mp.units.push_back(std::move(up));
    }
    p.counted += mp.counted;
    p.completed += mp.completed;
    p.modules.push_back(std::move(mp));
  }
  // Prerequisites name modules of the same publication; one that is not
  // there (removed since) does not hold anyone back.
  for (size_t m = 0; m < modules.size(); ++m)
    for (const std::string& pre : modules[m].prerequisites)
      if (auto it = index.find(pre); it != index.end() && !p.modules[it->second].complete())
        p.modules[m].missing_prerequisites.push_back(pre);

  if (learner) {
    p.time_on_task_ms = learner->time_on_task_ms;
    p.last_activity_ms = learner->last_activity_at;
    p.completed_at_ms = learner->completed_at;
  }

  // Resume: the last block worked on if not complete, else the next block
  // after it, else the first incomplete one; only in open modules.
  std::vector<std::pair<Place, const BlockState*>> order;
  for (size_t m = 0; m < p.modules.size(); ++m)
    for (size_t u = 0; u < p.modules[m].units.size(); ++u)
      for (size_t b = 0; b < p.modules[m].units[u].blocks.size(); ++b)
        order.push_back({Place{m, u, b}, &p.modules[m].units[u].blocks[b]});
  auto open = [&](const Place& at) { return p.modules[at.module].open(); };
  std::optional<size_t> pick;
  if (learner && learner->last_block_id) {
    for (size_t i = 0; i < order.size(); ++i) {
      if (order[i].second->block_id != *learner->last_block_id) continue;
      if (!order[i].second->completed && open(order[i].first)) {
        pick = i;
      } else {
        for (size_t j = i + 1; j < order.size() && !pick; ++j)
          if (open(order[j].first) && !order[j].second->completed) pick = j;
      }
      break;
    }
  }
  for (size_t i = 0; i < order.size() && !pick; ++i)
    if (open(order[i].first) && !order[i].second->completed && order[i].second->completion != "none") pick = i;
  if (pick) {
    const Place& at = order[*pick].first;
    const outline::ContentModule& cm = modules[at.module];
    const outline::ContentBlock& cb = cm.units[at.unit].blocks[at.block];
    p.resume = Resume{cm.id, cm.units[at.unit].id, cb.id, cb.title, cb.type, order[*pick].second->position_seconds};
  }
  return p;
}

}  // namespace detail
}  // namespace trivium::progress
