// The capabilities of the orgs routes, as data (like Moodle's db/access.php).

#include "orgs/orgs.h"

namespace trivium::orgs {

std::vector<authz::Capability> capabilities() {
  return {
      {"platform.orgs.create", "Create an organisation.", false, false, false, {"platform:admin"}},
      // Everyone signed in may list; the service shows only their own
      // organisations unless they are a platform admin.
      {"orgs.list", "List the organisations one belongs to.", false, true, false, {}},
      {"org.read",
       "See an organisation and its departments.",
       false,
       false,
       false,
       {"organisation:member", "organisation:admin", "organisation:manager", "organisation:author",
        "organisation:trainer", "platform:admin"}},
      {"org.manage",
       "Rename an organisation and manage its departments.",
       false,
       false,
       false,
       {"organisation:admin", "platform:admin"}},
      {"org.members.read",
       "List the members of an organisation with their roles.",
       false,
       false,
       false,
       {"organisation:admin", "organisation:manager", "platform:admin"}},
      {"org.members.manage",
       "Add and remove members, change their roles and departments.",
       false,
       false,
       false,
       {"organisation:admin", "platform:admin"}},
  };
}

}  // namespace trivium::orgs
