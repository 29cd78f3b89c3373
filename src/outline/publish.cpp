// Publications: the draft becomes version N+1, one immutable JSON document
// written in one transaction with its audit event, so a reader sees either
// the previous version or the whole new one. Each block is checked again
// and published with what a client needs to show it (blocks.cpp): a file
// it names may have been deleted since the edit, and then the publication
// is refused (Invalid, naming the block).

#include <boost/json/serialize.hpp>
#include <set>

#include "outline/impl.h"

namespace trivium::outline {

namespace {

// Edits racing a publication make it render the draft again, this many
// times at most before it gives up with a Conflict.
constexpr int kPublishAttempts = 3;

// Prerequisites of modules no longer in the outline (removed after a shared
// module named them) are dropped from the published version.
void drop_dangling(std::vector<Module>& modules) {
  std::set<std::string> ids;
  for (const Module& m : modules) ids.insert(m.id);
  for (Module& m : modules) std::erase_if(m.prerequisites, [&ids](const std::string& p) { return !ids.count(p); });
}

}  // namespace

Result<VersionInfo> Service::publish(const Actor& actor, const std::string& course_id) {
  Impl& p = *impl_;
  TRV_ASSIGN(courses::Course course, p.courses.get_course(course_id));
  for (int attempt = 1;; ++attempt) {
    // The blocks are rendered outside the write transaction, because looking
    // up their files reads the store (and db::Store::write forbids waiting
    // on anything else); the transaction then publishes the rendering only
    // if the draft is still the one it was made from.
    Outline o{course.id, {}};
    TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
      TRV_ASSIGN(DraftState d, load_draft(tx, course.id, course.content_source_course_id));
      o.modules = std::move(d.modules);
      return ok();
    }));
    drop_dangling(o.modules);
    const std::string rendered_from = bj::serialize(outline_json(o, nullptr));
    FileScope files(p.courses, course.id, course.content_source_course_id);
    TRV_ASSIGN(BlockExtras extras, publish_members(o, files, p.courses.peertube_hosts));
    bj::object doc = outline_json(o, &extras);

    VersionInfo info{course.id, 0, p.clock.now_ms(), actor.user_id};
    bool draft_moved = false;
    auto written = p.store.write([&](db::Tx& tx) -> Result<void> {
      TRV_ASSIGN(DraftState d, load_draft(tx, course.id, course.content_source_course_id));
      Outline now{course.id, std::move(d.modules)};
      drop_dangling(now.modules);
      if (bj::serialize(outline_json(now, nullptr)) != rendered_from) {
        draft_moved = true;
        return fail(ErrorKind::Conflict, "The draft changed while it was being published; retry.");
      }
      TRV_ASSIGN(int latest, latest_version(tx, course.id));
      info.version = latest + 1;
      doc["version"] = info.version;
      doc["published_at"] = format_rfc3339(info.published_at_ms);
      TRV_TRY(insert_version(tx, info, bj::serialize(doc)));
      audit::Event e = p.event(actor, "outline.published", course, "course", course.id);
      e.detail_json = bj::serialize(bj::object{{"course_id", course.id}, {"version", info.version}});
      return p.audit.record(tx, e);
    });
    if (!written) {
      if (draft_moved && attempt < kPublishAttempts) continue;
      if (db::is_unique_violation(written.error()))
        return fail(ErrorKind::Conflict, "Another publication of this course took this version number; retry.");
      return written.failure();
    }
    p.cache.forget_course(course.id);
    return info;
  }
}

Result<std::vector<VersionInfo>> Service::versions(const std::string& course_id) {
  TRV_ASSIGN(courses::Course course, impl_->courses.get_course(course_id));
  std::vector<VersionInfo> out;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(out, list_versions(tx, course.id));
    return ok();
  }));
  return out;
}

Result<std::pair<VersionInfo, std::string>> Service::version(const std::string& course_id, int version) {
  TRV_ASSIGN(courses::Course course, impl_->courses.get_course(course_id));
  std::pair<VersionInfo, std::string> out;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(auto found, find_version(tx, course.id, version));
    if (!found) return fail(ErrorKind::NotFound, "No such version of this course.");
    out = std::move(*found);
    return ok();
  }));
  return out;
}

}  // namespace trivium::outline
