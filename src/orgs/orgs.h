// Organisations (companies, schools, the platform itself), their departments
// and teams, and their members with organisation roles.
//
// The module owns the "organisation" context of the authorisation policy:
// RoleSource below tells authz::Policy which roles a user holds in an
// organisation. Routes name capabilities (capabilities()); the service never
// checks roles itself, it only filters what a viewer lists. Every change
// writes an audit event in its own transaction, with the organisation id set.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "authz/authz.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/http.h"
#include "core/result.h"
#include "orgs/model.h"

namespace trivium::orgs {

// Resolves an e-mail address to a user id (nullopt: no such user). The app
// wires it to the identity module, whose tables this module does not read.
using UserLookup = std::function<Result<std::optional<std::string>>(const std::string& email)>;

class Service {
 public:
  Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, UserLookup find_user);

  // The organisation standing for the platform (slug "platform"), created on
  // first call. The app calls it at start-up.
  Result<Organisation> ensure_platform_organisation();

  // Organisations. Kinds that can be created: company, school, other.
  Result<Organisation> create_organisation(const Actor& actor, const NewOrganisation& in);
  // Platform admins see every organisation, anyone else those they belong
  // to; ordered by id, continuing after the id `after` ("" for the start).
  Result<Page<Organisation>> list_organisations(const Actor& viewer, const std::string& after, int limit);
  Result<Organisation> get_organisation(const std::string& org_id);
  Result<Organisation> rename_organisation(const Actor& actor, const std::string& org_id, const std::string& name);

  // Departments and teams. Every department id is looked up within
  // `org_id`: one of another organisation is NotFound (path) or Invalid
  // (body), never touched (AC-02, AC-04).
  Result<std::vector<Department>> list_departments(const std::string& org_id);
  Result<Department> create_department(const Actor& actor, const std::string& org_id, const NewDepartment& in);
  Result<Department> update_department(const Actor& actor, const std::string& org_id, const std::string& department_id,
                                       const DepartmentChange& change);
  // Conflict while it still has teams; its members stay in the organisation.
  Result<void> delete_department(const Actor& actor, const std::string& org_id, const std::string& department_id);

  // Members, ordered by user id, continuing after the user id `after`.
  Result<Page<Member>> list_members(const std::string& org_id, const std::string& after, int limit);
  Result<Member> get_member(const std::string& org_id, const std::string& user_id);
  Result<Member> add_member(const Actor& actor, const std::string& org_id, const NewMember& in);
  // Conflict if the change would leave the organisation without an admin.
  Result<Member> update_member(const Actor& actor, const std::string& org_id, const std::string& user_id,
                               const MemberChange& change);
  Result<void> remove_member(const Actor& actor, const std::string& org_id, const std::string& user_id);

  // For roster imports: makes each user a member (role "member") if they are
  // not one yet, and adds the department when one is given (other roles and
  // departments are kept), in one transaction. Returns, in order, whether
  // each user joined now. Departments must belong to `org_id` (Invalid).
  Result<std::vector<bool>> place_members(const Actor& actor, const std::string& org_id,
                                          const std::vector<MemberPlacement>& batch);

  // The departments whose reports a manager sees: those the user belongs to
  // in `org_id` and every team below them. Empty for a non-member.
  Result<std::vector<std::string>> departments_of(const std::string& user_id, const std::string& org_id);

 private:
  audit::Event event(const Actor& actor, std::string action, const std::string& org_id) const;

  db::Store& store_;
  const Clock& clock_;
  audit::AuditLog& audit_;
  UserLookup find_user_;
};

// Roles in the "organisation" context for authz::Policy: every member holds
// "member" plus the roles assigned to them; the parent is the platform.
// Register it with policy.add_role_source("organisation", roles).
class RoleSource final : public authz::RoleSource {
 public:
  explicit RoleSource(db::Store& store) : store_(store) {}
  Result<std::vector<std::string>> roles_in(const std::string& user_id, const authz::ContextRef& ctx) override;
  Result<std::optional<authz::ContextRef>> parent_of(const authz::ContextRef& ctx) override;

 private:
  db::Store& store_;
};

// The capabilities the routes below name, for authz::Policy::declare.
std::vector<authz::Capability> capabilities();

// /api/v1/orgs and everything under it except the audit log.
void register_routes(http::Router& router, Service& service);

}  // namespace trivium::orgs
