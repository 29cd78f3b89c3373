// The composition root: opens the store, builds every capability's service,
// registers their routes and capabilities, and owns the server. Nothing
// outside src/app knows how the modules are wired together.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "core/config.h"
#include "app/gen.h"
#include "core/http.h"

namespace trivium::app {

class App {
 public:
  // Opens the store and applies migrations. Throws std::runtime_error with a
  // clear message when the store cannot be opened or is newer than the binary.
  explicit App(Config config);
  ~App();

  // First start: creates the platform organisation and the first platform
  // administrator; returns their one-time password when one was created.
  std::optional<std::string> bootstrap();
  // Binds, serves until SIGTERM/SIGINT, then shuts down gracefully.
  void serve();

  const http::Router& router() const;
  const Config& config() const;

  // Used by the CLI's `user` subcommand.
  int create_user(const std::string& email, const std::string& name, const std::string& password, bool admin);
  int reset_password(const std::string& email);
  // `trivium demo`: loads the demo catalog unless it is there already, then
  // prints the demo accounts to `out` (src/app/demo.cpp). Returns the exit status.
  int load_demo(std::ostream& out);
  // `trivium gen` (src/app/gen.cpp): prints the organisation's xAPI
  // credentials and the rate, returns the exit status.
  int generate(const GenOptions& options, std::ostream& out);

  // Everything the running service is made of (defined in app.cpp, where
  // the wiring helpers use it).
  struct Parts;

 private:
  std::unique_ptr<Parts> parts_;
};

// The OpenAPI document compiled into the binary (api/openapi.json).
std::string_view openapi_document();

}  // namespace trivium::app
