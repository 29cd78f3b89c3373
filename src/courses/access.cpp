// The capabilities of the course and run routes, as data. "viewer" is the
// pseudo-role the courses RoleSource grants by visibility; "learner" and
// "applicant" come from the enrolment module's RoleSource on the same
// contexts; organisation roles reach a course through the parent walk.

#include "courses/courses.h"

namespace trivium::courses {
namespace {

const std::vector<std::string> kCourseReaders = {"course:viewer",   "course:author",  "course:trainer",
                                                 "course:observer", "course:learner", "organisation:admin",
                                                 "platform:admin"};

const std::vector<std::string> kRunReaders = {
    "run:viewer",     "run:author",         "run:trainer",   "run:observer",   "run:learner",
    "run:applicant",  "course:viewer",      "course:author", "course:trainer", "course:observer",
    "course:learner", "organisation:admin", "platform:admin"};

const std::vector<std::string> kCourseEditors = {"course:author", "organisation:admin", "platform:admin"};

}  // namespace

std::vector<authz::Capability> capabilities() {
  return {
      {"courses.create",
       "Create a course in an organisation.",
       false,
       false,
       false,
       {"organisation:author", "organisation:admin", "platform:admin"}},
      // The service filters the catalog by the caller's view.
      {"courses.search", "Search the course catalog.", true, false, false, {}},
      {"course.view", "See a course and its runs.", false, false, false, kCourseReaders, true},
      {"course.edit", "Change a course's fields and settings and add runs.", false, false, false, kCourseEditors},
      {"course.staff.read",
       "List a course's staff.",
       false,
       false,
       false,
       {"course:author", "course:trainer", "course:observer", "organisation:admin", "platform:admin"}},
      {"course.staff.manage", "Grant and revoke staff roles in a course.", false, false, false, kCourseEditors},
      {"run.view", "See a run.", false, false, false, kRunReaders, true},
      {"run.manage",
       "Change a run's dates and schedule.",
       false,
       false,
       false,
       {"run:trainer", "course:author", "course:trainer", "organisation:admin", "platform:admin"}},
      {"run.staff.read",
       "List a run's staff.",
       false,
       false,
       false,
       {"run:trainer", "run:observer", "course:author", "course:trainer", "course:observer", "organisation:admin",
        "platform:admin"}},
      {"run.staff.manage",
       "Grant and revoke staff roles in a run.",
       false,
       false,
       false,
       {"course:author", "organisation:admin", "platform:admin"}},
      // Whoever sees the source run may derive from it; the right to create
      // a course in the target organisation is checked by the service.
      {"run.derive_spoc", "Derive a SPOC from a run of a MOOC or COOC.", false, false, false, kRunReaders},
  };
}

}  // namespace trivium::courses
