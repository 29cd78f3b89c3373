// libFuzzer target for multipart/mixed statement bodies (src/xapi/multipart):
// the first line of the input is the Content-Type, the rest the body. Besides
// the sanitizers it checks the parser's promises: every part body is a view
// inside the input, no more than kMaxParts parts, header names are never
// empty and values hold no line break; binding the parts to attachments never
// crashes, and succeeds when every part is declared and hashed as xAPI says.
#include <boost/json.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "xapi/multipart.h"

namespace {

namespace bj = boost::json;
using namespace trivium;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "multipart invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t eol = input.find('\n');
  if (eol == std::string_view::npos) return 0;
  std::string_view content_type = input.substr(0, eol);
  std::string_view body = input.substr(eol + 1);
  auto parts = xapi::parse_multipart(content_type, body);
  if (!parts) {
    check(parts.error().kind == ErrorKind::BadRequest, "refusals are BadRequest");
    return 0;
  }
  check(parts->size() <= xapi::kMaxParts, "part count within the limit");
  for (const xapi::Part& p : *parts) {
    check(p.body.data() >= body.data() && p.body.data() + p.body.size() <= body.data() + body.size(),
          "a part body lies inside the input");
    for (const auto& [name, value] : p.headers) {
      check(!name.empty(), "header names are not empty");
      check(value.find('\r') == std::string::npos && value.find('\n') == std::string::npos,
            "header values hold no line break");
    }
  }
  // One statement declaring an attachment for each part's declared hash: the
  // binding must then fail only on a part's own fault.
  bj::array attachments;
  for (const xapi::Part& p : *parts) {
    auto hash = p.header("X-Experience-API-Hash");
    attachments.push_back(bj::object{{"usageType", "http://example.com/u"},
                                     {"display", bj::object{{"en", "A"}}},
                                     {"contentType", "application/octet-stream"},
                                     {"length", static_cast<int64_t>(p.body.size())},
                                     {"sha2", hash ? std::string(*hash) : xapi::sha256_hex(p.body)}});
  }
  bj::object statement{{"attachments", std::move(attachments)}};
  auto bound = xapi::bind_attachments({statement}, *parts);
  if (bound) {
    for (const auto& [sha2, bytes] : *bound) {
      check(bytes.data() >= body.data() && bytes.data() + bytes.size() <= body.data() + body.size(),
            "bound bytes lie inside the input");
      check(sha2.size() == 64 || sha2.size() == 96 || sha2.size() == 128, "bound by a SHA-2 digest");
    }
  }
  return 0;
}
