// Test-only: one valid question of every kind, for the question model's
// tests to start from and break one rule at a time.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>

#include "questions/question.h"

namespace trivium::questions::testing {

inline Question base(std::string title, Body body, std::string text = "What is asked?") {
  Question q;
  q.title = std::move(title);
  q.text = std::move(text);
  q.body = std::move(body);
  return q;
}

inline Question single_choice() {
  return base("Capital",
              SingleChoice{{{"a", "Lyon", 0, "No, that is a city in the south."},
                            {"b", "Paris", 1, "Yes."},
                            {"c", "Marseille", 0.25, "A port."}}},
              "The capital of France?");
}

inline Question multiple_choice(bool negative = false) {
  MultipleChoice mc{{{"a", "2", 0.5, "prime"},
                     {"b", "3", 0.5, "prime"},
                     {"c", "4", negative ? -0.5 : 0, "not prime"},
                     {"d", "9", negative ? -0.75 : 0, ""}}};
  mc.negative_marks = negative;
  return base("Primes", mc, "Which are prime?");
}

inline Question true_false() {
  return base("Earth", TrueFalse{true, "Right.", "It is round."}, "The earth is round.");
}

inline Question short_answer(bool case_sensitive = false) {
  return base("City", ShortAnswer{{{"Paris", 1, "Exactly."}, {"Par*", 0.5, "Close."}}, case_sensitive},
              "Name the capital.");
}

inline Question numerical() {
  Numerical n;
  n.answers = {{12.5, 0.1, Tolerance::Absolute, 1, "Right."}, {12, 1, Tolerance::Absolute, 0.5, "Nearly."}};
  n.units = {{"cm", 1}, {"mm", 10}, {"m", 0.01}};
  return base("Length", n, "How long is it?");
}

inline Question matching() {
  return base("Capitals",
              Matching{{{"a", "France", "Paris"}, {"b", "Italy", "Rome"}, {"c", "Spain", "Madrid"}, {"d", "", "Lyon"}}},
              "Match the countries.");
}

inline Question ordering(OrderScoring scoring = OrderScoring::AllOrNothing) {
  return base("Sizes", Ordering{{{"a", "Atom"}, {"b", "Cell"}, {"c", "Mouse"}, {"d", "Whale"}}, scoring},
              "Smallest first.");
}

inline Question cloze() {
  ClozePart first{1, ClozePart::Display::Dropdown, SingleChoice{{{"a", "red", 1, "Yes."}, {"b", "blue", 0, "No."}}}};
  ClozePart second{3, ClozePart::Display::Radio, ShortAnswer{{{"green", 1, "Good."}}}};
  return base("Colours", Cloze{{first, second}}, "Blood is {#1} and grass is {#2}.");
}

inline Question essay() {
  return base("Essay", Essay{EssayFormat::Text, 10, 500, 0, "Start here", "Look for three arguments."}, "Discuss.");
}

inline std::vector<Question> every_kind() {
  return {single_choice(), multiple_choice(), true_false(), short_answer(), numerical(),
          matching(),      ordering(),        cloze(),      essay()};
}

// Whether `r` failed with a field error at `path` with `code`; on a miss
// the message lists what was reported, to make a failing test readable.
template <typename R>
::testing::AssertionResult has_error(const R& r, std::string_view path, std::string_view code) {
  if (r.has_value()) return ::testing::AssertionFailure() << "succeeded";
  std::string got;
  for (const auto& f : r.error().fields) {
    if (f.field == path && f.code == code) return ::testing::AssertionSuccess();
    got += " [" + f.field + " " + f.code + "]";
  }
  return ::testing::AssertionFailure() << "no " << path << " " << code << "; got" << got;
}

inline boost::json::value parse(std::string_view text) {
  return boost::json::parse(text);
}

}  // namespace trivium::questions::testing
