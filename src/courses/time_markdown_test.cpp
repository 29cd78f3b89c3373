// Weekly schedules across daylight-saving changes, local-time formatting,
// and Markdown rendering with XSS payloads.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "courses/courses.h"
#include "courses/internal.h"

namespace trivium::courses {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string utc_of(const WeeklySchedule& s, int index) {
  auto r = weekly_release(s, index);
  EXPECT_TRUE(r) << (r ? "" : r.error().detail);
  return r ? format_rfc3339(*r) : "";
}

TEST(WeeklyRelease, MondaysNineParisStayNineLocalAcrossDaylightSaving) {
  // The first date is a Wednesday: releases start the next Monday. Summer
  // time begins on 28 March 2027 and ends on 31 October 2027.
  const WeeklySchedule s{"Europe/Paris", "monday", "09:00", "2027-03-17"};
  EXPECT_EQ(utc_of(s, 0), "2027-03-22T08:00:00.000Z");   // winter: UTC+1
  EXPECT_EQ(utc_of(s, 1), "2027-03-29T07:00:00.000Z");   // summer: UTC+2
  EXPECT_EQ(utc_of(s, 32), "2027-11-01T08:00:00.000Z");  // winter again
  auto local = format_local(*weekly_release(s, 1), "Europe/Paris");
  ASSERT_TRUE(local);
  EXPECT_EQ(*local, "2027-03-29T09:00:00+02:00");
  EXPECT_EQ(*format_local(*weekly_release(s, 0), "Europe/Paris"), "2027-03-22T09:00:00+01:00");
  EXPECT_EQ(*format_local(*weekly_release(s, 0), "America/New_York"), "2027-03-22T04:00:00-04:00");
}

TEST(WeeklyRelease, AFirstDateOnTheWeekdayIsTheFirstRelease) {
  const WeeklySchedule s{"UTC", "friday", "18:30", "2027-01-01"};  // a Friday
  EXPECT_EQ(utc_of(s, 0), "2027-01-01T18:30:00.000Z");
  EXPECT_EQ(utc_of(s, 2), "2027-01-15T18:30:00.000Z");
}

TEST(WeeklyRelease, BadScheduleIsInvalidPerField) {
  auto r = weekly_release({"Nowhere/City", "moonday", "25:00", "2027-02-30"}, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(r.error().fields.size(), 4u);
  EXPECT_FALSE(format_local(0, "Nowhere/City"));
  EXPECT_TRUE(is_time_zone("Europe/Paris"));
  EXPECT_FALSE(is_time_zone("../../etc/passwd"));
  EXPECT_FALSE(is_time_zone(""));
}

TEST(Rfc3339, ParsesOffsetsAndRejectsGarbage) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:01Z"), 1000);
  EXPECT_EQ(parse_rfc3339("1970-01-01T01:00:00.250+01:00"), 250);
  EXPECT_EQ(parse_rfc3339("2027-03-29T09:00:00+02:00"), parse_rfc3339("2027-03-29T07:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2027-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2027-03-29 09:00"));
  EXPECT_FALSE(parse_rfc3339("tomorrow"));
}

TEST(Cursor, RoundTripsAndRejectsForgeries) {
  const CursorKey k{0.123456789012345678, 1'700'000'000'000, "0193a6c4-8f2e"};
  auto back = decode_cursor(encode_cursor(k));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->rank, k.rank);
  EXPECT_EQ(back->start, k.start);
  EXPECT_EQ(back->id, k.id);
  EXPECT_FALSE(decode_cursor("zz"));
  EXPECT_FALSE(decode_cursor("abc"));
  EXPECT_FALSE(decode_cursor("7c7c"));  // "||"
}

// XSS through a course description: raw HTML and script URLs never reach
// the rendered HTML (the checklist's output-encoding item).
TEST(Markdown, RawHtmlAndScriptLinksAreDropped_XSS) {
  const char* payloads[] = {
      "<script>alert(1)</script>",
      "<img src=x onerror=alert(1)>",
      "[click](javascript:alert(1))",
      "[click](JaVaScRiPt:alert(1))",
      "![x](javascript:alert(1))",
      "<a href=\"javascript:alert(1)\">x</a>",
      "<iframe src=\"https://evil.example\"></iframe>",
      "[x](vbscript:msgbox(1))",
      "<svg onload=alert(1)>",
  };
  for (const char* p : payloads) {
    const std::string html = render_markdown(p);
    EXPECT_THAT(html, Not(HasSubstr("<script"))) << p;
    EXPECT_THAT(html, Not(HasSubstr("<img src=\"x\" onerror"))) << p;
    EXPECT_THAT(html, Not(HasSubstr("onerror="))) << p;
    EXPECT_THAT(html, Not(HasSubstr("onload="))) << p;
    EXPECT_THAT(html, Not(HasSubstr("href=\"javascript"))) << p;
    EXPECT_THAT(html, Not(HasSubstr("href=\"JaVaScRiPt"))) << p;
    EXPECT_THAT(html, Not(HasSubstr("src=\"javascript"))) << p;
    EXPECT_THAT(html, Not(HasSubstr("vbscript:"))) << p;
    EXPECT_THAT(html, Not(HasSubstr("<iframe"))) << p;
  }
}

TEST(Markdown, GithubExtensionsAreRendered) {
  EXPECT_THAT(render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n"), HasSubstr("<table>"));
  EXPECT_THAT(render_markdown("~~old~~"), HasSubstr("<del>old</del>"));
  // Outbound links are marked so that they pass no referrer and no ranking.
  EXPECT_THAT(render_markdown("see https://example.org now"),
              HasSubstr("<a href=\"https://example.org\" rel=\"noopener noreferrer nofollow\">"));
  EXPECT_THAT(render_markdown("- [x] done\n- [ ] todo\n"), HasSubstr("type=\"checkbox\""));
  EXPECT_THAT(render_markdown("**bold** & <b>raw</b>"), HasSubstr("<strong>bold</strong> &amp;"));
}

}  // namespace
}  // namespace trivium::courses
