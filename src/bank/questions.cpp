// Questions in a bank: created, edited as new versions, archived, read,
// listed, and handed to quizzes (their own bank's or a shared one's).

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <set>

#include "bank/internal.h"
#include "core/ids.h"
#include "core/json.h"

namespace trivium::bank {

namespace bj = boost::json;

namespace {

std::string body_of(const questions::Question& q) {
  return bj::serialize(questions::to_json(q));
}

Result<void> check_list(const std::vector<std::string>& labels, const std::string& field) {
  if (labels.size() > kMaxTags) return invalid(field, "too_many", "At most 20 per question.");
  std::set<std::string> seen;
  for (size_t i = 0; i < labels.size(); ++i) {
    const std::string& l = labels[i];
    const size_t n = json::utf8_length(l);
    if (n == 0 || n > kMaxTag || l.front() == ' ' || l.back() == ' ')
      return invalid(field + "/" + std::to_string(i), "length", "1 to 60 characters, no surrounding spaces.");
    if (!seen.insert(l).second) return invalid(field + "/" + std::to_string(i), "duplicate", "Listed twice.");
  }
  return ok();
}

Result<void> insert_labels(db::Tx& tx, const std::string& question_id, const QuestionInput& in) {
  for (const std::string& t : in.tags)
    TRV_TRY(tx.exec("INSERT INTO question_labels (question_id, kind, label) VALUES ($1, 'tag', $2)", {question_id, t}));
  for (const std::string& s : in.skills)
    TRV_TRY(
        tx.exec("INSERT INTO question_labels (question_id, kind, label) VALUES ($1, 'skill', $2)", {question_id, s}));
  return ok();
}

Result<void> check_category(db::Tx& tx, const std::string& course_id, const std::string& category_id) {
  TRV_ASSIGN(std::optional<db::Row> row,
             tx.one("SELECT id FROM question_categories WHERE id = $1 AND course_id = $2", {category_id, course_id}));
  if (!row) return invalid("category_id", "unknown", "No such category in this bank.");
  return ok();
}

// "$3, $4, $5" for n parameters starting at `first`.
std::string placeholders(size_t first, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += (i ? ", $" : "$") + std::to_string(first + i);
  return s;
}

}  // namespace

Result<void> check_labels(const QuestionInput& in) {
  TRV_TRY(check_list(in.tags, "tags"));
  return check_list(in.skills, "skills");
}

Result<std::string> insert_question(db::Tx& tx, const std::string& course_id, const QuestionInput& in,
                                    const Actor& actor, int64_t now_ms) {
  const std::string id = new_id();
  TRV_TRY(
      tx.exec("INSERT INTO questions (id, course_id, category_id, current_version, type, title, archived, "
              "created_at, created_by) VALUES ($1, $2, $3, 1, $4, $5, 0, $6, $7)",
              {id, course_id, in.category_id, questions::type_name(in.question.body), in.question.title, now_ms,
               actor.user_id}));
  TRV_TRY(
      tx.exec("INSERT INTO question_versions (question_id, version, body_json, created_at, created_by) "
              "VALUES ($1, 1, $2, $3, $4)",
              {id, body_of(in.question), now_ms, actor.user_id}));
  TRV_TRY(insert_labels(tx, id, in));
  return id;
}

Result<std::vector<StoredQuestion>> read_questions(db::Tx& tx, std::string_view version_expr, std::string_view tail_sql,
                                                   std::span<const db::Param> params) {
  std::string sql =
      "SELECT q.id, q.course_id, q.category_id, q.current_version, q.archived, q.created_at, v.version, v.body_json, "
      "v.created_at, v.created_by FROM questions q JOIN question_versions v ON v.question_id = q.id AND v.version = ";
  sql += version_expr;
  sql += ' ';
  sql += tail_sql;
  TRV_ASSIGN(db::Rows rows, tx.query_params(sql, params));
  std::vector<StoredQuestion> out;
  out.reserve(rows.size());
  std::map<std::string, size_t> at;
  for (const db::Row& r : rows) {
    StoredQuestion s;
    s.id = r.text(0);
    s.course_id = r.text(1);
    s.category_id = r.text(2);
    s.current_version = static_cast<int>(r.i64(3));
    s.archived = r.boolean(4);
    s.created_at_ms = r.i64(5);
    s.version = static_cast<int>(r.i64(6));
    auto parsed = json::parse(r.text(7));
    if (!parsed) return fail(ErrorKind::Internal, "A stored question version is not JSON: " + s.id);
    auto q = questions::from_json(*parsed);
    if (!q) return fail(ErrorKind::Internal, "A stored question version no longer reads: " + s.id);
    s.question = std::move(*q);
    s.updated_at_ms = r.i64(8);
    s.updated_by = r.text(9);
    at[s.id] = out.size();
    out.push_back(std::move(s));
  }
  if (out.empty()) return out;
  std::vector<db::Param> ids;
  for (const StoredQuestion& s : out) ids.emplace_back(s.id);
  TRV_ASSIGN(db::Rows labels,
             tx.query_params("SELECT question_id, kind, label FROM question_labels WHERE question_id IN (" +
                                 placeholders(1, ids.size()) + ") ORDER BY label",
                             ids));
  for (const db::Row& l : labels) {
    StoredQuestion& s = out[at[l.text(0)]];
    (l.text(1) == "tag" ? s.tags : s.skills).push_back(l.text(2));
  }
  return out;
}

Result<StoredQuestion> Service::create_question(const Actor& actor, const std::string& course_id, QuestionInput in) {
  TRV_TRY(questions::validate(in.question));
  TRV_TRY(check_labels(in));
  TRV_ASSIGN(courses::Course course, impl_->ports.get_course(course_id));
  const int64_t now = impl_->clock.now_ms();
  std::string id;
  TRV_TRY(impl_->store.write([&](db::Tx& tx) -> Result<void> {
    TRV_TRY(ensure_bank(tx, course, now));
    TRV_TRY(check_category(tx, course.id, in.category_id));
    TRV_ASSIGN(id, insert_question(tx, course.id, in, actor, now));
    return impl_->audit.record(tx, impl_->event(actor, "bank.question_created", course, "question", id));
  }));
  return question(course_id, id);
}

Result<StoredQuestion> Service::update_question(const Actor& actor, const std::string& course_id,
                                                const std::string& question_id, int base_version, QuestionInput in) {
  TRV_TRY(questions::validate(in.question));
  TRV_TRY(check_labels(in));
  TRV_ASSIGN(courses::Course course, impl_->ports.get_course(course_id));
  const int64_t now = impl_->clock.now_ms();
  TRV_TRY(impl_->store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(
        std::optional<db::Row> row,
        tx.one("SELECT current_version FROM questions WHERE id = $1 AND course_id = $2", {question_id, course.id}));
    if (!row) return fail(ErrorKind::NotFound, "No such question in this bank.");
    TRV_TRY(check_category(tx, course.id, in.category_id));
    // The version moves only from the one the author based the edit on: a
    // concurrent save of the same base changes no row and is refused.
    TRV_ASSIGN(int64_t moved, tx.exec("UPDATE questions SET current_version = current_version + 1, type = $3, "
                                      "title = $4, category_id = $5 WHERE id = $1 AND current_version = $2",
                                      {question_id, base_version, questions::type_name(in.question.body),
                                       in.question.title, in.category_id}));
    if (moved != 1)
      return fail(ErrorKind::PreconditionFailed, "The question changed since version " + std::to_string(base_version) +
                                                     "; its current version is " + std::to_string(row->i64(0)) + ".");
    TRV_TRY(
        tx.exec("INSERT INTO question_versions (question_id, version, body_json, created_at, created_by) "
                "VALUES ($1, $2, $3, $4, $5)",
                {question_id, base_version + 1, body_of(in.question), now, actor.user_id}));
    TRV_TRY(tx.exec("DELETE FROM question_labels WHERE question_id = $1", {question_id}));
    TRV_TRY(insert_labels(tx, question_id, in));
    return impl_->audit.record(
        tx, impl_->event(actor, "bank.question_changed", course, "question", question_id,
                         bj::serialize(bj::object{{"course_id", course.id}, {"version", base_version + 1}})));
  }));
  return question(course_id, question_id);
}

Result<StoredQuestion> Service::set_archived(const Actor& actor, const std::string& course_id,
                                             const std::string& question_id, bool archived) {
  TRV_ASSIGN(courses::Course course, impl_->ports.get_course(course_id));
  TRV_TRY(impl_->store.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(int64_t n, tx.exec("UPDATE questions SET archived = $3 WHERE id = $1 AND course_id = $2",
                                  {question_id, course.id, archived}));
    if (n != 1) return fail(ErrorKind::NotFound, "No such question in this bank.");
    return impl_->audit.record(tx, impl_->event(actor, archived ? "bank.question_archived" : "bank.question_restored",
                                                course, "question", question_id));
  }));
  return question(course_id, question_id);
}

Result<StoredQuestion> Service::question(const std::string& course_id, const std::string& question_id,
                                         std::optional<int> version) {
  std::vector<StoredQuestion> found;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    if (version) {
      const db::Param p[] = {question_id, course_id, *version};
      TRV_ASSIGN(found, read_questions(tx, "$3", "WHERE q.id = $1 AND q.course_id = $2", p));
    } else {
      const db::Param p[] = {question_id, course_id};
      TRV_ASSIGN(found, read_questions(tx, "q.current_version", "WHERE q.id = $1 AND q.course_id = $2", p));
    }
    return ok();
  }));
  if (found.empty())
    return fail(ErrorKind::NotFound,
                version ? "No such version of a question in this bank." : "No such question in this bank.");
  return std::move(found.front());
}

Result<std::vector<VersionInfo>> Service::versions(const std::string& course_id, const std::string& question_id) {
  std::vector<VersionInfo> out;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<db::Row> q,
               tx.one("SELECT id FROM questions WHERE id = $1 AND course_id = $2", {question_id, course_id}));
    if (!q) return fail(ErrorKind::NotFound, "No such question in this bank.");
    TRV_ASSIGN(db::Rows rows, tx.query("SELECT version, body_json, created_at, created_by FROM question_versions "
                                       "WHERE question_id = $1 ORDER BY version DESC",
                                       {question_id}));
    for (const db::Row& r : rows) {
      VersionInfo v;
      v.version = static_cast<int>(r.i64(0));
      auto parsed = json::parse(r.text(1));
      if (!parsed) return fail(ErrorKind::Internal, "A stored question version is not JSON.");
      if (const bj::object* o = parsed->if_object()) {
        if (auto it = o->find("title"); it != o->end() && it->value().is_string())
          v.title = std::string(it->value().as_string());
        if (auto it = o->find("type"); it != o->end() && it->value().is_string())
          v.type = std::string(it->value().as_string());
      }
      v.created_at_ms = r.i64(2);
      v.created_by = r.text(3);
      out.push_back(std::move(v));
    }
    return ok();
  }));
  return out;
}

Result<Listed> Service::list(const std::string& course_id, const ListQuery& lq) {
  Listed out;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    std::vector<std::string> texts;  // parameter storage (Param holds views)
    texts.reserve(64);
    std::vector<db::Param> params;
    std::string where = "WHERE q.course_id = $1";
    texts.push_back(course_id);
    auto add = [&](std::string v) {
      texts.push_back(std::move(v));
      return "$" + std::to_string(texts.size());
    };
    if (lq.category_id) {
      TRV_ASSIGN(Tree t, load_tree(tx, course_id));
      if (t.find(*lq.category_id) == nullptr) return invalid("category", "unknown", "No such category in this bank.");
      std::vector<std::string> ids =
          lq.include_subcategories ? t.subtree(*lq.category_id) : std::vector<std::string>{*lq.category_id};
      where += " AND q.category_id IN (";
      for (size_t i = 0; i < ids.size(); ++i) where += (i ? ", " : "") + add(ids[i]);
      where += ")";
    }
    if (lq.type) where += " AND q.type = " + add(*lq.type);
    if (!lq.include_archived) where += " AND q.archived = 0";
    if (lq.tag)
      where +=
          " AND EXISTS (SELECT 1 FROM question_labels l WHERE l.question_id = q.id AND l.kind = 'tag' AND "
          "l.label = " +
          add(*lq.tag) + ")";
    if (lq.skill)
      where +=
          " AND EXISTS (SELECT 1 FROM question_labels l WHERE l.question_id = q.id AND l.kind = 'skill' AND "
          "l.label = " +
          add(*lq.skill) + ")";
    if (lq.text) {
      // LIKE with our own escape character, over the title and the stored
      // form of the current version (its stem and choices).
      std::string pattern = "%";
      for (char c : *lq.text) {
        if (c == '%' || c == '_' || c == '!') pattern += '!';
        pattern += c;
      }
      pattern += "%";
      const std::string p = add(pattern);
      where += " AND (LOWER(q.title) LIKE LOWER(" + p + ") ESCAPE '!' OR LOWER(v.body_json) LIKE LOWER(" + p +
               ") ESCAPE '!')";
    }
    for (const std::string& s : texts) params.emplace_back(s);
    TRV_ASSIGN(db::Rows counted,
               tx.query_params("SELECT COUNT(*) FROM questions q JOIN question_versions v ON v.question_id = q.id AND "
                               "v.version = q.current_version " +
                                   where,
                               params));
    out.total = counted.empty() ? 0 : static_cast<int>(counted.front().i64(0));
    const std::string tail =
        where + " ORDER BY q.title, q.id LIMIT " + std::to_string(lq.limit) + " OFFSET " + std::to_string(lq.offset);
    TRV_ASSIGN(out.questions, read_questions(tx, "q.current_version", tail, params));
    return ok();
  }));
  if (lq.offset + static_cast<int>(out.questions.size()) < out.total)
    out.next_offset = lq.offset + static_cast<int>(out.questions.size());
  return out;
}

namespace {

// Whether `using_course` may use the bank of `owner_course` (its own, or a
// bank shared within the same organisation).
Result<bool> may_use(db::Tx& tx, const courses::Course& using_course, const std::string& owner_course) {
  if (owner_course == using_course.id) return true;
  TRV_ASSIGN(std::optional<db::Row> b,
             tx.one("SELECT organisation_id, shared FROM question_banks WHERE course_id = $1", {owner_course}));
  return b && b->boolean(1) && b->text(0) == using_course.organisation_id;
}

}  // namespace

Result<std::vector<Bank>> Service::shared_banks(const std::string& course_id) {
  TRV_ASSIGN(courses::Course course, impl_->ports.get_course(course_id));
  std::vector<std::string> owners;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(db::Rows rows, tx.query("SELECT course_id FROM question_banks WHERE organisation_id = $1 AND "
                                       "shared = 1 AND course_id <> $2 ORDER BY course_id",
                                       {course.organisation_id, course.id}));
    for (const db::Row& r : rows) owners.push_back(r.text(0));
    return ok();
  }));
  std::vector<Bank> out;
  for (const std::string& owner : owners) {
    TRV_ASSIGN(Bank b, bank(owner));
    out.push_back(std::move(b));
  }
  return out;
}

Result<Listed> Service::list_shared(const std::string& course_id, const std::string& owner_course_id,
                                    const ListQuery& q) {
  TRV_ASSIGN(courses::Course course, impl_->ports.get_course(course_id));
  bool allowed = false;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(allowed, may_use(tx, course, owner_course_id));
    return ok();
  }));
  if (!allowed || owner_course_id == course_id) return fail(ErrorKind::NotFound, "No bank shared with this course.");
  return list(owner_course_id, q);
}

Result<UsableQuestion> Service::usable(const std::string& course_id, const std::string& question_id,
                                       std::optional<int> version) {
  TRV_ASSIGN(courses::Course course, impl_->ports.get_course(course_id));
  UsableQuestion out;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<db::Row> q,
               tx.one("SELECT course_id, current_version, archived FROM questions WHERE id = $1", {question_id}));
    if (!q) return fail(ErrorKind::NotFound, "No such question.");
    TRV_ASSIGN(bool allowed, may_use(tx, course, q->text(0)));
    if (!allowed) return fail(ErrorKind::NotFound, "No such question.");
    if (!version && q->boolean(2)) return fail(ErrorKind::Conflict, "The question is archived.");
    const int v = version.value_or(static_cast<int>(q->i64(1)));
    const db::Param p[] = {question_id, v};
    TRV_ASSIGN(std::vector<StoredQuestion> found, read_questions(tx, "$2", "WHERE q.id = $1", p));
    if (found.empty()) return fail(ErrorKind::NotFound, "No such version of the question.");
    out.id = question_id;
    out.version = v;
    out.course_id = found.front().course_id;
    out.question = std::move(found.front().question);
    return ok();
  }));
  return out;
}

Result<std::map<std::string, int>> Service::current_versions(const std::string& course_id,
                                                             const std::vector<std::string>& question_ids) {
  std::map<std::string, int> out;
  if (question_ids.empty()) return out;
  TRV_ASSIGN(courses::Course course, impl_->ports.get_course(course_id));
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    std::vector<db::Param> params{course.id, course.organisation_id};
    for (const std::string& id : question_ids) params.emplace_back(id);
    TRV_ASSIGN(db::Rows rows,
               tx.query_params("SELECT q.id, q.current_version FROM questions q JOIN question_banks b ON "
                               "b.course_id = q.course_id WHERE q.archived = 0 AND (q.course_id = $1 OR "
                               "(b.shared = 1 AND b.organisation_id = $2)) AND q.id IN (" +
                                   placeholders(3, question_ids.size()) + ")",
                               params));
    for (const db::Row& r : rows) out[r.text(0)] = static_cast<int>(r.i64(1));
    return ok();
  }));
  return out;
}

Result<UsableQuestion> Service::pinned(const std::string& question_id, int version) {
  UsableQuestion out;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    const db::Param p[] = {question_id, version};
    TRV_ASSIGN(std::vector<StoredQuestion> found, read_questions(tx, "$2", "WHERE q.id = $1", p));
    if (found.empty()) return fail(ErrorKind::NotFound, "No such version of the question.");
    out.id = question_id;
    out.version = version;
    out.course_id = found.front().course_id;
    out.question = std::move(found.front().question);
    return ok();
  }));
  return out;
}

Result<std::vector<std::string>> Service::candidates(const std::string& course_id, const std::string& category_id,
                                                     const std::vector<std::string>& tags,
                                                     const std::vector<std::string>& skills) {
  TRV_ASSIGN(courses::Course course, impl_->ports.get_course(course_id));
  std::vector<std::string> out;
  TRV_TRY(impl_->store.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<db::Row> c,
               tx.one("SELECT course_id FROM question_categories WHERE id = $1", {category_id}));
    if (!c) return fail(ErrorKind::NotFound, "No such category.");
    const std::string owner = c->text(0);
    TRV_ASSIGN(bool allowed, may_use(tx, course, owner));
    if (!allowed) return fail(ErrorKind::NotFound, "No such category.");
    TRV_ASSIGN(Tree t, load_tree(tx, owner));
    std::vector<std::string> texts = t.subtree(category_id);
    std::string sql = "SELECT q.id FROM questions q WHERE q.archived = 0 AND q.category_id IN (" +
                      placeholders(1, texts.size()) + ")";
    auto label = [&](const char* kind, const std::string& value) {
      texts.push_back(value);
      sql += std::string(" AND EXISTS (SELECT 1 FROM question_labels l WHERE l.question_id = q.id AND l.kind = '") +
             kind + "' AND l.label = $" + std::to_string(texts.size()) + ")";
    };
    for (const std::string& tag : tags) label("tag", tag);
    for (const std::string& skill : skills) label("skill", skill);
    sql += " ORDER BY q.id";
    std::vector<db::Param> params(texts.begin(), texts.end());
    TRV_ASSIGN(db::Rows rows, tx.query_params(sql, params));
    for (const db::Row& r : rows) out.push_back(r.text(0));
    return ok();
  }));
  return out;
}

}  // namespace trivium::bank
