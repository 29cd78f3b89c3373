// Roles in the "organisation" context, asked by authz::Policy before every
// organisation route. Nothing is cached: a role removed is a role gone on
// the very next request.

#include "orgs/orgs.h"
#include "orgs/queries.h"

namespace trivium::orgs {

Result<std::vector<std::string>> RoleSource::roles_in(const std::string& user_id, const authz::ContextRef& ctx) {
  std::vector<std::string> roles;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(std::optional<std::vector<std::string>> held, queries::member_roles(tx, ctx.id, user_id));
    if (held) roles = std::move(*held);
    return ok();
  }));
  return roles;
}

Result<std::optional<authz::ContextRef>> RoleSource::parent_of(const authz::ContextRef& ctx) {
  bool exists = false;
  TRV_TRY(store_.read([&](db::Tx& tx) -> Result<void> {
    TRV_ASSIGN(exists, queries::organisation_exists(tx, ctx.id));
    return ok();
  }));
  if (!exists) return fail(ErrorKind::NotFound, "No such organisation.");
  return std::optional<authz::ContextRef>(authz::ContextRef{"platform", ""});
}

}  // namespace trivium::orgs
