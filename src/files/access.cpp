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

}  // namespace

std::vector<authz::Capability> capabilities() {
  return {
      authz::granted_to("files.upload",
                        "Upload files to a course (resumable uploads) and follow or cancel the uploads.", kEditors),
      authz::granted_to("files.list", "List a course's files.", kEditors),
      authz::granted_to("files.delete", "Delete a course's file.", kEditors),
      authz::granted_to("files.read", "Read a course file and its description: the course's staff and learners.",
                        kReaders),
      authz::granted_to(
          "files.run.read",
          "Read a file of a run's content (its course's or its content source's): the run's learners and staff.",
          {"run:learner", "run:trainer", "run:observer", "run:author", "course:author", "course:trainer",
           "course:observer", "organisation:admin", "platform:admin"}),
  };
}

}  // namespace trivium::files
