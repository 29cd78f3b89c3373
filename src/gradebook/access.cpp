// The capabilities of the gradebook routes, as data. Learners read their own
// grades in runs where they are learners (run:learner); those who follow a
// run's learners read everyone's: the run's and course's trainers and
// observers, organisation managers and admins; trainers and admins set the
// gradebook up and override grades (authors write content, not grades).

#include "gradebook/gradebook.h"

namespace trivium::gradebook {

std::vector<authz::Capability> capabilities() {
  return {
      authz::granted_to("gradebook.own.read", "See one's own grades in a run: items, course grade, letter.",
                        {"run:learner"}),
      authz::granted_to("gradebook.run.read", "See every learner's grades in a run, its set-up, and export them.",
                        {"run:trainer", "run:observer", "course:trainer", "course:observer", "organisation:admin",
                         "organisation:manager", "platform:admin"}),
      authz::granted_to("gradebook.setup", "Set a run's gradebook up: categories, weights, drop-lowest, letters.",
                        {"run:trainer", "course:trainer", "organisation:admin", "platform:admin"}),
      authz::granted_to("gradebook.override", "Override a learner's grade (an item or the course), audited.",
                        {"run:trainer", "course:trainer", "organisation:admin", "platform:admin"}),
  };
}

}  // namespace trivium::gradebook
