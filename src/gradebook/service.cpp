// The gradebook's operations: the set-up, a learner's grades, the whole
// run (paged, and as CSV), and overrides with their audit events.

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "core/csv.h"
#include "core/ids.h"
#include "core/json.h"
#include "gradebook/internal.h"

namespace trivium::gradebook {

namespace bj = boost::json;

Service::Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, Ports ports)
    : impl_(std::make_unique<Impl>(store, clock, audit, std::move(ports))) {}
Service::~Service() = default;

void Service::add_source(std::unique_ptr<ItemSource> source) {
  impl_->sources.push_back(std::move(source));
}

Result<std::vector<Item>> Service::Impl::items(const std::string& run_id) {
  std::vector<Item> out;
  for (const auto& s : sources) {
    TRV_ASSIGN(std::vector<Item> some, s->items(run_id));
    for (Item& i : some) out.push_back(std::move(i));
  }
  return out;
}

Result<Context> Service::Impl::context(const std::string& run_id, int64_t now_ms, RunInfo* info) {
  TRV_ASSIGN(RunInfo run, ports.run(run_id));
  Context c;
  c.run_ended = run.ends_at_ms && now_ms >= *run.ends_at_ms;
  c.passing_percent = run.passing_percent;
  if (info) *info = std::move(run);
  return c;
}

namespace {

std::vector<Item> of_kind(const std::vector<Item>& items, const std::string& kind) {
  std::vector<Item> out;
  for (const Item& i : items)
    if (i.kind == kind) out.push_back(i);
  return out;
}

std::string lowered(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

audit::Event event(const Actor& actor, const RunInfo& run, std::string action, const std::string& target_kind,
                   const std::string& target_id, bj::object detail) {
  audit::Event e;
  e.action = std::move(action);
  e.actor_id = actor.user_id;
  e.organisation_id = run.organisation_id;
  e.target_kind = target_kind;
  e.target_id = target_id;
  e.ip = actor.ip;
  e.request_id = actor.request_id;
  e.detail_json = json::serialize(detail);
  return e;
}

}  // namespace

// --- Set-up ------------------------------------------------------------------

Result<SetupView> Service::setup(const std::string& run_id) {
  Impl& p = *impl_;
  TRV_TRY(p.ports.run(run_id));
  SetupView v;
  TRV_ASSIGN(v.items, p.items(run_id));
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(v.setup, detail::load_setup(tx, run_id));
    return ok();
  }));
  return v;
}

Result<SetupView> Service::set_categories(const Actor& actor, const std::string& run_id,
                                          const std::vector<CategoryInput>& input,
                                          std::optional<double> uncategorised_weight) {
  Impl& p = *impl_;
  if (input.size() > kMaxCategories)
    return invalid("categories", "too_many", "At most " + std::to_string(kMaxCategories) + " categories.");
  if (uncategorised_weight && !(*uncategorised_weight >= 0 && *uncategorised_weight <= kMaxWeight))
    return invalid("uncategorised_weight", "out_of_range", "A weight from 0 to 1000.");
  TRV_ASSIGN(RunInfo run, p.ports.run(run_id));
  TRV_TRY(p.store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(Setup current, detail::load_setup(tx, run_id));
    std::set<std::string> known, listed;
    for (const Category& c : current.categories) known.insert(c.id);
    Error bad{ErrorKind::Invalid, "The request has invalid fields.", {}, 0};
    std::vector<Category> next;
    for (size_t i = 0; i < input.size(); ++i) {
      const CategoryInput& in = input[i];
      Category c{in.id.value_or(new_id()), in.name, in.weight, in.drop_lowest, static_cast<int>(i)};
      const std::string at = "categories/" + std::to_string(i);
      if (json::utf8_length(in.name) < 1 || json::utf8_length(in.name) > 200)
        bad.fields.push_back({at + "/name", "length", "A name of 1 to 200 characters."});
      if (!(in.weight >= 0 && in.weight <= kMaxWeight))
        bad.fields.push_back({at + "/weight", "out_of_range", "A weight from 0 to 1000."});
      if (in.drop_lowest < 0 || in.drop_lowest > kMaxDropLowest)
        bad.fields.push_back({at + "/drop_lowest", "out_of_range", "From 0 to 50 items."});
      if (in.id && !known.count(*in.id))
        bad.fields.push_back({at + "/id", "unknown", "No such category in this run."});
      else if (!listed.insert(c.id).second)
        bad.fields.push_back({at + "/id", "duplicate", "Each category once."});
      next.push_back(std::move(c));
    }
    if (!bad.fields.empty()) return fail(std::move(bad));
    TRV_TRY(detail::save_categories(tx, run_id, next, uncategorised_weight.value_or(current.uncategorised_weight)));
    bj::array names;
    for (const Category& c : next) names.push_back(bj::object{{"id", c.id}, {"name", c.name}, {"weight", c.weight}});
    return p.audit.record(
        tx, event(actor, run, "gradebook.categories_set", "run", run_id, bj::object{{"categories", std::move(names)}}));
  }));
  return setup(run_id);
}

Result<Placement> Service::place_item(const Actor& actor, const std::string& run_id, const Placement& placement) {
  Impl& p = *impl_;
  if (!(placement.weight >= 0 && placement.weight <= kMaxWeight))
    return invalid("weight", "out_of_range", "A weight from 0 to 1000.");
  TRV_ASSIGN(RunInfo run, p.ports.run(run_id));
  TRV_ASSIGN(std::vector<Item> items, p.items(run_id));
  if (std::none_of(items.begin(), items.end(), [&](const Item& i) { return i.key == placement.item_key; }))
    return fail(ErrorKind::NotFound, "No such grade item in this run.");
  TRV_TRY(p.store.write([&](db::Tx& tx) -> Result<void> {
    if (placement.category_id) {
      TRV_ASSIGN(std::optional<db::Row> c, tx.one("SELECT id FROM gradebook_categories WHERE run_id = $1 AND id = $2",
                                                  {run_id, *placement.category_id}));
      if (!c) return invalid("category_id", "unknown", "No such category in this run.");
    }
    TRV_TRY(detail::save_placement(tx, run_id, placement));
    return p.audit.record(tx, event(actor, run, "gradebook.item_placed", "run", run_id,
                                    bj::object{{"item", placement.item_key},
                                               {"category_id", placement.category_id ? bj::value(*placement.category_id)
                                                                                     : bj::value(nullptr)},
                                               {"weight", placement.weight}}));
  }));
  return placement;
}

Result<LetterScale> Service::set_letters(const Actor& actor, const std::string& run_id, const LetterScale& letters) {
  Impl& p = *impl_;
  TRV_TRY(check_letter_scale(letters));
  TRV_ASSIGN(RunInfo run, p.ports.run(run_id));
  TRV_TRY(p.store.write([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(detail::save_letters(tx, run_id, letters));
    TRV_ASSIGN(bj::value scale, json::parse(detail::letters_json(letters)));
    return p.audit.record(
        tx, event(actor, run, "gradebook.letters_set", "run", run_id, bj::object{{"letters", std::move(scale)}}));
  }));
  return letters;
}

// --- Reading grades ------------------------------------------------------------

Result<LearnerView> Service::learner(const std::string& user_id, const std::string& run_id, int64_t now_ms) {
  Impl& p = *impl_;
  LearnerView v;
  TRV_ASSIGN(v.context, p.context(run_id, now_ms));
  TRV_ASSIGN(v.items, p.items(run_id));
  std::map<std::string, ItemGrade> grades;
  for (const auto& s : p.sources) {
    TRV_ASSIGN(std::vector<ItemGrade> some, s->grades_of(run_id, user_id, of_kind(v.items, s->kind()), now_ms));
    for (ItemGrade& g : some) grades[g.key] = std::move(g);
  }
  std::map<std::string, ActiveOverride> overrides;
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(v.setup, detail::load_setup(tx, run_id));
    TRV_ASSIGN(std::vector<OverrideEntry> history, detail::overrides_of(tx, run_id, user_id));
    overrides = std::move(detail::in_force(history)[user_id]);
    return ok();
  }));
  v.result = compute(v.items, v.setup, grades, overrides, v.context);
  return v;
}

namespace {

// Every learner's row, not yet sorted or paged.
Result<RunView> whole_run(Service::Impl& p, const std::string& run_id, int64_t now_ms) {
  RunView v;
  TRV_ASSIGN(v.context, p.context(run_id, now_ms));
  TRV_ASSIGN(v.items, p.items(run_id));
  TRV_ASSIGN(std::vector<Learner> learners, p.ports.learners(run_id));
  std::map<std::string, std::map<std::string, ItemGrade>> grades;  // by user, then item
  for (const auto& s : p.sources) {
    TRV_ASSIGN(std::vector<ItemGrade> some, s->grades(run_id, of_kind(v.items, s->kind())));
    for (ItemGrade& g : some) grades[g.user_id][g.key] = std::move(g);
  }
  std::map<std::string, std::map<std::string, ActiveOverride>> overrides;
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(v.setup, detail::load_setup(tx, run_id));
    TRV_ASSIGN(std::vector<OverrideEntry> history, detail::overrides_of(tx, run_id, std::nullopt));
    overrides = detail::in_force(history);
    return ok();
  }));
  static const std::map<std::string, ItemGrade> kNone;
  v.rows.reserve(learners.size());
  for (Learner& l : learners) {
    auto g = grades.find(l.user_id);
    RunView::Row row;
    row.overrides = std::move(overrides[l.user_id]);
    row.result = compute(v.items, v.setup, g == grades.end() ? kNone : g->second, row.overrides, v.context);
    row.learner = std::move(l);
    v.rows.push_back(std::move(row));
  }
  v.total = static_cast<int>(v.rows.size());
  return v;
}

void sort_rows(std::vector<RunView::Row>& rows, const RunQuery& q) {
  auto by_name = [](const RunView::Row& a, const RunView::Row& b) {
    const std::string x = lowered(a.learner.display_name), y = lowered(b.learner.display_name);
    if (x != y) return x < y;
    if (a.learner.email != b.learner.email) return a.learner.email < b.learner.email;
    return a.learner.user_id < b.learner.user_id;
  };
  if (q.sort == "grade") {
    // Learners without a course grade come last in either order.
    std::stable_sort(rows.begin(), rows.end(), [&](const RunView::Row& a, const RunView::Row& b) {
      const auto& x = a.result.course.percent;
      const auto& y = b.result.course.percent;
      if (x.has_value() != y.has_value()) return x.has_value();
      if (x && *x != *y) return q.descending ? *x > *y : *x < *y;
      return by_name(a, b);
    });
    return;
  }
  std::stable_sort(rows.begin(), rows.end(), [&](const RunView::Row& a, const RunView::Row& b) {
    return q.descending ? by_name(b, a) : by_name(a, b);
  });
}

std::string cell(const std::optional<double>& percent) {
  if (!percent) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", round2(*percent));
  return buf;
}

}  // namespace

Result<RunView> Service::run(const std::string& run_id, const RunQuery& q, int64_t now_ms) {
  TRV_ASSIGN(RunView v, whole_run(*impl_, run_id, now_ms));
  sort_rows(v.rows, q);
  const size_t from = std::min(v.rows.size(), static_cast<size_t>(std::max(q.offset, 0)));
  const size_t to = std::min(v.rows.size(), from + static_cast<size_t>(std::max(q.limit, 0)));
  if (to < v.rows.size()) v.next_offset = static_cast<int>(to);
  v.rows.erase(v.rows.begin() + static_cast<std::ptrdiff_t>(to), v.rows.end());
  v.rows.erase(v.rows.begin(), v.rows.begin() + static_cast<std::ptrdiff_t>(from));
  return v;
}

Result<std::string> Service::csv(const std::string& run_id, int64_t now_ms) {
  TRV_ASSIGN(RunView v, whole_run(*impl_, run_id, now_ms));
  sort_rows(v.rows, RunQuery{});
  std::string out = "\xEF\xBB\xBF";  // so that spreadsheets read the names as UTF-8
  std::vector<std::string> header{"Name", "E-mail"};
  for (const Item& i : v.items) header.push_back(i.title + " (%)");
  header.insert(header.end(), {"Course grade (%)", "Letter"});
  csv::append_record(out, header);
  for (const RunView::Row& r : v.rows) {
    std::vector<std::string> fields{r.learner.display_name, r.learner.email};
    for (const ItemResult& i : r.result.items) fields.push_back(cell(i.percent));
    fields.push_back(cell(r.result.course.percent));
    fields.push_back(r.result.course.letter.value_or(""));
    csv::append_record(out, fields);
  }
  return out;
}

// --- Overrides ---------------------------------------------------------------------

Result<OverrideEntry> Service::set_override(const Actor& actor, const std::string& run_id, const std::string& user_id,
                                            const std::string& item_key, double percent, const std::string& reason,
                                            int64_t now_ms) {
  Impl& p = *impl_;
  if (!(percent >= 0 && percent <= 100)) return invalid("grade", "out_of_range", "A percent from 0 to 100.");
  if (json::utf8_length(reason) < 1 || json::utf8_length(reason) > 1000)
    return invalid("reason", "length", "Why the grade is overridden, 1 to 1000 characters.");
  TRV_ASSIGN(RunInfo run, p.ports.run(run_id));
  TRV_ASSIGN(bool learner, p.ports.is_learner(user_id, run_id));
  if (!learner) return fail(ErrorKind::NotFound, "No such learner in this run.");
  if (item_key != kCourseKey) {
    TRV_ASSIGN(std::vector<Item> items, p.items(run_id));
    if (std::none_of(items.begin(), items.end(), [&](const Item& i) { return i.key == item_key; }))
      return fail(ErrorKind::NotFound, "No such grade item in this run.");
  }
  OverrideEntry e{user_id, item_key, 0, percent, reason, actor.user_id, now_ms};
  TRV_TRY(p.store.write([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(detail::append_override(tx, run_id, e));
    return p.audit.record(
        tx, event(actor, run, "gradebook.override_set", "user", user_id,
                  bj::object{
                      {"run_id", run_id}, {"item", item_key}, {"grade", percent}, {"reason", reason}, {"seq", e.seq}}));
  }));
  return e;
}

Result<OverrideEntry> Service::clear_override(const Actor& actor, const std::string& run_id, const std::string& user_id,
                                              const std::string& item_key, int64_t now_ms) {
  Impl& p = *impl_;
  TRV_ASSIGN(RunInfo run, p.ports.run(run_id));
  OverrideEntry e{user_id, item_key, 0, std::nullopt, "reverted", actor.user_id, now_ms};
  TRV_TRY(p.store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::vector<OverrideEntry> history, detail::overrides_of(tx, run_id, user_id));
    auto force = detail::in_force(history);
    if (!force[user_id].count(item_key)) return fail(ErrorKind::NotFound, "No override in force for this grade.");
    const double previous = force[user_id][item_key].percent;
    TRV_TRY(detail::append_override(tx, run_id, e));
    return p.audit.record(
        tx, event(actor, run, "gradebook.override_cleared", "user", user_id,
                  bj::object{{"run_id", run_id}, {"item", item_key}, {"previous_grade", previous}, {"seq", e.seq}}));
  }));
  return e;
}

Result<std::vector<OverrideEntry>> Service::override_history(const std::string& run_id, const std::string& user_id) {
  Impl& p = *impl_;
  std::vector<OverrideEntry> out;
  TRV_TRY(p.store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(out, detail::overrides_of(tx, run_id, user_id));
    return ok();
  }));
  return out;
}

}  // namespace trivium::gradebook
