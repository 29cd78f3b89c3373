// Inside the quizzes module: the service's state, the cache of question
// versions (immutable, so cached without expiry), what a learner may see
// of a question, and the rows of an attempt.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "quizzes/quizzes.h"

namespace trivium::quizzes {

struct CachedQuestion {
  std::string id;
  int version = 0;
  questions::Question question;
  std::shared_ptr<const LearnerForm> form;
};

// Renders text of the given format to sanitised HTML.
std::string to_html(const std::string& text, questions::TextFormat format);
LearnerForm learner_form(const questions::Question& q);

// One slot of an attempt's layout (quiz_attempts.layout_json).
struct LayoutSlot {
  int number = 0;
  int page = 1;
  double mark = 1;
  std::string question_id;
  int version = 0;
};

struct AttemptRow {
  std::string id;
  std::string run_id;
  std::string block_id;
  std::string user_id;
  int number = 0;
  AttemptState state = AttemptState::InProgress;
  int64_t started_at = 0;
  std::optional<int64_t> deadline;
  std::optional<int64_t> finished_at;
  std::string finished_by;
  uint64_t seed = 0;
  std::vector<LayoutSlot> layout;
  double marks = 0;
  double max_marks = 0;
  std::optional<double> grade;
  bool needs_grading = false;
  bool passed = false;
};

struct StepRow {
  int slot = 0;
  std::string kind;  // save, grade, manual
  int seq = 0;
  std::optional<std::string> response_json;
  std::optional<double> fraction;
  std::optional<std::string> comment;
  int64_t at = 0;
};

std::string layout_json(const std::vector<LayoutSlot>& layout);
Result<AttemptRow> read_attempt_row(const db::Row& r);
// The attempt without its questions (lists, the learner's standing).
Attempt summary_of(const AttemptRow& row);
inline constexpr const char* kAttemptColumns =
    "id, run_id, block_id, user_id, number, state, started_at, deadline_at, finished_at, finished_by, seed, "
    "layout_json, marks, max_marks, grade, needs_grading, passed";
Result<std::optional<AttemptRow>> find_attempt(db::Tx& tx, const std::string& attempt_id);
Result<std::vector<StepRow>> steps_of(db::Tx& tx, const std::string& attempt_id);

struct Service::Impl {
  Impl(db::Store& s, const Clock& c, audit::AuditLog& a, bank::Service& b, progress::Service& p, Ports ports)
      : store(s), clock(c), audit(a), bank(b), progress(p), ports(std::move(ports)) {}
  db::Store& store;
  const Clock& clock;
  audit::AuditLog& audit;
  bank::Service& bank;
  progress::Service& progress;
  Ports ports;

  std::mutex cache_mutex;
  std::unordered_map<std::string, std::shared_ptr<const CachedQuestion>> cache;  // "id@version"
  Result<std::shared_ptr<const CachedQuestion>> question(const std::string& id, int version);

  std::mutex timer_mutex;
  std::condition_variable timer_wake;
  bool timer_stop = false;
  std::thread timer;

  // The attempt with its questions and latest responses (and grades).
  Result<Attempt> assemble(const AttemptRow& row, const std::vector<StepRow>& steps);
  // Grades and finishes an attempt (learner's submit or the timer), in one
  // transaction with its statements and progress.
  Result<void> finish(const std::string& attempt_id, int64_t now, const std::string& by);
  // The quiz's settings as published now (defaults if the block is gone).
  QuizSettings settings_now(const outline::RunContent& content, const std::string& block_id) const;
};

// The end of grading an attempt, inside its write transaction: its totals
// (marks clamped at 0, the grade scaled to the quiz's maximum once nothing
// waits for a person, passed or not), the quiz statement (passed/failed
// with the score, or completed while grading is pending) after
// `statements`, and the progress the result earns.
Result<void> settle(db::Tx& tx, Service::Impl& p, const AttemptRow& row, const QuizSettings& settings, double marks,
                    bool needs_grading, std::optional<const progress::AssessmentContext*> context,
                    std::vector<progress::AssessmentStatement> statements, int64_t now);
bool passes(const QuizSettings& s, double grade);
// The grade of a learner's finished attempts (in order) by the method.
std::optional<double> by_method(GradingMethod method, const std::vector<double>& grades);

}  // namespace trivium::quizzes
