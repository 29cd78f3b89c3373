// Members of an organisation: adding, changing roles and departments,
// removing. Every change writes its audit event in the same transaction.

#include <algorithm>

#include "core/json.h"
#include "orgs/orgs.h"
#include "orgs/queries.h"
#include "orgs/validation.h"

namespace trivium::orgs {
namespace {

namespace bj = boost::json;

bj::array to_array(const std::vector<std::string>& v) {
  bj::array a;
  for (const std::string& s : v) a.emplace_back(s);
  return a;
}

bool has_admin(const std::vector<std::string>& roles) {
  return std::find(roles.begin(), roles.end(), "admin") != roles.end();
}

Failure no_such_member() {
  return fail(ErrorKind::NotFound, "No such member of this organisation.");
}

Failure already_member() {
  return fail(ErrorKind::Conflict, "The user is already a member of this organisation.");
}

Failure last_admin() {
  return fail(ErrorKind::Conflict, "The organisation must keep at least one admin.");
}

// The user id of a new member names no user: the foreign key to the users
// table refused it (this module does not read identity's tables).
bool is_missing_reference(const Error& e) {
  // Both stores report any constraint other than UNIQUE as "constraint:...".
  return e.kind == ErrorKind::Conflict && e.detail.rfind("constraint:", 0) == 0;
}

// Every department id of a request body must be a department of this very
// organisation (AC-02: destination ids are checked like path ids).
Result<std::vector<std::string>> checked_departments(db::Tx& tx, const std::string& org_id,
                                                     const std::vector<std::string>& ids) {
  for (size_t i = 0; i < ids.size(); ++i) {
    TRV_ASSIGN(std::optional<Department> d, queries::find_department(tx, org_id, ids[i]));
    if (!d) return unknown_department("department_ids/" + std::to_string(i));
  }
  return sorted_unique(ids);
}

// Refuses to take "admin" away from the organisation's last admin.
Result<void> keep_an_admin(db::Tx& tx, const std::string& org_id, const std::vector<std::string>& before,
                           const std::vector<std::string>& after) {
  if (!has_admin(before) || has_admin(after)) return ok();
  TRV_ASSIGN(int64_t admins, queries::count_admins(tx, org_id));
  if (admins <= 1) return last_admin();
  return ok();
}

}  // namespace

Result<Page<Member>> Service::list_members(const std::string& org_id, const std::string& after, int limit) {
  const int64_t n = clamp_limit(limit);
  std::vector<Member> rows;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(bool exists, queries::organisation_exists(tx, org_id));
    if (!exists) return fail(ErrorKind::NotFound, "No such organisation.");
    TRV_ASSIGN(rows, queries::members(tx, org_id, after, n + 1));
    return ok();
  }));
  return page_of(std::move(rows), n, [](const Member& m) { return m.user_id; });
}

Result<Member> Service::get_member(const std::string& org_id, const std::string& user_id) {
  std::optional<Member> member;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(member, queries::find_member(tx, org_id, user_id));
    return ok();
  }));
  if (!member) return no_such_member();
  return *member;
}

Result<Member> Service::add_member(const Actor& actor, const std::string& org_id, const NewMember& in) {
  if (in.user_id.has_value() == in.email.has_value()) {
    return invalid("user_id", "one_of", "Give either user_id or email.");
  }
  TRV_ASSIGN(std::vector<std::string> roles, normalise_roles(in.roles));
  std::string user_id;
  if (in.email) {
    // Asked before the write transaction: the lookup reads another module's
    // store and must not run on the writer.
    if (!find_user_) return fail(ErrorKind::Internal, "no user lookup is configured");
    TRV_ASSIGN(std::optional<std::string> found, find_user_(*in.email));
    if (!found) return invalid("email", "unknown_user", "No user has this e-mail address.");
    user_id = std::move(*found);
  } else {
    user_id = *in.user_id;
  }
  if (user_id.empty()) return invalid("user_id", "unknown_user", "No such user.");

  std::optional<Member> member;
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(bool exists, queries::organisation_exists(tx, org_id));
    if (!exists) return fail(ErrorKind::NotFound, "No such organisation.");
    TRV_ASSIGN(std::optional<int64_t> joined, queries::joined_at(tx, org_id, user_id));
    if (joined) return already_member();
    TRV_ASSIGN(std::vector<std::string> departments, checked_departments(tx, org_id, in.department_ids));
    if (auto r = queries::insert_membership(tx, org_id, user_id, clock_.now_ms()); !r) {
      if (db::is_unique_violation(r.error())) return already_member();
      if (is_missing_reference(r.error())) {
        return invalid(in.email ? "email" : "user_id", "unknown_user", "No such user.");
      }
      return r.failure();
    }
    TRV_TRY(queries::set_roles(tx, org_id, user_id, roles));
    TRV_TRY(queries::set_departments(tx, org_id, user_id, departments));
    audit::Event e = event(actor, "org.member_added", org_id);
    e.target_kind = "user";
    e.target_id = user_id;
    e.detail_json = json::serialize(bj::object{{"roles", to_array(roles)}, {"department_ids", to_array(departments)}});
    TRV_TRY(audit_.record(tx, e));
    TRV_ASSIGN(member, queries::find_member(tx, org_id, user_id));
    return ok();
  }));
  if (!member) return no_such_member();
  return *member;
}

Result<Member> Service::update_member(const Actor& actor, const std::string& org_id, const std::string& user_id,
                                      const MemberChange& change) {
  std::optional<std::vector<std::string>> roles;
  if (change.roles) {
    TRV_ASSIGN(roles, normalise_roles(*change.roles));
  }
  std::optional<Member> member;
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<Member> before, queries::find_member(tx, org_id, user_id));
    if (!before) return no_such_member();
    if (roles && *roles != before->roles) {
      TRV_TRY(keep_an_admin(tx, org_id, before->roles, *roles));
      TRV_TRY(queries::set_roles(tx, org_id, user_id, *roles));
      audit::Event e = event(actor, "org.role_changed", org_id);
      e.target_kind = "user";
      e.target_id = user_id;
      e.detail_json = json::serialize(bj::object{{"before", to_array(before->roles)}, {"after", to_array(*roles)}});
      TRV_TRY(audit_.record(tx, e));
    }
    if (change.department_ids) {
      TRV_ASSIGN(std::vector<std::string> departments, checked_departments(tx, org_id, *change.department_ids));
      if (departments != before->department_ids) {
        TRV_TRY(queries::set_departments(tx, org_id, user_id, departments));
        audit::Event e = event(actor, "org.member_departments_changed", org_id);
        e.target_kind = "user";
        e.target_id = user_id;
        e.detail_json =
            json::serialize(bj::object{{"before", to_array(before->department_ids)}, {"after", to_array(departments)}});
        TRV_TRY(audit_.record(tx, e));
      }
    }
    TRV_ASSIGN(member, queries::find_member(tx, org_id, user_id));
    return ok();
  }));
  if (!member) return no_such_member();
  return *member;
}

Result<void> Service::remove_member(const Actor& actor, const std::string& org_id, const std::string& user_id) {
  return store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<Member> before, queries::find_member(tx, org_id, user_id));
    if (!before) return no_such_member();
    TRV_TRY(keep_an_admin(tx, org_id, before->roles, {}));
    TRV_TRY(queries::delete_membership(tx, org_id, user_id));
    audit::Event e = event(actor, "org.member_removed", org_id);
    e.target_kind = "user";
    e.target_id = user_id;
    e.detail_json = json::serialize(
        bj::object{{"roles", to_array(before->roles)}, {"department_ids", to_array(before->department_ids)}});
    return audit_.record(tx, e);
  });
}


Result<std::vector<bool>> Service::place_members(const Actor& actor, const std::string& org_id,
                                                 const std::vector<MemberPlacement>& batch) {
  std::vector<bool> joined;
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    joined.assign(batch.size(), false);
    TRV_ASSIGN(bool exists, queries::organisation_exists(tx, org_id));
    if (!exists) return fail(ErrorKind::NotFound, "No such organisation.");
    TRV_ASSIGN(std::vector<Department> known, queries::departments(tx, org_id));
    const int64_t now = clock_.now_ms();
    for (size_t i = 0; i < batch.size(); ++i) {
      const MemberPlacement& p = batch[i];
      if (p.department_id && std::none_of(known.begin(), known.end(),
                                          [&](const Department& d) { return d.id == *p.department_id; })) {
        return invalid("department_id", "unknown_department", "No such department in this organisation.");
      }
      auto added = queries::ensure_membership(tx, org_id, p.user_id, now);
      if (!added) {
        if (is_missing_reference(added.error())) return invalid("user_id", "unknown_user", "No such user.");
        return added.failure();
      }
      joined[i] = *added;
      if (p.department_id) TRV_TRY(queries::add_department(tx, org_id, p.user_id, *p.department_id));
      if (*added) {
        audit::Event e = event(actor, "org.member_added", org_id);
        e.target_kind = "user";
        e.target_id = p.user_id;
        e.detail_json = R"({"source":"import"})";
        TRV_TRY(audit_.record(tx, e));
      }
    }
    return ok();
  }));
  return joined;
}

}  // namespace trivium::orgs
