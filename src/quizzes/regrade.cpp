// Regrading after a question was corrected: finished attempts move to the
// question's current version where the learner's saved answer still means
// the same thing, and their grade is computed again. Every change is a new
// step; a grader's own mark for that question is kept.

#include <boost/json/serialize.hpp>
#include <cmath>
#include <set>

#include "core/json.h"
#include "quizzes/internal.h"

namespace trivium::quizzes {

namespace bj = boost::json;

namespace {

// The ids a response may name, by kind: equal sets mean a saved response
// reads the same against both versions.
std::set<std::string> answer_ids(const questions::Question& q) {
  std::set<std::string> ids;
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, questions::SingleChoice> || std::is_same_v<T, questions::MultipleChoice>) {
          for (const auto& c : b.choices) ids.insert(c.id);
        } else if constexpr (std::is_same_v<T, questions::Matching>) {
          for (const auto& p : b.pairs) ids.insert(p.id + (p.prompt.empty() ? "" : "+prompt"));
        } else if constexpr (std::is_same_v<T, questions::Ordering>) {
          for (const auto& i : b.items) ids.insert(i.id);
        } else if constexpr (std::is_same_v<T, questions::Cloze>) {
          for (size_t i = 0; i < b.parts.size(); ++i) {
            ids.insert(std::to_string(i + 1) + ":" +
                       std::string(std::visit([](const auto& x) { return questions::type_name(questions::Body(x)); },
                                              b.parts[i].body)));
            if (const auto* sc = std::get_if<questions::SingleChoice>(&b.parts[i].body))
              for (const auto& c : sc->choices) ids.insert(std::to_string(i + 1) + "/" + c.id);
            if (const auto* mc = std::get_if<questions::MultipleChoice>(&b.parts[i].body))
              for (const auto& c : mc->choices) ids.insert(std::to_string(i + 1) + "/" + c.id);
          }
        }
      },
      q.body);
  return ids;
}

bool compatible(const questions::Question& a, const questions::Question& b) {
  return questions::type_name(a.body) == questions::type_name(b.body) && answer_ids(a) == answer_ids(b);
}

}  // namespace

Result<Service::Regraded> Service::regrade(const Actor& actor, const std::string& run_id, const std::string& block_id,
                                           const std::string& question_id, int64_t now) {
  Impl& p = *impl_;
  TRV_ASSIGN(progress::BlockView view, p.ports.open_block("", run_id, block_id));
  if (view.block.type != "quiz") return fail(ErrorKind::NotFound, "No such quiz in this run's content.");
  TRV_ASSIGN(outline::RunContent content, p.ports.content(run_id));
  const QuizSettings settings = p.settings_now(content, block_id);

  std::vector<AttemptRow> rows;
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(db::Rows found, tx.query(std::string("SELECT ") + kAttemptColumns +
                                            " FROM quiz_attempts WHERE run_id = $1 AND block_id = $2 AND "
                                            "state = 'finished' ORDER BY id",
                                        {run_id, block_id}));
    for (const db::Row& r : found) {
      TRV_ASSIGN(AttemptRow a, read_attempt_row(r));
      for (const LayoutSlot& l : a.layout)
        if (l.question_id == question_id) {
          rows.push_back(std::move(a));
          break;
        }
    }
    return ok();
  }));
  Regraded out;
  if (rows.empty()) return fail(ErrorKind::NotFound, "No finished attempt of this quiz holds that question.");
  // The current version, from the bank of whichever course holds it.
  std::optional<bank::UsableQuestion> current;
  for (const std::string& course :
       {content.content_course_id, content.source_course_id.value_or(""), content.course_id}) {
    if (course.empty()) continue;
    auto u = p.bank.usable(course, question_id, std::nullopt);
    if (u) {
      current = std::move(*u);
      break;
    }
  }
  if (!current) return fail(ErrorKind::Conflict, "The question is no longer available in the bank.");
  out.current_version = current->version;
  TRV_ASSIGN(std::shared_ptr<const CachedQuestion> now_q, p.question(question_id, current->version));

  for (AttemptRow& row : rows) {
    ++out.attempts;
    bool moved = false;
    bool incompatible = false;
    for (LayoutSlot& l : row.layout) {
      if (l.question_id != question_id || l.version == current->version) continue;
      TRV_ASSIGN(std::shared_ptr<const CachedQuestion> old_q, p.question(l.question_id, l.version));
      if (!compatible(old_q->question, now_q->question)) {
        incompatible = true;
        continue;
      }
      l.version = current->version;
      moved = true;
    }
    if (incompatible) ++out.incompatible;
    if (!moved) continue;
    ++out.regraded;
    auto ctx = p.progress.prepare_assessment(row.user_id, run_id, block_id);
    const bool was_passed = row.passed;
    const std::optional<double> was_grade = row.grade;
    std::optional<double> new_grade;
    TRV_TRY(p.store.write([&](db::Tx& tx) -> Result<void> {
      TRV_TRY(tx.exec("UPDATE quiz_attempts SET layout_json = $2 WHERE id = $1", {row.id, layout_json(row.layout)}));
      TRV_ASSIGN(std::vector<StepRow> steps, steps_of(tx, row.id));
      double marks = 0;
      bool pending = false;
      for (const LayoutSlot& l : row.layout) {
        std::optional<double> f;
        bool manual = false;
        int regrades = 0;
        const StepRow* last_save = nullptr;
        for (const StepRow& st : steps) {
          if (st.slot != l.number) continue;
          if (st.kind == "grade" || st.kind == "manual" || st.kind == "regrade") f = st.fraction;
          if (st.kind == "manual") manual = true;
          if (st.kind == "regrade") ++regrades;
          if (st.kind == "save" && (!last_save || st.seq > last_save->seq)) last_save = &st;
        }
        if (l.question_id == question_id && l.version == current->version && !manual) {
          std::optional<double> fraction = 0.0;
          if (last_save && last_save->response_json) {
            auto parsed = json::parse(*last_save->response_json);
            if (parsed) {
              auto r = questions::response_from_json(now_q->question, *parsed);
              if (r) fraction = questions::grade(now_q->question, *r).fraction;
            }
          }
          TRV_TRY(
              tx.exec("INSERT INTO quiz_steps (attempt_id, slot, kind, seq, fraction, comment, at, actor_id) "
                      "VALUES ($1, $2, 'regrade', $3, $4, $5, $6, $7)",
                      {row.id, l.number, regrades + 1, fraction,
                       "Regraded with version " + std::to_string(current->version), now, actor.user_id}));
          f = fraction;
        }
        if (f)
          marks += l.mark * std::max(-1.0, std::min(1.0, *f));
        else
          pending = true;
      }
      if (!pending) new_grade = row.max_marks > 0 ? settings.max_grade * std::max(0.0, marks) / row.max_marks : 0.0;
      std::optional<const progress::AssessmentContext*> context;
      if (ctx) context = ctx->get();
      return settle(tx, p, row, settings, marks, pending, context, {}, now);
    }));
    if (new_grade != was_grade || (new_grade && passes(settings, *new_grade) != was_passed)) ++out.grade_changed;
  }
  TRV_TRY(p.store.write([&](db::Tx& tx) -> Result<void> {
    audit::Event e;
    e.action = "quiz.regraded";
    e.actor_id = actor.user_id;
    e.target_kind = "question";
    e.target_id = question_id;
    e.ip = actor.ip;
    e.request_id = actor.request_id;
    e.detail_json = json::serialize(bj::object{{"run_id", run_id},
                                               {"block_id", block_id},
                                               {"version", out.current_version},
                                               {"attempts", out.attempts},
                                               {"regraded", out.regraded},
                                               {"grade_changed", out.grade_changed},
                                               {"incompatible", out.incompatible}});
    return p.audit.record(tx, e);
  }));
  return out;
}

}  // namespace trivium::quizzes
