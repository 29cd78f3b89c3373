// CSV as people export it from spreadsheets: RFC 4180 quoting, comma or
// semicolon (the French Excel default), LF or CRLF line ends, UTF-8 with or
// without a byte-order mark. Used by bulk imports (rosters, grades) and by
// exports. The reader never throws and never gives up on the whole file for
// one bad line: each record either parses or is reported with its line
// number, so an import can tell people exactly which lines to fix.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace trivium::csv {

struct Record {
  int line = 0;  // 1-based line on which the record starts
  std::vector<std::string> fields;
};

struct LineError {
  int line = 0;
  std::string code;     // "bad_utf8", "too_many_fields", "field_too_long", "unterminated_quote", "stray_quote"
  std::string message;  // for people
};

struct Limits {
  size_t max_fields = 64;
  size_t max_field_bytes = 4096;
  size_t max_records = 1'000'000;  // the header included
};

struct Document {
  char delimiter = ',';
  std::vector<Record> records;  // the header first, blank lines left out
  std::vector<LineError> errors;
};

// Parses `text`. Fails (Invalid) only when there is nothing to read: an
// empty document, or one with more records than `limits.max_records`.
// Everything else is per line: a record with invalid UTF-8, too many or too
// long fields, or a stray quote is left out and reported in `errors`; an
// unterminated quoted field ends the document there. The delimiter is
// detected from the first line unless one is given.
Result<Document> parse(std::string_view text, const Limits& limits = {}, char delimiter = 0);

// The delimiter a header line uses: ';' when it has more semicolons than
// commas outside quotes, else ','.
char detect_delimiter(std::string_view header_line);

// Appends one record, quoting where needed, ending with CRLF. A field that a
// spreadsheet would run as a formula (starting with = + - @, tab or CR) is
// prefixed with an apostrophe (CSV injection).
void append_record(std::string& out, const std::vector<std::string>& fields, char delimiter = ',');

}  // namespace trivium::csv
