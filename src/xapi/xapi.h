// The pure, storage-free part of Trivium's xAPI learning record store: what a
// statement must look like (xAPI 1.0.x and 2.0 / IEEE 9274.1.1), how agents
// are identified, how statements are compared and reshaped for the `format`
// parameter, and the syntax of the values xAPI uses (timestamps, durations,
// IRIs, UUIDs, language tags). src/lrs stores and serves; this module only
// judges and transforms, so that every rule can be tested without a store.
//
// multipart.h (attachments in multipart/mixed bodies) and signature.h
// (signed statements) complete it; they are included here so that other
// modules include this header only (scripts/check-boundaries.py).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/text.h"
#include "xapi/multipart.h"
#include "xapi/signature.h"

namespace trivium::xapi {

// The two data models the LRS speaks. Every 1.0.x (1.0.0 to 1.0.3) behaves as
// 1.0.3, whose statements are the 1.0.0 data model; 2.0.x as 2.0.0.
enum class Version { V1_0, V2_0 };

// The X-Experience-API-Version header: "1.0" or "1.0.<patch>" (1.0.x obliges
// an LRS to accept both forms, with any patch number) and "2.0" or
// "2.0.<patch>". Surrounding blanks are ignored; anything else is nullopt, and
// the LRS answers 400.
std::optional<Version> parse_version(std::string_view header);
// The version an LRS reports in its responses: "1.0.3" or "2.0.0".
std::string_view version_string(Version);

// The verb that voids a statement, and the attachment usage type that marks a
// statement's JWS signature.
inline constexpr std::string_view kVoidedVerb = "http://adlnet.gov/expapi/verbs/voided";
inline constexpr std::string_view kSignatureUsageType = "http://adlnet.gov/expapi/attachments/signature";

// Validates one statement as a client sent it (a PUT/POST body or one element
// of a batch) against every rule of the data model of `version`, and returns
// it as the LRS must store it. The only change made is the one the
// specification demands of an LRS: a single Activity given as a
// contextActivities value becomes an array of one (also inside a
// SubStatement). The service adds id, stored, authority, version and
// timestamp itself.
//
// On failure: ErrorKind::BadRequest with the detail "<json path>: <reason>",
// the path naming the offending property the way a reader would write it
// ("actor.mbox", "context.contextActivities.parent[1].id", "object" for the
// statement's own object, "statement" for the statement itself). Among the
// rules: unknown properties, nulls (outside extensions), wrong types and a
// number given as a string are refused; ids are UUIDs; IRIs have a scheme;
// timestamps carry a time zone and never "-00:00" (2.0 also requires the RFC
// 3339 profile); language map keys are RFC 5646 tags; agents have exactly one
// inverse functional identifier; anonymous groups list their members, which
// are agents; SubStatements carry no id, stored, version or authority and do
// not nest; context revision and platform need an Activity object; the voided
// verb needs a StatementRef object; contextAgents and contextGroups exist
// only in 2.0; a signature attachment is application/octet-stream.
Result<boost::json::object> check_statement(const boost::json::value& statement, Version version);
// The same for a statement the caller no longer needs (a parsed request
// body): when it is valid it is moved into the result instead of copied,
// which is most of the cost of a small statement. The result keeps the
// statement's memory resource.
Result<boost::json::object> check_statement(boost::json::value&& statement, Version version);

// The inverse functional identifier of an Agent or an identified Group as one
// string, fit to be an index key: "mbox:mailto:<address>" (the domain of the
// address lower-cased, since it is case-insensitive), "mbox_sha1sum:<hex in
// lower case>", "openid:<uri>" or "account:<homePage> <name>". The account
// form is unambiguous because a homePage is an IRI and so holds no space: the
// first space ends it, whatever the name holds. nullopt for an anonymous
// group, or when the object does not carry exactly one valid identifier.
std::optional<std::string> agent_key(const boost::json::object& agent_or_group);

// The `agent` query parameter (statements, state, agent profile, agents
// resources): the JSON text of an Agent or an identified Group, checked with
// the same rules as in a statement. BadRequest ("agent: ..." or
// "agent.mbox: ...") when it is not JSON, not an object, not a valid actor or
// not identified by exactly one identifier.
Result<boost::json::object> parse_agent_param(std::string_view json_text, Version version);

// Whether two statements are the same statement in the sense of xAPI's
// "Statement Comparison Requirements" (used for the "same id, different
// statement" conflict and for signatures). Differences the specification
// counts as exceptions to immutability are ignored: authority, stored and
// version; id and timestamp when only one side has them (the LRS may assign
// them); the serialisation of timestamps (compared as instants, to the
// millisecond); the verb's display and activity definitions (metadata, not
// part of the statement); a contextActivities value given as one Activity or
// as an array of one; the order of group members and of JSON object keys; the
// case of the domain of an mbox, of hex digests, UUIDs and language tags;
// "objectType" left out where it has its default (Agent, Activity); durations
// beyond 0.01 s; 1 versus 1.0. Everything else must be equal.
bool same_statement(const boost::json::object& a, const boost::json::object& b);

// GET /statements?format=... : exact (as stored), ids (agents and groups
// reduced to their identifier and objectType, anonymous groups to their
// members so reduced, activities to id and objectType, verbs to id) and
// canonical (every language map reduced to the one entry that best fits the
// Accept-Language list; the LRS substitutes its canonical activity
// definitions before calling, if it keeps them).
enum class Format { Exact, Ids, Canonical };
// "exact", "ids" or "canonical" (the values are case-sensitive); else nullopt.
std::optional<Format> parse_format(std::string_view);
// Reshapes a stored statement, SubStatements and context included.
boost::json::object format_statement(const boost::json::object& stored, Format format,
                                     const std::vector<std::string>& accept_languages);
// The language ranges of an Accept-Language header, best first (q-values
// honoured, ties kept in header order, q=0 and malformed entries dropped,
// "*" kept). At most 32 ranges are read.
std::vector<std::string> parse_accept_language(std::string_view header);

// A timestamp as xAPI allows it in parameters (`since`, `until`) and for
// ordering: ISO 8601 date and time, extended or basic format, with a time
// zone ("Z", "+hh:mm", "+hhmm" or "+hh"; "-00:00" refused as RFC 3339 gives
// it the meaning "unknown"), fraction of a second to any precision
// (truncated to the millisecond). Milliseconds since the Unix epoch; nullopt
// when malformed or impossible (2026-02-30, 24:00, a leap second).
std::optional<int64_t> parse_timestamp_ms(std::string_view);
// An ISO 8601 duration in the designator format xAPI requires
// ("P3Y1M29DT4H35M59.14S", "PT16559.14S", "P4W"); weeks cannot be combined
// with other units, and only the last unit may carry a fraction.
bool valid_duration(std::string_view);

// The value syntaxes the checker uses, for callers that check parameters
// "to the same standards" as statements (xAPI requires it).
// A UUID in its standard string form, of RFC 4122's variant (any version),
// upper or lower case.
bool valid_uuid(std::string_view);
// An absolute IRI: a scheme, ":", then characters an IRI may hold (no
// blanks, controls or <>"{}|\^`; "%" followed by two hex digits).
bool valid_iri(std::string_view);
// A well-formed RFC 5646 language tag (grandfathered tags included) with no
// repeated variant or extension singleton: core's rule, which caption tracks
// share (core/text.h).
using text::valid_language_tag;

}  // namespace trivium::xapi
