// The capabilities of the LRS routes, as data. xAPI resources are reached
// only with an organisation's client credentials, by scope (xAPI's own scope
// names); people manage those credentials as organisation admins.

#include "lrs/lrs.h"

namespace trivium::lrs {

namespace {

authz::Capability scoped(std::string action, std::string description, std::vector<std::string> scopes) {
  authz::Capability c;
  c.action = std::move(action);
  c.description = std::move(description);
  c.client_scopes = std::move(scopes);
  return c;
}

}  // namespace

std::vector<authz::Capability> capabilities() {
  authz::Capability about;
  about.action = "xapi.about";
  about.description = "Read which xAPI versions the LRS speaks.";
  about.anonymous = true;
  authz::Capability manage;
  manage.action = "lrs.clients.manage";
  manage.description = "Create, list and revoke an organisation's xAPI client credentials.";
  manage.roles = {"organisation:admin", "platform:admin"};
  return {
      about,
      manage,
      scoped("xapi.statements.read", "Read the organisation's statements.", {"all", "all/read", "statements/read"}),
      scoped("xapi.statements.write", "Store statements.", {"all", "statements/write"}),
      scoped("xapi.state.read", "Read state documents.", {"all", "all/read", "state"}),
      scoped("xapi.state.write", "Store and delete state documents.", {"all", "state"}),
      scoped("xapi.profiles.read", "Read activity and agent profiles, agents and activities.",
             {"all", "all/read", "profile"}),
      scoped("xapi.profiles.write", "Store and delete activity and agent profiles.", {"all", "profile"}),
  };
}

}  // namespace trivium::lrs
