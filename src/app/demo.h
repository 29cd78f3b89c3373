// Demo content (`trivium demo`): a catalog a newcomer can explore at once,
// loaded through the modules' public services like any other change.
#pragma once

#include <ostream>
#include <string>

#include "core/clock.h"
#include "core/config.h"

namespace trivium::identity {
class Service;
}
namespace trivium::orgs {
class Service;
}
namespace trivium::courses {
class Service;
}
namespace trivium::outline {
class Service;
}
namespace trivium::enrolment {
class Service;
}

namespace trivium::app {

// The services the demo loader writes through (wired by App::load_demo).
struct DemoServices {
  const Config& config;
  const Clock& clock;
  identity::Service& identity;
  orgs::Service& orgs;
  courses::Service& courses;
  outline::Service& outline;
  enrolment::Service& enrolment;
};

// The demo company's slug: its presence means the demo is loaded.
inline constexpr const char* kDemoCompanySlug = "northwind-energy";
// Written in the data folder (mode 0600): the demo accounts and their password.
inline constexpr const char* kDemoAccountsFile = "demo-accounts.txt";

// Loads the demo unless its company exists already, then prints the demo
// accounts (the content of kDemoAccountsFile). Returns the exit status;
// errors go to `err`.
int load_demo_content(const DemoServices& services, std::ostream& out, std::ostream& err);

}  // namespace trivium::app
