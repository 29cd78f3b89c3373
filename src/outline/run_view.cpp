// A run's outline for its learners and staff, and the run's explicit release
// dates. Release rule of module i (0-based, in published order): the run's
// explicit date if set; under scheduled pacing with a weekly schedule, the
// schedule's week `release_week` (if the module names one) or week i; else
// the run's start (no start: released).

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <set>

#include "outline/impl.h"

namespace trivium::outline {

namespace {

std::string quoted(const std::string& s) {
  return bj::serialize(bj::value(s));
}

Result<std::shared_ptr<const std::map<std::string, int64_t>>> overrides_of(Service::Impl& p,
                                                                           const std::string& run_id) {
  if (auto hit = p.cache.overrides(run_id)) return hit;
  std::map<std::string, int64_t> o;
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(o, run_releases(tx, run_id));
    return ok();
  }));
  p.cache.put_overrides(run_id, std::move(o));
  return p.cache.overrides(run_id);
}

std::optional<int64_t> release_of(Service::Impl& p, const courses::CourseRun& run, bool scheduled,
                                  const std::map<std::string, int64_t>& overrides, const RenderedModule& m,
                                  size_t index) {
  if (auto it = overrides.find(m.id); it != overrides.end()) return it->second;
  if (scheduled) {
    auto at = p.courses.weekly_release(*run.schedule, m.release_week.value_or(static_cast<int>(index)));
    if (at) return *at;
  }
  return run.starts_at_ms;
}

Result<std::shared_ptr<const RunTimes>> times_for(Service::Impl& p, const courses::CourseRun& run,
                                                  const courses::Course& course, const Rendered& r) {
  // Everything the dates depend on, not only the update times (two changes
  // may fall in the same millisecond).
  std::string key = std::to_string(run.updated_at_ms) + "/" + std::to_string(course.updated_at_ms) + "/" +
                    course.settings.pacing + "/" + run.time_zone + "/" +
                    (run.starts_at_ms ? std::to_string(*run.starts_at_ms) : "-") + "/" + r.course_id + "/" +
                    std::to_string(r.version);
  if (run.schedule)
    key += "/" + run.schedule->time_zone + "/" + run.schedule->weekday + "/" + run.schedule->local_time + "/" +
           run.schedule->first_date;
  if (auto hit = p.cache.times(run.id); hit && hit->key == key) return hit;
  TRV_ASSIGN(auto overrides, overrides_of(p, run.id));
  const bool scheduled = course.settings.pacing == "scheduled" && run.schedule.has_value();
  auto t = std::make_shared<RunTimes>();
  t->key = key;
  for (size_t i = 0; i < r.modules.size(); ++i) {
    std::optional<int64_t> at = release_of(p, run, scheduled, *overrides, r.modules[i], i);
    t->at.push_back(at);
    t->utc.push_back(at ? quoted(format_rfc3339(*at)) : "null");
    auto local = at ? p.courses.format_local(*at, run.time_zone) : Result<std::string>(std::string());
    t->local.push_back(at && local ? quoted(*local) : "null");
  }
  std::shared_ptr<const RunTimes> shared = std::move(t);
  p.cache.put_times(run.id, shared);
  return shared;
}

}  // namespace

Result<std::string> Service::run_outline_json(const std::string& run_id, const std::optional<std::string>& time_zone) {
  Impl& p = *impl_;
  TRV_ASSIGN(courses::CourseRun run, p.courses.get_run(run_id));
  TRV_ASSIGN(courses::Course course, p.courses.get_course(run.course_id));
  const std::string tz = time_zone.value_or(run.time_zone);
  if (time_zone && !p.courses.format_local(0, tz)) return invalid("tz", "unknown", "Not a known IANA time zone.");
  TRV_ASSIGN(Effective e, p.effective(course, run.pinned_version));
  std::string out =
      "{\"run_id\":" + quoted(run.id) + ",\"course_id\":" + quoted(course.id) + ",\"time_zone\":" + quoted(tz);
  if (e.version == 0) return out + ",\"content_course_id\":null,\"version\":null,\"modules\":[]}";
  TRV_ASSIGN(auto r, p.rendered(e));
  TRV_ASSIGN(auto t, times_for(p, run, course, *r));
  const int64_t now = p.clock.now_ms();
  // Reserved at once: a large outline (tens of KB) would otherwise be
  // copied at every doubling.
  size_t size = out.size() + 128;
  for (size_t i = 0; i < r->modules.size(); ++i) {
    const RenderedModule& m = r->modules[i];
    size += m.head.size() + std::max(m.full_tail.size(), m.locked_tail.size()) + t->utc[i].size() +
            t->local[i].size() + 96;
  }
  out.reserve(size);
  out +=
      ",\"content_course_id\":" + quoted(e.course_id) + ",\"version\":" + std::to_string(e.version) + ",\"modules\":[";
  for (size_t i = 0; i < r->modules.size(); ++i) {
    const RenderedModule& m = r->modules[i];
    const bool released = !t->at[i] || *t->at[i] <= now;
    if (i) out += ',';
    out += m.head;
    out += "\"release_at\":";
    out += t->utc[i];
    out += ",\"release_at_local\":";
    if (tz == run.time_zone || !t->at[i]) {
      out += t->local[i];
    } else {
      auto local = p.courses.format_local(*t->at[i], tz);
      out += local ? quoted(*local) : "null";
    }
    out += released ? ",\"released\":true," : ",\"released\":false,";
    out += released ? m.full_tail : m.locked_tail;
  }
  out += "]}";
  return out;
}

Result<RunContent> Service::run_content(const std::string& run_id) {
  Impl& p = *impl_;
  TRV_ASSIGN(courses::CourseRun run, p.courses.get_run(run_id));
  TRV_ASSIGN(courses::Course course, p.courses.get_course(run.course_id));
  TRV_ASSIGN(Effective e, p.effective(course, run.pinned_version));
  RunContent out;
  out.run_id = run.id;
  out.course_id = course.id;
  out.content_course_id = e.course_id;
  out.source_course_id = course.content_source_course_id;
  out.version = e.version;
  if (e.version == 0) {
    out.modules = std::make_shared<const std::vector<ContentModule>>();
    return out;
  }
  TRV_ASSIGN(auto r, p.rendered(e));
  TRV_ASSIGN(auto t, times_for(p, run, course, *r));
  out.modules = r->content;
  out.release_at = t->at;
  return out;
}

Result<void> Service::set_release(const Actor& actor, const std::string& run_id, const std::string& module_id,
                                  int64_t release_at_ms) {
  Impl& p = *impl_;
  TRV_ASSIGN(courses::CourseRun run, p.courses.get_run(run_id));
  TRV_ASSIGN(courses::Course course, p.courses.get_course(run.course_id));
  std::set<std::string> known;
  TRV_ASSIGN(Effective e, p.effective(course, run.pinned_version));
  if (e.version > 0) {
    TRV_ASSIGN(auto r, p.rendered(e));
    for (const RenderedModule& m : r->modules) known.insert(m.id);
  }
  TRV_TRY(p.store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(DraftState d, load_draft(tx, course.id, course.content_source_course_id));
    for (const Module& m : d.modules) known.insert(m.id);
    if (!known.count(module_id)) return fail(ErrorKind::NotFound, "No such module in this run's course.");
    TRV_TRY(upsert_release(tx, run.id, module_id, release_at_ms));
    audit::Event ev = p.event(actor, "outline.release_set", course, "run", run.id);
    ev.detail_json = bj::serialize(
        bj::object{{"course_id", course.id}, {"module_id", module_id}, {"release_at", format_rfc3339(release_at_ms)}});
    return p.audit.record(tx, ev);
  }));
  p.cache.forget_run(run.id);
  return ok();
}

Result<void> Service::clear_release(const Actor& actor, const std::string& run_id, const std::string& module_id) {
  Impl& p = *impl_;
  TRV_ASSIGN(courses::CourseRun run, p.courses.get_run(run_id));
  TRV_ASSIGN(courses::Course course, p.courses.get_course(run.course_id));
  TRV_TRY(p.store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(int64_t n, delete_release(tx, run.id, module_id));
    if (n == 0) return fail(ErrorKind::NotFound, "This run has no explicit release date for that module.");
    audit::Event ev = p.event(actor, "outline.release_cleared", course, "run", run.id);
    ev.detail_json = bj::serialize(bj::object{{"course_id", course.id}, {"module_id", module_id}});
    return p.audit.record(tx, ev);
  }));
  p.cache.forget_run(run.id);
  return ok();
}

}  // namespace trivium::outline
