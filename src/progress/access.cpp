// The capabilities of the progress routes, as data. Learners read blocks and
// report on them only in runs where they are learners (the policy's
// run:learner role: an active or completed enrolment); the run's staff read
// every block (no locks, no progress of their own); the matrix of everyone's
// progress is for those who follow learners: trainers, observers, managers
// and admins — not authors, who edit content and need no learner data.

#include "progress/progress.h"

namespace trivium::progress {

std::vector<authz::Capability> capabilities() {
  authz::Capability dashboard = authz::granted_to("progress.dashboard", "See one's own learning dashboard.", {});
  dashboard.authenticated = true;  // the service only ever shows the caller's own
  return {
      authz::granted_to("progress.blocks.read",
                        "Open a block of a run's published content: its learners and the course's staff.",
                        {"run:learner", "run:trainer", "run:observer", "run:author", "course:author", "course:trainer",
                         "course:observer", "organisation:admin", "platform:admin"}),
      authz::granted_to("progress.report", "Report one's own progress on a block (viewed, played, position).",
                        {"run:learner"}),
      authz::granted_to("progress.own.read", "See one's own progress through a run.", {"run:learner"}),
      authz::granted_to("progress.run.read", "See every learner's progress in a run (the progress matrix).",
                        {"run:trainer", "run:observer", "course:trainer", "course:observer", "organisation:admin",
                         "organisation:manager", "platform:admin"}),
      dashboard,
  };
}

}  // namespace trivium::progress
