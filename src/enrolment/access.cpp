// The capabilities of the enrolment routes, as data.

#include "enrolment/enrolment.h"

namespace trivium::enrolment {

std::vector<authz::Capability> capabilities() {
  authz::Capability self{"enrolment.self",
                         "Enrol oneself in a run, request a place, see or leave one's own enrolment.",
                         false,
                         false,
                         false,
                         // Viewers (visibility of the course, organisation and departments for an
                         // internal COOC) may enrol; learners and applicants may see and leave.
                         {"run:viewer", "course:viewer", "run:learner", "run:applicant", "platform:admin"}};
  authz::Capability manage{"enrolment.manage",
                           "Approve, reject, enrol, remove and invite learners; manage cohorts.",
                           false,
                           false,
                           false,
                           {"run:trainer", "course:trainer", "organisation:admin", "platform:admin"}};
  authz::Capability read{"enrolment.read",
                         "List a run's enrolments, invitations and cohorts.",
                         false,
                         false,
                         false,
                         {"run:trainer", "course:trainer", "run:observer", "course:observer", "organisation:admin",
                          "organisation:manager", "platform:admin"}};
  // Any signed-in user: the service only ever shows or changes their own.
  authz::Capability mine{"enrolment.mine", "List one's own enrolments.", false, true, false, {}};
  authz::Capability accept{
      "enrolment.invitation.accept", "Accept an invitation to a run with its secret link.", false, true, false, {}};
  return {self, manage, read, mine, accept};
}

}  // namespace trivium::enrolment
