// Who may read the audit log (LOG-04): platform admins everything, an
// organisation's admins only that organisation's events.

#include "audit/audit.h"

namespace trivium::audit {

std::vector<authz::Capability> capabilities() {
  return {
      {"platform.audit.read", "Read the audit log of the whole platform.", false, false, false, {"platform:admin"}},
      {"org.audit.read",
       "Read the audit log of one organisation.",
       false,
       false,
       false,
       {"organisation:admin", "platform:admin"}},
  };
}

}  // namespace trivium::audit
