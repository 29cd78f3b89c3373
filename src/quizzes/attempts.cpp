// Attempts: start (one open attempt per learner and quiz), autosave (steps
// with sequence numbers), submit and the timer's finish (grading, progress
// and statements in one transaction), and what a learner may see.

#include <sodium.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <set>

#include "core/ids.h"
#include "core/json.h"
#include "quizzes/internal.h"

namespace trivium::quizzes {

namespace bj = boost::json;

namespace {

constexpr std::string_view kAttempted = "http://adlnet.gov/expapi/verbs/attempted";
constexpr std::string_view kAnswered = "http://adlnet.gov/expapi/verbs/answered";
constexpr std::string_view kQuestionType = "http://adlnet.gov/expapi/activities/cmi.interaction";

// splitmix64: the same sequence on every platform (draws and page shuffles
// must replay from an attempt's seed).
struct Draw {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
};

template <typename T>
void shuffle(std::vector<T>& v, Draw& d) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[d.below(i)]);
}

Failure conflict(std::string code, std::string detail) {
  Error e{ErrorKind::Conflict, std::move(detail), {}, 0};
  e.fields.push_back({"attempt", std::move(code), e.detail});
  return fail(std::move(e));
}

// Dates of the quiz in the run with the learner's override applied.
struct Effective {
  Dates dates;
  int attempts_allowed = 0;
  std::optional<int> time_limit_seconds;
};

Result<Effective> effective(db::Tx& tx, const QuizSettings& s, const std::string& run_id, const std::string& block_id,
                            const std::string& user_id) {
  Effective e;
  e.attempts_allowed = s.attempts_allowed;
  e.time_limit_seconds = s.time_limit_seconds;
  TRV_ASSIGN(std::optional<db::Row> d, tx.one("SELECT open_at, close_at FROM quiz_dates WHERE run_id = $1 AND "
                                              "block_id = $2",
                                              {run_id, block_id}));
  if (d) {
    e.dates.open_at_ms = d->opt_i64(0);
    e.dates.close_at_ms = d->opt_i64(1);
  }
  TRV_ASSIGN(std::optional<db::Row> o,
             tx.one("SELECT close_at, time_limit_seconds, attempts_allowed FROM quiz_overrides WHERE run_id = $1 AND "
                    "block_id = $2 AND user_id = $3",
                    {run_id, block_id, user_id}));
  if (o) {
    if (!o->is_null(0)) e.dates.close_at_ms = o->i64(0);
    if (!o->is_null(1)) e.time_limit_seconds = static_cast<int>(o->i64(1));
    if (!o->is_null(2)) e.attempts_allowed = static_cast<int>(o->i64(2));
  }
  return e;
}

double clamp(double x, double lo, double hi) {
  return std::max(lo, std::min(hi, x));
}

}  // namespace

bool passes(const QuizSettings& s, double grade) {
  return grade * 100.0 >= s.passing_percent * s.max_grade - 1e-9;
}

Service::Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, bank::Service& bank,
                 progress::Service& progress, Ports ports)
    : impl_(std::make_unique<Impl>(store, clock, audit, bank, progress, std::move(ports))) {}

QuizSettings Service::Impl::settings_now(const outline::RunContent& content, const std::string& block_id) const {
  for (const outline::ContentModule& m : *content.modules)
    for (const outline::ContentUnit& u : m.units)
      for (const outline::ContentBlock& b : u.blocks)
        if (b.id == block_id) {
          auto parsed = parse_settings(b.settings_json);
          if (parsed) return std::move(*parsed);
        }
  return QuizSettings{};
}

Service::~Service() {
  stop_timer();
}

namespace {

// The quiz block as the learner may open it, with its settings.
struct QuizBlock {
  progress::BlockView view;
  QuizSettings settings;
};

Result<QuizBlock> quiz_block(Service::Impl& p, const std::string& user_id, const std::string& run_id,
                             const std::string& block_id) {
  TRV_ASSIGN(progress::BlockView view, p.ports.open_block(user_id, run_id, block_id));
  if (view.block.type != "quiz") return fail(ErrorKind::NotFound, "No such quiz in this run's content.");
  auto settings = parse_settings(view.block.settings_json);
  if (!settings) {
    Error e = settings.error();
    e.kind = ErrorKind::Conflict;
    e.detail = "The quiz is not set up correctly; its authors must fix it.";
    return fail(std::move(e));
  }
  return QuizBlock{std::move(view), std::move(*settings)};
}

Review review_now(const QuizSettings& s, const Attempt& a, const Dates& dates, int64_t now) {
  if (a.state != AttemptState::Finished) return {};
  const ReviewOptions& o = (dates.close_at_ms && now >= *dates.close_at_ms) ? s.after_close : s.after_attempt;
  return Review{o.score, o.feedback, o.right_answers};
}

}  // namespace

Result<QuizStatus> Service::status(const std::string& user_id, const std::string& run_id, const std::string& block_id) {
  Impl& p = *impl_;
  TRV_ASSIGN(QuizBlock q, quiz_block(p, user_id, run_id, block_id));
  const int64_t now = p.clock.now_ms();
  QuizStatus st;
  st.run_id = run_id;
  st.block_id = block_id;
  st.title = q.view.block.title;
  st.settings = q.settings;
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(Effective e, effective(tx, q.settings, run_id, block_id, user_id));
    st.dates = e.dates;
    st.attempts_allowed = e.attempts_allowed;
    st.time_limit_seconds = e.time_limit_seconds;
    TRV_ASSIGN(db::Rows rows, tx.query(std::string("SELECT ") + kAttemptColumns +
                                           " FROM quiz_attempts WHERE run_id = $1 AND block_id = $2 AND user_id = $3 "
                                           "ORDER BY number",
                                       {run_id, block_id, user_id}));
    for (const db::Row& r : rows) {
      TRV_ASSIGN(AttemptRow row, read_attempt_row(r));
      Attempt a = summary_of(row);
      st.attempts.push_back(std::move(a));
    }
    return ok();
  }));
  std::vector<double> grades;
  for (const Attempt& a : st.attempts)
    if (a.state == AttemptState::Finished && a.grade) grades.push_back(*a.grade);
  st.grade = by_method(q.settings.grading, grades);
  st.passed = st.grade && passes(q.settings, *st.grade);
  const bool open_attempt = std::any_of(st.attempts.begin(), st.attempts.end(),
                                        [](const Attempt& a) { return a.state == AttemptState::InProgress; });
  if (open_attempt) {
    st.can_start = true;  // "start" resumes it
  } else if (q.settings.slots.empty()) {
    st.reason = "no_questions";
  } else if (st.dates.open_at_ms && now < *st.dates.open_at_ms) {
    st.reason = "not_open";
  } else if (st.dates.close_at_ms && now >= *st.dates.close_at_ms) {
    st.reason = "closed";
  } else if (st.attempts_allowed > 0 && static_cast<int>(st.attempts.size()) >= st.attempts_allowed) {
    st.reason = "no_attempts_left";
  } else {
    st.can_start = true;
  }
  return st;
}

Result<Service::Started> Service::start(const Actor& actor, const std::string& run_id, const std::string& block_id,
                                        int64_t now) {
  Impl& p = *impl_;
  TRV_ASSIGN(QuizBlock q, quiz_block(p, actor.user_id, run_id, block_id));
  if (!q.view.state) return fail(ErrorKind::Forbidden, "Only the run's learners attempt its quizzes.");

  auto open_attempt = [&]() -> Result<std::optional<AttemptView>> {
    std::optional<AttemptRow> row;
    std::vector<StepRow> steps;
    Effective e;
    TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
      TRV_ASSIGN(std::optional<db::Row> r,
                 tx.one(std::string("SELECT ") + kAttemptColumns +
                            " FROM quiz_attempts WHERE run_id = $1 AND block_id = $2 AND user_id = $3 AND "
                            "open_slot = 1",
                        {run_id, block_id, actor.user_id}));
      if (!r) return ok();
      TRV_ASSIGN(row, read_attempt_row(*r));
      TRV_ASSIGN(steps, steps_of(tx, row->id));
      TRV_ASSIGN(e, effective(tx, q.settings, run_id, block_id, actor.user_id));
      return ok();
    }));
    if (!row) return std::optional<AttemptView>{};
    TRV_ASSIGN(Attempt a, p.assemble(*row, steps));
    return std::optional<AttemptView>(AttemptView{std::move(a), q.settings, {}, q.view.block.title});
  };
  TRV_ASSIGN(std::optional<AttemptView> existing, open_attempt());
  if (existing) return Started{std::move(*existing), false};
  if (q.settings.slots.empty()) return conflict("no_questions", "The quiz has no questions yet.");

  TRV_ASSIGN(outline::RunContent content, p.ports.content(run_id));
  std::vector<std::string> banks{content.content_course_id};
  if (content.source_course_id) banks.push_back(*content.source_course_id);
  if (content.course_id != content.content_course_id) banks.push_back(content.course_id);

  // The questions of this attempt, drawn from its seed.
  uint64_t seed = 0;
  randombytes_buf(&seed, sizeof seed);
  seed &= 0x3FFFFFFFFFFFFFFFULL;  // stored in a signed BIGINT
  Draw draw{seed};
  // First the question of every slot (random ones drawn), then their
  // versions: pinned ones checked one by one (rare), the current ones in
  // one read per bank.
  std::vector<LayoutSlot> layout;
  std::vector<bool> pinned;
  std::set<std::string> used;
  for (const Slot& s : q.settings.slots)
    if (!s.question_id.empty()) used.insert(s.question_id);
  for (size_t i = 0; i < q.settings.slots.size(); ++i) {
    const Slot& s = q.settings.slots[i];
    if (!s.question_id.empty()) {
      layout.push_back({0, s.page, s.mark, s.question_id, s.version.value_or(0)});
      pinned.push_back(s.version.has_value());
      continue;
    }
    Result<std::vector<std::string>> pool = fail(ErrorKind::NotFound, "");
    for (const std::string& course : banks) {
      pool = p.bank.candidates(course, s.random_category_id, s.tags, s.skills);
      if (pool || pool.error().kind != ErrorKind::NotFound) break;
    }
    if (!pool) return conflict("question_unavailable", "A category this quiz draws from is no longer available.");
    std::vector<std::string> left;
    for (const std::string& id : *pool)
      if (!used.count(id)) left.push_back(id);
    if (static_cast<int>(left.size()) < s.count)
      return conflict("not_enough_questions", "The quiz draws more questions than its category holds.");
    for (int k = 0; k < s.count; ++k) {
      const size_t pick = k + draw.below(left.size() - k);
      std::swap(left[k], left[pick]);
      used.insert(left[k]);
      layout.push_back({0, s.page, s.mark, left[k], 0});
      pinned.push_back(false);
    }
  }
  std::vector<std::string> wanted;
  for (size_t i = 0; i < layout.size(); ++i)
    if (!pinned[i]) wanted.push_back(layout[i].question_id);
  std::map<std::string, int> current;
  for (const std::string& course : banks) {
    if (current.size() == wanted.size()) break;
    TRV_ASSIGN(auto found, p.bank.current_versions(course, wanted));
    current.merge(found);
  }
  for (size_t i = 0; i < layout.size(); ++i) {
    if (pinned[i]) {
      Result<bank::UsableQuestion> u = fail(ErrorKind::NotFound, "No such question.");
      for (const std::string& course : banks) {
        u = p.bank.usable(course, layout[i].question_id, layout[i].version);
        if (u || u.error().kind != ErrorKind::NotFound) break;
      }
      if (!u) return conflict("question_unavailable", "A question of this quiz is no longer available.");
      continue;
    }
    auto it = current.find(layout[i].question_id);
    if (it == current.end()) return conflict("question_unavailable", "A question of this quiz is no longer available.");
    layout[i].version = it->second;
  }
  std::stable_sort(layout.begin(), layout.end(),
                   [](const LayoutSlot& a, const LayoutSlot& b) { return a.page < b.page; });
  if (q.settings.shuffle_questions) {
    for (size_t begin = 0; begin < layout.size();) {
      size_t end = begin;
      while (end < layout.size() && layout[end].page == layout[begin].page) ++end;
      std::vector<LayoutSlot> page(layout.begin() + static_cast<long>(begin), layout.begin() + static_cast<long>(end));
      shuffle(page, draw);
      std::copy(page.begin(), page.end(), layout.begin() + static_cast<long>(begin));
      begin = end;
    }
  }
  double max_marks = 0;
  for (size_t i = 0; i < layout.size(); ++i) {
    layout[i].number = static_cast<int>(i + 1);
    max_marks += layout[i].mark;
  }
  TRV_ASSIGN(std::shared_ptr<const progress::AssessmentContext> ctx,
             p.progress.prepare_assessment(actor.user_id, run_id, block_id));

  const std::string id = new_id();
  auto written = p.store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(Effective e, effective(tx, q.settings, run_id, block_id, actor.user_id));
    if (e.dates.open_at_ms && now < *e.dates.open_at_ms) return conflict("not_open", "The quiz is not open yet.");
    if (e.dates.close_at_ms && now >= *e.dates.close_at_ms) return conflict("closed", "The quiz is closed.");
    TRV_ASSIGN(std::optional<db::Row> n, tx.one("SELECT COUNT(*), COALESCE(MAX(number), 0) FROM quiz_attempts WHERE "
                                                "run_id = $1 AND block_id = $2 AND user_id = $3",
                                                {run_id, block_id, actor.user_id}));
    if (e.attempts_allowed > 0 && n && n->i64(0) >= e.attempts_allowed)
      return conflict("no_attempts_left", "Every attempt allowed has been used.");
    std::optional<int64_t> deadline;
    if (e.time_limit_seconds) deadline = now + int64_t{*e.time_limit_seconds} * 1000;
    if (e.dates.close_at_ms && (!deadline || *e.dates.close_at_ms < *deadline)) deadline = e.dates.close_at_ms;
    // The unique (run, block, user, open_slot) index makes a parallel start
    // fail here; the caller then returns the attempt that won.
    TRV_TRY(
        tx.exec("INSERT INTO quiz_attempts (id, run_id, block_id, user_id, number, state, open_slot, started_at, "
                "deadline_at, seed, layout_json, max_marks) VALUES ($1, $2, $3, $4, $5, 'in_progress', 1, $6, $7, "
                "$8, $9, $10)",
                {id, run_id, block_id, actor.user_id, (n ? n->i64(1) : 0) + 1, now, deadline,
                 static_cast<int64_t>(seed), layout_json(layout), max_marks}));
    return p.progress.record_assessment(tx, *ctx, std::nullopt,
                                        {{std::string(kAttempted), "attempted", "", "", "", ""}}, now);
  });
  if (!written) {
    if (db::is_unique_violation(written.error())) {
      TRV_ASSIGN(std::optional<AttemptView> winner, open_attempt());
      if (winner) return Started{std::move(*winner), false};
    }
    return written.failure();
  }
  TRV_ASSIGN(std::optional<AttemptView> created, open_attempt());
  if (!created) return fail(ErrorKind::Internal, "A new attempt could not be read back.");
  return Started{std::move(*created), true};
}

namespace {

// The caller's attempt of this quiz in this run, or NotFound (another
// learner's attempt is not theirs to know of: AC-02).
Result<AttemptRow> owned(db::Tx& tx, const std::string& attempt_id, const std::string& user_id,
                         const std::string& run_id, const std::string& block_id) {
  TRV_ASSIGN(std::optional<AttemptRow> row, find_attempt(tx, attempt_id));
  if (!row || row->run_id != run_id || row->block_id != block_id || (!user_id.empty() && row->user_id != user_id))
    return fail(ErrorKind::NotFound, "No such attempt.");
  return std::move(*row);
}

}  // namespace

Result<AttemptView> Service::attempt(const std::string& user_id, const std::string& run_id, const std::string& block_id,
                                     const std::string& attempt_id) {
  Impl& p = *impl_;
  TRV_ASSIGN(QuizBlock q, quiz_block(p, user_id, run_id, block_id));
  AttemptRow row;
  std::vector<StepRow> steps;
  Effective e;
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(row, owned(tx, attempt_id, user_id, run_id, block_id));
    TRV_ASSIGN(steps, steps_of(tx, attempt_id));
    TRV_ASSIGN(e, effective(tx, q.settings, run_id, block_id, user_id));
    return ok();
  }));
  TRV_ASSIGN(Attempt a, p.assemble(row, steps));
  Review r = review_now(q.settings, a, e.dates, p.clock.now_ms());
  return AttemptView{std::move(a), q.settings, r, q.view.block.title};
}

Result<AttemptView> Service::attempt_for_staff(const std::string& run_id, const std::string& block_id,
                                               const std::string& attempt_id) {
  Impl& p = *impl_;
  TRV_ASSIGN(QuizBlock q, quiz_block(p, "", run_id, block_id));
  AttemptRow row;
  std::vector<StepRow> steps;
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(row, owned(tx, attempt_id, "", run_id, block_id));
    TRV_ASSIGN(steps, steps_of(tx, attempt_id));
    return ok();
  }));
  TRV_ASSIGN(Attempt a, p.assemble(row, steps));
  const bool finished = a.state == AttemptState::Finished;
  return AttemptView{std::move(a), q.settings, Review{finished, finished, finished}, q.view.block.title};
}

Result<Service::Saved> Service::save(const Actor& actor, const std::string& run_id, const std::string& block_id,
                                     const std::string& attempt_id, int slot, int sequence, const bj::value& response,
                                     int64_t now) {
  Impl& p = *impl_;
  AttemptRow row;
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(row, owned(tx, attempt_id, actor.user_id, run_id, block_id));
    return ok();
  }));
  if (row.state == AttemptState::Finished) return conflict("attempt_finished", "The attempt is finished.");
  if (row.deadline && now > *row.deadline + kGraceMs)
    return conflict("time_expired", "The time for this attempt is over; the answer was not saved.");
  auto at = std::find_if(row.layout.begin(), row.layout.end(), [&](const LayoutSlot& l) { return l.number == slot; });
  if (at == row.layout.end()) return fail(ErrorKind::NotFound, "No such question in this attempt.");
  TRV_ASSIGN(std::shared_ptr<const CachedQuestion> q, p.question(at->question_id, at->version));
  TRV_ASSIGN(questions::Response r, questions::response_from_json(q->question, response));
  const std::string text = json::serialize(questions::response_to_json(r));

  Saved out{slot, sequence, false, now};
  TRV_TRY(p.store.write([&](db::Tx& tx) -> Result<void> {
    out.replayed = false;
    // Holds the attempt's row until commit (PostgreSQL): a submit that
    // finishes the attempt waits for this save, or this save sees it
    // finished — an acknowledged save is never left out of the grade.
    TRV_ASSIGN(int64_t open, tx.exec("UPDATE quiz_attempts SET open_slot = open_slot WHERE id = $1 AND "
                                     "state = 'in_progress'",
                                     {attempt_id}));
    if (open != 1) return conflict("attempt_finished", "The attempt is finished.");
    TRV_ASSIGN(std::optional<db::Row> last, tx.one("SELECT seq, response_json FROM quiz_steps WHERE attempt_id = $1 "
                                                   "AND slot = $2 AND kind = 'save' ORDER BY seq DESC LIMIT 1",
                                                   {attempt_id, slot}));
    if (last && last->i64(0) >= sequence) {
      // The same save again (a retry after a lost response) is accepted as
      // it was; anything else older than the latest is stale (BL-03).
      if (last->i64(0) == sequence && last->text(1) == text) {
        out.replayed = true;
        return ok();
      }
      Error e{ErrorKind::Conflict, "A newer answer to this question is saved already.", {}, 0};
      e.fields.push_back(
          {"sequence", "stale_sequence", "The latest saved sequence is " + std::to_string(last->i64(0)) + "."});
      return fail(std::move(e));
    }
    TRV_TRY(
        tx.exec("INSERT INTO quiz_steps (attempt_id, slot, kind, seq, response_json, at, actor_id) "
                "VALUES ($1, $2, 'save', $3, $4, $5, $6)",
                {attempt_id, slot, sequence, text, now, actor.user_id}));
    return ok();
  }));
  return out;
}

Result<void> Service::Impl::finish(const std::string& attempt_id, int64_t now, const std::string& by) {
  AttemptRow row;
  TRV_TRY(store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<AttemptRow> r, find_attempt(tx, attempt_id));
    if (!r) return fail(ErrorKind::NotFound, "No such attempt.");
    row = std::move(*r);
    return ok();
  }));
  if (row.state == AttemptState::Finished) return conflict("attempt_finished", "The attempt is finished.");
  // The quiz's settings as published now (the passing grade, the maximum).
  TRV_ASSIGN(outline::RunContent content, ports.content(row.run_id));
  const QuizSettings settings = settings_now(content, row.block_id);
  bool in_content = false;
  for (const outline::ContentModule& m : *content.modules)
    for (const outline::ContentUnit& u : m.units)
      for (const outline::ContentBlock& b : u.blocks) in_content = in_content || b.id == row.block_id;
  std::vector<std::shared_ptr<const CachedQuestion>> qs;
  for (const LayoutSlot& l : row.layout) {
    TRV_ASSIGN(std::shared_ptr<const CachedQuestion> q, question(l.question_id, l.version));
    qs.push_back(std::move(q));
  }
  // Progress and statements need the learner to be in the run still; an
  // attempt of someone who left is graded all the same.
  auto ctx = in_content ? progress.prepare_assessment(row.user_id, row.run_id, row.block_id)
                        : Result<std::shared_ptr<const progress::AssessmentContext>>(
                              fail(ErrorKind::NotFound, "The quiz is no longer in the run's content."));

  return store.write([&](db::Tx& tx) -> Result<void> {
    // Only an attempt still in progress is finished, once: a concurrent
    // submit or timer changes no row and is refused.
    TRV_ASSIGN(int64_t claimed, tx.exec("UPDATE quiz_attempts SET state = 'finished', open_slot = NULL, "
                                        "finished_at = $2, finished_by = $3 WHERE id = $1 AND state = 'in_progress'",
                                        {attempt_id, now, by}));
    if (claimed != 1) return conflict("attempt_finished", "The attempt is finished.");
    TRV_ASSIGN(std::vector<StepRow> steps, steps_of(tx, attempt_id));
    double marks = 0;
    bool needs_grading = false;
    std::vector<progress::AssessmentStatement> statements;
    for (size_t i = 0; i < row.layout.size(); ++i) {
      const LayoutSlot& l = row.layout[i];
      const StepRow* last = nullptr;
      for (const StepRow& st : steps)
        if (st.slot == l.number && st.kind == "save" && (!last || st.seq > last->seq)) last = &st;
      std::optional<questions::Response> response;
      if (last && last->response_json) {
        auto parsed = json::parse(*last->response_json);
        if (parsed) {
          auto r = questions::response_from_json(qs[i]->question, *parsed);
          if (r) response = std::move(*r);
        }
      }
      std::optional<double> fraction = 0.0;
      if (response)
        fraction = questions::grade(qs[i]->question, *response).fraction;
      else if (std::holds_alternative<questions::Essay>(qs[i]->question.body))
        fraction = 0.0;  // nothing to grade
      if (fraction) {
        marks += l.mark * clamp(*fraction, -1, 1);
      } else {
        needs_grading = true;
      }
      TRV_TRY(
          tx.exec("INSERT INTO quiz_steps (attempt_id, slot, kind, seq, fraction, at, actor_id) "
                  "VALUES ($1, $2, 'grade', 1, $3, $4, '')",
                  {attempt_id, l.number, fraction, now}));
      bj::object result{{"response", response ? questions::describe(qs[i]->question, *response) : std::string()}};
      if (fraction) {
        result["score"] = bj::object{{"scaled", clamp(*fraction, -1, 1)},
                                     {"raw", l.mark * clamp(*fraction, -1, 1)},
                                     {"min", -l.mark},
                                     {"max", l.mark}};
        result["success"] = *fraction >= 1 - 1e-9;
      }
      statements.push_back({std::string(kAnswered), "answered", "questions/" + l.question_id, qs[i]->question.title,
                            std::string(kQuestionType), json::serialize(result)});
    }
    const std::optional<progress::AssessmentContext const*> context =
        ctx ? std::optional<progress::AssessmentContext const*>(ctx->get()) : std::nullopt;
    return settle(tx, *this, row, settings, marks, needs_grading, context, statements, now);
  });
}

Result<AttemptView> Service::submit(const Actor& actor, const std::string& run_id, const std::string& block_id,
                                    const std::string& attempt_id, int64_t now) {
  Impl& p = *impl_;
  AttemptRow row;
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(row, owned(tx, attempt_id, actor.user_id, run_id, block_id));
    return ok();
  }));
  if (row.state == AttemptState::Finished) return conflict("attempt_finished", "The attempt is finished.");
  // Past the deadline and its grace the attempt is finished as the timer
  // would have: with the answers saved in time (later ones were refused).
  const bool late = row.deadline && now > *row.deadline + kGraceMs;
  TRV_TRY(p.finish(attempt_id, now, late ? "timer" : "learner"));
  return attempt(actor.user_id, run_id, block_id, attempt_id);
}

Result<int> Service::finalise_overdue(int64_t now) {
  Impl& p = *impl_;
  std::vector<std::string> due;
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(db::Rows rows, tx.query("SELECT id FROM quiz_attempts WHERE open_slot = 1 AND deadline_at IS NOT NULL "
                                       "AND deadline_at < $1 ORDER BY deadline_at LIMIT 500",
                                       {now - kGraceMs}));
    for (const db::Row& r : rows) due.push_back(r.text(0));
    return ok();
  }));
  int finished = 0;
  std::optional<Error> first_error;
  for (const std::string& id : due) {
    auto r = p.finish(id, now, "timer");
    if (r) {
      ++finished;
    } else if (r.error().kind != ErrorKind::Conflict && !first_error) {
      // One attempt that cannot be finished (its store write failed) must
      // not hold up the others; the next round tries it again.
      first_error = r.error();
    }
  }
  if (first_error && finished == 0) return fail(*first_error);
  return finished;
}

}  // namespace trivium::quizzes
