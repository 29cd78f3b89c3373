// HTTP for courses and runs: parse -> call the service -> render. No handler
// checks roles: each route names its capability and context, and the policy
// has decided before the handler runs.

#include <charconv>

#include "core/pipeline.h"
#include "courses/http_io.h"
#include "courses/internal.h"

namespace trivium::courses {
namespace {

namespace bj = boost::json;
using http::Request;
using http::Response;

Actor actor_of(const Request& req) {
  return Actor{req.subject.user_id, req.remote_ip, req.request_id};
}

Response problem(const Error& e, const Request& req) {
  return http::problem(e, req.request_id);
}

// ?tz= names the viewer's zone for the local-time strings; an unknown zone
// is a 422 rather than silently ignored.
Result<std::optional<std::string>> viewer_zone(const Request& req) {
  auto tz = req.query_param("tz");
  if (!tz || tz->empty()) return std::optional<std::string>{};
  if (!is_time_zone(*tz)) return invalid("tz", "unknown_zone", "An IANA time zone name.");
  return std::optional<std::string>(*tz);
}

Response course_response(const Result<Course>& r, const Request& req, int status = 200) {
  if (!r) return problem(r.error(), req);
  Response res = json::response(status, io::render(*r));
  if (status == 201) res.header("Location", "/api/v1/courses/" + r->id);
  return res;
}

// `tz` is checked before any change is made: a bad one refuses the request
// instead of answering 422 for a change that was applied.
Response run_response(const Result<CourseRun>& r, const std::optional<std::string>& tz, const Request& req,
                      int status = 200) {
  if (!r) return problem(r.error(), req);
  Response res = json::response(status, io::render(*r, tz));
  if (status == 201) res.header("Location", "/api/v1/runs/" + r->id);
  return res;
}

Response empty_response(const Result<void>& r, const Request& req) {
  if (!r) return problem(r.error(), req);
  return Response::no_content();
}

// --- Courses ---------------------------------------------------------------

Response create_course(Service& s, Request& req) {
  auto in = io::parse_new_course(req.body, req.param("org"));
  if (!in) return problem(in.error(), req);
  return course_response(s.create_course(actor_of(req), *in), req, 201);
}

Response update_course(Service& s, Request& req) {
  auto change = io::parse_course_change(req.body);
  if (!change) return problem(change.error(), req);
  return course_response(s.update_course(actor_of(req), req.param("course"), *change), req);
}

Result<int> limit_of(const Request& req) {
  auto l = req.query_param("limit");
  if (!l || l->empty()) return kDefaultPage;
  int n = 0;
  auto [end, ec] = std::from_chars(l->data(), l->data() + l->size(), n);
  if (ec != std::errc() || end != l->data() + l->size() || n < 1 || n > kMaxPage) {
    return invalid("limit", "out_of_range", "An integer from 1 to 100.");
  }
  return n;
}

Response search(Service& s, Request& req) {
  CatalogQuery q;
  q.q = req.query_param("q").value_or("");
  q.form = req.query_param("form");
  q.language = req.query_param("language");
  q.organisation_id = req.query_param("organisation");
  q.skill = req.query_param("skill");
  q.when = req.query_param("when");
  q.cursor = req.query_param("cursor").value_or("");
  auto limit = limit_of(req);
  if (!limit) return problem(limit.error(), req);
  q.limit = *limit;
  auto tz = viewer_zone(req);
  if (!tz) return problem(tz.error(), req);
  // The anonymous catalog is the same for every visitor: its rendered pages
  // are kept (the hot path of a MOOC platform's home page).
  const bool anonymous = req.subject.user_id.empty();
  std::string key;
  if (anonymous) {
    for (const auto& part : {std::optional<std::string>(q.q), q.form, q.language, q.organisation_id, q.skill, q.when,
                             std::optional<std::string>(q.cursor), *tz}) {
      key += part ? *part : std::string("\x01");
      key += '\0';
    }
    key += std::to_string(q.limit);
    if (auto hit = s.cached_catalog_page(key)) return Response{200, "application/json", *hit, {}};
  }
  const uint64_t generation = s.catalog_generation();
  auto page = s.search(Viewer{req.subject.user_id, req.subject.platform_admin}, q);
  if (!page) return problem(page.error(), req);
  bj::array items;
  for (const CatalogEntry& e : page->items) items.push_back(io::render(e, *tz));
  bj::value next = nullptr;
  if (page->next_cursor) next = *page->next_cursor;
  Response res = json::response(200, bj::object{{"items", std::move(items)}, {"next_cursor", next}});
  if (anonymous) s.keep_catalog_page(key, generation, std::make_shared<const std::string>(res.body));
  return res;
}

// --- Runs ------------------------------------------------------------------

Response list_runs(Service& s, Request& req) {
  auto runs = s.list_runs(req.param("course"));
  if (!runs) return problem(runs.error(), req);
  auto tz = viewer_zone(req);
  if (!tz) return problem(tz.error(), req);
  bj::array items;
  for (const CourseRun& r : *runs) items.push_back(io::render(r, *tz));
  return json::response(200, bj::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
}

Response create_run(Service& s, Request& req) {
  auto tz = viewer_zone(req);
  if (!tz) return problem(tz.error(), req);
  auto in = io::parse_new_run(req.body);
  if (!in) return problem(in.error(), req);
  return run_response(s.create_run(actor_of(req), req.param("course"), *in), *tz, req, 201);
}

Response update_run(Service& s, Request& req) {
  auto tz = viewer_zone(req);
  if (!tz) return problem(tz.error(), req);
  auto change = io::parse_run_change(req.body);
  if (!change) return problem(change.error(), req);
  return run_response(s.update_run(actor_of(req), req.param("run"), *change), *tz, req);
}

Response derive_spoc(Service& s, Request& req) {
  auto tz = viewer_zone(req);
  if (!tz) return problem(tz.error(), req);
  auto in = io::parse_derivation(req.body, req.param("run"));
  if (!in) return problem(in.error(), req);
  auto r = s.derive_spoc(actor_of(req), *in);
  if (!r) return problem(r.error(), req);
  Response res = json::response(201, bj::object{{"course", io::render(r->first)}, {"run", io::render(r->second, *tz)}});
  res.header("Location", "/api/v1/courses/" + r->first.id);
  return res;
}

// --- Staff -----------------------------------------------------------------

Response list_staff(Service& s, Request& req, const std::string& kind) {
  auto staff = s.staff({kind, req.param(kind)});
  if (!staff) return problem(staff.error(), req);
  bj::array items;
  for (const auto& [user, roles] : *staff) {
    bj::array r;
    for (const std::string& role : roles) r.emplace_back(role);
    items.push_back(bj::object{{"user_id", user}, {"roles", std::move(r)}});
  }
  return json::response(200, bj::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
}

// --- The table -------------------------------------------------------------

http::Route route(http::Method method, std::string pattern, std::string action, http::ContextSpec context,
                  http::Handler handler, std::string summary) {
  http::Route r;
  r.method = method;
  r.pattern = std::move(pattern);
  r.action = std::move(action);
  r.context = std::move(context);
  r.handler = std::move(handler);
  r.summary = std::move(summary);
  if (method == http::Method::Post || method == http::Method::Patch) r.body = http::BodyKind::Json;
  return r;
}

void register_staff_routes(http::Router& router, Service& s, const std::string& kind) {
  using M = http::Method;
  const std::string base = "/api/v1/" + kind + "s/{" + kind + "}/staff";
  const http::ContextSpec ctx{kind, kind};
  router.add(route(
      M::Get, base, kind + ".staff.read", ctx, [&s, kind](Request& req) { return list_staff(s, req, kind); },
      "List the staff of a " + kind + " with their roles."));
  router.add(route(
      M::Put, base + "/{user}/{role}", kind + ".staff.manage", ctx,
      [&s, kind](Request& req) {
        return empty_response(s.grant(actor_of(req), {kind, req.param(kind)}, req.param("user"), req.param("role")),
                              req);
      },
      "Grant a staff role (author, trainer, observer) in a " + kind + "."));
  router.add(route(
      M::Delete, base + "/{user}/{role}", kind + ".staff.manage", ctx,
      [&s, kind](Request& req) {
        return empty_response(s.revoke(actor_of(req), {kind, req.param(kind)}, req.param("user"), req.param("role")),
                              req);
      },
      "Revoke a staff role in a " + kind + "."));
}

}  // namespace

void register_routes(http::Router& router, Service& s) {
  using M = http::Method;
  auto h = [&s](Response (*fn)(Service&, Request&)) { return [&s, fn](Request& req) { return fn(s, req); }; };
  const http::ContextSpec in_org{"organisation", "org"}, in_course{"course", "course"}, in_run{"run", "run"};
  router.add(route(M::Post, "/api/v1/orgs/{org}/courses", "courses.create", in_org, h(create_course),
                   "Create a course in one of the forms mooc, cooc_internal, cooc_external, spoc."));
  router.add(route(M::Get, "/api/v1/courses", "courses.search", {}, h(search),
                   "Search the catalog the caller may see (q, form, language, organisation, skill, when)."));
  router.add(route(
      M::Get, "/api/v1/courses/{course}", "course.view", in_course,
      [&s](Request& req) { return course_response(s.get_course(req.param("course")), req); },
      "Get a course with its effective settings."));
  router.add(route(M::Patch, "/api/v1/courses/{course}", "course.edit", in_course, h(update_course),
                   "Change a course's fields or settings."));
  router.add(route(M::Get, "/api/v1/courses/{course}/runs", "course.view", in_course, h(list_runs),
                   "List the runs of a course."));
  router.add(route(M::Post, "/api/v1/courses/{course}/runs", "course.edit", in_course, h(create_run),
                   "Add a run to a course."));
  router.add(route(
      M::Get, "/api/v1/runs/{run}", "run.view", in_run,
      [&s](Request& req) {
        auto tz = viewer_zone(req);
        if (!tz) return problem(tz.error(), req);
        return run_response(s.get_run(req.param("run")), *tz, req);
      },
      "Get a run with its dates in UTC and local time."));
  router.add(route(M::Patch, "/api/v1/runs/{run}", "run.manage", in_run, h(update_run),
                   "Change a run's title, dates, time zone or schedule."));
  router.add(route(M::Post, "/api/v1/runs/{run}/spocs", "run.derive_spoc", in_run, h(derive_spoc),
                   "Derive a SPOC (course and run) from a run of a MOOC or COOC."));
  register_staff_routes(router, s, "course");
  register_staff_routes(router, s, "run");
}

}  // namespace trivium::courses
