// The central policy: capability lookup, then a walk up the context tree
// collecting the subject's roles until one of them grants the capability.

#include <algorithm>
#include <exception>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "authz/authz.h"

namespace trivium::authz {
namespace {

// Deep enough for platform -> organisation -> course -> run -> activity;
// anything deeper is a cycle or a bug in a RoleSource.
constexpr int kMaxDepth = 8;

const ContextRef kPlatform{"platform", ""};

bool is_platform(const ContextRef& ctx) {
  return ctx.kind.empty() || ctx.kind == "platform";
}

bool lists_role(const Capability& cap, const std::string& role) {
  return std::find(cap.roles.begin(), cap.roles.end(), role) != cap.roles.end();
}

// True when some role of the capability is held in contexts of `kind`, so
// that a roles_in() query for a context of that kind could matter.
bool has_roles_of_kind(const Capability& cap, const std::string& kind) {
  const std::string prefix = kind + ":";
  return std::any_of(cap.roles.begin(), cap.roles.end(),
                     [&](const std::string& r) { return r.compare(0, prefix.size(), prefix) == 0; });
}

// Values from the request (path parameters) reach the log: keep them on one
// line and short so that nobody can forge log entries (LOG-05).
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 80)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  if (s.size() > 80) out += "...";
  return out;
}

// Calls into a RoleSource, turning an escaping exception into an error so
// that a fault in a lookup can only ever deny (AC-06).
template <typename Fn>
auto guarded(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return fail(ErrorKind::Internal, std::string("role source threw: ") + e.what());
  } catch (...) {
    return fail(ErrorKind::Internal, "role source threw");
  }
}

// Walks from `on` up to the platform and reports whether a role held by the
// subject on the way grants `cap`. The first lookup of each context is
// parent_of(), which doubles as the existence check: a missing object is
// NotFound whatever the subject holds. Each context is visited once, which is
// the whole of the per-call cache and also stops a cyclic RoleSource.
Result<bool> granted_by_roles(const std::unordered_map<std::string, std::vector<RoleSource*>>& sources, const http::Subject& who,
                              const Capability& cap, const ContextRef& on) {
  ContextRef ctx = on;
  std::set<std::pair<std::string, std::string>> visited;
  for (int depth = 0; depth < kMaxDepth; ++depth) {
    if (is_platform(ctx)) return who.platform_admin && lists_role(cap, "platform:admin");
    if (!visited.emplace(ctx.kind, ctx.id).second) {
      return fail(ErrorKind::Internal, "context cycle at " + ctx.kind);
    }
    auto it = sources.find(ctx.kind);
    if (it == sources.end()) {
      // No module holds roles in this kind of context (e.g. "user" before a
      // source exists): nothing but the platform can grant, so go there.
      ctx = kPlatform;
      continue;
    }
    if (ctx.id.empty()) return fail(ErrorKind::NotFound, "no " + ctx.kind + " named");
    RoleSource& owner = *it->second.front();
    TRV_ASSIGN(std::optional<ContextRef> parent, guarded([&] { return owner.parent_of(ctx); }));
    if (has_roles_of_kind(cap, ctx.kind)) {
      for (RoleSource* source : it->second) {
        TRV_ASSIGN(std::vector<std::string> roles, guarded([&] { return source->roles_in(who.user_id, ctx); }));
        for (const std::string& role : roles) {
          if (lists_role(cap, ctx.kind + ":" + role)) return true;
        }
      }
    }
    ctx = parent ? *parent : kPlatform;
  }
  return fail(ErrorKind::Internal, "context tree deeper than " + std::to_string(kMaxDepth));
}

void log_denial(spdlog::level::level_enum level, const http::Subject& who, const std::string& action,
                const ContextRef& on, std::string_view request_id, std::string_view reason) {
  spdlog::log(level, "authz denied: action={} context={}:{} user={} request_id={} reason={}", printable(action),
              on.kind, printable(on.id), who.user_id.empty() ? "-" : who.user_id, printable(request_id), reason);
}

}  // namespace

Policy::Policy() = default;
Policy::~Policy() = default;

void Policy::declare(const std::vector<Capability>& caps) {
  for (const Capability& cap : caps) {
    if (cap.action.empty()) throw std::logic_error("capability without an action");
    for (const std::string& role : cap.roles) {
      if (role.find(':') == std::string::npos) {
        throw std::logic_error("role '" + role + "' of " + cap.action + " is not <kind>:<role>");
      }
    }
    if (!caps_.emplace(cap.action, cap).second) {
      throw std::logic_error("capability declared twice: " + cap.action);
    }
  }
}

void Policy::add_role_source(const std::string& kind, RoleSource& source) {
  if (is_platform(ContextRef{kind, ""})) {
    throw std::logic_error("platform roles come from the subject, not from a RoleSource");
  }
  sources_[kind].push_back(&source);
}

const Capability* Policy::find(const std::string& action) const {
  auto it = caps_.find(action);
  return it == caps_.end() ? nullptr : &it->second;
}

std::vector<Capability> Policy::all() const {
  std::vector<Capability> out;
  out.reserve(caps_.size());
  for (const auto& [action, cap] : caps_) out.push_back(cap);
  std::sort(out.begin(), out.end(), [](const Capability& a, const Capability& b) { return a.action < b.action; });
  return out;
}

Result<void> Policy::check(const http::Subject& who, const std::string& action, const ContextRef& on) {
  return decide(who, action, on, "");
}

bool Policy::can(const http::Subject& who, const std::string& action, const ContextRef& on) {
  return check(who, action, on).has_value();
}

Result<void> Policy::decide(const http::Subject& who, const std::string& action, const ContextRef& on,
                            std::string_view request_id) {
  const Capability* cap = find(action);
  if (cap == nullptr) {
    log_denial(spdlog::level::err, who, action, on, request_id, "undeclared action");
    return fail(ErrorKind::Forbidden, "This action is not permitted.");
  }
  if (cap->anonymous) return ok();
  if (who.via == http::Subject::Via::Client) {
    for (const std::string& scope : who.scopes) {
      if (std::find(cap->client_scopes.begin(), cap->client_scopes.end(), scope) != cap->client_scopes.end()) {
        return ok();
      }
    }
    log_denial(spdlog::level::warn, who, action, on, request_id, "client scope");
    return fail(ErrorKind::Forbidden, "These credentials do not allow this.");
  }
  if (!who.authenticated() && cap->roles_for_anonymous) {
    Result<bool> granted = granted_by_roles(sources_, who, *cap, on);
    if (granted && *granted) return ok();
    if (!granted && granted.error().kind == ErrorKind::NotFound) {
      log_denial(spdlog::level::info, who, action, on, request_id, "no such object");
      return fail(ErrorKind::NotFound, "No such " + on.kind + ".");
    }
  }
  if (!who.authenticated()) {
    log_denial(spdlog::level::info, who, action, on, request_id, "not signed in");
    return fail(ErrorKind::Unauthenticated, "Sign in to continue.");
  }
  if (cap->authenticated) return ok();
  if (cap->self && on.kind == "user" && !on.id.empty() && on.id == who.user_id) return ok();

  Result<bool> granted = granted_by_roles(sources_, who, *cap, on);
  if (!granted) {
    if (granted.error().kind == ErrorKind::NotFound) {
      log_denial(spdlog::level::info, who, action, on, request_id, "no such object");
      return fail(ErrorKind::NotFound, "No such " + on.kind + ".");
    }
    // Fail closed (AC-06): a lookup that could not be made is a denial.
    log_denial(spdlog::level::err, who, action, on, request_id,
               "role lookup failed: " + printable(granted.error().detail));
    return fail(ErrorKind::Forbidden, "You are not allowed to do this.");
  }
  if (*granted) return ok();
  log_denial(spdlog::level::warn, who, action, on, request_id, "no granting role");
  return fail(ErrorKind::Forbidden, "You are not allowed to do this.");
}

ContextRef Policy::context_of(const http::Request& req, const http::Route& route) {
  if (is_platform(ContextRef{route.context.kind, ""})) return kPlatform;
  return ContextRef{route.context.kind, req.param(route.context.param)};
}

Result<void> Policy::authorize(const http::Request& req, const http::Route& route) {
  return decide(req.subject, route.action, context_of(req, route), req.request_id);
}

Result<void> Policy::verify_routes(const http::Router& router) const {
  std::vector<std::string> problems;
  for (const http::Route& route : router.routes()) {
    const std::string where = std::string(http::method_name(route.method)) + " " + route.pattern;
    if (route.action.empty() || find(route.action) == nullptr) {
      problems.push_back(where + ": action '" + route.action + "' is not declared");
    }
    if (!is_platform(ContextRef{route.context.kind, ""})) {
      const std::string placeholder = "{" + route.context.param + "}";
      if (route.context.param.empty() || route.pattern.find(placeholder) == std::string::npos) {
        problems.push_back(where + ": context parameter '" + route.context.param + "' is not in the pattern");
      }
    }
  }
  if (problems.empty()) return ok();
  std::string detail = "The route table is not fully authorised (AC-01):";
  for (const std::string& p : problems) {
    spdlog::error("route lint: {}", p);
    detail += "\n  " + p;
  }
  return fail(ErrorKind::Internal, detail);
}

}  // namespace trivium::authz
