// The gradebook of a run: its grade items (the run's quizzes; later
// assignments and peer assessments through the same ItemSource interface),
// the trainer's categories with weights and drop-lowest, overrides with
// their history and audit, and the course grade with the course's passing
// rule, shown as a percent and a letter.
//
// Grades are not copied here: each source keeps its own (quiz attempts) and
// the gradebook reads them when asked, so a regraded attempt shows at once.
// The module stores only the set-up and the overrides (0015_gradebook.sql).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "authz/authz.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/http.h"
#include "core/result.h"
#include "gradebook/model.h"

namespace trivium::quizzes {
class Service;
}

namespace trivium::gradebook {

struct Actor {
  std::string user_id;
  std::string ip;
  std::string request_id;
};

// One kind of grade item. A source answers for the items whose keys start
// with "<kind>:".
class ItemSource {
 public:
  virtual ~ItemSource() = default;
  virtual std::string kind() const = 0;
  // The run's items of this kind, in course order.
  virtual Result<std::vector<Item>> items(const std::string& run_id) = 0;
  // Every learner's grades (learners with nothing graded may be absent).
  virtual Result<std::vector<ItemGrade>> grades(const std::string& run_id, const std::vector<Item>& items) = 0;
  // One learner's, with what only the learner's own view needs (the
  // attempt that counts, whether the grade may be shown yet).
  virtual Result<std::vector<ItemGrade>> grades_of(const std::string& run_id, const std::string& user_id,
                                                   const std::vector<Item>& items, int64_t now_ms) = 0;
};

// The quizzes of a run as grade items ("quiz:<block_id>", out of the quiz's
// maximum grade, graded by its grading method).
std::unique_ptr<ItemSource> quiz_items(quizzes::Service& quizzes);

// What the other modules tell, wired by the app.
struct RunInfo {
  std::string organisation_id;
  std::optional<int64_t> ends_at_ms;
  std::optional<double> passing_percent;  // the course's completion rule min_grade
};

struct Learner {
  std::string user_id;
  std::string display_name;
  std::string email;
};

struct Ports {
  std::function<Result<RunInfo>(const std::string& run_id)> run;
  // The run's learners (active or completed enrolments), with names.
  std::function<Result<std::vector<Learner>>(const std::string& run_id)> learners;
  // Whether the user is a learner of the run (active or completed).
  std::function<Result<bool>(const std::string& user_id, const std::string& run_id)> is_learner;
};

// The set-up with the items it applies to.
struct SetupView {
  Setup setup;
  std::vector<Item> items;
};

struct CategoryInput {
  std::optional<std::string> id;  // an existing category's, or none for a new one
  std::string name;
  double weight = 1;
  int drop_lowest = 0;
};

struct LearnerView {
  std::vector<Item> items;
  Setup setup;
  LearnerResult result;
  Context context;
};

struct RunQuery {
  std::string sort = "name";  // name, grade
  bool descending = false;
  int offset = 0;
  int limit = 50;
};

struct RunView {
  std::vector<Item> items;
  Setup setup;
  Context context;
  struct Row {
    Learner learner;
    LearnerResult result;
    std::map<std::string, ActiveOverride> overrides;
  };
  std::vector<Row> rows;
  int total = 0;
  std::optional<int> next_offset;
};

// One entry of an override's history.
struct OverrideEntry {
  std::string user_id;
  std::string item_key;
  int seq = 0;
  std::optional<double> percent;  // nullopt: the override was reverted
  std::string reason;
  std::string by;
  int64_t at_ms = 0;
};

class Service {
 public:
  Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, Ports ports);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Registers a kind of grade item (at start-up, before serving).
  void add_source(std::unique_ptr<ItemSource> source);

  Result<SetupView> setup(const std::string& run_id);
  // Replaces the run's categories by `categories`, in that order: listed
  // ids are kept (renamed, reweighted), new ones created, the others
  // deleted with their items becoming uncategorised.
  Result<SetupView> set_categories(const Actor& actor, const std::string& run_id,
                                   const std::vector<CategoryInput>& categories,
                                   std::optional<double> uncategorised_weight);
  // Puts an item of the run into a category (or none) with a weight.
  Result<Placement> place_item(const Actor& actor, const std::string& run_id, const Placement& placement);
  Result<LetterScale> set_letters(const Actor& actor, const std::string& run_id, const LetterScale& letters);

  // A learner's own gradebook.
  Result<LearnerView> learner(const std::string& user_id, const std::string& run_id, int64_t now_ms);
  // Every learner of the run, sorted and paged.
  Result<RunView> run(const std::string& run_id, const RunQuery& query, int64_t now_ms);
  // The whole run as CSV: UTF-8 with a byte-order mark, one row per learner
  // by name (name, e-mail, each item's percent, course grade, letter),
  // spreadsheet formulas neutralised (F11).
  Result<std::string> csv(const std::string& run_id, int64_t now_ms);

  // A trainer's grade (percent) for a learner's item or for the course
  // (kCourseKey), with a reason; appended to the history and audited in
  // the same transaction. NotFound for a user who is not a learner of the
  // run or an item the run does not have.
  Result<OverrideEntry> set_override(const Actor& actor, const std::string& run_id, const std::string& user_id,
                                     const std::string& item_key, double percent, const std::string& reason,
                                     int64_t now_ms);
  // Reverts to the computed grade (a history entry too, audited); NotFound
  // when no override is in force.
  Result<OverrideEntry> clear_override(const Actor& actor, const std::string& run_id, const std::string& user_id,
                                       const std::string& item_key, int64_t now_ms);
  // The history of a learner's overrides in the run, oldest first.
  Result<std::vector<OverrideEntry>> override_history(const std::string& run_id, const std::string& user_id);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

std::vector<authz::Capability> capabilities();
void register_routes(http::Router& router, Service& service);

}  // namespace trivium::gradebook
