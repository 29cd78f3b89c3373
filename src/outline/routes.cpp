// HTTP for outlines: parse -> call the service -> render. No handler checks
// roles: each route names its capability and its course or run context, and
// the policy has decided before the handler runs. Every module, unit and
// block id in a path is looked up within the course of the path (AC-02).

#include <boost/json/serialize.hpp>
#include <cctype>
#include <charconv>
#include <cstdio>

#include "core/json.h"
#include "core/pipeline.h"
#include "outline/internal.h"

namespace trivium::outline {
namespace {

using http::Request;
using http::Response;

constexpr size_t kMaxId = 64;
constexpr int64_t kMaxPosition = 100000;
constexpr size_t kMaxPrerequisites = 200;

Actor actor_of(const Request& req) {
  return Actor{req.subject.user_id, req.remote_ip, req.request_id};
}

Response problem(const Error& e, const Request& req) {
  return http::problem(e, req.request_id);
}

Response raw_json(int status, std::string body) {
  return Response{status, "application/json", std::move(body), {}};
}

Response respond_empty(const Result<void>& r, const Request& req) {
  if (!r) return problem(r.error(), req);
  return Response::no_content();
}

Response respond_text(Result<std::string>&& r, const Request& req) {
  if (!r) return problem(r.error(), req);
  return raw_json(200, std::move(*r));
}

bj::value render(const VersionInfo& v) {
  return bj::object{{"course_id", v.course_id},
                    {"version", v.version},
                    {"published_at", format_rfc3339(v.published_at_ms)},
                    {"published_by", v.published_by}};
}

std::optional<int> opt_int(const std::optional<int64_t>& v) {
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

// Takes `key` out of the body when it is JSON null: the field is present and
// clears the value (BodyReader reads null as absent).
bool take_null(bj::object& body, std::string_view key) {
  auto it = body.find(key);
  if (it == body.end() || !it->value().is_null()) return false;
  body.erase(it);
  return true;
}

// Takes the "settings" object out of the body (BodyReader has no object
// fields): nullopt if absent; Invalid if not an object.
Result<std::optional<std::string>> take_settings(bj::object& body) {
  auto it = body.find("settings");
  if (it == body.end()) return std::optional<std::string>{};
  if (!it->value().is_object()) return invalid("settings", "not_object", "Settings are a JSON object.");
  std::string text = bj::serialize(it->value());
  body.erase(it);
  return std::optional<std::string>(std::move(text));
}

// --- Draft -----------------------------------------------------------------

Response get_draft(Service& s, Request& req) {
  auto r = s.draft(req.param("course"));
  if (!r) return problem(r.error(), req);
  return json::response(200, outline_json(*r, nullptr));
}

Response create_module(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  json::BodyReader in(*body);
  NewModule m;
  m.title = in.required_string("title", 1, kMaxTitle).value_or("");
  m.prerequisites =
      in.optional_string_array("prerequisites", kMaxPrerequisites, kMaxId).value_or(std::vector<std::string>{});
  m.release_week = opt_int(in.optional_int("release_week", 0, kMaxReleaseWeek));
  m.position = opt_int(in.optional_int("position", 0, kMaxPosition));
  if (auto done = in.finish(); !done) return problem(done.error(), req);
  auto r = s.add_module(actor_of(req), req.param("course"), m);
  if (!r) return problem(r.error(), req);
  return json::response(201, module_json(*r, nullptr));
}

Response update_module(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  const bool clear_week = take_null(*body, "release_week");
  json::BodyReader in(*body);
  ModuleChange c;
  c.title = in.optional_string("title", 1, kMaxTitle);
  c.prerequisites = in.optional_string_array("prerequisites", kMaxPrerequisites, kMaxId);
  if (auto w = in.optional_int("release_week", 0, kMaxReleaseWeek)) c.release_week = opt_int(w);
  if (clear_week) c.release_week = std::optional<int>{};
  c.position = opt_int(in.optional_int("position", 0, kMaxPosition));
  if (auto done = in.finish(); !done) return problem(done.error(), req);
  auto r = s.update_module(actor_of(req), req.param("course"), req.param("module"), c);
  if (!r) return problem(r.error(), req);
  return json::response(200, module_json(*r, nullptr));
}

Response create_unit(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  json::BodyReader in(*body);
  NewUnit u;
  u.title = in.required_string("title", 1, kMaxTitle).value_or("");
  u.position = opt_int(in.optional_int("position", 0, kMaxPosition));
  if (auto done = in.finish(); !done) return problem(done.error(), req);
  auto r = s.add_unit(actor_of(req), req.param("course"), req.param("module"), u);
  if (!r) return problem(r.error(), req);
  return json::response(201, unit_json(*r, nullptr));
}

Response update_unit(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  json::BodyReader in(*body);
  UnitChange c;
  c.title = in.optional_string("title", 1, kMaxTitle);
  c.module_id = in.optional_string("module_id", 1, kMaxId);
  c.position = opt_int(in.optional_int("position", 0, kMaxPosition));
  if (auto done = in.finish(); !done) return problem(done.error(), req);
  auto r = s.update_unit(actor_of(req), req.param("course"), req.param("unit"), c);
  if (!r) return problem(r.error(), req);
  return json::response(200, unit_json(*r, nullptr));
}

Response create_block(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  auto settings = take_settings(*body);
  json::BodyReader in(*body);
  NewBlock b;
  b.type = in.required_enum("type", kBlockTypes).value_or("");
  b.title = in.required_string("title", 1, kMaxTitle).value_or("");
  b.position = opt_int(in.optional_int("position", 0, kMaxPosition));
  if (!settings) in.add_error("settings", "not_object", "Settings are a JSON object.");
  if (auto done = in.finish(); !done) return problem(done.error(), req);
  b.settings_json = settings->value_or("{}");
  auto r = s.add_block(actor_of(req), req.param("course"), req.param("unit"), b);
  if (!r) return problem(r.error(), req);
  return json::response(201, block_json(*r, nullptr));
}

Response update_block(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  auto settings = take_settings(*body);
  json::BodyReader in(*body);
  BlockChange c;
  c.title = in.optional_string("title", 1, kMaxTitle);
  c.unit_id = in.optional_string("unit_id", 1, kMaxId);
  c.position = opt_int(in.optional_int("position", 0, kMaxPosition));
  if (!settings) in.add_error("settings", "not_object", "Settings are a JSON object.");
  if (auto done = in.finish(); !done) return problem(done.error(), req);
  c.settings_json = *settings;
  auto r = s.update_block(actor_of(req), req.param("course"), req.param("block"), c);
  if (!r) return problem(r.error(), req);
  return json::response(200, block_json(*r, nullptr));
}

// --- Versions and views ----------------------------------------------------

Response publish(Service& s, Request& req) {
  auto r = s.publish(actor_of(req), req.param("course"));
  if (!r) return problem(r.error(), req);
  Response res = json::response(201, render(*r));
  res.header("Location", "/api/v1/courses/" + r->course_id + "/versions/" + std::to_string(r->version));
  return res;
}

Response list_versions(Service& s, Request& req) {
  auto r = s.versions(req.param("course"));
  if (!r) return problem(r.error(), req);
  bj::array items;
  for (const VersionInfo& v : *r) items.push_back(render(v));
  return json::response(200, bj::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
}

Response get_version(Service& s, Request& req) {
  const std::string& text = req.param("version");
  int n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 1)
    return problem(fail(ErrorKind::NotFound, "No such version of this course.").error, req);
  auto r = s.version(req.param("course"), n);
  if (!r) return problem(r.error(), req);
  std::string head = bj::serialize(render(r->first));
  head.pop_back();  // the closing brace: the snapshot goes in as "outline"
  return raw_json(200, head + ",\"outline\":" + r->second + "}");
}

Response run_outline(Service& s, Request& req) {
  auto tz = req.query_param("tz");
  if (tz && (tz->empty() || tz->size() > kMaxId))
    return problem(invalid("tz", "unknown", "Not a known IANA time zone.").error, req);
  return respond_text(s.run_outline_json(req.param("run"), tz), req);
}

Response put_release(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  json::BodyReader in(*body);
  auto text = in.required_string("release_at", 1, 40);
  std::optional<int64_t> at;
  if (text && !(at = parse_rfc3339(*text)))
    in.add_error("release_at", "format", "An RFC 3339 date-time, e.g. 2027-03-29T09:00:00+02:00.");
  if (auto done = in.finish(); !done) return problem(done.error(), req);
  auto r = s.set_release(actor_of(req), req.param("run"), req.param("module"), *at);
  if (!r) return problem(r.error(), req);
  return json::response(
      200, bj::object{
               {"run_id", req.param("run")}, {"module_id", req.param("module")}, {"release_at", format_rfc3339(*at)}});
}

// --- The table -------------------------------------------------------------

const http::ContextSpec kInCourse{"course", "course"};
const http::ContextSpec kInRun{"run", "run"};

http::Route route(http::Method method, std::string pattern, std::string action, http::ContextSpec context,
                  http::Handler handler, std::string summary) {
  http::Route r;
  r.method = method;
  r.pattern = std::move(pattern);
  r.action = std::move(action);
  r.context = std::move(context);
  r.handler = std::move(handler);
  r.summary = std::move(summary);
  if (method == http::Method::Post || method == http::Method::Patch || method == http::Method::Put)
    r.body = http::BodyKind::Json;
  return r;
}

}  // namespace

void register_routes(http::Router& router, Service& s) {
  using M = http::Method;
  auto h = [&s](Response (*fn)(Service&, Request&)) { return [&s, fn](Request& req) { return fn(s, req); }; };
  const std::string c = "/api/v1/courses/{course}";
  router.add(route(M::Get, c + "/draft", "outline.read_draft", kInCourse, h(get_draft),
                   "The draft outline (modules, units, blocks) as authors see it."));
  router.add(route(M::Post, c + "/modules", "outline.edit", kInCourse, h(create_module), "Add a module."));
  router.add(route(M::Patch, c + "/modules/{module}", "outline.edit", kInCourse, h(update_module),
                   "Change or move a module."));
  router.add(route(
      M::Delete, c + "/modules/{module}", "outline.edit", kInCourse,
      [&s](Request& req) {
        return respond_empty(s.delete_module(actor_of(req), req.param("course"), req.param("module")), req);
      },
      "Delete a module with its units and blocks."));
  router.add(route(M::Post, c + "/modules/{module}/units", "outline.edit", kInCourse, h(create_unit),
                   "Add a unit to a module."));
  router.add(route(M::Patch, c + "/units/{unit}", "outline.edit", kInCourse, h(update_unit), "Change or move a unit."));
  router.add(route(
      M::Delete, c + "/units/{unit}", "outline.edit", kInCourse,
      [&s](Request& req) {
        return respond_empty(s.delete_unit(actor_of(req), req.param("course"), req.param("unit")), req);
      },
      "Delete a unit with its blocks."));
  router.add(
      route(M::Post, c + "/units/{unit}/blocks", "outline.edit", kInCourse, h(create_block), "Add a block to a unit."));
  router.add(
      route(M::Patch, c + "/blocks/{block}", "outline.edit", kInCourse, h(update_block), "Change or move a block."));
  router.add(route(
      M::Delete, c + "/blocks/{block}", "outline.edit", kInCourse,
      [&s](Request& req) {
        return respond_empty(s.delete_block(actor_of(req), req.param("course"), req.param("block")), req);
      },
      "Delete a block."));
  router.add(route(M::Post, c + "/publish", "outline.publish", kInCourse, h(publish),
                   "Publish the draft as the next version."));
  router.add(route(M::Get, c + "/versions", "outline.versions.read", kInCourse, h(list_versions),
                   "List the published versions, newest first."));
  router.add(route(M::Get, c + "/versions/{version}", "outline.versions.read", kInCourse, h(get_version),
                   "One published version with its outline."));
  router.add(route(
      M::Get, c + "/syllabus", "outline.syllabus.read", kInCourse,
      [&s](Request& req) { return respond_text(s.syllabus_json(req.param("course")), req); },
      "Module and unit titles of the latest publication."));
  router.add(route(M::Get, "/api/v1/runs/{run}/outline", "outline.run.read", kInRun, h(run_outline),
                   "A run's published outline with release dates in the viewer's time zone."));
  router.add(route(M::Put, "/api/v1/runs/{run}/releases/{module}", "outline.releases.manage", kInRun, h(put_release),
                   "Set a run's explicit release date of a module."));
  router.add(route(
      M::Delete, "/api/v1/runs/{run}/releases/{module}", "outline.releases.manage", kInRun,
      [&s](Request& req) {
        return respond_empty(s.clear_release(actor_of(req), req.param("run"), req.param("module")), req);
      },
      "Clear a run's explicit release date of a module (back to the schedule)."));
}

}  // namespace trivium::outline
