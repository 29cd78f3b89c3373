#include "core/pipeline.h"

#include <boost/json/serialize.hpp>
#include <chrono>
#include <spdlog/spdlog.h>

#include "core/ids.h"
#include "core/json.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/rate_limit.h"

namespace trivium::http {
namespace {

struct ProblemInfo {
  int status;
  std::string_view type;
  std::string_view title;
};

ProblemInfo info(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::BadRequest: return {400, "urn:trivium:problem:bad-request", "Bad request"};
    case ErrorKind::Invalid: return {422, "urn:trivium:problem:invalid", "Invalid request"};
    case ErrorKind::Unauthenticated: return {401, "urn:trivium:problem:unauthenticated", "Authentication required"};
    case ErrorKind::Forbidden: return {403, "urn:trivium:problem:forbidden", "Forbidden"};
    case ErrorKind::NotFound: return {404, "urn:trivium:problem:not-found", "Not found"};
    case ErrorKind::Conflict: return {409, "urn:trivium:problem:conflict", "Conflict"};
    case ErrorKind::PreconditionFailed: return {412, "urn:trivium:problem:precondition-failed", "Precondition failed"};
    case ErrorKind::PayloadTooLarge: return {413, "urn:trivium:problem:payload-too-large", "Payload too large"};
    case ErrorKind::UnsupportedMediaType:
      return {415, "urn:trivium:problem:unsupported-media-type", "Unsupported media type"};
    case ErrorKind::RateLimited: return {429, "urn:trivium:problem:rate-limited", "Too many requests"};
    case ErrorKind::Unavailable: return {503, "urn:trivium:problem:unavailable", "Service unavailable"};
    case ErrorKind::Internal: break;
  }
  return {500, "urn:trivium:problem:internal", "Internal error"};
}

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

bool is_json_media_type(std::string_view ct) {
  size_t semi = ct.find(';');
  std::string_view base = ct.substr(0, semi);
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  std::string lower(base);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "application/json") return true;
  // application/problem+json, application/merge-patch+json, ...
  return lower.starts_with("application/") && lower.ends_with("+json");
}

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The host[:port] of an Origin header value ("https://a.example:8443").
std::string_view origin_host(std::string_view origin) {
  size_t scheme = origin.find("://");
  return scheme == std::string_view::npos ? origin : origin.substr(scheme + 3);
}

}  // namespace

std::string_view problem_type(ErrorKind kind) { return info(kind).type; }

Response problem(const Error& err, std::string_view request_id) {
  ProblemInfo pi = info(err.kind);
  boost::json::object doc;
  doc["type"] = pi.type;
  doc["title"] = pi.title;
  doc["status"] = pi.status;
  doc["detail"] = err.detail.empty() ? std::string(pi.title) + "." : err.detail;
  if (!request_id.empty()) doc["request_id"] = request_id;
  if (!err.fields.empty()) {
    boost::json::array errors;
    for (const auto& f : err.fields) errors.push_back({{"field", f.field}, {"code", f.code}, {"message", f.message}});
    doc["errors"] = std::move(errors);
  }
  Response r;
  r.status = pi.status;
  r.content_type = "application/problem+json";
  r.body = boost::json::serialize(doc);
  if (err.kind == ErrorKind::RateLimited) r.header("Retry-After", std::to_string(std::max(1, err.retry_after_s)));
  return r;
}

Pipeline::Pipeline(const Config& config, const Clock& clock, Router& router, Authenticator& authn,
                   Authorizer& authz)
    : config_(config),
      clock_(clock),
      router_(router),
      authn_(authn),
      authz_(authz),
      metrics_(std::make_unique<Metrics>(router)),
      limiter_(std::make_unique<RateLimiter>(clock, config.auth_requests_per_ip_per_minute, config.auth_burst_per_ip)) {}

Pipeline::~Pipeline() = default;

Metrics& Pipeline::metrics() { return *metrics_; }
RateLimiter& Pipeline::rate_limiter() { return *limiter_; }

size_t Pipeline::body_limit(std::string_view method, std::string_view target) const {
  std::string_view path = target.substr(0, target.find('?'));
  Match m = router_.match(parse_method(method), path);
  if (m.kind == Match::Kind::Found && m.route->max_body) return m.route->max_body;
  return config_.max_body_bytes;
}

bool Pipeline::offloaded(const Route& route) { return route.offload.value_or(!is_safe(route.method)); }

const Route* Pipeline::prepare(Request& req, Response& out) {
  req.received_ms = clock_.now_ms();
  auto incoming = req.header("X-Request-Id");
  req.request_id = incoming && valid_request_id(*incoming) ? std::string(*incoming) : request_id();

  Match m = router_.match(req.method, req.path);
  if (m.kind == Match::Kind::NotFound) {
    out = problem({ErrorKind::NotFound, "No resource at this path.", {}, 0}, req.request_id);
    return nullptr;
  }
  if (m.kind == Match::Kind::MethodNotAllowed) {
    out = problem({ErrorKind::Conflict, "This resource does not accept " + std::string(req.method_text) + ".", {}, 0},
                  req.request_id);
    out.status = 405;
    out.body = json::serialize(boost::json::value{{"type", "urn:trivium:problem:method-not-allowed"},
                                                   {"title", "Method not allowed"},
                                                   {"status", 405},
                                                   {"detail", "Allowed: " + m.allow + "."},
                                                   {"request_id", req.request_id}});
    out.header("Allow", m.allow);
    return nullptr;
  }
  const Route& route = *m.route;
  req.params = std::move(m.params);

  const size_t limit = route.max_body ? route.max_body : config_.max_body_bytes;
  if (req.body.size() > limit) {
    out = problem({ErrorKind::PayloadTooLarge, "The body is larger than " + std::to_string(limit) + " bytes.", {}, 0},
                  req.request_id);
    return nullptr;
  }
  if (route.body == BodyKind::Json) {
    auto ct = req.header("Content-Type");
    if ((ct && !is_json_media_type(*ct)) || (!ct && !req.body.empty())) {
      out = problem({ErrorKind::UnsupportedMediaType, "This resource accepts application/json only.", {}, 0},
                    req.request_id);
      return nullptr;
    }
  }

  auto subject = authn_.authenticate(req);
  if (!subject) {
    out = problem(subject.error(), req.request_id);
    return nullptr;
  }
  req.subject = std::move(*subject);

  if (!is_safe(req.method)) {
    // A browser always sends Origin on cross-site unsafe requests; refusing
    // a foreign one also covers login CSRF (CSRF-05).
    if (auto origin = req.header("Origin"); origin && *origin != "null") {
      auto host = req.header("Host");
      if (!host || origin_host(*origin) != *host) {
        out = problem({ErrorKind::Forbidden, "Cross-origin request refused (CSRF protection).", {}, 0}, req.request_id);
        return nullptr;
      }
    }
    if (req.subject.via == Subject::Via::Cookie) {
      auto token = req.header("X-CSRF-Token");
      if (!token || !equal_secret(*token, req.subject.csrf_token)) {
        out = problem({ErrorKind::Forbidden, "The CSRF token is missing or wrong (send X-CSRF-Token).", {}, 0},
                      req.request_id);
        return nullptr;
      }
    }
  }

  if (route.throttle == Throttle::Auth) {
    if (int wait = limiter_->acquire("auth|" + req.remote_ip); wait > 0) {
      out = problem({ErrorKind::RateLimited, "Too many attempts from this address; retry later.", {}, wait},
                    req.request_id);
      return nullptr;
    }
  }

  if (auto allowed = authz_.authorize(req, route); !allowed) {
    out = problem(allowed.error(), req.request_id);
    return nullptr;
  }
  return &route;
}

void Pipeline::run(const Route& route, Request& req, Response& out) {
  try {
    out = route.handler(req);
  } catch (const std::exception& e) {
    spdlog::error("request {} {} {} failed: {}", req.request_id, req.method_text, route.pattern, e.what());
    out = problem({ErrorKind::Internal, "An internal error occurred; it was logged with the request id.", {}, 0},
                  req.request_id);
  }
  if (out.status >= 500 && out.status != 503)
    spdlog::error("request {} {} {} answered {}", req.request_id, req.method_text, route.pattern, out.status);
}

void Pipeline::finish(const Request& req, const Route* route, Response& res, int64_t started_ns) {
  const double seconds = static_cast<double>(now_ns() - started_ns) / 1e9;
  metrics_->observe(route, req.method, res.status, seconds);
  if (auto* log = access_log()) {
    log->record({req.method_text, req.target, req.request_id, req.remote_ip, req.subject.user_id, res.status,
                 res.file ? static_cast<size_t>(res.file->length) : res.body.size(), seconds * 1000});
  }
}

Response Pipeline::reject(Request& req, const Error& err, int64_t started_ns) {
  if (req.request_id.empty()) req.request_id = request_id();
  Response r = problem(err, req.request_id);
  finish(req, nullptr, r, started_ns);
  return r;
}

int64_t monotonic_ns() { return now_ns(); }

}  // namespace trivium::http
