// Test support for the outline tests (not part of the library): a migrated
// store (SQLite, or PostgreSQL when TRIVIUM_TEST_PG_URL is set; that
// database is wiped), the service wired to in-memory stand-ins for the
// courses service (courses, runs) and the files service (files_) plus the
// real calendar functions, and the organisation, course and run rows the
// foreign keys need seeded straight into their tables (tests only; the
// module never reads them).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json/parse.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/test_store.h"

#include "outline/outline.h"

namespace trivium::outline::testing {

namespace bj = boost::json;

template <typename T>
T must(Result<T> r) {
  EXPECT_TRUE(r) << (r ? "" : r.error().detail + (r.error().fields.empty() ? "" : " " + r.error().fields[0].field));
  if (!r) throw std::runtime_error("unexpected failure");
  return std::move(r).value();
}

class OutlineFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/trivium-outline-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store_ = trivium::testing::open_test_store(dir_ + "/outline.db");
    ASSERT_TRUE(store_);
    audit_ = std::make_unique<audit::AuditLog>(*store_, clock_);
    CourseLookup lookup;
    lookup.get_course = [this](const std::string& id) -> Result<courses::Course> {
      auto it = courses_.find(id);
      if (it == courses_.end()) return fail(ErrorKind::NotFound, "No such course.");
      return it->second;
    };
    lookup.get_run = [this](const std::string& id) -> Result<courses::CourseRun> {
      auto it = runs_.find(id);
      if (it == runs_.end()) return fail(ErrorKind::NotFound, "No such run.");
      return it->second;
    };
    lookup.weekly_release = [](const courses::WeeklySchedule& s, int i) { return courses::weekly_release(s, i); };
    lookup.format_local = [](int64_t ms, const std::string& tz) { return courses::format_local(ms, tz); };
    lookup.file = [this](const std::string& course_id, const std::string& file_id) -> Result<std::optional<FileInfo>> {
      ++file_lookups_;
      if (files_fail_) return fail(ErrorKind::Unavailable, "The file store is down.");
      for (const FileInfo& f : files_)
        if (f.course_id == course_id && f.id == file_id) return std::optional<FileInfo>(f);
      return std::optional<FileInfo>{};
    };
    lookup.file_by_name = [this](const std::string& course_id,
                                 const std::string& name) -> Result<std::optional<FileInfo>> {
      ++file_lookups_;
      if (files_fail_) return fail(ErrorKind::Unavailable, "The file store is down.");
      std::optional<FileInfo> newest;
      for (const FileInfo& f : files_)
        if (f.course_id == course_id && f.name == name) newest = f;
      return newest;
    };
    lookup.peertube_hosts = {"peertube.example.org"};
    service_ = std::make_unique<Service>(*store_, clock_, *audit_, std::move(lookup));
    exec(
        "INSERT INTO organisations (id, slug, name, kind, created_at, updated_at) "
        "VALUES ('org-1', 'acme', 'Acme', 'company', 0, 0)",
        {});
  }

  void TearDown() override {
    service_.reset();
    if (store_) store_->close();
    std::filesystem::remove_all(dir_);
  }

  void exec(std::string_view sql, std::initializer_list<db::Param> params) {
    auto r = store_->write([&](db::Tx& tx) -> Result<void> {
      TRV_TRY(tx.exec(sql, params));
      return ok();
    });
    ASSERT_TRUE(r) << (r ? "" : r.error().detail);
  }

  courses::Course& make_course(const std::string& slug, std::optional<std::string> source = std::nullopt,
                               std::string pacing = "self_paced") {
    courses::Course c;
    c.id = "c-" + slug;
    c.organisation_id = "org-1";
    c.slug = slug;
    c.title = "Course " + slug;
    c.form = source ? "spoc" : "mooc";
    c.settings.pacing = pacing;
    c.content_source_course_id = source;
    exec(
        "INSERT INTO courses (id, organisation_id, slug, title, summary, description_md, description_html, "
        "language, skills_json, authors_json, form, visibility, enrolment_policy, pacing, completion_modules_json, "
        "content_source_course_id, created_by, created_at, updated_at) VALUES ($1, 'org-1', $2, $3, '', '', '', "
        "'en', '[]', '[]', $4, 'public', 'open', $5, '[]', $6, 'u-author', 0, 0)",
        {c.id, slug, c.title, c.form, pacing, source});
    return courses_[c.id] = c;
  }

  courses::CourseRun& make_run(const std::string& name, const courses::Course& course,
                               std::optional<courses::WeeklySchedule> schedule = std::nullopt,
                               std::string time_zone = "UTC") {
    courses::CourseRun r;
    r.id = "r-" + name;
    r.course_id = course.id;
    r.title = name;
    r.time_zone = time_zone;
    r.schedule = schedule;
    exec(
        "INSERT INTO course_runs (id, course_id, title, time_zone, created_by, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, 'u-author', 0, 0)",
        {r.id, course.id, name, time_zone});
    return runs_[r.id] = r;
  }

  // A course file as the files module would report it (uploaded in order:
  // of two files with one name, the later is the newer).
  FileInfo add_file(const courses::Course& course, const std::string& name, const std::string& media_type,
                    int64_t size = 1000) {
    FileInfo f{"f-" + std::to_string(files_.size() + 1), course.id, name, media_type, size};
    files_.push_back(f);
    return f;
  }
  void remove_file(const std::string& id) {
    std::erase_if(files_, [&id](const FileInfo& f) { return f.id == id; });
  }

  // The run's learner view, parsed.
  bj::object view(const std::string& run_id, std::optional<std::string> tz = std::nullopt) {
    return bj::parse(must(service_->run_outline_json(run_id, tz))).as_object();
  }

  std::string dir_;
  ManualClock clock_{1'800'000'000'000};  // 2027-01-15
  std::unique_ptr<db::Store> store_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<Service> service_;
  std::map<std::string, courses::Course> courses_;
  std::map<std::string, courses::CourseRun> runs_;
  Actor author_{"u-author", "203.0.113.7", "req-test"};
  std::vector<FileInfo> files_;
  bool files_fail_ = false;  // every file lookup fails (the files service is down)
  int file_lookups_ = 0;
};

}  // namespace trivium::outline::testing
