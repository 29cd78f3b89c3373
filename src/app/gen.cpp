// `trivium gen`: benchmark data written through the services, as the running
// server would write it. Statements follow the shapes of
// bench/wrk-xapi-post.lua: statement i is by learner (i * 7919) % learners on
// activity (i * 104729) % activities, so bench/wrk-xapi-query.lua finds them.

#include <chrono>
#include <iostream>

#include <boost/json.hpp>

#include "app/gen.h"

namespace trivium::app {

namespace {

const char* const kVerbs[] = {"experienced", "progressed", "completed", "answered", "passed", "failed"};

std::string statement_json(int64_t i, const GenOptions& o) {
  const int64_t learner = (i * 7919) % o.learners;
  const int64_t activity = (i * 104729) % o.activities;
  const char* verb = kVerbs[i % 6];
  char registration[40];
  std::snprintf(registration, sizeof registration, "%08llx-0000-4000-8000-%012llx",
                static_cast<unsigned long long>(learner), static_cast<unsigned long long>(learner));
  boost::json::object st{
      {"actor",
       {{"objectType", "Agent"},
        {"name", "Learner " + std::to_string(learner)},
        {"mbox", "mailto:learner" + std::to_string(learner) + "@bench.trivium.test"}}},
      {"verb", {{"id", std::string("http://adlnet.gov/expapi/verbs/") + verb}, {"display", {{"en-US", verb}}}}},
      {"object",
       {{"objectType", "Activity"},
        {"id", "https://bench.trivium.test/activities/" + std::to_string(activity)},
        {"definition",
         {{"name", {{"en-US", "Lesson " + std::to_string(activity)}}},
          {"type", "http://adlnet.gov/expapi/activities/lesson"}}}}},
      {"result", {{"completion", true}, {"duration", "PT" + std::to_string(i % 60) + "S"}}},
      {"context",
       {{"registration", registration},
        {"contextActivities",
         {{"parent", boost::json::array{boost::json::object{
                         {"id", "https://bench.trivium.test/courses/" + std::to_string(activity % 10)}}}}}}}}};
  return boost::json::serialize(st);
}

}  // namespace

int generate(const GenDeps& p, const GenOptions& o, std::ostream& out) {
  orgs::Actor system{"", true, "127.0.0.1", "gen"};
  std::string org_id;
  auto created = p.orgs.create_organisation(system, {o.organisation_slug, "Benchmark organisation", "company"});
  if (created) {
    org_id = created->id;
  } else {
    auto found = p.store.read([&](db::Tx& tx) -> Result<void> {
      TRV_ASSIGN(auto row, tx.one("SELECT id FROM organisations WHERE slug = $1", {o.organisation_slug}));
      if (row) org_id = row->text(0);
      return ok();
    });
    if (!found || org_id.empty()) {
      std::cerr << "gen: cannot create or find the organisation " << o.organisation_slug << ": "
                << created.error().detail << "\n";
      return 1;
    }
  }
  auto client = p.lrs.create_client({"", "127.0.0.1", "gen"}, org_id, "Benchmark client", {"all"});
  if (!client) {
    std::cerr << "gen: cannot create the xAPI client: " << client.error().detail << "\n";
    return 1;
  }
  out << "organisation " << org_id << "\n";
  out << "xapi_key " << client->client.key << "\n";
  out << "xapi_secret " << client->secret << "\n";

  const auto started = std::chrono::steady_clock::now();
  int64_t done = 0;
  while (done < o.statements) {
    const int64_t n = std::min<int64_t>(o.batch, o.statements - done);
    std::vector<lrs::Event> events;
    events.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      events.push_back({org_id, statement_json(static_cast<int64_t>(o.seed) * 1'000'003 + done + i, o)});
    }
    auto written = p.store.write([&](db::Tx& tx) -> Result<void> {
      TRV_TRY(p.lrs.record(tx, events));
      return ok();
    });
    if (!written) {
      std::cerr << "gen: writing statements failed: " << written.error().detail << "\n";
      return 1;
    }
    done += n;
    if (done % 100000 < n || done == o.statements) {
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      out << "statements " << done << " in " << s << " s (" << static_cast<int64_t>(done / (s > 0 ? s : 1))
          << " rows/s)\n"
          << std::flush;
    }
  }
  return 0;
}

}  // namespace trivium::app
