// Inside the gradebook module: the service's state and its SQL. Not
// included by other modules.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "gradebook/gradebook.h"

namespace trivium::gradebook {

namespace detail {

// --- SQL (queries.cpp) -----------------------------------------------------
Result<Setup> load_setup(db::Tx& tx, const std::string& run_id);
Result<void> save_categories(db::Tx& tx, const std::string& run_id, const std::vector<Category>& categories,
                             double uncategorised_weight);
Result<void> save_placement(db::Tx& tx, const std::string& run_id, const Placement& placement);
Result<void> save_letters(db::Tx& tx, const std::string& run_id, const LetterScale& letters);
// The history of overrides, oldest first (of one learner when `user_id` is
// given).
Result<std::vector<OverrideEntry>> overrides_of(db::Tx& tx, const std::string& run_id,
                                                const std::optional<std::string>& user_id);
// Appends the next entry of (run, user, item)'s history; fills entry.seq.
Result<void> append_override(db::Tx& tx, const std::string& run_id, OverrideEntry& entry);

// The overrides in force: the latest entry of each (user, item) unless it
// is a reversal. By user, then item key.
std::map<std::string, std::map<std::string, ActiveOverride>> in_force(const std::vector<OverrideEntry>& history);

std::string letters_json(const LetterScale& letters);
LetterScale letters_from_json(const std::string& text);

}  // namespace detail

struct Service::Impl {
  Impl(db::Store& s, const Clock& c, audit::AuditLog& a, Ports p) : store(s), clock(c), audit(a), ports(std::move(p)) {}
  db::Store& store;
  const Clock& clock;
  audit::AuditLog& audit;
  Ports ports;
  std::vector<std::unique_ptr<ItemSource>> sources;

  // Every source's items of the run, in the order the sources were added.
  Result<std::vector<Item>> items(const std::string& run_id);
  Result<Context> context(const std::string& run_id, int64_t now_ms, RunInfo* info = nullptr);
};

}  // namespace trivium::gradebook
