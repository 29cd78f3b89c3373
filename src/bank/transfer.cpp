// Import and export of a bank's questions in GIFT, Aiken and Moodle XML.
// An import is one write transaction: every question of the file, with the
// categories it names, or nothing.

#include <boost/json/serialize.hpp>

#include "bank/internal.h"

namespace trivium::bank {

namespace bj = boost::json;

namespace {

questions::Imported parse(Format f, std::string_view text) {
  switch (f) {
    case Format::Gift: return questions::parse_gift(text);
    case Format::Aiken: return questions::parse_aiken(text);
    case Format::MoodleXml: return questions::parse_moodle_xml(text);
  }
  return {};
}

std::string_view format_name(Format f) {
  switch (f) {
    case Format::Gift: return "gift";
    case Format::Aiken: return "aiken";
    case Format::MoodleXml: return "moodle_xml";
  }
  return "";
}

// The category for a "/"-separated path under `base` ("" for the top),
// created level by level when missing.
Result<std::string> category_for(db::Tx& tx, Tree& tree, const std::string& course_id, const std::string& base,
                                 const std::string& path, int64_t now, std::vector<std::string>& created) {
  std::string parent = base;
  size_t start = 0;
  while (start < path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    std::string name = path.substr(start, slash - start);
    start = slash + 1;
    // Trim what a file may carry around a level's name.
    while (!name.empty() && name.front() == ' ') name.erase(name.begin());
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (name.empty()) continue;
    std::string found;
    for (const Category& c : tree.categories)
      if (c.parent_id == parent && c.name == name) found = c.id;
    if (found.empty()) {
      TRV_TRY(check_category_name(name, "category"));
      const int depth = parent.empty() ? 0 : tree.depth(parent);
      if (depth >= kMaxCategoryDepth) return invalid("category", "too_deep", "Categories nest at most 8 levels deep.");
      TRV_ASSIGN(Category c, insert_category(tx, course_id, parent, name, now));
      const Category* p = tree.find(parent);
      c.path = p ? p->path + "/" + name : name;
      found = c.id;
      created.push_back(c.id);
      tree.index[c.id] = tree.categories.size();
      tree.categories.push_back(std::move(c));
    }
    parent = found;
  }
  return parent;
}

}  // namespace

Result<ImportReport> Service::import(const Actor& actor, const std::string& course_id, const ImportRequest& r) {
  TRV_ASSIGN(courses::Course course, impl_->ports.get_course(course_id));
  questions::Imported parsed = parse(r.format, r.text);
  ImportReport report;
  report.problems = parsed.problems;
  if (!parsed.problems.empty() && !r.skip_bad) return report;
  if (parsed.questions.empty()) {
    report.problems.push_back({0, "", "empty", "The file holds no question to import."});
    return report;
  }
  // Labels are checked before anything is written; a question with bad
  // labels is a problem like any other.
  std::vector<const questions::ImportedQuestion*> good;
  for (const questions::ImportedQuestion& q : parsed.questions) {
    QuestionInput in;
    in.tags = q.tags;
    if (auto checked = check_labels(in); !checked) {
      report.problems.push_back(
          {q.line, q.path, "invalid_question",
           "Tags: " + (checked.error().fields.empty() ? checked.error().detail : checked.error().fields[0].message)});
      continue;
    }
    good.push_back(&q);
  }
  if (good.size() != parsed.questions.size() && !r.skip_bad) return report;
  if (good.empty()) return report;

  const int64_t now = impl_->clock.now_ms();
  TRV_TRY(impl_->store.write([&](db::Tx& tx) -> Result<void> {
    // The write may be retried from the start: begin from a clean report.
    report.question_ids.clear();
    report.created_categories.clear();
    TRV_TRY(ensure_bank(tx, course, now));
    TRV_ASSIGN(Tree tree, load_tree(tx, course.id));
    if (!r.category_id.empty() && tree.find(r.category_id) == nullptr)
      return invalid("category", "unknown", "No such category in this bank.");
    // Questions of a file that names no category go to the target, or to a
    // category "Imported" at the top (made when first needed).
    std::string fallback = r.category_id;
    for (const questions::ImportedQuestion* q : good) {
      QuestionInput in;
      in.question = q->question;
      in.tags = q->tags;
      if (q->category.empty()) {
        if (fallback.empty()) {
          TRV_ASSIGN(fallback, category_for(tx, tree, course.id, "", "Imported", now, report.created_categories));
        }
        in.category_id = fallback;
      } else {
        TRV_ASSIGN(in.category_id,
                   category_for(tx, tree, course.id, r.category_id, q->category, now, report.created_categories));
      }
      TRV_ASSIGN(std::string id, insert_question(tx, course.id, in, actor, now));
      report.question_ids.push_back(std::move(id));
    }
    return impl_->audit.record(
        tx, impl_->event(actor, "bank.imported", course, "course", course.id,
                         bj::serialize(
                             bj::object{{"course_id", course.id},
                                        {"format", format_name(r.format)},
                                        {"questions", report.question_ids.size()},
                                        {"skipped", parsed.questions.size() - good.size() + parsed.problems.size()}})));
  }));
  report.imported = true;
  return report;
}

Result<ExportResult> Service::export_questions(const std::string& course_id, const ExportRequest& r) {
  TRV_ASSIGN(courses::Course course, impl_->ports.get_course(course_id));
  std::vector<StoredQuestion> stored;
  Tree tree;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(tree, load_tree(tx, course.id));
    std::vector<std::string> ids;
    if (r.category_id) {
      if (tree.find(*r.category_id) == nullptr) return invalid("category", "unknown", "No such category in this bank.");
      ids = tree.subtree(*r.category_id);
    } else {
      for (const Category& c : tree.categories) ids.push_back(c.id);
    }
    if (ids.empty()) return ok();
    std::vector<db::Param> params;
    std::string in;
    for (size_t i = 0; i < ids.size(); ++i) {
      in += (i ? ", $" : "$") + std::to_string(i + 1);
      params.emplace_back(ids[i]);
    }
    TRV_ASSIGN(stored,
               read_questions(tx, "q.current_version",
                              "WHERE q.archived = 0 AND q.category_id IN (" + in + ") ORDER BY q.title, q.id", params));
    return ok();
  }));
  // Grouped by category in the tree's order, so that a GIFT file's
  // $CATEGORY lines come once per category.
  std::vector<questions::ExportEntry> entries;
  for (const Category& c : tree.categories)
    for (const StoredQuestion& s : stored)
      if (s.category_id == c.id) entries.push_back({&s.question, c.path, s.tags});
  questions::Exported e;
  ExportResult out;
  const std::string base = course.slug.empty() ? "questions" : course.slug;
  switch (r.format) {
    case Format::Gift:
      e = questions::to_gift(entries);
      out.media_type = "text/plain; charset=utf-8";
      out.file_name = base + ".gift.txt";
      break;
    case Format::Aiken:
      e = questions::to_aiken(entries);
      out.media_type = "text/plain; charset=utf-8";
      out.file_name = base + ".aiken.txt";
      break;
    case Format::MoodleXml:
      e = questions::to_moodle_xml(entries);
      out.media_type = "application/xml";
      out.file_name = base + ".xml";
      break;
  }
  out.text = std::move(e.text);
  out.skipped = std::move(e.skipped);
  return out;
}

}  // namespace trivium::bank
