// JSON renderings and request helpers shared by identity's routes.
#include "identity/render.h"

#include "audit/audit.h"
#include "core/clock.h"

namespace trivium::identity::detail {

namespace bj = boost::json;

RequestInfo info_of(const http::Request& req) {
  audit::Event e = audit::event_from(req, "");
  RequestInfo info;
  info.ip = std::move(e.ip);
  info.request_id = std::move(e.request_id);
  info.actor_id = std::move(e.actor_id);
  info.session_id = req.subject.session_id;
  if (auto ua = req.header("User-Agent")) {
    // Kept for the user's session list; bounded and single-line.
    std::string_view v = ua->substr(0, 256);
    for (char c : v) info.user_agent += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
  }
  return info;
}

bj::value time_or_null(const std::optional<int64_t>& t) {
  if (!t) return nullptr;
  return bj::value(format_rfc3339(*t));
}

bj::object user_json(const User& u) {
  return bj::object{
      {"id", u.id},
      {"email", u.email},
      {"display_name", u.display_name},
      {"locale", u.locale},
      {"time_zone", u.time_zone},
      {"status", u.status},
      {"email_verified", u.email_verified_at.has_value()},
      {"platform_role", u.platform_role},
      {"must_change_password", u.must_change_password},
      {"created_at", format_rfc3339(u.created_at)},
  };
}

bj::object admin_user_json(const User& u) {
  bj::object o = user_json(u);
  o["email_verified_at"] = time_or_null(u.email_verified_at);
  o["updated_at"] = format_rfc3339(u.updated_at);
  return o;
}

bj::object session_json(const SessionInfo& s, bool current) {
  return bj::object{
      {"id", s.id},
      {"created_at", format_rfc3339(s.created_at)},
      {"last_seen_at", format_rfc3339(s.last_seen_at)},
      {"expires_at", format_rfc3339(s.expires_at)},
      {"ip", s.ip},
      {"user_agent", s.user_agent},
      {"current", current},
  };
}

bj::object token_json(const ApiToken& t) {
  return bj::object{
      {"id", t.id},
      {"name", t.name},
      {"created_at", format_rfc3339(t.created_at)},
      {"expires_at", time_or_null(t.expires_at)},
      {"last_used_at", time_or_null(t.last_used_at)},
  };
}

Result<bj::object> body_object(const http::Request& req) {
  // An empty body reads as {} so that optional-only bodies may be omitted.
  if (req.body.empty()) return bj::object{};
  return json::parse_object(req.body);
}

}  // namespace trivium::identity::detail
