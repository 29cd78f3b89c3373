// HTTP for platform administrators: users, invitations and settings.
#include <boost/json.hpp>

#include <charconv>

#include "core/json.h"
#include "core/pipeline.h"
#include "identity/identity.h"
#include "identity/render.h"

namespace trivium::identity::detail {

namespace bj = boost::json;
using http::BodyKind;
using http::Method;
using http::Request;
using http::Response;

namespace {

Response problem(const Request& req, const Error& e) {
  return http::problem(e, req.request_id);
}

struct AdminRoutes {
  Service& service;

  Response list_users(Request& req) {
    UserQuery q;
    q.q = req.query_param("q").value_or("");
    q.cursor = req.query_param("cursor").value_or("");
    if (auto limit = req.query_param("limit")) {
      int n = 0;
      auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), n);
      if (ec != std::errc() || end != limit->data() + limit->size()) {
        return problem(req, invalid("limit", "integer", "The limit must be a whole number.").error);
      }
      q.limit = n;
    }
    auto page = service.list_users(q);
    if (!page) return problem(req, page.error());
    bj::array items;
    for (const auto& u : page->items) items.push_back(admin_user_json(u));
    bj::value next = nullptr;
    if (page->next_cursor) next = *page->next_cursor;
    return json::response(200, bj::object{{"items", std::move(items)}, {"next_cursor", next}});
  }

  Response get_user(Request& req) {
    auto user = service.get_user(req.param("user"));
    if (!user) return problem(req, user.error());
    return json::response(200, admin_user_json(*user));
  }

  Response create_user(Request& req) {
    auto body = body_object(req);
    if (!body) return problem(req, body.error());
    json::BodyReader r(*body);
    NewUser n;
    auto email = r.required_string("email", 1, 254);
    auto name = r.required_string("display_name", 1, 100);
    n.password = r.optional_string("password", 0, 1024);
    auto role = r.optional_enum("platform_role", {"", "admin"});
    auto locale = r.optional_enum("locale", {"en", "fr"});
    if (auto done = r.finish(); !done) return problem(req, done.error());
    n.email = *email;
    n.display_name = *name;
    if (role) n.platform_role = *role;
    if (locale) n.locale = *locale;
    auto user = service.create_user(n, info_of(req));
    if (!user) return problem(req, user.error());
    return json::response(201, admin_user_json(*user));
  }

  Response change_user(Request& req) {
    auto body = body_object(req);
    if (!body) return problem(req, body.error());
    json::BodyReader r(*body);
    UserChange change;
    change.status = r.optional_enum("status", {"active", "suspended"});
    change.platform_role = r.optional_enum("platform_role", {"", "admin"});
    if (auto done = r.finish(); !done) return problem(req, done.error());
    auto user = service.change_user(req.param("user"), change, info_of(req));
    if (!user) return problem(req, user.error());
    return json::response(200, admin_user_json(*user));
  }

  Response invite(Request& req) {
    auto body = body_object(req);
    if (!body) return problem(req, body.error());
    json::BodyReader r(*body);
    auto email = r.required_string("email", 1, 254);
    if (auto done = r.finish(); !done) return problem(req, done.error());
    auto done = service.invite(*email, info_of(req));
    if (!done) return problem(req, done.error());
    return json::response(201, bj::object{{"email", *email}});
  }

  Response get_settings(Request& req) {
    auto s = service.platform_settings();
    if (!s) return problem(req, s.error());
    return json::response(200, bj::object{{"registration", s->registration}});
  }

  Response update_settings(Request& req) {
    auto body = body_object(req);
    if (!body) return problem(req, body.error());
    json::BodyReader r(*body);
    auto registration = r.optional_enum("registration", {"open", "invitation", "closed"});
    if (auto done = r.finish(); !done) return problem(req, done.error());
    PlatformSettings s;
    if (registration) {
      s.registration = *registration;
      auto saved = service.update_platform_settings(s, info_of(req));
      if (!saved) return problem(req, saved.error());
    }
    auto current = service.platform_settings();
    if (!current) return problem(req, current.error());
    return json::response(200, bj::object{{"registration", current->registration}});
  }
};

}  // namespace

void register_admin_routes(http::Router& router, Service& service) {
  auto routes = std::make_shared<AdminRoutes>(AdminRoutes{service});
  auto bind = [routes](Response (AdminRoutes::*fn)(Request&)) {
    return [routes, fn](Request& req) { return ((*routes).*fn)(req); };
  };
  auto add = [&](Method m, std::string pattern, std::string action, http::Handler h, BodyKind body,
                 std::string summary) {
    http::Route r;
    r.method = m;
    r.pattern = std::move(pattern);
    r.action = std::move(action);
    r.handler = std::move(h);
    r.body = body;
    r.summary = std::move(summary);
    router.add(std::move(r));
  };
  const std::string users = "platform.users.manage";
  const std::string settings = "platform.settings.manage";
  add(Method::Get, "/api/v1/admin/users", users, bind(&AdminRoutes::list_users), BodyKind::None,
      "List or search users (q, limit, cursor)");
  add(Method::Post, "/api/v1/admin/users", users, bind(&AdminRoutes::create_user), BodyKind::Json, "Create a user");
  add(Method::Get, "/api/v1/admin/users/{user}", users, bind(&AdminRoutes::get_user), BodyKind::None, "Read a user");
  add(Method::Patch, "/api/v1/admin/users/{user}", users, bind(&AdminRoutes::change_user), BodyKind::Json,
      "Suspend, reactivate, or change a user's platform role");
  add(Method::Post, "/api/v1/admin/invitations", users, bind(&AdminRoutes::invite), BodyKind::Json,
      "Invite an e-mail address to register");
  add(Method::Get, "/api/v1/admin/settings", settings, bind(&AdminRoutes::get_settings), BodyKind::None,
      "Read platform settings");
  add(Method::Patch, "/api/v1/admin/settings", settings, bind(&AdminRoutes::update_settings), BodyKind::Json,
      "Change platform settings (registration policy)");
}

}  // namespace trivium::identity::detail
