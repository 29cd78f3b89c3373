#pragma once

#include <string_view>
#include <vector>

#include "authz/authz.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/http.h"

namespace trivium::http {
class Metrics;
}

namespace trivium::app {

struct SystemDeps {
  db::Store& store;
  // Filled once the pipeline exists (metrics need the complete route table).
  http::Metrics* const* metrics;
  std::string_view openapi;
  SystemClock* test_clock = nullptr;  // non-null only with test hooks enabled
};

std::vector<authz::Capability> system_capabilities();
void register_system_routes(http::Router& router, SystemDeps deps);

}  // namespace trivium::app
