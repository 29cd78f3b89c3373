// The value syntaxes on their own: versions, timestamps, durations, UUIDs
// and IRIs, each with the inputs that sit just either side of a rule
// (language tags are core's: src/core/text_test.cpp).
#include <gtest/gtest.h>

#include "xapi/xapi.h"

namespace trivium::xapi {
namespace {

TEST(ParseVersion, AcceptsEveryForm1_0xObligesAnLrsToAccept) {
  for (const char* v : {"1.0", "1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.9", " 1.0.3 "}) {
    EXPECT_EQ(parse_version(v), Version::V1_0) << v;
  }
  for (const char* v : {"2.0", "2.0.0", "2.0.1"}) EXPECT_EQ(parse_version(v), Version::V2_0) << v;
}

TEST(ParseVersion, RefusesOtherVersions) {
  for (const char* v : {"", "1", "1.1", "1.1.0", "0.95", "0.9.9", "3.0.0", "1.0.", "1.0.x", "1.0.3a", "v1.0.3",
                        "2.0.0.0", "1.0.12345678901"}) {
    EXPECT_FALSE(parse_version(v).has_value()) << v;
  }
}

TEST(VersionString, IsTheLatestPatchOfEachFamily) {
  EXPECT_EQ(version_string(Version::V1_0), "1.0.3");
  EXPECT_EQ(version_string(Version::V2_0), "2.0.0");
}

TEST(ParseTimestamp, ReadsTheInstantWhateverTheZone) {
  EXPECT_EQ(parse_timestamp_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_timestamp_ms("1970-01-01T00:00:00.001Z"), 1);
  EXPECT_EQ(parse_timestamp_ms("2026-03-01T10:15:00.250Z"), 1772360100250);
  EXPECT_EQ(parse_timestamp_ms("2026-03-01T11:15:00.250+01:00"), 1772360100250);
  EXPECT_EQ(parse_timestamp_ms("2026-03-01T05:45:00.250-04:30"), 1772360100250);
  EXPECT_EQ(parse_timestamp_ms("2026-03-01 10:15:00.250+00:00"), 1772360100250);
  EXPECT_EQ(parse_timestamp_ms("20260301T111500.25+0100"), 1772360100250);
  EXPECT_EQ(parse_timestamp_ms("2026-03-01T11:15:00.250+01"), 1772360100250);
  EXPECT_EQ(parse_timestamp_ms("1969-12-31T23:59:59Z"), -1000);
}

TEST(ParseTimestamp, TruncatesToTheMillisecond) {
  EXPECT_EQ(parse_timestamp_ms("2026-03-01T10:15:00.2509999Z"), 1772360100250);
  EXPECT_EQ(parse_timestamp_ms("2026-03-01T10:15:00.2Z"), 1772360100200);
}

TEST(ParseTimestamp, KnowsTheCalendar) {
  EXPECT_TRUE(parse_timestamp_ms("2024-02-29T00:00:00Z").has_value());
  EXPECT_TRUE(parse_timestamp_ms("2000-02-29T00:00:00Z").has_value());
  EXPECT_FALSE(parse_timestamp_ms("1900-02-29T00:00:00Z").has_value());
  EXPECT_FALSE(parse_timestamp_ms("2026-02-29T00:00:00Z").has_value());
  EXPECT_FALSE(parse_timestamp_ms("2026-04-31T00:00:00Z").has_value());
  EXPECT_FALSE(parse_timestamp_ms("2026-13-01T00:00:00Z").has_value());
  EXPECT_FALSE(parse_timestamp_ms("2026-00-01T00:00:00Z").has_value());
  EXPECT_FALSE(parse_timestamp_ms("2026-01-00T00:00:00Z").has_value());
  EXPECT_FALSE(parse_timestamp_ms("2026-01-01T24:00:00Z").has_value());
  EXPECT_FALSE(parse_timestamp_ms("2026-01-01T23:60:00Z").has_value());
  EXPECT_FALSE(parse_timestamp_ms("2026-12-31T23:59:60Z").has_value());
}

TEST(ParseTimestamp, RefusesMalformedTimestamps) {
  for (const char* t : {"",
                        "2026",
                        "2026-03-01",
                        "2026-03-01T",
                        "2026-03-01T10",
                        "2026-03-01T10:15:00",
                        "2026-03-01T10:15:00-00:00",
                        "2026-03-01T10:15:00-0000",
                        "2026-03-01T10:15:00-00",
                        "2026-03-01T10:15:00+1",
                        "2026-03-01T10:15:00+01:0",
                        "2026-03-01T10:15:00+01:00 ",
                        " 2026-03-01T10:15:00Z",
                        "2026-3-01T10:15:00Z",
                        "2026-03-01X10:15:00Z",
                        "2026-03-01T10:15:00.Z",
                        "2026-03-01T10:15:00ZZ",
                        "01/011/2015",
                        "should fail",
                        "2026-03-01T10:15:00+24:00",
                        "2026-03-01T10:15:00+01:60",
                        "2026-03-01T10:15:00.5"}) {
    EXPECT_FALSE(parse_timestamp_ms(t).has_value()) << t;
  }
}

TEST(ValidDuration, AcceptsTheDesignatorFormat) {
  for (const char* d : {"PT4H35M59.14S", "PT16559.14S", "P3Y1M29DT4H35M59.14S", "P3Y", "P4W", "PT1H0M0.1S", "P1D",
                        "PT0S", "P0D", "PT1,5S", "P1Y2M", "P1M", "PT1M", "P1DT1H", "P0.5Y", "PT1.5H"}) {
    EXPECT_TRUE(valid_duration(d)) << d;
  }
}

TEST(ValidDuration, RefusesOtherForms) {
  for (const char* d : {"",
                        "P",
                        "PT",
                        "P1DT",
                        "PA1H0M0S",
                        "P4W1D",
                        "P1W1Y",
                        "P1D1Y",
                        "PT1S1M",
                        "P1H",
                        "PT1D",
                        "1D",
                        "-P1D",
                        "P-1D",
                        "PT1.5H30M",
                        "P1.Y",
                        "P.5Y",
                        "P1Y1Y",
                        "PT1H1H",
                        "P0003-01-29T04:35:59",
                        "should fail",
                        "P16559.14S",
                        "P1DTT1H",
                        "p1d"}) {
    EXPECT_FALSE(valid_duration(d)) << d;
  }
}

TEST(ValidUuid, AcceptsRfc4122VariantOfAnyVersion) {
  for (const char* u : {"e05aa883-acaf-40ad-bf54-02c8ce485fb0", "E05AA883-ACAF-40AD-BF54-02C8CE485FB0",
                        "0193a6c4-8f2e-7b1c-9d3e-5f4a2b1c0d9e", "12345678-1234-5678-8234-567812345678",
                        "a0eebc99-9c0b-1ef8-bb6d-6bb9bd380a11"}) {
    EXPECT_TRUE(valid_uuid(u)) << u;
  }
}

TEST(ValidUuid, RefusesOtherStrings) {
  for (const char* u : {"", "e05aa883acaf40adbf5402c8ce485fb0", "{e05aa883-acaf-40ad-bf54-02c8ce485fb0}",
                        "e05aa883-acaf-40ad-bf54-02c8ce485fb", "e05aa883-acaf-40ad-bf54-02c8ce485fb0a",
                        "g05aa883-acaf-40ad-bf54-02c8ce485fb0", "e05aa883-acaf-40ad-cf54-02c8ce485fb0",
                        "e05aa883-acaf-40ad-7f54-02c8ce485fb0", "00000000-0000-0000-0000-000000000000",
                        "e05aa883_acaf_40ad_bf54_02c8ce485fb0"}) {
    EXPECT_FALSE(valid_uuid(u)) << u;
  }
}

TEST(ValidIri, AcceptsAbsoluteIris) {
  for (const char* i : {"http://example.com", "https://example.com/a?b=c#d", "urn:isbn:0451450523", "mailto:a@b.c",
                        "tag:example.com,2026:x", "http://example.com/%20x", "http://例え.jp/パス", "a+b-c.d:x"}) {
    EXPECT_TRUE(valid_iri(i)) << i;
  }
}

TEST(ValidIri, RefusesRelativeAndMalformedIris) {
  for (const char* i :
       {"", "example.com", "/path", "#fragment", ":nothing", "1http://x", "ab=c://should.fail.com",
        "http:", "http://exa mple.com", "http://example.com/<x>", "http://example.com/%zz", "http://example.com/%2",
        "http://example.com/\x01", "http://example.com/\"q\"", "http://example.com/{x}", "http://example.com/a\\b"}) {
    EXPECT_FALSE(valid_iri(i)) << i;
  }
}

// The rule itself is core's and tested there (src/core/text_test.cpp); this
// pins that xAPI uses it rather than a narrower one of its own.
TEST(ValidLanguageTag, IsCoresRfc5646Rule) {
  for (const char* t : {"en-US", "zh-yue-HK", "i-klingon", "en-GB-oed", "qaa-Qaaa-QM-x-southern"}) {
    EXPECT_TRUE(valid_language_tag(t)) << t;
  }
  for (const char* t : {"", "something", "en_US", "de-1996-1996", "i-notgrandfathered"}) {
    EXPECT_FALSE(valid_language_tag(t)) << t;
  }
}

}  // namespace
}  // namespace trivium::xapi
