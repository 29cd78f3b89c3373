// HTTP for the gradebook: parse -> call the service -> render. Each route
// names its capability; the policy decides on the run context before any
// handler runs.

#include <cctype>
#include <charconv>

#include "core/json.h"
#include "core/pipeline.h"
#include "gradebook/gradebook.h"

namespace trivium::gradebook {
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

bj::value number_or_null(const std::optional<double>& x) {
  if (!x) return nullptr;
  return bj::value(round2(*x));
}

bj::value text_or_null(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return bj::value(*s);
}

bj::array render_letters(const LetterScale& letters) {
  bj::array a;
  for (const LetterGrade& g : letters) a.push_back(bj::object{{"letter", g.letter}, {"min_percent", g.min_percent}});
  return a;
}

bj::array render_categories(const Setup& s) {
  bj::array a;
  for (const Category& c : s.categories)
    a.push_back(bj::object{{"id", c.id}, {"name", c.name}, {"weight", c.weight}, {"drop_lowest", c.drop_lowest}});
  return a;
}

// The items as columns: what they are and where the trainer placed them.
bj::array render_items(const std::vector<Item>& items, const Setup& s) {
  bj::array a;
  for (const Item& i : items) {
    auto p = s.placements.find(i.key);
    a.push_back(
        bj::object{{"key", i.key},
                   {"kind", i.kind},
                   {"title", i.title},
                   {"max_grade", i.max_grade},
                   {"link", i.link},
                   {"category_id", p == s.placements.end() ? bj::value(nullptr) : text_or_null(p->second.category_id)},
                   {"weight", p == s.placements.end() ? 1.0 : p->second.weight}});
  }
  return a;
}

bj::object render_course(const CourseResult& c, const Context& ctx) {
  return bj::object{{"percent", number_or_null(c.percent)},
                    {"computed_percent", number_or_null(c.computed_percent)},
                    {"letter", text_or_null(c.letter)},
                    {"passed", c.passed ? bj::value(*c.passed) : bj::value(nullptr)},
                    {"passing_percent", number_or_null(ctx.passing_percent)},
                    {"overridden", c.overridden}};
}

bj::array render_category_results(const LearnerResult& r) {
  bj::array a;
  for (const CategoryResult& c : r.categories)
    a.push_back(bj::object{{"id", text_or_null(c.id)}, {"percent", number_or_null(c.percent)}});
  return a;
}

Response render_setup(const SetupView& v) {
  return json::response(200, bj::object{{"categories", render_categories(v.setup)},
                                        {"uncategorised_weight", v.setup.uncategorised_weight},
                                        {"items", render_items(v.items, v.setup)},
                                        {"letters", render_letters(v.setup.letters)}});
}

Response learner_view(Service& s, Request& req) {
  auto v = s.learner(req.subject.user_id, req.param("run"), req.received_ms);
  if (!v) return problem(v.error(), req);
  std::map<std::string, const Category*> categories;
  for (const Category& c : v->setup.categories) categories[c.id] = &c;
  bj::array items;
  for (size_t i = 0; i < v->items.size() && i < v->result.items.size(); ++i) {
    const Item& item = v->items[i];
    const ItemResult& r = v->result.items[i];
    bj::value category = nullptr;
    if (r.category_id && categories.count(*r.category_id))
      category = bj::object{{"id", *r.category_id}, {"name", categories[*r.category_id]->name}};
    // A grade the quiz does not show yet is not shown here either.
    const bool hide = r.hidden && !r.overridden;
    items.push_back(
        bj::object{{"key", item.key},
                   {"kind", item.kind},
                   {"title", item.title},
                   {"max_grade", item.max_grade},
                   {"grade", hide ? bj::value(nullptr) : number_or_null(r.grade)},
                   {"percent", hide ? bj::value(nullptr) : number_or_null(r.percent)},
                   {"hidden", hide},
                   {"category", std::move(category)},
                   {"weight", r.weight},
                   {"overridden", r.overridden},
                   {"counted", r.counted},
                   {"dropped", r.dropped},
                   {"pending", r.pending},
                   {"link", item.link},
                   {"feedback_link", r.feedback_link.empty() ? bj::value(nullptr) : bj::value(r.feedback_link)}});
  }
  bj::array cats;
  for (const CategoryResult& c : v->result.categories) {
    const Category* def = c.id && categories.count(*c.id) ? categories[*c.id] : nullptr;
    cats.push_back(bj::object{{"id", text_or_null(c.id)},
                              {"name", c.name},
                              {"weight", c.weight},
                              {"drop_lowest", def ? def->drop_lowest : 0},
                              {"percent", number_or_null(c.percent)}});
  }
  return json::response(200, bj::object{{"run_id", req.param("run")},
                                        {"items", std::move(items)},
                                        {"categories", std::move(cats)},
                                        {"course", render_course(v->result.course, v->context)},
                                        {"letters", render_letters(v->setup.letters)},
                                        {"run_ended", v->context.run_ended}});
}

Result<int> int_param(const Request& req, std::string_view name, int min, int max, int fallback) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return fallback;
  int n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size() || n < min || n > max)
    return invalid(std::string(name), "out_of_range",
                   "An integer from " + std::to_string(min) + " to " + std::to_string(max) + ".");
  return n;
}

Result<RunQuery> run_query(const Request& req) {
  RunQuery q;
  if (auto sort = req.query_param("sort")) {
    if (*sort != "name" && *sort != "grade") return invalid("sort", "not_allowed", "name or grade.");
    q.sort = *sort;
  }
  if (auto order = req.query_param("order")) {
    if (*order != "asc" && *order != "desc") return invalid("order", "not_allowed", "asc or desc.");
    q.descending = *order == "desc";
  }
  TRV_ASSIGN(q.offset, int_param(req, "offset", 0, 1'000'000'000, 0));
  TRV_ASSIGN(q.limit, int_param(req, "limit", 1, 200, 50));
  return q;
}

Response run_view(Service& s, Request& req) {
  auto q = run_query(req);
  if (!q) return problem(q.error(), req);
  auto v = s.run(req.param("run"), *q, req.received_ms);
  if (!v) return problem(v.error(), req);
  bj::array learners;
  for (const RunView::Row& row : v->rows) {
    bj::array cells;
    for (const ItemResult& r : row.result.items) {
      bj::object cell{{"key", r.key},
                      {"grade", number_or_null(r.grade)},
                      {"percent", number_or_null(r.percent)},
                      {"computed_percent", number_or_null(r.computed_percent)},
                      {"overridden", r.overridden},
                      {"counted", r.counted},
                      {"dropped", r.dropped},
                      {"pending", r.pending}};
      if (auto o = row.overrides.find(r.key); o != row.overrides.end()) cell["override_reason"] = o->second.reason;
      cells.push_back(std::move(cell));
    }
    bj::object course = render_course(row.result.course, v->context);
    if (auto o = row.overrides.find(std::string(kCourseKey)); o != row.overrides.end())
      course["override_reason"] = o->second.reason;
    learners.push_back(bj::object{{"user_id", row.learner.user_id},
                                  {"display_name", row.learner.display_name},
                                  {"email", row.learner.email},
                                  {"items", std::move(cells)},
                                  {"categories", render_category_results(row.result)},
                                  {"course", std::move(course)}});
  }
  return json::response(200, bj::object{{"run_id", req.param("run")},
                                        {"items", render_items(v->items, v->setup)},
                                        {"categories", render_categories(v->setup)},
                                        {"uncategorised_weight", v->setup.uncategorised_weight},
                                        {"letters", render_letters(v->setup.letters)},
                                        {"passing_percent", number_or_null(v->context.passing_percent)},
                                        {"run_ended", v->context.run_ended},
                                        {"learners", std::move(learners)},
                                        {"total", v->total},
                                        {"next_offset", v->next_offset ? bj::value(*v->next_offset) : nullptr}});
}

Response csv_export(Service& s, Request& req) {
  auto text = s.csv(req.param("run"), req.received_ms);
  if (!text) return problem(text.error(), req);
  std::string name = "gradebook-";
  for (char c : req.param("run"))
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-') name += c;
  Response r{200, "text/csv; charset=utf-8", std::move(*text), {}};
  r.header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
  return r;
}

// Reads `key` as an array of objects, each through `each` with its own
// BodyReader; field errors carry the element's path ("categories/2/name").
template <typename T, typename Fn>
std::vector<T> read_objects(bj::object& body, std::string_view key, size_t max, std::vector<FieldError>& errors,
                            Fn each) {
  std::vector<T> out;
  auto it = body.find(key);
  if (it == body.end()) {
    errors.push_back({std::string(key), "required", "A list is required."});
    return out;
  }
  bj::value list = std::move(it->value());
  body.erase(it);
  if (!list.is_array()) {
    errors.push_back({std::string(key), "type", "must be an array"});
    return out;
  }
  if (list.as_array().size() > max) {
    errors.push_back({std::string(key), "too_many", "must have at most " + std::to_string(max) + " items"});
    return out;
  }
  for (size_t i = 0; i < list.as_array().size(); ++i) {
    const std::string at = std::string(key) + "/" + std::to_string(i);
    const bj::value& v = list.as_array()[i];
    if (!v.is_object()) {
      errors.push_back({at, "type", "must be an object"});
      continue;
    }
    json::BodyReader r(v.as_object());
    T item = each(r);
    if (auto f = r.finish(); !f) {
      for (FieldError e : f.error().fields) {
        e.field = at + "/" + e.field;
        errors.push_back(std::move(e));
      }
      continue;
    }
    out.push_back(std::move(item));
  }
  return out;
}

Response finish_errors(std::vector<FieldError> errors, json::BodyReader& rest, const Request& req, bool& failed) {
  auto f = rest.finish();
  if (!f) errors.insert(errors.end(), f.error().fields.begin(), f.error().fields.end());
  failed = !errors.empty();
  if (!failed) return Response{};
  return problem(Error{ErrorKind::Invalid, "The request has invalid fields.", std::move(errors), 0}, req);
}

Response put_categories(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  std::vector<FieldError> errors;
  auto categories = read_objects<CategoryInput>(*body, "categories", kMaxCategories, errors, [](json::BodyReader& r) {
    CategoryInput c;
    c.id = r.optional_string("id", 1, 64);
    c.name = r.required_string("name", 1, 200).value_or("");
    c.weight = r.optional_number("weight", 0, kMaxWeight).value_or(1);
    c.drop_lowest = static_cast<int>(r.optional_int("drop_lowest", 0, kMaxDropLowest).value_or(0));
    return c;
  });
  json::BodyReader rest(*body);
  auto uncategorised = rest.optional_number("uncategorised_weight", 0, kMaxWeight);
  bool failed = false;
  Response refused = finish_errors(std::move(errors), rest, req, failed);
  if (failed) return refused;
  auto v = s.set_categories(actor_of(req), req.param("run"), categories, uncategorised);
  if (!v) return problem(v.error(), req);
  return render_setup(*v);
}

Response put_item(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  json::BodyReader r(*body);
  Placement p;
  p.item_key = req.param("item");
  p.category_id = r.optional_string("category_id", 1, 64);
  p.weight = r.optional_number("weight", 0, kMaxWeight).value_or(1);
  if (auto f = r.finish(); !f) return problem(f.error(), req);
  auto placed = s.place_item(actor_of(req), req.param("run"), p);
  if (!placed) return problem(placed.error(), req);
  return json::response(200, bj::object{{"key", placed->item_key},
                                        {"category_id", text_or_null(placed->category_id)},
                                        {"weight", placed->weight}});
}

Response put_letters(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  std::vector<FieldError> errors;
  auto letters = read_objects<LetterGrade>(*body, "letters", 20, errors, [](json::BodyReader& r) {
    LetterGrade g;
    g.letter = r.required_string("letter", 1, 8).value_or("");
    auto min = r.optional_number("min_percent", 0, 100);
    if (!r.has("min_percent")) r.add_error("min_percent", "required", "The lowest percent of this letter.");
    g.min_percent = min.value_or(0);
    return g;
  });
  json::BodyReader rest(*body);
  bool failed = false;
  Response refused = finish_errors(std::move(errors), rest, req, failed);
  if (failed) return refused;
  auto saved = s.set_letters(actor_of(req), req.param("run"), letters);
  if (!saved) return problem(saved.error(), req);
  return json::response(200, bj::object{{"letters", render_letters(*saved)}});
}

bj::object render_entry(const OverrideEntry& e) {
  return bj::object{{"user_id", e.user_id},
                    {"item", e.item_key},
                    {"seq", e.seq},
                    {"grade", e.percent ? bj::value(*e.percent) : bj::value(nullptr)},
                    {"reason", e.reason},
                    {"by", e.by},
                    {"at", format_rfc3339(e.at_ms)}};
}

Response put_override(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  json::BodyReader r(*body);
  auto grade = r.optional_number("grade", 0, 100);
  auto reason = r.required_string("reason", 1, 1000);
  if (!r.has("grade")) r.add_error("grade", "required", "The grade in percent, 0 to 100.");
  if (auto f = r.finish(); !f) return problem(f.error(), req);
  auto e = s.set_override(actor_of(req), req.param("run"), req.param("user"), req.param("item"), *grade, *reason,
                          req.received_ms);
  if (!e) return problem(e.error(), req);
  return json::response(200, render_entry(*e));
}

}  // namespace

void register_routes(http::Router& router, Service& s) {
  using M = http::Method;
  const std::string g = "/api/v1/runs/{run}/gradebook";
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
      M::Get, g + "/me", "gradebook.own.read", [&s](Request& req) { return learner_view(s, req); },
      "One's own gradebook: each item's grade and feedback link, the course grade, letter and pass.");
  add(
      M::Get, g, "gradebook.run.read", [&s](Request& req) { return run_view(s, req); },
      "Every learner's grades (sort=name|grade, order, offset, limit).");
  add(
      M::Get, "/api/v1/runs/{run}/gradebook.csv", "gradebook.run.read",
      [&s](Request& req) { return csv_export(s, req); },
      "The run's grades as CSV (UTF-8 with BOM): name, e-mail, each item, course grade, letter.");
  add(
      M::Get, g + "/categories", "gradebook.run.read",
      [&s](Request& req) {
        auto v = s.setup(req.param("run"));
        if (!v) return problem(v.error(), req);
        return render_setup(*v);
      },
      "The gradebook's set-up: categories, items with their placement and weight, letter scale.");
  add(
      M::Put, g + "/categories", "gradebook.setup", [&s](Request& req) { return put_categories(s, req); },
      "Replace the categories (name, weight, drop_lowest; ids kept), and the uncategorised weight.",
      http::BodyKind::Json);
  add(
      M::Put, g + "/items/{item}", "gradebook.setup", [&s](Request& req) { return put_item(s, req); },
      "Place an item in a category (or none) with its weight within it.", http::BodyKind::Json);
  add(
      M::Put, g + "/letters", "gradebook.setup", [&s](Request& req) { return put_letters(s, req); },
      "Set the letter scale: letters with their lowest percent, highest first, the last at 0.", http::BodyKind::Json);
  add(
      M::Get, g + "/overrides/{user}", "gradebook.run.read",
      [&s](Request& req) {
        auto list = s.override_history(req.param("run"), req.param("user"));
        if (!list) return problem(list.error(), req);
        bj::array items;
        for (const OverrideEntry& e : *list) items.push_back(render_entry(e));
        return json::response(200, bj::object{{"items", std::move(items)}});
      },
      "The history of a learner's overrides in the run, oldest first.");
  add(
      M::Put, g + "/overrides/{user}/{item}", "gradebook.override", [&s](Request& req) { return put_override(s, req); },
      "Override a learner's grade of an item (or of the course: item 'course') with a reason; audited.",
      http::BodyKind::Json);
  add(
      M::Delete, g + "/overrides/{user}/{item}", "gradebook.override",
      [&s](Request& req) {
        auto e =
            s.clear_override(actor_of(req), req.param("run"), req.param("user"), req.param("item"), req.received_ms);
        if (!e) return problem(e.error(), req);
        return Response::no_content();
      },
      "Revert an override to the computed grade; audited.");
}

}  // namespace trivium::gradebook
