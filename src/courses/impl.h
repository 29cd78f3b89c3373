// The state behind courses::Service, shared by its implementation files
// (internal to the module).
#pragma once

#include <atomic>
#include <boost/json/object.hpp>
#include <mutex>
#include <unordered_map>

#include "courses/internal.h"

namespace trivium::courses {

struct Service::Impl {
  db::Store& store;
  const Clock& clock;
  audit::AuditLog& audit;
  orgs::Service& orgs;

  // The anonymous catalog cache (see Service::cached_catalog_page).
  struct CachedPage {
    uint64_t generation = 0;
    int64_t expires_at_ms = 0;
    std::shared_ptr<const std::string> body;
  };
  static constexpr size_t kMaxCachedPages = 4096;
  std::atomic<uint64_t> generation{1};
  std::mutex cache_mu;
  std::unordered_map<std::string, CachedPage> pages;

  // Every write goes through here: it also retires the cached catalog.
  template <typename F>
  Result<void> write(F&& f) {
    auto r = store.write(std::forward<F>(f));
    generation.fetch_add(1, std::memory_order_acq_rel);
    return r;
  }

  audit::Event event(const Actor& actor, std::string action, const std::string& org_id, std::string kind,
                     std::string id, const boost::json::object& detail) const;
  // Invalid unless every id is a department of the organisation (AC-02).
  Result<void> check_departments(const std::string& org_id, const std::vector<std::string>& ids);
  // Validates and stores a new course, its creator as author, and
  // optionally its first run with a trainer, in one transaction.
  Result<Course> insert_course(const Actor& actor, Course c, const std::optional<CourseRun>& run,
                               const std::optional<std::string>& trainer, CourseRun* run_out);
};

// A user's standing in one organisation, for visibility decisions.
struct Standing {
  bool member = false;
  bool admin = false;
  // The user's departments and every department above them: a course
  // restricted to a department is visible to its teams' members too.
  std::vector<std::string> departments;
};
Result<Standing> standing_in(orgs::Service& orgs, const std::string& user_id, const std::string& org_id);

// Whether a course's visibility lets the user see it (staff roles aside).
Result<bool> visible_by_settings(orgs::Service& orgs, const Course& c, const std::string& user_id);

}  // namespace trivium::courses
