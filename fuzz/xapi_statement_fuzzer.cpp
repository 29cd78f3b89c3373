// libFuzzer target for the xAPI statement rules (src/xapi): bytes -> JSON ->
// check_statement under 1.0 and 2.0. Besides the sanitizers it checks the
// checker's promises: a refusal is a BadRequest whose detail reads
// "<path>: <reason>"; an accepted statement is accepted again unchanged (the
// normalisation is idempotent), is the same statement as what was sent and as
// itself, and stays valid once reshaped by every GET format; agent keys and
// the value parsers never crash on what they are given.
#include <boost/json.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "xapi/xapi.h"

namespace {

namespace bj = boost::json;
using namespace trivium;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "xapi invariant broken: %s\n", what);
    std::abort();
  }
}

void value_parsers(std::string_view text) {
  (void)xapi::parse_timestamp_ms(text);
  (void)xapi::valid_duration(text);
  (void)xapi::valid_language_tag(text);
  (void)xapi::valid_iri(text);
  (void)xapi::valid_uuid(text);
  (void)xapi::parse_version(text);
  (void)xapi::parse_format(text);
  for (const std::string& range : xapi::parse_accept_language(text)) check(!range.empty(), "no empty language range");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  value_parsers(text);
  bj::parse_options options;
  options.max_depth = 32;  // as core/json.h
  boost::system::error_code ec;
  bj::value v = bj::parse(text, ec, bj::storage_ptr(), options);
  if (ec) return 0;
  const std::vector<std::string> languages = {"fr-CA", "en", "*"};
  for (xapi::Version version : {xapi::Version::V1_0, xapi::Version::V2_0}) {
    auto r = xapi::check_statement(v, version);
    if (!r) {
      check(r.error().kind == ErrorKind::BadRequest, "refusals are BadRequest");
      check(r.error().detail.find(": ") != std::string::npos, "a refusal names a path and a reason");
      continue;
    }
    auto again = xapi::check_statement(*r, version);
    check(again.has_value(), "an accepted statement is accepted again");
    check(*again == *r, "checking is idempotent");
    check(xapi::same_statement(*r, *r), "a statement is the same as itself");
    check(xapi::same_statement(*r, v.get_object()), "normalising does not make another statement");
    for (xapi::Format f : {xapi::Format::Exact, xapi::Format::Ids, xapi::Format::Canonical}) {
      bj::object shaped = xapi::format_statement(*r, f, languages);
      check(xapi::check_statement(shaped, version).has_value(), "every format keeps the statement valid");
    }
    check(xapi::agent_key(r->at("actor").get_object()).has_value() || r->at("actor").get_object().contains("member"),
          "an accepted actor has a key unless it is an anonymous group");
  }
  if (v.is_object()) (void)xapi::agent_key(v.get_object());
  return 0;
}
