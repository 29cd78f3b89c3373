// The capabilities of the bank routes, as data. A course's authors keep its
// bank (and decide whether the organisation's other courses may use it);
// its trainers read the questions they will grade; organisation admins
// reach every course of their organisation through the course's parent.
// Learners never read a bank: they meet questions only inside an attempt.

#include "bank/bank.h"

namespace trivium::bank {

std::vector<authz::Capability> capabilities() {
  return {
      authz::granted_to("bank.read", "Read a course's question bank: categories, questions and their versions.",
                        {"course:author", "course:trainer", "organisation:admin", "platform:admin"}),
      authz::granted_to("bank.edit",
                        "Change a course's question bank: categories, questions, imports; share it with the "
                        "organisation.",
                        {"course:author", "organisation:admin", "platform:admin"}),
  };
}

}  // namespace trivium::bank
