// Resumable uploads. A chunk is appended to <data_dir>/uploads/<id> and
// synced to disk, then its end is recorded with the hash state in one
// durable transaction, and only then answered: whatever was acknowledged is
// on disk and in the row (DUR). Bytes past the recorded offset are a chunk
// that was never acknowledged (a crash between the write and the commit):
// they are cut off before the next write.
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <cerrno>
#include <cstring>

#include "core/ids.h"
#include "files/impl.h"

namespace trivium::files {

using namespace detail;

namespace detail {

// libsodium's state is a plain struct (words, a count and a partial
// block): kept as its bytes, in base64 for the text column.
std::string initial_hash_state() {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  return base64_encode(std::string_view(reinterpret_cast<const char*>(&st), sizeof st));
}

namespace {
Result<crypto_hash_sha256_state> load_state(const std::string& text) {
  auto bytes = base64_decode(text);
  if (!bytes || bytes->size() != sizeof(crypto_hash_sha256_state)) {
    return fail(ErrorKind::Internal, "corrupt upload hash state");
  }
  crypto_hash_sha256_state st;
  std::memcpy(&st, bytes->data(), sizeof st);
  return st;
}
}  // namespace

Result<std::string> hash_more(const std::string& state, std::string_view bytes) {
  TRV_ASSIGN(crypto_hash_sha256_state st, load_state(state));
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return base64_encode(std::string_view(reinterpret_cast<const char*>(&st), sizeof st));
}

Result<std::string> hash_digest(const std::string& state) {
  TRV_ASSIGN(crypto_hash_sha256_state st, load_state(state));
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, out);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : out) {
    hex += kHex[c >> 4];
    hex += kHex[c & 0x0F];
  }
  return hex;
}

}  // namespace detail

namespace {

Failure io_failure(const std::string& what, int err) {
  spdlog::error("files: {}: {}", what, std::strerror(err));
  return fail(ErrorKind::Unavailable, "The upload cannot be written now; retry the chunk later.");
}

Failure no_such_upload() {
  return fail(ErrorKind::NotFound, "No such upload (it may have expired).");
}

// Appends `bytes` at `offset` of the upload file and syncs it. A longer file
// holds an unacknowledged tail, cut off first; a shorter one lost
// acknowledged bytes (returned as false: the upload must restart).
Result<bool> write_chunk(const std::string& path, const std::string& dir, int64_t offset, std::string_view bytes) {
  struct stat st {};
  bool created = false;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return io_failure("stat " + path, errno);
    if (offset > 0) return false;
    created = true;
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return io_failure("open " + path, errno);
  auto close_with = [fd](Result<bool> r) {
    ::close(fd);
    return r;
  };
  if (::fstat(fd, &st) != 0) return close_with(io_failure("stat " + path, errno));
  if (st.st_size < offset) return close_with(false);
  if (st.st_size > offset && ::ftruncate(fd, static_cast<off_t>(offset)) != 0) {
    return close_with(io_failure("truncate " + path, errno));
  }
  if (auto w = write_fully(fd, bytes, offset); !w) return close_with(w.failure());
  if (::fdatasync(fd) != 0) return close_with(io_failure("fsync " + path, errno));
  ::close(fd);
  if (created) TRV_TRY(sync_directory(dir));
  return true;
}

}  // namespace

Result<Upload> Service::begin_upload(const Actor& actor, const std::string& course_id, const std::string& name,
                                     int64_t size) {
  Impl& m = *impl_;
  TRV_TRY(check_name(name));
  if (size < 1) return invalid("size", "range", "The size is a number of bytes, at least 1.");
  if (size > m.limits.max_file_bytes) {
    return fail(ErrorKind::PayloadTooLarge,
                "A file may hold at most " + std::to_string(m.limits.max_file_bytes) + " bytes.");
  }
  if (!extension_allowed(name)) {
    return fail(ErrorKind::UnsupportedMediaType,
                "Files of this kind are not accepted (by extension); see the list of accepted types.");
  }
  TRV_ASSIGN(std::string organisation_id, m.ports.course_organisation(course_id));
  const int64_t now = m.clock.now_ms();
  Upload u;
  u.id = new_id();
  u.course_id = course_id;
  u.organisation_id = organisation_id;
  u.name = name;
  u.size = size;
  u.created_by = actor.user_id;
  u.created_at_ms = now;
  u.expires_at_ms = now + m.limits.upload_expiry_ms;
  {
    // The row comes before the file: a file in uploads/ without a row is
    // then always debris, which the sweeper may remove at any time.
    std::lock_guard lock(m.quota_mu);
    TRV_TRY(m.store.write([&](db::Tx& tx) -> Result<void> {
      TRV_ASSIGN(int64_t used, quota_used(tx, organisation_id));
      if (used + size > m.limits.organisation_quota_bytes) {
        return fail(ErrorKind::PayloadTooLarge, "The organisation's storage quota (" +
                                                    std::to_string(m.limits.organisation_quota_bytes) +
                                                    " bytes) has no room for this file.");
      }
      return insert_upload(tx, u, initial_hash_state());
    }));
  }
  int fd = ::open(m.temp_path(u.id).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  Result<void> made = fd >= 0 ? ok() : Result<void>(io_failure("create " + m.temp_path(u.id), errno));
  if (fd >= 0) {
    ::close(fd);
    made = sync_directory(m.uploads_dir);
  }
  if (!made) {
    (void)m.store.write([&](db::Tx& tx) { return delete_upload(tx, u.id); });
    return made.failure();
  }
  return u;
}

Result<Upload> Service::get_upload(const std::string& course_id, const std::string& upload_id) {
  Impl& m = *impl_;
  std::optional<std::pair<Upload, std::string>> found;
  TRV_TRY(m.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(found, find_upload(tx, upload_id));
    return ok();
  }));
  if (!found || found->first.course_id != course_id || found->first.expires_at_ms <= m.clock.now_ms()) {
    return no_such_upload();
  }
  return found->first;
}

Result<ChunkOutcome> Service::append(const Actor& actor, const std::string& course_id, const std::string& upload_id,
                                     int64_t start, int64_t total, std::string_view bytes) {
  Impl& m = *impl_;
  if (bytes.empty()) return fail(ErrorKind::BadRequest, "A chunk holds at least one byte.");
  if (start < 0) return fail(ErrorKind::BadRequest, "A chunk starts at a byte offset.");
  std::lock_guard lock(m.lock_for(upload_id));
  std::optional<std::pair<Upload, std::string>> found;
  TRV_TRY(m.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(found, find_upload(tx, upload_id));
    return ok();
  }));
  const int64_t now = m.clock.now_ms();
  if (!found || found->first.course_id != course_id || found->first.expires_at_ms <= now) return no_such_upload();
  auto& [upload, state] = *found;
  ChunkOutcome out;
  out.upload = upload;
  if (total != upload.size) {
    return invalid("Content-Range", "total",
                   "The total after '/' must be the upload's declared size, " + std::to_string(upload.size) + ".");
  }
  const int64_t end = start + static_cast<int64_t>(bytes.size());  // exclusive
  if (end > upload.size) return invalid("Content-Range", "past_end", "The chunk goes past the declared size.");
  if (start != upload.received) {
    if (end > upload.received) {
      return fail(ErrorKind::Conflict, "The next chunk must start at byte " + std::to_string(upload.received) + ".");
    }
    // Received before (a retry after a lost answer): nothing to do, unless
    // a crash interrupted the completion that the last byte started.
    out.repeated = true;
    if (upload.received == upload.size && !upload.file_id) {
      TRV_ASSIGN(CourseFile file, m.finish(actor, upload, state));
      out.upload.file_id = file.id;
      out.completed = std::move(file);
    }
    return out;
  }
  TRV_ASSIGN(bool intact, write_chunk(m.temp_path(upload.id), m.uploads_dir, start, bytes));
  if (!intact) {
    // Acknowledged bytes are gone (the data folder was tampered with or
    // restored from an older backup): the upload starts again.
    spdlog::error("files: upload {} lost bytes it had acknowledged; restarting it at 0", upload.id);
    TRV_TRY(m.store.write([&](db::Tx& tx) -> Result<void> {
      TRV_TRY(tx.exec("UPDATE file_uploads SET received = 0, hash_state = $1 WHERE id = $2",
                      {initial_hash_state(), upload.id}));
      return ok();
    }));
    ::unlink(m.temp_path(upload.id).c_str());
    return fail(ErrorKind::Conflict, "The upload's earlier chunks were lost; start again at byte 0.");
  }
  TRV_ASSIGN(std::string next_state, hash_more(state, bytes));
  TRV_TRY(m.store.write([&](db::Tx& tx) {
    return advance_upload(tx, upload.id, start, end, next_state, now + m.limits.upload_expiry_ms);
  }));
  out.upload.received = end;
  out.upload.expires_at_ms = now + m.limits.upload_expiry_ms;
  if (end == upload.size) {
    TRV_ASSIGN(CourseFile file, m.finish(actor, out.upload, next_state));
    out.upload.file_id = file.id;
    out.completed = std::move(file);
  }
  return out;
}

Result<void> Service::cancel_upload(const Actor& actor, const std::string& course_id, const std::string& upload_id) {
  (void)actor;
  Impl& m = *impl_;
  std::lock_guard lock(m.lock_for(upload_id));
  TRV_ASSIGN(Upload upload, get_upload(course_id, upload_id));
  if (upload.file_id) return fail(ErrorKind::Conflict, "The upload is complete; delete the file instead.");
  return m.discard(upload);
}

Result<void> Service::Impl::discard(const Upload& upload) {
  TRV_TRY(store.write([&](db::Tx& tx) { return delete_upload(tx, upload.id); }));
  if (::unlink(temp_path(upload.id).c_str()) != 0 && errno != ENOENT) {
    // The sweeper removes it later: it has no row any more.
    spdlog::warn("files: cannot remove {}: {}", temp_path(upload.id), std::strerror(errno));
  }
  return ok();
}

Result<CourseFile> Service::Impl::finish(const Actor& actor, const Upload& upload, const std::string& hash_state) {
  TRV_ASSIGN(std::string sha, hash_digest(hash_state));
  const std::string path = temp_path(upload.id);
  struct stat st {};
  const bool have_temp = ::stat(path.c_str(), &st) == 0;
  std::string head;
  if (have_temp) {
    if (st.st_size != upload.size) {
      spdlog::error("files: upload {} holds {} bytes, {} expected", upload.id, st.st_size, upload.size);
      TRV_TRY(discard(upload));
      return fail(ErrorKind::Conflict, "The upload's bytes were lost; start a new upload.");
    }
    TRV_ASSIGN(head, read_head(path, kSniffBytes));
  } else {
    // A crash after the bytes went into the store and before the record
    // was written: they are in the store under their hash.
    auto blob = files.open(sha);
    if (!blob) {
      if (blob.error().kind != ErrorKind::NotFound) return blob.failure();
      TRV_TRY(discard(upload));
      return fail(ErrorKind::Conflict, "The upload's bytes were lost; start a new upload.");
    }
    TRV_ASSIGN(head, read_head_fd(blob->file->fd(), kSniffBytes));
  }
  auto type = check_type(upload.name, head);
  if (!type) {
    TRV_TRY(discard(upload));
    return type.failure();
  }
  CourseFile file;
  file.id = new_id();
  file.course_id = upload.course_id;
  file.organisation_id = upload.organisation_id;
  file.name = upload.name;
  file.media_type = *type;
  file.size = upload.size;
  file.sha256 = sha;
  file.created_by = upload.created_by;
  file.created_at_ms = clock.now_ms();

  std::lock_guard quota_lock(quota_mu);
  bool over_quota = false;
  TRV_TRY(store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(int64_t used, quota_used(tx, upload.organisation_id, upload.id));
    over_quota = used + upload.size > limits.organisation_quota_bytes;
    return ok();
  }));
  if (over_quota) {
    TRV_TRY(discard(upload));
    return fail(ErrorKind::PayloadTooLarge, "The organisation's storage quota (" +
                                                std::to_string(limits.organisation_quota_bytes) +
                                                " bytes) has no room for this file; it was not stored.");
  }
  std::lock_guard blob_lock(blob_mu);
  if (have_temp) TRV_TRY(files.put(path, sha));
  TRV_TRY(store.write([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(insert_file(tx, file));
    TRV_TRY(complete_upload(tx, upload.id, file.id));
    return audit.record(tx, event(actor, "files.uploaded", file));
  }));
  return file;
}

}  // namespace trivium::files
