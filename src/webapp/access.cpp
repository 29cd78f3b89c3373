// The capability of the web app's route, as data. The app's page and files
// are public: what a person may see is decided by the API calls the app
// makes, each under its own capability.

#include "webapp/webapp.h"

namespace trivium::webapp {

std::vector<authz::Capability> capabilities() {
  return {
      {"webapp.read", "Load the web app's page and its files", true, false, false, {}},
  };
}

}  // namespace trivium::webapp
