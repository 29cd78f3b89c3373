// The web app: the single-page application built from web/ (TypeScript,
// React, Vite) and served by `trivium serve` itself, so that a person needs
// nothing but the one binary and its dist folder.
//
// The built folder ([web] root, TRIVIUM_WEB_ROOT; web/dist by default) is
// read into memory at start: it is a few hundred kilobytes, and a copy in
// memory cannot be tricked into reading a file outside it (FILE-05). Files
// with precompressed twins (`x.js.br`, `x.js.gz`, written at build time) are
// sent in the encoding the browser accepts, with `Vary: Accept-Encoding`.
// Hashed assets (/assets/*) are cached for a year as immutable; every other
// file, index.html first, is revalidated (`no-cache` with a strong ETag).
//
// Every GET or HEAD path that no API route claims, outside /api/, /xapi/
// and the system routes, and that names no file, answers index.html: the
// app routes on the client. The HTML carries a strict Content-Security-Policy
// (scripts, styles and connections from the app's own origin only, no inline
// script, no eval, frames only from the embed providers content blocks allow).
// Without a built folder the API runs as usual and the app's paths answer a
// problem document saying so.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "authz/authz.h"
#include "core/http.h"
#include "core/result.h"

namespace trivium::webapp {

// One file of the built app, with its precompressed variants.
struct Asset {
  std::string content_type;
  std::string body;
  std::string brotli;      // empty: no .br twin
  std::string gzip;        // empty: no .gz twin
  std::string etag;        // strong, from the content: "\"<hex>\""
  bool immutable = false;  // under /assets/: the name carries a content hash
  bool html = false;       // gets the app's Content-Security-Policy
};

// The built app in memory, keyed by URL path ("/index.html", "/assets/app-1a2b.js").
class Site {
 public:
  // Reads every regular file below `root`, skipping symbolic links and
  // dot-files (HDR-06: nothing like .git is ever served). A missing folder
  // gives an empty site (the API still runs); an unreadable or oversized
  // one (more than 64 MiB or 10,000 files: surely not a dist folder) is an error.
  static Result<Site> load(const std::string& root);

  // True when the folder held index.html.
  bool built() const { return index() != nullptr; }
  const std::string& root() const { return root_; }
  size_t size() const { return files_.size(); }

  // The file at a decoded URL path, or nullptr.
  const Asset* find(std::string_view path) const;
  const Asset* index() const { return find("/index.html"); }

 private:
  std::string root_;
  std::map<std::string, Asset, std::less<>> files_;
};

// What the app answers for a request path: a file, the app's page (for a
// client-side route), or an error (NotFound under the reserved prefixes and
// for a missing hashed asset or a site not built; BadRequest for a path that
// is not a clean one: bad escapes, NUL, backslashes, "." or ".." segments).
struct Resolved {
  const Asset* asset = nullptr;
  bool page = false;  // index.html answering a client-side route
};
Result<Resolved> resolve(const Site& site, std::string_view raw_path);

// The Content-Security-Policy of the app's HTML. Frames come only from the
// hosts whose players content blocks embed (YouTube's privacy-enhanced host,
// Vimeo's player and the configured PeerTube instances).
std::string content_security_policy(const std::vector<std::string>& peertube_hosts);

// Which stored encoding to send for an Accept-Encoding header: "br", "gzip"
// or "" (identity), among those the asset has. q=0 refuses a coding.
std::string_view choose_encoding(std::string_view accept_encoding, const Asset& asset);

// Whether an If-None-Match list matches an ETag (weak comparison, `*` matches).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

struct Settings {
  std::vector<std::string> peertube_hosts;  // from [content] peertube_hosts
};

std::vector<authz::Capability> capabilities();

// Adds the app's one route: the router's fallback for GET and HEAD.
void register_routes(http::Router& router, std::shared_ptr<const Site> site, const Settings& settings);

}  // namespace trivium::webapp
