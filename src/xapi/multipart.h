// Statements with attachments travel as multipart/mixed (RFC 2046, xAPI
// "Attachments" and "Multipart/Mixed"): the first part holds the statements
// as JSON, each further part the raw bytes of one attachment, bound to its
// attachment object by the SHA-2 digest in X-Experience-API-Hash.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace trivium::xapi {

// At most this many parts in one body (RATE-02).
inline constexpr size_t kMaxParts = 1000;

// One part: its headers as sent (names as written, values without the
// surrounding blanks) and its body, a view into the request body.
struct Part {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
  // The first header of that name, compared without regard to case.
  std::optional<std::string_view> header(std::string_view name) const;
};

// Parses a multipart/mixed body. `content_type` is the request's header
// ("multipart/mixed; boundary=..." with the boundary quoted or not). The
// preamble and epilogue are ignored; lines may end in CRLF (as RFC 2046
// says) or a bare LF. BadRequest on another media type, a missing or invalid
// boundary, a body without its opening or closing delimiter, a malformed
// header line, more than kMaxParts parts or more than 64 headers in a part.
// The bodies are views into `body`, which must outlive them.
Result<std::vector<Part>> parse_multipart(std::string_view content_type, std::string_view body);

// Builds the body of GET /statements?attachments=true: a first part of type
// application/json holding `json`, then one part per attachment with its
// Content-Type, "Content-Transfer-Encoding: binary" and X-Experience-API-Hash
// (hashes[i]; computed with SHA-256 if missing). The caller picks a boundary
// that appears in none of the parts (a random token does). A content type
// holding a line break is sent as application/octet-stream instead, so that
// stored metadata can never inject a header.
std::string build_multipart(std::string_view boundary, std::string_view json,
                            const std::vector<std::pair<std::string /*content type*/, std::string /*bytes*/>>& parts,
                            const std::vector<std::string>& hashes);

// Lower-case hex digests of the SHA-2 family, the algorithms xAPI names for
// "sha2" (the length of a digest tells which one made it).
std::string sha256_hex(std::string_view bytes);
std::string sha384_hex(std::string_view bytes);
std::string sha512_hex(std::string_view bytes);

// Binds the attachment parts of a statements request (every part after the
// first, JSON one) to the attachment objects of the checked statements
// (SubStatements' included), per xAPI: each part carries an
// X-Experience-API-Hash of 64, 96 or 128 hex digits that its bytes hash to
// (SHA-256, -384 or -512); a Content-Transfer-Encoding, when given, is
// "binary"; each part matches some attachment's sha2; and each attachment
// without a fileUrl has its part. BadRequest with the reason otherwise.
// Returns sha2 (lower case) -> bytes (views into the parts' bodies); the
// same bytes sent twice appear once.
Result<std::map<std::string, std::string_view>> bind_attachments(const std::vector<boost::json::object>& statements,
                                                                 const std::vector<Part>& parts);

}  // namespace trivium::xapi
