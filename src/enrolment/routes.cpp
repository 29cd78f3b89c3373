// HTTP for enrolments: parse -> call the service -> render. No handler checks
// roles: each route names its capability, decided by the policy on the run
// context before the handler runs.

#include <charconv>

#include "core/json.h"
#include "core/pipeline.h"
#include "enrolment/enrolment.h"

namespace trivium::enrolment {
namespace {

namespace bj = boost::json;
using http::Request;
using http::Response;

constexpr size_t kMaxIdLength = 64;
constexpr size_t kMaxMessage = 2000;

Actor actor_of(const Request& req) {
  return Actor{req.subject.user_id, req.remote_ip, req.request_id};
}

bj::value nullable(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return bj::value(*s);
}

bj::value time_or_null(const std::optional<int64_t>& ms) {
  if (!ms) return nullptr;
  return bj::value(format_rfc3339(*ms));
}

bj::object render(const Enrolment& e) {
  return bj::object{{"id", e.id},
                    {"run_id", e.run_id},
                    {"user_id", e.user_id},
                    {"state", e.state},
                    {"source", e.source},
                    {"message", e.message},
                    {"decision_message", e.decision_message},
                    {"decided_by", nullable(e.decided_by)},
                    {"cohort_id", nullable(e.cohort_id)},
                    {"waitlist_position", e.waitlist_position ? bj::value(*e.waitlist_position) : bj::value(nullptr)},
                    {"requested_at", time_or_null(e.requested_at_ms)},
                    {"waitlisted_at", time_or_null(e.waitlisted_at_ms)},
                    {"activated_at", time_or_null(e.activated_at_ms)},
                    {"completed_at", time_or_null(e.completed_at_ms)},
                    {"dropped_at", time_or_null(e.dropped_at_ms)},
                    {"rejected_at", time_or_null(e.rejected_at_ms)},
                    {"created_at", format_rfc3339(e.created_at_ms)},
                    {"updated_at", format_rfc3339(e.updated_at_ms)}};
}

bj::object render(const MyEnrolment& m) {
  bj::object o = render(m.enrolment);
  o["course_id"] = m.course_id;
  o["course_title"] = m.course_title;
  o["run_title"] = m.run_title;
  o["starts_at"] = time_or_null(m.starts_at_ms);
  o["ends_at"] = time_or_null(m.ends_at_ms);
  return o;
}

bj::object render(const Invitation& i) {
  return bj::object{{"id", i.id},
                    {"run_id", i.run_id},
                    {"email", i.email},
                    {"invited_by", i.invited_by},
                    {"created_at", format_rfc3339(i.created_at_ms)},
                    {"expires_at", format_rfc3339(i.expires_at_ms)},
                    {"used_at", time_or_null(i.used_at_ms)},
                    {"user_id", nullable(i.user_id)}};
}

bj::object render(const Cohort& c) {
  return bj::object{{"id", c.id},
                    {"run_id", c.run_id},
                    {"name", c.name},
                    {"department_id", nullable(c.department_id)},
                    {"created_at", format_rfc3339(c.created_at_ms)},
                    {"updated_at", format_rfc3339(c.updated_at_ms)}};
}

template <typename T>
Response respond(const Result<T>& r, const Request& req, int status = 200) {
  if (!r) return http::problem(r.error(), req.request_id);
  return json::response(status, render(*r));
}

template <typename T>
Response respond_page(const Result<Page<T>>& r, const Request& req) {
  if (!r) return http::problem(r.error(), req.request_id);
  bj::array items;
  for (const T& item : r->items) items.push_back(render(item));
  return json::response(200, bj::object{{"items", std::move(items)}, {"next_cursor", nullable(r->next_cursor)}});
}

Response problem(const Error& e, const Request& req) {
  return http::problem(e, req.request_id);
}

// ?state=&cursor=&limit=1..200.
Result<ListQuery> list_query(const Request& req) {
  ListQuery q;
  if (auto s = req.query_param("state")) {
    if (std::find(kStates.begin(), kStates.end(), *s) == kStates.end()) {
      return invalid("state", "not_allowed", "One of: pending, waitlisted, active, completed, dropped, rejected.");
    }
    q.state = *s;
  }
  if (auto c = req.query_param("cursor")) {
    if (c->size() > kMaxIdLength) return invalid("cursor", "too_long", "Not a cursor.");
    q.cursor = *c;
  }
  if (auto l = req.query_param("limit"); l && !l->empty()) {
    int n = 0;
    auto [end, ec] = std::from_chars(l->data(), l->data() + l->size(), n);
    if (ec != std::errc() || end != l->data() + l->size() || n < 1 || n > 200) {
      return invalid("limit", "out_of_range", "An integer from 1 to 200.");
    }
    q.limit = n;
  }
  return q;
}

// A body with at most an optional "message"; an empty body is allowed.
Result<std::string> message_of(const Request& req) {
  if (req.body.empty()) return std::string();
  TRV_ASSIGN(bj::object body, json::parse_object(req.body));
  json::BodyReader in(body);
  auto message = in.optional_string("message", 0, kMaxMessage);
  TRV_TRY(in.finish());
  return message.value_or("");
}

Response self_enrol(Service& s, Request& req) {
  auto message = message_of(req);
  if (!message) return problem(message.error(), req);
  return respond(s.self_enrol(actor_of(req), req.param("run"), *message), req, 201);
}

Response decide(Service& s, Request& req, bool approve) {
  auto message = message_of(req);
  if (!message) return problem(message.error(), req);
  const Actor actor = actor_of(req);
  if (approve) return respond(s.approve(actor, req.param("run"), req.param("enrolment"), *message), req);
  return respond(s.reject(actor, req.param("run"), req.param("enrolment"), *message), req);
}

Response enrol_directly(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  json::BodyReader in(*body);
  DirectEnrolment d;
  d.user_id = in.optional_string("user_id", 1, kMaxIdLength);
  d.email = in.optional_string("email", 3, 254);
  d.cohort_id = in.optional_string("cohort_id", 1, kMaxIdLength);
  if (!d.user_id && !d.email && !in.has("user_id") && !in.has("email")) {
    in.add_error("user_id", "required", "Give user_id or email.");
  }
  if (auto done = in.finish(); !done) return problem(done.error(), req);
  return respond(s.enrol_directly(actor_of(req), req.param("run"), d), req, 201);
}

Response invite(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  json::BodyReader in(*body);
  auto emails = in.optional_string_array("emails", kMaxInvitationsPerRequest, 254);
  if (!emails && !in.has("emails")) in.add_error("emails", "required", "A list of e-mail addresses.");
  if (auto done = in.finish(); !done) return problem(done.error(), req);
  auto r = s.invite(actor_of(req), req.param("run"), emails.value_or(std::vector<std::string>{}));
  if (!r) return problem(r.error(), req);
  bj::array items;
  for (const Invitation& i : *r) {
    bj::object o = render(i);
    o["new_account"] = i.new_account;  // the secret itself only travels by mail
    items.push_back(std::move(o));
  }
  return json::response(201, bj::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
}

Response accept(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  json::BodyReader in(*body);
  auto token = in.required_string("token", 1, 200);
  if (auto done = in.finish(); !done) return problem(done.error(), req);
  return respond(s.accept_invitation(actor_of(req), *token), req);
}

Response cohort_write(Service& s, Request& req, bool create) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  json::BodyReader in(*body);
  auto name = in.required_string("name", 1, 200);
  auto department = create ? in.optional_string("department_id", 1, kMaxIdLength) : std::nullopt;
  if (auto done = in.finish(); !done) return problem(done.error(), req);
  if (create) return respond(s.create_cohort(actor_of(req), req.param("run"), *name, department), req, 201);
  return respond(s.rename_cohort(actor_of(req), req.param("run"), req.param("cohort"), *name), req);
}

Response assign(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  bj::object fields = *body;
  std::optional<std::string> cohort;
  bool unassign = false;
  if (auto it = fields.find("cohort_id"); it != fields.end() && it->value().is_null()) {
    unassign = true;
    fields.erase(it);
  }
  json::BodyReader in(fields);
  if (!unassign) {
    cohort = in.required_string("cohort_id", 1, kMaxIdLength);
  }
  if (auto done = in.finish(); !done) return problem(done.error(), req);
  return respond(s.assign_cohort(actor_of(req), req.param("run"), req.param("enrolment"), cohort), req);
}

Response auto_assign(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  json::BodyReader in(*body);
  auto strategy = in.required_enum("strategy", {"round_robin", "department"});
  if (auto done = in.finish(); !done) return problem(done.error(), req);
  auto r = s.auto_assign(actor_of(req), req.param("run"), *strategy);
  if (!r) return problem(r.error(), req);
  return json::response(200, bj::object{{"assigned", *r}});
}

// Adds one route; every route names its capability and the run context.
struct RouteAdder {
  http::Router& router;
  void operator()(http::Method m, std::string pattern, std::string action, http::ContextSpec ctx, http::BodyKind body,
                  std::string summary, http::Handler h) const {
    http::Route r;
    r.method = m;
    r.pattern = std::move(pattern);
    r.action = std::move(action);
    r.context = std::move(ctx);
    r.body = body;
    r.summary = std::move(summary);
    r.handler = std::move(h);
    router.add(std::move(r));
  }
};

const http::ContextSpec kRun{"run", "run"};

void register_enrolment_routes(const RouteAdder& add, Service& s) {
  using http::BodyKind;
  using http::Method;
  const auto& run = kRun;
  const std::string base = "/api/v1/runs/{run}";
  // The body of these two is optional, so any (or no) content type is read.
  add(Method::Post, base + "/enrolment", "enrolment.self", run, BodyKind::Any,
      "Enrol oneself, or request a place with a message", [&s](Request& r) { return self_enrol(s, r); });
  add(Method::Delete, base + "/enrolment", "enrolment.self", run, BodyKind::None, "Leave the run (dropped)",
      [&s](Request& r) { return respond(s.unenrol_self(actor_of(r), r.param("run")), r); });
  add(Method::Get, base + "/enrolment", "enrolment.self", run, BodyKind::None, "One's own enrolment in the run",
      [&s](Request& r) { return respond(s.mine(r.subject.user_id, r.param("run")), r); });
  add(Method::Get, base + "/enrolments", "enrolment.read", run, BodyKind::None, "The run's enrolments, by state",
      [&s](Request& r) {
        auto q = list_query(r);
        if (!q) return problem(q.error(), r);
        return respond_page(s.list(r.param("run"), *q), r);
      });
  add(Method::Post, base + "/enrolments", "enrolment.manage", run, BodyKind::Json,
      "Enrol a user directly (by user_id or email)", [&s](Request& r) { return enrol_directly(s, r); });
  add(Method::Get, base + "/enrolments/{enrolment}", "enrolment.read", run, BodyKind::None, "One enrolment",
      [&s](Request& r) { return respond(s.get(r.param("run"), r.param("enrolment")), r); });
  add(Method::Post, base + "/enrolments/{enrolment}/approve", "enrolment.manage", run, BodyKind::Any,
      "Approve a request (active, or waitlisted when full)", [&s](Request& r) { return decide(s, r, true); });
  add(Method::Post, base + "/enrolments/{enrolment}/reject", "enrolment.manage", run, BodyKind::Any,
      "Reject a request with a message", [&s](Request& r) { return decide(s, r, false); });
  add(Method::Delete, base + "/enrolments/{enrolment}", "enrolment.manage", run, BodyKind::None,
      "Remove a learner (dropped; the waitlist moves up)",
      [&s](Request& r) { return respond(s.remove(actor_of(r), r.param("run"), r.param("enrolment")), r); });
  add(Method::Put, base + "/enrolments/{enrolment}/cohort", "enrolment.manage", run, BodyKind::Json,
      "Assign a learner to a cohort (null unassigns)", [&s](Request& r) { return assign(s, r); });
  add(Method::Post, base + "/invitations", "enrolment.manage", run, BodyKind::Json, "Invite e-mail addresses",
      [&s](Request& r) { return invite(s, r); });
  add(Method::Get, base + "/invitations", "enrolment.read", run, BodyKind::None, "The run's invitations",
      [&s](Request& r) {
        auto q = list_query(r);
        if (!q) return problem(q.error(), r);
        return respond_page(s.list_invitations(r.param("run"), q->cursor, q->limit), r);
      });
  add(Method::Post, "/api/v1/invitations/accept", "enrolment.invitation.accept", {}, BodyKind::Json,
      "Accept an invitation with its token", [&s](Request& r) { return accept(s, r); });
}

void register_cohort_routes(const RouteAdder& add, Service& s) {
  using http::BodyKind;
  using http::Method;
  const auto& run = kRun;
  const std::string base = "/api/v1/runs/{run}";
  add(Method::Get, base + "/cohorts", "enrolment.read", run, BodyKind::None, "The run's cohorts", [&s](Request& r) {
    auto list = s.list_cohorts(r.param("run"));
    if (!list) return problem(list.error(), r);
    bj::array items;
    for (const Cohort& c : *list) items.push_back(render(c));
    return json::response(200, bj::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
  });
  add(Method::Post, base + "/cohorts", "enrolment.manage", run, BodyKind::Json, "Create a cohort",
      [&s](Request& r) { return cohort_write(s, r, true); });
  add(Method::Patch, base + "/cohorts/{cohort}", "enrolment.manage", run, BodyKind::Json, "Rename a cohort",
      [&s](Request& r) { return cohort_write(s, r, false); });
  add(Method::Delete, base + "/cohorts/{cohort}", "enrolment.manage", run, BodyKind::None,
      "Delete a cohort (its learners become unassigned)", [&s](Request& r) {
        auto done = s.delete_cohort(actor_of(r), r.param("run"), r.param("cohort"));
        if (!done) return problem(done.error(), r);
        return Response::no_content();
      });
  add(Method::Post, base + "/cohorts/auto-assign", "enrolment.manage", run, BodyKind::Json,
      "Assign unassigned active learners round-robin or by department", [&s](Request& r) { return auto_assign(s, r); });
  add(Method::Get, "/api/v1/me/enrolments", "enrolment.mine", {}, BodyKind::None,
      "My enrolments with their courses and run dates", [&s](Request& r) {
        auto q = list_query(r);
        if (!q) return problem(q.error(), r);
        return respond_page(s.list_mine(r.subject.user_id, *q), r);
      });
}

}  // namespace

void register_routes(http::Router& router, Service& s) {
  const RouteAdder add{router};
  register_enrolment_routes(add, s);
  register_cohort_routes(add, s);
}

}  // namespace trivium::enrolment
