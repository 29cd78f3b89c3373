// Quizzes: a quiz block of a run's content, the attempts learners make at
// it, their answers saved as they go, and the grade of each attempt.
//
// A quiz is defined by its block's settings (published with the course, so
// a learner never meets half an edit): its slots — fixed questions of the
// course's question bank (or of a bank shared with it) and random draws from
// a category — pages, shuffling, attempts allowed, grading method, time
// limit, passing grade and review options. Dates are per run (open, close)
// with per-learner overrides set by the run's trainers.
//
// The rules an exam needs (security-reliability.md §J, §5):
//   - Time is read once, when the request arrives (BL-04), and judged on the
//     server's clock; a save after the deadline plus kGraceMs is refused; an
//     attempt past its deadline is finished by the server with the answers
//     saved before it (finalise_overdue, run by a timer and at start).
//   - One open attempt per learner and quiz, by a unique index, not by
//     read-then-write (BL-02): parallel starts get the same attempt.
//   - Every save is a new step row with the client's sequence number for
//     that question; an older or equal sequence never overwrites a newer
//     save (BL-03); steps are never updated (BL-07).
//   - Submitting grades and finishes the attempt in one transaction, with
//     its xAPI statements and the learner's progress (BL-01); a finished
//     attempt is immutable (Conflict on any write).
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "authz/authz.h"
#include "bank/bank.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/http.h"
#include "core/result.h"
#include "courses/model.h"
#include "progress/progress.h"
#include "questions/questions.h"

namespace trivium::quizzes {

// Moodle's last-submission grace: a save arriving this long after the
// deadline still counts (a slow network or server must not cost a learner).
inline constexpr int64_t kGraceMs = 60 * 1000;
inline constexpr size_t kMaxSlots = 200;

struct Actor {
  std::string user_id;
  std::string ip;
  std::string request_id;
};

// --- A quiz's definition (its block's settings) ------------------------------

struct Slot {
  int page = 1;
  double mark = 1;  // marks of this slot in the quiz total
  // A fixed question (pinned to a version, or the current one at attempt
  // start) ...
  std::string question_id;
  std::optional<int> version;
  // ... or a draw: `count` slots, each a distinct question of the category
  // (with its subcategories) carrying every tag and skill listed.
  std::string random_category_id;
  int count = 1;
  std::vector<std::string> tags;
  std::vector<std::string> skills;
};

enum class GradingMethod { Highest, Average, First, Last };

struct ReviewOptions {
  bool score = true;
  bool feedback = true;
  bool right_answers = false;
};

struct QuizSettings {
  std::vector<Slot> slots;
  bool shuffle_questions = false;  // within each page
  int attempts_allowed = 0;        // 0: unlimited
  GradingMethod grading = GradingMethod::Highest;
  std::optional<int> time_limit_seconds;
  double passing_percent = 50;  // of the maximum grade
  double max_grade = 10;
  ReviewOptions after_attempt{true, true, false};
  ReviewOptions after_close{true, true, true};
};

// Reads the quiz keys of a block's settings ("completion" belongs to the
// outline). Invalid with paths under "settings/".
Result<QuizSettings> parse_settings(const std::string& settings_json);

// --- Run dates and learner overrides ----------------------------------------

struct Dates {
  std::optional<int64_t> open_at_ms;
  std::optional<int64_t> close_at_ms;
};

struct Override {
  std::string user_id;
  std::optional<int64_t> close_at_ms;
  std::optional<int> time_limit_seconds;
  std::optional<int> attempts_allowed;
};

// --- Attempts ----------------------------------------------------------------

enum class AttemptState { InProgress, Finished };

// A question's texts as a learner sees them: rendered and sanitised once
// per version. Nothing here tells which answer is right.
struct LearnerForm {
  std::string stem_html;
  std::map<std::string, std::string> choice_html;  // choice, item or answer id -> HTML
  std::map<std::string, std::string> prompt_html;  // matching prompt pair id -> HTML
  // Cloze: per part (1-based) its choices' HTML by id.
  std::map<int, std::map<std::string, std::string>> part_choice_html;
  std::string general_feedback_html;
};

// One question of an attempt.
struct AttemptSlot {
  int number = 0;  // 1-based, in the order shown
  int page = 1;
  double mark = 1;
  std::string question_id;
  int version = 0;
  questions::Question question;
  questions::DisplayOrder order;
  std::shared_ptr<const LearnerForm> form;      // the texts to show
  std::optional<questions::Response> response;  // the latest save
  int sequence = 0;                             // of the latest save (0: none)
  // After grading: the share earned (nullopt: a person must grade it).
  std::optional<double> fraction;
  std::vector<std::string> feedback;
  std::optional<std::string> comment;  // a grader's
};

struct Attempt {
  std::string id;
  std::string run_id;
  std::string block_id;
  std::string user_id;
  int number = 0;
  AttemptState state = AttemptState::InProgress;
  int64_t started_at_ms = 0;
  std::optional<int64_t> deadline_ms;  // time limit or close date, the earlier
  std::optional<int64_t> finished_at_ms;
  std::string finished_by;  // learner, timer, trainer
  uint64_t seed = 0;
  std::vector<AttemptSlot> slots;
  // After finishing:
  double marks = 0;  // sum of mark * fraction over graded slots
  double max_marks = 0;
  std::optional<double> grade;  // scaled to max_grade; nullopt while a slot needs grading
  bool needs_grading = false;
  bool passed = false;
};

// What a learner may see of a finished attempt now.
struct Review {
  bool score = false;
  bool feedback = false;
  bool right_answers = false;
};

struct AttemptView {
  Attempt attempt;
  QuizSettings settings;
  Review review;
  std::string block_title;
};

// A learner's standing in a quiz.
struct QuizStatus {
  std::string run_id;
  std::string block_id;
  std::string title;
  QuizSettings settings;
  Dates dates;               // the learner's (override applied)
  int attempts_allowed = 0;  // the learner's
  std::optional<int> time_limit_seconds;
  std::vector<Attempt> attempts;  // without slots
  std::optional<double> grade;    // by the grading method over finished attempts
  bool passed = false;
  bool can_start = false;
  std::string reason;  // why not: not_open, closed, no_attempts_left
};

// A learner's result at one quiz of a run, by the quiz's grading method
// over their finished attempts (for the gradebook).
struct QuizGrade {
  std::string block_id;
  std::string user_id;
  std::optional<double> grade;  // nullopt: no graded attempt yet
  double max_grade = 10;
  bool passed = false;
  int finished_attempts = 0;
  bool needs_grading = false;  // an attempt waits for a person
};

// A quiz of a run's published content.
struct RunQuiz {
  std::string block_id;
  std::string title;
  std::string module_id;
  QuizSettings settings;
  bool valid = true;  // false: its settings do not read (no attempt can start)
};

// Item analysis of a quiz over its finished attempts: per question version,
// facility, SD, discrimination and the responses given; for the quiz, the
// mean, SD, Cronbach's alpha and KR-20 (see questions/analysis.h).
struct ItemAnalysis {
  std::string question_id;
  int version = 0;
  std::string title;
  std::string type;
  double mark = 1;
  questions::ItemStatistics stats;
  std::vector<questions::ResponseCount> responses;  // "" counts attempts that left it blank
};

struct QuizAnalysis {
  questions::TestStatistics test;  // its items are in `items`
  std::vector<ItemAnalysis> items;
};

struct Ports {
  // The block as the learner may open it (locks applied), from progress.
  std::function<Result<progress::BlockView>(const std::string& user_id, const std::string& run_id,
                                            const std::string& block_id)>
      open_block;
  std::function<Result<outline::RunContent>(const std::string& run_id)> content;
};

class Service {
 public:
  Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, bank::Service& bank,
          progress::Service& progress, Ports ports);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // A quiz block's settings as authors save and publish them: readable, and
  // every fixed question and random category available to a quiz of the
  // first of `courses` (its own bank, its content source's, or a bank
  // shared in its organisation). Invalid with fields under "settings/".
  Result<void> check_settings(const std::vector<std::string>& courses, const std::string& settings_json);

  Result<QuizStatus> status(const std::string& user_id, const std::string& run_id, const std::string& block_id);
  // Starts an attempt, or returns the open one (created is false then).
  struct Started {
    AttemptView view;
    bool created = false;
  };
  Result<Started> start(const Actor& actor, const std::string& run_id, const std::string& block_id, int64_t now_ms);
  // The caller's own attempt (NotFound for anyone else's); staff read any
  // attempt of the run through attempt_for_staff.
  Result<AttemptView> attempt(const std::string& user_id, const std::string& run_id, const std::string& block_id,
                              const std::string& attempt_id);
  Result<AttemptView> attempt_for_staff(const std::string& run_id, const std::string& block_id,
                                        const std::string& attempt_id);
  struct Saved {
    int slot = 0;
    int sequence = 0;
    bool replayed = false;  // the same save arrived again
    int64_t saved_at_ms = 0;
  };
  Result<Saved> save(const Actor& actor, const std::string& run_id, const std::string& block_id,
                     const std::string& attempt_id, int slot, int sequence, const boost::json::value& response,
                     int64_t now_ms);
  Result<AttemptView> submit(const Actor& actor, const std::string& run_id, const std::string& block_id,
                             const std::string& attempt_id, int64_t now_ms);
  // Finishes every attempt whose deadline plus grace has passed, with its
  // saved answers. Returns how many.
  Result<int> finalise_overdue(int64_t now_ms);

  // Staff.
  Result<std::vector<Attempt>> attempts(const std::string& run_id, const std::string& block_id);
  // After a question was corrected in the bank: every finished attempt of
  // the quiz that holds an older version of it takes the current version
  // (when compatible: same kind and the same choice, pair or item ids) and
  // is graded again from its saved answers; a grader's mark stays. New
  // grade steps, never changed ones; audited.
  struct Regraded {
    int attempts = 0;       // attempts that held the question
    int regraded = 0;       // moved to the current version
    int grade_changed = 0;  // whose grade changed
    int incompatible = 0;   // left at their version
    int current_version = 0;
  };
  Result<Regraded> regrade(const Actor& actor, const std::string& run_id, const std::string& block_id,
                           const std::string& question_id, int64_t now_ms);
  // The quizzes of a run's published content, in outline order.
  Result<std::vector<RunQuiz>> run_quizzes(const std::string& run_id);
  // Every learner's grade at every quiz of the run (learners without a
  // finished attempt are absent).
  Result<std::vector<QuizGrade>> run_grades(const std::string& run_id);
  Result<QuizAnalysis> analysis(const std::string& run_id, const std::string& block_id);
  // Finished attempts with a question waiting for a person, oldest first.
  Result<std::vector<Attempt>> grading_queue(const std::string& run_id, const std::string& block_id);
  // A grader's mark for one question of a finished attempt (an essay, or an
  // override of an automatic mark), with a comment: a new step, audited;
  // the attempt's grade, the learner's progress and statements follow.
  Result<AttemptView> grade_slot(const Actor& actor, const std::string& run_id, const std::string& block_id,
                                 const std::string& attempt_id, int slot, double fraction, const std::string& comment,
                                 int64_t now_ms);
  Result<Dates> dates(const std::string& run_id, const std::string& block_id);
  Result<Dates> set_dates(const Actor& actor, const std::string& run_id, const std::string& block_id, Dates d);
  Result<Override> set_override(const Actor& actor, const std::string& run_id, const std::string& block_id, Override o);
  Result<void> clear_override(const Actor& actor, const std::string& run_id, const std::string& block_id,
                              const std::string& user_id);

  // A background timer that runs finalise_overdue every `interval_ms`.
  void start_timer(int64_t interval_ms = 5000);
  void stop_timer();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

std::vector<authz::Capability> capabilities();
void register_routes(http::Router& router, Service& service);

}  // namespace trivium::quizzes
