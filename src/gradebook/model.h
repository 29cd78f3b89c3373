// Domain types of the gradebook and the pure computation of a learner's
// grades: no storage, no HTTP, so that the rules (weights, drop-lowest,
// overrides, missing grades, the letter scale) are tested on numbers alone.
// The rules are explained in docs/decisions/0014-gradebook.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace trivium::gradebook {

// The override key of the course grade itself (items are "<kind>:<id>").
inline constexpr std::string_view kCourseKey = "course";
inline constexpr double kMaxWeight = 1000;
inline constexpr int kMaxDropLowest = 50;
inline constexpr size_t kMaxCategories = 50;

// A gradable thing of a run: a quiz today, an assignment or a peer
// assessment later. Its kind's ItemSource lists it and grades it.
struct Item {
  std::string key;   // "<kind>:<id>", e.g. "quiz:<block_id>"
  std::string kind;  // "quiz"
  std::string title;
  double max_grade = 10;
  std::string link;  // the API path where a learner opens it
};

// A learner's grade at one item, as the item's source tells it.
struct ItemGrade {
  std::string key;
  std::string user_id;
  std::optional<double> grade;  // in the item's units, 0..max_grade; nullopt: nothing graded yet
  bool pending = false;         // a submission waits for a person to grade it
  // The learner may not see this grade yet (a quiz whose review options
  // hide the score until its close date). It still counts.
  bool hidden = false;
  std::string feedback_link;  // the learner's attempt that counts, when known
};

struct Category {
  std::string id;
  std::string name;
  double weight = 1;    // relative to the other categories
  int drop_lowest = 0;  // the N lowest items of the category are left out
  int position = 0;
};

// Where the trainer put an item. Items without one are uncategorised with
// weight 1.
struct Placement {
  std::string item_key;
  std::optional<std::string> category_id;  // nullopt: uncategorised
  double weight = 1;                       // relative to the category's other items
};

struct LetterGrade {
  std::string letter;
  double min_percent = 0;
};
// Highest first; the last entry starts at 0, so every percent has a letter.
using LetterScale = std::vector<LetterGrade>;

// A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, F.
LetterScale default_letter_scale();
// Invalid (paths "letters/<i>/...") unless 1..20 entries, letters of 1..8
// characters and distinct, thresholds in 0..100 strictly decreasing, the
// last 0.
Result<void> check_letter_scale(const LetterScale& scale);
// The letter of `percent` (compared as shown, rounded to two decimals).
std::string letter_for(const LetterScale& scale, double percent);

// Everything a run's grades are computed with besides the grades.
struct Setup {
  std::vector<Category> categories;             // in display order
  double uncategorised_weight = 1;              // the uncategorised items together count as one category
  std::map<std::string, Placement> placements;  // by item key
  LetterScale letters = default_letter_scale();
};

// The percent (0..100) a trainer set for a learner, by item key or kCourseKey.
struct ActiveOverride {
  double percent = 0;
  std::string reason;
  std::string by;
  int64_t at_ms = 0;
};

struct ItemResult {
  std::string key;
  std::optional<std::string> category_id;
  double weight = 1;
  std::optional<double> grade;             // in the item's units, after any override
  std::optional<double> percent;           // after any override
  std::optional<double> computed_percent;  // from the source alone
  bool overridden = false;
  // Whether it takes part in its category's mean: graded (or overridden),
  // or missing after the run's end (then as 0).
  bool counted = false;
  bool dropped = false;  // one of the category's lowest, left out
  bool pending = false;
  bool hidden = false;
  std::string feedback_link;
};

struct CategoryResult {
  std::optional<std::string> id;  // nullopt: the uncategorised items
  std::string name;
  double weight = 1;
  std::optional<double> percent;  // nullopt: nothing in it counts (left out of the course grade)
};

struct CourseResult {
  std::optional<double> percent;  // rounded to two decimals; nullopt: nothing counts yet
  std::optional<double> computed_percent;
  bool overridden = false;
  std::optional<std::string> letter;
  // With a passing rule: whether the grade reaches it (false without a
  // grade). nullopt when the course has no minimum grade.
  std::optional<bool> passed;
};

struct LearnerResult {
  std::vector<ItemResult> items;  // in the order of the run's items
  std::vector<CategoryResult> categories;
  CourseResult course;
};

struct Context {
  bool run_ended = false;                 // missing grades count as 0 only then
  std::optional<double> passing_percent;  // the course's completion rule min_grade
};

// A learner's grades: each item's percent (an override wins over the
// source), each category's weighted mean after dropping its lowest items,
// the course's weighted mean of its categories (or its override), the
// letter and whether it passes.
LearnerResult compute(const std::vector<Item>& items, const Setup& setup,
                      const std::map<std::string, ItemGrade>& grades,
                      const std::map<std::string, ActiveOverride>& overrides, const Context& context);

// Rounds to two decimals, as percents are shown.
double round2(double x);

}  // namespace trivium::gradebook
