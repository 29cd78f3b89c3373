// The end of grading: an attempt's totals, its statements and the progress
// it earns (after a submission, the timer, or a grader's mark), and the
// graders' own work: the queue of attempts waiting for a person and a mark
// per question with a comment.

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cmath>

#include "core/json.h"
#include "quizzes/internal.h"

namespace trivium::quizzes {

namespace bj = boost::json;

namespace {

constexpr std::string_view kPassed = "http://adlnet.gov/expapi/verbs/passed";
constexpr std::string_view kFailed = "http://adlnet.gov/expapi/verbs/failed";
constexpr std::string_view kCompletedVerb = "http://adlnet.gov/expapi/verbs/completed";

Failure conflict(std::string code, std::string detail) {
  Error e{ErrorKind::Conflict, std::move(detail), {}, 0};
  e.fields.push_back({"attempt", std::move(code), e.detail});
  return fail(std::move(e));
}

}  // namespace

Result<void> settle(db::Tx& tx, Service::Impl& p, const AttemptRow& row, const QuizSettings& settings, double marks,
                    bool needs_grading, std::optional<const progress::AssessmentContext*> context,
                    std::vector<progress::AssessmentStatement> statements, int64_t now) {
  marks = std::max(0.0, marks);
  std::optional<double> grade;
  bool passed = false;
  if (!needs_grading) {
    grade = row.max_marks > 0 ? settings.max_grade * marks / row.max_marks : 0.0;
    passed = passes(settings, *grade);
  }
  TRV_TRY(tx.exec("UPDATE quiz_attempts SET marks = $2, grade = $3, needs_grading = $4, passed = $5 WHERE id = $1",
                  {row.id, marks, grade, needs_grading, passed}));
  const int64_t end = row.finished_at.value_or(now);
  bj::object result{{"completion", true}, {"duration", "PT" + std::to_string((end - row.started_at) / 1000) + "S"}};
  if (grade) {
    result["score"] = bj::object{{"scaled", settings.max_grade > 0 ? *grade / settings.max_grade : 0.0},
                                 {"raw", *grade},
                                 {"min", 0},
                                 {"max", settings.max_grade}};
    result["success"] = passed;
    statements.push_back(
        {std::string(passed ? kPassed : kFailed), passed ? "passed" : "failed", "", "", "", json::serialize(result)});
  } else {
    statements.push_back({std::string(kCompletedVerb), "completed", "", "", "", json::serialize(result)});
  }
  if (!context) return ok();
  return p.progress.record_assessment(tx, **context, passed, statements, now);
}

Result<std::vector<Attempt>> Service::grading_queue(const std::string& run_id, const std::string& block_id) {
  TRV_ASSIGN(std::vector<Attempt> all, attempts(run_id, block_id));
  std::vector<Attempt> out;
  for (Attempt& a : all)
    if (a.state == AttemptState::Finished && a.needs_grading) out.push_back(std::move(a));
  std::sort(out.begin(), out.end(),
            [](const Attempt& a, const Attempt& b) { return a.finished_at_ms < b.finished_at_ms; });
  return out;
}

Result<AttemptView> Service::grade_slot(const Actor& actor, const std::string& run_id, const std::string& block_id,
                                        const std::string& attempt_id, int slot, double fraction,
                                        const std::string& comment, int64_t now) {
  Impl& p = *impl_;
  if (!std::isfinite(fraction) || fraction < 0 || fraction > 1)
    return invalid("fraction", "out_of_range", "A share of the question's mark, from 0 to 1.");
  if (comment.size() > 65536) return invalid("comment", "too_long", "At most 64 KiB.");
  AttemptRow row;
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<AttemptRow> r, find_attempt(tx, attempt_id));
    if (!r || r->run_id != run_id || r->block_id != block_id) return fail(ErrorKind::NotFound, "No such attempt.");
    row = std::move(*r);
    return ok();
  }));
  if (row.state != AttemptState::Finished)
    return conflict("attempt_in_progress", "An attempt is graded by a person once it is finished.");
  auto at = std::find_if(row.layout.begin(), row.layout.end(), [&](const LayoutSlot& l) { return l.number == slot; });
  if (at == row.layout.end()) return fail(ErrorKind::NotFound, "No such question in this attempt.");
  TRV_ASSIGN(outline::RunContent content, p.ports.content(run_id));
  const QuizSettings settings = p.settings_now(content, block_id);
  auto ctx = p.progress.prepare_assessment(row.user_id, run_id, block_id);

  TRV_TRY(p.store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<AttemptRow> fresh, find_attempt(tx, attempt_id));
    if (!fresh) return fail(ErrorKind::NotFound, "No such attempt.");
    TRV_ASSIGN(std::optional<db::Row> last, tx.one("SELECT COALESCE(MAX(seq), 0) FROM quiz_steps WHERE attempt_id = $1 "
                                                   "AND slot = $2 AND kind = 'manual'",
                                                   {attempt_id, slot}));
    const int64_t seq = (last ? last->i64(0) : 0) + 1;
    TRV_TRY(
        tx.exec("INSERT INTO quiz_steps (attempt_id, slot, kind, seq, fraction, comment, at, actor_id) "
                "VALUES ($1, $2, 'manual', $3, $4, $5, $6, $7)",
                {attempt_id, slot, seq, fraction, comment, now, actor.user_id}));
    // The attempt's marks from every question's latest grade.
    TRV_ASSIGN(std::vector<StepRow> steps, steps_of(tx, attempt_id));
    double marks = 0;
    bool pending = false;
    for (const LayoutSlot& l : fresh->layout) {
      std::optional<double> f;
      for (const StepRow& st : steps)
        if (st.slot == l.number && (st.kind == "grade" || st.kind == "manual" || st.kind == "regrade")) f = st.fraction;
      if (f)
        marks += l.mark * std::max(-1.0, std::min(1.0, *f));
      else
        pending = true;
    }
    TRV_TRY(p.audit.record(tx, [&] {
      audit::Event e;
      e.action = "quiz.grade_set";
      e.actor_id = actor.user_id;
      e.target_kind = "attempt";
      e.target_id = attempt_id;
      e.ip = actor.ip;
      e.request_id = actor.request_id;
      e.detail_json = json::serialize(bj::object{{"run_id", run_id},
                                                 {"block_id", block_id},
                                                 {"learner_id", fresh->user_id},
                                                 {"slot", slot},
                                                 {"fraction", fraction}});
      return e;
    }()));
    std::optional<const progress::AssessmentContext*> context;
    if (ctx) context = ctx->get();
    return settle(tx, p, *fresh, settings, marks, pending, context, {}, now);
  }));
  return attempt_for_staff(run_id, block_id, attempt_id);
}

}  // namespace trivium::quizzes

namespace trivium::quizzes {

std::optional<double> by_method(GradingMethod method, const std::vector<double>& grades) {
  if (grades.empty()) return std::nullopt;
  switch (method) {
    case GradingMethod::Highest: return *std::max_element(grades.begin(), grades.end());
    case GradingMethod::Average: {
      double sum = 0;
      for (double g : grades) sum += g;
      return sum / static_cast<double>(grades.size());
    }
    case GradingMethod::First: return grades.front();
    case GradingMethod::Last: return grades.back();
  }
  return std::nullopt;
}

Result<std::vector<RunQuiz>> Service::run_quizzes(const std::string& run_id) {
  TRV_ASSIGN(outline::RunContent content, impl_->ports.content(run_id));
  std::vector<RunQuiz> out;
  if (!content.modules) return out;
  for (const outline::ContentModule& m : *content.modules)
    for (const outline::ContentUnit& u : m.units)
      for (const outline::ContentBlock& b : u.blocks) {
        if (b.type != "quiz") continue;
        RunQuiz q;
        q.block_id = b.id;
        q.title = b.title;
        q.module_id = m.id;
        auto parsed = parse_settings(b.settings_json);
        q.valid = parsed.has_value();
        if (parsed) q.settings = std::move(*parsed);
        out.push_back(std::move(q));
      }
  return out;
}

Result<std::vector<QuizGrade>> Service::run_grades(const std::string& run_id) {
  TRV_ASSIGN(std::vector<RunQuiz> quizzes, run_quizzes(run_id));
  std::map<std::string, const RunQuiz*> by_block;
  for (const RunQuiz& q : quizzes) by_block[q.block_id] = &q;
  db::Rows rows;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(rows, tx.query("SELECT block_id, user_id, grade, needs_grading FROM quiz_attempts "
                              "WHERE run_id = $1 AND state = 'finished' ORDER BY block_id, user_id, number",
                              {run_id}));
    return ok();
  }));
  std::vector<QuizGrade> out;
  std::vector<double> grades;
  auto flush = [&]() {
    if (out.empty()) return;
    QuizGrade& g = out.back();
    const QuizSettings& s = by_block.at(g.block_id)->settings;
    g.max_grade = s.max_grade;
    g.grade = by_method(s.grading, grades);
    if (g.grade) g.passed = passes(s, *g.grade);
    grades.clear();
  };
  for (const db::Row& r : rows) {
    const std::string block = r.text(0);
    if (!by_block.count(block)) continue;  // a quiz no longer published
    const std::string user = r.text(1);
    if (out.empty() || out.back().block_id != block || out.back().user_id != user) {
      flush();
      QuizGrade g;
      g.block_id = block;
      g.user_id = user;
      out.push_back(std::move(g));
    }
    QuizGrade& g = out.back();
    ++g.finished_attempts;
    if (r.boolean(3)) g.needs_grading = true;
    if (!r.is_null(2)) grades.push_back(r.f64(2));
  }
  flush();
  return out;
}

}  // namespace trivium::quizzes
