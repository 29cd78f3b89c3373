// The CSV reader and writer: what spreadsheets produce, and what they must
// not be tricked into running.
#include "core/csv.h"

#include <gtest/gtest.h>

namespace trivium::csv {
namespace {

std::vector<std::vector<std::string>> fields_of(const Document& d) {
  std::vector<std::vector<std::string>> out;
  for (const auto& r : d.records) out.push_back(r.fields);
  return out;
}

TEST(Csv, ReadsCommaSeparatedWithQuotesAndCrlf) {
  auto d = parse("email,name\r\nann@example.org,\"Ann, the \"\"first\"\"\"\r\nbob@example.org,Bob\r\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->delimiter, ',');
  EXPECT_EQ(fields_of(*d), (std::vector<std::vector<std::string>>{
                               {"email", "name"}, {"ann@example.org", "Ann, the \"first\""}, {"bob@example.org", "Bob"}}));
  EXPECT_EQ(d->records[2].line, 3);
  EXPECT_TRUE(d->errors.empty());
}

TEST(Csv, StripsTheByteOrderMarkAndDetectsSemicolons) {
  auto d = parse("\xEF\xBB\xBF" "email;name;department\nzoe@example.org;Zoé Martin;Ventes, Sud\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->delimiter, ';');
  ASSERT_EQ(d->records.size(), 2u);
  EXPECT_EQ(d->records[0].fields[0], "email");  // no BOM glued to the first header
  EXPECT_EQ(d->records[1].fields[2], "Ventes, Sud");
}

TEST(Csv, AQuotedLineBreakKeepsLineNumbersRight) {
  auto d = parse("a,b\n\"two\nlines\",x\n\nlast,y");
  ASSERT_TRUE(d);
  ASSERT_EQ(d->records.size(), 3u);
  EXPECT_EQ(d->records[1].fields[0], "two\nlines");
  EXPECT_EQ(d->records[1].line, 2);
  EXPECT_EQ(d->records[2].line, 5);  // after the quoted break and a blank line
}

TEST(Csv, BadLinesAreReportedAndTheRestIsRead) {
  std::string text = "a,b\nok,1\nbad\xC3\x28,2\n\"x\"y,3\nfine,4\n";
  auto d = parse(text);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->records.size(), 3u);
  EXPECT_EQ(d->records[2].fields[0], "fine");
  ASSERT_EQ(d->errors.size(), 2u);
  EXPECT_EQ(d->errors[0].line, 3);
  EXPECT_EQ(d->errors[0].code, "bad_utf8");
  EXPECT_EQ(d->errors[1].line, 4);
  EXPECT_EQ(d->errors[1].code, "stray_quote");
}

TEST(Csv, LimitsAreReportedPerLine) {
  Limits limits;
  limits.max_fields = 3;
  limits.max_field_bytes = 5;
  auto d = parse("a,b\n1,2,3,4\ntoolongvalue,1\nok,2\n", limits);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->errors.size(), 2u);
  EXPECT_EQ(d->errors[0].code, "too_many_fields");
  EXPECT_EQ(d->errors[1].code, "field_too_long");
  EXPECT_EQ(d->records.size(), 2u);
}

TEST(Csv, AnUnterminatedQuoteStopsTheReadingThere) {
  auto d = parse("a,b\n1,2\n\"open,3\n4,5\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->records.size(), 2u);
  ASSERT_EQ(d->errors.size(), 1u);
  EXPECT_EQ(d->errors[0].line, 3);
  EXPECT_EQ(d->errors[0].code, "unterminated_quote");
}

TEST(Csv, EmptyOrTooLongDocumentsAreInvalid) {
  EXPECT_FALSE(parse(""));
  EXPECT_FALSE(parse("\xEF\xBB\xBF\n\n"));
  Limits limits;
  limits.max_records = 2;
  auto d = parse("h\n1\n2\n", limits);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().kind, ErrorKind::Invalid);
}

TEST(Csv, WriterQuotesAndDefusesFormulas) {
  std::string out;
  append_record(out, {"plain", "a,b", "say \"hi\"", "=HYPERLINK(\"x\")", "-2.5", "@SUM(A1)", "-cmd"});
  EXPECT_EQ(out, "plain,\"a,b\",\"say \"\"hi\"\"\",\"'=HYPERLINK(\"\"x\"\")\",-2.5,\"'@SUM(A1)\",\"'-cmd\"\r\n");
  // What the writer writes, the reader reads back (apostrophes aside).
  auto d = parse(out);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->records.size(), 1u);
  EXPECT_EQ(d->records[0].fields[2], "say \"hi\"");
  EXPECT_EQ(d->records[0].fields[3], "'=HYPERLINK(\"x\")");
}

}  // namespace
}  // namespace trivium::csv
