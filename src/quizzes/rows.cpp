// Attempts as stored: their rows and steps, the question versions they hold
// (cached: a version never changes) and what a learner may see of them.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/json.h"
#include "quizzes/internal.h"
#include "richtext/richtext.h"

namespace trivium::quizzes {

namespace bj = boost::json;

namespace {

constexpr size_t kCacheLimit = 20000;

std::string escaped(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

void choices_html(const std::vector<questions::Choice>& choices, questions::TextFormat f,
                  std::map<std::string, std::string>& out) {
  for (const questions::Choice& c : choices) out[c.id] = to_html(c.text, f);
}

}  // namespace

std::string to_html(const std::string& text, questions::TextFormat format) {
  switch (format) {
    case questions::TextFormat::Markdown: return richtext::markdown_to_html(text);
    case questions::TextFormat::Html: return richtext::sanitize_html(text);
    case questions::TextFormat::Plain: return escaped(text);
  }
  return escaped(text);
}

LearnerForm learner_form(const questions::Question& q) {
  LearnerForm f;
  f.stem_html = to_html(q.text, q.format);
  f.general_feedback_html = q.general_feedback.empty() ? "" : to_html(q.general_feedback, q.format);
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, questions::SingleChoice> || std::is_same_v<T, questions::MultipleChoice>) {
          choices_html(body.choices, q.format, f.choice_html);
        } else if constexpr (std::is_same_v<T, questions::Matching>) {
          for (const questions::MatchPair& p : body.pairs) {
            if (!p.prompt.empty()) f.prompt_html[p.id] = to_html(p.prompt, q.format);
            f.choice_html[p.id] = escaped(p.answer);
          }
        } else if constexpr (std::is_same_v<T, questions::Ordering>) {
          for (const questions::OrderItem& i : body.items) f.choice_html[i.id] = to_html(i.text, q.format);
        } else if constexpr (std::is_same_v<T, questions::Cloze>) {
          for (size_t i = 0; i < body.parts.size(); ++i) {
            const auto& part = body.parts[i].body;
            if (const auto* sc = std::get_if<questions::SingleChoice>(&part))
              choices_html(sc->choices, questions::TextFormat::Plain, f.part_choice_html[static_cast<int>(i + 1)]);
            if (const auto* mc = std::get_if<questions::MultipleChoice>(&part))
              choices_html(mc->choices, questions::TextFormat::Plain, f.part_choice_html[static_cast<int>(i + 1)]);
          }
        }
      },
      q.body);
  return f;
}

Result<std::shared_ptr<const CachedQuestion>> Service::Impl::question(const std::string& id, int version) {
  const std::string key = id + "@" + std::to_string(version);
  {
    std::lock_guard lock(cache_mutex);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
  }
  TRV_ASSIGN(bank::UsableQuestion q, bank.pinned(id, version));
  auto c = std::make_shared<CachedQuestion>();
  c->id = id;
  c->version = version;
  c->form = std::make_shared<const LearnerForm>(learner_form(q.question));
  c->question = std::move(q.question);
  std::lock_guard lock(cache_mutex);
  if (cache.size() >= kCacheLimit) cache.clear();
  cache.emplace(key, c);
  return std::shared_ptr<const CachedQuestion>(std::move(c));
}

std::string layout_json(const std::vector<LayoutSlot>& layout) {
  bj::array a;
  for (const LayoutSlot& s : layout)
    a.push_back(bj::object{{"slot", s.number},
                           {"page", s.page},
                           {"mark", s.mark},
                           {"question_id", s.question_id},
                           {"version", s.version}});
  return bj::serialize(a);
}

Result<AttemptRow> read_attempt_row(const db::Row& r) {
  AttemptRow a;
  a.id = r.text(0);
  a.run_id = r.text(1);
  a.block_id = r.text(2);
  a.user_id = r.text(3);
  a.number = static_cast<int>(r.i64(4));
  a.state = r.text(5) == "finished" ? AttemptState::Finished : AttemptState::InProgress;
  a.started_at = r.i64(6);
  a.deadline = r.opt_i64(7);
  a.finished_at = r.opt_i64(8);
  a.finished_by = r.text(9);
  a.seed = static_cast<uint64_t>(r.i64(10));
  boost::system::error_code ec;
  bj::value layout = bj::parse(r.text(11), ec);
  if (ec || !layout.is_array()) return fail(ErrorKind::Internal, "An attempt's layout is not readable: " + a.id);
  for (const bj::value& v : layout.as_array()) {
    const bj::object& o = v.as_object();
    LayoutSlot s;
    s.number = static_cast<int>(o.at("slot").to_number<int64_t>());
    s.page = static_cast<int>(o.at("page").to_number<int64_t>());
    s.mark = o.at("mark").to_number<double>();
    s.question_id = std::string(o.at("question_id").as_string());
    s.version = static_cast<int>(o.at("version").to_number<int64_t>());
    a.layout.push_back(std::move(s));
  }
  a.marks = r.f64(12);
  a.max_marks = r.f64(13);
  if (!r.is_null(14)) a.grade = r.f64(14);
  a.needs_grading = r.boolean(15);
  a.passed = r.boolean(16);
  return a;
}

Result<std::optional<AttemptRow>> find_attempt(db::Tx& tx, const std::string& attempt_id) {
  TRV_ASSIGN(std::optional<db::Row> row,
             tx.one(std::string("SELECT ") + kAttemptColumns + " FROM quiz_attempts WHERE id = $1", {attempt_id}));
  if (!row) return std::optional<AttemptRow>{};
  TRV_ASSIGN(AttemptRow a, read_attempt_row(*row));
  return std::optional<AttemptRow>(std::move(a));
}

Result<std::vector<StepRow>> steps_of(db::Tx& tx, const std::string& attempt_id) {
  TRV_ASSIGN(db::Rows rows, tx.query("SELECT slot, kind, seq, response_json, fraction, comment, at FROM quiz_steps "
                                     "WHERE attempt_id = $1 ORDER BY slot, at, seq",
                                     {attempt_id}));
  std::vector<StepRow> out;
  out.reserve(rows.size());
  for (const db::Row& r : rows) {
    StepRow s;
    s.slot = static_cast<int>(r.i64(0));
    s.kind = r.text(1);
    s.seq = static_cast<int>(r.i64(2));
    s.response_json = r.opt_text(3);
    if (!r.is_null(4)) s.fraction = r.f64(4);
    s.comment = r.opt_text(5);
    s.at = r.i64(6);
    out.push_back(std::move(s));
  }
  return out;
}

Attempt summary_of(const AttemptRow& row) {
  Attempt a;
  a.id = row.id;
  a.run_id = row.run_id;
  a.block_id = row.block_id;
  a.user_id = row.user_id;
  a.number = row.number;
  a.state = row.state;
  a.started_at_ms = row.started_at;
  a.deadline_ms = row.deadline;
  a.finished_at_ms = row.finished_at;
  a.finished_by = row.finished_by;
  a.seed = row.seed;
  a.marks = row.marks;
  a.max_marks = row.max_marks;
  a.grade = row.grade;
  a.needs_grading = row.needs_grading;
  a.passed = row.passed;
  return a;
}

Result<Attempt> Service::Impl::assemble(const AttemptRow& row, const std::vector<StepRow>& steps) {
  Attempt a = summary_of(row);
  for (const LayoutSlot& l : row.layout) {
    TRV_ASSIGN(std::shared_ptr<const CachedQuestion> q, question(l.question_id, l.version));
    AttemptSlot s;
    s.number = l.number;
    s.page = l.page;
    s.mark = l.mark;
    s.question_id = l.question_id;
    s.version = l.version;
    s.question = q->question;
    s.form = q->form;
    s.order =
        questions::display_order(q->question, row.seed ^ (0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(l.number)));
    const StepRow* last_save = nullptr;
    for (const StepRow& st : steps) {
      if (st.slot != l.number) continue;
      if (st.kind == "save" && (!last_save || st.seq > last_save->seq)) last_save = &st;
      // The latest grade counts: a grader's after the automatic one.
      if (st.kind == "grade" || st.kind == "manual" || st.kind == "regrade") {
        s.fraction = st.fraction;
        if (st.comment) s.comment = st.comment;
      }
    }
    if (last_save && last_save->response_json) {
      auto parsed = json::parse(*last_save->response_json);
      if (parsed) {
        auto r = questions::response_from_json(q->question, *parsed);
        if (r) s.response = std::move(*r);
      }
      s.sequence = last_save->seq;
    }
    if (s.response && a.state == AttemptState::Finished)
      s.feedback = questions::grade(q->question, *s.response).feedback;
    a.slots.push_back(std::move(s));
  }
  return a;
}

}  // namespace trivium::quizzes
