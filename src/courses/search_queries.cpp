// The catalog query: visibility, filters, full-text relevance and keyset
// pagination in one statement. The full-text part is the one place where the
// dialects differ (FTS5 with bm25 on SQLite, a tsvector with ts_rank on
// PostgreSQL); the statement text is assembled from constant pieces only,
// every value is a parameter (INJ-01).

#include <boost/json.hpp>

#include "core/json.h"
#include "courses/internal.h"

namespace trivium::courses::queries {
namespace {

std::string to_json(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const std::string& s : v) a.emplace_back(s);
  return json::serialize(a);
}

// "x IN <list>" for a JSON array of strings passed as one parameter.
std::string in_list(db::Dialect d, const std::string& param) {
  if (d == db::Dialect::Sqlite) return "(SELECT value FROM json_each(" + param + "))";
  return "(SELECT json_array_elements_text(CAST(" + param + " AS json)))";
}

// Words of the query, lower-cased, without any character the full-text
// syntaxes treat specially; at most 16.
std::vector<std::string> words_of(const std::string& q) {
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && words.size() < 16) words.push_back(cur);
    cur.clear();
  };
  for (unsigned char ch : q) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch >= 0x80) {
      cur += static_cast<char>(ch);
    } else if (ch >= 'A' && ch <= 'Z') {
      cur += static_cast<char>(ch - 'A' + 'a');
    } else {
      flush();
    }
  }
  flush();
  return words;
}

// Every word must match, as a prefix (so "pyth" finds "Python").
std::string match_expression(db::Dialect d, const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += d == db::Dialect::Sqlite ? " " : " & ";
    out += d == db::Dialect::Sqlite ? "\"" + w + "\"*" : w + ":*";
  }
  return out;
}

std::string search_sql(db::Dialect d, bool with_text) {
  const bool lite = d == db::Dialect::Sqlite;
  std::string rank, from = "courses c", text_filter;
  if (!with_text) {
    rank = "CAST(0 AS DOUBLE PRECISION)";
    text_filter = "CAST($2 AS TEXT) IS NULL";
  } else if (lite) {
    // bm25 is smaller for better matches; title weighs most, then skills.
    rank = "m.score";
    from =
        "courses c JOIN (SELECT course_id, -bm25(courses_fts, 0.0, 10.0, 4.0, 1.0, 6.0) AS score FROM courses_fts "
        "WHERE courses_fts MATCH CAST($2 AS TEXT)) m ON m.course_id = c.id";
    text_filter = "1 = 1";
  } else {
    rank = "CAST(ts_rank(c.search_vector, to_tsquery('simple', CAST($2 AS TEXT))) AS DOUBLE PRECISION)";
    text_filter = "c.search_vector @@ to_tsquery('simple', CAST($2 AS TEXT))";
  }
  const std::string visible =
      "(CAST($3 AS INTEGER) = 1 OR c.visibility = 'public' OR c.organisation_id IN " + in_list(d, "$6") +
      " OR (c.visibility = 'organisation' AND c.organisation_id IN " + in_list(d, "$5") +
      " AND (NOT EXISTS (SELECT 1 FROM course_departments cd WHERE cd.course_id = c.id) "
      "OR EXISTS (SELECT 1 FROM course_departments cd WHERE cd.course_id = c.id AND cd.department_id IN " +
      in_list(d, "$7") +
      "))) OR EXISTS (SELECT 1 FROM course_staff s WHERE s.course_id = c.id AND s.user_id = CAST($4 AS TEXT)) "
      "OR EXISTS (SELECT 1 FROM run_staff rs JOIN course_runs rr ON rr.id = rs.run_id "
      "WHERE rr.course_id = c.id AND rs.user_id = $4))";
  const std::string filters =
      " AND (CAST($8 AS TEXT) IS NULL OR c.form = $8)"
      " AND (CAST($9 AS TEXT) IS NULL OR c.language = $9)"
      " AND (CAST($10 AS TEXT) IS NULL OR c.organisation_id = $10)"
      " AND (CAST($11 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM course_skills k WHERE k.course_id = c.id "
      "AND k.skill = $11))"
      " AND (CAST($12 AS TEXT) IS NULL"
      " OR ($12 = 'upcoming' AND EXISTS (SELECT 1 FROM course_runs u WHERE u.course_id = c.id "
      "AND u.starts_at > CAST($1 AS BIGINT)))"
      " OR ($12 = 'ongoing' AND EXISTS (SELECT 1 FROM course_runs o WHERE o.course_id = c.id "
      "AND o.starts_at <= $1 AND (o.ends_at IS NULL OR o.ends_at > $1))))";
  const std::string start =
      "COALESCE((SELECT MIN(r.starts_at) FROM course_runs r WHERE r.course_id = c.id AND r.starts_at IS NOT NULL "
      "AND (r.ends_at IS NULL OR r.ends_at > $1)), " +
      std::to_string(kNoStart) + ")";
  (void)lite;
  return "SELECT id, rank, start FROM (SELECT c.id AS id, " + rank + " AS rank, " + start + " AS start FROM " + from +
         " WHERE " + text_filter + " AND " + visible + filters +
         ") t WHERE CAST($13 AS INTEGER) = 0 OR t.rank < CAST($14 AS DOUBLE PRECISION) OR (t.rank = $14 AND "
         "(t.start > CAST($15 AS BIGINT) OR (t.start = $15 AND t.id > CAST($16 AS TEXT)))) "
         "ORDER BY t.rank DESC, t.start, t.id LIMIT $17";
}

}  // namespace

Result<std::vector<SearchHit>> search(db::Tx& tx, const Visibility& v, const CatalogQuery& q,
                                      const std::optional<CursorKey>& after, int64_t now_ms, int64_t limit) {
  const db::Dialect d = tx.dialect();
  const std::vector<std::string> words = words_of(q.q);
  std::optional<std::string> match;
  if (!words.empty()) match = match_expression(d, words);
  // One statement text per dialect and mode, built once.
  static const std::string sqls[2][2] = {
      {search_sql(db::Dialect::Sqlite, false), search_sql(db::Dialect::Sqlite, true)},
      {search_sql(db::Dialect::Postgres, false), search_sql(db::Dialect::Postgres, true)}};
  const std::string& sql = sqls[d == db::Dialect::Sqlite ? 0 : 1][match ? 1 : 0];
  const std::string member_of = to_json(v.member_of), admin_of = to_json(v.admin_of),
                    departments = to_json(v.departments);
  const CursorKey key = after.value_or(CursorKey{});
  TRV_ASSIGN(db::Rows rows, tx.query(sql, {now_ms, match, v.all, v.user_id, member_of, admin_of, departments, q.form,
                                           q.language, q.organisation_id, q.skill, q.when, after.has_value(), key.rank,
                                           key.start, key.id, limit}));
  std::vector<SearchHit> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back({row.text(0), row.f64(1), row.i64(2)});
  return out;
}

}  // namespace trivium::courses::queries
