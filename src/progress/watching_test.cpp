// Merging played segments, the credit a report can claim, and the xAPI
// video profile's played-segments text.

#include <gtest/gtest.h>

#include "progress/watching.h"

namespace trivium::progress {
namespace {

TEST(Watching, OverlappingAndTouchingSegmentsMerge) {
  std::vector<Segment> w;
  add_segment(w, {10, 20});
  add_segment(w, {30, 40});
  add_segment(w, {0, 5});
  EXPECT_EQ(w, (std::vector<Segment>{{0, 5}, {10, 20}, {30, 40}}));
  add_segment(w, {18, 30});  // bridges two
  EXPECT_EQ(w, (std::vector<Segment>{{0, 5}, {10, 40}}));
  add_segment(w, {5, 10});  // touches both sides
  EXPECT_EQ(w, (std::vector<Segment>{{0, 40}}));
  add_segment(w, {12, 12});  // empty: nothing
  add_segment(w, {50, 45});  // backwards: nothing
  EXPECT_EQ(w, (std::vector<Segment>{{0, 40}}));
}

TEST(Watching, ReplayingTheSamePartCountsOnce) {
  std::vector<Segment> w;
  for (int i = 0; i < 5; ++i) add_segment(w, {0, 30});
  EXPECT_DOUBLE_EQ(covered_seconds(w, 100), 30);
}

TEST(Watching, CoverageIsClippedToTheDuration) {
  std::vector<Segment> w{{-5, 10}, {95, 120}};
  EXPECT_DOUBLE_EQ(covered_seconds(w, 100), 15);
}

TEST(Watching, AReportIsCreditedAtMostTwiceTheWallTimePlusSlack) {
  const int64_t t = 1'000'000;
  EXPECT_EQ(credited_part({0, 100}, std::nullopt, t), (Segment{0, kFirstReportAllowanceSeconds}));
  EXPECT_EQ(credited_part({10, 20}, t - 10'000, t), (Segment{10, 20}));
  EXPECT_EQ(credited_part({10, 100}, t - 10'000, t), (Segment{10, 35}));
  // A clock that went backwards gives the slack only.
  EXPECT_EQ(credited_part({0, 60}, t + 5'000, t), (Segment{0, kReportSlackSeconds}));
}

TEST(Watching, SegmentsSurviveTheirStoredForm) {
  std::vector<Segment> w{{0, 12.5}, {20.25, 30}};
  EXPECT_EQ(segments_from_json(segments_json(w)), w);
  EXPECT_TRUE(segments_from_json("not json").empty());
  EXPECT_TRUE(segments_from_json("[[1]]").empty());
}

TEST(Watching, PlayedSegmentsTextFollowsTheVideoProfile) {
  EXPECT_EQ(played_segments_text({{0, 12.5}, {20, 30.1234}}), "0[.]12.5[,]20[.]30.123");
  EXPECT_EQ(played_segments_text({}), "");
}

}  // namespace
}  // namespace trivium::progress
