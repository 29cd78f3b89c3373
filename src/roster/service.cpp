// Roster import jobs: queued on upload, run by one background worker.
#include <spdlog/spdlog.h>
#include <atomic>
#include <condition_variable>
#include <map>
#include <set>
#include <thread>

#include "core/ids.h"
#include "roster/internal.h"

namespace trivium::roster {

using namespace detail;

struct Service::Impl {
  db::Store& store;
  const Clock& clock;
  audit::AuditLog& audit;
  Ports ports;

  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  bool wake = false;
  // Read between batches: a stopping server leaves the job "running", and
  // the next start runs it again (applying is idempotent).
  std::atomic<bool> interrupt{false};
  std::thread worker;

  Impl(db::Store& s, const Clock& c, audit::AuditLog& a, Ports p) : store(s), clock(c), audit(a), ports(std::move(p)) {}

  audit::Event event(const Actor& actor, std::string action, const std::string& org_id, const std::string& id) {
    audit::Event e;
    e.action = std::move(action);
    e.actor_id = actor.user_id;
    e.organisation_id = org_id;
    e.target_kind = "roster_import";
    e.target_id = id;
    e.ip = actor.ip;
    e.request_id = actor.request_id;
    return e;
  }

  Result<bool> run_one();
  Result<void> process(ImportJob& job, const std::string& csv);
  Result<void> apply(ImportJob& job, const Actor& actor, const std::vector<RosterRow>& rows);
  void loop();
};

namespace {

Actor actor_of(const ImportJob& job) {
  Actor a;
  a.user_id = job.created_by;
  a.request_id = "import:" + job.id;
  return a;
}

void note(ImportJob& job, std::vector<LineProblem> problems) {
  job.problem_count += static_cast<int>(problems.size());
  for (auto& p : problems) {
    if (job.problems.size() >= Service::kMaxReportedProblems) break;
    job.problems.push_back(std::move(p));
  }
}

}  // namespace

Result<void> Service::Impl::apply(ImportJob& job, const Actor& actor, const std::vector<RosterRow>& rows) {
  // One account request per address (the first line's name wins).
  std::vector<std::pair<std::string, std::string>> people;
  std::map<std::string, size_t> index;  // lower-case e-mail -> position in `people`
  for (const RosterRow& r : rows) {
    std::string key = r.email;
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    if (index.emplace(key, people.size()).second) people.emplace_back(r.email, r.name);
  }
  TRV_ASSIGN(auto accounts, ports.provision(actor, people, job.notify));
  std::vector<std::string> user_of(rows.size());
  std::vector<std::pair<std::string, std::optional<std::string>>> placements;
  std::set<std::pair<std::string, std::string>> placed;
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string key = rows[i].email;
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    user_of[i] = accounts.at(index.at(key)).first;
    if (placed.emplace(user_of[i], rows[i].department_id.value_or("")).second) {
      placements.emplace_back(user_of[i], rows[i].department_id);
    }
  }
  for (const auto& a : accounts) job.accounts_created += a.second ? 1 : 0;
  TRV_ASSIGN(auto joined, ports.place(actor, job.organisation_id, placements));
  for (bool j : joined) job.members_added += j ? 1 : 0;

  std::map<std::string, std::vector<std::pair<std::string, std::optional<std::string>>>> learners;
  for (size_t i = 0; i < rows.size(); ++i) {
    const RosterRow& r = rows[i];
    if (!r.run_id) continue;
    if (r.role == "learner") {
      learners[*r.run_id].emplace_back(user_of[i], r.cohort);
    } else {
      TRV_TRY(ports.grant_staff(actor, *r.run_id, user_of[i], r.role));
    }
  }
  for (const auto& [run, batch] : learners) {
    TRV_ASSIGN(auto outcomes, ports.enrol(actor, run, batch));
    for (const auto& o : outcomes) job.enrolments_created += o.outcome == "unchanged" ? 0 : 1;
  }
  job.applied_rows += static_cast<int>(rows.size());
  return ok();
}

Result<void> Service::Impl::process(ImportJob& job, const std::string& text) {
  csv::Limits limits;
  limits.max_fields = 32;
  limits.max_field_bytes = 1024;
  limits.max_records = 1'000'001;
  TRV_ASSIGN(csv::Document doc, csv::parse(text, limits));
  std::vector<LineProblem> problems;
  for (const auto& e : doc.errors) problems.push_back({e.line, "", e.code, e.message});
  if (doc.records.empty()) return fail(ErrorKind::Invalid, "The file has no readable header line.");
  TRV_ASSIGN(Columns cols, read_header(doc.records[0]));
  job.total_rows = static_cast<int>(doc.records.size() - 1 + doc.errors.size());
  Context ctx;
  ctx.org_id = job.organisation_id;
  ctx.ports = &ports;
  TRV_ASSIGN(std::vector<RosterRow> rows, check_rows(doc.records, cols, ctx, problems));
  std::sort(problems.begin(), problems.end(),
            [](const LineProblem& a, const LineProblem& b) { return a.line < b.line; });
  note(job, std::move(problems));
  job.processed_rows = job.total_rows - static_cast<int>(rows.size());
  TRV_TRY(store.write([&](db::Tx& tx) { return save_progress(tx, job); }));
  const Actor actor = actor_of(job);
  for (size_t start = 0; start < rows.size(); start += kBatch) {
    const size_t end = std::min(rows.size(), start + kBatch);
    std::vector<RosterRow> batch(rows.begin() + static_cast<std::ptrdiff_t>(start),
                                 rows.begin() + static_cast<std::ptrdiff_t>(end));
    if (interrupt.load()) return fail(ErrorKind::Unavailable, "interrupted by a shutdown");
    TRV_TRY(apply(job, actor, batch));
    job.processed_rows += static_cast<int>(batch.size());
    TRV_TRY(store.write([&](db::Tx& tx) { return save_progress(tx, job); }));
  }
  return ok();
}

Result<bool> Service::Impl::run_one() {
  std::optional<std::pair<ImportJob, std::string>> next;
  TRV_TRY(store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(next, next_job(tx));
    return ok();
  }));
  if (!next) return false;
  ImportJob& job = next->first;
  const int64_t started = clock.now_ms();
  TRV_TRY(store.write([&](db::Tx& tx) { return mark_running(tx, job.id, started); }));
  job.state = "running";
  job.applied_rows = job.accounts_created = job.members_added = job.enrolments_created = 0;
  job.problems.clear();
  job.problem_count = 0;
  auto done = process(job, next->second);
  if (!done && interrupt.load()) {
    spdlog::info("roster import {} interrupted; it runs again at the next start", job.id);
    return false;
  }
  job.state = done ? "done" : "failed";
  job.failure = done ? "" : done.error().detail;
  job.finished_at_ms = clock.now_ms();
  if (!done) spdlog::warn("roster import {} failed: {}", job.id, job.failure);
  spdlog::info("roster import {}: {} rows, {} applied, {} problems in {} ms", job.id, job.total_rows, job.applied_rows,
               job.problem_count, *job.finished_at_ms - started);
  audit::Event e = event(actor_of(job), "roster.import_finished", job.organisation_id, job.id);
  e.detail_json = "{\"state\":\"" + job.state + "\",\"applied_rows\":" + std::to_string(job.applied_rows) + "}";
  TRV_TRY(store.write([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(finish_job(tx, job));
    return audit.record(tx, e);
  }));
  return true;
}

void Service::Impl::loop() {
  for (;;) {
    {
      std::unique_lock lock(mu);
      cv.wait_for(lock, std::chrono::seconds(30), [&] { return stopping || wake; });
      if (stopping) return;
      wake = false;
    }
    for (;;) {
      auto ran = run_one();
      if (!ran) spdlog::warn("roster import worker: {}", ran.error().detail);
      if (!ran || !*ran) break;
      std::lock_guard lock(mu);
      if (stopping) return;
    }
  }
}

Service::Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, Ports ports)
    : impl_(std::make_unique<Impl>(store, clock, audit, std::move(ports))) {}

Service::~Service() {
  stop();
}

Result<ImportJob> Service::submit(const Actor& actor, const std::string& org_id, const std::string& csv, bool notify) {
  if (csv.size() > kMaxBytes) return fail(ErrorKind::PayloadTooLarge, "The file is larger than 64 MiB.");
  // The header is checked now, so that a wrong file is refused at once.
  csv::Limits limits;
  limits.max_records = 1;
  std::string_view first = csv;
  if (size_t nl = first.find('\n'); nl != std::string_view::npos) first = first.substr(0, nl + 1);
  TRV_ASSIGN(csv::Document head, csv::parse(first, limits));
  if (head.records.empty()) return fail(ErrorKind::Invalid, "The first line must name the columns.");
  TRV_TRY(read_header(head.records[0]));
  ImportJob job;
  job.id = new_id();
  job.organisation_id = org_id;
  job.state = "queued";
  job.notify = notify;
  job.created_by = actor.user_id;
  job.created_at_ms = impl_->clock.now_ms();
  audit::Event e = impl_->event(actor, "roster.import_submitted", org_id, job.id);
  e.detail_json = "{\"bytes\":" + std::to_string(csv.size()) + "}";
  TRV_TRY(impl_->store.write([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(insert_job(tx, job, csv));
    return impl_->audit.record(tx, e);
  }));
  {
    std::lock_guard lock(impl_->mu);
    impl_->wake = true;
  }
  impl_->cv.notify_one();
  return job;
}

Result<ImportJob> Service::get(const std::string& org_id, const std::string& job_id) {
  std::optional<ImportJob> job;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(job, find_job(tx, org_id, job_id));
    return ok();
  }));
  if (!job) return fail(ErrorKind::NotFound, "No such import.");
  return *job;
}

Result<std::vector<ImportJob>> Service::list(const std::string& org_id, int limit) {
  std::vector<ImportJob> out;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(out, jobs_of(tx, org_id, std::clamp(limit, 1, 100)));
    return ok();
  }));
  return out;
}

void Service::start() {
  if (impl_->worker.joinable()) return;
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = false;
    impl_->interrupt = false;
    impl_->wake = true;  // resume what a restart interrupted
  }
  impl_->worker = std::thread([this] { impl_->loop(); });
}

void Service::stop() {
  if (!impl_ || !impl_->worker.joinable()) return;
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
    impl_->interrupt = true;
  }
  impl_->cv.notify_one();
  impl_->worker.join();
}

Result<int> Service::run_pending() {
  int n = 0;
  for (;;) {
    TRV_ASSIGN(bool ran, impl_->run_one());
    if (!ran) return n;
    ++n;
  }
}

}  // namespace trivium::roster
