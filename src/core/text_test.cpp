// The ASCII classes against the C library's in the "C" locale, and the
// RFC 5646 language tag rules each with the inputs either side of them.
// (Moved here from src/xapi/values_test.cpp with the validator.)
#include "core/text.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace trivium::text {
namespace {

// The C library's classes in the default "C" locale are the ASCII ones; above
// 0x7F they are locale-dependent, and ours must say no whatever the locale.
TEST(TextClasses, MatchTheCLocaleForAsciiAndRefuseEveryOtherByte) {
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    const bool ascii = b < 0x80;
    EXPECT_EQ(is_alpha(c), ascii && std::isalpha(b) != 0) << b;
    EXPECT_EQ(is_digit(c), ascii && std::isdigit(b) != 0) << b;
    EXPECT_EQ(is_alnum(c), ascii && std::isalnum(b) != 0) << b;
    EXPECT_EQ(is_hex(c), ascii && std::isxdigit(b) != 0) << b;
    EXPECT_EQ(lower(c), ascii ? static_cast<char>(std::tolower(b)) : c) << b;
  }
}

TEST(TextCompare, FoldsOnlyAsciiLetters) {
  EXPECT_TRUE(iequals("Multipart/Mixed", "multipart/mixed"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("abc", "abcd"));
  EXPECT_FALSE(iequals("ab", "a"));
  EXPECT_FALSE(iequals("a-b", "a_b"));
  // "É" (C3 89) and "é" (C3 A9) differ: only A-Z fold.
  EXPECT_FALSE(iequals("\xc3\x89t\xc3\xa9", "\xc3\xa9t\xc3\xa9"));
  // '[' (0x5B) is 'Z' + 1 and '@' is 'A' - 1: neither folds to a letter.
  EXPECT_FALSE(iequals("[", "{"));
  EXPECT_FALSE(iequals("@", "`"));
  EXPECT_EQ(to_lower("Ann.MARTIN@Example.ORG"), "ann.martin@example.org");
  EXPECT_EQ(to_lower("\xc3\x89T\xc3\x89"), "\xc3\x89t\xc3\x89");
}

TEST(ValidLanguageTag, AcceptsWellFormedTags) {
  for (const char* t : {"en",
                        "en-US",
                        "de-DE",
                        "es-419",
                        "zh-Hant",
                        "zh-Hant-TW",
                        "sr-Latn-RS",
                        "zh-yue-HK",
                        "zh-abc-def-ghi",  // three extlangs, the most there may be
                        "sl-rozaj-biske",
                        "de-CH-1901",
                        "hy-Latn-IT-arevela",
                        "en-a-bbb-x-a-ccc",
                        "en-a-bbb-b-ccc",
                        "en-0-abc",  // a digit singleton
                        "en-US-u-islamcal",
                        "x-whatever",
                        "X-Private-Use",
                        "i-klingon",
                        "I-KLINGON",
                        "EN-gb-OED",
                        "art-lojban",
                        "zh-min-nan",
                        "und",
                        "cmn",
                        "ase",
                        "english",  // a registered 5-8 letter language
                        "qaa-Qaaa-QM-x-southern",
                        "fr-CA",
                        "EN-us"}) {
    EXPECT_TRUE(valid_language_tag(t)) << t;
  }
}

TEST(ValidLanguageTag, RefusesMalformedOrInvalidTags) {
  for (const char* t : {"",
                        "e",
                        "something",  // a 9-letter language
                        "a12345",
                        "en--US",
                        "en-US-",
                        "-en",
                        "en_US",
                        "en US",
                        "en-a",
                        "en-a-x-y",
                        "x",
                        "x-",
                        "en-x",
                        "zh-z-aaa-z-bbb-c-ccc",  // singleton repeated
                        "en-a-bbb-A-ccc",        // also when the case differs
                        "de-1996-1996",          // variant repeated
                        "sl-rozaj-ROZAJ",
                        "zh-Hant-Hans",
                        "en-US-US",
                        "en-US-Latn",          // script after region
                        "zh-abc-def-ghi-jkl",  // a fourth extlang
                        "en-123456789",
                        "123",
                        "en-x-toolongsubtag",
                        "i-notgrandfathered",
                        "en-\xc3\xa9",  // UTF-8 letters are not ASCII letters
                        "\xc3\xa9n"}) {
    EXPECT_FALSE(valid_language_tag(t)) << t;
  }
}

// The limits that bound the work on hostile input: 256 bytes, 64 subtags.
TEST(ValidLanguageTag, RefusesTagsBeyondItsLimits) {
  std::string tag = "en-x";
  while (tag.size() + 8 <= 256) tag += "-abcdefg";
  tag += std::string("-abc").substr(0, 256 - tag.size());
  ASSERT_EQ(tag.size(), 256u);
  EXPECT_TRUE(valid_language_tag(tag));
  EXPECT_FALSE(valid_language_tag(tag + "a"));

  std::string many = "en-x";  // 2 subtags
  for (int i = 0; i < 62; ++i) many += "-a";
  EXPECT_TRUE(valid_language_tag(many));  // 64 subtags
  EXPECT_FALSE(valid_language_tag(many + "-a"));
}

}  // namespace
}  // namespace trivium::text
