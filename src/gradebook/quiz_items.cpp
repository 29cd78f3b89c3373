// The run's quizzes as grade items, read through the quizzes module's
// public service: the quizzes of the published content, and each learner's
// grade by the quiz's grading method over their finished attempts.

#include "gradebook/gradebook.h"
#include "quizzes/quizzes.h"

namespace trivium::gradebook {
namespace {

const std::string kKind = "quiz";

std::string quiz_path(const std::string& run_id, const std::string& block_id) {
  return "/api/v1/runs/" + run_id + "/quizzes/" + block_id;
}

// The attempt whose grade the grading method picked (the latest graded one
// for an average, which no single attempt stands for).
const quizzes::Attempt* counted_attempt(const quizzes::QuizStatus& st) {
  const quizzes::Attempt* pick = nullptr;
  for (const quizzes::Attempt& a : st.attempts) {
    if (a.state != quizzes::AttemptState::Finished || !a.grade) continue;
    switch (st.settings.grading) {
      case quizzes::GradingMethod::Highest:
        if (!pick || *a.grade > *pick->grade) pick = &a;
        break;
      case quizzes::GradingMethod::First:
        if (!pick) pick = &a;
        break;
      case quizzes::GradingMethod::Average:
      case quizzes::GradingMethod::Last: pick = &a; break;
    }
  }
  return pick;
}

class QuizItems : public ItemSource {
 public:
  explicit QuizItems(quizzes::Service& quizzes) : quizzes_(quizzes) {}

  std::string kind() const override { return kKind; }

  Result<std::vector<Item>> items(const std::string& run_id) override {
    TRV_ASSIGN(std::vector<quizzes::RunQuiz> list, quizzes_.run_quizzes(run_id));
    std::vector<Item> out;
    for (const quizzes::RunQuiz& q : list) {
      // A quiz whose settings do not read cannot be attempted: counting it
      // (as 0 after the run) would punish learners for an author's mistake.
      if (!q.valid || q.settings.max_grade <= 0) continue;
      out.push_back(
          Item{kKind + ":" + q.block_id, kKind, q.title, q.settings.max_grade, quiz_path(run_id, q.block_id)});
    }
    return out;
  }

  Result<std::vector<ItemGrade>> grades(const std::string& run_id, const std::vector<Item>&) override {
    TRV_ASSIGN(std::vector<quizzes::QuizGrade> list, quizzes_.run_grades(run_id));
    std::vector<ItemGrade> out;
    out.reserve(list.size());
    for (const quizzes::QuizGrade& g : list) {
      ItemGrade ig;
      ig.key = kKind + ":" + g.block_id;
      ig.user_id = g.user_id;
      ig.grade = g.grade;
      ig.pending = g.needs_grading;
      out.push_back(std::move(ig));
    }
    return out;
  }

  Result<std::vector<ItemGrade>> grades_of(const std::string& run_id, const std::string& user_id,
                                           const std::vector<Item>& items, int64_t now_ms) override {
    std::vector<ItemGrade> out;
    std::optional<std::vector<ItemGrade>> everyone;  // read only if a quiz's status cannot be
    for (const Item& item : items) {
      const std::string block_id = item.key.substr(kKind.size() + 1);
      auto st = quizzes_.status(user_id, run_id, block_id);
      if (!st) {
        const ErrorKind k = st.error().kind;
        if (k == ErrorKind::Unavailable || k == ErrorKind::Internal) return st.failure();
        // A quiz the learner cannot open now (a locked module) may still
        // hold their grade: the run's grades tell it, as the trainers see it.
        if (!everyone) {
          TRV_ASSIGN(everyone, grades(run_id, items));
        }
        for (const ItemGrade& g : *everyone)
          if (g.key == item.key && g.user_id == user_id) out.push_back(g);
        continue;
      }
      ItemGrade ig;
      ig.key = item.key;
      ig.user_id = user_id;
      ig.grade = st->grade;
      for (const quizzes::Attempt& a : st->attempts)
        if (a.state == quizzes::AttemptState::Finished && a.needs_grading) ig.pending = true;
      // The quiz's review options decide whether its score may be shown now.
      const bool closed = st->dates.close_at_ms && now_ms >= *st->dates.close_at_ms;
      ig.hidden = !(closed ? st->settings.after_close.score : st->settings.after_attempt.score);
      if (const quizzes::Attempt* a = counted_attempt(*st))
        ig.feedback_link = quiz_path(run_id, block_id) + "/attempts/" + a->id;
      out.push_back(std::move(ig));
    }
    return out;
  }

 private:
  quizzes::Service& quizzes_;
};

}  // namespace

std::unique_ptr<ItemSource> quiz_items(quizzes::Service& quizzes) {
  return std::make_unique<QuizItems>(quizzes);
}

}  // namespace trivium::gradebook
