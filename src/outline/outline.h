// A course's structure and its publication: modules (sections, weeks) made
// of units made of blocks, edited by authors in a draft and published as
// immutable, numbered versions that learners read.
//
// A derived SPOC (courses::Course::content_source_course_id) shares its
// source course's content: its draft shows the source's latest published
// modules until one of its authors changes a module or anything inside it;
// that module is then copied (with the same ids) into the SPOC's own draft
// (copy-on-write per module). A SPOC without a publication of its own shows
// its learners the source's latest publication.
//
// Published outlines are served from memory: a rendered form per (course,
// version) is kept in an in-process cache and only the per-run part (release
// dates and flags) is applied per request. The service never checks roles:
// the routes name capabilities (capabilities()) and the policy decides.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "audit/audit.h"
#include "authz/authz.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/http.h"
#include "core/result.h"
#include "courses/courses.h"
#include "courses/model.h"
#include "outline/model.h"

namespace trivium::outline {

// What the outline needs from the courses and files modules, as functions
// the app wires to their services (course_lookup below, then the file ports),
// so that this module's tests run without their implementations.
struct CourseLookup {
  std::function<Result<courses::Course>(const std::string& course_id)> get_course;
  std::function<Result<courses::CourseRun>(const std::string& run_id)> get_run;
  std::function<Result<int64_t>(const courses::WeeklySchedule& schedule, int index)> weekly_release;
  std::function<Result<std::string>(int64_t utc_ms, const std::string& time_zone)> format_local;
  // A file of `course_id` by id, or by name (when several files share a
  // name, the newest). nullopt for no such file in that course; an error
  // only when the lookup itself failed. Unset: every file is unknown.
  std::function<Result<std::optional<FileInfo>>(const std::string& course_id, const std::string& file_id)> file;
  std::function<Result<std::optional<FileInfo>>(const std::string& course_id, const std::string& name)> file_by_name;
  // The settings of an assessment block (a quiz), checked by the module that
  // runs it against the banks of `courses` (the course, then its content
  // source): Invalid with fields under "settings/". Unset: kept as given.
  std::function<Result<void>(const std::vector<std::string>& courses, const std::string& type,
                             const std::string& settings_json)>
      check_assessment;
  // PeerTube instances (lower-case host names) whose videos embed blocks may
  // show; YouTube and Vimeo are always allowed.
  std::vector<std::string> peertube_hosts;
};

// The wiring the app uses for the courses part; the app adds the file ports
// and the PeerTube hosts.
inline CourseLookup course_lookup(courses::Service& service) {
  CourseLookup lookup;
  lookup.get_course = [&service](const std::string& id) { return service.get_course(id); };
  lookup.get_run = [&service](const std::string& id) { return service.get_run(id); };
  lookup.weekly_release = [](const courses::WeeklySchedule& s, int i) { return courses::weekly_release(s, i); };
  lookup.format_local = [](int64_t ms, const std::string& tz) { return courses::format_local(ms, tz); };
  return lookup;
}

// A run's published content as structure, for the modules that follow
// learners through it (progress): blocks carry their settings and the JSON
// object learners read (with rendered HTML, media and embed data).
struct ContentBlock {
  std::string id;
  std::string type;
  std::string title;
  std::string settings_json;
  std::string json;  // the published block object
};

struct ContentUnit {
  std::string id;
  std::string title;
  std::vector<ContentBlock> blocks;
};

struct ContentModule {
  std::string id;
  std::string title;
  std::vector<std::string> prerequisites;
  std::vector<ContentUnit> units;
};

struct RunContent {
  std::string run_id;
  std::string course_id;          // the run's course
  std::string content_course_id;  // whose publication it reads (a SPOC may read its source's)
  // A derived SPOC's source course, whose files its blocks may name.
  std::optional<std::string> source_course_id;
  int version = 0;                // 0: nothing published yet (no modules)
  // Shared with the outline cache: a published version never changes.
  std::shared_ptr<const std::vector<ContentModule>> modules;
  // Per module, in order: when it opens in this run (nullopt: open).
  std::vector<std::optional<int64_t>> release_at;
};

class Service {
 public:
  Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, CourseLookup courses);
  ~Service();

  // The draft as its authors see it (for a derived SPOC: its own modules
  // merged with the source's shared ones, which carry `shared_from`).
  Result<Outline> draft(const std::string& course_id);

  // Draft editing. Every id is looked up within `course_id`: an id of
  // another course is NotFound (AC-02). In a derived SPOC, changing a shared
  // module or anything in it first copies that module into the SPOC.
  // Prerequisites must be modules of the same course without a cycle
  // (Invalid, code "cycle").
  Result<Module> add_module(const Actor& actor, const std::string& course_id, const NewModule& in);
  Result<Module> update_module(const Actor& actor, const std::string& course_id, const std::string& module_id,
                               const ModuleChange& change);
  Result<void> delete_module(const Actor& actor, const std::string& course_id, const std::string& module_id);
  Result<Unit> add_unit(const Actor& actor, const std::string& course_id, const std::string& module_id,
                        const NewUnit& in);
  Result<Unit> update_unit(const Actor& actor, const std::string& course_id, const std::string& unit_id,
                           const UnitChange& change);
  Result<void> delete_unit(const Actor& actor, const std::string& course_id, const std::string& unit_id);
  Result<Block> add_block(const Actor& actor, const std::string& course_id, const std::string& unit_id,
                          const NewBlock& in);
  Result<Block> update_block(const Actor& actor, const std::string& course_id, const std::string& block_id,
                             const BlockChange& change);
  Result<void> delete_block(const Actor& actor, const std::string& course_id, const std::string& block_id);

  // Publishes the draft as version N+1 in one transaction (the snapshot and
  // its audit event); Conflict if another publication took the number.
  Result<VersionInfo> publish(const Actor& actor, const std::string& course_id);
  // Newest first.
  Result<std::vector<VersionInfo>> versions(const std::string& course_id);
  // One version with its snapshot as JSON text.
  Result<std::pair<VersionInfo, std::string>> version(const std::string& course_id, int version);

  // Module and unit titles of the latest publication, for the catalog page
  // (JSON text).
  Result<std::string> syllabus_json(const std::string& course_id);

  // A learner's view of a run (JSON text): the pinned or latest publication
  // with, per module, its release date (UTC and local to `time_zone`, by
  // default the run's), `released` and `prerequisites`; the units of an
  // unreleased module come without their blocks. Blocks appear by id, type
  // and title only: their content is read through the progress module's
  // block route (locks applied), and a learner's progress through its
  // progress route.
  Result<std::string> run_outline_json(const std::string& run_id, const std::optional<std::string>& time_zone);

  // The same view as structure: modules with prerequisites, release dates
  // and their published blocks (served from the cache).
  Result<RunContent> run_content(const std::string& run_id);

  // A run's explicit release date of a module, over the schedule.
  Result<void> set_release(const Actor& actor, const std::string& run_id, const std::string& module_id,
                           int64_t release_at_ms);
  Result<void> clear_release(const Actor& actor, const std::string& run_id, const std::string& module_id);

  // The state behind the service (impl.h), named here so that the service's
  // files can share helpers over it.
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

std::vector<authz::Capability> capabilities();
void register_routes(http::Router& router, Service& service);

}  // namespace trivium::outline
