// HTTP for question banks: parse -> call the service -> render. Every route
// names its capability on the course of its path; ids in a path are looked
// up within that course's bank (AC-02).

#include <boost/json/serialize.hpp>
#include <charconv>

#include "bank/bank.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/pipeline.h"

namespace trivium::bank {
namespace {

namespace bj = boost::json;
using http::Request;
using http::Response;

constexpr size_t kMaxId = 64;

Actor actor_of(const Request& req) {
  return Actor{req.subject.user_id, req.remote_ip, req.request_id};
}

Response problem(const Error& e, const Request& req) {
  return http::problem(e, req.request_id);
}

bj::array strings(const std::vector<std::string>& v) {
  bj::array a;
  for (const std::string& s : v) a.emplace_back(s);
  return a;
}

bj::object render(const Category& c) {
  return bj::object{{"id", c.id},
                    {"parent_id", c.parent_id.empty() ? bj::value(nullptr) : bj::value(c.parent_id)},
                    {"name", c.name},
                    {"path", c.path},
                    {"position", c.position},
                    {"question_count", c.question_count}};
}

bj::object render(const Bank& b) {
  bj::array cats;
  for (const Category& c : b.categories) cats.push_back(render(c));
  return bj::object{{"course_id", b.course_id},
                    {"organisation_id", b.organisation_id},
                    {"shared", b.shared},
                    {"categories", std::move(cats)}};
}

bj::object render(const StoredQuestion& s) {
  return bj::object{{"id", s.id},
                    {"course_id", s.course_id},
                    {"category_id", s.category_id},
                    {"version", s.version},
                    {"current_version", s.current_version},
                    {"type", questions::type_name(s.question.body)},
                    {"title", s.question.title},
                    {"tags", strings(s.tags)},
                    {"skills", strings(s.skills)},
                    {"archived", s.archived},
                    {"created_at", format_rfc3339(s.created_at_ms)},
                    {"version_created_at", format_rfc3339(s.updated_at_ms)},
                    {"version_created_by", s.updated_by},
                    {"question", questions::to_json(s.question)}};
}

bj::object render(const questions::ImportProblem& p) {
  bj::object o{{"code", p.code}, {"message", p.message}};
  if (p.line > 0) o["line"] = p.line;
  if (!p.path.empty()) o["path"] = p.path;
  return o;
}

Response respond(Result<StoredQuestion>&& r, const Request& req, int status = 200) {
  if (!r) return problem(r.error(), req);
  return json::response(status, render(*r));
}

Response respond(Result<Bank>&& r, const Request& req) {
  if (!r) return problem(r.error(), req);
  return json::response(200, render(*r));
}

// Moves the error's field paths under `prefix` ("question/...").
Error prefixed(Error e, const std::string& prefix) {
  for (FieldError& f : e.fields) f.field = f.field.empty() ? prefix : prefix + "/" + f.field;
  return e;
}

// {category_id, question: {...}, tags?, skills?} (+ base_version for edits).
Result<QuestionInput> read_input(const Request& req, std::optional<int>* base_version) {
  TRV_ASSIGN(bj::object body, json::parse_object(req.body));
  auto it = body.find("question");
  if (it == body.end()) return invalid("question", "required", "The question is required.");
  bj::value question = std::move(it->value());
  body.erase(it);
  json::BodyReader r(body);
  QuestionInput in;
  auto category = r.required_string("category_id", 1, kMaxId);
  auto tags = r.optional_string_array("tags", 100, 200);
  auto skills = r.optional_string_array("skills", 100, 200);
  std::optional<int64_t> base;
  if (base_version) base = r.required_int("base_version", 1, 1000000);
  TRV_TRY(r.finish());
  auto q = questions::from_json(question);
  if (!q) return fail(prefixed(std::move(q).error(), "question"));
  in.question = std::move(*q);
  in.category_id = *category;
  if (tags) in.tags = std::move(*tags);
  if (skills) in.skills = std::move(*skills);
  if (base_version) *base_version = static_cast<int>(*base);
  return in;
}

std::optional<int> int_param(const Request& req, std::string_view name, int min, int max, bool& bad) {
  auto v = req.query_param(name);
  if (!v) return std::nullopt;
  int n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || p != v->data() + v->size() || n < min || n > max) {
    bad = true;
    return std::nullopt;
  }
  return n;
}

Result<bool> bool_param(const Request& req, std::string_view name, bool fallback) {
  auto v = req.query_param(name);
  if (!v) return fallback;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  return invalid(std::string(name), "not_boolean", "Use true or false.");
}

// --- Handlers ---------------------------------------------------------------

Response get_bank(Service& s, Request& req) {
  return respond(s.bank(req.param("course")), req);
}

Response patch_bank(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  json::BodyReader r(*body);
  auto shared = r.optional_bool("shared");
  if (auto f = r.finish(); !f) return problem(f.error(), req);
  if (!shared) return respond(s.bank(req.param("course")), req);
  return respond(s.set_shared(actor_of(req), req.param("course"), *shared), req);
}

Response create_category(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  json::BodyReader r(*body);
  auto name = r.required_string("name", 0, 4 * kMaxCategoryName);
  auto parent = r.optional_string("parent_id", 1, kMaxId);
  if (auto f = r.finish(); !f) return problem(f.error(), req);
  auto c = s.create_category(actor_of(req), req.param("course"), *name, parent.value_or(""));
  if (!c) return problem(c.error(), req);
  return json::response(201, render(*c));
}

Response update_category(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  // "parent_id": null moves the category to the top.
  bool to_top = false;
  if (auto it = body->find("parent_id"); it != body->end() && it->value().is_null()) {
    to_top = true;
    body->erase(it);
  }
  json::BodyReader r(*body);
  auto name = r.optional_string("name", 0, 4 * kMaxCategoryName);
  auto parent = r.optional_string("parent_id", 1, kMaxId);
  auto position = r.optional_int("position", 0, 100000);
  if (auto f = r.finish(); !f) return problem(f.error(), req);
  if (to_top) parent = std::string();
  std::optional<int> pos;
  if (position) pos = static_cast<int>(*position);
  auto c = s.update_category(actor_of(req), req.param("course"), req.param("category"), name, parent, pos);
  if (!c) return problem(c.error(), req);
  return json::response(200, render(*c));
}

Response delete_category(Service& s, Request& req) {
  auto r = s.delete_category(actor_of(req), req.param("course"), req.param("category"));
  if (!r) return problem(r.error(), req);
  return Response::no_content();
}

Result<ListQuery> list_query(const Request& req) {
  ListQuery q;
  bool bad = false;
  q.offset = int_param(req, "offset", 0, 1000000, bad).value_or(0);
  q.limit = int_param(req, "limit", 1, 200, bad).value_or(50);
  if (bad) return invalid("query", "out_of_range", "offset >= 0, limit 1..200.");
  q.category_id = req.query_param("category");
  q.type = req.query_param("type");
  q.tag = req.query_param("tag");
  q.skill = req.query_param("skill");
  q.text = req.query_param("q");
  if (q.text && q.text->size() > 200) return invalid("q", "too_long", "At most 200 bytes.");
  TRV_ASSIGN(q.include_subcategories, bool_param(req, "subcategories", true));
  TRV_ASSIGN(q.include_archived, bool_param(req, "archived", false));
  return q;
}

Response respond(Result<Listed>&& listed, const Request& req) {
  if (!listed) return problem(listed.error(), req);
  bj::array items;
  for (const StoredQuestion& sq : listed->questions) items.push_back(render(sq));
  return json::response(
      200, bj::object{{"items", std::move(items)},
                      {"total", listed->total},
                      {"next_offset", listed->next_offset ? bj::value(*listed->next_offset) : bj::value(nullptr)}});
}

Response list_questions(Service& s, Request& req) {
  auto q = list_query(req);
  if (!q) return problem(q.error(), req);
  return respond(s.list(req.param("course"), *q), req);
}

Response list_shared_banks(Service& s, Request& req) {
  auto banks = s.shared_banks(req.param("course"));
  if (!banks) return problem(banks.error(), req);
  bj::array items;
  for (const Bank& b : *banks) items.push_back(render(b));
  return json::response(200, bj::object{{"items", std::move(items)}});
}

Response list_shared_questions(Service& s, Request& req) {
  auto q = list_query(req);
  if (!q) return problem(q.error(), req);
  return respond(s.list_shared(req.param("course"), req.param("owner"), *q), req);
}

Response create_question(Service& s, Request& req) {
  auto in = read_input(req, nullptr);
  if (!in) return problem(in.error(), req);
  return respond(s.create_question(actor_of(req), req.param("course"), std::move(*in)), req, 201);
}

Response get_question(Service& s, Request& req) {
  bool bad = false;
  auto version = int_param(req, "version", 1, 1000000, bad);
  if (bad) return problem(invalid("version", "out_of_range", "A version is a positive integer.").error, req);
  return respond(s.question(req.param("course"), req.param("question"), version), req);
}

Response update_question(Service& s, Request& req) {
  std::optional<int> base;
  auto in = read_input(req, &base);
  if (!in) return problem(in.error(), req);
  return respond(s.update_question(actor_of(req), req.param("course"), req.param("question"), *base, std::move(*in)),
                 req);
}

Response archive_question(Service& s, Request& req) {
  return respond(s.set_archived(actor_of(req), req.param("course"), req.param("question"), true), req);
}

Response restore_question(Service& s, Request& req) {
  return respond(s.set_archived(actor_of(req), req.param("course"), req.param("question"), false), req);
}

Response list_versions(Service& s, Request& req) {
  auto v = s.versions(req.param("course"), req.param("question"));
  if (!v) return problem(v.error(), req);
  bj::array items;
  for (const VersionInfo& i : *v)
    items.push_back(bj::object{{"version", i.version},
                               {"title", i.title},
                               {"type", i.type},
                               {"created_at", format_rfc3339(i.created_at_ms)},
                               {"created_by", i.created_by}});
  return json::response(200, bj::object{{"items", std::move(items)}});
}

Result<Format> format_param(const Request& req) {
  auto f = req.query_param("format");
  if (!f) return invalid("format", "required", "Name the format: gift, aiken or moodle_xml.");
  auto parsed = parse_format(*f);
  if (!parsed) return invalid("format", "unknown", "The format is gift, aiken or moodle_xml.");
  return *parsed;
}

Response import_questions(Service& s, Request& req) {
  auto format = format_param(req);
  if (!format) return problem(format.error(), req);
  auto skip = bool_param(req, "skip_bad", false);
  if (!skip) return problem(skip.error(), req);
  ImportRequest ir;
  ir.format = *format;
  ir.text = std::move(req.body);
  ir.category_id = req.query_param("category").value_or("");
  ir.skip_bad = *skip;
  auto report = s.import(actor_of(req), req.param("course"), ir);
  if (!report) return problem(report.error(), req);
  bj::array problems;
  for (const questions::ImportProblem& p : report->problems) problems.push_back(render(p));
  if (!report->imported) {
    // Nothing was stored: a problem document listing every problem found.
    Error e{ErrorKind::Invalid, "The file has problems; nothing was imported.", {}, 0};
    for (const questions::ImportProblem& p : report->problems) {
      std::string where = p.line > 0 ? "line " + std::to_string(p.line) : p.path;
      e.fields.push_back({where.empty() ? "file" : where, p.code, p.message});
    }
    Response resp = problem(e, req);
    // The same list in the import's own shape, for clients that show a report.
    auto doc = json::parse_object(resp.body);
    if (doc) {
      (*doc)["problems"] = std::move(problems);
      resp.body = json::serialize(*doc);
    }
    return resp;
  }
  return json::response(201, bj::object{{"imported", report->question_ids.size()},
                                        {"question_ids", strings(report->question_ids)},
                                        {"created_categories", strings(report->created_categories)},
                                        {"problems", std::move(problems)}});
}

Response export_questions(Service& s, Request& req) {
  auto format = format_param(req);
  if (!format) return problem(format.error(), req);
  ExportRequest er;
  er.format = *format;
  er.category_id = req.query_param("category");
  auto out = s.export_questions(req.param("course"), er);
  if (!out) return problem(out.error(), req);
  Response resp{200, out->media_type, std::move(out->text), {}};
  resp.header("Content-Disposition", "attachment; filename=\"" + out->file_name + "\"");
  resp.header("X-Content-Type-Options", "nosniff");
  if (!out->skipped.empty()) resp.header("X-Trivium-Skipped", std::to_string(out->skipped.size()));
  return resp;
}

const http::ContextSpec kInCourse{"course", "course"};

http::Route route(http::Method method, std::string pattern, std::string action, http::Handler handler,
                  std::string summary) {
  http::Route r;
  r.method = method;
  r.pattern = std::move(pattern);
  r.action = std::move(action);
  r.context = kInCourse;
  r.handler = std::move(handler);
  r.summary = std::move(summary);
  if (method == http::Method::Post || method == http::Method::Patch || method == http::Method::Put)
    r.body = http::BodyKind::Json;
  return r;
}

}  // namespace

void register_routes(http::Router& router, Service& s) {
  using M = http::Method;
  auto h = [&s](Response (*fn)(Service&, Request&)) { return [&s, fn](Request& req) { return fn(s, req); }; };
  const std::string b = "/api/v1/courses/{course}/bank";
  router.add(route(M::Get, b, "bank.read", h(get_bank), "The course's question bank: sharing and categories."));
  router.add(route(M::Patch, b, "bank.edit", h(patch_bank), "Share the bank with the organisation's courses, or not."));
  router.add(route(M::Post, b + "/categories", "bank.edit", h(create_category), "Add a category."));
  router.add(
      route(M::Patch, b + "/categories/{category}", "bank.edit", h(update_category), "Rename or move a category."));
  router.add(
      route(M::Delete, b + "/categories/{category}", "bank.edit", h(delete_category), "Delete an empty category."));
  router.add(route(M::Get, b + "/questions", "bank.read", h(list_questions),
                   "List questions: by category, type, tag, skill or text."));
  router.add(route(M::Post, b + "/questions", "bank.edit", h(create_question), "Add a question (version 1)."));
  router.add(route(M::Get, b + "/shared", "bank.read", h(list_shared_banks),
                   "The banks other courses of the organisation share with this one."));
  router.add(route(M::Get, b + "/shared/{owner}/questions", "bank.read", h(list_shared_questions),
                   "The questions of a bank shared with this course (same filters as the course's own)."));
  router.add(route(M::Get, b + "/questions/{question}", "bank.read", h(get_question),
                   "A question at its current version, or ?version=N."));
  router.add(route(M::Put, b + "/questions/{question}", "bank.edit", h(update_question),
                   "Save a new version of a question (base_version must be the current one)."));
  // Archive and restore carry no body.
  http::Route archive = route(M::Post, b + "/questions/{question}/archive", "bank.edit", h(archive_question),
                              "Archive a question: kept for attempts, hidden from new uses.");
  archive.body = http::BodyKind::None;
  router.add(std::move(archive));
  http::Route restore = route(M::Post, b + "/questions/{question}/restore", "bank.edit", h(restore_question),
                              "Bring an archived question back.");
  restore.body = http::BodyKind::None;
  router.add(std::move(restore));
  router.add(route(M::Get, b + "/questions/{question}/versions", "bank.read", h(list_versions),
                   "Every version of a question, newest first."));
  http::Route imp = route(M::Post, b + "/import", "bank.edit", h(import_questions),
                          "Import a GIFT, Aiken or Moodle XML file (?format=, category=, skip_bad=).");
  imp.body = http::BodyKind::Any;
  imp.max_body = questions::kMaxImportBytes;
  router.add(std::move(imp));
  router.add(route(M::Get, b + "/export", "bank.read", h(export_questions),
                   "Export questions as GIFT, Aiken or Moodle XML (?format=, category=)."));
}

}  // namespace trivium::bank
