// The capabilities of the outline routes, as data, in step with the courses
// module's: a course's own authors (whoever creates a course becomes one)
// edit its outline, and organisation admins every course of their
// organisation (course contexts reach organisation roles through their
// parent); an organisation author does not edit colleagues' courses unless
// made an author of them. Run contexts reach course roles the
// same way, so a course's staff read every run's outline.

#include "outline/outline.h"

namespace trivium::outline {

namespace {

const std::vector<std::string> kEditors = {"course:author", "organisation:admin", "platform:admin"};
const std::vector<std::string> kCourseStaff = {"course:author", "course:trainer", "course:observer",
                                               "organisation:admin", "platform:admin"};

}  // namespace

std::vector<authz::Capability> capabilities() {
  authz::Capability syllabus =
      authz::granted_to("outline.syllabus.read", "See the module and unit titles of a course's published outline.",
                        {"course:viewer", "course:learner", "course:applicant", "course:author", "course:trainer",
                         "course:observer", "organisation:admin", "platform:admin"});
  // Visitors of a public course see its syllabus without signing in.
  syllabus.roles_for_anonymous = true;
  return {
      authz::granted_to("outline.read_draft", "See a course's draft outline.", kCourseStaff),
      authz::granted_to("outline.edit", "Change a course's draft: modules, units and blocks.", kEditors),
      authz::granted_to("outline.publish", "Publish a course's draft as a new version.", kEditors),
      authz::granted_to("outline.versions.read", "List a course's published versions and read any of them.",
                        kCourseStaff),
      syllabus,
      authz::granted_to("outline.run.read",
                        "Read a run's outline with its release dates: its learners and the course's staff.",
                        {"run:learner", "run:trainer", "run:observer", "run:author", "course:author", "course:trainer",
                         "course:observer", "organisation:admin", "platform:admin"}),
      authz::granted_to("outline.releases.manage", "Set or clear a run's explicit release date of a module.",
                        {"run:trainer", "course:trainer", "course:author", "organisation:admin", "platform:admin"}),
  };
}

}  // namespace trivium::outline
