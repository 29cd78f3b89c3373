// Agents and Groups: the rules that make an actor identifiable (exactly one
// inverse functional identifier; anonymous groups list their members, who are
// agents), and the one-string identifier the LRS indexes them by.
#include <array>

#include "xapi/statement.h"

namespace trivium::xapi {

namespace detail {

namespace {

constexpr std::array<std::string_view, 4> kIdentifiers = {"mbox", "mbox_sha1sum", "openid", "account"};

bool check_account(const bj::value& v, const Path& at, Problems& problems) {
  if (!v.is_object()) return problems.fail(at, type_reason(v, "an object with homePage and name"));
  bool home_page = false, name = false;
  for (const auto& kv : v.get_object()) {
    std::string_view k = kv.key();
    const Path p = at.child(k);
    if (k == "homePage") {
      if (!kv.value().is_string()) return problems.fail(p, type_reason(kv.value(), "an IRL"));
      if (!valid_iri(kv.value().get_string()))
        return problems.fail(p, "must be an IRL (an absolute IRI with a scheme)");
      home_page = true;
    } else if (k == "name") {
      if (!kv.value().is_string()) return problems.fail(p, type_reason(kv.value(), "a string"));
      name = true;
    } else {
      return problems.fail(p, "is not a property of an account");
    }
  }
  if (!home_page) return problems.fail(at.child("homePage"), "is required");
  if (!name) return problems.fail(at.child("name"), "is required");
  return true;
}

// One identifier property, whatever actor it belongs to.
bool check_identifier(std::string_view k, const bj::value& v, const Path& at, Problems& problems) {
  if (k == "account") return check_account(v, at, problems);
  if (!v.is_string()) return problems.fail(at, type_reason(v, "a string"));
  std::string_view s = v.get_string();
  if (k == "mbox" && !valid_mbox(s))
    return problems.fail(at, "must be a mailto IRI (\"mailto:\" and an e-mail address)");
  if (k == "mbox_sha1sum" && !valid_sha1_hex(s)) return problems.fail(at, "must be a SHA-1 digest in hex (40 digits)");
  if (k == "openid" && !valid_iri(s)) return problems.fail(at, "must be a URI (an absolute IRI with a scheme)");
  return true;
}

}  // namespace

std::optional<ActorKind> check_actor(const bj::value& v, const Path& at, Expect expect, Problems& problems) {
  if (!v.is_object()) {
    problems.fail(at, type_reason(v, expect == Expect::Group ? "a Group object" : "an Agent or Group object"));
    return std::nullopt;
  }
  const bj::object& o = v.get_object();
  bool group = false;
  if (const bj::value* type = o.if_contains("objectType")) {
    const Path p = at.child("objectType");
    if (!type->is_string()) {
      problems.fail(p, type_reason(*type, "\"Agent\" or \"Group\""));
      return std::nullopt;
    }
    if (type->get_string() == "Group") {
      group = true;
    } else if (type->get_string() != "Agent") {
      problems.fail(p, "must be \"Agent\" or \"Group\"");
      return std::nullopt;
    }
  }
  if (expect == Expect::Agent && group) {
    problems.fail(at, "must be an Agent, not a Group");
    return std::nullopt;
  }
  if (expect == Expect::Group && !group) {
    problems.fail(at, "must be a Group (objectType \"Group\")");
    return std::nullopt;
  }
  int identifiers = 0;
  const bj::value* member = nullptr;
  for (const auto& kv : o) {
    std::string_view k = kv.key();
    const Path p = at.child(k);
    if (k == "objectType") continue;
    if (k == "name") {
      if (!kv.value().is_string()) {
        problems.fail(p, type_reason(kv.value(), "a string"));
        return std::nullopt;
      }
    } else if (k == "mbox" || k == "mbox_sha1sum" || k == "openid" || k == "account") {
      ++identifiers;
      if (!check_identifier(k, kv.value(), p, problems)) return std::nullopt;
    } else if (k == "member" && group) {
      member = &kv.value();
    } else {
      problems.fail(p, group ? "is not a property of a Group" : "is not a property of an Agent");
      return std::nullopt;
    }
  }
  if (identifiers > 1) {
    problems.fail(at, "must have exactly one inverse functional identifier (mbox, mbox_sha1sum, openid or account)");
    return std::nullopt;
  }
  if (!group) {
    if (identifiers == 0) {
      problems.fail(at, "an Agent needs an inverse functional identifier (mbox, mbox_sha1sum, openid or account)");
      return std::nullopt;
    }
    return ActorKind::Agent;
  }
  const Path member_path = at.child("member");
  if (member == nullptr) {
    if (identifiers == 0) {
      problems.fail(at, "an anonymous Group (one without identifier) must list its members in \"member\"");
      return std::nullopt;
    }
    return ActorKind::IdentifiedGroup;
  }
  if (!member->is_array()) {
    problems.fail(member_path, type_reason(*member, "an array of Agents"));
    return std::nullopt;
  }
  const bj::array& members = member->get_array();
  if (identifiers == 0 && members.empty()) {
    problems.fail(member_path, "an anonymous Group must list at least one member");
    return std::nullopt;
  }
  for (size_t i = 0; i < members.size(); ++i) {
    const Path p = member_path.at(i);
    if (!check_actor(members[i], p, Expect::Agent, problems)) return std::nullopt;
  }
  return identifiers == 0 ? ActorKind::AnonymousGroup : ActorKind::IdentifiedGroup;
}

}  // namespace detail

std::optional<std::string> agent_key(const boost::json::object& agent) {
  const boost::json::value* found = nullptr;
  std::string_view kind;
  for (std::string_view k : detail::kIdentifiers) {
    if (const boost::json::value* v = agent.if_contains(k)) {
      if (found != nullptr) return std::nullopt;
      found = v;
      kind = k;
    }
  }
  if (found == nullptr) return std::nullopt;
  if (kind == "account") {
    if (!found->is_object()) return std::nullopt;
    const boost::json::value* home = found->get_object().if_contains("homePage");
    const boost::json::value* name = found->get_object().if_contains("name");
    if (home == nullptr || name == nullptr || !home->is_string() || !name->is_string()) return std::nullopt;
    if (!valid_iri(home->get_string())) return std::nullopt;
    std::string key = "account:";
    key += home->get_string();
    key += ' ';
    key += name->get_string();
    return key;
  }
  if (!found->is_string()) return std::nullopt;
  std::string_view value = found->get_string();
  if (kind == "mbox") {
    if (!detail::valid_mbox(value)) return std::nullopt;
    // The domain of an address is case-insensitive, its local part is not.
    size_t at = value.rfind('@');
    return "mbox:" + std::string(value.substr(0, at + 1)) + detail::to_lower(value.substr(at + 1));
  }
  if (kind == "mbox_sha1sum") {
    if (!detail::valid_sha1_hex(value)) return std::nullopt;
    return "mbox_sha1sum:" + detail::to_lower(value);
  }
  if (!valid_iri(value)) return std::nullopt;
  return "openid:" + std::string(value);
}

}  // namespace trivium::xapi
