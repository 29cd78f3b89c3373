// The `agent` query parameter: JSON text read with the API's parser limits,
// then the same actor rules as in a statement. Kept apart from agent.cpp so
// that the statement fuzz target needs none of core's HTTP pieces.
#include "core/json.h"
#include "xapi/statement.h"

namespace trivium::xapi {

Result<boost::json::object> parse_agent_param(std::string_view json_text, Version version) {
  // Agents are the same in 1.0.x and 2.0; the version is taken so that a
  // future difference stays inside this module.
  (void)version;
  auto parsed = json::parse(json_text);
  if (!parsed) return fail(ErrorKind::BadRequest, "agent: is not valid JSON");
  if (!parsed->is_object()) return fail(ErrorKind::BadRequest, "agent: must be a JSON object");
  const detail::Path root{nullptr, "agent", -1};
  detail::Problems problems;
  auto kind = detail::check_actor(*parsed, root, detail::Expect::AgentOrGroup, problems);
  if (!kind) return fail(ErrorKind::BadRequest, problems.detail());
  if (*kind == detail::ActorKind::AnonymousGroup) {
    return fail(ErrorKind::BadRequest,
                "agent: must be an Agent or an identified Group (with one mbox, mbox_sha1sum, openid or account)");
  }
  return std::move(parsed->as_object());
}

}  // namespace trivium::xapi
