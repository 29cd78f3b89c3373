// HTTP for quizzes: parse -> call the service -> render. The time of a
// request is taken from its arrival (Request::received_ms, BL-04). A
// learner's view of an attempt never carries what the review options do
// not show: no fractions of choices, no right answers before the review
// allows them.

#include <boost/json/serialize.hpp>
#include <charconv>

#include "core/clock.h"
#include "core/json.h"
#include "core/pipeline.h"
#include "quizzes/quizzes.h"

namespace trivium::quizzes {
namespace {

namespace bj = boost::json;
using http::Request;
using http::Response;

Actor actor_of(const Request& req) {
  return Actor{req.subject.user_id, req.remote_ip, req.request_id};
}
Response problem(const Error& e, const Request& req) {
  return http::problem(e, req.request_id);
}

bj::value time_or_null(const std::optional<int64_t>& ms) {
  if (!ms) return nullptr;
  return bj::value(format_rfc3339(*ms));
}

std::string_view state_name(AttemptState s) {
  return s == AttemptState::Finished ? "finished" : "in_progress";
}

std::string_view method_name(GradingMethod m) {
  switch (m) {
    case GradingMethod::Highest: return "highest";
    case GradingMethod::Average: return "average";
    case GradingMethod::First: return "first";
    case GradingMethod::Last: return "last";
  }
  return "highest";
}

bj::array listed(const std::vector<std::string>& order, const std::map<std::string, std::string>& html) {
  bj::array a;
  for (const std::string& id : order) {
    auto it = html.find(id);
    a.push_back(bj::object{{"id", id}, {"html", it == html.end() ? std::string() : it->second}});
  }
  return a;
}

// The question as a learner answers it: texts, choices in this attempt's
// order, and nothing that tells which answer is right.
bj::object learner_question(const AttemptSlot& s, const LearnerForm& f) {
  bj::object o{{"slot", s.number},
               {"page", s.page},
               {"mark", s.mark},
               {"type", questions::type_name(s.question.body)},
               {"stem_html", f.stem_html}};
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, questions::SingleChoice> || std::is_same_v<T, questions::MultipleChoice>) {
          o["choices"] = listed(s.order.ids, f.choice_html);
        } else if constexpr (std::is_same_v<T, questions::Numerical>) {
          bj::array units;
          for (const auto& u : body.units) units.emplace_back(u.name);
          o["units"] = std::move(units);
          o["unit_required"] = body.unit_required;
        } else if constexpr (std::is_same_v<T, questions::Matching>) {
          bj::array prompts;
          for (const auto& p : body.pairs)
            if (!p.prompt.empty()) prompts.push_back(bj::object{{"id", p.id}, {"html", f.prompt_html.at(p.id)}});
          o["prompts"] = std::move(prompts);
          o["answers"] = listed(s.order.ids, f.choice_html);
        } else if constexpr (std::is_same_v<T, questions::Ordering>) {
          o["items"] = listed(s.order.ids, f.choice_html);
        } else if constexpr (std::is_same_v<T, questions::Cloze>) {
          bj::array parts;
          for (size_t i = 0; i < body.parts.size(); ++i) {
            const int n = static_cast<int>(i + 1);
            const auto& part = body.parts[i];
            bj::object po{
                {"number", n},
                {"type", std::visit([](const auto& b) { return questions::type_name(questions::Body(b)); }, part.body)},
                {"display", part.display == questions::ClozePart::Display::Radio ? "radio" : "dropdown"}};
            auto order = s.order.parts.find(n);
            auto html = f.part_choice_html.find(n);
            if (order != s.order.parts.end() && html != f.part_choice_html.end())
              po["choices"] = listed(order->second, html->second);
            parts.push_back(std::move(po));
          }
          o["parts"] = std::move(parts);
        } else if constexpr (std::is_same_v<T, questions::Essay>) {
          o["essay"] = bj::object{
              {"response_format", body.response_format == questions::EssayFormat::Text    ? "text"
                                  : body.response_format == questions::EssayFormat::Files ? "files"
                                                                                          : "text_and_files"},
              {"min_words", body.min_words ? bj::value(*body.min_words) : bj::value(nullptr)},
              {"max_words", body.max_words ? bj::value(*body.max_words) : bj::value(nullptr)},
              {"max_files", body.max_files},
              {"response_template", body.response_template}};
        }
      },
      s.question.body);
  o["response"] = s.response ? questions::response_to_json(*s.response) : bj::value(nullptr);
  o["sequence"] = s.sequence;
  return o;
}

bj::object render_attempt(const Attempt& a, const Review& review, bool staff, bool with_questions) {
  bj::object o{{"id", a.id},
               {"run_id", a.run_id},
               {"block_id", a.block_id},
               {"number", a.number},
               {"state", state_name(a.state)},
               {"started_at", format_rfc3339(a.started_at_ms)},
               {"deadline", time_or_null(a.deadline_ms)},
               {"finished_at", time_or_null(a.finished_at_ms)},
               {"finished_by", a.finished_by.empty() ? bj::value(nullptr) : bj::value(a.finished_by)}};
  if (staff) o["user_id"] = a.user_id;
  if (a.state == AttemptState::Finished && review.score) {
    o["marks"] = a.marks;
    o["max_marks"] = a.max_marks;
    o["grade"] = a.grade ? bj::value(*a.grade) : bj::value(nullptr);
    o["needs_grading"] = a.needs_grading;
    o["passed"] = a.passed;
  }
  if (!with_questions) return o;
  static const LearnerForm kNone;
  bj::array slots;
  for (const AttemptSlot& s : a.slots) {
    const LearnerForm& f = s.form ? *s.form : kNone;
    bj::object q = learner_question(s, f);
    if (a.state == AttemptState::Finished) {
      if (review.score) {
        q["fraction"] = s.fraction ? bj::value(*s.fraction) : bj::value(nullptr);
        q["marks"] = s.fraction ? bj::value(*s.fraction * s.mark) : bj::value(nullptr);
      }
      if (review.feedback) {
        bj::array fb;
        for (const std::string& t : s.feedback) fb.emplace_back(t);
        q["feedback"] = std::move(fb);
        q["general_feedback_html"] = f.general_feedback_html;
        if (s.comment) q["comment"] = *s.comment;
      }
      if (review.right_answers) q["right_answer"] = questions::right_answer(s.question);
    }
    if (staff) {
      q["question_id"] = s.question_id;
      q["version"] = s.version;
    }
    slots.push_back(std::move(q));
  }
  o["questions"] = std::move(slots);
  return o;
}

bj::object render_settings(const QuizSettings& s) {
  return bj::object{
      {"questions", s.slots.size()},
      {"attempts_allowed", s.attempts_allowed},
      {"grading_method", method_name(s.grading)},
      {"time_limit_seconds", s.time_limit_seconds ? bj::value(*s.time_limit_seconds) : bj::value(nullptr)},
      {"passing_percent", s.passing_percent},
      {"max_grade", s.max_grade}};
}

Response render_view(const AttemptView& v, int status, bool staff) {
  bj::object o = render_attempt(v.attempt, v.review, staff, true);
  o["quiz"] = render_settings(v.settings);
  o["title"] = v.block_title;
  o["review"] =
      bj::object{{"score", v.review.score}, {"feedback", v.review.feedback}, {"right_answers", v.review.right_answers}};
  return json::response(status, o);
}

Result<std::optional<int64_t>> time_field(bj::object& body, std::string_view key) {
  auto it = body.find(key);
  if (it == body.end() || it->value().is_null()) {
    if (it != body.end()) body.erase(it);
    return std::optional<int64_t>{};
  }
  if (!it->value().is_string()) return invalid(std::string(key), "wrong_type", "An RFC 3339 date-time or null.");
  auto ms = parse_rfc3339(std::string(it->value().as_string()));
  if (!ms) return invalid(std::string(key), "format", "An RFC 3339 date-time such as 2027-03-29T09:00:00Z.");
  body.erase(it);
  return std::optional<int64_t>(*ms);
}

// The {slot} path parameter: a positive number, or 0 when it is not one.
int slot_param(const Request& req) {
  int slot = 0;
  const std::string& text = req.param("slot");
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), slot);
  if (ec != std::errc() || end != text.data() + text.size() || slot < 1) return 0;
  return slot;
}

}  // namespace

void register_routes(http::Router& router, Service& s) {
  using M = http::Method;
  const std::string q = "/api/v1/runs/{run}/quizzes/{block}";
  const http::ContextSpec in_run{"run", "run"};
  auto add = [&](M method, std::string pattern, std::string action, http::Handler h, std::string summary,
                 http::BodyKind body = http::BodyKind::None) {
    http::Route r;
    r.method = method;
    r.pattern = std::move(pattern);
    r.action = std::move(action);
    r.context = in_run;
    r.handler = std::move(h);
    r.summary = std::move(summary);
    r.body = body;
    router.add(std::move(r));
  };
  add(
      M::Get, q, "quizzes.attempt",
      [&s](Request& req) {
        auto st = s.status(req.subject.user_id, req.param("run"), req.param("block"));
        if (!st) return problem(st.error(), req);
        bj::array attempts;
        for (const Attempt& a : st->attempts) {
          Review review{a.state == AttemptState::Finished, false, false};
          attempts.push_back(render_attempt(a, review, false, false));
        }
        return json::response(
            200, bj::object{{"run_id", st->run_id},
                            {"block_id", st->block_id},
                            {"title", st->title},
                            {"quiz", render_settings(st->settings)},
                            {"open_at", time_or_null(st->dates.open_at_ms)},
                            {"close_at", time_or_null(st->dates.close_at_ms)},
                            {"attempts_allowed", st->attempts_allowed},
                            {"time_limit_seconds",
                             st->time_limit_seconds ? bj::value(*st->time_limit_seconds) : bj::value(nullptr)},
                            {"attempts", std::move(attempts)},
                            {"grade", st->grade ? bj::value(*st->grade) : bj::value(nullptr)},
                            {"passed", st->passed},
                            {"can_start", st->can_start},
                            {"reason", st->reason.empty() ? bj::value(nullptr) : bj::value(st->reason)}});
      },
      "A learner's standing in a quiz: dates, attempts, grade, whether an attempt can start.");

  add(
      M::Post, q + "/attempts", "quizzes.attempt",
      [&s](Request& req) {
        auto started = s.start(actor_of(req), req.param("run"), req.param("block"), req.received_ms);
        if (!started) return problem(started.error(), req);
        return render_view(started->view, started->created ? 201 : 200, false);
      },
      "Start an attempt, or get back the one in progress (200).");
  add(
      M::Get, q + "/attempts/{attempt}", "quizzes.attempt",
      [&s](Request& req) {
        auto v = s.attempt(req.subject.user_id, req.param("run"), req.param("block"), req.param("attempt"));
        if (!v) return problem(v.error(), req);
        return render_view(*v, 200, false);
      },
      "One's own attempt: questions, saved answers and, when finished, what the review shows.");
  add(
      M::Put, q + "/attempts/{attempt}/answers/{slot}", "quizzes.attempt",
      [&s](Request& req) {
        const int slot = slot_param(req);
        if (slot < 1) return problem(Error{ErrorKind::NotFound, "No such question in this attempt.", {}, 0}, req);
        auto body = json::parse_object(req.body);
        if (!body) return problem(body.error(), req);
        auto it = body->find("response");
        if (it == body->end()) return problem(invalid("response", "required", "The answer to save.").error, req);
        bj::value response = std::move(it->value());
        body->erase(it);
        json::BodyReader r(*body);
        auto sequence = r.required_int("sequence", 1, 1000000000);
        if (auto f = r.finish(); !f) return problem(f.error(), req);
        auto saved = s.save(actor_of(req), req.param("run"), req.param("block"), req.param("attempt"), slot,
                            static_cast<int>(*sequence), response, req.received_ms);
        if (!saved) return problem(saved.error(), req);
        return json::response(200, bj::object{{"slot", saved->slot},
                                              {"sequence", saved->sequence},
                                              {"replayed", saved->replayed},
                                              {"saved_at", format_rfc3339(saved->saved_at_ms)}});
      },
      "Save the answer to one question (autosave): sequence must grow with each save of that question.",
      http::BodyKind::Json);
  add(
      M::Post, q + "/attempts/{attempt}/submit", "quizzes.attempt",
      [&s](Request& req) {
        auto v = s.submit(actor_of(req), req.param("run"), req.param("block"), req.param("attempt"), req.received_ms);
        if (!v) return problem(v.error(), req);
        return render_view(*v, 200, false);
      },
      "Submit the attempt: graded at once where a machine can grade.");

  add(
      M::Get, q + "/results", "quizzes.results.read",
      [&s](Request& req) {
        auto list = s.attempts(req.param("run"), req.param("block"));
        if (!list) return problem(list.error(), req);
        bj::array items;
        for (const Attempt& a : *list) items.push_back(render_attempt(a, Review{true, true, true}, true, false));
        return json::response(200, bj::object{{"items", std::move(items)}});
      },
      "Every learner's attempts at the quiz.");
  add(
      M::Get, q + "/results/{attempt}", "quizzes.results.read",
      [&s](Request& req) {
        auto v = s.attempt_for_staff(req.param("run"), req.param("block"), req.param("attempt"));
        if (!v) return problem(v.error(), req);
        return render_view(*v, 200, true);
      },
      "A learner's attempt in full, for the run's staff.");
  add(
      M::Get, q + "/analysis", "quizzes.results.read",
      [&s](Request& req) {
        auto a = s.analysis(req.param("run"), req.param("block"));
        if (!a) return problem(a.error(), req);
        auto num = [](const std::optional<double>& x) { return x ? bj::value(*x) : bj::value(nullptr); };
        bj::array items;
        for (const ItemAnalysis& i : a->items) {
          bj::array responses;
          for (const auto& r : i.responses)
            responses.push_back(bj::object{{"response", r.response}, {"count", r.count}});
          items.push_back(bj::object{{"question_id", i.question_id},
                                     {"version", i.version},
                                     {"title", i.title},
                                     {"type", i.type},
                                     {"mark", i.mark},
                                     {"attempts", i.stats.n},
                                     {"facility", num(i.stats.facility)},
                                     {"sd", num(i.stats.sd)},
                                     {"discrimination", num(i.stats.discrimination)},
                                     {"responses", std::move(responses)}});
        }
        return json::response(200, bj::object{{"attempts", a->test.attempts},
                                              {"mean", num(a->test.mean)},
                                              {"sd", num(a->test.sd)},
                                              {"cronbach_alpha", num(a->test.cronbach_alpha)},
                                              {"kr20", num(a->test.kr20)},
                                              {"items", std::move(items)}});
      },
      "Item analysis over the finished attempts: facility, discrimination, responses; alpha and KR-20.");
  add(
      M::Get, q + "/grading", "quizzes.results.read",
      [&s](Request& req) {
        auto list = s.grading_queue(req.param("run"), req.param("block"));
        if (!list) return problem(list.error(), req);
        bj::array items;
        for (const Attempt& a : *list) items.push_back(render_attempt(a, Review{true, true, true}, true, false));
        return json::response(200, bj::object{{"items", std::move(items)}});
      },
      "Finished attempts with a question waiting for a person (essays), oldest first.");
  add(
      M::Post, q + "/results/{attempt}/questions/{slot}/grade", "quizzes.grade",
      [&s](Request& req) {
        const int slot = slot_param(req);
        if (slot < 1) return problem(Error{ErrorKind::NotFound, "No such question in this attempt.", {}, 0}, req);
        auto body = json::parse_object(req.body);
        if (!body) return problem(body.error(), req);
        json::BodyReader r(*body);
        auto fraction = r.optional_number("fraction", 0, 1);
        auto comment = r.optional_string("comment", 0, 20000);
        if (!r.has("fraction")) r.add_error("fraction", "required", "The share of the question's mark, 0 to 1.");
        if (auto f = r.finish(); !f) return problem(f.error(), req);
        auto v = s.grade_slot(actor_of(req), req.param("run"), req.param("block"), req.param("attempt"), slot,
                              *fraction, comment.value_or(""), req.received_ms);
        if (!v) return problem(v.error(), req);
        return render_view(*v, 200, true);
      },
      "Grade one question of a finished attempt (an essay, or override an automatic mark), with a comment.",
      http::BodyKind::Json);
  add(
      M::Post, q + "/regrade", "quizzes.manage",
      [&s](Request& req) {
        auto body = json::parse_object(req.body);
        if (!body) return problem(body.error(), req);
        json::BodyReader r(*body);
        auto question = r.required_string("question_id", 1, 64);
        if (auto f = r.finish(); !f) return problem(f.error(), req);
        auto done = s.regrade(actor_of(req), req.param("run"), req.param("block"), *question, req.received_ms);
        if (!done) return problem(done.error(), req);
        return json::response(200, bj::object{{"question_id", *question},
                                              {"current_version", done->current_version},
                                              {"attempts", done->attempts},
                                              {"regraded", done->regraded},
                                              {"grade_changed", done->grade_changed},
                                              {"incompatible", done->incompatible}});
      },
      "Regrade the finished attempts holding an older version of a corrected question.", http::BodyKind::Json);
  add(
      M::Get, q + "/dates", "quizzes.results.read",
      [&s](Request& req) {
        auto d = s.dates(req.param("run"), req.param("block"));
        if (!d) return problem(d.error(), req);
        return json::response(
            200, bj::object{{"open_at", time_or_null(d->open_at_ms)}, {"close_at", time_or_null(d->close_at_ms)}});
      },
      "The quiz's open and close dates in the run.");
  add(
      M::Put, q + "/dates", "quizzes.manage",
      [&s](Request& req) {
        auto body = json::parse_object(req.body);
        if (!body) return problem(body.error(), req);
        auto open = time_field(*body, "open_at");
        if (!open) return problem(open.error(), req);
        auto close = time_field(*body, "close_at");
        if (!close) return problem(close.error(), req);
        json::BodyReader r(*body);
        if (auto f = r.finish(); !f) return problem(f.error(), req);
        auto d = s.set_dates(actor_of(req), req.param("run"), req.param("block"), Dates{*open, *close});
        if (!d) return problem(d.error(), req);
        return json::response(
            200, bj::object{{"open_at", time_or_null(d->open_at_ms)}, {"close_at", time_or_null(d->close_at_ms)}});
      },
      "Set the quiz's open and close dates in the run (null clears).", http::BodyKind::Json);
  add(
      M::Put, q + "/overrides/{user}", "quizzes.manage",
      [&s](Request& req) {
        auto body = json::parse_object(req.body);
        if (!body) return problem(body.error(), req);
        auto close = time_field(*body, "close_at");
        if (!close) return problem(close.error(), req);
        json::BodyReader r(*body);
        auto limit = r.optional_int("time_limit_seconds", 60, 7 * 24 * 3600);
        auto attempts = r.optional_int("attempts_allowed", 0, 100);
        if (auto f = r.finish(); !f) return problem(f.error(), req);
        Override o;
        o.user_id = req.param("user");
        o.close_at_ms = *close;
        if (limit) o.time_limit_seconds = static_cast<int>(*limit);
        if (attempts) o.attempts_allowed = static_cast<int>(*attempts);
        auto saved = s.set_override(actor_of(req), req.param("run"), req.param("block"), o);
        if (!saved) return problem(saved.error(), req);
        return json::response(
            200, bj::object{{"user_id", saved->user_id},
                            {"close_at", time_or_null(saved->close_at_ms)},
                            {"time_limit_seconds",
                             saved->time_limit_seconds ? bj::value(*saved->time_limit_seconds) : bj::value(nullptr)},
                            {"attempts_allowed",
                             saved->attempts_allowed ? bj::value(*saved->attempts_allowed) : bj::value(nullptr)}});
      },
      "Give a learner their own close date, time limit or number of attempts.", http::BodyKind::Json);
  add(
      M::Delete, q + "/overrides/{user}", "quizzes.manage",
      [&s](Request& req) {
        auto r = s.clear_override(actor_of(req), req.param("run"), req.param("block"), req.param("user"));
        if (!r) return problem(r.error(), req);
        return Response::no_content();
      },
      "Remove a learner's override.");
}

}  // namespace trivium::quizzes
