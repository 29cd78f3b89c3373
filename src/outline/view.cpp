// What learners and visitors read: published outlines served from memory.
// A version is rendered once into JSON fragments per module; a run's view
// adds its release dates (computed once per run and version, recomputed
// when the run, its course or its overrides change) between the fragments.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "outline/impl.h"

namespace trivium::outline {

// --- The cache -------------------------------------------------------------

std::shared_ptr<const Rendered> OutlineCache::rendered(const std::string& course_id, int version) {
  std::lock_guard lock(mu_);
  auto it = rendered_.find({course_id, version});
  return it == rendered_.end() ? nullptr : it->second;
}

void OutlineCache::put(std::shared_ptr<const Rendered> r) {
  std::lock_guard lock(mu_);
  if (rendered_.size() >= kMaxEntries) rendered_.clear();
  rendered_[{r->course_id, r->version}] = std::move(r);
}

std::optional<int> OutlineCache::latest(const std::string& course_id, int64_t now) {
  std::lock_guard lock(mu_);
  auto it = latest_.find(course_id);
  if (it == latest_.end() || now - it->second.second > kLatestTtlMs) return std::nullopt;
  return it->second.first;
}

void OutlineCache::put_latest(const std::string& course_id, int version, int64_t now) {
  std::lock_guard lock(mu_);
  if (latest_.size() >= kMaxEntries) latest_.clear();
  latest_[course_id] = {version, now};
}

std::shared_ptr<const std::map<std::string, int64_t>> OutlineCache::overrides(const std::string& run_id) {
  std::lock_guard lock(mu_);
  auto it = overrides_.find(run_id);
  return it == overrides_.end() ? nullptr : it->second;
}

void OutlineCache::put_overrides(const std::string& run_id, std::map<std::string, int64_t> o) {
  std::lock_guard lock(mu_);
  if (overrides_.size() >= kMaxEntries) overrides_.clear();
  overrides_[run_id] = std::make_shared<const std::map<std::string, int64_t>>(std::move(o));
}

std::shared_ptr<const RunTimes> OutlineCache::times(const std::string& run_id) {
  std::lock_guard lock(mu_);
  auto it = times_.find(run_id);
  return it == times_.end() ? nullptr : it->second;
}

void OutlineCache::put_times(const std::string& run_id, std::shared_ptr<const RunTimes> t) {
  std::lock_guard lock(mu_);
  if (times_.size() >= kMaxEntries) times_.clear();
  times_[run_id] = std::move(t);
}

void OutlineCache::forget_course(const std::string& course_id) {
  std::lock_guard lock(mu_);
  latest_.clear();  // derived SPOCs follow their source's latest too
  for (auto it = rendered_.begin(); it != rendered_.end();)
    it = it->first.first == course_id ? rendered_.erase(it) : std::next(it);
}

void OutlineCache::forget_run(const std::string& run_id) {
  std::lock_guard lock(mu_);
  overrides_.erase(run_id);
  times_.erase(run_id);
}

// --- Rendering -------------------------------------------------------------

namespace {

std::string text(const bj::object& o, std::string_view key) {
  return std::string(o.at(key).as_string());
}

ContentModule content_module(const bj::object& m) {
  ContentModule out;
  out.id = text(m, "id");
  out.title = text(m, "title");
  for (const bj::value& p : m.at("prerequisites").as_array()) out.prerequisites.emplace_back(p.as_string());
  for (const bj::value& uv : m.at("units").as_array()) {
    const bj::object& u = uv.as_object();
    ContentUnit unit{text(u, "id"), text(u, "title"), {}};
    for (const bj::value& bv : u.at("blocks").as_array()) {
      const bj::object& b = bv.as_object();
      unit.blocks.push_back(ContentBlock{text(b, "id"), text(b, "type"), text(b, "title"),
                                         bj::serialize(b.at("settings")), bj::serialize(b)});
    }
    out.units.push_back(std::move(unit));
  }
  return out;
}

}  // namespace

Result<std::shared_ptr<const Rendered>> render_snapshot(const std::string& course_id, int version,
                                                        const std::string& json) {
  auto r = std::make_shared<Rendered>();
  r->course_id = course_id;
  r->version = version;
  try {
    bj::value doc = bj::parse(json);
    bj::array syllabus;
    auto content = std::make_shared<std::vector<ContentModule>>();
    size_t index = 0;
    for (const bj::value& mv : doc.at("modules").as_array()) {
      const bj::object& m = mv.as_object();
      RenderedModule out;
      out.id = std::string(m.at("id").as_string());
      if (const bj::value* w = m.if_contains("release_week"); w && !w->is_null())
        out.release_week = static_cast<int>(w->to_number<int64_t>());
      out.head = "{\"id\":" + bj::serialize(m.at("id")) + ",\"title\":" + bj::serialize(m.at("title")) +
                 ",\"position\":" + std::to_string(index++) +
                 ",\"prerequisites\":" + bj::serialize(m.at("prerequisites")) + ",";
      bj::array titles;
      // A run's outline is the map of the content: blocks by id, type and
      // title. What a block holds (text, media, files) is read through the
      // run's block route, which applies the locks of release dates and
      // prerequisites and serves the files through the run.
      bj::array units;
      for (const bj::value& u : m.at("units").as_array()) {
        titles.push_back(bj::object{{"id", u.at("id")}, {"title", u.at("title")}});
        bj::array blocks;
        for (const bj::value& b : u.at("blocks").as_array())
          blocks.push_back(bj::object{{"id", b.at("id")}, {"type", b.at("type")}, {"title", b.at("title")}});
        units.push_back(bj::object{{"id", u.at("id")}, {"title", u.at("title")}, {"blocks", std::move(blocks)}});
      }
      out.full_tail = "\"units\":" + bj::serialize(units) + "}";
      out.locked_tail = "\"units\":" + bj::serialize(titles) + "}";
      syllabus.push_back(bj::object{{"id", m.at("id")}, {"title", m.at("title")}, {"units", std::move(titles)}});
      content->push_back(content_module(m));
      r->modules.push_back(std::move(out));
    }
    r->syllabus_modules = bj::serialize(syllabus);
    r->content = std::move(content);
  } catch (const std::exception& e) {
    return fail(ErrorKind::Internal, std::string("a stored outline is not readable: ") + e.what());
  }
  return std::shared_ptr<const Rendered>(std::move(r));
}

Result<int> Service::Impl::latest(const std::string& course_id) {
  const int64_t now = clock.now_ms();
  if (auto v = cache.latest(course_id, now)) return *v;
  int version = 0;
  TRV_TRY(store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(version, latest_version(tx, course_id));
    return ok();
  }));
  cache.put_latest(course_id, version, now);
  return version;
}

Result<Effective> Service::Impl::effective(const courses::Course& course, std::optional<int> pinned) {
  if (pinned) return Effective{course.id, *pinned};
  TRV_ASSIGN(int own, latest(course.id));
  if (own > 0 || !course.content_source_course_id) return Effective{course.id, own};
  TRV_ASSIGN(int shared, latest(*course.content_source_course_id));
  return Effective{*course.content_source_course_id, shared};
}

Result<std::shared_ptr<const Rendered>> Service::Impl::rendered(const Effective& e) {
  if (auto hit = cache.rendered(e.course_id, e.version)) return hit;
  std::optional<std::string> json;
  TRV_TRY(store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(json, version_json(tx, e.course_id, e.version));
    return ok();
  }));
  if (!json) return fail(ErrorKind::NotFound, "Version " + std::to_string(e.version) + " is not published.");
  TRV_ASSIGN(auto r, render_snapshot(e.course_id, e.version, *json));
  cache.put(r);
  return r;
}

Result<std::string> Service::syllabus_json(const std::string& course_id) {
  TRV_ASSIGN(courses::Course course, impl_->courses.get_course(course_id));
  TRV_ASSIGN(Effective e, impl_->effective(course, std::nullopt));
  std::string out = "{\"course_id\":" + bj::serialize(bj::value(course.id));
  if (e.version == 0) return out + ",\"content_course_id\":null,\"version\":null,\"modules\":[]}";
  TRV_ASSIGN(auto r, impl_->rendered(e));
  out += ",\"content_course_id\":" + bj::serialize(bj::value(e.course_id));
  out += ",\"version\":" + std::to_string(e.version) + ",\"modules\":" + r->syllabus_modules + "}";
  return out;
}

}  // namespace trivium::outline
