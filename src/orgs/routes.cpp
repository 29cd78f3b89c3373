// HTTP for organisations: parse -> call the service -> render. No handler
// checks roles: each route names its capability and the policy has decided
// before the handler runs.

#include <charconv>

#include "core/json.h"
#include "core/pipeline.h"
#include "orgs/orgs.h"
#include "orgs/validation.h"

namespace trivium::orgs {
namespace {

namespace bj = boost::json;
using http::Request;
using http::Response;

constexpr size_t kMaxIdLength = 64;
constexpr size_t kMaxDepartmentsPerMember = 100;

Actor actor_of(const Request& req) {
  return Actor{req.subject.user_id, req.subject.platform_admin, req.remote_ip, req.request_id};
}

bj::value nullable(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return bj::value(*s);
}

bj::array to_array(const std::vector<std::string>& v) {
  bj::array a;
  for (const std::string& s : v) a.emplace_back(s);
  return a;
}

bj::value render(const Organisation& o) {
  return bj::object{{"id", o.id},
                    {"slug", o.slug},
                    {"name", o.name},
                    {"kind", o.kind},
                    {"created_at", format_rfc3339(o.created_at_ms)},
                    {"updated_at", format_rfc3339(o.updated_at_ms)}};
}

bj::value render(const Department& d) {
  return bj::object{{"id", d.id},
                    {"organisation_id", d.organisation_id},
                    {"name", d.name},
                    {"parent_id", nullable(d.parent_id)},
                    {"created_at", format_rfc3339(d.created_at_ms)}};
}

bj::value render(const Member& m) {
  return bj::object{{"organisation_id", m.organisation_id},
                    {"user_id", m.user_id},
                    {"roles", to_array(m.roles)},
                    {"department_ids", to_array(m.department_ids)},
                    {"joined_at", format_rfc3339(m.joined_at_ms)}};
}

template <typename T>
Response respond(const Result<T>& r, const Request& req, int status = 200) {
  if (!r) return http::problem(r.error(), req.request_id);
  return json::response(status, render(*r));
}

template <typename T>
Response respond_list(const Result<std::vector<T>>& r, const Request& req) {
  if (!r) return http::problem(r.error(), req.request_id);
  bj::array items;
  for (const T& item : *r) items.push_back(render(item));
  return json::response(200, bj::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
}

template <typename T>
Response respond_page(const Result<Page<T>>& r, const Request& req) {
  if (!r) return http::problem(r.error(), req.request_id);
  bj::array items;
  for (const T& item : r->items) items.push_back(render(item));
  return json::response(200, bj::object{{"items", std::move(items)}, {"next_cursor", nullable(r->next_cursor)}});
}

Response respond_empty(const Result<void>& r, const Request& req) {
  if (!r) return http::problem(r.error(), req.request_id);
  return Response::no_content();
}

// Keyset pagination parameters: ?cursor=<next_cursor>&limit=1..200.
struct PageParams {
  std::string cursor;
  int limit = kDefaultPage;
};

Result<PageParams> page_params(const Request& req) {
  PageParams p;
  if (auto c = req.query_param("cursor")) {
    if (c->size() > kMaxIdLength) return invalid("cursor", "too_long", "Not a cursor.");
    p.cursor = *c;
  }
  if (auto l = req.query_param("limit"); l && !l->empty()) {
    int n = 0;
    auto [end, ec] = std::from_chars(l->data(), l->data() + l->size(), n);
    if (ec != std::errc() || end != l->data() + l->size() || n < 1 || n > kMaxPage) {
      return invalid("limit", "out_of_range", "An integer from 1 to 200.");
    }
    p.limit = n;
  }
  return p;
}

// --- Organisations ---------------------------------------------------------

Response create_organisation(Service& service, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return http::problem(body.error(), req.request_id);
  json::BodyReader in(*body);
  NewOrganisation org;
  org.slug = in.required_string("slug", 2, 63).value_or("");
  org.name = in.required_string("name", 1, 200).value_or("");
  org.kind = in.optional_enum("kind", kCreatableKinds).value_or("company");
  if (auto done = in.finish(); !done) return http::problem(done.error(), req.request_id);
  auto r = service.create_organisation(actor_of(req), org);
  Response res = respond(r, req, 201);
  if (r) res.header("Location", "/api/v1/orgs/" + r->id);
  return res;
}

Response list_organisations(Service& service, Request& req) {
  auto page = page_params(req);
  if (!page) return http::problem(page.error(), req.request_id);
  return respond_page(service.list_organisations(actor_of(req), page->cursor, page->limit), req);
}

Response update_organisation(Service& service, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return http::problem(body.error(), req.request_id);
  json::BodyReader in(*body);
  auto name = in.optional_string("name", 1, 200);
  if (auto done = in.finish(); !done) return http::problem(done.error(), req.request_id);
  const std::string& org_id = req.param("org");
  if (!name) return respond(service.get_organisation(org_id), req);
  return respond(service.rename_organisation(actor_of(req), org_id, *name), req);
}

// --- Departments -----------------------------------------------------------

Response create_department(Service& service, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return http::problem(body.error(), req.request_id);
  json::BodyReader in(*body);
  NewDepartment dept;
  dept.name = in.required_string("name", 1, 200).value_or("");
  dept.parent_id = in.optional_string("parent_id", 1, kMaxIdLength);
  if (auto done = in.finish(); !done) return http::problem(done.error(), req.request_id);
  return respond(service.create_department(actor_of(req), req.param("org"), dept), req, 201);
}

Response update_department(Service& service, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return http::problem(body.error(), req.request_id);
  DepartmentChange change;
  // "parent_id": null moves the department to the top level; the reader
  // sees the rest of the body.
  bj::object fields = *body;
  if (auto it = fields.find("parent_id"); it != fields.end() && it->value().is_null()) {
    change.parent_id = "";
    fields.erase(it);
  }
  json::BodyReader in(fields);
  change.name = in.optional_string("name", 1, 200);
  if (!change.parent_id) change.parent_id = in.optional_string("parent_id", 1, kMaxIdLength);
  if (auto done = in.finish(); !done) return http::problem(done.error(), req.request_id);
  return respond(service.update_department(actor_of(req), req.param("org"), req.param("department"), change), req);
}

// --- Members ---------------------------------------------------------------

Response add_member(Service& service, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return http::problem(body.error(), req.request_id);
  json::BodyReader in(*body);
  NewMember member;
  member.user_id = in.optional_string("user_id", 1, kMaxIdLength);
  member.email = in.optional_string("email", 3, 254);
  member.roles = in.optional_string_array("roles", kRoles.size(), 16).value_or(std::vector<std::string>{});
  member.department_ids = in.optional_string_array("department_ids", kMaxDepartmentsPerMember, kMaxIdLength)
                              .value_or(std::vector<std::string>{});
  if (auto done = in.finish(); !done) return http::problem(done.error(), req.request_id);
  auto r = service.add_member(actor_of(req), req.param("org"), member);
  Response res = respond(r, req, 201);
  if (r) res.header("Location", "/api/v1/orgs/" + r->organisation_id + "/members/" + r->user_id);
  return res;
}

Response update_member(Service& service, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return http::problem(body.error(), req.request_id);
  json::BodyReader in(*body);
  MemberChange change;
  change.roles = in.optional_string_array("roles", kRoles.size(), 16);
  change.department_ids = in.optional_string_array("department_ids", kMaxDepartmentsPerMember, kMaxIdLength);
  if (auto done = in.finish(); !done) return http::problem(done.error(), req.request_id);
  return respond(service.update_member(actor_of(req), req.param("org"), req.param("user"), change), req);
}

Response list_members(Service& service, Request& req) {
  auto page = page_params(req);
  if (!page) return http::problem(page.error(), req.request_id);
  return respond_page(service.list_members(req.param("org"), page->cursor, page->limit), req);
}

// --- The table -------------------------------------------------------------

const http::ContextSpec kInOrganisation{"organisation", "org"};

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

}  // namespace

void register_routes(http::Router& router, Service& s) {
  using M = http::Method;
  auto h = [&s](Response (*fn)(Service&, Request&)) { return [&s, fn](Request& req) { return fn(s, req); }; };
  router.add(
      route(M::Post, "/api/v1/orgs", "platform.orgs.create", {}, h(create_organisation), "Create an organisation."));
  router.add(route(M::Get, "/api/v1/orgs", "orgs.list", {}, h(list_organisations),
                   "List the organisations the caller belongs to (all, for platform admins)."));
  router.add(route(
      M::Get, "/api/v1/orgs/{org}", "org.read", kInOrganisation,
      [&s](Request& req) { return respond(s.get_organisation(req.param("org")), req); }, "Get an organisation."));
  router.add(route(M::Patch, "/api/v1/orgs/{org}", "org.manage", kInOrganisation, h(update_organisation),
                   "Rename an organisation."));
  router.add(route(
      M::Get, "/api/v1/orgs/{org}/departments", "org.read", kInOrganisation,
      [&s](Request& req) { return respond_list(s.list_departments(req.param("org")), req); },
      "List the departments and teams of an organisation."));
  router.add(route(M::Post, "/api/v1/orgs/{org}/departments", "org.manage", kInOrganisation, h(create_department),
                   "Create a department or team."));
  router.add(route(M::Patch, "/api/v1/orgs/{org}/departments/{department}", "org.manage", kInOrganisation,
                   h(update_department), "Rename or move a department."));
  router.add(route(
      M::Delete, "/api/v1/orgs/{org}/departments/{department}", "org.manage", kInOrganisation,
      [&s](Request& req) {
        return respond_empty(s.delete_department(actor_of(req), req.param("org"), req.param("department")), req);
      },
      "Delete a department without teams."));
  router.add(route(M::Get, "/api/v1/orgs/{org}/members", "org.members.read", kInOrganisation, h(list_members),
                   "List members with their roles and departments."));
  router.add(route(M::Post, "/api/v1/orgs/{org}/members", "org.members.manage", kInOrganisation, h(add_member),
                   "Add a member by user id or e-mail."));
  router.add(route(
      M::Get, "/api/v1/orgs/{org}/members/{user}", "org.members.read", kInOrganisation,
      [&s](Request& req) { return respond(s.get_member(req.param("org"), req.param("user")), req); },
      "Get one member."));
  router.add(route(M::Patch, "/api/v1/orgs/{org}/members/{user}", "org.members.manage", kInOrganisation,
                   h(update_member), "Change a member's roles or departments."));
  router.add(route(
      M::Delete, "/api/v1/orgs/{org}/members/{user}", "org.members.manage", kInOrganisation,
      [&s](Request& req) {
        return respond_empty(s.remove_member(actor_of(req), req.param("org"), req.param("user")), req);
      },
      "Remove a member from an organisation."));
}

}  // namespace trivium::orgs
