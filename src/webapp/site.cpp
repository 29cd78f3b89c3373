// Reading the built app into memory, and which file a request path names.
#include <spdlog/spdlog.h>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/ids.h"
#include "webapp/webapp.h"

namespace trivium::webapp {
namespace {

namespace fs = std::filesystem;

// A dist folder is a few hundred kilobytes; a root this large is a
// misconfiguration (the data folder, "/"), refused before it fills memory.
constexpr uintmax_t kMaxBytes = uintmax_t{64} << 20;
constexpr size_t kMaxFiles = 10000;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view media_type(std::string_view ext) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".avif", "image/avif"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
  };
  for (const auto& [e, type] : kTypes)
    if (e == ext) return type;
  return "application/octet-stream";
}

Result<std::string> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return fail(ErrorKind::Internal, "cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return fail(ErrorKind::Internal, "cannot read " + p.string());
  return ss.str();
}

// True for "x/.git/y", ".env": nothing hidden is ever served.
bool hidden(const fs::path& relative) {
  for (const auto& part : relative)
    if (!part.empty() && part.string().front() == '.') return true;
  return false;
}

bool clean_segment(std::string_view seg) {
  return seg != "." && seg != "..";
}

// Paths the app never answers: they belong to the API and the service.
bool reserved(std::string_view path) {
  for (std::string_view top : {"/api", "/xapi", "/healthz", "/readyz", "/metrics"})
    if (path.starts_with(top) && (path.size() == top.size() || path[top.size()] == '/')) return true;
  return false;
}

}  // namespace

Result<Site> Site::load(const std::string& root) {
  Site site;
  site.root_ = root;
  std::error_code ec;
  const fs::path base(root);
  if (!fs::exists(base, ec)) {
    spdlog::warn("web app: {} does not exist; the API runs without it (build it with npm run build in web/)", root);
    return site;
  }
  if (!fs::is_directory(base, ec)) return fail(ErrorKind::Internal, "[web] root " + root + " is not a folder");

  uintmax_t total = 0;
  std::map<std::string, std::string> twins;  // "/x.js.br" -> bytes, attached once every file is read
  fs::recursive_directory_iterator it(base, fs::directory_options::none, ec), end;
  if (ec) return fail(ErrorKind::Internal, "cannot list " + root + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return fail(ErrorKind::Internal, "cannot list " + root + ": " + ec.message());
    const fs::directory_entry& entry = *it;
    const fs::path relative = entry.path().lexically_relative(base);
    // Symbolic links could point anywhere: neither followed nor served.
    if (entry.is_symlink(ec) || hidden(relative)) {
      if (entry.is_directory(ec) && !entry.is_symlink(ec)) it.disable_recursion_pending();
      continue;
    }
    if (!entry.is_regular_file(ec)) continue;
    if (site.files_.size() + twins.size() >= kMaxFiles)
      return fail(ErrorKind::Internal, "[web] root " + root + " holds more than 10000 files: not a built web app");
    total += entry.file_size(ec);
    if (total > kMaxBytes)
      return fail(ErrorKind::Internal, "[web] root " + root + " holds more than 64 MiB: not a built web app");
    TRV_ASSIGN(std::string bytes, read_file(entry.path()));
    const std::string url = "/" + relative.generic_string();
    const std::string ext = lower(entry.path().extension().string());
    if (ext == ".br" || ext == ".gz") {
      twins.emplace(url, std::move(bytes));
      continue;
    }
    Asset a;
    a.content_type = std::string(media_type(ext));
    a.html = ext == ".html";
    a.immutable = url.starts_with("/assets/");
    a.etag = "\"" + sha256_hex(bytes).substr(0, 32) + "\"";
    a.body = std::move(bytes);
    site.files_.emplace(url, std::move(a));
  }
  for (auto& [url, bytes] : twins) {
    const bool br = url.ends_with(".br");
    auto file = site.files_.find(std::string_view(url).substr(0, url.size() - 3));
    if (file == site.files_.end()) continue;  // a twin without its original is not served
    (br ? file->second.brotli : file->second.gzip) = std::move(bytes);
  }
  if (!site.built())
    spdlog::warn("web app: {} has no index.html; the app's pages answer 404", root);
  else
    spdlog::info("web app: {} files from {}", site.files_.size(), root);
  return site;
}

const Asset* Site::find(std::string_view path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

Result<Resolved> resolve(const Site& site, std::string_view raw_path) {
  if (reserved(raw_path)) return fail(ErrorKind::NotFound, "No resource at this path.");
  auto decoded = http::url_decode(raw_path, false);
  if (!decoded) return fail(ErrorKind::BadRequest, "The path has a bad percent-escape or is not UTF-8.");
  const std::string& path = *decoded;
  // FILE-05: the site is a map in memory, so no path can reach the disk;
  // paths that would climb or hide in a real file system are refused all
  // the same, so that the answer never depends on how they are normalised.
  if (path.empty() || path.front() != '/' || path.find('\0') != std::string::npos ||
      path.find('\\') != std::string::npos)
    return fail(ErrorKind::BadRequest, "The path is not a clean one.");
  for (size_t start = 1; start <= path.size();) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (!clean_segment(std::string_view(path).substr(start, slash - start)))
      return fail(ErrorKind::BadRequest, "The path has a '.' or '..' segment.");
    start = slash + 1;
  }
  if (reserved(path)) return fail(ErrorKind::NotFound, "No resource at this path.");
  if (!site.built()) {
    return fail(ErrorKind::NotFound,
                "The web app is not built: run `npm ci && npm run build` in web/, or point [web] root "
                "(TRIVIUM_WEB_ROOT) at its dist folder. The API under /api/v1 works without it.");
  }
  if (const Asset* a = site.find(path)) return Resolved{a, false};
  // A missing hashed asset is an old page asking for a file a new build
  // replaced: HTML in its place would only fail later, as a script.
  if (path.starts_with("/assets/")) return fail(ErrorKind::NotFound, "No such asset in this build of the web app.");
  return Resolved{site.index(), true};
}

}  // namespace trivium::webapp
