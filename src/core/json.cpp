#include "core/json.h"

#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>

namespace trivium::json {

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

namespace {

bool has_forbidden_control(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') return true;
  return false;
}

// Boost.JSON turns an out-of-range number such as 1e99999 into infinity;
// JSON has no infinity, so such a body is refused like any malformed one.
bool all_numbers_finite(const bj::value& v) {
  switch (v.kind()) {
    case bj::kind::double_: return std::isfinite(v.get_double());
    case bj::kind::array:
      for (const auto& item : v.get_array())
        if (!all_numbers_finite(item)) return false;
      return true;
    case bj::kind::object:
      for (const auto& kv : v.get_object())
        if (!all_numbers_finite(kv.value())) return false;
      return true;
    default: return true;
  }
}

}  // namespace

Result<bj::value> parse(std::string_view text) {
  bj::parse_options opts;
  opts.max_depth = kMaxDepth;
  opts.allow_comments = false;
  opts.allow_trailing_commas = false;
  opts.allow_invalid_utf8 = false;
  // A small fixed buffer keeps the parser off the heap for typical bodies.
  unsigned char temp[4096];
  bj::parser p(bj::storage_ptr(), opts, temp, sizeof temp);
  boost::system::error_code ec;
  p.write(text.data(), text.size(), ec);
  if (ec) return fail(ErrorKind::BadRequest, "The body is not valid JSON: " + ec.message() + ".");
  bj::value v = p.release();
  if (!all_numbers_finite(v)) return fail(ErrorKind::BadRequest, "The body holds a number out of range.");
  return v;
}

Result<bj::object> parse_object(std::string_view text) {
  TRV_ASSIGN(bj::value v, parse(text));
  if (!v.is_object()) return fail(ErrorKind::BadRequest, "The body must be a JSON object.");
  return std::move(v.as_object());
}

std::string serialize(const bj::value& v) { return bj::serialize(v); }

http::Response response(int status, const bj::value& v) {
  http::Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = bj::serialize(v);
  return r;
}

const bj::value* BodyReader::get(std::string_view key) {
  seen_.emplace(key);
  auto it = obj_.find(key);
  if (it == obj_.end()) return nullptr;
  return &it->value();
}

void BodyReader::add_error(std::string field, std::string code, std::string message) {
  errors_.push_back({std::move(field), std::move(code), std::move(message)});
}

std::optional<std::string> BodyReader::optional_string(std::string_view key, size_t min_len, size_t max_len) {
  const bj::value* v = get(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) {
    add_error(std::string(key), "type", "must be a string");
    return std::nullopt;
  }
  std::string_view s = v->get_string();
  size_t len = utf8_length(s);
  if (len < min_len) {
    add_error(std::string(key), len == 0 ? "required" : "too_short",
              "must be at least " + std::to_string(min_len) + " characters");
    return std::nullopt;
  }
  if (len > max_len) {
    add_error(std::string(key), "too_long", "must be at most " + std::to_string(max_len) + " characters");
    return std::nullopt;
  }
  if (has_forbidden_control(s)) {
    add_error(std::string(key), "control_characters", "must not contain control characters");
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<std::string> BodyReader::required_string(std::string_view key, size_t min_len, size_t max_len) {
  if (!obj_.contains(key) || obj_.at(key).is_null()) {
    seen_.emplace(key);
    add_error(std::string(key), "required", "is required");
    return std::nullopt;
  }
  return optional_string(key, min_len, max_len);
}

std::optional<int64_t> BodyReader::optional_int(std::string_view key, int64_t min, int64_t max) {
  const bj::value* v = get(key);
  if (!v || v->is_null()) return std::nullopt;
  int64_t n;
  if (v->is_int64()) n = v->get_int64();
  else if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) n = static_cast<int64_t>(v->get_uint64());
  else {
    add_error(std::string(key), "type", "must be an integer");
    return std::nullopt;
  }
  if (n < min || n > max) {
    add_error(std::string(key), "range",
              "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<double> BodyReader::optional_number(std::string_view key, double min, double max) {
  const bj::value* v = get(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_number()) {
    add_error(std::string(key), "type", "must be a number");
    return std::nullopt;
  }
  const double n = v->to_number<double>();
  if (!(n >= min && n <= max)) {
    const std::string bounds = json::serialize(bj::value(min)) + " and " + json::serialize(bj::value(max));
    add_error(std::string(key), "range", "must be between " + bounds);
    return std::nullopt;
  }
  return n;
}

std::optional<int64_t> BodyReader::required_int(std::string_view key, int64_t min, int64_t max) {
  if (!obj_.contains(key) || obj_.at(key).is_null()) {
    seen_.emplace(key);
    add_error(std::string(key), "required", "is required");
    return std::nullopt;
  }
  return optional_int(key, min, max);
}

std::optional<bool> BodyReader::optional_bool(std::string_view key) {
  const bj::value* v = get(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_bool()) {
    add_error(std::string(key), "type", "must be true or false");
    return std::nullopt;
  }
  return v->get_bool();
}

std::optional<std::string> BodyReader::optional_enum(std::string_view key, const std::vector<std::string>& allowed) {
  auto s = optional_string(key, 0, 256);
  if (!s) return std::nullopt;
  for (const auto& a : allowed)
    if (a == *s) return s;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  add_error(std::string(key), "enum", "must be one of: " + list);
  return std::nullopt;
}

std::optional<std::string> BodyReader::required_enum(std::string_view key, const std::vector<std::string>& allowed) {
  if (!obj_.contains(key) || obj_.at(key).is_null()) {
    seen_.emplace(key);
    add_error(std::string(key), "required", "is required");
    return std::nullopt;
  }
  return optional_enum(key, allowed);
}

std::optional<std::vector<std::string>> BodyReader::optional_string_array(std::string_view key, size_t max_items,
                                                                        size_t max_len) {
  const bj::value* v = get(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_array()) {
    add_error(std::string(key), "type", "must be an array of strings");
    return std::nullopt;
  }
  const auto& arr = v->get_array();
  if (arr.size() > max_items) {
    add_error(std::string(key), "too_many", "must have at most " + std::to_string(max_items) + " items");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < arr.size(); ++i) {
    const auto& item = arr[i];
    std::string field = std::string(key) + "/" + std::to_string(i);
    if (!item.is_string()) {
      add_error(field, "type", "must be a string");
      return std::nullopt;
    }
    std::string_view s = item.get_string();
    if (s.empty() || utf8_length(s) > max_len || has_forbidden_control(s)) {
      add_error(field, "invalid", "must be 1 to " + std::to_string(max_len) + " printable characters");
      return std::nullopt;
    }
    out.emplace_back(s);
  }
  return out;
}

Result<void> BodyReader::finish() {
  for (const auto& kv : obj_) {
    if (seen_.find(std::string_view(kv.key())) == seen_.end())
      add_error(std::string(kv.key()), "unknown_field", "is not a field of this request");
  }
  if (errors_.empty()) return ok();
  Error e{ErrorKind::Invalid, "The request has invalid fields.", std::move(errors_), 0};
  errors_.clear();
  return fail(std::move(e));
}

}  // namespace trivium::json
