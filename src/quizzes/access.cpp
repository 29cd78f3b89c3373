// The capabilities of the quiz routes, as data. Learners attempt the
// quizzes of runs they are learners of (run:learner); the run's trainers
// and observers, the course's staff and organisation admins and managers
// read everyone's results; trainers and authors set dates and overrides.

#include "quizzes/quizzes.h"

namespace trivium::quizzes {

std::vector<authz::Capability> capabilities() {
  return {
      authz::granted_to("quizzes.attempt", "Attempt a quiz of a run: start, save answers, submit, review.",
                        {"run:learner"}),
      authz::granted_to("quizzes.results.read", "Read every learner's attempts at a run's quiz.",
                        {"run:trainer", "run:observer", "course:trainer", "course:observer", "course:author",
                         "organisation:admin", "organisation:manager", "platform:admin"}),
      authz::granted_to("quizzes.grade",
                        "Grade a question of a learner's attempt (essays; overriding an automatic mark), audited.",
                        {"run:trainer", "course:trainer", "organisation:admin", "platform:admin"}),
      authz::granted_to("quizzes.manage",
                        "Set a quiz's dates in a run and a learner's override (extension, time, attempts).",
                        {"run:trainer", "course:trainer", "course:author", "organisation:admin", "platform:admin"}),
  };
}

}  // namespace trivium::quizzes
