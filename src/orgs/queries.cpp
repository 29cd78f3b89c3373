// SQL for organisations, departments and memberships, in the subset common
// to SQLite and PostgreSQL.

#include "orgs/queries.h"

#include <algorithm>
#include <map>

namespace trivium::orgs::queries {
namespace {

constexpr std::string_view kOrganisationColumns = "id, slug, name, kind, created_at, updated_at";

Organisation organisation_from(const db::Row& row) {
  return Organisation{row.text(0), row.text(1), row.text(2), row.text(3), row.i64(4), row.i64(5)};
}

std::vector<Organisation> organisations_from(const db::Rows& rows) {
  std::vector<Organisation> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(organisation_from(row));
  return out;
}

Department department_from(const db::Row& row) {
  return Department{row.text(0), row.text(1), row.text(2), row.opt_text(3), row.i64(4)};
}

Result<std::optional<Organisation>> one_organisation(db::Tx& tx, const std::string& sql, const std::string& key) {
  TRV_ASSIGN(std::optional<db::Row> row, tx.one(sql, {key}));
  if (!row) return std::optional<Organisation>{};
  return std::optional<Organisation>(organisation_from(*row));
}

}  // namespace

// --- Organisations ---------------------------------------------------------

Result<void> insert_organisation(db::Tx& tx, const Organisation& o) {
  TRV_TRY(
      tx.exec("INSERT INTO organisations (id, slug, name, kind, created_at, updated_at) "
              "VALUES ($1, $2, $3, $4, $5, $6)",
              {o.id, o.slug, o.name, o.kind, o.created_at_ms, o.updated_at_ms}));
  return ok();
}

Result<std::optional<Organisation>> find_organisation(db::Tx& tx, const std::string& id) {
  static const std::string sql = "SELECT " + std::string(kOrganisationColumns) + " FROM organisations WHERE id = $1";
  return one_organisation(tx, sql, id);
}

Result<std::optional<Organisation>> find_organisation_by_slug(db::Tx& tx, const std::string& slug) {
  static const std::string sql = "SELECT " + std::string(kOrganisationColumns) + " FROM organisations WHERE slug = $1";
  return one_organisation(tx, sql, slug);
}

Result<bool> organisation_exists(db::Tx& tx, const std::string& id) {
  TRV_ASSIGN(std::optional<db::Row> row, tx.one("SELECT 1 FROM organisations WHERE id = $1", {id}));
  return row.has_value();
}

Result<void> rename_organisation(db::Tx& tx, const std::string& id, const std::string& name, int64_t now_ms) {
  TRV_TRY(tx.exec("UPDATE organisations SET name = $2, updated_at = $3 WHERE id = $1", {id, name, now_ms}));
  return ok();
}

Result<std::vector<Organisation>> all_organisations(db::Tx& tx, const std::string& after, int64_t limit) {
  static const std::string sql =
      "SELECT " + std::string(kOrganisationColumns) + " FROM organisations WHERE id > $1 ORDER BY id LIMIT $2";
  TRV_ASSIGN(db::Rows rows, tx.query(sql, {after, limit}));
  return organisations_from(rows);
}

Result<std::vector<Organisation>> organisations_of(db::Tx& tx, const std::string& user_id, const std::string& after,
                                                   int64_t limit) {
  TRV_ASSIGN(db::Rows rows, tx.query("SELECT o.id, o.slug, o.name, o.kind, o.created_at, o.updated_at "
                                     "FROM memberships m JOIN organisations o ON o.id = m.organisation_id "
                                     "WHERE m.user_id = $1 AND m.organisation_id > $2 "
                                     "ORDER BY m.organisation_id LIMIT $3",
                                     {user_id, after, limit}));
  return organisations_from(rows);
}

// --- Departments -----------------------------------------------------------

Result<std::vector<Department>> departments(db::Tx& tx, const std::string& org_id) {
  TRV_ASSIGN(db::Rows rows, tx.query("SELECT id, organisation_id, name, parent_id, created_at FROM departments "
                                     "WHERE organisation_id = $1 ORDER BY name, id",
                                     {org_id}));
  std::vector<Department> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(department_from(row));
  return out;
}

Result<std::optional<Department>> find_department(db::Tx& tx, const std::string& org_id, const std::string& id) {
  TRV_ASSIGN(std::optional<db::Row> row,
             tx.one("SELECT id, organisation_id, name, parent_id, created_at FROM departments "
                    "WHERE organisation_id = $1 AND id = $2",
                    {org_id, id}));
  if (!row) return std::optional<Department>{};
  return std::optional<Department>(department_from(*row));
}

Result<void> insert_department(db::Tx& tx, const Department& d) {
  TRV_TRY(
      tx.exec("INSERT INTO departments (id, organisation_id, name, parent_id, created_at) "
              "VALUES ($1, $2, $3, $4, $5)",
              {d.id, d.organisation_id, d.name, d.parent_id, d.created_at_ms}));
  return ok();
}

Result<void> update_department(db::Tx& tx, const Department& d) {
  TRV_TRY(tx.exec("UPDATE departments SET name = $3, parent_id = $4 WHERE organisation_id = $1 AND id = $2",
                  {d.organisation_id, d.id, d.name, d.parent_id}));
  return ok();
}

Result<int64_t> count_teams(db::Tx& tx, const std::string& org_id, const std::string& id) {
  TRV_ASSIGN(std::optional<db::Row> row,
             tx.one("SELECT COUNT(*) FROM departments WHERE organisation_id = $1 AND parent_id = $2", {org_id, id}));
  return row ? row->i64(0) : 0;
}

Result<int64_t> delete_department(db::Tx& tx, const std::string& org_id, const std::string& id) {
  TRV_ASSIGN(int64_t assigned,
             tx.exec("DELETE FROM member_departments WHERE organisation_id = $1 AND department_id = $2", {org_id, id}));
  TRV_TRY(tx.exec("DELETE FROM departments WHERE organisation_id = $1 AND id = $2", {org_id, id}));
  return assigned;
}

// --- Members ---------------------------------------------------------------

Result<std::optional<int64_t>> joined_at(db::Tx& tx, const std::string& org_id, const std::string& user_id) {
  TRV_ASSIGN(
      std::optional<db::Row> row,
      tx.one("SELECT joined_at FROM memberships WHERE organisation_id = $1 AND user_id = $2", {org_id, user_id}));
  if (!row) return std::optional<int64_t>{};
  return std::optional<int64_t>(row->i64(0));
}

Result<std::optional<std::vector<std::string>>> member_roles(db::Tx& tx, const std::string& org_id,
                                                             const std::string& user_id) {
  // The LEFT JOIN keeps a member whose role rows are missing: membership
  // alone is the "member" role.
  TRV_ASSIGN(db::Rows rows, tx.query("SELECT r.role FROM memberships m LEFT JOIN organisation_roles r "
                                     "ON r.organisation_id = m.organisation_id AND r.user_id = m.user_id "
                                     "WHERE m.organisation_id = $1 AND m.user_id = $2",
                                     {org_id, user_id}));
  if (rows.empty()) return std::optional<std::vector<std::string>>{};
  std::vector<std::string> roles{"member"};
  for (const db::Row& row : rows) {
    if (!row.is_null(0)) roles.push_back(row.text(0));
  }
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  return std::optional<std::vector<std::string>>(std::move(roles));
}

Result<std::optional<Member>> find_member(db::Tx& tx, const std::string& org_id, const std::string& user_id) {
  TRV_ASSIGN(std::optional<int64_t> joined, joined_at(tx, org_id, user_id));
  if (!joined) return std::optional<Member>{};
  Member m{org_id, user_id, {}, {}, *joined};
  TRV_ASSIGN(std::optional<std::vector<std::string>> roles, member_roles(tx, org_id, user_id));
  if (roles) m.roles = std::move(*roles);
  TRV_ASSIGN(db::Rows depts, tx.query("SELECT department_id FROM member_departments "
                                      "WHERE organisation_id = $1 AND user_id = $2 ORDER BY department_id",
                                      {org_id, user_id}));
  for (const db::Row& row : depts) m.department_ids.push_back(row.text(0));
  return std::optional<Member>(std::move(m));
}

Result<void> insert_membership(db::Tx& tx, const std::string& org_id, const std::string& user_id, int64_t now_ms) {
  TRV_TRY(tx.exec("INSERT INTO memberships (organisation_id, user_id, joined_at) VALUES ($1, $2, $3)",
                  {org_id, user_id, now_ms}));
  return ok();
}

Result<bool> ensure_membership(db::Tx& tx, const std::string& org_id, const std::string& user_id, int64_t now_ms) {
  TRV_ASSIGN(int64_t added, tx.exec("INSERT INTO memberships (organisation_id, user_id, joined_at) VALUES ($1, $2, $3)"
                                    " ON CONFLICT (organisation_id, user_id) DO NOTHING",
                                    {org_id, user_id, now_ms}));
  if (added == 0) return false;
  TRV_TRY(tx.exec("INSERT INTO organisation_roles (organisation_id, user_id, role) VALUES ($1, $2, 'member')",
                  {org_id, user_id}));
  return true;
}

Result<void> add_department(db::Tx& tx, const std::string& org_id, const std::string& user_id,
                            const std::string& department_id) {
  TRV_TRY(tx.exec("INSERT INTO member_departments (organisation_id, user_id, department_id) VALUES ($1, $2, $3)"
                  " ON CONFLICT (organisation_id, user_id, department_id) DO NOTHING",
                  {org_id, user_id, department_id}));
  return ok();
}

Result<void> set_roles(db::Tx& tx, const std::string& org_id, const std::string& user_id,
                       const std::vector<std::string>& roles) {
  TRV_TRY(tx.exec("DELETE FROM organisation_roles WHERE organisation_id = $1 AND user_id = $2", {org_id, user_id}));
  for (const std::string& role : roles) {
    TRV_TRY(tx.exec("INSERT INTO organisation_roles (organisation_id, user_id, role) VALUES ($1, $2, $3)",
                    {org_id, user_id, role}));
  }
  return ok();
}

Result<void> set_departments(db::Tx& tx, const std::string& org_id, const std::string& user_id,
                             const std::vector<std::string>& department_ids) {
  TRV_TRY(tx.exec("DELETE FROM member_departments WHERE organisation_id = $1 AND user_id = $2", {org_id, user_id}));
  for (const std::string& id : department_ids) {
    TRV_TRY(
        tx.exec("INSERT INTO member_departments (organisation_id, user_id, department_id) "
                "VALUES ($1, $2, $3)",
                {org_id, user_id, id}));
  }
  return ok();
}

Result<void> delete_membership(db::Tx& tx, const std::string& org_id, const std::string& user_id) {
  TRV_TRY(set_roles(tx, org_id, user_id, {}));
  TRV_TRY(set_departments(tx, org_id, user_id, {}));
  TRV_TRY(tx.exec("DELETE FROM memberships WHERE organisation_id = $1 AND user_id = $2", {org_id, user_id}));
  return ok();
}

Result<int64_t> count_admins(db::Tx& tx, const std::string& org_id) {
  TRV_ASSIGN(std::optional<db::Row> row,
             tx.one("SELECT COUNT(*) FROM organisation_roles WHERE organisation_id = $1 AND "
                    "role = 'admin'",
                    {org_id}));
  return row ? row->i64(0) : 0;
}

Result<std::vector<Member>> members(db::Tx& tx, const std::string& org_id, const std::string& after, int64_t limit) {
  TRV_ASSIGN(db::Rows rows, tx.query("SELECT user_id, joined_at FROM memberships "
                                     "WHERE organisation_id = $1 AND user_id > $2 ORDER BY user_id LIMIT $3",
                                     {org_id, after, limit}));
  std::vector<Member> out;
  std::map<std::string, size_t> index;
  for (const db::Row& row : rows) {
    index[row.text(0)] = out.size();
    out.push_back(Member{org_id, row.text(0), {"member"}, {}, row.i64(1)});
  }
  if (out.empty()) return out;
  // Roles and departments of the whole page in one range query each, using
  // the key range of the page instead of a list of ids.
  const std::string& last = out.back().user_id;
  TRV_ASSIGN(db::Rows roles, tx.query("SELECT user_id, role FROM organisation_roles WHERE organisation_id = $1 "
                                      "AND user_id > $2 AND user_id <= $3",
                                      {org_id, after, last}));
  for (const db::Row& row : roles) {
    auto it = index.find(row.text(0));
    if (it != index.end()) out[it->second].roles.push_back(row.text(1));
  }
  TRV_ASSIGN(db::Rows depts, tx.query("SELECT user_id, department_id FROM member_departments "
                                      "WHERE organisation_id = $1 AND user_id > $2 AND user_id <= $3",
                                      {org_id, after, last}));
  for (const db::Row& row : depts) {
    auto it = index.find(row.text(0));
    if (it != index.end()) out[it->second].department_ids.push_back(row.text(1));
  }
  for (Member& m : out) {
    std::sort(m.roles.begin(), m.roles.end());
    m.roles.erase(std::unique(m.roles.begin(), m.roles.end()), m.roles.end());
    std::sort(m.department_ids.begin(), m.department_ids.end());
  }
  return out;
}

}  // namespace trivium::orgs::queries
