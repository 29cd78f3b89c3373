// The SQL of the outline module, in the common subset of SQLite and
// PostgreSQL. Every statement names the course (or run) it works in, so an
// id of another course never matches (AC-02).

#include <algorithm>

#include "outline/internal.h"

namespace trivium::outline {

namespace {

struct Placed {
  int position = 0;
  int own = 0;  // shared modules go first on equal positions (new in the source)
  size_t seq = 0;
  Module module;
};

Result<std::vector<Placed>> own_modules(db::Tx& tx, const std::string& course_id, DraftState& d) {
  TRV_ASSIGN(db::Rows rows, tx.query("SELECT id, position, title, prerequisites_json, release_week, "
                                     "copied_from_course_id, copied_from_version, state "
                                     "FROM outline_modules WHERE course_id = $1 ORDER BY position, id",
                                     {course_id}));
  std::vector<Placed> out;
  for (const db::Row& r : rows) {
    const auto state = static_cast<RowState>(r.i64(7));
    d.rows[r.text(0)] = state;
    if (state == RowState::Placed) d.shared_position[r.text(0)] = static_cast<int>(r.i64(1));
    if (state != RowState::Own) continue;
    Placed p{static_cast<int>(r.i64(1)), 1, out.size(), {}};
    p.module.id = r.text(0);
    p.module.title = r.text(2);
    p.module.prerequisites = strings_from_json(r.text(3));
    if (auto w = r.opt_i64(4)) p.module.release_week = static_cast<int>(*w);
    if (auto c = r.opt_text(5)) p.module.copied_from = CopiedFrom{*c, static_cast<int>(r.i64(6))};
    out.push_back(std::move(p));
  }
  return out;
}

// Fills the units and blocks of the course's own modules.
Result<void> own_contents(db::Tx& tx, const std::string& course_id, std::vector<Placed>& modules) {
  std::map<std::string, Module*> by_id;
  for (Placed& p : modules) by_id[p.module.id] = &p.module;
  TRV_ASSIGN(db::Rows units, tx.query("SELECT id, module_id, title FROM outline_units WHERE course_id = $1 "
                                      "ORDER BY position, id",
                                      {course_id}));
  std::map<std::string, Unit*> unit_by_id;
  for (const db::Row& r : units) {
    auto it = by_id.find(r.text(1));
    if (it == by_id.end()) continue;
    it->second->units.push_back(Unit{r.text(0), r.text(2), {}});
  }
  for (auto& [id, m] : by_id)
    for (Unit& u : m->units) unit_by_id[u.id] = &u;
  TRV_ASSIGN(db::Rows blocks, tx.query("SELECT id, unit_id, type, title, settings_json FROM outline_blocks "
                                       "WHERE course_id = $1 ORDER BY position, id",
                                       {course_id}));
  for (const db::Row& r : blocks) {
    auto it = unit_by_id.find(r.text(1));
    if (it != unit_by_id.end()) it->second->blocks.push_back(Block{r.text(0), r.text(2), r.text(3), r.text(4)});
  }
  return ok();
}

}  // namespace

Result<int> latest_version(db::Tx& tx, const std::string& course_id) {
  TRV_ASSIGN(auto row, tx.one("SELECT MAX(version) FROM course_versions WHERE course_id = $1", {course_id}));
  if (!row || row->is_null(0)) return 0;
  return static_cast<int>(row->i64(0));
}

Result<std::optional<std::string>> version_json(db::Tx& tx, const std::string& course_id, int version) {
  TRV_ASSIGN(auto row, tx.one("SELECT outline_json FROM course_versions WHERE course_id = $1 AND version = $2",
                              {course_id, version}));
  if (!row) return std::optional<std::string>{};
  return std::optional<std::string>(row->text(0));
}

Result<DraftState> load_draft(db::Tx& tx, const std::string& course_id,
                              const std::optional<std::string>& source_course_id) {
  DraftState d;
  d.course_id = course_id;
  d.source_course_id = source_course_id;
  TRV_ASSIGN(std::vector<Placed> placed, own_modules(tx, course_id, d));
  TRV_TRY(own_contents(tx, course_id, placed));
  if (source_course_id) {
    TRV_ASSIGN(d.source_version, latest_version(tx, *source_course_id));
    if (d.source_version > 0) {
      TRV_ASSIGN(auto text, version_json(tx, *source_course_id, d.source_version));
      TRV_ASSIGN(Outline source, outline_from_json(text.value_or("")));
      for (size_t i = 0; i < source.modules.size(); ++i) {
        Module& m = source.modules[i];
        auto row = d.rows.find(m.id);
        if (row != d.rows.end() && row->second != RowState::Placed) continue;  // copied or removed
        m.copied_from.reset();
        m.shared_from = CopiedFrom{*source_course_id, d.source_version};
        // Where the SPOC placed it, or where the source has it.
        auto [at, fresh] = d.shared_position.try_emplace(m.id, static_cast<int>(i));
        placed.push_back(Placed{at->second, 0, placed.size(), std::move(m)});
      }
    }
  }
  std::stable_sort(placed.begin(), placed.end(), [](const Placed& a, const Placed& b) {
    if (a.position != b.position) return a.position < b.position;
    return a.own < b.own;
  });
  for (Placed& p : placed) d.modules.push_back(std::move(p.module));
  return d;
}

Result<void> insert_module(db::Tx& tx, const std::string& course_id, const Module& m, int position, int64_t now) {
  std::optional<std::string> from_course;
  std::optional<int64_t> from_version;
  if (m.copied_from) {
    from_course = m.copied_from->course_id;
    from_version = m.copied_from->version;
  }
  std::optional<int64_t> week;
  if (m.release_week) week = *m.release_week;
  TRV_TRY(tx.exec(
      "INSERT INTO outline_modules (course_id, id, position, title, prerequisites_json, release_week, "
      "copied_from_course_id, copied_from_version, state, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $9)",
      {course_id, m.id, position, m.title, strings_json(m.prerequisites), week, from_course, from_version, now}));
  return ok();
}

Result<void> update_module_row(db::Tx& tx, const std::string& course_id, const Module& m, int64_t now) {
  std::optional<int64_t> week;
  if (m.release_week) week = *m.release_week;
  TRV_TRY(
      tx.exec("UPDATE outline_modules SET title = $3, prerequisites_json = $4, release_week = $5, "
              "updated_at = $6 WHERE course_id = $1 AND id = $2",
              {course_id, m.id, m.title, strings_json(m.prerequisites), week, now}));
  return ok();
}

Result<void> delete_module_rows(db::Tx& tx, const std::string& course_id, const std::string& module_id) {
  TRV_TRY(
      tx.exec("DELETE FROM outline_blocks WHERE course_id = $1 AND unit_id IN "
              "(SELECT id FROM outline_units WHERE course_id = $1 AND module_id = $2)",
              {course_id, module_id}));
  TRV_TRY(tx.exec("DELETE FROM outline_units WHERE course_id = $1 AND module_id = $2", {course_id, module_id}));
  TRV_TRY(tx.exec("DELETE FROM outline_modules WHERE course_id = $1 AND id = $2", {course_id, module_id}));
  return ok();
}

Result<void> hide_module(db::Tx& tx, const std::string& course_id, const Module& m, int position, int64_t now) {
  TRV_TRY(delete_module_rows(tx, course_id, m.id));
  TRV_TRY(
      tx.exec("INSERT INTO outline_modules (course_id, id, position, title, prerequisites_json, state, "
              "created_at, updated_at) VALUES ($1, $2, $3, $4, '[]', 1, $5, $5)",
              {course_id, m.id, position, m.title, now}));
  return ok();
}

Result<void> insert_unit(db::Tx& tx, const std::string& course_id, const std::string& module_id, const Unit& u,
                         int position) {
  TRV_TRY(tx.exec("INSERT INTO outline_units (course_id, id, module_id, position, title) VALUES ($1, $2, $3, $4, $5)",
                  {course_id, u.id, module_id, position, u.title}));
  return ok();
}

Result<void> delete_unit_rows(db::Tx& tx, const std::string& course_id, const std::string& unit_id) {
  TRV_TRY(tx.exec("DELETE FROM outline_blocks WHERE course_id = $1 AND unit_id = $2", {course_id, unit_id}));
  TRV_TRY(tx.exec("DELETE FROM outline_units WHERE course_id = $1 AND id = $2", {course_id, unit_id}));
  return ok();
}

Result<void> insert_block(db::Tx& tx, const std::string& course_id, const std::string& unit_id, const Block& b,
                          int position) {
  TRV_TRY(
      tx.exec("INSERT INTO outline_blocks (course_id, id, unit_id, position, type, title, settings_json) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7)",
              {course_id, b.id, unit_id, position, b.type, b.title, b.settings_json}));
  return ok();
}

Result<void> delete_block_row(db::Tx& tx, const std::string& course_id, const std::string& block_id) {
  TRV_TRY(tx.exec("DELETE FROM outline_blocks WHERE course_id = $1 AND id = $2", {course_id, block_id}));
  return ok();
}

Result<void> write_module_order(db::Tx& tx, const DraftState& d, int64_t now) {
  for (size_t i = 0; i < d.modules.size(); ++i) {
    const Module& m = d.modules[i];
    if (!m.shared_from) {
      TRV_TRY(tx.exec("UPDATE outline_modules SET position = $3, updated_at = $4 WHERE course_id = $1 AND id = $2",
                      {d.course_id, m.id, static_cast<int64_t>(i), now}));
      continue;
    }
    // A shared module that moved: the SPOC records where it stands now.
    auto at = d.shared_position.find(m.id);
    if (at != d.shared_position.end() && at->second == static_cast<int>(i)) continue;
    TRV_TRY(
        tx.exec("INSERT INTO outline_modules (course_id, id, position, title, prerequisites_json, state, "
                "created_at, updated_at) VALUES ($1, $2, $3, $4, '[]', 2, $5, $5) "
                "ON CONFLICT (course_id, id) DO UPDATE SET position = excluded.position, "
                "updated_at = excluded.updated_at",
                {d.course_id, m.id, static_cast<int64_t>(i), m.title, now}));
  }
  return ok();
}

Result<void> write_units(db::Tx& tx, const std::string& course_id, const Module& m) {
  for (size_t i = 0; i < m.units.size(); ++i) {
    TRV_TRY(
        tx.exec("UPDATE outline_units SET module_id = $3, position = $4, title = $5 "
                "WHERE course_id = $1 AND id = $2",
                {course_id, m.units[i].id, m.id, static_cast<int64_t>(i), m.units[i].title}));
  }
  return ok();
}

Result<void> write_blocks(db::Tx& tx, const std::string& course_id, const Unit& u) {
  for (size_t i = 0; i < u.blocks.size(); ++i) {
    const Block& b = u.blocks[i];
    TRV_TRY(
        tx.exec("UPDATE outline_blocks SET unit_id = $3, position = $4, title = $5, settings_json = $6 "
                "WHERE course_id = $1 AND id = $2",
                {course_id, b.id, u.id, static_cast<int64_t>(i), b.title, b.settings_json}));
  }
  return ok();
}

Result<void> copy_module(db::Tx& tx, DraftState& d, size_t index, int64_t now) {
  Module& m = d.modules[index];
  if (!m.shared_from) return ok();
  m.copied_from = m.shared_from;
  m.shared_from.reset();
  if (d.rows.count(m.id)) {  // its placement row gives way to the copy
    TRV_TRY(tx.exec("DELETE FROM outline_modules WHERE course_id = $1 AND id = $2 AND state = 2", {d.course_id, m.id}));
  }
  TRV_TRY(insert_module(tx, d.course_id, m, static_cast<int>(index), now));
  for (size_t j = 0; j < m.units.size(); ++j) {
    TRV_TRY(insert_unit(tx, d.course_id, m.id, m.units[j], static_cast<int>(j)));
    for (size_t k = 0; k < m.units[j].blocks.size(); ++k)
      TRV_TRY(insert_block(tx, d.course_id, m.units[j].id, m.units[j].blocks[k], static_cast<int>(k)));
  }
  d.rows[m.id] = RowState::Own;
  return ok();
}

Result<std::vector<VersionInfo>> list_versions(db::Tx& tx, const std::string& course_id) {
  TRV_ASSIGN(db::Rows rows, tx.query("SELECT version, published_at, published_by FROM course_versions "
                                     "WHERE course_id = $1 ORDER BY version DESC",
                                     {course_id}));
  std::vector<VersionInfo> out;
  for (const db::Row& r : rows) out.push_back(VersionInfo{course_id, static_cast<int>(r.i64(0)), r.i64(1), r.text(2)});
  return out;
}

Result<std::optional<std::pair<VersionInfo, std::string>>> find_version(db::Tx& tx, const std::string& course_id,
                                                                        int version) {
  TRV_ASSIGN(auto row, tx.one("SELECT published_at, published_by, outline_json FROM course_versions "
                              "WHERE course_id = $1 AND version = $2",
                              {course_id, version}));
  if (!row) return std::optional<std::pair<VersionInfo, std::string>>{};
  return std::optional<std::pair<VersionInfo, std::string>>(
      std::pair{VersionInfo{course_id, version, row->i64(0), row->text(1)}, row->text(2)});
}

Result<void> insert_version(db::Tx& tx, const VersionInfo& v, const std::string& json) {
  TRV_TRY(
      tx.exec("INSERT INTO course_versions (course_id, version, published_at, published_by, outline_json) "
              "VALUES ($1, $2, $3, $4, $5)",
              {v.course_id, v.version, v.published_at_ms, v.published_by, json}));
  return ok();
}

Result<std::map<std::string, int64_t>> run_releases(db::Tx& tx, const std::string& run_id) {
  TRV_ASSIGN(db::Rows rows,
             tx.query("SELECT module_id, release_at FROM run_module_releases WHERE run_id = $1", {run_id}));
  std::map<std::string, int64_t> out;
  for (const db::Row& r : rows) out[r.text(0)] = r.i64(1);
  return out;
}

Result<void> upsert_release(db::Tx& tx, const std::string& run_id, const std::string& module_id, int64_t at) {
  TRV_TRY(
      tx.exec("INSERT INTO run_module_releases (run_id, module_id, release_at) VALUES ($1, $2, $3) "
              "ON CONFLICT (run_id, module_id) DO UPDATE SET release_at = excluded.release_at",
              {run_id, module_id, at}));
  return ok();
}

Result<int64_t> delete_release(db::Tx& tx, const std::string& run_id, const std::string& module_id) {
  return tx.exec("DELETE FROM run_module_releases WHERE run_id = $1 AND module_id = $2", {run_id, module_id});
}

}  // namespace trivium::outline
