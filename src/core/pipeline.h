// The middleware chain every request goes through, independent of the
// transport: request id -> route match (404/405) -> body checks (413/415) ->
// authentication -> CSRF check -> per-client throttle -> authorisation ->
// handler -> security headers, metrics and the access log. The HTTP server
// (core/http_server.cpp) only moves bytes and calls into this.
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/config.h"
#include "core/http.h"
#include "core/result.h"

namespace trivium::http {

// Establishes who is calling (session cookie or bearer token). Returns an
// anonymous Subject when the request carries no credentials, and
// Unauthenticated when it carries credentials that are not valid.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual Result<Subject> authenticate(const Request& req) = 0;
};

// The central authorisation policy, asked before every handler runs.
class Authorizer {
 public:
  virtual ~Authorizer() = default;
  virtual Result<void> authorize(const Request& req, const Route& route) = 0;
};

class Metrics;
class RateLimiter;

// Renders an error as an RFC 9457 problem document (application/problem+json).
Response problem(const Error& err, std::string_view request_id);
// The stable `type` URI of an error kind.
std::string_view problem_type(ErrorKind kind);

// Steady-clock nanoseconds, for request durations.
int64_t monotonic_ns();

class Pipeline {
 public:
  Pipeline(const Config& config, const Clock& clock, Router& router, Authenticator& authn,
           Authorizer& authz);
  ~Pipeline();

  // First half, on the I/O thread: everything up to and including
  // authorisation. Returns the route to run, or sets `out` to the final
  // response (an error or a 304-like shortcut) and returns nullptr.
  const Route* prepare(Request& req, Response& out);
  // Second half: runs the handler; turns an escaping exception into a logged 500.
  void run(const Route& route, Request& req, Response& out);
  // Adds common headers, records metrics and writes the access log line.
  void finish(const Request& req, const Route* route, Response& res, int64_t started_ns);

  // Called by the server for requests it rejects before they are complete
  // (oversize, malformed), so they are counted and logged like the others.
  Response reject(Request& req, const Error& err, int64_t started_ns);

  // The largest body the route for this request accepts (the server's
  // default for unknown routes), asked once the headers are read.
  size_t body_limit(std::string_view method, std::string_view target) const;

  Metrics& metrics();
  RateLimiter& rate_limiter();
  // Whether the route runs on the blocking pool.
  static bool offloaded(const Route& route);

 private:
  const Config& config_;
  const Clock& clock_;
  Router& router_;
  Authenticator& authn_;
  Authorizer& authz_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<RateLimiter> limiter_;
};

}  // namespace trivium::http
