// Organisations and departments: validation, the transaction around each
// change and its audit event. Members are in members.cpp.

#include <algorithm>
#include <map>
#include <set>

#include "core/ids.h"
#include "core/json.h"
#include "orgs/orgs.h"
#include "orgs/queries.h"
#include "orgs/validation.h"

namespace trivium::orgs {

namespace bj = boost::json;

Service::Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, UserLookup find_user)
    : store_(store), clock_(clock), audit_(audit), find_user_(std::move(find_user)) {}

audit::Event Service::event(const Actor& actor, std::string action, const std::string& org_id) const {
  audit::Event e;
  e.action = std::move(action);
  e.actor_id = actor.user_id;
  e.ip = actor.ip;
  e.request_id = actor.request_id;
  e.organisation_id = org_id;
  return e;
}

namespace {

audit::Event& about(audit::Event& e, std::string kind, std::string id, const bj::object& detail) {
  e.target_kind = std::move(kind);
  e.target_id = std::move(id);
  e.detail_json = json::serialize(detail);
  return e;
}

bj::value nullable(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return bj::value(*s);
}

}  // namespace

// --- Organisations ---------------------------------------------------------

Result<Organisation> Service::ensure_platform_organisation() {
  // Two processes starting together may both insert; the loser's unique
  // violation sends it round once more to read the winner's row.
  for (int attempt = 0;; ++attempt) {
    Organisation platform;
    auto r = store_.write([&](db::Tx& tx) -> Result<void> {
      TRV_ASSIGN(std::optional<Organisation> found, queries::find_organisation_by_slug(tx, kPlatformSlug));
      if (found) {
        platform = std::move(*found);
        return ok();
      }
      const int64_t now = clock_.now_ms();
      platform = Organisation{new_id(), kPlatformSlug, "Platform", "platform", now, now};
      TRV_TRY(queries::insert_organisation(tx, platform));
      audit::Event e = event(Actor{}, "org.created", platform.id);
      return audit_.record(tx,
                           about(e, "organisation", platform.id, {{"slug", platform.slug}, {"kind", platform.kind}}));
    });
    if (r) return platform;
    if (attempt > 0 || !db::is_unique_violation(r.error())) return r.failure();
  }
}

Result<Organisation> Service::create_organisation(const Actor& actor, const NewOrganisation& in) {
  TRV_TRY(validate_new_organisation(in));
  const int64_t now = clock_.now_ms();
  Organisation org{new_id(), in.slug, in.name, in.kind, now, now};
  auto r = store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<Organisation> taken, queries::find_organisation_by_slug(tx, in.slug));
    if (taken) return slug_taken();
    TRV_TRY(queries::insert_organisation(tx, org));
    audit::Event e = event(actor, "org.created", org.id);
    return audit_.record(
        tx, about(e, "organisation", org.id, {{"slug", org.slug}, {"name", org.name}, {"kind", org.kind}}));
  });
  if (!r) return db::is_unique_violation(r.error()) ? slug_taken() : r.failure();
  return org;
}

Result<Page<Organisation>> Service::list_organisations(const Actor& viewer, const std::string& after, int limit) {
  const int64_t n = clamp_limit(limit);
  std::vector<Organisation> rows;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(rows, viewer.platform_admin ? queries::all_organisations(tx, after, n + 1)
                                           : queries::organisations_of(tx, viewer.user_id, after, n + 1));
    return ok();
  }));
  return page_of(std::move(rows), n, [](const Organisation& o) { return o.id; });
}

Result<Organisation> Service::get_organisation(const std::string& org_id) {
  std::optional<Organisation> found;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(found, queries::find_organisation(tx, org_id));
    return ok();
  }));
  if (!found) return fail(ErrorKind::NotFound, "No such organisation.");
  return *found;
}

Result<Organisation> Service::rename_organisation(const Actor& actor, const std::string& org_id,
                                                  const std::string& name) {
  TRV_TRY(validate_name("name", name));
  Organisation org;
  TRV_TRY(store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<Organisation> found, queries::find_organisation(tx, org_id));
    if (!found) return fail(ErrorKind::NotFound, "No such organisation.");
    org = std::move(*found);
    if (org.name == name) return ok();
    const std::string before = org.name;
    org.name = name;
    org.updated_at_ms = clock_.now_ms();
    TRV_TRY(queries::rename_organisation(tx, org_id, name, org.updated_at_ms));
    audit::Event e = event(actor, "org.updated", org_id);
    return audit_.record(tx,
                         about(e, "organisation", org_id, {{"name", bj::object{{"before", before}, {"after", name}}}}));
  }));
  return org;
}

// --- Departments -----------------------------------------------------------

Result<std::vector<Department>> Service::list_departments(const std::string& org_id) {
  std::vector<Department> out;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(bool exists, queries::organisation_exists(tx, org_id));
    if (!exists) return fail(ErrorKind::NotFound, "No such organisation.");
    TRV_ASSIGN(out, queries::departments(tx, org_id));
    return ok();
  }));
  return out;
}

Result<Department> Service::create_department(const Actor& actor, const std::string& org_id, const NewDepartment& in) {
  TRV_TRY(validate_name("name", in.name));
  Department dept{new_id(), org_id, in.name, in.parent_id, clock_.now_ms()};
  if (dept.parent_id && dept.parent_id->empty()) dept.parent_id.reset();
  auto r = store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(bool exists, queries::organisation_exists(tx, org_id));
    if (!exists) return fail(ErrorKind::NotFound, "No such organisation.");
    if (dept.parent_id) {
      TRV_ASSIGN(std::optional<Department> parent, queries::find_department(tx, org_id, *dept.parent_id));
      if (!parent) return unknown_department("parent_id");
    }
    TRV_TRY(queries::insert_department(tx, dept));
    audit::Event e = event(actor, "org.department_created", org_id);
    return audit_.record(
        tx, about(e, "department", dept.id, {{"name", dept.name}, {"parent_id", nullable(dept.parent_id)}}));
  });
  if (!r) return db::is_unique_violation(r.error()) ? department_name_taken() : r.failure();
  return dept;
}

namespace {

// Whether making `parent_id` the parent of `id` would put `id` above
// itself. Walks up from the new parent through the organisation's tree.
bool would_cycle(const std::vector<Department>& all, const std::string& id, const std::string& parent_id) {
  std::map<std::string, std::optional<std::string>> parent_of;
  for (const Department& d : all) parent_of[d.id] = d.parent_id;
  std::set<std::string> seen;
  std::optional<std::string> at = parent_id;
  while (at) {
    if (*at == id || !seen.insert(*at).second) return true;
    auto it = parent_of.find(*at);
    if (it == parent_of.end()) return false;
    at = it->second;
  }
  return false;
}

}  // namespace

Result<Department> Service::update_department(const Actor& actor, const std::string& org_id,
                                              const std::string& department_id, const DepartmentChange& change) {
  if (change.name) TRV_TRY(validate_name("name", *change.name));
  Department dept;
  auto r = store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<Department> found, queries::find_department(tx, org_id, department_id));
    if (!found) return fail(ErrorKind::NotFound, "No such department in this organisation.");
    dept = std::move(*found);
    const Department before = dept;
    if (change.name) dept.name = *change.name;
    if (change.parent_id) {
      if (change.parent_id->empty()) {
        dept.parent_id.reset();
      } else {
        TRV_ASSIGN(std::vector<Department> all, queries::departments(tx, org_id));
        const bool known =
            std::any_of(all.begin(), all.end(), [&](const Department& d) { return d.id == *change.parent_id; });
        if (!known) return unknown_department("parent_id");
        if (would_cycle(all, dept.id, *change.parent_id)) {
          return invalid("parent_id", "cycle", "A department cannot be placed under itself.");
        }
        dept.parent_id = change.parent_id;
      }
    }
    if (dept.name == before.name && dept.parent_id == before.parent_id) return ok();
    TRV_TRY(queries::update_department(tx, dept));
    audit::Event e = event(actor, "org.department_updated", org_id);
    bj::object detail{{"before", bj::object{{"name", before.name}, {"parent_id", nullable(before.parent_id)}}},
                      {"after", bj::object{{"name", dept.name}, {"parent_id", nullable(dept.parent_id)}}}};
    return audit_.record(tx, about(e, "department", dept.id, detail));
  });
  if (!r) return db::is_unique_violation(r.error()) ? department_name_taken() : r.failure();
  return dept;
}

Result<void> Service::delete_department(const Actor& actor, const std::string& org_id,
                                        const std::string& department_id) {
  return store_.write([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<Department> found, queries::find_department(tx, org_id, department_id));
    if (!found) return fail(ErrorKind::NotFound, "No such department in this organisation.");
    TRV_ASSIGN(int64_t teams, queries::count_teams(tx, org_id, department_id));
    if (teams > 0) {
      return fail(ErrorKind::Conflict, "The department still has teams; move or delete them first.");
    }
    TRV_ASSIGN(int64_t unassigned, queries::delete_department(tx, org_id, department_id));
    audit::Event e = event(actor, "org.department_deleted", org_id);
    return audit_.record(
        tx, about(e, "department", department_id, {{"name", found->name}, {"unassigned_members", unassigned}}));
  });
}

Result<std::vector<std::string>> Service::departments_of(const std::string& user_id, const std::string& org_id) {
  std::vector<std::string> out;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<Member> member, queries::find_member(tx, org_id, user_id));
    if (!member || member->department_ids.empty()) return ok();
    TRV_ASSIGN(std::vector<Department> all, queries::departments(tx, org_id));
    // Breadth-first down the tree from the member's own departments.
    std::set<std::string> reached(member->department_ids.begin(), member->department_ids.end());
    std::vector<std::string> frontier(reached.begin(), reached.end());
    while (!frontier.empty()) {
      std::vector<std::string> next;
      for (const Department& d : all) {
        if (d.parent_id && std::find(frontier.begin(), frontier.end(), *d.parent_id) != frontier.end() &&
            reached.insert(d.id).second) {
          next.push_back(d.id);
        }
      }
      frontier = std::move(next);
    }
    out.assign(reached.begin(), reached.end());
    return ok();
  }));
  return out;
}

}  // namespace trivium::orgs
