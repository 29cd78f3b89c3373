// display_order(): reproducible from the seed on every platform, different
// across seeds, the author's order when shuffling is off, and never the
// right order of an ordering question.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "questions/qmodel_testing.h"
#include "questions/question.h"

namespace trivium::questions {
namespace {

using namespace testing;
using Ids = std::vector<std::string>;

Question letters(size_t n, bool shuffle = true) {
  SingleChoice sc;
  for (size_t i = 0; i < n; ++i)
    sc.choices.push_back({std::string(1, static_cast<char>('a' + i)), "x", i == 0 ? 1.0 : 0.0, ""});
  sc.shuffle = shuffle;
  return base("Letters", sc);
}

bool is_permutation_of(Ids a, Ids b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

// Pins the algorithm (splitmix64, rejection sampling, Fisher-Yates from the
// back; see display.cpp): an attempt started before an upgrade or on another
// server must show the same order. The expected orders were computed by an
// independent Python implementation of the same specification:
//   state += 0x9E3779B97F4A7C15; z = state; z = (z ^ z>>30) * 0xBF58476D1CE4E5B9;
//   z = (z ^ z>>27) * 0x94D049BB133111EB; out = z ^ z>>31   (all mod 2^64)
//   below(n): draw until x >= (2^64 - n) % n, then x % n
//   for i = n .. 2: swap(ids[i-1], ids[below(i)])
// (its first outputs for seed 0, e220a8397b1dcdaf 6e789e6aa1b965f4, are
// splitmix64's published ones).
TEST(DisplayOrder, IsTheSpecifiedPermutation) {
  EXPECT_EQ(display_order(letters(6), 42).ids, (Ids{"e", "d", "a", "c", "f", "b"}));
  EXPECT_EQ(display_order(letters(5), 7).ids, (Ids{"e", "b", "d", "a", "c"}));
  // Cloze part k uses the seed XOR k * 0xD1B54A32D192ED03.
  Question q = cloze();
  auto& parts = std::get<Cloze>(q.body).parts;
  parts[0].body = std::get<SingleChoice>(letters(3).body);
  parts[1].body = std::get<SingleChoice>(letters(4).body);
  const auto order = display_order(q, 42);
  EXPECT_TRUE(order.ids.empty());
  EXPECT_EQ(order.parts.at(1), (Ids{"c", "b", "a"}));
  EXPECT_EQ(order.parts.at(2), (Ids{"d", "b", "c", "a"}));
}

TEST(DisplayOrder, SameSeedSameOrder) {
  for (const auto& q : every_kind())
    for (uint64_t seed : {0ULL, 1ULL, 42ULL, 0xFFFFFFFFFFFFFFFFULL})
      EXPECT_EQ(display_order(q, seed), display_order(q, seed)) << type_name(q.body);
}

TEST(DisplayOrder, DifferentSeedsDifferentOrders) {
  // 26 choices have 26! orders: 200 seeds must give 200 distinct ones.
  std::set<Ids> seen;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const Ids ids = display_order(letters(26), seed).ids;
    ASSERT_TRUE(is_permutation_of(ids, display_order(letters(26, false), 0).ids));
    seen.insert(ids);
  }
  EXPECT_EQ(seen.size(), 200u);

  // Three choices over 6,000 seeds: each of the 6 orders near 1,000 times
  // (a fair shuffle lands within ±150 with overwhelming probability; a
  // biased one, such as a naive swap with any position, does not).
  std::map<Ids, int> counts;
  for (uint64_t seed = 0; seed < 6000; ++seed) ++counts[display_order(letters(3), seed).ids];
  EXPECT_EQ(counts.size(), 6u);
  for (const auto& [ids, n] : counts) {
    EXPECT_GT(n, 850);
    EXPECT_LT(n, 1150);
  }
}

TEST(DisplayOrder, ShuffleOffKeepsTheAuthorsOrder) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    EXPECT_EQ(display_order(letters(5, false), seed).ids, (Ids{"a", "b", "c", "d", "e"}));
    Question mc = multiple_choice();
    std::get<MultipleChoice>(mc.body).shuffle = false;
    EXPECT_EQ(display_order(mc, seed).ids, (Ids{"a", "b", "c", "d"}));
    Question m = matching();
    std::get<Matching>(m.body).shuffle = false;
    EXPECT_EQ(display_order(m, seed).ids, (Ids{"a", "b", "c", "d"}));
    Question c = cloze();
    std::get<SingleChoice>(std::get<Cloze>(c.body).parts[0].body).shuffle = false;
    EXPECT_EQ(display_order(c, seed).parts.at(1), (Ids{"a", "b"}));
  }
}

TEST(DisplayOrder, OrderingNeverShowsTheRightOrder) {
  Question two = ordering();
  std::get<Ordering>(two.body).items.resize(2);
  std::set<Ids> seen;
  for (uint64_t seed = 0; seed < 1000; ++seed) {
    EXPECT_EQ(display_order(two, seed).ids, (Ids{"b", "a"}));
    const Ids ids = display_order(ordering(), seed).ids;
    EXPECT_NE(ids, (Ids{"a", "b", "c", "d"})) << seed;
    EXPECT_TRUE(is_permutation_of(ids, {"a", "b", "c", "d"}));
    seen.insert(ids);
  }
  EXPECT_EQ(seen.size(), 23u);  // every other order of 4 items shows up
  // One item has only one order.
  Question one = ordering();
  std::get<Ordering>(one.body).items.resize(1);
  EXPECT_EQ(display_order(one, 3).ids, (Ids{"a"}));
}

TEST(DisplayOrder, WhatEachKindShows) {
  EXPECT_TRUE(display_order(true_false(), 1).ids.empty());
  EXPECT_TRUE(display_order(short_answer(), 1).ids.empty());
  EXPECT_TRUE(display_order(numerical(), 1).ids.empty());
  EXPECT_TRUE(display_order(essay(), 1).ids.empty());
  EXPECT_TRUE(display_order(essay(), 1).parts.empty());
  // Matching shows each distinct answer once (distractors included).
  Question m = matching();
  std::get<Matching>(m.body).pairs.push_back({"e", "Latium", "Rome"});
  const Ids answers = display_order(m, 5).ids;
  EXPECT_TRUE(is_permutation_of(answers, {"a", "b", "c", "d"}));
  // Cloze: only choice parts have an order.
  const auto c = display_order(cloze(), 9);
  EXPECT_EQ(c.parts.size(), 1u);
  EXPECT_TRUE(is_permutation_of(c.parts.at(1), {"a", "b"}));
  // A part's order depends on its own number, not on the other parts.
  Question bigger = cloze();
  auto& parts = std::get<Cloze>(bigger.body).parts;
  parts[1].body = std::get<SingleChoice>(letters(5).body);
  bigger.text = "{#1} {#2}";
  EXPECT_EQ(display_order(bigger, 9).parts.at(1), c.parts.at(1));
}

}  // namespace
}  // namespace trivium::questions
