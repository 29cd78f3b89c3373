// Test-only helpers for the xapi tests: reading fixtures and editing JSON by
// JSON Pointer (RFC 6901), so that a case is a base statement plus a few
// edits written as data.
#pragma once

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace trivium::xapi::testing {

namespace bj = boost::json;

// src/xapi/testdata, found from TRIVIUM_SOURCE_DIR when ctest runs the test,
// else from this file's own path (test discovery and direct runs).
inline std::filesystem::path testdata_dir() {
  if (const char* src = std::getenv("TRIVIUM_SOURCE_DIR")) return std::filesystem::path(src) / "src/xapi/testdata";
  return std::filesystem::path(__FILE__).parent_path() / "testdata";
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::vector<std::string> pointer_tokens(std::string_view pointer) {
  if (pointer.empty() || pointer[0] != '/') throw std::runtime_error("not a JSON pointer: " + std::string(pointer));
  std::vector<std::string> tokens;
  std::string current;
  for (size_t i = 1; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') {
      tokens.push_back(current);
      current.clear();
    } else if (pointer[i] == '~' && i + 1 < pointer.size()) {
      current += pointer[++i] == '1' ? '/' : '~';
    } else {
      current += pointer[i];
    }
  }
  return tokens;
}

// The value the pointer's parent names, creating objects on the way.
inline bj::value& pointer_parent(bj::value& root, const std::vector<std::string>& tokens) {
  bj::value* at = &root;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (at->is_array()) {
      at = &at->as_array().at(std::stoul(tokens[i]));
    } else {
      if (!at->is_object()) *at = bj::object();
      at = &at->as_object()[tokens[i]];
    }
  }
  return *at;
}

inline void pointer_set(bj::value& root, std::string_view pointer, const bj::value& v) {
  auto tokens = pointer_tokens(pointer);
  bj::value& parent = pointer_parent(root, tokens);
  if (parent.is_array()) {
    size_t i = std::stoul(tokens.back());
    if (i == parent.as_array().size()) {
      parent.as_array().push_back(v);
    } else {
      parent.as_array().at(i) = v;
    }
    return;
  }
  if (!parent.is_object()) parent = bj::object();
  parent.as_object()[tokens.back()] = v;
}

inline void pointer_remove(bj::value& root, std::string_view pointer) {
  auto tokens = pointer_tokens(pointer);
  bj::value& parent = pointer_parent(root, tokens);
  if (parent.is_array()) {
    auto& a = parent.as_array();
    a.erase(a.begin() + static_cast<std::ptrdiff_t>(std::stoul(tokens.back())));
  } else if (parent.is_object()) {
    parent.as_object().erase(tokens.back());
  }
}

}  // namespace trivium::xapi::testing
