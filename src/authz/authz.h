// The one authorisation policy: "may subject S do action A on object O?"
//
// As in Moodle, roles are held in contexts that form a tree (platform ->
// organisation -> course -> course run, and user for one's own account), and
// a capability names the roles that grant it. Capabilities are declared as
// data by each module (its access.cpp), every route names the capability it
// needs, and the pipeline asks this policy before any handler runs: no
// handler checks roles by hand.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/http.h"
#include "core/pipeline.h"
#include "core/result.h"

namespace trivium::authz {

struct ContextRef {
  std::string kind;  // "platform", "organisation", "user", ...
  std::string id;    // empty for the platform
  bool operator==(const ContextRef&) const = default;
};

// A role in a context kind, written "organisation:admin", "platform:admin".
struct Capability {
  std::string action;  // "org.members.manage"
  std::string description;
  bool anonymous = false;      // anyone, signed in or not
  bool authenticated = false;  // any signed-in user
  bool self = false;           // the signed-in user when the context is their own user
  std::vector<std::string> roles;
  // Also walk the contexts for anonymous callers (user id ""): a RoleSource
  // may grant a role to everyone, e.g. "course:viewer" on a public course.
  bool roles_for_anonymous = false;
  // Clients (xAPI credentials, Subject::Via::Client) hold scopes, not roles:
  // one of these scopes grants the capability to them; nothing else does.
  std::vector<std::string> client_scopes;
};

// A capability that these roles grant: the shape most capabilities have.
inline Capability granted_to(std::string action, std::string description, std::vector<std::string> roles) {
  Capability c;
  c.action = std::move(action);
  c.description = std::move(description);
  c.roles = std::move(roles);
  return c;
}

// Answers which roles a user holds directly in a context, and which context
// contains another. Modules that own contexts (orgs, later courses) provide one.
class RoleSource {
 public:
  virtual ~RoleSource() = default;
  virtual Result<std::vector<std::string>> roles_in(const std::string& user_id, const ContextRef& ctx) = 0;
  // The enclosing context (organisation of a course, ...); NotFound if the
  // object does not exist.
  virtual Result<std::optional<ContextRef>> parent_of(const ContextRef& ctx) = 0;
};

class Policy final : public http::Authorizer {
 public:
  Policy();
  ~Policy() override;
  void declare(const std::vector<Capability>& caps);
  // Registers who knows roles in (and parents of) contexts of `kind`. Several
  // sources may serve one kind: the first registered owns the contexts (its
  // parent_of() is asked), the roles of all of them add up.
  void add_role_source(const std::string& kind, RoleSource& source);

  // The decision, for any caller. Fails closed: an error while looking up
  // roles is a denial (AC-06). NotFound when the object does not exist.
  Result<void> check(const http::Subject& who, const std::string& action, const ContextRef& on);
  bool can(const http::Subject& who, const std::string& action, const ContextRef& on);

  Result<void> authorize(const http::Request& req, const http::Route& route) override;
  const Capability* find(const std::string& action) const;
  std::vector<Capability> all() const;

  // Start-up lint of the route table (AC-01): fails if a route names an
  // action nobody declared, or a context whose path parameter is not in its
  // pattern. The app calls it after every module has registered its routes
  // and declared its capabilities, and refuses to start on failure.
  Result<void> verify_routes(const http::Router& router) const;

  // The context a route's request is about: route.context's kind, with the
  // id taken from the named path parameter; an empty kind is the platform.
  static ContextRef context_of(const http::Request& req, const http::Route& route);

 private:
  // check() with the request id that denials are logged with (AC-07).
  Result<void> decide(const http::Subject& who, const std::string& action, const ContextRef& on,
                      std::string_view request_id);

  std::unordered_map<std::string, Capability> caps_;
  std::unordered_map<std::string, std::vector<RoleSource*>> sources_;
};

}  // namespace trivium::authz
