// Signed statements (xAPI "Signed Statements"): a statement may carry a JSON
// Web Signature of itself as an attachment, so that a third party can check
// where it came from without trusting the LRS that stored it.
#pragma once

#include <boost/json/object.hpp>
#include <string_view>

#include "core/result.h"

namespace trivium::xapi {

// True when one of the statement's attachments has the usage type
// http://adlnet.gov/expapi/attachments/signature (kSignatureUsageType).
bool is_signed(const boost::json::object& statement);

// Verifies a signature attachment's bytes against the checked statement that
// carries it, as an LRS must: `jws` is a JWS compact serialisation
// (header.payload.signature, base64url; blanks around it ignored) whose
// header names alg RS256, RS384 or RS512 (nothing else: not "none", not an
// HMAC) and no "crit" extension; whose payload is JSON equal, by
// same_statement, to the statement with its signature attachment removed
// (the statement "before the signature was added"); and, when the header
// carries an x5c certificate chain, whose signature verifies against the RSA
// key of the first certificate. The certificate is not checked for trust:
// the specification means this as a guard against mistakes, not as
// authentication. BadRequest with the reason otherwise.
Result<void> verify_signed_statement(const boost::json::object& statement, std::string_view jws);

}  // namespace trivium::xapi
