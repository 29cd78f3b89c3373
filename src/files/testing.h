// Test support for the files module (not part of the library): a migrated
// store with two organisations and three courses, a disk store and a
// service in a temporary data folder, and small files of each kind.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "core/clock.h"
#include "core/ids.h"
#include "core/test_store.h"
#include "files/internal.h"

namespace trivium::files::testing {

// course id -> organisation id, as the courses module would answer.
inline const std::map<std::string, std::string> kCourses = {
    {"course-1", "org-1"}, {"course-2", "org-1"}, {"course-3", "org-2"}};

// Starts like an MP4 (an ISO base media "ftyp" box), then filler.
inline std::string mp4_bytes(size_t size) {
  std::string s(
      "\x00\x00\x00\x18"
      "ftypisom"
      "\x00\x00\x02\x00"
      "isomiso2",
      24);
  s += std::string(
      "\x00\x00\x00\x10"
      "mdat",
      8);
  while (s.size() < size) s += static_cast<char>(s.size() * 7919 % 251);
  s.resize(size);
  return s;
}

// A 1x1 GIF.
inline std::string gif_bytes() {
  static const unsigned char k[] = {'G', 'I',  'F',  '8',  '9', 'a',  1, 0, 1, 0,   0x80, 0, 0,   0, 0,
                                    0,   0xff, 0xff, 0xff, '!', 0xf9, 4, 1, 0, 0,   0,    0, ',', 0, 0,
                                    0,   0,    1,    0,    1,   0,    0, 2, 2, 'D', 1,    0, ';'};
  return std::string(reinterpret_cast<const char*>(k), sizeof k);
}

class FilesFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/trivium-files-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store_ = trivium::testing::open_test_store(dir_ + "/files.db");
    ASSERT_TRUE(store_);
    ASSERT_TRUE(store_->write([](db::Tx& tx) -> Result<void> {
      for (const char* id : {"org-1", "org-2"}) {
        TRV_TRY(
            tx.exec("INSERT INTO organisations (id, slug, name, kind, created_at, updated_at)"
                    " VALUES ($1, $1, $1, 'company', 0, 0)",
                    {id}));
      }
      // Only the columns a course row cannot go without (test seed).
      for (const auto& [course, org] : kCourses) {
        TRV_TRY(
            tx.exec("INSERT INTO courses (id, organisation_id, slug, title, summary, description_md, description_html, "
                    "language, skills_json, authors_json, form, visibility, enrolment_policy, pacing, "
                    "completion_modules_json, created_by, created_at, updated_at) VALUES ($1, $2, $1, 'T', '', '', '', "
                    "'en', '[]', '[]', 'mooc', 'private', 'open', 'self_paced', '[]', 'author-1', 0, 0)",
                    {course, org}));
      }
      return ok();
    }));
    audit_ = std::make_unique<audit::AuditLog>(*store_, clock_);
    disk_ = make_disk_store(data_dir() + "/files");
    service_ = make_service(limits_);
  }

  void TearDown() override {
    service_.reset();
    if (store_) store_->close();
    std::filesystem::remove_all(dir_);
  }

  std::string data_dir() const { return dir_ + "/data"; }
  std::string uploads_dir() const { return data_dir() + "/uploads"; }

  static Ports ports() {
    Ports p;
    p.course_organisation = [](const std::string& course) -> Result<std::string> {
      auto it = kCourses.find(course);
      if (it == kCourses.end()) return fail(ErrorKind::NotFound, "No such course.");
      return it->second;
    };
    return p;
  }

  // A second service over the same data: what a restart makes.
  std::unique_ptr<Service> make_service(Limits limits) {
    return std::make_unique<Service>(*store_, clock_, *audit_, *disk_, data_dir(), limits, ports());
  }

  // Uploads `bytes` in chunks of `chunk` bytes; the outcome of the last one.
  Result<ChunkOutcome> upload(const std::string& course, const std::string& name, const std::string& bytes,
                              size_t chunk = 1000) {
    TRV_ASSIGN(Upload u, service_->begin_upload(actor_, course, name, static_cast<int64_t>(bytes.size())));
    ChunkOutcome last;
    for (size_t at = 0; at < bytes.size(); at += chunk) {
      TRV_ASSIGN(last, service_->append(actor_, course, u.id, static_cast<int64_t>(at),
                                        static_cast<int64_t>(bytes.size()), std::string_view(bytes).substr(at, chunk)));
    }
    return last;
  }

  static std::string read_all(const Blob& blob) {
    auto head = detail::read_head_fd(blob.file->fd(), blob.size + 1);
    EXPECT_TRUE(head);
    return head ? *head : std::string();
  }

  static std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  size_t count_files(const std::string& dir) {
    size_t n = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file()) ++n;
    }
    return n;
  }

  std::string dir_;
  ManualClock clock_{1'800'000'000'000};
  Limits limits_{int64_t{1} << 20, int64_t{4} << 20, int64_t{24} * 3600 * 1000};
  std::unique_ptr<db::Store> store_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<FileStore> disk_;
  std::unique_ptr<Service> service_;
  Actor actor_{"author-1", "127.0.0.1", "req-1"};
};

}  // namespace trivium::files::testing
