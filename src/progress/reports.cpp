// The learner's dashboard and the trainer's progress matrix.

#include <algorithm>
#include <cctype>

#include "progress/internal.h"

namespace trivium::progress {

using namespace detail;

namespace {

constexpr int kMaxDeadlines = 10;
constexpr int kRecent = 10;

std::string folded(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<Dashboard> Service::dashboard(const std::string& user_id) {
  Impl& p = *impl_;
  const int64_t now = p.clock.now_ms();
  TRV_ASSIGN(std::vector<MyRun> runs, p.ports.runs_of(user_id));
  Dashboard d;
  std::map<std::string, std::pair<std::string, outline::RunContent>> contents;  // run -> (course title, content)
  for (const MyRun& mine : runs) {
    TRV_ASSIGN(courses::CourseRun run, p.ports.get_run(mine.run_id));
    TRV_ASSIGN(courses::Course course, p.ports.get_course(run.course_id));
    TRV_ASSIGN(outline::RunContent content, p.ports.content(run.id));
    std::map<std::string, BlockRow> rows;
    std::optional<LearnerRow> learner;
    TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
      TRV_ASSIGN(rows, blocks_of(tx, run.id, user_id));
      TRV_ASSIGN(learner, find_learner(tx, run.id, user_id));
      return ok();
    }));
    RunProgress progress = compute(content, rows, learner, now, p.ports.watched_threshold);
    for (const ModuleProgress& m : progress.modules)
      if (m.release_at_ms && *m.release_at_ms > now)
        d.deadlines.push_back({run.id, course.title, "module_release", m.title, *m.release_at_ms});
    if (run.ends_at_ms && *run.ends_at_ms > now)
      d.deadlines.push_back({run.id, course.title, "run_end", run.title, *run.ends_at_ms});
    Dashboard::Entry e;
    e.enrolment_state = mine.enrolment_state;
    e.counted = progress.counted;
    e.completed = progress.completed;
    e.resume = progress.resume;
    e.last_activity_ms = progress.last_activity_ms;
    e.time_on_task_ms = progress.time_on_task_ms;
    e.completed_at_ms = progress.completed_at_ms;
    contents.emplace(run.id, std::make_pair(course.title, std::move(content)));
    e.course = std::move(course);
    e.run = std::move(run);
    d.enrolments.push_back(std::move(e));
  }
  // Recently worked on first; never started ones after, newest run first.
  std::stable_sort(d.enrolments.begin(), d.enrolments.end(), [](const auto& a, const auto& b) {
    return a.last_activity_ms.value_or(0) > b.last_activity_ms.value_or(0);
  });
  std::sort(d.deadlines.begin(), d.deadlines.end(), [](const auto& a, const auto& b) { return a.at_ms < b.at_ms; });
  if (d.deadlines.size() > kMaxDeadlines) d.deadlines.resize(kMaxDeadlines);

  std::vector<RecentRow> recent;
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(recent, recent_of(tx, user_id, kRecent * 2));
    return ok();
  }));
  for (const RecentRow& r : recent) {
    auto c = contents.find(r.run_id);
    if (c == contents.end()) continue;  // a run they left
    auto at = find_block(c->second.second, r.block_id);
    if (!at) continue;  // no longer in the content
    const auto& block = (*c->second.second.modules)[at->module].units[at->unit].blocks[at->block];
    std::string event = "viewed";
    if (r.completed_at && *r.completed_at == r.last_report_at)
      event = "completed";
    else if (block.type == "video")
      event = "played";
    d.recent.push_back({r.run_id, c->second.first, r.block_id, block.title, event, r.last_report_at});
    if (d.recent.size() >= kRecent) break;
  }
  return d;
}

Result<Matrix> Service::matrix(const std::string& run_id, const MatrixQuery& q) {
  Impl& p = *impl_;
  TRV_ASSIGN(outline::RunContent content, p.ports.content(run_id));
  TRV_ASSIGN(std::vector<Learner> learners, p.ports.learners(run_id));
  if (q.cohort_id) std::erase_if(learners, [&](const Learner& l) { return l.cohort_id != q.cohort_id; });
  std::vector<LearnerRow> stored;
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(stored, learners_of_run(tx, run_id));
    return ok();
  }));
  std::map<std::string, const LearnerRow*> by_user;
  for (const LearnerRow& l : stored) by_user[l.user_id] = &l;

  Matrix out;
  // The columns, and the counted blocks of each module.
  const RunProgress empty = compute(content, {}, std::nullopt, p.clock.now_ms(), p.ports.watched_threshold);
  for (const ModuleProgress& m : empty.modules) out.modules.push_back({m.id, m.title, m.counted});

  struct Sorted {
    const Learner* learner;
    const LearnerRow* row;
    std::string name;
  };
  std::vector<Sorted> order;
  order.reserve(learners.size());
  for (const Learner& l : learners) {
    auto it = by_user.find(l.user_id);
    order.push_back({&l, it == by_user.end() ? nullptr : it->second, folded(l.display_name)});
  }
  auto by_name = [](const Sorted& a, const Sorted& b) {
    return a.name != b.name ? a.name < b.name : a.learner->user_id < b.learner->user_id;
  };
  auto key = [&q](const Sorted& s) -> int64_t {
    if (!s.row) return -1;
    if (q.sort == "progress") return s.row->completed_blocks;
    if (q.sort == "last_activity") return s.row->last_activity_at.value_or(-1);
    return s.row->time_on_task_ms;
  };
  std::sort(order.begin(), order.end(), [&](const Sorted& a, const Sorted& b) {
    if (q.sort != "name") {
      const int64_t ka = key(a), kb = key(b);
      if (ka != kb) return q.descending ? ka > kb : ka < kb;
      return by_name(a, b);
    }
    return q.descending ? by_name(b, a) : by_name(a, b);
  });
  out.total = static_cast<int>(order.size());
  const size_t from = std::min(order.size(), static_cast<size_t>(q.offset));
  const size_t to = std::min(order.size(), from + static_cast<size_t>(q.limit));
  if (to < order.size()) out.next_offset = static_cast<int>(to);

  std::vector<std::map<std::string, BlockRow>> page_rows(to - from);
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    for (size_t i = from; i < to; ++i) {
      if (!order[i].row) continue;  // never started
      TRV_ASSIGN(page_rows[i - from], blocks_of(tx, run_id, order[i].learner->user_id));
    }
    return ok();
  }));
  const int64_t now = p.clock.now_ms();
  for (size_t i = from; i < to; ++i) {
    std::optional<LearnerRow> lr;
    if (order[i].row) lr = *order[i].row;
    RunProgress progress = compute(content, page_rows[i - from], lr, now, p.ports.watched_threshold);
    Matrix::Row row;
    row.learner = *order[i].learner;
    row.counted = progress.counted;
    row.completed = progress.completed;
    for (const ModuleProgress& m : progress.modules) row.module_completed.push_back(m.completed);
    row.last_activity_ms = progress.last_activity_ms;
    row.time_on_task_ms = progress.time_on_task_ms;
    row.completed_at_ms = progress.completed_at_ms;
    out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace trivium::progress
