// The state behind outline::Service, shared by its files (draft.cpp,
// publish.cpp, view.cpp): the collaborators and the in-process caches of
// published outlines.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "outline/internal.h"

namespace trivium::outline {

// One published module, rendered once: the learner view is these fragments
// with the per-run fields (release_at, released) spliced in between.
struct RenderedModule {
  std::string id;
  std::optional<int> release_week;
  std::string head;         // {"id":..,"title":..,"position":..,"prerequisites":[..],
  std::string full_tail;    // "units":[ ...with blocks... ]}
  std::string locked_tail;  // "units":[ ...titles only... ]}
};

// A published version of one course, rendered.
struct Rendered {
  std::string course_id;
  int version = 0;
  std::vector<RenderedModule> modules;
  std::string syllabus_modules;  // [{"id","title","units":[{"id","title"}]}]
  std::shared_ptr<const std::vector<ContentModule>> content;
};

// Release dates of one run over one rendered version, valid while the run,
// its course and its overrides stay as they were when computed.
struct RunTimes {
  std::string key;
  std::vector<std::optional<int64_t>> at;
  std::vector<std::string> utc;    // JSON values: "..." or null
  std::vector<std::string> local;  // in the run's zone
};

// Published versions never change, so an entry keyed by (course, version)
// is never stale; what moves is the latest version number of a course,
// forgotten by each publication and re-read after a short time otherwise
// (another process may have published on a shared PostgreSQL store).
class OutlineCache {
 public:
  static constexpr int64_t kLatestTtlMs = 2000;
  static constexpr size_t kMaxEntries = 4096;

  std::shared_ptr<const Rendered> rendered(const std::string& course_id, int version);
  void put(std::shared_ptr<const Rendered> r);
  std::optional<int> latest(const std::string& course_id, int64_t now);
  void put_latest(const std::string& course_id, int version, int64_t now);
  std::shared_ptr<const std::map<std::string, int64_t>> overrides(const std::string& run_id);
  void put_overrides(const std::string& run_id, std::map<std::string, int64_t> o);
  std::shared_ptr<const RunTimes> times(const std::string& run_id);
  void put_times(const std::string& run_id, std::shared_ptr<const RunTimes> t);

  // After a publication of `course_id`.
  void forget_course(const std::string& course_id);
  // After a change of a run's overrides.
  void forget_run(const std::string& run_id);

 private:
  std::mutex mu_;
  std::map<std::pair<std::string, int>, std::shared_ptr<const Rendered>> rendered_;
  std::map<std::string, std::pair<int, int64_t>> latest_;  // course -> (version, read at)
  std::map<std::string, std::shared_ptr<const std::map<std::string, int64_t>>> overrides_;
  std::map<std::string, std::shared_ptr<const RunTimes>> times_;
};

// The published content a run or a course page shows: which course's
// publications (a SPOC without its own reads its source's) and which one.
struct Effective {
  std::string course_id;
  int version = 0;  // 0: nothing published
};

struct Service::Impl {
  Impl(db::Store& s, const Clock& c, audit::AuditLog& a, CourseLookup l)
      : store(s), clock(c), audit(a), courses(std::move(l)) {}

  db::Store& store;
  const Clock& clock;
  audit::AuditLog& audit;
  CourseLookup courses;
  OutlineCache cache;

  audit::Event event(const Actor& actor, std::string action, const courses::Course& course, std::string target_kind,
                     std::string target_id) const;
  // Loads the draft in a write transaction, lets `fn` change it, and records
  // the audit event `action` on the target `fn` names.
  Result<void> edit(const Actor& actor, const std::string& course_id, const std::string& action,
                    const std::function<Result<void>(db::Tx&, DraftState&, int64_t, std::string& target)>& fn);

  // The draft as it stands, read outside any edit.
  Result<DraftState> current(const std::string& course_id);
  Result<int> latest(const std::string& course_id);
  Result<Effective> effective(const courses::Course& course, std::optional<int> pinned);
  Result<std::shared_ptr<const Rendered>> rendered(const Effective& e);
};

// Builds the rendered form of a stored snapshot.
Result<std::shared_ptr<const Rendered>> render_snapshot(const std::string& course_id, int version,
                                                        const std::string& json);

}  // namespace trivium::outline
