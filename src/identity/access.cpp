// The capabilities identity's routes name, as data (see authz/authz.h).
#include "identity/identity.h"

namespace trivium::identity {

std::vector<authz::Capability> capabilities() {
  auto anyone = [](std::string action, std::string description) {
    authz::Capability c;
    c.action = std::move(action);
    c.description = std::move(description);
    c.anonymous = true;
    return c;
  };
  auto signed_in = [](std::string action, std::string description) {
    authz::Capability c;
    c.action = std::move(action);
    c.description = std::move(description);
    c.authenticated = true;
    return c;
  };
  auto platform_admin = [](std::string action, std::string description) {
    authz::Capability c;
    c.action = std::move(action);
    c.description = std::move(description);
    c.roles = {"platform:admin"};
    return c;
  };
  return {
      anyone("auth.register", "Create an account (subject to the registration policy)"),
      anyone("auth.login", "Sign in with e-mail and password"),
      anyone("auth.logout", "Sign out (end the current session)"),
      anyone("auth.verify_email", "Confirm an e-mail address with the mailed token"),
      anyone("auth.password_reset", "Ask for a password-reset link, or use one"),
      signed_in("self.verify_email.resend", "Send a new e-mail verification link"),
      signed_in("self.profile.read", "Read one's own profile"),
      signed_in("self.profile.update", "Change one's own name, language and time zone"),
      signed_in("self.password.change", "Change one's own password"),
      signed_in("self.sessions.manage", "List and end one's own sessions"),
      signed_in("self.tokens.manage", "Create, list and revoke one's own API tokens"),
      platform_admin("platform.users.manage", "List, create, suspend and invite users"),
      platform_admin("platform.settings.manage", "Read and change platform settings"),
  };
}

}  // namespace trivium::identity
