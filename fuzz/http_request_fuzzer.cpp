// libFuzzer target: raw bytes off a socket -> Beast's request parser (with the
// server's limits) -> trivium::http::Request -> Router + Pipeline -> handlers
// that decode JSON bodies, query strings and cookies the way modules do.
//
// Besides the sanitizers (ASan, UBSan), it checks the promises of the "Bad
// input" part of the foundation issue: no input yields a 5xx, every 4xx is an
// RFC 9457 problem document whose `status` matches the HTTP status, and no
// response header carries CR or LF (INJ-05).
//
// The reading loop mirrors HttpServer::Impl::session in src/core/http_server.cpp:
// one parser per request over a shared buffer (so pipelined requests are
// parsed one after another), input arriving whole or in small segments, the
// same error-to-problem mapping, and the same way a Request is filled from
// the Beast message.
#include <algorithm>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/config.h"
#include "core/http.h"
#include "core/json.h"
#include "core/metrics.h"
#include "core/pipeline.h"
#include "core/result.h"

// Boost's assertions stay on (BOOST_ENABLE_ASSERT_HANDLER, see CMakeLists.txt)
// and abort, except one known false alarm of Beast (core/assert_handler.cpp).

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace bj = boost::json;
using namespace trivium;
using namespace trivium::http;

constexpr int kMaxRequestsPerInput = 8;

[[noreturn]] void violation(const char* what, const Response& res) {
  std::fprintf(stderr, "INVARIANT VIOLATED: %s\nstatus %d, content type '%s'\nbody: %s\n", what, res.status,
               res.content_type.c_str(), res.body.c_str());
  std::abort();
}

// --- What the modules would be: a fake authentication and policy. ----------

// Anonymous without a Cookie header; a cookie session (with a CSRF token)
// when trivium_session is present, except the value "revoked", which is
// refused the way an expired session would be. A Bearer token authenticates
// too.
class FakeAuthenticator final : public Authenticator {
 public:
  Result<Subject> authenticate(const Request& req) override {
    Subject s;
    if (auto auth = req.header("Authorization"); auth && auth->starts_with("Bearer ")) {
      if (auth->size() <= 7) return fail(ErrorKind::Unauthenticated, "Empty bearer token.");
      s.via = Subject::Via::Bearer;
      s.user_id = "user-bearer";
      s.token_id = std::string(auth->substr(7, 16));
      return s;
    }
    if (!req.header("Cookie")) return s;
    auto session = req.cookie("trivium_session");
    if (!session) return s;
    if (*session == "revoked") return fail(ErrorKind::Unauthenticated, "The session has ended.");
    s.via = Subject::Via::Cookie;
    s.user_id = "user-cookie";
    s.session_id = std::string(*session);
    s.csrf_token = "csrf-token-0123456789";
    return s;
  }
};

// Allows everything, except that actions ending in ".self" need a signed-in
// subject and "platform.admin" needs a platform administrator: enough to
// render 401 and 403 through the same path as the real policy.
class FakeAuthorizer final : public Authorizer {
 public:
  Result<void> authorize(const Request& req, const Route& route) override {
    if (route.action.ends_with(".self") && !req.subject.authenticated())
      return fail(ErrorKind::Unauthenticated, "Sign in first.");
    if (route.action == "platform.admin" && !req.subject.platform_admin)
      return fail(ErrorKind::Forbidden, "Administrators only.");
    return ok();
  }
};

// --- Handlers shaped like the modules' routes.cpp. --------------------------

Response render(const Error& err, const Request& req) {
  return problem(err, req.request_id);
}

Response create_course(Request& req) {
  auto obj = json::parse_object(req.body);
  if (!obj) return render(obj.error(), req);
  json::BodyReader r(*obj);
  auto title = r.required_string("title", 1, 200);
  auto summary = r.optional_string("summary", 0, 2000);
  auto form = r.required_enum("form", {"mooc", "cooc", "spoc", "blended"});
  auto capacity = r.optional_int("capacity", 1, 1'000'000);
  auto listed = r.optional_bool("listed");
  auto tags = r.optional_string_array("tags", 20, 40);
  if (auto done = r.finish(); !done) return render(done.error(), req);
  bj::object out;
  out["id"] = "course-1";
  out["title"] = *title;
  out["summary"] = summary.value_or("");
  out["form"] = *form;
  out["capacity"] = capacity ? bj::value(*capacity) : bj::value(nullptr);
  out["listed"] = listed.value_or(false);
  bj::array t;
  if (tags)
    for (auto& tag : *tags) t.emplace_back(tag);
  out["tags"] = std::move(t);
  return json::response(201, out);
}

Response list_courses(Request& req) {
  auto q = req.query_param("q");
  auto cursor = req.query_param("cursor");
  int64_t limit = 20;
  if (auto l = req.query_param("limit")) {
    char* end = nullptr;
    long long v = std::strtoll(l->c_str(), &end, 10);
    if (l->empty() || *end != '\0' || v < 1 || v > 100)
      return render(invalid("limit", "range", "must be between 1 and 100").error, req);
    limit = v;
  }
  bj::object out;
  out["items"] = bj::array{};
  out["q"] = q.value_or("");
  out["limit"] = limit;
  out["next_cursor"] = cursor ? bj::value(*cursor) : bj::value(nullptr);
  return json::response(200, out);
}

Response get_course(Request& req) {
  const std::string& id = req.param("course");
  if (id == "missing") return render({ErrorKind::NotFound, "No such course.", {}, 0}, req);
  return json::response(200, bj::object{{"id", id}});
}

Response update_course(Request& req) {
  auto obj = json::parse_object(req.body);
  if (!obj) return render(obj.error(), req);
  json::BodyReader r(*obj);
  auto title = r.optional_string("title", 1, 200);
  auto version = r.required_int("version", 0, INT64_MAX);
  if (auto done = r.finish(); !done) return render(done.error(), req);
  if (*version != 7) return render({ErrorKind::PreconditionFailed, "The course changed meanwhile.", {}, 0}, req);
  return json::response(200, bj::object{{"id", req.param("course")}, {"title", title.value_or("")}});
}

Response get_run(Request& req) {
  return json::response(200, bj::object{{"course", req.param("course")}, {"run", req.param("run")}});
}

Response put_member(Request& req) {
  auto obj = json::parse_object(req.body);
  if (!obj) return render(obj.error(), req);
  json::BodyReader r(*obj);
  auto roles = r.optional_string_array("roles", 5, 20);
  auto department = r.optional_string("department", 1, 100);
  if (roles) {
    for (size_t i = 0; i < roles->size(); ++i) {
      const auto& role = (*roles)[i];
      if (role != "admin" && role != "manager" && role != "author" && role != "trainer" && role != "member")
        r.add_error("roles/" + std::to_string(i), "enum", "is not a role");
    }
  }
  if (auto done = r.finish(); !done) return render(done.error(), req);
  bj::object out{{"org", req.param("org")}, {"user", req.param("user")}};
  out["department"] = department ? bj::value(*department) : bj::value(nullptr);
  return json::response(200, out);
}

Response login(Request& req) {
  auto obj = json::parse_object(req.body);
  if (!obj) return render(obj.error(), req);
  json::BodyReader r(*obj);
  auto email = r.required_string("email", 3, 254);
  auto password = r.required_string("password", 1, 128);
  auto remember = r.optional_bool("remember");
  if (auto done = r.finish(); !done) return render(done.error(), req);
  if (email->find('@') == std::string::npos)
    return render(invalid("email", "format", "is not an e-mail address").error, req);
  if (*password != "correct horse")
    return render({ErrorKind::Unauthenticated, "Wrong e-mail or password.", {}, 0}, req);
  Response res = json::response(200, bj::object{{"user_id", "user-1"}, {"remember", remember.value_or(false)}});
  res.header("Set-Cookie", "trivium_session=abc; Path=/; HttpOnly; SameSite=Lax");
  return res;
}

Response me(Request& req) {
  bj::object out{{"id", req.subject.user_id}};
  auto session = req.cookie("trivium_session");
  out["session"] = session ? bj::value(std::string(*session)) : bj::value(nullptr);
  if (auto locale = req.query_param("locale")) out["locale"] = *locale;
  return json::response(200, out);
}

Response upload(Request& req) {
  return json::response(200, bj::object{{"bytes", static_cast<int64_t>(req.body.size())}});
}

Router& router() {
  static Router* r = [] {
    auto* rt = new Router();
    rt->add({.method = Method::Get, .pattern = "/healthz", .action = "public", .handler = [](Request&) {
               return json::response(200, bj::object{{"status", "ok"}});
             }});
    rt->add({.method = Method::Get, .pattern = "/api/v1/courses", .action = "course.list", .handler = list_courses});
    rt->add({.method = Method::Post,
             .pattern = "/api/v1/courses",
             .action = "course.create",
             .handler = create_course,
             .body = BodyKind::Json});
    rt->add(
        {.method = Method::Get, .pattern = "/api/v1/courses/search", .action = "course.list", .handler = list_courses});
    rt->add(
        {.method = Method::Get, .pattern = "/api/v1/courses/{course}", .action = "course.view", .handler = get_course});
    rt->add({.method = Method::Patch,
             .pattern = "/api/v1/courses/{course}",
             .action = "course.edit",
             .handler = update_course,
             .body = BodyKind::Json});
    rt->add({.method = Method::Delete,
             .pattern = "/api/v1/courses/{course}",
             .action = "platform.admin",
             .handler = [](Request&) { return Response::no_content(); }});
    rt->add({.method = Method::Get,
             .pattern = "/api/v1/courses/{course}/runs/{run}",
             .action = "run.view",
             .handler = get_run});
    rt->add({.method = Method::Put,
             .pattern = "/api/v1/orgs/{org}/members/{user}",
             .action = "org.members.manage",
             .handler = put_member,
             .body = BodyKind::Json});
    rt->add({.method = Method::Post,
             .pattern = "/api/v1/auth/login",
             .action = "public",
             .handler = login,
             .body = BodyKind::Json,
             .throttle = Throttle::Auth});
    rt->add({.method = Method::Get, .pattern = "/api/v1/me", .action = "me.self", .handler = me});
    rt->add({.method = Method::Post,
             .pattern = "/api/v1/uploads",
             .action = "upload.self",
             .handler = upload,
             .body = BodyKind::Any,
             .max_body = 64});
    return rt;
  }();
  return *r;
}

struct World {
  Config config;
  ManualClock clock;
  FakeAuthenticator authn;
  FakeAuthorizer authz;
  Pipeline pipeline;

  static Config make_config() {
    Config c;
    c.access_log = false;
    c.auth_requests_per_ip_per_minute = 1;
    c.auth_burst_per_ip = 2;  // a few pipelined logins reach the 429 path
    return c;
  }
  World() : config(make_config()), pipeline(config, clock, router(), authn, authz) {}
};

World& world() {
  static World* w = new World();
  return *w;
}

// --- Invariants. --------------------------------------------------------------

// TRIVIUM_FUZZ_TRACE=1 prints every response, to see what a seed reaches.
void trace(const Response& res) {
  static const bool on = std::getenv("TRIVIUM_FUZZ_TRACE") != nullptr;
  if (on) std::fprintf(stderr, "-> %d %s\n", res.status, res.body.c_str());
}

void check_response(const Response& res) {
  trace(res);
  if (res.status >= 500) violation("a request produced a 5xx", res);
  if (res.status < 200 || (res.status >= 300 && res.status < 400)) violation("unexpected status class", res);
  for (const auto& [k, v] : res.headers) {
    if (k.find_first_of("\r\n") != std::string::npos || v.find_first_of("\r\n") != std::string::npos)
      violation("CR/LF in a response header", res);
  }
  if (res.status < 400) return;
  if (res.content_type != "application/problem+json") violation("a 4xx is not application/problem+json", res);
  boost::system::error_code ec;
  bj::value doc = bj::parse(res.body, ec);
  if (ec || !doc.is_object()) violation("a 4xx body is not a JSON object", res);
  const auto& o = doc.as_object();
  const auto* type = o.if_contains("type");
  const auto* status = o.if_contains("status");
  if (!type || !type->is_string() || type->as_string().empty()) violation("a problem has no type", res);
  if (!status || !status->is_int64() || status->as_int64() != res.status)
    violation("a problem's status differs from the HTTP status", res);
  if (res.status == 405) {
    bool allow = false;
    for (const auto& [k, v] : res.headers) allow |= k == "Allow" && !v.empty();
    if (!allow) violation("a 405 without Allow", res);
  }
}

// As HttpServer::Impl::fill_request (remote address fixed, no proxy trust).
void fill_request(Request& req, bhttp::request<bhttp::string_body>& msg) {
  req.method_text = std::string_view(msg.method_string().data(), msg.method_string().size());
  req.method = parse_method(req.method_text);
  req.target = std::string_view(msg.target().data(), msg.target().size());
  auto q = req.target.find('?');
  req.path = req.target.substr(0, q);
  req.query = q == std::string_view::npos ? std::string_view{} : req.target.substr(q + 1);
  for (const auto& f : msg)
    req.headers.emplace_back(std::string_view(f.name_string().data(), f.name_string().size()),
                             std::string_view(f.value().data(), f.value().size()));
  req.body = std::move(msg.body());
  req.remote_ip = "127.0.0.1";
}

// The client side of the connection: the input, delivered `segment` bytes
// per read, as TCP may split it.
struct Socket {
  const uint8_t* data;
  size_t left;
  size_t segment;

  // Appends the next segment to `buffer`; false at end of file.
  bool read(beast::flat_buffer& buffer) {
    if (left == 0) return false;
    const size_t n = std::min(left, segment);
    auto space = buffer.prepare(n);
    std::memcpy(space.data(), data, n);
    buffer.commit(n);
    data += n;
    left -= n;
    return true;
  }
};

// Reads one request the way beast::http::async_read does: parse what the
// buffer holds, read more only when the parser needs more, put_eof at end of
// file.
beast::error_code read_one(Socket& socket, beast::flat_buffer& buffer,
                           bhttp::request_parser<bhttp::string_body>& parser) {
  beast::error_code ec;
  parser.eager(true);
  while (!parser.is_done()) {
    if (buffer.size() > 0) {
      const size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec && ec != bhttp::error::need_more) return ec;
      if (!ec) {
        // Beast would call put() again on the same bytes: without progress
        // the server's read loop would spin forever.
        if (used == 0 && !parser.is_done()) {
          std::fprintf(stderr, "INVARIANT VIOLATED: the parser made no progress\n");
          std::abort();
        }
        continue;
      }
    }
    if (!socket.read(buffer)) {
      if (!parser.got_some()) return bhttp::error::end_of_stream;
      parser.put_eof(ec);
      return ec;
    }
    ec = {};
  }
  return ec;
}

void reject(World& w, const Error& err) {
  Request req;
  req.method_text = "-";
  req.target = "-";
  req.remote_ip = "127.0.0.1";
  Response res = w.pipeline.reject(req, err, monotonic_ns());
  check_response(res);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& w = world();
  // A fresh throttle window per input keeps runs reproducible.
  w.clock.advance(3'600'000);

  // Most inputs arrive in one read; one in four is split into small segments
  // (1 to 32 bytes, from a hash of the input, so that runs are reproducible).
  uint32_t hash = 2166136261u;
  for (size_t i = 0; i < size; ++i) hash = (hash ^ data[i]) * 16777619u;
  Socket socket{data, size, (hash & 3) == 0 ? 1 + (hash >> 2) % 32 : size};
  beast::flat_buffer buffer;

  for (int i = 0; i < kMaxRequestsPerInput; ++i) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(w.config.max_header_bytes));
    parser.body_limit(w.config.max_body_bytes);
    beast::error_code ec = read_one(socket, buffer, parser);
    if (ec) {
      // As the server: answer what it would answer, then close.
      if (ec == bhttp::error::body_limit)
        reject(w, {ErrorKind::PayloadTooLarge, "The body is too large.", {}, 0});
      else if (ec == bhttp::error::header_limit)
        reject(w, {ErrorKind::BadRequest, "The request headers are too large.", {}, 0});
      else if (ec != bhttp::error::end_of_stream)
        reject(w, {ErrorKind::BadRequest, "Malformed HTTP request: " + ec.message() + ".", {}, 0});
      break;
    }
    const int64_t started = monotonic_ns();
    auto& msg = parser.get();
    const bool keep_alive = msg.keep_alive();
    Request req;
    fill_request(req, msg);
    Response res;
    const Route* route = w.pipeline.prepare(req, res);
    if (route) w.pipeline.run(*route, req, res);
    w.pipeline.finish(req, route, res, started);
    check_response(res);
    if (!keep_alive) break;
  }
  // The metrics text must stay renderable whatever was recorded.
  if (size > 0 && data[0] == 'G' && size % 64 == 0) (void)w.pipeline.metrics().render();
  return 0;
}
