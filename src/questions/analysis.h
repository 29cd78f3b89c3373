// Item analysis: how a quiz's questions behaved across its finished
// attempts, as classical test theory measures it. Pure numbers; the quiz
// module gathers the scores and stores or shows the results.
//
// An item is a question slot of the quiz (with random draws, one slot may
// hold different questions; callers analyse per question version by giving
// each version its own slot). Standard deviations are sample ones (n - 1)
// throughout; every statistic that is undefined for the data at hand (too
// few attempts, no variance) is absent rather than 0 or NaN.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace trivium::questions {

// One finished attempt.
struct AttemptScores {
  // Per item, the fraction of its mark earned, in [0, 1]; absent when the
  // attempt did not include the item.
  std::vector<std::optional<double>> fractions;
  double total = 0;  // the attempt's total, in marks
};

struct AnalysisInput {
  // Per item, its mark in the quiz (> 0): the rest of the test for an item
  // is total - fraction * mark, and Cronbach's alpha weighs items by it.
  std::vector<double> item_marks;
  std::vector<AttemptScores> attempts;  // each with one fraction per item
};

struct ItemStatistics {
  size_t n = 0;                    // attempts that included the item
  std::optional<double> facility;  // mean fraction (the p-value); n >= 1
  std::optional<double> sd;        // SD of the fractions; n >= 2
  // Point-biserial: the Pearson correlation between the item's fraction and
  // the rest of the test over the attempts that included it; absent when
  // n < 2 or either has no variance.
  std::optional<double> discrimination;
  bool operator==(const ItemStatistics&) const = default;
};

struct TestStatistics {
  size_t attempts = 0;
  std::optional<double> mean;  // of the totals; attempts >= 1
  std::optional<double> sd;    // of the totals; attempts >= 2
  // Over the attempts that include every item (item scores in marks):
  // k / (k - 1) * (1 - sum of item variances / variance of their sum).
  // Absent with fewer than 2 items or such attempts, or a sum without
  // variance.
  std::optional<double> cronbach_alpha;
  // KR-20, when every fraction of those attempts is 0 or 1: alpha's formula
  // with each item counted as one point (p * q for its variance); equal to
  // alpha when all marks are equal.
  std::optional<double> kr20;
  std::vector<ItemStatistics> items;
  bool operator==(const TestStatistics&) const = default;
};

// Invalid (paths "item_marks/i", "attempts/i/fractions[/j]", "attempts/i/total")
// when a row has the wrong number of items, a fraction lies outside [0, 1],
// a mark is not > 0 or a number is not finite.
Result<TestStatistics> analyse(const AnalysisInput& input);

// Distractor frequencies of one item: how often each distinct response
// (its describe() text) was given, most frequent first, ties in byte order
// of the text so the list is the same every time.
struct ResponseCount {
  std::string response;
  size_t count = 0;
  bool operator==(const ResponseCount&) const = default;
};
std::vector<ResponseCount> response_frequencies(const std::vector<std::string>& responses);

}  // namespace trivium::questions
