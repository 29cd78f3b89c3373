// The SQL of the orgs module (internal). Each function runs inside the
// caller's transaction; every query about departments or members is keyed by
// the organisation id, so a row of another organisation is never matched.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/db.h"
#include "core/result.h"
#include "orgs/model.h"

namespace trivium::orgs::queries {

// Organisations.
Result<void> insert_organisation(db::Tx& tx, const Organisation& o);
Result<std::optional<Organisation>> find_organisation(db::Tx& tx, const std::string& id);
Result<std::optional<Organisation>> find_organisation_by_slug(db::Tx& tx, const std::string& slug);
Result<bool> organisation_exists(db::Tx& tx, const std::string& id);
Result<void> rename_organisation(db::Tx& tx, const std::string& id, const std::string& name, int64_t now_ms);
Result<std::vector<Organisation>> all_organisations(db::Tx& tx, const std::string& after, int64_t limit);
Result<std::vector<Organisation>> organisations_of(db::Tx& tx, const std::string& user_id, const std::string& after,
                                                   int64_t limit);

// Departments.
Result<std::vector<Department>> departments(db::Tx& tx, const std::string& org_id);
Result<std::optional<Department>> find_department(db::Tx& tx, const std::string& org_id, const std::string& id);
Result<void> insert_department(db::Tx& tx, const Department& d);
Result<void> update_department(db::Tx& tx, const Department& d);
Result<int64_t> count_teams(db::Tx& tx, const std::string& org_id, const std::string& id);
// Deletes the department and every member's assignment to it; returns how
// many members were assigned.
Result<int64_t> delete_department(db::Tx& tx, const std::string& org_id, const std::string& id);

// Members.
Result<std::optional<int64_t>> joined_at(db::Tx& tx, const std::string& org_id, const std::string& user_id);
// The member's roles including the implicit "member"; nullopt for a
// non-member. One indexed query (the authorisation hot path).
Result<std::optional<std::vector<std::string>>> member_roles(db::Tx& tx, const std::string& org_id,
                                                             const std::string& user_id);
Result<std::optional<Member>> find_member(db::Tx& tx, const std::string& org_id, const std::string& user_id);
Result<void> insert_membership(db::Tx& tx, const std::string& org_id, const std::string& user_id, int64_t now_ms);
Result<void> set_roles(db::Tx& tx, const std::string& org_id, const std::string& user_id,
                       const std::vector<std::string>& roles);
Result<void> set_departments(db::Tx& tx, const std::string& org_id, const std::string& user_id,
                             const std::vector<std::string>& department_ids);
// Membership with the role "member" unless the user has one; true if added now.
Result<bool> ensure_membership(db::Tx& tx, const std::string& org_id, const std::string& user_id, int64_t now_ms);
Result<void> add_department(db::Tx& tx, const std::string& org_id, const std::string& user_id,
                            const std::string& department_id);
Result<void> delete_membership(db::Tx& tx, const std::string& org_id, const std::string& user_id);
Result<int64_t> count_admins(db::Tx& tx, const std::string& org_id);
// Members with user id > after, ordered by user id, with roles and departments.
Result<std::vector<Member>> members(db::Tx& tx, const std::string& org_id, const std::string& after, int64_t limit);

}  // namespace trivium::orgs::queries
