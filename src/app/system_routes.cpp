// Routes that belong to the running service rather than to a capability:
// health, readiness, metrics, the OpenAPI document and, only when enabled,
// the TEST_ hooks used by the integration suite.
#include "app/system_routes.h"

#include "core/json.h"
#include "core/pipeline.h"
#include "core/metrics.h"

namespace trivium::app {

std::vector<authz::Capability> system_capabilities() {
  return {
      {"system.health", "Probe whether the process is up and the store reachable", true, false, false, {}},
      {"system.metrics.read", "Read Prometheus metrics", true, false, false, {}},
      {"system.api.describe", "Read the OpenAPI document", true, false, false, {}},
      {"system.test_hooks", "Move the server clock in tests (only with TRIVIUM_TEST_HOOKS=1)", true, false, false,
       {}},
  };
}

void register_system_routes(http::Router& router, SystemDeps deps) {
  using http::Method;
  router.add({.method = Method::Get,
              .pattern = "/healthz",
              .action = "system.health",
              .handler = [](http::Request&) { return json::response(200, {{"status", "ok"}}); },
              .summary = "The process is up"});
  router.add({.method = Method::Get,
              .pattern = "/readyz",
              .action = "system.health",
              .handler =
                  [&store = deps.store](http::Request& req) {
                    if (auto ok = store.ping(); !ok)
                      return http::problem({ErrorKind::Unavailable, "The store does not answer.", {}, 0},
                                           req.request_id);
                    return json::response(200, {{"status", "ready"}});
                  },
              .summary = "The store answers"});
  router.add({.method = Method::Get,
              .pattern = "/metrics",
              .action = "system.metrics.read",
              .handler =
                  [metrics = deps.metrics](http::Request&) {
                    http::Response r;
                    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
                    r.body = (*metrics)->render();
                    return r;
                  },
              .summary = "Prometheus metrics"});
  router.add({.method = Method::Get,
              .pattern = "/api/v1/openapi.json",
              .action = "system.api.describe",
              .handler =
                  [doc = deps.openapi](http::Request&) {
                    http::Response r;
                    r.content_type = "application/json";
                    r.body = std::string(doc);
                    r.header("Cache-Control", "no-cache");
                    return r;
                  },
              .summary = "This API's OpenAPI 3.1 document"});
  if (deps.test_clock) {
    router.add({.method = Method::Post,
                .pattern = "/api/v1/test/clock",
                .action = "system.test_hooks",
                .handler =
                    [clock = deps.test_clock](http::Request& req) {
                      auto body = json::parse_object(req.body);
                      if (!body) return http::problem(body.error(), req.request_id);
                      json::BodyReader r(*body);
                      auto ms = r.required_int("advance_ms", 0, int64_t{400} * 24 * 3600 * 1000);
                      if (auto done = r.finish(); !done) return http::problem(done.error(), req.request_id);
                      clock->TEST_advance(*ms);
                      return json::response(200, {{"now", format_rfc3339(clock->now_ms())}});
                    },
                .body = http::BodyKind::Json,
                .summary = "TEST hook: move the server clock forward"});
  }
}

}  // namespace trivium::app
