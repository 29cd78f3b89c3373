// Item analysis of a quiz in a run: the finished attempts' grades per
// question version, handed to the statistics of questions/analysis.h, and
// the responses learners gave, counted.

#include "core/json.h"
#include "quizzes/internal.h"

namespace trivium::quizzes {

Result<QuizAnalysis> Service::analysis(const std::string& run_id, const std::string& block_id) {
  Impl& p = *impl_;
  TRV_ASSIGN(progress::BlockView view, p.ports.open_block("", run_id, block_id));
  if (view.block.type != "quiz") return fail(ErrorKind::NotFound, "No such quiz in this run's content.");
  std::vector<AttemptRow> attempts;
  std::map<std::string, std::vector<StepRow>> steps;  // by attempt
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(db::Rows rows, tx.query(std::string("SELECT ") + kAttemptColumns +
                                           " FROM quiz_attempts WHERE run_id = $1 AND block_id = $2 AND "
                                           "state = 'finished' ORDER BY id",
                                       {run_id, block_id}));
    for (const db::Row& r : rows) {
      TRV_ASSIGN(AttemptRow a, read_attempt_row(r));
      attempts.push_back(std::move(a));
    }
    TRV_ASSIGN(db::Rows all, tx.query("SELECT s.attempt_id, s.slot, s.kind, s.seq, s.response_json, s.fraction "
                                      "FROM quiz_steps s JOIN quiz_attempts a ON a.id = s.attempt_id "
                                      "WHERE a.run_id = $1 AND a.block_id = $2 AND a.state = 'finished' "
                                      "ORDER BY s.attempt_id, s.slot, s.at, s.seq",
                                      {run_id, block_id}));
    for (const db::Row& r : all) {
      StepRow st;
      st.slot = static_cast<int>(r.i64(1));
      st.kind = r.text(2);
      st.seq = static_cast<int>(r.i64(3));
      st.response_json = r.opt_text(4);
      if (!r.is_null(5)) st.fraction = r.f64(5);
      steps[r.text(0)].push_back(std::move(st));
    }
    return ok();
  }));

  QuizAnalysis out;
  std::map<std::string, size_t> item_of;  // "id@version" -> index
  questions::AnalysisInput input;
  std::vector<std::vector<std::string>> responses;
  struct Seen {
    size_t item;
    std::optional<double> fraction;
  };
  std::vector<std::vector<Seen>> per_attempt;
  for (const AttemptRow& a : attempts) {
    std::vector<Seen> seen;
    for (const LayoutSlot& l : a.layout) {
      const std::string key = l.question_id + "@" + std::to_string(l.version);
      auto it = item_of.find(key);
      TRV_ASSIGN(std::shared_ptr<const CachedQuestion> q, p.question(l.question_id, l.version));
      if (it == item_of.end()) {
        ItemAnalysis item;
        item.question_id = l.question_id;
        item.version = l.version;
        item.title = q->question.title;
        item.type = std::string(questions::type_name(q->question.body));
        item.mark = l.mark;
        it = item_of.emplace(key, out.items.size()).first;
        out.items.push_back(std::move(item));
        input.item_marks.push_back(l.mark);
        responses.emplace_back();
      }
      std::optional<double> fraction;
      const StepRow* last_save = nullptr;
      for (const StepRow& st : steps[a.id]) {
        if (st.slot != l.number) continue;
        if (st.kind == "grade" || st.kind == "manual" || st.kind == "regrade") fraction = st.fraction;
        if (st.kind == "save" && (!last_save || st.seq > last_save->seq)) last_save = &st;
      }
      std::string said;
      if (last_save && last_save->response_json) {
        auto parsed = json::parse(*last_save->response_json);
        if (parsed) {
          auto r = questions::response_from_json(q->question, *parsed);
          if (r) said = questions::describe(q->question, *r);
        }
      }
      responses[it->second].push_back(std::move(said));
      if (fraction) fraction = std::max(0.0, std::min(1.0, *fraction));
      seen.push_back({it->second, fraction});
    }
    per_attempt.push_back(std::move(seen));
  }
  for (size_t i = 0; i < attempts.size(); ++i) {
    questions::AttemptScores s;
    s.fractions.assign(out.items.size(), std::nullopt);
    for (const Seen& x : per_attempt[i]) s.fractions[x.item] = x.fraction;
    s.total = attempts[i].marks;
    input.attempts.push_back(std::move(s));
  }
  if (!input.attempts.empty()) {
    TRV_ASSIGN(out.test, questions::analyse(input));
    for (size_t i = 0; i < out.items.size() && i < out.test.items.size(); ++i) out.items[i].stats = out.test.items[i];
  }
  for (size_t i = 0; i < out.items.size(); ++i) out.items[i].responses = questions::response_frequencies(responses[i]);
  return out;
}

}  // namespace trivium::quizzes
