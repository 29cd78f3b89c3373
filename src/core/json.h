// JSON in and out of the API, on Boost.JSON.
//
// Request bodies are parsed with limits (depth, size, valid UTF-8) and read
// field by field through BodyReader, which collects every problem so that a
// 422 lists all invalid fields at once and rejects unknown fields (no mass
// assignment, AC-03).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/http.h"
#include "core/result.h"

namespace trivium::json {

namespace bj = boost::json;

constexpr int kMaxDepth = 32;

// Parses a request body. Malformed JSON, invalid UTF-8, nesting deeper than
// kMaxDepth or numbers out of range give BadRequest.
Result<bj::value> parse(std::string_view text);
// Parses a request body that must be a JSON object.
Result<bj::object> parse_object(std::string_view text);

std::string serialize(const bj::value& v);

// Characters (code points) in valid UTF-8 text: the unit of every length
// limit the API states.
size_t utf8_length(std::string_view s);

// 200/201/... response with Content-Type application/json.
http::Response response(int status, const bj::value& v);

// Reads typed fields from an object and records every violation.
class BodyReader {
 public:
  explicit BodyReader(const bj::object& obj) : obj_(obj) {}

  // Strings are trimmed of nothing and must be valid UTF-8 (guaranteed by
  // the parser) without control characters other than \n and \t.
  std::optional<std::string> required_string(std::string_view key, size_t min_len, size_t max_len);
  std::optional<std::string> optional_string(std::string_view key, size_t min_len, size_t max_len);
  std::optional<int64_t> required_int(std::string_view key, int64_t min, int64_t max);
  std::optional<int64_t> optional_int(std::string_view key, int64_t min, int64_t max);
  // Any JSON number (integer or not) within [min, max]; NaN cannot occur
  // (the parser refuses it).
  std::optional<double> optional_number(std::string_view key, double min, double max);
  std::optional<bool> optional_bool(std::string_view key);
  // A string that must be one of `allowed`.
  std::optional<std::string> optional_enum(std::string_view key, const std::vector<std::string>& allowed);
  std::optional<std::string> required_enum(std::string_view key, const std::vector<std::string>& allowed);
  std::optional<std::vector<std::string>> optional_string_array(std::string_view key, size_t max_items,
                                                                size_t max_len);
  bool has(std::string_view key) const { return obj_.contains(key); }

  void add_error(std::string field, std::string code, std::string message);
  // Invalid with all collected field errors, including one per unknown key;
  // success if there were none.
  Result<void> finish();

 private:
  const bj::value* get(std::string_view key);
  const bj::object& obj_;
  std::set<std::string, std::less<>> seen_;
  std::vector<FieldError> errors_;
};

}  // namespace trivium::json
