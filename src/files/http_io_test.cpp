// The HTTP details of serving files, as tables of inputs and answers: Range
// (RFC 9110 section 14), the uploads' Content-Range, entity-tag lists, HTTP
// dates and Content-Disposition (FILE-07).
#include <gtest/gtest.h>

#include "files/internal.h"

namespace trivium::files::detail {
namespace {

struct RangeCase {
  std::string header;
  uint64_t size;
  RangeAnswer::Kind kind;
  uint64_t first = 0;
  uint64_t last = 0;
};

TEST(Range, SingleRangesMultipleRangesAndEdges) {
  using K = RangeAnswer::Kind;
  const std::vector<RangeCase> cases = {
      {"bytes=0-0", 100, K::Partial, 0, 0},
      {"bytes=0-99", 100, K::Partial, 0, 99},
      {"bytes=10-", 100, K::Partial, 10, 99},
      {"bytes=99-", 100, K::Partial, 99, 99},
      {"bytes=-1", 100, K::Partial, 99, 99},
      {"bytes=-100", 100, K::Partial, 0, 99},
      {"bytes=-500", 100, K::Partial, 0, 99},                    // a suffix longer than the file: all of it
      {"bytes=50-5000", 100, K::Partial, 50, 99},                // the end is clamped
      {"bytes=0-18446744073709551616", 100, K::Partial, 0, 99},  // past uint64: saturates
      {"BYTES = 5-9", 100, K::Partial, 5, 9},                    // unit case, optional whitespace
      {"bytes=5-9,", 100, K::Partial, 5, 9},                     // empty list elements are allowed
      {"bytes=100-", 100, K::Unsatisfiable},
      {"bytes=100-200", 100, K::Unsatisfiable},
      {"bytes=-0", 100, K::Unsatisfiable},
      {"bytes=99999999999999999999-", 100, K::Unsatisfiable},
      {"bytes=200-300, 400-", 100, K::Unsatisfiable},  // several, none overlaps
      {"bytes=0-1, 5-6", 100, K::Whole},               // several: the whole file (RFC 9110 allows it)
      {"bytes=0-1, 500-600", 100, K::Whole},
      {"bytes=5-2", 100, K::Whole},  // last < first: invalid, ignored
      {"bytes=a-b", 100, K::Whole},
      {"bytes=1-2-3", 100, K::Whole},
      {"bytes=--1", 100, K::Whole},
      {"bytes=", 100, K::Whole},
      {"bytes=+1-2", 100, K::Whole},
      {"items=0-10", 100, K::Whole},  // unknown unit: ignored
      {"bytes 0-10", 100, K::Whole},
      {"", 100, K::Whole},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE("Range: " + c.header + " on " + std::to_string(c.size) + " bytes");
    RangeAnswer a = parse_range(c.header, c.size);
    EXPECT_EQ(a.kind, c.kind);
    if (c.kind == K::Partial) {
      EXPECT_EQ(a.range.first, c.first);
      EXPECT_EQ(a.range.last, c.last);
      EXPECT_EQ(a.range.length(), c.last - c.first + 1);
    }
  }
}

TEST(Range, AbusivelyManyRangesAreIgnored) {
  std::string header = "bytes=";
  for (int i = 0; i < 1000; ++i) header += std::to_string(i) + "-" + std::to_string(i) + ",";
  EXPECT_EQ(parse_range(header, 100).kind, RangeAnswer::Kind::Whole);
}

TEST(ContentRange, ChunkHeadersOfUploads) {
  auto ok_range = parse_content_range("bytes 0-1023/4096");
  ASSERT_TRUE(ok_range);
  EXPECT_EQ(ok_range->start, 0);
  EXPECT_EQ(ok_range->end, 1023);
  EXPECT_EQ(ok_range->total, 4096);
  auto last = parse_content_range("bytes 4000-4095/4096");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->end, 4095);
  auto big = parse_content_range("bytes 4294967296-4311744511/8589934592");
  ASSERT_TRUE(big) << "offsets past 4 GiB";
  EXPECT_EQ(big->start, int64_t{4294967296});
  for (const char* bad :
       {"bytes 0-1023/*", "bytes */4096", "bytes 10-5/100", "bytes 0-100/100", "bytes 0-99", "bytes=0-99/100",
        "items 0-9/10", "bytes -1-9/10", "bytes 0-9/99999999999999999999", "bytes 0 - 9/10", ""}) {
    EXPECT_FALSE(parse_content_range(bad)) << bad;
  }
}

TEST(ETag, ListsStrongAndWeakComparison) {
  const std::string tag = "\"abc\"";
  EXPECT_TRUE(etag_list_matches("\"abc\"", tag, false));
  EXPECT_TRUE(etag_list_matches("\"x\", \"abc\"", tag, false));
  EXPECT_TRUE(etag_list_matches("*", tag, false));
  EXPECT_TRUE(etag_list_matches("W/\"abc\"", tag, true)) << "If-None-Match compares weakly";
  EXPECT_FALSE(etag_list_matches("W/\"abc\"", tag, false)) << "If-Match and If-Range compare strongly";
  EXPECT_FALSE(etag_list_matches("\"abcd\"", tag, true));
  EXPECT_FALSE(etag_list_matches("abc", tag, true)) << "unquoted is malformed";
  EXPECT_FALSE(etag_list_matches("\"abc", tag, true));
  EXPECT_FALSE(etag_list_matches("", tag, true));
}

TEST(HttpDate, RoundTripAndStrictness) {
  EXPECT_EQ(format_http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(parse_http_date(format_http_date(1'800'000'000)), 1'800'000'000);
  EXPECT_FALSE(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT trailing"));
  EXPECT_FALSE(parse_http_date("yesterday"));
}

// FILE-07: the header never carries the uploader's raw bytes.
TEST(ContentDisposition, FILE07_EncodesEveryNameSafely) {
  EXPECT_EQ(content_disposition(true, "Lecture 1.mp4"),
            "inline; filename=\"Lecture 1.mp4\"; filename*=UTF-8''Lecture%201.mp4");
  EXPECT_EQ(content_disposition(false, "r\xC3\xA9sum\xC3\xA9.pdf"),
            "attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf");
  const std::string hostile = content_disposition(false, "a\"; filename=evil.html\r\nSet-Cookie: x=1;\\%.txt");
  EXPECT_EQ(hostile.find('\r'), std::string::npos);
  EXPECT_EQ(hostile.find('\n'), std::string::npos);
  EXPECT_EQ(hostile,
            "attachment; filename=\"a_; filename=evil.html__Set-Cookie: x=1;__.txt\"; "
            "filename*=UTF-8''a%22%3B%20filename%3Devil.html%0D%0ASet-Cookie%3A%20x%3D1%3B%5C%25.txt");
  EXPECT_EQ(content_disposition(true, "\xE6\x97\xA5\xE6\x9C\xAC.mp4"),
            "inline; filename=\"__.mp4\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.mp4");
}

}  // namespace
}  // namespace trivium::files::detail
