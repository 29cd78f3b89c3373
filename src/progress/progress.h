// Progress: how far each learner has come through a run's published
// content, kept exactly and consistent with the learning record store.
//
// A learner's player reports what happens in a block (opened and read;
// a segment of a video actually played; where the player stands). Each
// report updates the learner's progress on that block and, in the same
// write transaction, records the matching xAPI statements in Trivium's LRS
// (experienced, progressed, completed for the block, its module and the
// course), so the two never disagree and an acknowledged report survives a
// crash (DUR).
//
// Completion is a rule per block, from its settings ("completion"): viewed
// (text, file, embed; a video too if the author says so), watched (video:
// at least the threshold of its length really played — segments merged,
// seeking over a part does not count), passed or submitted (quizzes and
// assignments: the assessment issue reports those), or none (not counted).
// Units, modules and the course roll up as the share of their counted
// blocks that are complete. A module opens on its release date in the run
// and once its prerequisite modules are complete: a learner's block
// outside an open module is Forbidden (code "not_released" or
// "prerequisites"); the run's staff see every block.
//
// Time on task adds up the time between a learner's successive reports in a
// run, cutting gaps longer than kIdleGapMs (the learner was away).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "authz/authz.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/http.h"
#include "core/result.h"
#include "courses/model.h"
#include "lrs/lrs.h"
#include "outline/outline.h"

namespace trivium::progress {

inline constexpr int64_t kIdleGapMs = 10LL * 60 * 1000;
inline constexpr double kDefaultWatchedThreshold = 0.9;

struct Actor {
  std::string user_id;
  std::string ip;
  std::string request_id;
};

// One report from a learner's player.
struct Report {
  enum class Kind { Viewed, Played, Position };
  Kind kind = Kind::Viewed;
  // Played: the part of the media played since the previous report.
  double from = 0;
  double to = 0;
  // Played and Position: where the player stands now.
  std::optional<double> position;
  // The media's length as the player knows it (used when the author gave
  // none in the block's settings; the first value reported is kept).
  std::optional<double> duration;
};

// A learner's state on one block.
struct BlockState {
  std::string block_id;
  std::string completion;  // the rule: viewed, watched, passed, submitted, none
  bool viewed = false;
  bool completed = false;
  std::optional<int64_t> completed_at_ms;
  std::optional<int64_t> last_report_ms;
  double position_seconds = 0;
  std::optional<double> duration_seconds;
  double watched_seconds = 0;
  double watched_fraction = 0;  // of the duration, 0 when unknown
};

struct UnitProgress {
  std::string id;
  std::string title;
  int counted = 0;  // blocks that count for completion
  int completed = 0;
  std::vector<BlockState> blocks;
};

struct ModuleProgress {
  std::string id;
  std::string title;
  int counted = 0;
  int completed = 0;
  std::optional<int64_t> release_at_ms;
  bool released = true;
  std::vector<std::string> missing_prerequisites;  // modules still to complete
  std::vector<UnitProgress> units;
  bool open() const { return released && missing_prerequisites.empty(); }
  bool complete() const { return completed >= counted; }
};

// Where a learner goes on: the block after the last one they worked on (or
// that one if not complete), in an open module.
struct Resume {
  std::string module_id;
  std::string unit_id;
  std::string block_id;
  std::string title;
  std::string type;
  double position_seconds = 0;
};

struct RunProgress {
  std::string run_id;
  std::string course_id;
  int counted = 0;
  int completed = 0;
  std::vector<ModuleProgress> modules;
  std::optional<Resume> resume;
  int64_t time_on_task_ms = 0;
  std::optional<int64_t> last_activity_ms;
  std::optional<int64_t> completed_at_ms;
};

// Percent with one decimal; 100 when nothing counts.
double percent(int completed, int counted);

// A block as a learner (or the run's staff) reads it.
struct BlockView {
  outline::ContentBlock block;
  std::string module_id;
  std::string unit_id;
  std::optional<BlockState> state;  // learners only
};

// The learner's side of an enrolment, as the enrolment module tells it.
struct Enrolled {
  std::string enrolment_id;
  std::string state;  // active, completed (others do not take part)
};

// A run's learner, for the trainer's matrix.
struct Learner {
  std::string user_id;
  std::string enrolment_id;
  std::string state;
  std::optional<std::string> cohort_id;
  std::string display_name;
  std::string email;
};

// One of a learner's runs, for the dashboard.
struct MyRun {
  std::string run_id;
  std::string enrolment_state;
};

struct Dashboard {
  struct Entry {
    courses::Course course;
    courses::CourseRun run;
    std::string enrolment_state;
    int counted = 0;
    int completed = 0;
    std::optional<Resume> resume;
    std::optional<int64_t> last_activity_ms;
    int64_t time_on_task_ms = 0;
    std::optional<int64_t> completed_at_ms;
  };
  // What comes next: a module opening, a run ending.
  struct Deadline {
    std::string run_id;
    std::string course_title;
    std::string kind;  // module_release, run_end
    std::string title;
    int64_t at_ms = 0;
  };
  struct Activity {
    std::string run_id;
    std::string course_title;
    std::string block_id;
    std::string block_title;
    std::string event;  // completed, viewed, played
    int64_t at_ms = 0;
  };
  std::vector<Entry> enrolments;
  std::vector<Deadline> deadlines;  // soonest first
  std::vector<Activity> recent;     // newest first
};

struct MatrixQuery {
  std::string sort = "name";  // name, progress, last_activity, time_on_task
  bool descending = false;
  std::optional<std::string> cohort_id;
  int offset = 0;
  int limit = 50;
};

struct Matrix {
  struct Column {
    std::string module_id;
    std::string title;
    int counted = 0;
  };
  struct Row {
    Learner learner;
    int counted = 0;
    int completed = 0;
    std::vector<int> module_completed;  // per column
    std::optional<int64_t> last_activity_ms;
    int64_t time_on_task_ms = 0;
    std::optional<int64_t> completed_at_ms;
  };
  std::vector<Column> modules;
  std::vector<Row> rows;
  int total = 0;
  std::optional<int> next_offset;
};

// What the other modules provide, wired by the app.
struct Ports {
  std::function<Result<courses::CourseRun>(const std::string& run_id)> get_run;
  std::function<Result<courses::Course>(const std::string& course_id)> get_course;
  std::function<Result<outline::RunContent>(const std::string& run_id)> content;
  // The user's enrolment in the run if it takes part (active or completed).
  std::function<Result<std::optional<Enrolled>>(const std::string& user_id, const std::string& run_id)> enrolment;
  // Every learner of the run (active or completed), with names.
  std::function<Result<std::vector<Learner>>(const std::string& run_id)> learners;
  // The user's runs where they take part.
  std::function<Result<std::vector<MyRun>>(const std::string& user_id)> runs_of;
  // Base of activity ids and of the learners' xAPI accounts.
  std::string public_url = "http://127.0.0.1:8080";
  double watched_threshold = kDefaultWatchedThreshold;
};

// What an assessment (a quiz, later an assignment) needs to record its
// outcome on a learner's block, gathered before its write transaction so
// that the transaction itself only reads and writes its own rows.
struct AssessmentContext;

// An xAPI statement of an assessment event, written like progress's own
// (same actor, registration, context and grouping). Its object is the
// block, or a part of it (a question) when `part` is set: activity id
// <block activity>/<part>, with that name and type.
struct AssessmentStatement {
  std::string verb_id;
  std::string verb_word;
  std::string part;
  std::string part_name;
  std::string part_type;
  std::string result_json;  // a JSON object, or empty for none
};

class Service {
 public:
  Service(db::Store& store, const Clock& clock, lrs::Service& lrs, Ports ports);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // A block of the run's published content (NotFound if none); locks apply
  // to the run's learners.
  Result<BlockView> open_block(const std::string& user_id, const std::string& run_id, const std::string& block_id);
  // A learner's report on a block; Forbidden for a caller who is not a
  // learner of the run or a locked block, Invalid for a media report on a
  // block that is not a video. Returns the block's state after it.
  Result<BlockState> report(const Actor& actor, const std::string& run_id, const std::string& block_id,
                            const Report& report);
  // The caller's progress through a run (they must take part in it).
  Result<RunProgress> run_progress(const std::string& user_id, const std::string& run_id);
  // Every run the user takes part in, with progress, deadlines and recent
  // activity.
  Result<Dashboard> dashboard(const std::string& user_id);
  // The trainer's view: learners x modules.
  Result<Matrix> matrix(const std::string& run_id, const MatrixQuery& q);

  // An assessment's outcome, inside the assessment's own write transaction
  // (so the grade and the progress it earns commit together, BL-01): the
  // block completes when its rule says so — "submitted" on any submission,
  // "passed" only when passed — with the statements of the block, module
  // and course completed. prepare_assessment is Forbidden for a caller who
  // is not a learner of the run.
  Result<std::shared_ptr<const AssessmentContext>> prepare_assessment(const std::string& user_id,
                                                                      const std::string& run_id,
                                                                      const std::string& block_id);
  // `outcome`: nullopt records the statements only (an attempt started);
  // true/false whether the submission passed.
  Result<void> record_assessment(db::Tx& tx, const AssessmentContext& context, std::optional<bool> outcome,
                                 const std::vector<AssessmentStatement>& statements, int64_t now);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

std::vector<authz::Capability> capabilities();
void register_routes(http::Router& router, Service& service);

}  // namespace trivium::progress
