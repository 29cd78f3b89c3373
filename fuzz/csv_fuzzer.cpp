// libFuzzer target for the CSV reader (core/csv.h): any bytes must parse
// without a crash, a sanitizer report or a broken promise of the reader, and
// whatever it reads must survive a write-and-read round trip.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/csv.h"
#include "core/http.h"

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "csv invariant broken: %s\n", what);
    std::abort();
  }
}

bool formula_like(const std::string& f) {
  return !f.empty() && (f[0] == '=' || f[0] == '+' || f[0] == '-' || f[0] == '@' || f[0] == '\t' || f[0] == '\r');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trivium;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  csv::Limits limits;
  limits.max_fields = 16;
  limits.max_field_bytes = 256;
  limits.max_records = 512;
  auto doc = csv::parse(text, limits);
  if (!doc) return 0;
  int last_line = 0;
  for (const auto& r : doc->records) {
    check(r.line > last_line, "record lines increase");
    last_line = r.line;
    check(!r.fields.empty() && r.fields.size() <= limits.max_fields, "field count within limits");
    for (const auto& f : r.fields) {
      check(f.size() <= limits.max_field_bytes, "field size within limits");
      check(http::is_valid_utf8(f), "fields are valid UTF-8");
    }
  }
  for (const auto& e : doc->errors) check(e.line >= 1 && !e.code.empty(), "errors carry a line and a code");
  // Round trip: records without formula-like fields read back identically.
  for (const auto& r : doc->records) {
    bool plain = true;
    for (const auto& f : r.fields) plain = plain && !formula_like(f);
    if (!plain || (r.fields.size() == 1 && r.fields[0].empty())) continue;
    std::string out;
    csv::append_record(out, r.fields, doc->delimiter);
    auto again = csv::parse(out, limits, doc->delimiter);
    check(again && again->records.size() == 1 && again->errors.empty(), "a written record reads back");
    check(again->records[0].fields == r.fields, "a written record reads back unchanged");
  }
  return 0;
}
