// Domain types of organisations: who belongs where, with which roles.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trivium::orgs {

// "platform" is the one organisation that stands for the platform itself;
// the others are created by platform admins.
inline const std::vector<std::string> kKinds = {"platform", "company", "school", "other"};
inline const std::vector<std::string> kCreatableKinds = {"company", "school", "other"};

// Roles a member holds in an organisation. Every member is a "member"; the
// others add to it: admin (runs the organisation), manager (sees reports of
// their departments), author (creates courses), trainer (follows learners).
inline const std::vector<std::string> kRoles = {"admin", "manager", "author", "trainer", "member"};

struct Organisation {
  std::string id;
  std::string slug;  // lower-case a-z, 0-9 and '-', 2..63 characters, unique
  std::string name;
  std::string kind;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

// A department, or a team when it has a parent department (of the same
// organisation).
struct Department {
  std::string id;
  std::string organisation_id;
  std::string name;  // unique within the organisation
  std::optional<std::string> parent_id;
  int64_t created_at_ms = 0;
};

struct Member {
  std::string organisation_id;
  std::string user_id;
  std::vector<std::string> roles;           // sorted; at least "member"
  std::vector<std::string> department_ids;  // sorted
  int64_t joined_at_ms = 0;
};

// A page of a list in keyset order; `next_cursor` is the key to continue
// after, absent on the last page.
template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;
};

struct NewOrganisation {
  std::string slug;
  std::string name;
  std::string kind = "company";
};

struct NewDepartment {
  std::string name;
  std::optional<std::string> parent_id;
};

// A user to place in an organisation, and optionally in a department.
struct MemberPlacement {
  std::string user_id;
  std::optional<std::string> department_id;
};

// A change to a department; absent fields stay as they are. `parent_id`
// holding an empty string moves the department to the top level.
struct DepartmentChange {
  std::optional<std::string> name;
  std::optional<std::string> parent_id;
};

// Exactly one of user_id and email names the user to add.
struct NewMember {
  std::optional<std::string> user_id;
  std::optional<std::string> email;
  std::vector<std::string> roles;  // empty: just "member"
  std::vector<std::string> department_ids;
};

struct MemberChange {
  std::optional<std::vector<std::string>> roles;
  std::optional<std::vector<std::string>> department_ids;
};

// Who performs a change and from where, for the audit log; and, for
// listings, whose view to compute.
struct Actor {
  std::string user_id;
  bool platform_admin = false;
  std::string ip;
  std::string request_id;
};

}  // namespace trivium::orgs
