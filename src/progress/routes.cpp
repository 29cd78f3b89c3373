// HTTP for progress: parse -> call the service -> render. Each route names
// its capability; the policy decides on the run context before any handler.

#include <boost/json/parse.hpp>
#include <charconv>

#include "core/json.h"
#include "core/pipeline.h"
#include "progress/progress.h"

namespace trivium::progress {
namespace {

namespace bj = boost::json;
using http::Request;
using http::Response;

bj::value time_or_null(const std::optional<int64_t>& ms) {
  if (!ms) return nullptr;
  return bj::value(format_rfc3339(*ms));
}

bj::value number_or_null(const std::optional<double>& x) {
  if (!x) return nullptr;
  return bj::value(*x);
}

bj::object render(const BlockState& s) {
  return bj::object{{"block_id", s.block_id},
                    {"completion", s.completion},
                    {"viewed", s.viewed},
                    {"completed", s.completed},
                    {"completed_at", time_or_null(s.completed_at_ms)},
                    {"last_report_at", time_or_null(s.last_report_ms)},
                    {"position_seconds", s.position_seconds},
                    {"duration_seconds", number_or_null(s.duration_seconds)},
                    {"watched_seconds", s.watched_seconds},
                    {"watched_fraction", s.watched_fraction}};
}

bj::value render(const std::optional<Resume>& r) {
  if (!r) return nullptr;
  return bj::object{{"module_id", r->module_id}, {"unit_id", r->unit_id}, {"block_id", r->block_id},
                    {"title", r->title},         {"type", r->type},       {"position_seconds", r->position_seconds}};
}

bj::object render(const RunProgress& p) {
  bj::array modules;
  for (const ModuleProgress& m : p.modules) {
    bj::array units;
    for (const UnitProgress& u : m.units) {
      bj::array blocks;
      for (const BlockState& b : u.blocks) blocks.push_back(render(b));
      units.push_back(bj::object{{"id", u.id},
                                 {"title", u.title},
                                 {"counted", u.counted},
                                 {"completed", u.completed},
                                 {"percent", percent(u.completed, u.counted)},
                                 {"blocks", std::move(blocks)}});
    }
    bj::array missing;
    for (const std::string& id : m.missing_prerequisites) missing.emplace_back(id);
    modules.push_back(bj::object{{"id", m.id},
                                 {"title", m.title},
                                 {"counted", m.counted},
                                 {"completed", m.completed},
                                 {"percent", percent(m.completed, m.counted)},
                                 {"release_at", time_or_null(m.release_at_ms)},
                                 {"released", m.released},
                                 {"missing_prerequisites", std::move(missing)},
                                 {"open", m.open()},
                                 {"units", std::move(units)}});
  }
  return bj::object{{"run_id", p.run_id},
                    {"course_id", p.course_id},
                    {"counted", p.counted},
                    {"completed", p.completed},
                    {"percent", percent(p.completed, p.counted)},
                    {"completed_at", time_or_null(p.completed_at_ms)},
                    {"time_on_task_seconds", p.time_on_task_ms / 1000},
                    {"last_activity_at", time_or_null(p.last_activity_ms)},
                    {"resume", render(p.resume)},
                    {"modules", std::move(modules)}};
}

Response problem(const Error& e, const Request& req) {
  return http::problem(e, req.request_id);
}

Response open_block(Service& s, Request& req) {
  auto view = s.open_block(req.subject.user_id, req.param("run"), req.param("block"));
  if (!view) return problem(view.error(), req);
  boost::system::error_code ec;
  bj::value block = bj::parse(view->block.json, ec);
  if (ec) return problem(Error{ErrorKind::Internal, "a published block is not readable", {}, 0}, req);
  return json::response(200, bj::object{{"run_id", req.param("run")},
                                        {"module_id", view->module_id},
                                        {"unit_id", view->unit_id},
                                        {"block", std::move(block)},
                                        {"progress", view->state ? bj::value(render(*view->state)) : nullptr}});
}

Result<Report> report_of(const Request& req) {
  TRV_ASSIGN(bj::object body, json::parse_object(req.body));
  json::BodyReader in(body);
  auto type = in.required_enum("type", {"viewed", "played", "position"});
  // A day of media at most; positions and segments are seconds.
  constexpr double kMaxSeconds = 86400;
  auto from = in.optional_number("from", 0, kMaxSeconds);
  auto to = in.optional_number("to", 0, kMaxSeconds);
  auto position = in.optional_number("position", 0, kMaxSeconds);
  auto duration = in.optional_number("duration", 0.001, kMaxSeconds);
  Report r;
  if (type == "played") {
    r.kind = Report::Kind::Played;
    if (!from && !in.has("from")) in.add_error("from", "required", "Where the played segment starts (seconds).");
    if (!to && !in.has("to")) in.add_error("to", "required", "Where the played segment ends (seconds).");
  } else if (type == "position") {
    r.kind = Report::Kind::Position;
    if (!position && !in.has("position")) in.add_error("position", "required", "Where the player stands (seconds).");
  } else if (type == "viewed") {
    for (std::string_view key : {"from", "to", "position", "duration"})
      if (in.has(key)) in.add_error(std::string(key), "not_allowed", "A viewed report carries no media fields.");
  }
  TRV_TRY(in.finish());
  r.from = from.value_or(0);
  r.to = to.value_or(0);
  r.position = position;
  r.duration = duration;
  return r;
}

Response report(Service& s, Request& req) {
  auto in = report_of(req);
  if (!in) return problem(in.error(), req);
  auto state =
      s.report(Actor{req.subject.user_id, req.remote_ip, req.request_id}, req.param("run"), req.param("block"), *in);
  if (!state) return problem(state.error(), req);
  return json::response(200, render(*state));
}

Result<int> int_param(const Request& req, std::string_view name, int min, int max, int fallback) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return fallback;
  int n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size() || n < min || n > max)
    return invalid(std::string(name), "out_of_range",
                   "An integer from " + std::to_string(min) + " to " + std::to_string(max) + ".");
  return n;
}

Result<MatrixQuery> matrix_query(const Request& req) {
  MatrixQuery q;
  if (auto sort = req.query_param("sort")) {
    if (*sort != "name" && *sort != "progress" && *sort != "last_activity" && *sort != "time_on_task")
      return invalid("sort", "not_allowed", "One of: name, progress, last_activity, time_on_task.");
    q.sort = *sort;
  }
  if (auto order = req.query_param("order")) {
    if (*order != "asc" && *order != "desc") return invalid("order", "not_allowed", "asc or desc.");
    q.descending = *order == "desc";
  }
  if (auto cohort = req.query_param("cohort")) {
    if (cohort->empty() || cohort->size() > 64) return invalid("cohort", "length", "A cohort id.");
    q.cohort_id = *cohort;
  }
  TRV_ASSIGN(q.offset, int_param(req, "offset", 0, 1'000'000'000, 0));
  TRV_ASSIGN(q.limit, int_param(req, "limit", 1, 200, 50));
  return q;
}

Response matrix(Service& s, Request& req) {
  auto q = matrix_query(req);
  if (!q) return problem(q.error(), req);
  auto m = s.matrix(req.param("run"), *q);
  if (!m) return problem(m.error(), req);
  bj::array modules;
  for (const Matrix::Column& c : m->modules)
    modules.push_back(bj::object{{"id", c.module_id}, {"title", c.title}, {"counted", c.counted}});
  bj::array learners;
  for (const Matrix::Row& r : m->rows) {
    bj::array cells;
    for (size_t i = 0; i < r.module_completed.size() && i < m->modules.size(); ++i)
      cells.push_back(bj::object{{"module_id", m->modules[i].module_id},
                                 {"completed", r.module_completed[i]},
                                 {"percent", percent(r.module_completed[i], m->modules[i].counted)}});
    learners.push_back(bj::object{{"user_id", r.learner.user_id},
                                  {"display_name", r.learner.display_name},
                                  {"email", r.learner.email},
                                  {"enrolment_id", r.learner.enrolment_id},
                                  {"state", r.learner.state},
                                  {"cohort_id", r.learner.cohort_id ? bj::value(*r.learner.cohort_id) : nullptr},
                                  {"completed", r.completed},
                                  {"counted", r.counted},
                                  {"percent", percent(r.completed, r.counted)},
                                  {"modules", std::move(cells)},
                                  {"last_activity_at", time_or_null(r.last_activity_ms)},
                                  {"time_on_task_seconds", r.time_on_task_ms / 1000},
                                  {"completed_at", time_or_null(r.completed_at_ms)}});
  }
  return json::response(200, bj::object{{"run_id", req.param("run")},
                                        {"modules", std::move(modules)},
                                        {"learners", std::move(learners)},
                                        {"total", m->total},
                                        {"next_offset", m->next_offset ? bj::value(*m->next_offset) : nullptr}});
}

Response dashboard(Service& s, Request& req) {
  auto d = s.dashboard(req.subject.user_id);
  if (!d) return problem(d.error(), req);
  bj::array enrolments;
  for (const Dashboard::Entry& e : d->enrolments)
    enrolments.push_back(bj::object{{"run_id", e.run.id},
                                    {"run_title", e.run.title},
                                    {"course_id", e.course.id},
                                    {"course_title", e.course.title},
                                    {"course_slug", e.course.slug},
                                    {"state", e.enrolment_state},
                                    {"starts_at", time_or_null(e.run.starts_at_ms)},
                                    {"ends_at", time_or_null(e.run.ends_at_ms)},
                                    {"completed", e.completed},
                                    {"counted", e.counted},
                                    {"percent", percent(e.completed, e.counted)},
                                    {"completed_at", time_or_null(e.completed_at_ms)},
                                    {"resume", render(e.resume)},
                                    {"last_activity_at", time_or_null(e.last_activity_ms)},
                                    {"time_on_task_seconds", e.time_on_task_ms / 1000}});
  bj::array deadlines;
  for (const Dashboard::Deadline& x : d->deadlines)
    deadlines.push_back(bj::object{{"run_id", x.run_id},
                                   {"course_title", x.course_title},
                                   {"kind", x.kind},
                                   {"title", x.title},
                                   {"at", format_rfc3339(x.at_ms)}});
  bj::array recent;
  for (const Dashboard::Activity& a : d->recent)
    recent.push_back(bj::object{{"run_id", a.run_id},
                                {"course_title", a.course_title},
                                {"block_id", a.block_id},
                                {"block_title", a.block_title},
                                {"event", a.event},
                                {"at", format_rfc3339(a.at_ms)}});
  return json::response(200, bj::object{{"enrolments", std::move(enrolments)},
                                        {"deadlines", std::move(deadlines)},
                                        {"recent", std::move(recent)}});
}

http::Route route(http::Method method, std::string pattern, std::string action, http::ContextSpec context,
                  http::BodyKind body, std::string summary, http::Handler handler) {
  http::Route r;
  r.method = method;
  r.pattern = std::move(pattern);
  r.action = std::move(action);
  r.context = std::move(context);
  r.body = body;
  r.summary = std::move(summary);
  r.handler = std::move(handler);
  return r;
}

}  // namespace

void register_routes(http::Router& router, Service& s) {
  using http::BodyKind;
  using M = http::Method;
  const http::ContextSpec run{"run", "run"};
  const std::string base = "/api/v1/runs/{run}";
  router.add(route(M::Get, base + "/blocks/{block}", "progress.blocks.read", run, BodyKind::None,
                   "A block of the run's published content, with the caller's progress on it",
                   [&s](Request& r) { return open_block(s, r); }));
  router.add(route(M::Post, base + "/blocks/{block}/progress", "progress.report", run, BodyKind::Json,
                   "Report progress on a block: viewed, a played segment, the player's position",
                   [&s](Request& r) { return report(s, r); }));
  router.add(route(M::Get, base + "/progress/me", "progress.own.read", run, BodyKind::None,
                   "One's own progress through the run", [&s](Request& r) {
                     auto p = s.run_progress(r.subject.user_id, r.param("run"));
                     if (!p) return problem(p.error(), r);
                     return json::response(200, render(*p));
                   }));
  router.add(route(M::Get, base + "/progress", "progress.run.read", run, BodyKind::None,
                   "Every learner's progress in the run, per module (sortable, paged)",
                   [&s](Request& r) { return matrix(s, r); }));
  router.add(route(M::Get, "/api/v1/me/dashboard", "progress.dashboard", {}, BodyKind::None,
                   "My enrolments with progress, where to resume, next deadlines and recent activity",
                   [&s](Request& r) { return dashboard(s, r); }));
}

}  // namespace trivium::progress
