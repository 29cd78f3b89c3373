// Course files once recorded: reading, deleting, the quota, and the repair
// and sweeping that keep the disk and the tables in step.
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <cerrno>
#include <filesystem>
#include <set>

#include "core/json.h"
#include "files/impl.h"

namespace trivium::files {

using namespace detail;
namespace fs = std::filesystem;

Limits Limits::from(const FilesConfig& c) {
  Limits l;
  l.max_file_bytes = c.max_file_bytes;
  l.organisation_quota_bytes = c.organisation_quota_bytes;
  l.upload_expiry_ms = int64_t{c.upload_expiry_hours} * 3600 * 1000;
  return l;
}

Service::Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, FileStore& files,
                 const std::string& data_dir, Limits limits, Ports ports)
    : impl_(std::make_unique<Impl>(store, clock, audit, files, data_dir + "/uploads", limits, std::move(ports))) {
  fs::create_directories(impl_->uploads_dir);
  fs::permissions(impl_->uploads_dir, fs::perms::owner_all, fs::perm_options::replace);
}

Service::~Service() {
  stop();
}

audit::Event Service::Impl::event(const Actor& actor, std::string action, const CourseFile& f) const {
  audit::Event e;
  e.action = std::move(action);
  e.actor_id = actor.user_id;
  e.organisation_id = f.organisation_id;
  e.target_kind = "course_file";
  e.target_id = f.id;
  e.ip = actor.ip;
  e.request_id = actor.request_id;
  e.detail_json = json::serialize(boost::json::object{{"course_id", f.course_id},
                                                      {"name", f.name},
                                                      {"media_type", f.media_type},
                                                      {"size", f.size},
                                                      {"sha256", f.sha256}});
  return e;
}

Result<std::vector<CourseFile>> Service::list(const std::string& course_id) {
  std::vector<CourseFile> out;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(out, files_of(tx, course_id));
    return ok();
  }));
  return out;
}

Result<CourseFile> Service::get(const std::string& course_id, const std::string& file_id) {
  std::optional<CourseFile> found;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(found, find_file(tx, course_id, file_id));
    return ok();
  }));
  if (!found) return fail(ErrorKind::NotFound, "No such file in this course.");
  return *found;
}

Result<Content> Service::open(const std::string& course_id, const std::string& file_id) {
  TRV_ASSIGN(CourseFile file, get(course_id, file_id));
  auto blob = impl_->files.open(file.sha256);
  if (!blob) {
    if (blob.error().kind == ErrorKind::NotFound) {
      spdlog::error("files: the bytes of file {} ({}) are missing from the store", file.id, file.sha256);
      return fail(ErrorKind::Internal, "The file's content is missing.");
    }
    return blob.failure();
  }
  if (blob->size != static_cast<uint64_t>(file.size)) {
    spdlog::error("files: file {} is recorded with {} bytes, the store holds {}", file.id, file.size, blob->size);
    return fail(ErrorKind::Internal, "The file's content does not match its record.");
  }
  return Content{std::move(file), std::move(*blob)};
}

Result<Content> Service::open_in_run(const std::string& run_id, const std::string& file_id) {
  if (!impl_->ports.run_courses) return fail(ErrorKind::NotFound, "No such file.");
  TRV_ASSIGN(std::vector<std::string> courses, impl_->ports.run_courses(run_id));
  for (const std::string& course_id : courses) {
    auto found = open(course_id, file_id);
    if (found || found.error().kind != ErrorKind::NotFound) return found;
  }
  return fail(ErrorKind::NotFound, "No such file in this run's content.");
}

Result<void> Service::remove(const Actor& actor, const std::string& course_id, const std::string& file_id) {
  Impl& m = *impl_;
  std::lock_guard lock(m.blob_mu);
  TRV_ASSIGN(CourseFile file, get(course_id, file_id));
  TRV_TRY(m.store.write([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(delete_file(tx, file.id));
    return m.audit.record(tx, m.event(actor, "files.deleted", file));
  }));
  bool in_use = true;
  TRV_TRY(m.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(in_use, sha256_in_use(tx, file.sha256));
    return ok();
  }));
  if (!in_use) {
    // A failure leaves unused bytes behind, which the start-up repair
    // removes; the record is gone either way.
    if (auto removed = m.files.remove(file.sha256); !removed) {
      spdlog::warn("files: could not remove the bytes of deleted file {}: {}", file.id, removed.error().detail);
    }
  }
  return ok();
}

Result<int64_t> Service::usage(const std::string& organisation_id) {
  int64_t used = 0;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(used, quota_used(tx, organisation_id));
    return ok();
  }));
  return used;
}

Result<SweepReport> Service::recover() {
  Impl& m = *impl_;
  SweepReport report;
  // 1. Completions a crash interrupted (the last byte was recorded).
  std::vector<std::pair<Upload, std::string>> pending;
  TRV_TRY(m.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(pending, pending_completions(tx));
    return ok();
  }));
  for (const auto& [upload, state] : pending) {
    std::lock_guard lock(m.lock_for(upload.id));
    Actor actor{upload.created_by, "", "recovery"};
    if (auto done = m.finish(actor, upload, state); done) {
      ++report.completed_uploads;
    } else {
      spdlog::warn("files: upload {} could not be completed: {}", upload.id, done.error().detail);
    }
  }
  // 2. Upload files longer than their recorded offset hold a chunk that was
  //    never acknowledged: cut it off now rather than at the next chunk.
  std::vector<std::pair<std::string, int64_t>> offsets;
  TRV_TRY(m.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(offsets, open_upload_offsets(tx));
    return ok();
  }));
  for (const auto& [id, received] : offsets) {
    std::lock_guard lock(m.lock_for(id));
    const std::string path = m.temp_path(id);
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && st.st_size > received) {
      if (::truncate(path.c_str(), static_cast<off_t>(received)) != 0) {
        spdlog::warn("files: cannot truncate {}: {}", path, std::strerror(errno));
      }
    }
  }
  // 3. Stored bytes that no record uses: a crash between storing and
  //    recording, or a removal that failed.
  {
    std::lock_guard lock(m.blob_mu);
    TRV_ASSIGN(std::vector<std::string> held, m.files.list());
    std::set<std::string> used;
    TRV_TRY(m.store.read([&](db::Tx& tx) -> Result<void> {
      TRV_ASSIGN(auto in_records, all_sha256(tx));
      used.insert(in_records.begin(), in_records.end());
      // Completions still pending (their type check could not run) keep theirs.
      TRV_ASSIGN(auto still_pending, pending_completions(tx));
      for (const auto& [upload, state] : still_pending) {
        TRV_ASSIGN(std::string sha, hash_digest(state));
        used.insert(sha);
      }
      return ok();
    }));
    for (const std::string& sha : held) {
      if (used.count(sha)) continue;
      if (m.files.remove(sha)) ++report.orphan_blobs;
    }
  }
  TRV_ASSIGN(SweepReport swept, m.sweep());
  report.expired_uploads = swept.expired_uploads;
  report.stray_temp_files = swept.stray_temp_files;
  return report;
}

Result<SweepReport> Service::sweep() {
  return impl_->sweep();
}

Result<SweepReport> Service::Impl::sweep() {
  SweepReport report;
  for (;;) {
    std::vector<Upload> expired;
    TRV_TRY(store.read([&](db::Tx& tx) -> Result<void> {
      TRV_ASSIGN(expired, expired_uploads(tx, clock.now_ms(), 500));
      return ok();
    }));
    for (const Upload& u : expired) {
      std::lock_guard lock(lock_for(u.id));
      TRV_TRY(discard(u));
      ++report.expired_uploads;
    }
    if (expired.size() < 500) break;
  }
  // Files in uploads/ are listed before their rows are looked up; a row is
  // always written before its file, so a file without a row is debris.
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(uploads_dir, ec)) names.push_back(entry.path().filename().string());
  for (const std::string& name : names) {
    bool known = true;
    TRV_TRY(store.read([&](db::Tx& tx) -> Result<void> {
      TRV_ASSIGN(known, upload_exists(tx, name));
      return ok();
    }));
    if (!known && ::unlink(temp_path(name).c_str()) == 0) ++report.stray_temp_files;
  }
  return report;
}

void Service::start() {
  Impl& m = *impl_;
  if (auto repaired = recover(); !repaired) {
    spdlog::error("files: start-up repair failed: {}", repaired.error().detail);
  } else if (repaired->completed_uploads + repaired->orphan_blobs + repaired->expired_uploads +
                 repaired->stray_temp_files >
             0) {
    spdlog::info(
        "files: repaired at start: {} completions finished, {} unused contents, {} expired uploads, {} "
        "stray upload files removed",
        repaired->completed_uploads, repaired->orphan_blobs, repaired->expired_uploads, repaired->stray_temp_files);
  }
  std::lock_guard lock(m.worker_mu);
  if (m.worker.joinable()) return;
  m.stopping = false;
  m.worker = std::thread([&m] {
    std::unique_lock lock(m.worker_mu);
    while (!m.stopping) {
      m.worker_cv.wait_for(lock, std::chrono::minutes(10), [&m] { return m.stopping; });
      if (m.stopping) break;
      lock.unlock();
      if (auto swept = m.sweep(); !swept) spdlog::warn("files: sweeping uploads failed: {}", swept.error().detail);
      lock.lock();
    }
  });
}

void Service::stop() {
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.worker_mu);
    m.stopping = true;
  }
  m.worker_cv.notify_all();
  if (m.worker.joinable()) m.worker.join();
}

}  // namespace trivium::files
