// HTTP as the rest of Trivium sees it: plain request and response values and
// the route table. No Beast or Asio types appear here, so that modules can
// declare routes without paying for those headers (see core/http_server.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace trivium::http {

enum class Method { Get, Head, Post, Put, Patch, Delete, Options, Other };
std::string_view method_name(Method m);
Method parse_method(std::string_view s);
inline bool is_safe(Method m) { return m == Method::Get || m == Method::Head || m == Method::Options; }

// Who is making the request, as established by authentication.
struct Subject {
  // Client: a tool holding an organisation's xAPI credentials (HTTP Basic);
  // it acts for the organisation with its scopes, never as a person.
  enum class Via { Anonymous, Cookie, Bearer, Client };
  Via via = Via::Anonymous;
  std::string user_id;     // empty when anonymous or a client
  std::string session_id;  // cookie sessions: the session's public id
  std::string token_id;    // bearer tokens: the token's id
  std::string csrf_token;  // cookie sessions: the anti-forgery token bound to the session
  bool platform_admin = false;
  std::string client_id;                // clients: the credentials' id
  std::string organisation_id;          // clients: whose records they reach
  std::vector<std::string> scopes;      // clients: what they may do
  bool authenticated() const { return via != Via::Anonymous; }
};

struct Request {
  Method method = Method::Get;
  std::string_view method_text;
  std::string_view target;  // as received: path + '?' + query
  std::string_view path;    // percent-decoding is left to the router's parameters
  std::string_view query;
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string body;
  std::string remote_ip;
  bool secure = false;  // TLS, or a trusted proxy said X-Forwarded-Proto: https

  // Filled in along the way.
  std::string request_id;
  // When the request arrived, on the server's wall clock (milliseconds since
  // the epoch): deadlines are judged by it, not by when a worker got to it
  // (BL-04).
  int64_t received_ms = 0;
  std::vector<std::pair<std::string_view, std::string>> params;  // decoded path parameters
  Subject subject;

  // Case-insensitive lookup of the first header with this name.
  std::optional<std::string_view> header(std::string_view name) const;
  // Decoded path parameter; "" if the route has none of that name.
  const std::string& param(std::string_view name) const;
  // Decoded query-string parameter (first occurrence).
  std::optional<std::string> query_param(std::string_view name) const;
  // Value of a cookie from the Cookie header.
  std::optional<std::string_view> cookie(std::string_view name) const;
};

// An open file, closed when the last response holding it is gone. Owning
// the descriptor rather than a path means a file removed or replaced while
// it is being sent is still sent whole, and the access check made when it
// was opened is the one that counts.
class OpenFile {
 public:
  explicit OpenFile(int fd) : fd_(fd) {}
  ~OpenFile();  // closes the descriptor (core/http_server.cpp)
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// A body sent straight from a file: the server writes the headers, then
// `length` bytes from `offset` with sendfile(2), never reading the file into
// memory (course videos are gigabytes). Content-Length is `length`; a HEAD
// request gets the headers only.
struct FileBody {
  std::shared_ptr<const OpenFile> file;
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct Response {
  int status = 200;
  std::string content_type;  // empty: no body
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the body comes from this file and `body` is ignored.
  std::optional<FileBody> file;

  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  static Response no_content() { return Response{204, {}, {}, {}}; }
};

// What a route's body must be; checked before the handler runs (415/413).
enum class BodyKind { None, Json, Any };
// Which per-client throttle applies (see core/rate_limit.h).
enum class Throttle { None, Auth };

// Where the authorisation policy should look for roles: the object named by a
// path parameter. An empty kind means the platform context.
struct ContextSpec {
  std::string kind;   // "platform", "organisation", "user", later "course", "run", ...
  std::string param;  // path parameter that holds the object's id
};

using Handler = std::function<Response(Request&)>;

struct Route {
  Method method = Method::Get;
  std::string pattern;  // "/api/v1/orgs/{org}/members/{user}"
  // The capability the central policy checks before the handler runs,
  // e.g. "org.members.manage". Every route names one (AC-01).
  std::string action;
  ContextSpec context;
  Handler handler;
  BodyKind body = BodyKind::None;
  Throttle throttle = Throttle::None;
  size_t max_body = 0;  // 0: the server's default limit
  // Runs on the blocking worker pool instead of the I/O thread. Defaults to
  // true for unsafe methods (they write, and a write waits for a commit).
  std::optional<bool> offload;
  std::string summary;  // one line for the OpenAPI document
};

struct Match {
  enum class Kind { Found, NotFound, MethodNotAllowed };
  Kind kind = Kind::NotFound;
  const Route* route = nullptr;
  std::vector<std::pair<std::string_view, std::string>> params;
  std::string allow;  // for MethodNotAllowed: "GET, POST"
};

// Routes are matched segment by segment; a segment "{name}" matches any one
// non-empty segment. Literal segments win over parameters.
class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Throws std::logic_error on a duplicate or a route without an action:
  // a programming error found at start-up.
  void add(Route route);
  // The GET route that answers GET and HEAD requests whose path no other
  // route matches (the web app's pages live at paths of its own choosing).
  // Listed in routes() like the others, so that it is authorised and
  // counted, but never walked by the trie. At most one; GET only.
  void add_fallback(Route route);
  const Route* fallback() const { return fallback_ ? &routes_[*fallback_] : nullptr; }
  Match match(Method method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Node;
  Match unmatched(Method method) const;
  std::vector<Route> routes_;
  std::unique_ptr<Node> root_;
  std::optional<size_t> fallback_;  // index into routes_
};

// Strict UTF-8 check (no overlong forms, no surrogates).
bool is_valid_utf8(std::string_view s);

// Percent-decodes a URL component; nullopt on a bad escape or bad UTF-8.
std::optional<std::string> url_decode(std::string_view s, bool plus_is_space);

}  // namespace trivium::http
