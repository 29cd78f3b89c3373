// The gradebook's SQL: its set-up and the history of overrides. Grades are
// read from their sources, never from here.

#include "core/json.h"
#include "gradebook/internal.h"

namespace trivium::gradebook::detail {

namespace bj = boost::json;

std::string letters_json(const LetterScale& letters) {
  bj::array a;
  for (const LetterGrade& g : letters) a.push_back(bj::object{{"letter", g.letter}, {"min_percent", g.min_percent}});
  return json::serialize(a);
}

LetterScale letters_from_json(const std::string& text) {
  // Written by letters_json after check_letter_scale: anything else is a
  // damaged row, and the default scale is the safe reading.
  auto v = json::parse(text);
  if (!v || !v->is_array()) return default_letter_scale();
  LetterScale out;
  for (const bj::value& e : v->as_array()) {
    if (!e.is_object()) return default_letter_scale();
    const bj::object& o = e.as_object();
    const bj::value* letter = o.if_contains("letter");
    const bj::value* min = o.if_contains("min_percent");
    if (!letter || !letter->is_string() || !min || !min->is_number()) return default_letter_scale();
    out.push_back(LetterGrade{std::string(letter->as_string()), min->to_number<double>()});
  }
  if (!check_letter_scale(out)) return default_letter_scale();
  return out;
}

Result<Setup> load_setup(db::Tx& tx, const std::string& run_id) {
  Setup s;
  TRV_ASSIGN(db::Rows cats, tx.query("SELECT id, name, weight, drop_lowest, position FROM gradebook_categories "
                                     "WHERE run_id = $1 ORDER BY position, id",
                                     {run_id}));
  for (const db::Row& r : cats)
    s.categories.push_back(
        Category{r.text(0), r.text(1), r.f64(2), static_cast<int>(r.i64(3)), static_cast<int>(r.i64(4))});
  TRV_ASSIGN(db::Rows items,
             tx.query("SELECT item_key, category_id, weight FROM gradebook_items WHERE run_id = $1", {run_id}));
  for (const db::Row& r : items) s.placements[r.text(0)] = Placement{r.text(0), r.opt_text(1), r.f64(2)};
  TRV_ASSIGN(std::optional<db::Row> settings,
             tx.one("SELECT uncategorised_weight, letters_json FROM gradebook_settings WHERE run_id = $1", {run_id}));
  if (settings) {
    s.uncategorised_weight = settings->f64(0);
    if (!settings->is_null(1)) s.letters = letters_from_json(settings->text(1));
  }
  return s;
}

Result<void> save_categories(db::Tx& tx, const std::string& run_id, const std::vector<Category>& categories,
                             double uncategorised_weight) {
  TRV_ASSIGN(db::Rows existing, tx.query("SELECT id FROM gradebook_categories WHERE run_id = $1", {run_id}));
  for (const db::Row& r : existing) {
    const std::string id = r.text(0);
    bool kept = false;
    for (const Category& c : categories) kept = kept || c.id == id;
    if (kept) continue;
    // Its items stay in the gradebook, uncategorised.
    TRV_TRY(
        tx.exec("UPDATE gradebook_items SET category_id = NULL WHERE run_id = $1 AND category_id = $2", {run_id, id}));
    TRV_TRY(tx.exec("DELETE FROM gradebook_categories WHERE run_id = $1 AND id = $2", {run_id, id}));
  }
  for (const Category& c : categories) {
    TRV_TRY(
        tx.exec("INSERT INTO gradebook_categories (run_id, id, name, weight, drop_lowest, position) "
                "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (run_id, id) DO UPDATE SET name = excluded.name, "
                "weight = excluded.weight, drop_lowest = excluded.drop_lowest, position = excluded.position",
                {run_id, c.id, c.name, c.weight, c.drop_lowest, c.position}));
  }
  TRV_TRY(
      tx.exec("INSERT INTO gradebook_settings (run_id, uncategorised_weight) VALUES ($1, $2) "
              "ON CONFLICT (run_id) DO UPDATE SET uncategorised_weight = excluded.uncategorised_weight",
              {run_id, uncategorised_weight}));
  return ok();
}

Result<void> save_placement(db::Tx& tx, const std::string& run_id, const Placement& p) {
  TRV_TRY(
      tx.exec("INSERT INTO gradebook_items (run_id, item_key, category_id, weight) VALUES ($1, $2, $3, $4) "
              "ON CONFLICT (run_id, item_key) DO UPDATE SET category_id = excluded.category_id, "
              "weight = excluded.weight",
              {run_id, p.item_key, p.category_id, p.weight}));
  return ok();
}

Result<void> save_letters(db::Tx& tx, const std::string& run_id, const LetterScale& letters) {
  TRV_TRY(
      tx.exec("INSERT INTO gradebook_settings (run_id, letters_json) VALUES ($1, $2) "
              "ON CONFLICT (run_id) DO UPDATE SET letters_json = excluded.letters_json",
              {run_id, letters_json(letters)}));
  return ok();
}

Result<std::vector<OverrideEntry>> overrides_of(db::Tx& tx, const std::string& run_id,
                                                const std::optional<std::string>& user_id) {
  db::Rows rows;
  const std::string columns = "SELECT user_id, item_key, seq, grade, reason, by_user, at FROM gradebook_overrides ";
  if (user_id) {
    TRV_ASSIGN(rows,
               tx.query(columns + "WHERE run_id = $1 AND user_id = $2 ORDER BY at, item_key, seq", {run_id, *user_id}));
  } else {
    TRV_ASSIGN(rows, tx.query(columns + "WHERE run_id = $1 ORDER BY user_id, item_key, seq", {run_id}));
  }
  std::vector<OverrideEntry> out;
  out.reserve(rows.size());
  for (const db::Row& r : rows) {
    OverrideEntry e;
    e.user_id = r.text(0);
    e.item_key = r.text(1);
    e.seq = static_cast<int>(r.i64(2));
    if (!r.is_null(3)) e.percent = r.f64(3);
    e.reason = r.text(4);
    e.by = r.text(5);
    e.at_ms = r.i64(6);
    out.push_back(std::move(e));
  }
  return out;
}

Result<void> append_override(db::Tx& tx, const std::string& run_id, OverrideEntry& e) {
  TRV_ASSIGN(std::optional<db::Row> last,
             tx.one("SELECT MAX(seq) FROM gradebook_overrides WHERE run_id = $1 AND user_id = $2 AND item_key = $3",
                    {run_id, e.user_id, e.item_key}));
  e.seq = last && !last->is_null(0) ? static_cast<int>(last->i64(0)) + 1 : 1;
  // Two trainers overriding the same grade at once: the second insert meets
  // the primary key and fails (409) instead of silently interleaving.
  TRV_TRY(
      tx.exec("INSERT INTO gradebook_overrides (run_id, user_id, item_key, seq, grade, reason, by_user, at) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
              {run_id, e.user_id, e.item_key, e.seq, e.percent, e.reason, e.by, e.at_ms}));
  return ok();
}

std::map<std::string, std::map<std::string, ActiveOverride>> in_force(const std::vector<OverrideEntry>& history) {
  // Latest by seq per (user, item), whatever order the rows came in.
  std::map<std::pair<std::string, std::string>, const OverrideEntry*> latest;
  for (const OverrideEntry& e : history) {
    const OverrideEntry*& l = latest[{e.user_id, e.item_key}];
    if (!l || e.seq > l->seq) l = &e;
  }
  std::map<std::string, std::map<std::string, ActiveOverride>> out;
  for (const auto& [key, e] : latest)
    if (e->percent) out[key.first][key.second] = ActiveOverride{*e->percent, e->reason, e->by, e->at_ms};
  return out;
}

}  // namespace trivium::gradebook::detail
