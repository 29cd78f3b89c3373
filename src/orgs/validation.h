// Rules on organisation input shared by the service files (internal):
// slugs, names, roles, page sizes, and the errors the service reports.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "orgs/model.h"

namespace trivium::orgs {

inline constexpr const char* kPlatformSlug = "platform";
inline constexpr int kDefaultPage = 50;
inline constexpr int kMaxPage = 200;

inline bool valid_slug(const std::string& slug) {
  if (slug.size() < 2 || slug.size() > 63) return false;
  return std::all_of(slug.begin(), slug.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

// Names are shown everywhere: 1..200 characters, not only blanks.
inline Result<void> validate_name(const std::string& field, const std::string& name) {
  if (name.empty() || name.size() > 200) {
    return invalid(field, "length", "Between 1 and 200 characters.");
  }
  if (name.find_first_not_of(" \t\n") == std::string::npos) {
    return invalid(field, "blank", "Must not be blank.");
  }
  return ok();
}

inline Result<void> validate_new_organisation(const NewOrganisation& in) {
  Error e{ErrorKind::Invalid, "The request has invalid fields.", {}, 0};
  if (!valid_slug(in.slug)) {
    e.fields.push_back({"slug", "format", "2 to 63 characters among a-z, 0-9 and '-'."});
  }
  if (auto r = validate_name("name", in.name); !r) e.fields.push_back(r.error().fields.front());
  if (std::find(kCreatableKinds.begin(), kCreatableKinds.end(), in.kind) == kCreatableKinds.end()) {
    e.fields.push_back({"kind", "enum", "One of company, school, other."});
  }
  if (!e.fields.empty()) return fail(std::move(e));
  return ok();
}

// Checks the names and returns them sorted, without duplicates, and with
// "member", which every member holds.
inline Result<std::vector<std::string>> normalise_roles(const std::vector<std::string>& roles) {
  std::vector<std::string> out{"member"};
  for (size_t i = 0; i < roles.size(); ++i) {
    if (std::find(kRoles.begin(), kRoles.end(), roles[i]) == kRoles.end()) {
      return invalid("roles/" + std::to_string(i), "enum", "One of admin, manager, author, trainer, member.");
    }
    out.push_back(roles[i]);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

inline std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

inline int64_t clamp_limit(int limit) {
  return std::clamp(limit <= 0 ? kDefaultPage : limit, 1, kMaxPage);
}

// Cuts a list fetched with limit + 1 rows into a page and its cursor.
template <typename T, typename Key>
Page<T> page_of(std::vector<T> rows, int64_t limit, Key key) {
  Page<T> page;
  if (static_cast<int64_t>(rows.size()) > limit) {
    rows.resize(static_cast<size_t>(limit));
    page.next_cursor = key(rows.back());
  }
  page.items = std::move(rows);
  return page;
}

inline Failure slug_taken() {
  Error e{ErrorKind::Conflict, "An organisation with this slug already exists.", {}, 0};
  e.fields.push_back({"slug", "taken", "This slug is taken."});
  return fail(std::move(e));
}

inline Failure department_name_taken() {
  Error e{ErrorKind::Conflict, "This organisation already has a department of that name.", {}, 0};
  e.fields.push_back({"name", "taken", "This name is taken in the organisation."});
  return fail(std::move(e));
}

inline Failure unknown_department(std::string field) {
  return invalid(std::move(field), "unknown_department", "No such department in this organisation.");
}

}  // namespace trivium::orgs
