// The disk file store: <root>/ab/cd/<sha256>, files that are only ever
// created whole (by rename) and removed, never changed in place, and named by
// their hash so that nothing a user typed reaches the file system (FILE-06).
// Created with mode 0600: never executable, readable by the service only.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/ids.h"
#include "files/internal.h"

namespace trivium::files {
namespace fs = std::filesystem;

namespace detail {

namespace {
Failure io_failure(const std::string& what, int err) {
  spdlog::error("files: {}: {}", what, std::strerror(err));
  return fail(ErrorKind::Unavailable, "The file store cannot be reached; retry later.");
}
}  // namespace

Result<void> sync_directory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_failure("open " + dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return io_failure("fsync " + dir, err);
  return ok();
}

Result<void> write_fully(int fd, std::string_view bytes, int64_t offset) {
  while (!bytes.empty()) {
    ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_failure("write", errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    offset += n;
  }
  return ok();
}

Result<std::string> read_head_fd(int fd, size_t max) {
  std::string out(max, '\0');
  size_t got = 0;
  while (got < max) {
    ssize_t n = ::pread(fd, out.data() + got, max - got, static_cast<off_t>(got));
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_failure("read", errno);
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return out;
}

Result<std::string> read_head(const std::string& path, size_t max) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_failure("open " + path, errno);
  auto head = read_head_fd(fd, max);
  ::close(fd);
  return head;
}

bool is_sha256_hex(std::string_view s) {
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace detail

namespace {

using detail::io_failure;

class DiskFileStore final : public FileStore {
 public:
  explicit DiskFileStore(std::string root) : root_(std::move(root)) { fs::create_directories(root_); }

  Result<void> put(const std::string& source, const std::string& sha256) override {
    if (!detail::is_sha256_hex(sha256)) return fail(ErrorKind::Internal, "not a SHA-256: " + sha256);
    TRV_TRY(make_parents(sha256));
    const std::string target = path_of(sha256);
    const std::string dir = fs::path(target).parent_path().string();
    struct stat st {};
    if (::stat(target.c_str(), &st) == 0) {
      // Stored already: this copy is not needed.
      ::unlink(source.c_str());
      return ok();
    }
    if (::rename(source.c_str(), target.c_str()) != 0) {
      if (errno != EXDEV) return io_failure("rename into " + target, errno);
      TRV_TRY(copy_in(source, target, dir));
      ::unlink(source.c_str());
    }
    return detail::sync_directory(dir);
  }

  Result<Blob> open(const std::string& sha256) override {
    if (!detail::is_sha256_hex(sha256)) return fail(ErrorKind::NotFound, "No such content.");
    const std::string path = path_of(sha256);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return fail(ErrorKind::NotFound, "No such content.");
      return io_failure("open " + path, errno);
    }
    auto file = std::make_shared<const http::OpenFile>(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0) return io_failure("stat " + path, errno);
    return Blob{std::move(file), static_cast<uint64_t>(st.st_size)};
  }

  Result<bool> exists(const std::string& sha256) override {
    if (!detail::is_sha256_hex(sha256)) return false;
    struct stat st {};
    return ::stat(path_of(sha256).c_str(), &st) == 0;
  }

  Result<void> remove(const std::string& sha256) override {
    if (!detail::is_sha256_hex(sha256)) return ok();
    const std::string path = path_of(sha256);
    if (::unlink(path.c_str()) != 0) {
      if (errno == ENOENT) return ok();
      return io_failure("unlink " + path, errno);
    }
    return detail::sync_directory(fs::path(path).parent_path().string());
  }

  Result<std::vector<std::string>> list() override {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root_, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (it->is_regular_file(ec)) {
        std::string name = it->path().filename().string();
        if (detail::is_sha256_hex(name) && it->path() == fs::path(path_of(name))) out.push_back(std::move(name));
      }
    }
    if (ec) return io_failure("list " + root_, ec.value());
    return out;
  }

 private:
  std::string path_of(const std::string& sha) const {
    return root_ + "/" + sha.substr(0, 2) + "/" + sha.substr(2, 2) + "/" + sha;
  }

  // Creates root/ab and root/ab/cd as needed, each made durable in its parent.
  Result<void> make_parents(const std::string& sha) {
    const std::string first = root_ + "/" + sha.substr(0, 2);
    const std::string second = first + "/" + sha.substr(2, 2);
    for (const auto& [dir, parent] : {std::pair{first, root_}, std::pair{second, first}}) {
      if (::mkdir(dir.c_str(), 0700) == 0) {
        TRV_TRY(detail::sync_directory(parent));
      } else if (errno != EEXIST) {
        return io_failure("mkdir " + dir, errno);
      }
    }
    return ok();
  }

  // The data folder spans file systems: copy, sync, then rename within the store.
  Result<void> copy_in(const std::string& source, const std::string& target, const std::string& dir) {
    const std::string temp = dir + "/.incoming-" + random_token(9);
    std::error_code ec;
    fs::copy_file(source, temp, ec);
    if (ec) return io_failure("copy into " + temp, ec.value());
    int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      int err = errno;
      if (fd >= 0) ::close(fd);
      ::unlink(temp.c_str());
      return io_failure("fsync " + temp, err);
    }
    ::close(fd);
    if (::rename(temp.c_str(), target.c_str()) != 0) {
      int err = errno;
      ::unlink(temp.c_str());
      return io_failure("rename into " + target, err);
    }
    return ok();
  }

  std::string root_;
};

}  // namespace

std::unique_ptr<FileStore> make_disk_store(const std::string& root) {
  return std::make_unique<DiskFileStore>(root);
}

}  // namespace trivium::files
