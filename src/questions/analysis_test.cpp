// Item analysis against numbers computed independently: by hand from the
// formulas, cross-checked with a one-off Python script (plain arithmetic, no
// statistics library) whose intermediate sums are quoted below. Tolerance
// 1e-9.
#include "questions/analysis.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "questions/qmodel_testing.h"

namespace trivium::questions {
namespace {

constexpr double kTol = 1e-9;
const std::optional<double> kAbsent;

void expect_near(const std::optional<double>& got, double expected, const char* what) {
  ASSERT_TRUE(got.has_value()) << what;
  EXPECT_NEAR(*got, expected, kTol) << what;
}

// Data set 1: five attempts, three one-mark items scored right (1) or
// wrong (0); the totals are the sums.
//
//   attempt  item1 item2 item3  total
//      1       1     1     1      3
//      2       1     1     0      2
//      3       1     0     0      1
//      4       0     1     0      1
//      5       0     0     0      0
AnalysisInput data_set_1() {
  return {
      {1, 1, 1},
      {{{1.0, 1.0, 1.0}, 3}, {{1.0, 1.0, 0.0}, 2}, {{1.0, 0.0, 0.0}, 1}, {{0.0, 1.0, 0.0}, 1}, {{0.0, 0.0, 0.0}, 0}}};
}

TEST(ItemAnalysis, DichotomousDataSet) {
  const auto r = analyse(data_set_1());
  ASSERT_TRUE(r);
  const TestStatistics& s = *r;
  EXPECT_EQ(s.attempts, 5u);
  // Totals 3,2,1,1,0: sum 7, mean 7/5 = 1.4; squared deviations
  // 2.56+0.36+0.16+0.16+1.96 = 5.2; SD = sqrt(5.2 / 4) = sqrt(1.3).
  expect_near(s.mean, 1.4, "mean");
  expect_near(s.sd, std::sqrt(1.3), "sd");  // 1.140175425099138
  ASSERT_EQ(s.items.size(), 3u);

  // Item 1: fractions 1,1,1,0,0 -> facility 3/5 = 0.6; squared deviations
  // 3*0.16 + 2*0.36 = 1.2, SD = sqrt(1.2/4) = sqrt(0.3).
  // Rest of the test (total - item): 2,1,0,1,0, mean 0.8, Syy = 1.44+0.04+0.64+0.04+0.64 = 2.8.
  // Sxy = (0.4)(1.2)+(0.4)(0.2)+(0.4)(-0.8)+(-0.6)(0.2)+(-0.6)(-0.8) = 0.6.
  // r = 0.6 / sqrt(1.2 * 2.8) = 0.6 / sqrt(3.36) = 0.3273268353539885.
  EXPECT_EQ(s.items[0].n, 5u);
  expect_near(s.items[0].facility, 0.6, "facility 1");
  expect_near(s.items[0].sd, std::sqrt(0.3), "sd 1");
  expect_near(s.items[0].discrimination, 0.3273268353539885, "discrimination 1");
  // Item 2: fractions 1,1,0,1,0, rest 2,1,1,0,0: the same sums as item 1.
  expect_near(s.items[1].facility, 0.6, "facility 2");
  expect_near(s.items[1].discrimination, 0.3273268353539885, "discrimination 2");
  // Item 3: fractions 1,0,0,0,0 -> facility 0.2, Sxx = 0.64 + 4*0.04 = 0.8,
  // SD = sqrt(0.2); rest 2,2,1,1,0 (mean 1.2, Syy = 0.64*2+0.04*2+1.44 = 2.8),
  // Sxy = 0.8*0.8 + (-0.2)(0.8) + (-0.2)(-0.2)*2 + (-0.2)(-1.2) = 0.8;
  // r = 0.8 / sqrt(0.8 * 2.8) = 0.5345224838248488.
  expect_near(s.items[2].facility, 0.2, "facility 3");
  expect_near(s.items[2].sd, std::sqrt(0.2), "sd 3");
  expect_near(s.items[2].discrimination, 0.5345224838248488, "discrimination 3");

  // Cronbach's alpha, k = 3: item variances 0.3 + 0.3 + 0.2 = 0.8, variance
  // of the totals 5.2 / 4 = 1.3; alpha = 3/2 * (1 - 0.8/1.3) = 15/26.
  expect_near(s.cronbach_alpha, 15.0 / 26, "alpha");  // 0.5769230769230769
  // KR-20: p = 0.6, 0.6, 0.2; sum of p*q = 0.24+0.24+0.16 = 0.64; population
  // variance of the number right 5.2 / 5 = 1.04; 3/2 * (1 - 0.64/1.04) = 15/26,
  // as it must equal alpha for one-point items.
  expect_near(s.kr20, 15.0 / 26, "kr20");
}

// Data set 2: partial credit, an item worth 2 marks, and items an attempt
// did not include (random draws).
//
//   attempt  item1 (2 marks)  item2 (1)  item3 (1)  total
//      1          1              0.5        -         2.5
//      2          1              1          1         4
//      3          0              -          1         1
//      4          1              1          0         3
//      5          0              0          0.5       0.5
AnalysisInput data_set_2() {
  const std::optional<double> absent;
  return {{2, 1, 1},
          {{{1.0, 0.5, absent}, 2.5},
           {{1.0, 1.0, 1.0}, 4},
           {{0.0, absent, 1.0}, 1},
           {{1.0, 1.0, 0.0}, 3},
           {{0.0, 0.0, 0.5}, 0.5}}};
}

TEST(ItemAnalysis, PartialCreditWeightsAndMissingItems) {
  const auto r = analyse(data_set_2());
  ASSERT_TRUE(r);
  const TestStatistics& s = *r;
  // Totals 2.5,4,1,3,0.5: sum 11, mean 2.2; squared deviations
  // 0.09+3.24+1.44+0.64+2.89 = 8.3; SD = sqrt(8.3/4) = 1.4404860290887933.
  EXPECT_EQ(s.attempts, 5u);
  expect_near(s.mean, 2.2, "mean");
  expect_near(s.sd, std::sqrt(8.3 / 4), "sd");

  // Item 1 (2 marks), all five attempts: fractions 1,1,0,1,0, facility 0.6,
  // SD sqrt(1.2/4). Rest = total - 2 * fraction: 0.5,2,1,1,0.5 (mean 1,
  // Syy = 0.25+1+0+0+0.25 = 1.5); Sxy = 0.4(-0.5)+0.4(1)+(-0.6)(0)+0.4(0)+(-0.6)(-0.5) = 0.5;
  // r = 0.5 / sqrt(1.2 * 1.5) = 0.37267799624996495.
  EXPECT_EQ(s.items[0].n, 5u);
  expect_near(s.items[0].facility, 0.6, "facility 1");
  expect_near(s.items[0].sd, std::sqrt(0.3), "sd 1");
  expect_near(s.items[0].discrimination, 0.37267799624996495, "discrimination 1");

  // Item 2, attempts 1,2,4,5: fractions 0.5,1,1,0, facility 2.5/4 = 0.625,
  // Sxx = 0.015625+0.140625*2+0.390625 = 0.6875, SD = sqrt(0.6875/3).
  // Rest 2,3,2,0.5 (mean 1.875, Syy = 0.015625+1.265625+0.015625+1.890625 = 3.1875);
  // Sxy = (-0.125)(0.125)+(0.375)(1.125)+(0.375)(0.125)+(-0.625)(-1.375) = 1.3125;
  // r = 1.3125 / sqrt(0.6875 * 3.1875) = 0.8866206949335731.
  EXPECT_EQ(s.items[1].n, 4u);
  expect_near(s.items[1].facility, 0.625, "facility 2");
  expect_near(s.items[1].sd, std::sqrt(0.6875 / 3), "sd 2");  // 0.47871355387816905
  expect_near(s.items[1].discrimination, 0.8866206949335731, "discrimination 2");

  // Item 3, attempts 2,3,4,5: fractions 1,1,0,0.5, facility 0.625, the same
  // Sxx 0.6875. Rest 3,0,3,0 (mean 1.5, Syy = 4 * 2.25 = 9);
  // Sxy = 0.375(1.5)+0.375(-1.5)+(-0.625)(1.5)+(-0.125)(-1.5) = -0.75;
  // r = -0.75 / sqrt(0.6875 * 9) = -0.30151134457776363.
  EXPECT_EQ(s.items[2].n, 4u);
  expect_near(s.items[2].discrimination, -0.30151134457776363, "discrimination 3");

  // Alpha over the attempts with every item (2, 4, 5), scores in marks:
  // item 1: 2,2,0 (variance 4/3), item 2: 1,1,0 (1/3), item 3: 1,0,0.5 (1/4);
  // sums 4,3,0.5 (mean 2.5, squared deviations 2.25+0.25+4 = 6.5, variance 3.25).
  // alpha = 3/2 * (1 - (4/3 + 1/3 + 1/4) / 3.25) = 3/2 * (1 - 23/39) = 8/13.
  expect_near(s.cronbach_alpha, 8.0 / 13, "alpha");  // 0.6153846153846152
  EXPECT_EQ(s.kr20, kAbsent) << "partial credit is not dichotomous";
}

TEST(ItemAnalysis, UndefinedStatisticsAreAbsent) {
  // Everyone right on item 1: no variance, no discrimination (but an SD of 0).
  AnalysisInput in{{1, 1}, {{{1.0, 1.0}, 2}, {{1.0, 0.0}, 1}, {{1.0, 1.0}, 2}}};
  auto r = analyse(in);
  ASSERT_TRUE(r);
  expect_near(r->items[0].facility, 1, "facility");
  expect_near(r->items[0].sd, 0, "sd");
  EXPECT_EQ(r->items[0].discrimination, kAbsent);
  // Rest of the test without variance: item 2's rest is item 1, always 1.
  EXPECT_EQ(r->items[1].discrimination, kAbsent);

  // One attempt: a mean, no SD, no correlation, no reliability.
  r = analyse({{1, 1}, {{{1.0, 0.0}, 1}}});
  ASSERT_TRUE(r);
  expect_near(r->mean, 1, "mean");
  EXPECT_EQ(r->sd, kAbsent);
  EXPECT_EQ(r->items[0].n, 1u);
  EXPECT_EQ(r->items[0].sd, kAbsent);
  EXPECT_EQ(r->items[0].discrimination, kAbsent);
  EXPECT_EQ(r->cronbach_alpha, kAbsent);

  // An item nobody was given.
  r = analyse({{1, 1}, {{{1.0, std::nullopt}, 1}, {{0.0, std::nullopt}, 0}}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->items[1].n, 0u);
  EXPECT_EQ(r->items[1].facility, kAbsent);
  EXPECT_EQ(r->cronbach_alpha, kAbsent) << "no attempt has every item";

  // One item: alpha needs at least two.
  r = analyse({{1}, {{{1.0}, 1}, {{0.0}, 0}}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->cronbach_alpha, kAbsent);
  EXPECT_EQ(r->kr20, kAbsent);

  // Everyone with the same total: no variance to explain.
  r = analyse({{1, 1}, {{{1.0, 0.0}, 1}, {{0.0, 1.0}, 1}}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->cronbach_alpha, kAbsent);
  EXPECT_EQ(r->kr20, kAbsent);

  // No attempts at all.
  r = analyse({{1, 1}, {}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->attempts, 0u);
  EXPECT_EQ(r->mean, kAbsent);
  EXPECT_EQ(r->items.size(), 2u);
}

TEST(ItemAnalysis, BadInputIsInvalid) {
  using testing::has_error;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(has_error(analyse({{1, 1}, {{{1.0}, 1}}}), "attempts/0/fractions", "wrong_length"));
  EXPECT_TRUE(has_error(analyse({{1}, {{{1.5}, 1}}}), "attempts/0/fractions/0", "out_of_range"));
  EXPECT_TRUE(has_error(analyse({{1}, {{{-0.5}, 1}}}), "attempts/0/fractions/0", "out_of_range"));
  EXPECT_TRUE(has_error(analyse({{1}, {{{nan}, 1}}}), "attempts/0/fractions/0", "out_of_range"));
  EXPECT_TRUE(has_error(analyse({{1}, {{{1.0}, nan}}}), "attempts/0/total", "not_finite"));
  EXPECT_TRUE(has_error(analyse({{0}, {}}), "item_marks/0", "out_of_range"));
}

TEST(ItemAnalysis, ResponseFrequencies) {
  const auto counts =
      response_frequencies({"b) Paris", "a) Lyon", "b) Paris", "c) Nice", "a) Lyon", "b) Paris", "(no answer)"});
  const std::vector<ResponseCount> expected = {
      {"b) Paris", 3}, {"a) Lyon", 2}, {"(no answer)", 1}, {"c) Nice", 1}};  // ties in byte order
  EXPECT_EQ(counts, expected);
  EXPECT_TRUE(response_frequencies({}).empty());
}

// The whole path: responses described by describe() and counted.
TEST(ItemAnalysis, DistractorsFromDescribedResponses) {
  const Question q = testing::single_choice();
  std::vector<std::string> described;
  for (const char* id : {"b", "a", "b", "c", "b", "a"}) described.push_back(describe(q, ChoiceResponse{id}));
  const std::vector<ResponseCount> expected = {{"b) Paris", 3}, {"a) Lyon", 2}, {"c) Marseille", 1}};
  EXPECT_EQ(response_frequencies(described), expected);
}

}  // namespace
}  // namespace trivium::questions
