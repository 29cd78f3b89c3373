// HTTP for roster imports: upload a CSV, poll the job, read its report.
#include <boost/json.hpp>

#include "core/clock.h"
#include "core/json.h"
#include "core/pipeline.h"
#include "roster/roster.h"

namespace trivium::roster {
namespace {

namespace bj = boost::json;
using http::Request;
using http::Response;

Actor actor_of(const Request& req) {
  return Actor{req.subject.user_id, req.subject.platform_admin, req.remote_ip, req.request_id};
}

bj::value time_or_null(const std::optional<int64_t>& t) {
  if (!t) return nullptr;
  return bj::value(format_rfc3339(*t));
}

bj::object render(const ImportJob& j) {
  bj::array problems;
  for (const LineProblem& p : j.problems) {
    problems.push_back(bj::object{{"line", p.line}, {"field", p.field}, {"code", p.code}, {"message", p.message}});
  }
  return bj::object{{"id", j.id},
                    {"organisation_id", j.organisation_id},
                    {"state", j.state},
                    {"notify", j.notify},
                    {"total_rows", j.total_rows},
                    {"processed_rows", j.processed_rows},
                    {"applied_rows", j.applied_rows},
                    {"accounts_created", j.accounts_created},
                    {"members_added", j.members_added},
                    {"enrolments_created", j.enrolments_created},
                    {"problem_count", j.problem_count},
                    {"problems", std::move(problems)},
                    {"failure", j.failure.empty() ? bj::value(nullptr) : bj::value(j.failure)},
                    {"created_by", j.created_by},
                    {"created_at", format_rfc3339(j.created_at_ms)},
                    {"started_at", time_or_null(j.started_at_ms)},
                    {"finished_at", time_or_null(j.finished_at_ms)}};
}

bool is_csv(const Request& req) {
  auto ct = req.header("Content-Type");
  if (!ct) return false;
  std::string v(ct->substr(0, ct->find(';')));
  while (!v.empty() && v.back() == ' ') v.pop_back();
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "text/csv" || v == "application/csv";
}

Response submit(Service& s, Request& req) {
  if (!is_csv(req)) {
    return http::problem({ErrorKind::UnsupportedMediaType, "Send the file as text/csv.", {}, 0}, req.request_id);
  }
  auto notify = req.query_param("notify");
  if (notify && *notify != "true" && *notify != "false") {
    Error e{ErrorKind::Invalid, "notify is true or false.", {{"notify", "boolean", "true or false"}}, 0};
    return http::problem(e, req.request_id);
  }
  auto job = s.submit(actor_of(req), req.param("org"), req.body, notify && *notify == "true");
  if (!job) return http::problem(job.error(), req.request_id);
  Response r = json::response(202, render(*job));
  r.header("Location", "/api/v1/orgs/" + job->organisation_id + "/imports/" + job->id);
  return r;
}

Response get(Service& s, Request& req) {
  auto job = s.get(req.param("org"), req.param("import"));
  if (!job) return http::problem(job.error(), req.request_id);
  return json::response(200, render(*job));
}

Response list(Service& s, Request& req) {
  auto jobs = s.list(req.param("org"), 50);
  if (!jobs) return http::problem(jobs.error(), req.request_id);
  bj::array items;
  for (const ImportJob& j : *jobs) items.push_back(render(j));
  return json::response(200, bj::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
}

}  // namespace

void register_routes(http::Router& router, Service& s) {
  using M = http::Method;
  auto add = [&](M method, std::string pattern, std::string action, Response (*fn)(Service&, Request&),
                 http::BodyKind body, size_t max_body, std::string summary) {
    http::Route r;
    r.method = method;
    r.pattern = std::move(pattern);
    r.action = std::move(action);
    r.context = {"organisation", "org"};
    r.handler = [&s, fn](Request& req) { return fn(s, req); };
    r.body = body;
    r.max_body = max_body;
    r.summary = std::move(summary);
    router.add(std::move(r));
  };
  add(M::Post, "/api/v1/orgs/{org}/imports", "org.roster.import", submit, http::BodyKind::Any, Service::kMaxBytes,
      "Upload a CSV roster (text/csv) to import users and enrolments; ?notify=true mails new accounts");
  add(M::Get, "/api/v1/orgs/{org}/imports", "org.roster.import", list, http::BodyKind::None, 0,
      "The organisation's latest roster imports");
  add(M::Get, "/api/v1/orgs/{org}/imports/{import}", "org.roster.import", get, http::BodyKind::None, 0,
      "A roster import's progress and per-line report");
}

std::vector<authz::Capability> capabilities() {
  return {{"org.roster.import",
           "Import people and enrolments from a CSV file, and read the reports.",
           false,
           false,
           false,
           {"organisation:admin", "platform:admin"}}};
}

}  // namespace trivium::roster
