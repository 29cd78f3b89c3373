// The capabilities of the course file routes, as data. A course's editors
// (its authors, the organisation's admins through the course's parent, and
// platform admins) upload, list and delete its files; its learners,
// trainers and observers read them too. The public "viewer" role of a
// public course is not enough: a file is course material, not catalog
// information, so a private or internal course's video stays out of reach
// of anyone who merely guesses its URL.
#include "files/files.h"

namespace trivium::files {
namespace {

const std::vector<std::string> kEditors = {"course:author", "organisation:admin", "platform:admin"};
const std::vector<std::string> kReaders = {"course:author",  "course:trainer",     "course:observer",
                                           "course:learner", "organisation:admin", "platform:admin"};

authz::Capability cap(std::string action, std::string description, std::vector<std::string> roles) {
  authz::Capability c;
  c.action = std::move(action);
  c.description = std::move(description);
  c.roles = std::move(roles);
  return c;
}

}  // namespace

std::vector<authz::Capability> capabilities() {
  return {
      cap("files.upload", "Upload files to a course (resumable uploads) and follow or cancel the uploads.", kEditors),
      cap("files.list", "List a course's files.", kEditors),
      cap("files.delete", "Delete a course's file.", kEditors),
      cap("files.read", "Read a course file and its description: the course's staff and learners.", kReaders),
  };
}

}  // namespace trivium::files
