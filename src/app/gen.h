// `trivium gen`: fills a data folder (or PostgreSQL database) with data for
// the benchmarks, through the modules' services. For now it writes xAPI
// statements into an organisation's learning record store; courses, people
// and enrolments at scale follow with the data-generator issue.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "core/db.h"
#include "lrs/lrs.h"
#include "orgs/orgs.h"

namespace trivium::app {

struct GenOptions {
  int64_t statements = 0;
  int learners = 1000;
  int activities = 250;
  uint64_t seed = 1;
  std::string organisation_slug = "bench";
  int batch = 2000;  // statements per transaction
};

struct GenDeps {
  db::Store& store;
  orgs::Service& orgs;
  lrs::Service& lrs;
};

// Prints the organisation's xAPI credentials and the rate; returns the exit
// status.
int generate(const GenDeps& deps, const GenOptions& options, std::ostream& out);

}  // namespace trivium::app
