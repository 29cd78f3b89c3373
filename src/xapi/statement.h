// Internal to src/xapi: what the statement checker, the agent rules, the
// comparison and the formats share. Not for other modules (they include
// xapi.h, multipart.h, signature.h).
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/text.h"
#include "xapi/xapi.h"

namespace trivium::xapi::detail {

namespace bj = boost::json;

// Where the checker stands in a statement. Paths live on the call stack and
// link to their parent, so walking costs nothing and the text
// ("context.contextActivities.parent[1].id") is built only for an error.
struct Path {
  const Path* parent = nullptr;
  std::string_view key;  // a member name; unused when index >= 0
  int64_t index = -1;    // an array element

  Path child(std::string_view k) const { return Path{this, k, -1}; }
  Path at(size_t i) const { return Path{this, {}, static_cast<int64_t>(i)}; }
  // The dotted text; a root with an empty key reads as "statement".
  std::string str() const;
};

// Collects the first error of a walk. The checking functions return false
// after recording it, so that the happy path never builds a string.
class Problems {
 public:
  bool fail(const Path& at, std::string_view reason);
  const std::string& detail() const { return detail_; }

 private:
  std::string detail_;
};

// "must be a string" / "must not be null", the two ways a type is wrong.
std::string type_reason(const bj::value& v, std::string_view expected);

// ---- value syntax (statement_values.cpp) ----
// A "mailto:" IRI with a plausible address (one "@", neither side empty).
bool valid_mbox(std::string_view);
// 40 hex digits.
bool valid_sha1_hex(std::string_view);
// The hex form of a SHA-2 digest: 56, 64, 96 or 128 hex digits.
bool valid_sha2_hex(std::string_view);
// type "/" subtype, optionally followed by parameters (RFC 2045 tokens).
bool valid_media_type(std::string_view);
// The statement "version" property: "1.0" or "1.0.<n>", and in 2.0 also
// "2.0" or "2.0.<n>".
bool valid_version_property(std::string_view, Version);
// A timestamp: strict restricts it to RFC 3339 (extended format, seconds
// present, offset "Z" or "+hh:mm"), which xAPI 2.0 requires.
std::optional<int64_t> parse_timestamp(std::string_view, bool strict);
// ASCII case folding, as xAPI compares media types, mbox domains, digests
// and language tags (core/text.h).
using text::iequals;
using text::to_lower;

// ---- agents and groups (agent.cpp) ----
enum class ActorKind { Agent, IdentifiedGroup, AnonymousGroup };
enum class Expect { AgentOrGroup, Agent, Group };
// Checks an Agent or Group; without "objectType" an actor is an Agent, so a
// Group is always recognised by objectType "Group". On success returns the
// kind; on failure records the problem and returns nullopt.
std::optional<ActorKind> check_actor(const bj::value& v, const Path& at, Expect expect, Problems& problems);

// ---- activities (statement_activity.cpp) ----
bool check_language_map(const bj::value& v, const Path& at, Problems& problems);
bool check_extensions(const bj::value& v, const Path& at, Problems& problems);
bool check_iri_value(const bj::value& v, const Path& at, Problems& problems);
// An Activity object (objectType absent or "Activity").
bool check_activity(const bj::value& v, const Path& at, Problems& problems);

}  // namespace trivium::xapi::detail
