// What identity's route files share: request origin, JSON of its types,
// cookies. Internal.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "core/http.h"
#include "core/json.h"
#include "identity/model.h"

namespace trivium::identity {
class Service;
}

namespace trivium::identity::detail {

RequestInfo info_of(const http::Request& req);

// The user as they see themselves (GET /api/v1/me).
boost::json::object user_json(const User& u);
// The user as a platform administrator sees them: a few more fields.
boost::json::object admin_user_json(const User& u);
boost::json::object session_json(const SessionInfo& s, bool current);
boost::json::object token_json(const ApiToken& t);

// Optional time as RFC 3339 text or null.
boost::json::value time_or_null(const std::optional<int64_t>& t);

// Parses the body as a JSON object, or the problem response to return.
Result<boost::json::object> body_object(const http::Request& req);

void register_admin_routes(http::Router& router, Service& service);

}  // namespace trivium::identity::detail
