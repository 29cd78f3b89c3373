// HTTP for the audit log: parse the filters, ask the log, render the page.

#include <charconv>
#include <string>

#include "audit/audit.h"
#include "core/json.h"
#include "core/pipeline.h"

namespace trivium::audit {
namespace {

namespace bj = boost::json;

constexpr int kDefaultPage = 50;
constexpr int kMaxPage = 200;

// An optional text filter from the query string; "" counts as absent.
std::optional<std::string> text_filter(const http::Request& req, std::string_view name,
                                       std::vector<FieldError>& errors) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return std::nullopt;
  if (v->size() > 100) {
    errors.push_back({std::string(name), "too_long", "At most 100 characters."});
    return std::nullopt;
  }
  return v;
}

// The filters of a list request; Invalid lists every bad parameter.
Result<Query> parse_query(const http::Request& req) {
  std::vector<FieldError> errors;
  Query q;
  q.action = text_filter(req, "action", errors);
  q.actor_id = text_filter(req, "actor", errors);
  q.before_id = text_filter(req, "before", errors);
  q.limit = kDefaultPage;
  if (auto limit = req.query_param("limit"); limit && !limit->empty()) {
    int n = 0;
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), n);
    if (ec != std::errc() || end != limit->data() + limit->size() || n < 1 || n > kMaxPage) {
      errors.push_back({"limit", "out_of_range", "An integer from 1 to 200."});
    } else {
      q.limit = n;
    }
  }
  if (!errors.empty()) {
    Error e{ErrorKind::Invalid, "The request has invalid query parameters.", std::move(errors), 0};
    return fail(std::move(e));
  }
  return q;
}

bj::value text_or_null(const std::string& s) {
  if (s.empty()) return nullptr;
  return bj::value(s);
}

bj::object render(const Entry& entry) {
  const Event& ev = entry.event;
  bj::object o;
  o["id"] = entry.id;
  o["at"] = format_rfc3339(entry.at_ms);
  o["action"] = ev.action;
  o["actor_id"] = text_or_null(ev.actor_id);
  o["organisation_id"] = text_or_null(ev.organisation_id);
  if (ev.target_kind.empty() && ev.target_id.empty()) {
    o["target"] = nullptr;
  } else {
    o["target"] = bj::object{{"kind", text_or_null(ev.target_kind)}, {"id", text_or_null(ev.target_id)}};
  }
  o["ip"] = text_or_null(ev.ip);
  o["request_id"] = text_or_null(ev.request_id);
  auto detail = json::parse(ev.detail_json);
  o["detail"] = (detail && detail->is_object()) ? *detail : bj::value(bj::object{});
  return o;
}

// One page, newest first; `organisation_id` pins the organisation when the
// route is organisation-scoped (taken from the path, never from the client's
// filters: AC-04).
http::Response list_page(AuditLog& log, const http::Request& req, std::optional<std::string> organisation_id) {
  auto q = parse_query(req);
  if (!q) return http::problem(q.error(), req.request_id);
  q->organisation_id = std::move(organisation_id);
  const int page = q->limit;
  q->limit = page + 1;
  auto entries = log.list(*q);
  if (!entries) return http::problem(entries.error(), req.request_id);
  bj::array items;
  const size_t shown = std::min(entries->size(), static_cast<size_t>(page));
  for (size_t i = 0; i < shown; ++i) items.push_back(render((*entries)[i]));
  bj::value next = nullptr;
  if (entries->size() > shown) next = bj::value((*entries)[shown - 1].id);
  return json::response(200, bj::object{{"items", std::move(items)}, {"next_cursor", next}});
}

http::Route get_route(std::string pattern, std::string action, http::ContextSpec ctx, http::Handler handler,
                      std::string summary) {
  http::Route r;
  r.method = http::Method::Get;
  r.pattern = std::move(pattern);
  r.action = std::move(action);
  r.context = std::move(ctx);
  r.handler = std::move(handler);
  r.summary = std::move(summary);
  return r;
}

}  // namespace

void register_routes(http::Router& router, AuditLog& log) {
  router.add(get_route(
      "/api/v1/audit", "platform.audit.read", {},
      [&log](http::Request& req) { return list_page(log, req, std::nullopt); },
      "List audit events of the whole platform, newest first."));
  router.add(get_route(
      "/api/v1/orgs/{org}/audit", "org.audit.read", {"organisation", "org"},
      [&log](http::Request& req) { return list_page(log, req, req.param("org")); },
      "List audit events of one organisation, newest first."));
}

}  // namespace trivium::audit
