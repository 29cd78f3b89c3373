// The files service's state, shared by service.cpp (files, repair, sweeping)
// and uploads.cpp (the upload state machine).
#pragma once

#include <array>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "files/internal.h"

namespace trivium::files {

struct Service::Impl {
  db::Store& store;
  const Clock& clock;
  audit::AuditLog& audit;
  FileStore& files;
  std::string uploads_dir;
  Limits limits;
  Ports ports;

  // Checking the quota and adding what it counts happen together.
  std::mutex quota_mu;
  // Putting bytes in the store and recording the file that uses them, or
  // deleting a record and the bytes nobody uses any more, happen together:
  // otherwise a deletion could remove bytes that a completing upload has
  // just found already stored.
  std::mutex blob_mu;
  // One upload's chunks are written one at a time (striped by id).
  std::array<std::mutex, 64> upload_mu;

  std::mutex worker_mu;
  std::condition_variable worker_cv;
  bool stopping = false;
  std::thread worker;

  Impl(db::Store& s, const Clock& c, audit::AuditLog& a, FileStore& f, std::string dir, Limits l, Ports p)
      : store(s), clock(c), audit(a), files(f), uploads_dir(std::move(dir)), limits(l), ports(std::move(p)) {}

  std::mutex& lock_for(const std::string& upload_id) {
    return upload_mu[std::hash<std::string>{}(upload_id) % upload_mu.size()];
  }
  std::string temp_path(const std::string& upload_id) const { return uploads_dir + "/" + upload_id; }

  audit::Event event(const Actor& actor, std::string action, const CourseFile& f) const;

  // The last byte is in: type check, quota, into the store, recorded.
  // Discards the upload when the type or the quota refuses it.
  Result<CourseFile> finish(const Actor& actor, const Upload& upload, const std::string& hash_state);
  // Removes the row and the bytes received so far.
  Result<void> discard(const Upload& upload);
  Result<SweepReport> sweep();
};

}  // namespace trivium::files
