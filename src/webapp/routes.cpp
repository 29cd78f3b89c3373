// The web app's one route, the router's fallback for GET and HEAD: finds the
// file (or the app's page) for the path, then renders it with its caching,
// encoding and security headers.
#include <cstdlib>

#include "core/pipeline.h"
#include "webapp/webapp.h"

namespace trivium::webapp {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// The weight of one Accept-Encoding element ("gzip;q=0.5" -> 0.5); an
// unreadable weight makes the element count as refused.
double weight(std::string_view params) {
  double q = 1.0;
  while (!params.empty()) {
    size_t semi = params.find(';');
    std::string_view p = trim(params.substr(0, semi));
    if (p.size() > 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
      std::string v(p.substr(2, 5));
      char* end = nullptr;
      q = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0' || q < 0 || q > 1) return 0;
    }
    if (semi == std::string_view::npos) break;
    params.remove_prefix(semi + 1);
  }
  return q;
}

http::Response render(const Asset& a, const std::string& csp, const http::Request& req) {
  std::string_view enc = choose_encoding(req.header("Accept-Encoding").value_or(""), a);
  // Each encoding is its own representation, so its own strong ETag.
  std::string etag = enc.empty() ? a.etag : a.etag.substr(0, a.etag.size() - 1) + "-" + std::string(enc) + "\"";
  http::Response r;
  r.header("Cache-Control", a.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.header("ETag", etag);
  if (!a.brotli.empty() || !a.gzip.empty()) r.header("Vary", "Accept-Encoding");
  if (a.html) r.header("Content-Security-Policy", csp);
  if (auto inm = req.header("If-None-Match"); inm && etag_matches(*inm, etag)) {
    r.status = 304;
    return r;
  }
  r.content_type = a.content_type;
  r.body = enc == "br" ? a.brotli : enc == "gzip" ? a.gzip : a.body;
  if (!enc.empty()) r.header("Content-Encoding", std::string(enc));
  return r;
}

}  // namespace

std::string_view choose_encoding(std::string_view accept_encoding, const Asset& asset) {
  double br = -1, gzip = -1, any = -1;  // -1: not named
  while (!accept_encoding.empty()) {
    size_t comma = accept_encoding.find(',');
    std::string_view item = trim(accept_encoding.substr(0, comma));
    size_t semi = item.find(';');
    std::string_view coding = trim(item.substr(0, semi));
    double q = semi == std::string_view::npos ? 1.0 : weight(item.substr(semi + 1));
    if (iequals(coding, "br"))
      br = q;
    else if (iequals(coding, "gzip") || iequals(coding, "x-gzip"))
      gzip = q;
    else if (coding == "*")
      any = q;
    if (comma == std::string_view::npos) break;
    accept_encoding.remove_prefix(comma + 1);
  }
  if (br < 0) br = std::max(any, 0.0);
  if (gzip < 0) gzip = std::max(any, 0.0);
  if (asset.brotli.empty()) br = 0;
  if (asset.gzip.empty()) gzip = 0;
  if (br > 0 && br >= gzip) return "br";
  if (gzip > 0) return "gzip";
  return "";
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  auto opaque = [](std::string_view t) { return t.starts_with("W/") ? t.substr(2) : t; };
  if (trim(if_none_match) == "*") return true;
  while (!if_none_match.empty()) {
    size_t comma = if_none_match.find(',');
    if (opaque(trim(if_none_match.substr(0, comma))) == opaque(etag)) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

std::string content_security_policy(const std::vector<std::string>& peertube_hosts) {
  std::string frames = "https://www.youtube-nocookie.com https://player.vimeo.com";
  for (const std::string& host : peertube_hosts) frames += " https://" + host;
  // default-src 'self' also keeps scripts to the app's own files: no inline
  // script and no eval (HDR-02).
  return "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
         "frame-ancestors 'none'; frame-src " +
         frames;
}

void register_routes(http::Router& router, std::shared_ptr<const Site> site, const Settings& settings) {
  router.add_fallback(
      {.method = http::Method::Get,
       .pattern = "/*",
       .action = "webapp.read",
       .handler =
           [site = std::move(site), csp = content_security_policy(settings.peertube_hosts)](http::Request& req) {
             auto found = resolve(*site, req.path);
             if (!found) return http::problem(found.error(), req.request_id);
             return render(*found->asset, csp, req);
           },
       .summary = "The web app: its files, and its page at every other path"});
}

}  // namespace trivium::webapp
