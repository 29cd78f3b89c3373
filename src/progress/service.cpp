// Opening blocks, learners' reports and a learner's own progress.

#include <algorithm>
#include <boost/json/parse.hpp>
#include <cmath>

#include "progress/internal.h"
#include "progress/statements.h"

namespace trivium::progress {

using namespace detail;
namespace bj = boost::json;

namespace {

Failure locked(const ModuleProgress& m) {
  Error e{ErrorKind::Forbidden, "", {}, 0};
  if (!m.released) {
    e.detail = "This module is not released yet in this run.";
    e.fields.push_back({"block", "not_released", "The module opens on its release date."});
  } else {
    e.detail = "Complete the prerequisite modules first.";
    e.fields.push_back({"block", "prerequisites", "Complete the modules it requires first."});
  }
  return fail(std::move(e));
}

// Published blocks name course files by their course's URL; a run's people
// read them through the run (files.run.read), which also serves a derived
// SPOC's learners the files of the course it takes its content from.
std::string run_file_urls(std::string json, const std::string& run_id, const std::vector<std::string>& courses) {
  const std::string to = "/api/v1/runs/" + run_id + "/files/";
  for (const std::string& course_id : courses) {
    const std::string from = "/api/v1/courses/" + course_id + "/files/";
    for (size_t at = json.find(from); at != std::string::npos; at = json.find(from, at + to.size()))
      json.replace(at, from.size(), to);
  }
  return json;
}

double rounded(double x) {
  return std::round(x * 1000.0) / 1000.0;
}

// After a block's row changed: the statements of modules and the course
// newly complete, time on task, the learner's row, and every statement of
// the change recorded in the same transaction.
Result<void> settle(db::Tx& tx, Service::Impl& p, const outline::RunContent& content,
                    const std::map<std::string, BlockRow>& rows, LearnerRow& learner, const RunProgress& before,
                    StatementWriter& statements, const std::string& block_id, int64_t now) {
  const RunProgress after = compute(content, rows, learner, now, p.ports.watched_threshold);
  for (size_t m = 0; m < after.modules.size(); ++m)
    if (after.modules[m].complete() && !before.modules[m].complete() && after.modules[m].counted > 0)
      statements.module_completed((*content.modules)[m]);
  if (learner.last_activity_at && now - *learner.last_activity_at <= kIdleGapMs && now > *learner.last_activity_at)
    learner.time_on_task_ms += now - *learner.last_activity_at;
  learner.last_activity_at = now;
  learner.last_block_id = block_id;
  learner.completed_blocks = after.completed;
  if (!learner.completed_at && after.counted > 0 && after.completed >= after.counted) {
    learner.completed_at = now;
    statements.course_completed();
  }
  TRV_TRY(save_learner(tx, learner));
  if (!statements.events().empty()) TRV_TRY(p.lrs.record(tx, statements.events()));
  return ok();
}

}  // namespace

Service::Service(db::Store& store, const Clock& clock, lrs::Service& lrs, Ports ports)
    : impl_(std::make_unique<Impl>(store, clock, lrs, std::move(ports))) {}

Service::~Service() = default;

Result<BlockView> Service::open_block(const std::string& user_id, const std::string& run_id,
                                      const std::string& block_id) {
  Impl& p = *impl_;
  TRV_ASSIGN(outline::RunContent content, p.ports.content(run_id));
  auto at = find_block(content, block_id);
  if (!at) return fail(ErrorKind::NotFound, "No such block in this run's content.");
  const outline::ContentModule& m = (*content.modules)[at->module];
  BlockView view{m.units[at->unit].blocks[at->block], m.id, m.units[at->unit].id, std::nullopt};
  std::vector<std::string> owners{content.course_id, content.content_course_id};
  if (content.source_course_id) owners.push_back(*content.source_course_id);
  view.block.json = run_file_urls(std::move(view.block.json), run_id, owners);
  TRV_ASSIGN(auto enrolled, p.ports.enrolment(user_id, run_id));
  if (!enrolled) return view;  // the run's staff: no locks, no progress
  std::map<std::string, BlockRow> rows;
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(rows, blocks_of(tx, run_id, user_id));
    return ok();
  }));
  RunProgress progress = compute(content, rows, std::nullopt, p.clock.now_ms(), p.ports.watched_threshold);
  const ModuleProgress& mp = progress.modules[at->module];
  if (!mp.open()) return locked(mp);
  view.state = mp.units[at->unit].blocks[at->block];
  return view;
}

Result<BlockState> Service::report(const Actor& actor, const std::string& run_id, const std::string& block_id,
                                   const Report& report) {
  Impl& p = *impl_;
  TRV_ASSIGN(auto enrolled, p.ports.enrolment(actor.user_id, run_id));
  if (!enrolled) return fail(ErrorKind::Forbidden, "Only the run's learners report progress.");
  TRV_ASSIGN(outline::RunContent content, p.ports.content(run_id));
  auto at = find_block(content, block_id);
  if (!at) return fail(ErrorKind::NotFound, "No such block in this run's content.");
  const outline::ContentModule& module = (*content.modules)[at->module];
  const outline::ContentBlock& block = module.units[at->unit].blocks[at->block];
  const Rule rule = rule_of(block, p.ports.watched_threshold);
  if (report.kind != Report::Kind::Viewed && block.type != "video")
    return invalid("type", "not_media", "Only video blocks take played and position reports.");
  if (report.kind == Report::Kind::Played && !(report.to > report.from))
    return invalid("to", "order", "A played segment ends after it starts.");
  TRV_ASSIGN(courses::CourseRun run, p.ports.get_run(run_id));
  TRV_ASSIGN(courses::Course course, p.ports.get_course(run.course_id));
  const double threshold = p.ports.watched_threshold;

  BlockState out;
  TRV_TRY(p.store.write([&](db::Tx& tx) -> Result<void> {
    const int64_t now = p.clock.now_ms();
    TRV_TRY(lock_block(tx, run_id, actor.user_id, block_id, module.id));
    TRV_ASSIGN(LearnerRow learner, lock_learner(tx, run_id, actor.user_id));
    TRV_ASSIGN(auto rows, blocks_of(tx, run_id, actor.user_id));
    const RunProgress before = compute(content, rows, learner, now, threshold);
    if (!before.modules[at->module].open()) return locked(before.modules[at->module]);

    BlockRow& row = rows[block_id];
    StatementWriter statements(p.ports.public_url, course, run, actor.user_id, enrolled->enrolment_id, now);
    const bool was_complete = row.completed_at.has_value();
    // "Experienced" once per visit: again only after the learner was away.
    const bool new_visit = !row.last_report_at || now - *row.last_report_at > kIdleGapMs;
    if (!row.first_viewed_at) row.first_viewed_at = now;

    if (report.kind == Report::Kind::Viewed) {
      if (new_visit || !row.last_experienced_at) {
        statements.block(kExperienced, "experienced", module, block);
        row.last_experienced_at = now;
      }
    } else {
      std::optional<double> duration = rule.duration_seconds ? rule.duration_seconds : row.duration_seconds;
      if (!duration && report.duration) duration = report.duration;
      row.duration_seconds = duration;
      if (report.kind == Report::Kind::Played) {
        Segment s = credited_part(Segment{report.from, report.to}, row.last_report_at, now);
        if (duration) s.to = std::min(s.to, *duration);
        add_segment(row.watched, s);
        row.watched_seconds = duration ? covered_seconds(row.watched, *duration) : covered_seconds(row.watched, 1e12);
        row.position_seconds = report.position.value_or(report.to);
        bj::object extensions{{kPlayedSegments, played_segments_text(row.watched)},
                              {kVideoTime, rounded(row.position_seconds)}};
        if (duration && *duration > 0)
          extensions[kVideoProgress] = std::min(1.0, rounded(row.watched_seconds / *duration));
        statements.block(kProgressed, "progressed", module, block, bj::object{{"extensions", std::move(extensions)}});
      } else {
        row.position_seconds = report.position.value_or(row.position_seconds);
      }
      if (duration) row.position_seconds = std::min(row.position_seconds, *duration);
    }
    row.last_report_at = now;

    // The block's own completion, by its rule.
    if (!was_complete) {
      bool done = false;
      if (rule.completion == "viewed") done = true;
      if (rule.completion == "watched" && row.duration_seconds && *row.duration_seconds > 0)
        done = row.watched_seconds + 1e-9 >= rule.watched_threshold * *row.duration_seconds;
      if (done) {
        row.completed_at = now;
        statements.block(kCompleted, "completed", module, block, bj::object{{"completion", true}});
      }
    }
    TRV_TRY(save_block(tx, run_id, actor.user_id, row));

    TRV_TRY(settle(tx, p, content, rows, learner, before, statements, block_id, now));
    out = state_of(block, &row, threshold);
    return ok();
  }));
  return out;
}

Result<RunProgress> Service::run_progress(const std::string& user_id, const std::string& run_id) {
  Impl& p = *impl_;
  TRV_ASSIGN(auto enrolled, p.ports.enrolment(user_id, run_id));
  if (!enrolled) return fail(ErrorKind::NotFound, "You are not a learner of this run.");
  TRV_ASSIGN(outline::RunContent content, p.ports.content(run_id));
  std::map<std::string, BlockRow> rows;
  std::optional<LearnerRow> learner;
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(rows, blocks_of(tx, run_id, user_id));
    TRV_ASSIGN(learner, find_learner(tx, run_id, user_id));
    return ok();
  }));
  return compute(content, rows, learner, p.clock.now_ms(), p.ports.watched_threshold);
}

struct AssessmentContext {
  std::string user_id;
  std::string registration;
  outline::RunContent content;
  Place place;
  courses::Course course;
  courses::CourseRun run;
};

Result<std::shared_ptr<const AssessmentContext>> Service::prepare_assessment(const std::string& user_id,
                                                                             const std::string& run_id,
                                                                             const std::string& block_id) {
  Impl& p = *impl_;
  TRV_ASSIGN(auto enrolled, p.ports.enrolment(user_id, run_id));
  if (!enrolled) return fail(ErrorKind::Forbidden, "Only the run's learners are assessed.");
  auto c = std::make_shared<AssessmentContext>();
  c->user_id = user_id;
  c->registration = enrolled->enrolment_id;
  TRV_ASSIGN(c->content, p.ports.content(run_id));
  auto at = find_block(c->content, block_id);
  if (!at) return fail(ErrorKind::NotFound, "No such block in this run's content.");
  c->place = *at;
  TRV_ASSIGN(c->run, p.ports.get_run(run_id));
  TRV_ASSIGN(c->course, p.ports.get_course(c->run.course_id));
  return std::shared_ptr<const AssessmentContext>(std::move(c));
}

Result<void> Service::record_assessment(db::Tx& tx, const AssessmentContext& c, std::optional<bool> outcome,
                                        const std::vector<AssessmentStatement>& extra, int64_t now) {
  Impl& p = *impl_;
  const outline::ContentModule& module = (*c.content.modules)[c.place.module];
  const outline::ContentBlock& block = module.units[c.place.unit].blocks[c.place.block];
  StatementWriter statements(p.ports.public_url, c.course, c.run, c.user_id, c.registration, now);
  for (const AssessmentStatement& st : extra) {
    std::optional<bj::object> result;
    if (!st.result_json.empty()) {
      boost::system::error_code ec;
      bj::value v = bj::parse(st.result_json, ec);
      if (ec || !v.is_object()) return fail(ErrorKind::Internal, "An assessment statement's result is not an object.");
      result = std::move(v.as_object());
    }
    if (st.part.empty())
      statements.block(st.verb_id, st.verb_word, module, block, std::move(result));
    else
      statements.block_part(st.verb_id, st.verb_word, module, block, st.part, st.part_name, st.part_type,
                            std::move(result));
  }
  if (!outcome) {
    if (!statements.events().empty()) TRV_TRY(p.lrs.record(tx, statements.events()));
    return ok();
  }
  const Rule rule = rule_of(block, p.ports.watched_threshold);
  TRV_TRY(lock_block(tx, c.content.run_id, c.user_id, block.id, module.id));
  TRV_ASSIGN(LearnerRow learner, lock_learner(tx, c.content.run_id, c.user_id));
  TRV_ASSIGN(auto rows, blocks_of(tx, c.content.run_id, c.user_id));
  const RunProgress before = compute(c.content, rows, learner, now, p.ports.watched_threshold);
  BlockRow& row = rows[block.id];
  if (!row.first_viewed_at) row.first_viewed_at = now;
  row.last_report_at = now;
  const bool earned = rule.completion == "submitted" || (rule.completion == "passed" && *outcome);
  if (!row.completed_at && earned) {
    row.completed_at = now;
    statements.block(kCompleted, "completed", module, block, bj::object{{"completion", true}});
  }
  TRV_TRY(save_block(tx, c.content.run_id, c.user_id, row));
  return settle(tx, p, c.content, rows, learner, before, statements, block.id, now);
}

}  // namespace trivium::progress
