// The gradebook's arithmetic on numbers worked out by hand: weights of items
// and categories, drop-lowest, missing grades before and after the run's
// end, overrides, the passing rule and the letter scale.

#include <gtest/gtest.h>

#include <stdexcept>

#include "gradebook/model.h"

namespace trivium::gradebook {
namespace {

Item item(const std::string& id, double max) {
  return Item{"quiz:" + id, "quiz", "Quiz " + id, max, ""};
}

ItemGrade graded(const std::string& id, double grade) {
  ItemGrade g;
  g.key = "quiz:" + id;
  g.user_id = "ann";
  g.grade = grade;
  return g;
}

std::map<std::string, ItemGrade> grades(std::initializer_list<ItemGrade> list) {
  std::map<std::string, ItemGrade> out;
  for (const ItemGrade& g : list) out[g.key] = g;
  return out;
}

void place(Setup& s, const std::string& id, std::optional<std::string> category, double weight) {
  s.placements["quiz:" + id] = Placement{"quiz:" + id, std::move(category), weight};
}

const ItemResult& result_of(const LearnerResult& r, const std::string& id) {
  for (const ItemResult& i : r.items)
    if (i.key == "quiz:" + id) return i;
  throw std::logic_error("no item " + id);
}

const std::map<std::string, ActiveOverride> kNoOverrides;

TEST(GradebookCompute, WeightsOfItemsWithinCategoriesAndOfCategories) {
  std::vector<Item> items{item("q1", 10), item("q2", 20), item("q3", 10), item("q4", 5)};
  gradebook::Setup s;
  s.categories = {Category{"quizzes", "Quizzes", 40, 0, 0}, Category{"exam", "Exam", 60, 0, 1}};
  place(s, "q1", "quizzes", 1);
  place(s, "q2", "quizzes", 3);
  place(s, "q3", "exam", 1);
  place(s, "q4", "exam", 1);
  // q1 8/10 = 80 %, q2 10/20 = 50 %, q3 9/10 = 90 %, q4 3.5/5 = 70 %.
  auto r = compute(items, s, grades({graded("q1", 8), graded("q2", 10), graded("q3", 9), graded("q4", 3.5)}),
                   kNoOverrides, Context{});
  ASSERT_EQ(r.categories.size(), 2u);  // no uncategorised item: no third category
  // Quizzes: (1 * 80 + 3 * 50) / 4 = 57.5; Exam: (90 + 70) / 2 = 80.
  EXPECT_DOUBLE_EQ(*r.categories[0].percent, 57.5);
  EXPECT_DOUBLE_EQ(*r.categories[1].percent, 80);
  // Course: (40 * 57.5 + 60 * 80) / 100 = (2300 + 4800) / 100 = 71.
  EXPECT_DOUBLE_EQ(*r.course.percent, 71);
  EXPECT_EQ(*r.course.letter, "C");
  EXPECT_FALSE(r.course.passed.has_value());  // the course has no passing rule
  EXPECT_DOUBLE_EQ(*result_of(r, "q2").percent, 50);
  EXPECT_DOUBLE_EQ(*result_of(r, "q2").grade, 10);
}

TEST(GradebookCompute, DropLowestLeavesOutTheLowestItemsButNeverAll) {
  std::vector<Item> items{item("h1", 10), item("h2", 10), item("h3", 10)};
  gradebook::Setup s;
  s.categories = {Category{"hw", "Homework", 1, 1, 0}};
  for (const char* id : {"h1", "h2", "h3"}) place(s, id, "hw", 1);
  auto g = grades({graded("h1", 6), graded("h2", 9), graded("h3", 7.5)});
  // 60, 90, 75: the 60 goes, (90 + 75) / 2 = 82.5.
  auto r = compute(items, s, g, kNoOverrides, Context{});
  EXPECT_TRUE(result_of(r, "h1").dropped);
  EXPECT_FALSE(result_of(r, "h3").dropped);
  EXPECT_DOUBLE_EQ(*r.course.percent, 82.5);
  EXPECT_EQ(*r.course.letter, "B");
  // Dropping 5 of 3 keeps the best one: 90.
  s.categories[0].drop_lowest = 5;
  r = compute(items, s, g, kNoOverrides, Context{});
  EXPECT_TRUE(result_of(r, "h1").dropped);
  EXPECT_TRUE(result_of(r, "h3").dropped);
  EXPECT_FALSE(result_of(r, "h2").dropped);
  EXPECT_DOUBLE_EQ(*r.course.percent, 90);
}

TEST(GradebookCompute, OfEqualLowestGradesTheHeavierIsDropped) {
  std::vector<Item> items{item("a", 10), item("b", 10), item("c", 10)};
  gradebook::Setup s;
  s.categories = {Category{"hw", "Homework", 1, 1, 0}};
  place(s, "a", "hw", 2);
  place(s, "b", "hw", 1);
  place(s, "c", "hw", 1);
  // a and b are both 60 %, c 90 %. Dropping a (weight 2) leaves
  // (1 * 60 + 1 * 90) / 2 = 75; dropping b would leave (2 * 60 + 90) / 3 = 70.
  auto r = compute(items, s, grades({graded("a", 6), graded("b", 6), graded("c", 9)}), kNoOverrides, Context{});
  EXPECT_TRUE(result_of(r, "a").dropped);
  EXPECT_FALSE(result_of(r, "b").dropped);
  EXPECT_DOUBLE_EQ(*r.course.percent, 75);
}

TEST(GradebookCompute, MissingGradesAreLeftOutUntilTheRunEndsThenCountAsZero) {
  std::vector<Item> items{item("a", 10), item("b", 10)};
  gradebook::Setup s;
  auto g = grades({graded("a", 8)});
  // Before the end: only a counts, 80.
  auto during = compute(items, s, g, kNoOverrides, Context{false, std::nullopt});
  EXPECT_FALSE(result_of(during, "b").counted);
  EXPECT_DOUBLE_EQ(*during.course.percent, 80);
  // After: b is 0, (80 + 0) / 2 = 40, though its own percent stays unknown.
  auto after = compute(items, s, g, kNoOverrides, Context{true, std::nullopt});
  EXPECT_TRUE(result_of(after, "b").counted);
  EXPECT_FALSE(result_of(after, "b").percent.has_value());
  EXPECT_DOUBLE_EQ(*after.course.percent, 40);
  EXPECT_EQ(*after.course.letter, "F");
  // Nothing graded before the end: no course grade, no letter.
  auto nothing = compute(items, s, {}, kNoOverrides, Context{false, 50.0});
  EXPECT_FALSE(nothing.course.percent.has_value());
  EXPECT_FALSE(nothing.course.letter.has_value());
  EXPECT_EQ(nothing.course.passed, std::optional<bool>(false));
  // After the end a missing item is the first to drop: 80 again.
  s.categories = {Category{"c", "All", 1, 1, 0}};
  place(s, "a", "c", 1);
  place(s, "b", "c", 1);
  auto dropped = compute(items, s, g, kNoOverrides, Context{true, std::nullopt});
  EXPECT_TRUE(result_of(dropped, "b").dropped);
  EXPECT_DOUBLE_EQ(*dropped.course.percent, 80);
}

TEST(GradebookCompute, AnItemOverrideReplacesItsGradeAndACourseOverrideTheTotal) {
  std::vector<Item> items{item("a", 20), item("b", 10)};
  gradebook::Setup s;
  auto g = grades({graded("a", 16), graded("b", 5)});  // 80 % and 50 %
  std::map<std::string, ActiveOverride> o;
  o["quiz:b"] = ActiveOverride{70, "re-marked question 3", "trainer", 0};
  // (80 + 70) / 2 = 75.
  auto r = compute(items, s, g, o, Context{false, 60.0});
  EXPECT_TRUE(result_of(r, "b").overridden);
  EXPECT_DOUBLE_EQ(*result_of(r, "b").percent, 70);
  EXPECT_DOUBLE_EQ(*result_of(r, "b").computed_percent, 50);
  EXPECT_DOUBLE_EQ(*result_of(r, "b").grade, 7);  // 70 % of 10
  EXPECT_DOUBLE_EQ(*r.course.percent, 75);
  EXPECT_EQ(r.course.passed, std::optional<bool>(true));
  // The course override wins over the computed 75 and decides the letter
  // and the pass.
  o[std::string(kCourseKey)] = ActiveOverride{55, "academic misconduct", "trainer", 0};
  r = compute(items, s, g, o, Context{false, 60.0});
  EXPECT_TRUE(r.course.overridden);
  EXPECT_DOUBLE_EQ(*r.course.percent, 55);
  EXPECT_DOUBLE_EQ(*r.course.computed_percent, 75);
  EXPECT_EQ(*r.course.letter, "F");
  EXPECT_EQ(r.course.passed, std::optional<bool>(false));
  // An override stands for a missing grade too: before the end, an item
  // nobody graded but the trainer set counts.
  std::map<std::string, ActiveOverride> only{{"quiz:a", ActiveOverride{90, "oral exam", "trainer", 0}}};
  r = compute(items, s, {}, only, Context{});
  EXPECT_DOUBLE_EQ(*r.course.percent, 90);
  EXPECT_DOUBLE_EQ(*result_of(r, "a").grade, 18);
}

TEST(GradebookCompute, UncategorisedItemsCountAsOneCategoryOfTheirOwnWeight) {
  std::vector<Item> items{item("x", 10), item("y", 10)};
  gradebook::Setup s;
  s.categories = {Category{"main", "Main", 3, 0, 0}};
  place(s, "x", "main", 1);
  auto g = grades({graded("x", 10), graded("y", 6)});
  // Main 100 at weight 3, uncategorised 60 at weight 1: (300 + 60) / 4 = 90.
  auto r = compute(items, s, g, kNoOverrides, Context{});
  ASSERT_EQ(r.categories.size(), 2u);
  EXPECT_FALSE(r.categories[1].id.has_value());
  EXPECT_DOUBLE_EQ(*r.course.percent, 90);
  EXPECT_EQ(*r.course.letter, "A");
  // At weight 0 the uncategorised items count for nothing: 100.
  s.uncategorised_weight = 0;
  EXPECT_DOUBLE_EQ(*compute(items, s, g, kNoOverrides, Context{}).course.percent, 100);
  // A placement naming a category that is gone falls back to uncategorised:
  // both items then average (100 + 60) / 2 = 80.
  s.uncategorised_weight = 1;
  place(s, "x", "deleted", 1);
  r = compute(items, s, g, kNoOverrides, Context{});
  EXPECT_FALSE(result_of(r, "x").category_id.has_value());
  EXPECT_DOUBLE_EQ(*r.course.percent, 80);
}

TEST(GradebookCompute, CategoriesWithNothingCountedOrNoWeightAreLeftOut) {
  std::vector<Item> items{item("a", 10), item("b", 10), item("c", 10)};
  gradebook::Setup s;
  s.categories = {Category{"one", "One", 50, 0, 0}, Category{"two", "Two", 50, 0, 1},
                  Category{"zero", "Zero", 0, 0, 2}};
  place(s, "a", "one", 1);
  place(s, "b", "two", 1);
  place(s, "c", "zero", 1);
  // b is not graded and the run goes on: Two has no mean; Zero has weight
  // 0. Only One counts: 70.
  auto r = compute(items, s, grades({graded("a", 7), graded("c", 1)}), kNoOverrides, Context{});
  EXPECT_FALSE(r.categories[1].percent.has_value());
  EXPECT_DOUBLE_EQ(*r.categories[2].percent, 10);
  EXPECT_DOUBLE_EQ(*r.course.percent, 70);
  // An item of weight 0 is shown but moves nothing: (70 * 1) / 1 with c
  // moved into One at weight 0.
  place(s, "c", "one", 0);
  EXPECT_DOUBLE_EQ(*compute(items, s, grades({graded("a", 7), graded("c", 1)}), kNoOverrides, Context{}).course.percent,
                   70);
}

TEST(GradebookCompute, ThePassingRuleIsInclusiveAndCompareTheShownGrade) {
  std::vector<Item> items{item("a", 3)};
  gradebook::Setup s;
  // 2 of 3 is 66.666…%, shown as 66.67; a rule of 66.67 passes it.
  auto r = compute(items, s, grades({graded("a", 2)}), kNoOverrides, Context{false, 66.67});
  EXPECT_DOUBLE_EQ(*r.course.percent, 66.67);
  EXPECT_EQ(r.course.passed, std::optional<bool>(true));
  r = compute(items, s, grades({graded("a", 2)}), kNoOverrides, Context{false, 66.68});
  EXPECT_EQ(r.course.passed, std::optional<bool>(false));
}

TEST(GradebookCompute, LettersFollowTheScaleOnTheShownPercent) {
  const LetterScale d = default_letter_scale();
  EXPECT_EQ(letter_for(d, 100), "A");
  EXPECT_EQ(letter_for(d, 90), "A");
  EXPECT_EQ(letter_for(d, 89.994), "B");  // shown as 89.99
  EXPECT_EQ(letter_for(d, 89.996), "A");  // shown as 90.00
  EXPECT_EQ(letter_for(d, 80), "B");
  EXPECT_EQ(letter_for(d, 70), "C");
  EXPECT_EQ(letter_for(d, 60), "D");
  EXPECT_EQ(letter_for(d, 59.99), "F");
  EXPECT_EQ(letter_for(d, 0), "F");
  const LetterScale pass_fail{{"Pass", 50}, {"Fail", 0}};
  EXPECT_TRUE(check_letter_scale(pass_fail));
  EXPECT_EQ(letter_for(pass_fail, 50), "Pass");
  EXPECT_EQ(letter_for(pass_fail, 49.99), "Fail");
}

TEST(GradebookCompute, ALetterScaleMustDescendToZeroWithDistinctLetters) {
  auto fields = [](const LetterScale& s) {
    std::vector<std::string> out;
    auto r = check_letter_scale(s);
    if (!r)
      for (const FieldError& f : r.error().fields) out.push_back(f.field + ":" + f.code);
    return out;
  };
  EXPECT_TRUE(check_letter_scale(default_letter_scale()));
  EXPECT_EQ(fields({}), std::vector<std::string>{"letters:count"});
  EXPECT_EQ(fields({{"A", 50}, {"B", 60}, {"C", 0}}), std::vector<std::string>{"letters/1/min_percent:not_decreasing"});
  EXPECT_EQ(fields({{"A", 50}, {"B", 10}}), std::vector<std::string>{"letters/1/min_percent:last_not_zero"});
  EXPECT_EQ(fields({{"A", 50}, {"A", 0}}), std::vector<std::string>{"letters/1/letter:duplicate"});
  EXPECT_EQ(fields({{"", 50}, {"F", 0}}), std::vector<std::string>{"letters/0/letter:length"});
  EXPECT_EQ(fields({{"A", 150}, {"F", 0}}), std::vector<std::string>{"letters/0/min_percent:out_of_range"});
}

}  // namespace
}  // namespace trivium::gradebook
