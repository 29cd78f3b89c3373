// The bank itself and its categories: a tree per course, names unique among
// siblings, at most kMaxCategoryDepth levels. A category is deleted only
// when empty, so no question is ever left without one.

#include <boost/json/serialize.hpp>
#include <functional>

#include "bank/internal.h"
#include "core/http.h"
#include "core/ids.h"
#include "core/json.h"

namespace trivium::bank {

namespace bj = boost::json;

Service::Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, Ports ports)
    : impl_(std::make_unique<Impl>(Impl{store, clock, audit, std::move(ports)})) {}

Service::~Service() = default;

audit::Event Service::Impl::event(const Actor& actor, std::string action, const courses::Course& course,
                                  std::string target_kind, std::string target_id, std::string detail_json) const {
  audit::Event e;
  e.action = std::move(action);
  e.actor_id = actor.user_id;
  e.organisation_id = course.organisation_id;
  e.target_kind = std::move(target_kind);
  e.target_id = std::move(target_id);
  e.ip = actor.ip;
  e.request_id = actor.request_id;
  e.detail_json = detail_json.empty() ? bj::serialize(bj::object{{"course_id", course.id}}) : std::move(detail_json);
  return e;
}

std::optional<Format> parse_format(std::string_view name) {
  if (name == "gift") return Format::Gift;
  if (name == "aiken") return Format::Aiken;
  if (name == "moodle_xml") return Format::MoodleXml;
  return std::nullopt;
}

const Category* Tree::find(const std::string& id) const {
  auto it = index.find(id);
  return it == index.end() ? nullptr : &categories[it->second];
}

std::vector<std::string> Tree::subtree(const std::string& id) const {
  std::vector<std::string> out{id};
  // Depth-first order: the descendants follow their ancestor; collect by
  // parent links to stay correct whatever the order.
  for (size_t i = 0; i < out.size(); ++i)
    for (const Category& c : categories)
      if (c.parent_id == out[i]) out.push_back(c.id);
  return out;
}

int Tree::depth(const std::string& id) const {
  int d = 0;
  for (const Category* c = find(id); c != nullptr && d <= kMaxCategoryDepth + 1; c = find(c->parent_id)) ++d;
  return d;
}

Result<Tree> load_tree(db::Tx& tx, const std::string& course_id) {
  TRV_ASSIGN(db::Rows rows, tx.query("SELECT id, parent_id, name, position FROM question_categories "
                                     "WHERE course_id = $1 ORDER BY position, name",
                                     {course_id}));
  TRV_ASSIGN(db::Rows counts, tx.query("SELECT category_id, COUNT(*) FROM questions "
                                       "WHERE course_id = $1 AND archived = 0 GROUP BY category_id",
                                       {course_id}));
  std::map<std::string, int> count_of;
  for (const db::Row& r : counts) count_of[r.text(0)] = static_cast<int>(r.i64(1));
  std::map<std::string, std::vector<Category>> children;
  for (const db::Row& r : rows) {
    Category c;
    c.id = r.text(0);
    c.parent_id = r.text(1);
    c.name = r.text(2);
    c.position = static_cast<int>(r.i64(3));
    c.question_count = count_of[c.id];
    children[c.parent_id].push_back(std::move(c));
  }
  Tree t;
  std::function<void(const std::string&, const std::string&, int)> walk = [&](const std::string& parent,
                                                                              const std::string& prefix, int depth) {
    auto it = children.find(parent);
    if (it == children.end() || depth > kMaxCategoryDepth) return;
    for (Category& c : it->second) {
      c.path = prefix.empty() ? c.name : prefix + "/" + c.name;
      const std::string id = c.id;
      const std::string path = c.path;
      t.index[id] = t.categories.size();
      t.categories.push_back(std::move(c));
      walk(id, path, depth + 1);
    }
  };
  walk("", "", 1);
  return t;
}

Result<void> ensure_bank(db::Tx& tx, const courses::Course& course, int64_t now_ms) {
  TRV_TRY(
      tx.exec("INSERT INTO question_banks (course_id, organisation_id, shared, created_at) VALUES ($1, $2, 0, $3) "
              "ON CONFLICT (course_id) DO NOTHING",
              {course.id, course.organisation_id, now_ms}));
  return ok();
}

Result<void> check_category_name(const std::string& name, const std::string& field) {
  const size_t n = json::utf8_length(name);
  if (n == 0 || n > kMaxCategoryName) return invalid(field, "length", "A category name has 1 to 120 characters.");
  if (name.find('/') != std::string::npos) return invalid(field, "slash", "A category name has no '/'.");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) return invalid(field, "control", "A category name has no control characters.");
  if (name.front() == ' ' || name.back() == ' ')
    return invalid(field, "spaces", "A category name does not start or end with a space.");
  if (!http::is_valid_utf8(name)) return invalid(field, "encoding", "A category name is UTF-8 text.");
  return ok();
}

Result<Category> insert_category(db::Tx& tx, const std::string& course_id, const std::string& parent_id,
                                 const std::string& name, int64_t now_ms) {
  TRV_ASSIGN(std::optional<db::Row> last, tx.one("SELECT COALESCE(MAX(position), -1) FROM question_categories "
                                                 "WHERE course_id = $1 AND parent_id = $2",
                                                 {course_id, parent_id}));
  Category c;
  c.id = new_id();
  c.parent_id = parent_id;
  c.name = name;
  c.position = last ? static_cast<int>(last->i64(0)) + 1 : 0;
  auto inserted = tx.exec(
      "INSERT INTO question_categories (id, course_id, parent_id, name, position, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6)",
      {c.id, course_id, parent_id, name, c.position, now_ms});
  if (!inserted) {
    if (db::is_unique_violation(inserted.error()))
      return fail(ErrorKind::Conflict, "A category of that name already exists there.");
    return inserted.failure();
  }
  return c;
}

Result<Bank> Service::bank(const std::string& course_id) {
  TRV_ASSIGN(courses::Course course, impl_->ports.get_course(course_id));
  Bank b;
  b.course_id = course.id;
  b.organisation_id = course.organisation_id;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<db::Row> row,
               tx.one("SELECT shared FROM question_banks WHERE course_id = $1", {course.id}));
    b.shared = row && row->boolean(0);
    TRV_ASSIGN(Tree t, load_tree(tx, course.id));
    b.categories = std::move(t.categories);
    return ok();
  }));
  return b;
}

Result<Bank> Service::set_shared(const Actor& actor, const std::string& course_id, bool shared) {
  TRV_ASSIGN(courses::Course course, impl_->ports.get_course(course_id));
  const int64_t now = impl_->clock.now_ms();
  TRV_TRY(impl_->store.write([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(ensure_bank(tx, course, now));
    TRV_TRY(tx.exec("UPDATE question_banks SET shared = $2 WHERE course_id = $1", {course.id, shared}));
    return impl_->audit.record(
        tx, impl_->event(actor, shared ? "bank.shared" : "bank.unshared", course, "course", course.id));
  }));
  return bank(course_id);
}

Result<Category> Service::create_category(const Actor& actor, const std::string& course_id, const std::string& name,
                                          const std::string& parent_id) {
  TRV_TRY(check_category_name(name, "name"));
  TRV_ASSIGN(courses::Course course, impl_->ports.get_course(course_id));
  const int64_t now = impl_->clock.now_ms();
  Category out;
  TRV_TRY(impl_->store.write([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(ensure_bank(tx, course, now));
    TRV_ASSIGN(Tree t, load_tree(tx, course.id));
    if (!parent_id.empty()) {
      if (t.find(parent_id) == nullptr) return invalid("parent_id", "unknown", "No such category in this bank.");
      if (t.depth(parent_id) >= kMaxCategoryDepth)
        return invalid("parent_id", "too_deep", "Categories nest at most 8 levels deep.");
    }
    TRV_ASSIGN(out, insert_category(tx, course.id, parent_id, name, now));
    const Category* parent = t.find(parent_id);
    out.path = parent ? parent->path + "/" + name : name;
    return impl_->audit.record(tx, impl_->event(actor, "bank.category_created", course, "category", out.id));
  }));
  return out;
}

Result<Category> Service::update_category(const Actor& actor, const std::string& course_id,
                                          const std::string& category_id, std::optional<std::string> name,
                                          std::optional<std::string> parent_id, std::optional<int> position) {
  if (name) TRV_TRY(check_category_name(*name, "name"));
  TRV_ASSIGN(courses::Course course, impl_->ports.get_course(course_id));
  TRV_TRY(impl_->store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(Tree t, load_tree(tx, course.id));
    const Category* c = t.find(category_id);
    if (c == nullptr) return fail(ErrorKind::NotFound, "No such category in this bank.");
    std::string parent = parent_id.value_or(c->parent_id);
    if (parent_id && !parent.empty()) {
      if (t.find(parent) == nullptr) return invalid("parent_id", "unknown", "No such category in this bank.");
      for (const std::string& below : t.subtree(category_id))
        if (below == parent) return invalid("parent_id", "cycle", "A category cannot move under itself.");
      // The deepest descendant must stay within the depth limit.
      int height = 0;
      for (const std::string& below : t.subtree(category_id))
        height = std::max(height, t.depth(below) - t.depth(category_id) + 1);
      if (t.depth(parent) + height > kMaxCategoryDepth)
        return invalid("parent_id", "too_deep", "Categories nest at most 8 levels deep.");
    }
    int pos = c->position;
    if (parent != c->parent_id && !position) {
      TRV_ASSIGN(std::optional<db::Row> last, tx.one("SELECT COALESCE(MAX(position), -1) FROM question_categories "
                                                     "WHERE course_id = $1 AND parent_id = $2",
                                                     {course.id, parent}));
      pos = last ? static_cast<int>(last->i64(0)) + 1 : 0;
    }
    if (position) pos = *position;
    auto changed = tx.exec(
        "UPDATE question_categories SET name = $3, parent_id = $4, position = $5 "
        "WHERE id = $1 AND course_id = $2",
        {category_id, course.id, name.value_or(c->name), parent, pos});
    if (!changed) {
      if (db::is_unique_violation(changed.error()))
        return fail(ErrorKind::Conflict, "A category of that name already exists there.");
      return changed.failure();
    }
    return impl_->audit.record(tx, impl_->event(actor, "bank.category_changed", course, "category", category_id));
  }));
  TRV_ASSIGN(Bank b, bank(course_id));
  for (Category& c : b.categories)
    if (c.id == category_id) return std::move(c);
  return fail(ErrorKind::NotFound, "No such category in this bank.");
}

Result<void> Service::delete_category(const Actor& actor, const std::string& course_id,
                                      const std::string& category_id) {
  TRV_ASSIGN(courses::Course course, impl_->ports.get_course(course_id));
  return impl_->store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<db::Row> row,
               tx.one("SELECT id FROM question_categories WHERE id = $1 AND course_id = $2", {category_id, course.id}));
    if (!row) return fail(ErrorKind::NotFound, "No such category in this bank.");
    TRV_ASSIGN(std::optional<db::Row> used, tx.one("SELECT (SELECT COUNT(*) FROM questions WHERE category_id = $1) + "
                                                   "(SELECT COUNT(*) FROM question_categories WHERE parent_id = $1)",
                                                   {category_id}));
    if (used && used->i64(0) > 0)
      return fail(ErrorKind::Conflict, "The category still holds questions or categories (archived ones count).");
    TRV_TRY(tx.exec("DELETE FROM question_categories WHERE id = $1", {category_id}));
    return impl_->audit.record(tx, impl_->event(actor, "bank.category_deleted", course, "category", category_id));
  });
}

}  // namespace trivium::bank
