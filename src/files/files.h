// Course files: videos, documents and images that a course's authors upload
// and its learners read.
//
// Bytes are stored once, named by their SHA-256, in a FileStore (on disk
// today: <data_dir>/files/ab/cd/<sha256>; an object store can take its place
// behind the same interface). A course file is a record (course, name,
// media type, size, hash) pointing at those bytes, so two records with the
// same content share one copy.
//
// Uploads are resumable and chunked (a video may be several GiB): an author
// declares the name and size, then sends chunks of at most kMaxChunkBytes
// with `Content-Range: bytes start-end/total`, each starting where the
// previous one ended. A chunk is on disk (fsync) before its offset is
// recorded and answered, so an acknowledged chunk survives a crash (DUR); a
// restart resumes from the recorded offset, discarding any unacknowledged
// tail. The SHA-256 is computed chunk by chunk and its state kept with the
// upload. The last chunk completes the upload: the type is checked from the
// content (libmagic) against an allow-list and the file's extension
// (FILE-03), the quota again (FILE-09), and the file is moved into the store
// and recorded in one step; until then nothing of it is visible.
//
// Limits (FILE-01): one file at most Limits::max_file_bytes (default 8 GiB),
// an organisation's files and open uploads at most
// Limits::organisation_quota_bytes (default 50 GiB); both are checked
// against the declared size when an upload starts, and no chunk may go past
// the declared size (FILE-02). Accepted types: see media_types.cpp; archives
// are stored as downloads and never unpacked.
//
// Serving (routes.cpp): single byte ranges (206), conditional requests on a
// strong ETag (the hash) and Last-Modified, nosniff, a Content-Disposition
// that never carries raw user bytes, and `Content-Security-Policy: sandbox`
// (FILE-07, FILE-08). Access goes through the authorisation policy in the
// course's context, and a file is found only under its own course (AC-02).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "authz/authz.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/db.h"
#include "core/http.h"
#include "core/result.h"

namespace trivium::files {

// Stored bytes opened for reading.
struct Blob {
  std::shared_ptr<const http::OpenFile> file;
  uint64_t size = 0;
};

// Where file contents live, named by their lower-case hex SHA-256. The
// caller vouches for the hash; the store does not recompute it.
class FileStore {
 public:
  virtual ~FileStore() = default;
  // Keeps the complete file at `source` (a local file the caller wrote and
  // synced) under `sha256`. If the store holds those bytes already, the
  // existing copy is kept and `source` is removed (deduplication); otherwise
  // `source` is moved in. Durable when it returns.
  virtual Result<void> put(const std::string& source, const std::string& sha256) = 0;
  // NotFound if the store does not hold these bytes.
  virtual Result<Blob> open(const std::string& sha256) = 0;
  virtual Result<bool> exists(const std::string& sha256) = 0;
  // Removing bytes that are not there succeeds.
  virtual Result<void> remove(const std::string& sha256) = 0;
  // Every hash held, for the orphan sweep.
  virtual Result<std::vector<std::string>> list() = 0;
};

// The disk store under `root` (created if missing), one file per content in
// root/ab/cd/<sha256>, written by rename and directory fsync.
std::unique_ptr<FileStore> make_disk_store(const std::string& root);

struct Limits {
  int64_t max_file_bytes = int64_t{8} << 30;
  int64_t organisation_quota_bytes = int64_t{50} << 30;
  int64_t upload_expiry_ms = int64_t{24} * 3600 * 1000;
  static Limits from(const FilesConfig& c);
};

// The chunk size suggested to clients, and the largest chunk a request may
// carry (the route's body limit: the server refuses more before reading it).
constexpr int64_t kChunkBytes = int64_t{8} << 20;
constexpr size_t kMaxChunkBytes = size_t{16} << 20;

struct CourseFile {
  std::string id;
  std::string course_id;
  std::string organisation_id;
  std::string name;
  std::string media_type;  // from the content, e.g. "video/mp4", "text/vtt; charset=utf-8"
  int64_t size = 0;
  std::string sha256;
  std::string created_by;
  int64_t created_at_ms = 0;
};

struct Upload {
  std::string id;
  std::string course_id;
  std::string organisation_id;
  std::string name;
  int64_t size = 0;
  int64_t received = 0;                // the offset the next chunk must start at
  std::optional<std::string> file_id;  // set once complete
  std::string created_by;
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;
};

// What one chunk did.
struct ChunkOutcome {
  Upload upload;
  std::optional<CourseFile> completed;  // this chunk completed the upload
  bool repeated = false;                // the chunk had been received already; nothing changed
};

// A file ready to be served.
struct Content {
  CourseFile file;
  Blob blob;
};

struct Actor {
  std::string user_id;
  std::string ip;
  std::string request_id;
};

struct Ports {
  // The organisation that owns a course; NotFound for an unknown course.
  std::function<Result<std::string>(const std::string& course_id)> course_organisation;
  // The courses whose files a run's people read: the run's course, then the
  // course it takes its content from (a derived SPOC's source). NotFound
  // for an unknown run. Unset: no file is reachable through a run.
  std::function<Result<std::vector<std::string>>(const std::string& run_id)> run_courses = {};
};

struct SweepReport {
  int expired_uploads = 0;
  int stray_temp_files = 0;
  int orphan_blobs = 0;
  int completed_uploads = 0;  // completions a crash had interrupted
};

class Service {
 public:
  // `data_dir`: uploads in progress go to data_dir/uploads (created if
  // missing), on the same file system as a disk store under data_dir/files,
  // so that completing an upload is a rename.
  Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, FileStore& files, const std::string& data_dir,
          Limits limits, Ports ports);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Starts an upload of `size` bytes named `name`. Invalid for a bad name;
  // UnsupportedMediaType for an extension outside the allow-list;
  // PayloadTooLarge over the file limit or the organisation's quota.
  Result<Upload> begin_upload(const Actor& actor, const std::string& course_id, const std::string& name, int64_t size);
  Result<Upload> get_upload(const std::string& course_id, const std::string& upload_id);
  // Appends bytes [start, start + bytes.size()) of a file of `total` bytes.
  // A chunk that does not start at the upload's offset is a Conflict, unless
  // it was wholly received before (then `repeated`, and nothing changes).
  // The chunk that completes the upload checks the type (UnsupportedMediaType)
  // and the quota (PayloadTooLarge); either failure discards the upload.
  Result<ChunkOutcome> append(const Actor& actor, const std::string& course_id, const std::string& upload_id,
                              int64_t start, int64_t total, std::string_view bytes);
  // Discards an unfinished upload; Conflict once it is complete.
  Result<void> cancel_upload(const Actor& actor, const std::string& course_id, const std::string& upload_id);

  Result<std::vector<CourseFile>> list(const std::string& course_id);
  Result<CourseFile> get(const std::string& course_id, const std::string& file_id);
  Result<Content> open(const std::string& course_id, const std::string& file_id);
  // A file as a run's learners and staff reach it: one of the run's course
  // or of the course it takes its content from (Ports::run_courses), so that
  // a derived SPOC's learners and a run's own trainers read the videos of
  // the content they follow; NotFound for any other file (AC-02).
  Result<Content> open_in_run(const std::string& run_id, const std::string& file_id);
  // Deletes the record; the bytes go when no other record uses them.
  Result<void> remove(const Actor& actor, const std::string& course_id, const std::string& file_id);
  // Bytes counted against an organisation's quota: its files and open uploads.
  Result<int64_t> usage(const std::string& organisation_id);

  // Start-up repair: finishes completions a crash interrupted, cuts upload
  // files back to their recorded offsets, and removes stored bytes no
  // record uses. Also sweeps (below).
  Result<SweepReport> recover();
  // Removes expired uploads and upload files without a record.
  Result<SweepReport> sweep();
  // The background sweeper (every ten minutes), after recover().
  void start();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::vector<authz::Capability> capabilities();
// /api/v1/courses/{course}/uploads[/{upload}] and /api/v1/courses/{course}/files[/{file}[/content]].
void register_routes(http::Router& router, Service& service);

}  // namespace trivium::files
