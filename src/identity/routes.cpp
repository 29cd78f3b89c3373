// HTTP for sign-up, sign-in and one's own account: parse, call the service,
// render. Roles are never checked here: each route names its capability.
#include <boost/json.hpp>

#include "core/clock.h"
#include "core/json.h"
#include "core/pipeline.h"
#include "identity/identity.h"
#include "identity/render.h"

namespace trivium::identity {

using namespace detail;
namespace bj = boost::json;
using http::BodyKind;
using http::Method;
using http::Request;
using http::Response;
using http::Throttle;

namespace {

Response problem(const Request& req, const Error& e) {
  return http::problem(e, req.request_id);
}

Response accepted() {
  return Response{202, {}, {}, {}};
}

std::string cookie(std::string_view name, std::string_view value, int64_t max_age_s, bool http_only, bool secure) {
  std::string c(name);
  c += "=";
  c += value;
  c += "; Path=/; Max-Age=" + std::to_string(max_age_s) + "; SameSite=Lax";
  if (http_only) c += "; HttpOnly";
  if (secure) c += "; Secure";
  return c;
}

std::string_view session_cookie_name(const Request& req) {
  return req.secure ? kSecureSessionCookie : kSessionCookie;
}

// The cookie secret the browser sent, if any (either name).
std::string_view sent_session_secret(const Request& req) {
  auto c = req.cookie(kSecureSessionCookie);
  if (!c || c->empty()) c = req.cookie(kSessionCookie);
  return c ? *c : std::string_view{};
}

void clear_cookies(const Request& req, Response& res) {
  res.header("Set-Cookie", cookie(kSessionCookie, "", 0, true, req.secure));
  if (req.secure) res.header("Set-Cookie", cookie(kSecureSessionCookie, "", 0, true, true));
  res.header("Set-Cookie", cookie(kCsrfCookie, "", 0, false, req.secure));
}

struct Routes {
  http::Router& router;
  Service& service;

  void add(Method m, std::string pattern, std::string action, http::Handler h, BodyKind body = BodyKind::None,
           Throttle throttle = Throttle::None, std::string summary = {}) {
    http::Route r;
    r.method = m;
    r.pattern = std::move(pattern);
    r.action = std::move(action);
    r.handler = std::move(h);
    r.body = body;
    r.throttle = throttle;
    r.summary = std::move(summary);
    router.add(std::move(r));
  }

  Response register_user(Request& req) {
    auto body = body_object(req);
    if (!body) return problem(req, body.error());
    json::BodyReader r(*body);
    Registration reg;
    auto email = r.required_string("email", 1, 254);
    auto password = r.required_string("password", 0, 1024);
    auto name = r.required_string("display_name", 1, 100);
    auto locale = r.optional_enum("locale", {"en", "fr"});
    auto zone = r.optional_string("time_zone", 1, 64);
    auto invitation = r.optional_string("invitation", 1, 256);
    if (auto done = r.finish(); !done) return problem(req, done.error());
    reg.email = *email;
    reg.password = *password;
    reg.display_name = *name;
    if (locale) reg.locale = *locale;
    if (zone) reg.time_zone = *zone;
    if (invitation) reg.invitation = *invitation;
    auto user = service.register_user(reg, info_of(req));
    if (!user) return problem(req, user.error());
    return json::response(201, bj::object{{"user", user_json(*user)}});
  }

  Response login(Request& req) {
    auto body = body_object(req);
    if (!body) return problem(req, body.error());
    json::BodyReader r(*body);
    auto email = r.required_string("email", 1, 254);
    auto password = r.required_string("password", 0, 1024);
    if (auto done = r.finish(); !done) return problem(req, done.error());
    auto result = service.login(*email, *password, info_of(req), sent_session_secret(req));
    if (!result) return problem(req, result.error());
    const NewSession& s = result->session;
    int64_t max_age = std::max<int64_t>(0, (s.expires_at - s.created_at) / 1000);
    Response res =
        json::response(200, bj::object{{"user", user_json(result->user)},
                                       {"csrf_token", s.csrf_token},
                                       {"session", {{"id", s.id}, {"expires_at", format_rfc3339(s.expires_at)}}}});
    // A new cookie at every sign-in (SESS-02), HttpOnly, SameSite=Lax, and
    // over TLS Secure with the __Host- prefix (SESS-09).
    res.header("Set-Cookie", cookie(session_cookie_name(req), s.secret, max_age, true, req.secure));
    res.header("Set-Cookie", cookie(kCsrfCookie, s.csrf_token, max_age, false, req.secure));
    return res;
  }

  Response logout(Request& req) {
    if (req.subject.via == http::Subject::Via::Cookie) {
      auto done = service.logout(req.subject.session_id, info_of(req));
      if (!done) return problem(req, done.error());
    }
    Response res = Response::no_content();
    clear_cookies(req, res);
    return res;
  }

  Response verify_email(Request& req) {
    auto body = body_object(req);
    if (!body) return problem(req, body.error());
    json::BodyReader r(*body);
    auto token = r.required_string("token", 1, 256);
    if (auto done = r.finish(); !done) return problem(req, done.error());
    auto done = service.confirm_email(*token, info_of(req));
    if (!done) return problem(req, done.error());
    return Response::no_content();
  }

  Response resend_verification(Request& req) {
    auto done = service.send_verification(req.subject.user_id, info_of(req));
    if (!done) return problem(req, done.error());
    return accepted();
  }

  Response request_reset(Request& req) {
    auto body = body_object(req);
    if (!body) return problem(req, body.error());
    json::BodyReader r(*body);
    auto email = r.required_string("email", 1, 254);
    if (auto done = r.finish(); !done) return problem(req, done.error());
    auto done = service.request_password_reset(*email, info_of(req));
    if (!done) return problem(req, done.error());
    return accepted();
  }

  Response confirm_reset(Request& req) {
    auto body = body_object(req);
    if (!body) return problem(req, body.error());
    json::BodyReader r(*body);
    auto token = r.required_string("token", 1, 256);
    auto password = r.required_string("new_password", 0, 1024);
    if (auto done = r.finish(); !done) return problem(req, done.error());
    auto done = service.reset_password(*token, *password, info_of(req));
    if (!done) return problem(req, done.error());
    return Response::no_content();
  }

  Response me(Request& req) {
    auto body = service.me_rendered(req.subject.user_id,
                                    [](const User& u) { return bj::serialize(user_json(u)); });
    if (!body) return problem(req, body.error());
    return Response{200, "application/json", **body, {}};
  }

  Response update_me(Request& req) {
    auto body = body_object(req);
    if (!body) return problem(req, body.error());
    json::BodyReader r(*body);
    ProfileUpdate change;
    change.display_name = r.optional_string("display_name", 1, 100);
    change.locale = r.optional_enum("locale", {"en", "fr"});
    change.time_zone = r.optional_string("time_zone", 1, 64);
    if (auto done = r.finish(); !done) return problem(req, done.error());
    auto user = service.update_profile(req.subject.user_id, change, info_of(req));
    if (!user) return problem(req, user.error());
    return json::response(200, user_json(*user));
  }

  Response change_password(Request& req) {
    auto body = body_object(req);
    if (!body) return problem(req, body.error());
    json::BodyReader r(*body);
    auto current = r.required_string("current_password", 0, 1024);
    auto next = r.required_string("new_password", 0, 1024);
    if (auto done = r.finish(); !done) return problem(req, done.error());
    auto done = service.change_password(req.subject.user_id, *current, *next, info_of(req));
    if (!done) return problem(req, done.error());
    return Response::no_content();
  }

  Response list_sessions(Request& req) {
    auto sessions = service.list_sessions(req.subject.user_id);
    if (!sessions) return problem(req, sessions.error());
    bj::array items;
    for (const auto& s : *sessions) items.push_back(session_json(s, s.id == req.subject.session_id));
    return json::response(200, bj::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
  }

  Response revoke_session(Request& req) {
    const std::string& id = req.param("session");
    auto done = service.revoke_session(req.subject.user_id, id, info_of(req));
    if (!done) return problem(req, done.error());
    Response res = Response::no_content();
    if (id == req.subject.session_id) clear_cookies(req, res);
    return res;
  }

  Response list_tokens(Request& req) {
    auto tokens = service.list_tokens(req.subject.user_id);
    if (!tokens) return problem(req, tokens.error());
    bj::array items;
    for (const auto& t : *tokens) items.push_back(token_json(t));
    return json::response(200, bj::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
  }

  Response create_token(Request& req) {
    auto body = body_object(req);
    if (!body) return problem(req, body.error());
    json::BodyReader r(*body);
    auto name = r.required_string("name", 1, 100);
    auto days = r.optional_int("expires_in_days", 1, 3650);
    if (auto done = r.finish(); !done) return problem(req, done.error());
    std::optional<int> expires;
    if (days) expires = static_cast<int>(*days);
    auto created = service.create_token(req.subject.user_id, *name, expires, info_of(req));
    if (!created) return problem(req, created.error());
    bj::object o = token_json(created->token);
    o["token"] = created->secret;  // shown this once
    return json::response(201, o);
  }

  Response revoke_token(Request& req) {
    auto done = service.revoke_token(req.subject.user_id, req.param("token"), info_of(req));
    if (!done) return problem(req, done.error());
    return Response::no_content();
  }
};

}  // namespace

void register_routes(http::Router& router, Service& service) {
  // The Routes object lives as long as the handlers that point into it.
  auto routes = std::make_shared<Routes>(Routes{router, service});
  auto bind = [routes](Response (Routes::*fn)(Request&)) {
    return [routes, fn](Request& req) { return ((*routes).*fn)(req); };
  };
  Routes& r = *routes;
  r.add(Method::Post, "/api/v1/auth/register", "auth.register", bind(&Routes::register_user), BodyKind::Json,
        Throttle::Auth, "Create an account");
  r.add(Method::Post, "/api/v1/auth/login", "auth.login", bind(&Routes::login), BodyKind::Json, Throttle::Auth,
        "Sign in; sets the session cookie");
  r.add(Method::Post, "/api/v1/auth/logout", "auth.logout", bind(&Routes::logout), BodyKind::None, Throttle::None,
        "Sign out; ends the session and clears the cookies");
  r.add(Method::Post, "/api/v1/auth/verify-email", "auth.verify_email", bind(&Routes::verify_email), BodyKind::Json,
        Throttle::Auth, "Confirm an e-mail address with the mailed token");
  r.add(Method::Post, "/api/v1/auth/verify-email/resend", "self.verify_email.resend",
        bind(&Routes::resend_verification), BodyKind::None, Throttle::Auth, "Send a new verification link");
  r.add(Method::Post, "/api/v1/auth/password-reset", "auth.password_reset", bind(&Routes::request_reset),
        BodyKind::Json, Throttle::Auth, "Ask for a password-reset link (always 202)");
  r.add(Method::Post, "/api/v1/auth/password-reset/confirm", "auth.password_reset", bind(&Routes::confirm_reset),
        BodyKind::Json, Throttle::Auth, "Set a new password with the mailed token");
  r.add(Method::Get, "/api/v1/me", "self.profile.read", bind(&Routes::me), BodyKind::None, Throttle::None,
        "The signed-in user's profile");
  r.add(Method::Patch, "/api/v1/me", "self.profile.update", bind(&Routes::update_me), BodyKind::Json, Throttle::None,
        "Change name, language or time zone");
  r.add(Method::Post, "/api/v1/me/password", "self.password.change", bind(&Routes::change_password), BodyKind::Json,
        Throttle::Auth, "Change the password (needs the current one)");
  r.add(Method::Get, "/api/v1/me/sessions", "self.sessions.manage", bind(&Routes::list_sessions), BodyKind::None,
        Throttle::None, "List one's active sessions");
  r.add(Method::Delete, "/api/v1/me/sessions/{session}", "self.sessions.manage", bind(&Routes::revoke_session),
        BodyKind::None, Throttle::None, "End one of one's sessions");
  r.add(Method::Get, "/api/v1/me/tokens", "self.tokens.manage", bind(&Routes::list_tokens), BodyKind::None,
        Throttle::None, "List one's API tokens");
  r.add(Method::Post, "/api/v1/me/tokens", "self.tokens.manage", bind(&Routes::create_token), BodyKind::Json,
        Throttle::None, "Create an API token (shown once)");
  r.add(Method::Delete, "/api/v1/me/tokens/{token}", "self.tokens.manage", bind(&Routes::revoke_token), BodyKind::None,
        Throttle::None, "Revoke an API token");
  register_admin_routes(router, service);
}

}  // namespace trivium::identity
