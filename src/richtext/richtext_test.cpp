// Functional tests of the sanitiser and of Markdown rendering. The corpus
// of attack payloads is in xss_corpus_test.cpp.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "richtext/internal.h"
#include "richtext/richtext.h"
#include "richtext/testing.h"

namespace trivium::richtext {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Sanitised output must be safe on a fresh parse and a fixed point.
void expect_clean(const std::string& html) {
  EXPECT_EQ(testing::find_unsafe_construct(html), std::nullopt) << html;
  EXPECT_EQ(sanitize_html(html), html);
}

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// --- the sanitiser ---------------------------------------------------------

TEST(Sanitize, KeepsAllowedStructureAsWritten) {
  const std::string html =
      "<h2>Week 1</h2><p>Read <strong>chapter 2</strong> and <em>take</em> <code>notes</code>.</p>"
      "<ul><li>one</li><li>two</li></ul><blockquote><p>quote</p></blockquote><hr><p>a<br>b</p>";
  EXPECT_EQ(sanitize_html(html), html);
}

TEST(Sanitize, ScriptAndStyleGoWithTheirContent_XSS02) {
  EXPECT_EQ(sanitize_html("<p>a<script>alert(1)</script>b<style>p{color:red}</style>c</p>"), "<p>abc</p>");
  EXPECT_EQ(sanitize_html("<p>x</p><iframe src=\"https://e.example\">in</iframe><object>o</object>"), "<p>x</p>");
  EXPECT_EQ(sanitize_html("<template><p>t</p></template><noscript>n</noscript>y"), "y");
  EXPECT_EQ(sanitize_html("<form action=\"/x\"><p>inside</p><input name=a></form>after"), "after");
}

TEST(Sanitize, NoInlineSvgOrMathMl_XSS04) {
  EXPECT_EQ(sanitize_html("<p>a<svg><circle r=\"1\"/><text>t</text></svg>b</p>"), "<p>ab</p>");
  EXPECT_EQ(sanitize_html("<p>a<math><mi>x</mi></math>b</p>"), "<p>ab</p>");
  EXPECT_EQ(sanitize_html("<svg><foreignObject><p>x</p></foreignObject></svg>"), "");
}

TEST(Sanitize, UnknownElementsBecomeBareSpansKeepingText) {
  EXPECT_EQ(sanitize_html("<font color=red>x</font> <custom-el data-x=1>y</custom-el>"),
            "<span>x</span> <span>y</span>");
  EXPECT_EQ(sanitize_html("<label for=a>l</label>"), "<span>l</span>");
}

TEST(Sanitize, NoStyleNoHandlersNoUnknownAttributes) {
  EXPECT_EQ(sanitize_html("<p onclick=\"x()\" style=\"color:red\" data-x=\"1\" class=\"lead\">t</p>"), "<p>t</p>");
  EXPECT_EQ(sanitize_html("<a href=\"/x\" onmouseover=\"x()\" target=\"_blank\" name=\"n\">t</a>"),
            "<a href=\"/x\">t</a>");
}

TEST(Sanitize, CommentsDoctypeAndCdataGo) {
  EXPECT_EQ(sanitize_html("a<!-- secret --><!DOCTYPE html>b<![CDATA[c]]>d<?php x ?>e"), "abde");
}

struct UrlCase {
  const char* href;
  const char* expected;  // the start tag written, or the bare <a> when dropped
};

TEST(Sanitize, OnlySafeUrlSchemes_XSS03) {
  const UrlCase cases[] = {
      {"https://a.example/x?y=1#z", "<a href=\"https://a.example/x?y=1#z\" rel=\"noopener noreferrer nofollow\">"},
      {"HTTP://A.EXAMPLE", "<a href=\"HTTP://A.EXAMPLE\" rel=\"noopener noreferrer nofollow\">"},
      {"//cdn.example/x", "<a href=\"//cdn.example/x\" rel=\"noopener noreferrer nofollow\">"},
      {"mailto:tutor@uni.example", "<a href=\"mailto:tutor@uni.example\">"},
      {"/courses/42", "<a href=\"/courses/42\">"},
      {"../notes.html", "<a href=\"../notes.html\">"},
      {"#summary", "<a href=\"#user-content-summary\">"},
      {"  https://a.example/  ", "<a href=\"https://a.example/\" rel=\"noopener noreferrer nofollow\">"},
      {"javascript:alert(1)", "<a>"},
      {"JaVaScRiPt:alert(1)", "<a>"},
      {"&#106;avascript:alert(1)", "<a>"},
      {"java&#x09;script:alert(1)", "<a>"},
      {"java\nscript:alert(1)", "<a>"},
      {" &#14;javascript:alert(1)", "<a>"},
      {"javascript&colon;alert(1)", "<a>"},
      {"vbscript:msgbox(1)", "<a>"},
      {"data:text/html,<script>alert(1)</script>", "<a>"},
      {"data:image/png;base64,AAAA", "<a>"},  // data: is for images only
      {"file:///etc/passwd", "<a>"},
      {"", "<a>"},
  };
  for (const UrlCase& c : cases) {
    const std::string out = sanitize_html(std::string("<a href=\"") + c.href + "\">x</a>");
    EXPECT_EQ(out, std::string(c.expected) + "x</a>") << c.href;
    expect_clean(out);
  }
}

TEST(Sanitize, DataUrlsOnlyForRasterImages_XSS03) {
  EXPECT_EQ(sanitize_html("<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\">"),
            "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\">");
  EXPECT_EQ(sanitize_html("<img src=\"data:image/webp;base64,UklGRg==\">"),
            "<img src=\"data:image/webp;base64,UklGRg==\">");
  EXPECT_EQ(sanitize_html("<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">"), "");
  EXPECT_EQ(sanitize_html("<img src=\"data:text/html;base64,PHN2Zz4=\">"), "");
  EXPECT_EQ(sanitize_html("<img src=\"data:image/png,raw\">"), "");
  EXPECT_EQ(sanitize_html("<img alt=\"no source\">"), "");
}

TEST(Sanitize, AbsoluteLinksGetRelAndLoseTarget) {
  EXPECT_EQ(sanitize_html("<a href=\"https://e.example\" target=\"_blank\" rel=\"opener\">e</a>"),
            "<a href=\"https://e.example\" rel=\"noopener noreferrer nofollow\">e</a>");
  EXPECT_EQ(sanitize_html("<a href=\"/local\" rel=\"opener\">l</a>"), "<a href=\"/local\">l</a>");
}

TEST(Sanitize, IdsAndFragmentsAreNamespaced) {
  EXPECT_EQ(sanitize_html("<h2 id=\"intro\">I</h2><a href=\"#intro\">go</a>"),
            "<h2 id=\"user-content-intro\">I</h2><a href=\"#user-content-intro\">go</a>");
  EXPECT_EQ(sanitize_html("<h2 id=\"user-content-x\">I</h2>"), "<h2 id=\"user-content-x\">I</h2>");
  EXPECT_EQ(sanitize_html("<h2 id=\"two words\">I</h2><p id=\"\">p</p>"), "<h2>I</h2><p>p</p>");
}

TEST(Sanitize, ClassesOnlyFromTheSafeSets) {
  EXPECT_EQ(sanitize_html("<span class=\"math math-inline evil\">x</span>"),
            "<span class=\"math math-inline\">x</span>");
  EXPECT_EQ(sanitize_html("<div class=\"container math\">x</div>"), "<div class=\"math\">x</div>");
  EXPECT_EQ(sanitize_html("<p class=\"math\">x</p>"), "<p>x</p>");
  EXPECT_EQ(sanitize_html("<code class=\"language-c++ language-rust\">x</code>"),
            "<code class=\"language-c++\">x</code>");
  EXPECT_EQ(sanitize_html("<code class=\"language-a&quot;b\">x</code>"), "<code>x</code>");
}

TEST(Sanitize, TaskListCheckboxesAreDisabledAndOtherInputsGo) {
  EXPECT_EQ(sanitize_html("<input type=\"checkbox\" checked>"), "<input type=\"checkbox\" checked=\"\" disabled=\"\">");
  EXPECT_EQ(sanitize_html("<input type=CHECKBOX name=x onclick=y>"), "<input type=\"checkbox\" disabled=\"\">");
  EXPECT_EQ(sanitize_html("a<input type=\"text\" value=\"v\">b<input>c"), "abc");
}

TEST(Sanitize, TableAttributesAreValidated) {
  EXPECT_EQ(sanitize_html("<table><tr><td colspan=\"2\" rowspan=\"03\" align=\"CENTER\" width=\"9\">x</td>"
                          "<td colspan=\"0\" rowspan=\"-1\" align=\"middle\">y</td></tr></table>"),
            "<table><tbody><tr><td colspan=\"2\" rowspan=\"3\" align=\"center\">x</td><td>y</td></tr></tbody></table>");
  EXPECT_EQ(sanitize_html("<ol start=\"-3\" type=\"a\"><li>x</li></ol><ol start=\"x\"></ol>"),
            "<ol start=\"-3\"><li>x</li></ol><ol></ol>");
}

TEST(Sanitize, AttributeValuesAreEscaped) {
  EXPECT_EQ(sanitize_html("<abbr title='a \"b\" <c> & d'>x</abbr>"),
            "<abbr title=\"a &quot;b&quot; &lt;c&gt; &amp; d\">x</abbr>");
  EXPECT_EQ(sanitize_html("<p>1 &lt; 2 &amp;&amp; 3 &gt; 2</p>"), "<p>1 &lt; 2 &amp;&amp; 3 &gt; 2</p>");
}

TEST(Sanitize, SpecialElementsAreRenamedNotUnwrapped_XSS06) {
  // Unwrapped, <li><center><li> would re-parse as two sibling items.
  EXPECT_EQ(sanitize_html("<li><center><li>x</li></center></li>"), "<li><section><li>x</li></section></li>");
  EXPECT_EQ(sanitize_html("<dir><li>a</li></dir><listing>l</listing>"), "<ul><li>a</li></ul><pre>l</pre>");
  // Unwrapped, <h1><x><h2> would re-parse as two sibling headings.
  EXPECT_EQ(sanitize_html("<h1><x-y><h2>t</h2></x-y></h1>"), "<h1><span><h2>t</h2></span></h1>");
}

TEST(Sanitize, FosterParentedNestingIsUndone_XSS06) {
  // The parser moves these out in front of the table, inside the outer
  // element; written as they are, they would close it when parsed again.
  EXPECT_EQ(sanitize_html("<li><table><li>x</li></table></li>"), "<li><div>x</div><table></table></li>");
  EXPECT_EQ(sanitize_html("<dl><dt><table><dd>x</table></dl>"), "<dl><dt><div>x</div><table></table></dt></dl>");
  EXPECT_EQ(sanitize_html("<h1><table><h2>x</h2></table></h1>"), "<h1><div>x</div><table></table></h1>");
  EXPECT_EQ(sanitize_html("<a href=\"/a\"><table><a href=\"/b\">x</a></table></a>"),
            "<a href=\"/a\"><span>x</span><table></table></a>");
  // A table cell starts afresh: a link inside a cell inside a link is kept.
  expect_clean(sanitize_html("<a href=\"/a\"><table><tr><td><a href=\"/b\">x</a></td></tr></table></a>"));
  EXPECT_THAT(sanitize_html("<a href=\"/a\"><table><tr><td><a href=\"/b\">x</a></td></tr></table></a>"),
              HasSubstr("<td><a href=\"/b\">x</a></td>"));
}

TEST(Sanitize, EverySpecialElementIsKeptRenamedOrDropped_XSS06) {
  // The HTML parser's "special" elements (HTML namespace), as gumbo knows them.
  const GumboTag special[] = {
      GUMBO_TAG_ADDRESS,    GUMBO_TAG_APPLET,    GUMBO_TAG_AREA,     GUMBO_TAG_ARTICLE,    GUMBO_TAG_ASIDE,
      GUMBO_TAG_BASE,       GUMBO_TAG_BASEFONT,  GUMBO_TAG_BGSOUND,  GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_BODY,
      GUMBO_TAG_BR,         GUMBO_TAG_BUTTON,    GUMBO_TAG_CAPTION,  GUMBO_TAG_CENTER,     GUMBO_TAG_COL,
      GUMBO_TAG_COLGROUP,   GUMBO_TAG_MENUITEM,  GUMBO_TAG_DD,       GUMBO_TAG_DETAILS,    GUMBO_TAG_DIR,
      GUMBO_TAG_DIV,        GUMBO_TAG_DL,        GUMBO_TAG_DT,       GUMBO_TAG_EMBED,      GUMBO_TAG_FIELDSET,
      GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE,    GUMBO_TAG_FOOTER,   GUMBO_TAG_FORM,       GUMBO_TAG_FRAME,
      GUMBO_TAG_FRAMESET,   GUMBO_TAG_H1,        GUMBO_TAG_H2,       GUMBO_TAG_H3,         GUMBO_TAG_H4,
      GUMBO_TAG_H5,         GUMBO_TAG_H6,        GUMBO_TAG_HEAD,     GUMBO_TAG_HEADER,     GUMBO_TAG_HGROUP,
      GUMBO_TAG_HR,         GUMBO_TAG_HTML,      GUMBO_TAG_IFRAME,   GUMBO_TAG_IMG,        GUMBO_TAG_INPUT,
      GUMBO_TAG_ISINDEX,    GUMBO_TAG_LI,        GUMBO_TAG_LINK,     GUMBO_TAG_LISTING,    GUMBO_TAG_MAIN,
      GUMBO_TAG_MARQUEE,    GUMBO_TAG_MENU,      GUMBO_TAG_META,     GUMBO_TAG_NAV,        GUMBO_TAG_NOEMBED,
      GUMBO_TAG_NOFRAMES,   GUMBO_TAG_NOSCRIPT,  GUMBO_TAG_OBJECT,   GUMBO_TAG_OL,         GUMBO_TAG_P,
      GUMBO_TAG_PARAM,      GUMBO_TAG_PLAINTEXT, GUMBO_TAG_PRE,      GUMBO_TAG_SCRIPT,     GUMBO_TAG_SECTION,
      GUMBO_TAG_SELECT,     GUMBO_TAG_SOURCE,    GUMBO_TAG_STYLE,    GUMBO_TAG_SUMMARY,    GUMBO_TAG_TABLE,
      GUMBO_TAG_TBODY,      GUMBO_TAG_TD,        GUMBO_TAG_TEMPLATE, GUMBO_TAG_TEXTAREA,   GUMBO_TAG_TFOOT,
      GUMBO_TAG_TH,         GUMBO_TAG_THEAD,     GUMBO_TAG_TITLE,    GUMBO_TAG_TR,         GUMBO_TAG_TRACK,
      GUMBO_TAG_UL,         GUMBO_TAG_WBR,       GUMBO_TAG_XMP,      GUMBO_TAG_KEYGEN,
  };
  for (GumboTag tag : special) {
    EXPECT_NE(detail::rule_for(tag).disposition, detail::Disposition::kSpan) << gumbo_normalized_tagname(tag);
  }
}

TEST(Sanitize, PreKeepsItsLeadingNewline_XSS06) {
  // The parser eats one newline after <pre>: "\n\nx" is the text "\nx".
  EXPECT_EQ(sanitize_html("<pre>\n\nx</pre>"), "<pre>\n\nx</pre>");
  EXPECT_EQ(sanitize_html("<pre><script>s</script>\nx</pre>"), "<pre>\n\nx</pre>");
  EXPECT_EQ(sanitize_html("<pre>\nx</pre>"), "<pre>x</pre>");
  expect_clean(sanitize_html("<pre>\n\n\nx</pre>"));
}

TEST(Sanitize, MisnestedMarkupSanitisesToAFixedPoint_XSS06) {
  const char* inputs[] = {
      "<b><p>x</b>y</p>",
      "<p>a<table><tr><td>x</table>b",
      "<a href=\"/a\"><div><a href=\"/b\">x</a></div></a>",
      "<table>text<tr><td>c</td></tr></table>",
      "<ul><li>a<li>b<ul><li>c</ul></ul>",
      "<dl><dt>a<dd>b<dt>c</dl>",
      "<p><font><div>x</div></font></p>",
      "<ruby>漢<rb>k</rb><rt>kan<rt>ji</ruby>",
      "<h1><h2>x</h1></h2>",
      "<select><option>o</select><p>p",
      "<p>a</p></p></br>",
      "<i><b>x</i>y</b>",
      "<nobr>a<nobr>b</nobr>",
      "<table><caption><p>c</caption><colgroup><col></colgroup><tr><th>h</th></tr></table>",
  };
  for (const char* input : inputs) expect_clean(sanitize_html(input));
}

TEST(Sanitize, InvalidUtf8IsReplaced) {
  EXPECT_EQ(sanitize_html("a\xff"
                          "b\xc0\xaf"
                          "c"),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xEF\xBF\xBD"
            "c");
  EXPECT_EQ(sanitize_html("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(sanitize_html("\xe2\x82\xac"), "\xe2\x82\xac");
}

TEST(Sanitize, CharacterReferencesTheParserWouldNotReadBackAreReplaced_XSS06) {
  // Found by the fuzz target: gumbo decodes "&#141;" to U+008D and some
  // references beyond U+10FFFF to invalid UTF-8; written out as they are,
  // the next parse would turn them into U+FFFD.
  const std::string out = sanitize_html(
      "&#11009000911; &#141; &#xFDD0; &#xFFFE; <a href=\"x&#11009000911;\" title=\"&#141;\" id=\"&#xFFFF;\">a</a>");
  EXPECT_TRUE(detail::is_parser_stable(out)) << out;
  EXPECT_EQ(out,
            "\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD <a href=\"x\xEF\xBF\xBD\" "
            "id=\"user-content-\xEF\xBF\xBD\" title=\"\xEF\xBF\xBD\">a</a>");
  expect_clean(out);
}

TEST(Sanitize, ControlCharactersAreStripped) {
  EXPECT_EQ(sanitize_html(std::string("a\x01"
                                      "b\x7f"
                                      "c\x00"
                                      "d",
                                      7)),
            "abcd");
}

TEST(Sanitize, DeepNestingIsShownAsTextQuickly) {
  const std::string deep = repeat("<div>", 100'000) + "x";
  const auto start = std::chrono::steady_clock::now();
  const std::string out = sanitize_html(deep);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_THAT(out, HasSubstr("&lt;div&gt;&lt;div&gt;"));
  expect_clean(out);
}

TEST(Sanitize, NestingTheParserAddsBeyondTheLimitIsDropped) {
  // Counted as two levels per table, parsed as four (tbody and tr are implied).
  const int levels = kMaxDepth / 2 - 2;
  const std::string html = repeat("<table><td>", levels) + "deep" + repeat("</td></table>", levels);
  const std::string out = sanitize_html(html);
  EXPECT_THAT(out, HasSubstr("<table><tbody><tr><td><table>"));
  EXPECT_THAT(out, Not(HasSubstr("deep")));
  expect_clean(out);
}

TEST(Sanitize, OpenFormattingElementsCannotMultiplyTheTree) {
  // Each <b> stays open; the parser would re-create all of them inside
  // every paragraph that follows.
  std::string html;
  for (int i = 0; i < 500; ++i) html += "<b title=\"" + std::to_string(i) + "\"></p>";
  html += repeat("<p>x</p>", 20'000);
  const auto start = std::chrono::steady_clock::now();
  const std::string out = sanitize_html(html);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_THAT(out, HasSubstr("&lt;b title=\"499\"&gt;"));  // shown as text
  expect_clean(out);
}

// --- Markdown --------------------------------------------------------------

TEST(Markdown, Tables) {
  const std::string html = markdown_to_html("| a | b |\n|:--|--:|\n| 1 | 2 |\n");
  EXPECT_THAT(html, HasSubstr("<table>\n<thead>\n<tr>\n<th align=\"left\">a</th>\n<th align=\"right\">b</th>"));
  EXPECT_THAT(html, HasSubstr("<tbody>\n<tr>\n<td align=\"left\">1</td>\n<td align=\"right\">2</td>"));
  expect_clean(html);
}

TEST(Markdown, FootnotesHaveNamespacedIds) {
  const std::string html = markdown_to_html("Claim[^1].\n\n[^1]: Source.\n");
  EXPECT_THAT(html, HasSubstr("<sup class=\"footnote-ref\"><a href=\"#user-content-fn-1\" "
                              "id=\"user-content-fnref-1\">1</a></sup>"));
  EXPECT_THAT(html, HasSubstr("<section class=\"footnotes\">"));
  EXPECT_THAT(html, HasSubstr("<li id=\"user-content-fn-1\">"));
  EXPECT_THAT(html, HasSubstr("<a href=\"#user-content-fnref-1\" class=\"footnote-backref\""));
  expect_clean(html);
}

TEST(Markdown, TaskListsAreDisabledCheckboxes) {
  const std::string html = markdown_to_html("- [x] done\n- [ ] todo\n");
  EXPECT_THAT(html, HasSubstr("<li><input type=\"checkbox\" checked=\"\" disabled=\"\"> done</li>"));
  EXPECT_THAT(html, HasSubstr("<li><input type=\"checkbox\" disabled=\"\"> todo</li>"));
  expect_clean(html);
}

TEST(Markdown, StrikethroughAndAutolinks) {
  EXPECT_EQ(markdown_to_html("~~old~~ new"), "<p><del>old</del> new</p>\n");
  EXPECT_EQ(markdown_to_html("see https://example.org now"),
            "<p>see <a href=\"https://example.org\" rel=\"noopener noreferrer nofollow\">https://example.org</a> "
            "now</p>\n");
  EXPECT_THAT(markdown_to_html("www.example.org"), HasSubstr("<a href=\"http://www.example.org\""));
  EXPECT_THAT(markdown_to_html("tutor@uni.example"), HasSubstr("<a href=\"mailto:tutor@uni.example\">"));
}

TEST(Markdown, CodeKeepsAngleBracketsEscaped) {
  EXPECT_EQ(markdown_to_html("```cpp\nif (a < b && c > d) {}\n```\n"),
            "<pre><code class=\"language-cpp\">if (a &lt; b &amp;&amp; c &gt; d) {}\n</code></pre>\n");
  EXPECT_EQ(markdown_to_html("Use `<script>` tags"), "<p>Use <code>&lt;script&gt;</code> tags</p>\n");
}

TEST(Markdown, RawHtmlIsAllowedThenSanitised_XSS05) {
  EXPECT_EQ(markdown_to_html("<details><summary>Hint</summary>\n\nTry *this*.\n\n</details>\n"),
            "<details><summary>Hint</summary>\n<p>Try <em>this</em>.</p>\n</details>\n");
  EXPECT_EQ(markdown_to_html("a <kbd>Ctrl</kbd> <script>alert(1)</script> b"), "<p>a <kbd>Ctrl</kbd>  b</p>\n");
  EXPECT_EQ(markdown_to_html("[x](javascript:alert(1))"), "<p><a>x</a></p>\n");
}

TEST(Markdown, InlineMathIsLeftAsTex) {
  // Without the math extension, Markdown would make *b_2$ and $c_3* emphasis.
  EXPECT_EQ(markdown_to_html("$a_1*b_2$ and $c_3*d_4$"),
            "<p><span class=\"math math-inline\">\\(a_1*b_2\\)</span> and "
            "<span class=\"math math-inline\">\\(c_3*d_4\\)</span></p>\n");
  // Backslashes are TeX's, not Markdown escapes.
  EXPECT_EQ(markdown_to_html("$\\{x\\} \\_ a<b$"),
            "<p><span class=\"math math-inline\">\\(\\{x\\} \\_ a&lt;b\\)</span></p>\n");
  EXPECT_EQ(markdown_to_html("\\(x_1 *y*\\)"), "<p><span class=\"math math-inline\">\\(x_1 *y*\\)</span></p>\n");
}

TEST(Markdown, MathInAnImageDescriptionIsPlainAltText) {
  EXPECT_EQ(markdown_to_html("![area $a<b$ \\(c\\)](a.png) [$x$](/l)"),
            "<p><img src=\"a.png\" alt=\"area $a&lt;b$ \\(c\\)\"> <a href=\"/l\"><span class=\"math "
            "math-inline\">\\(x\\)</span></a></p>\n");
}

TEST(Markdown, DisplayMathIsLeftAsTex) {
  EXPECT_EQ(markdown_to_html("$$\n\\frac{a}{b} < c\n$$\n"),
            "<div class=\"math math-display\">\\[\n\\frac{a}{b} &lt; c\n\\]</div>\n");
  EXPECT_EQ(markdown_to_html("\\[ x^2 \\]"), "<div class=\"math math-display\">\\[ x^2 \\]</div>\n");
  EXPECT_EQ(markdown_to_html("so $$x$$ here"), "<p>so <span class=\"math math-display\">\\[x\\]</span> here</p>\n");
}

TEST(Markdown, DollarsThatAreNotMathStayText) {
  EXPECT_EQ(markdown_to_html("$5 and $10"), "<p>$5 and $10</p>\n");
  EXPECT_EQ(markdown_to_html("a $ b $ c"), "<p>a $ b $ c</p>\n");
  EXPECT_EQ(markdown_to_html("\\$x\\$"), "<p>$x$</p>\n");
  EXPECT_EQ(markdown_to_html("$$$"), "<p>$$$</p>\n");
  EXPECT_EQ(markdown_to_html("\\\\(x\\\\)"), "<p>\\(x\\)</p>\n");  // escaped backslashes, then parentheses
}

TEST(Markdown, MathDelimitersInCodeAreLiteral) {
  EXPECT_EQ(markdown_to_html("`$x$` and `\\(y\\)`"), "<p><code>$x$</code> and <code>\\(y\\)</code></p>\n");
  EXPECT_EQ(markdown_to_html("```\n\\[ $z$ \\\\(w\\)\n```\n"), "<pre><code>\\[ $z$ \\\\(w\\)\n</code></pre>\n");
  EXPECT_EQ(markdown_to_html("<span title=\"\\(t\\)\">s</span>"), "<p><span title=\"\\(t\\)\">s</span></p>\n");
}

TEST(Markdown, PrivateUseSentinelsInTheInputAreNeutralised) {
  EXPECT_EQ(markdown_to_html("a\xEE\x80\x80"
                             "b\xEE\x80\x81"),
            "<p>a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD</p>\n");
}

TEST(Markdown, LinkDestinationsKeepEscapedBrackets) {
  EXPECT_EQ(markdown_to_html("[x](/a\\(b\\))"), "<p><a href=\"/a(b)\">x</a></p>\n");
}

Options files(std::vector<std::string>* asked = nullptr) {
  Options options;
  options.resolve_file = [asked](std::string_view ref) -> std::optional<std::string> {
    if (asked) asked->emplace_back(ref);
    if (ref == "files/diagram.png") return std::string("/api/v1/files/7/content");
    if (ref == "files/week 1/notes.pdf") return std::string("/api/v1/files/8/content");
    if (ref == "files/evil.png") return std::string("javascript:alert(1)");
    if (ref == "files/odd.png") return std::string("/files/\xEF\xBF\xBE");  // not ASCII
    return std::nullopt;
  };
  return options;
}

TEST(Markdown, CourseFilesAreResolved) {
  EXPECT_EQ(markdown_to_html("![Diagram](files/diagram.png)", files()),
            "<p><img src=\"/api/v1/files/7/content\" alt=\"Diagram\"></p>\n");
  EXPECT_EQ(markdown_to_html("[Notes](<files/week 1/notes.pdf>)", files()),
            "<p><a href=\"/api/v1/files/8/content\">Notes</a></p>\n");
  EXPECT_EQ(markdown_to_html("[Notes](./files/week%201/notes.pdf)", files()),
            "<p><a href=\"/api/v1/files/8/content\">Notes</a></p>\n");
  EXPECT_EQ(sanitize_html("<img src=\"files/diagram.png\">", files()), "<img src=\"/api/v1/files/7/content\">");
}

TEST(Markdown, UnknownFilesAreDropped) {
  EXPECT_EQ(markdown_to_html("![Gone](files/missing.png) [Gone](files/missing.pdf)", files()), "<p> <a>Gone</a></p>\n");
  // A resolver's answer is checked like any URL.
  EXPECT_EQ(markdown_to_html("![x](files/evil.png)", files()), "<p></p>\n");
  EXPECT_EQ(markdown_to_html("![x](files/odd.png)", files()), "<p></p>\n");
  // Without a resolver, file references go; other relative URLs stay.
  EXPECT_EQ(markdown_to_html("![x](files/diagram.png) [y](files/a.pdf) [z](other/a.pdf)"),
            "<p> <a>y</a> <a href=\"other/a.pdf\">z</a></p>\n");
}

TEST(Markdown, FileReferencesCannotClimbOut) {
  std::vector<std::string> asked;
  const Options options = files(&asked);
  EXPECT_EQ(markdown_to_html("[a](files/../secret) [b](files/%2E%2E/secret) [c](files//x) [d](files/a\\b)", options),
            "<p><a>a</a> <a>b</a> <a>c</a> <a>d</a></p>\n");
  EXPECT_TRUE(asked.empty());
}

TEST(Markdown, InvalidUtf8IsReplaced) {
  EXPECT_EQ(markdown_to_html("caf\xe9 *x*"), "<p>caf\xEF\xBF\xBD <em>x</em></p>\n");
}

TEST(Markdown, OutputIsAFixedPointOfTheSanitiser_XSS06) {
  const char* documents[] = {
      "# Title\n\nText with **bold**, `code`, [a link](https://e.example) and ![img](/i.png \"t\").\n",
      "> quote\n> - item\n>   1. nested\n\n---\n\n| a |\n|---|\n| $x$ |\n",
      "Term[^n]\n\n[^n]: Note with `code` and $y$.\n\n- [ ] task\n",
      "<div class=\"math\">raw</div>\n\n    indented <code>\n\n```\n<pre>\n```\n",
  };
  for (const char* md : documents) expect_clean(markdown_to_html(md));
}

TEST(Markdown, ConcurrentRenderingGivesTheSameResult) {
  // cmark-gfm edits a process-wide table during parsing (see markdown.cpp).
  const std::string md = repeat("Some ~~old~~ $x_1*y$ text, ", 200);
  const std::string expected = markdown_to_html(md);
  std::vector<std::thread> threads;
  std::vector<std::string> results(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        std::string out = markdown_to_html(md);
        if (out != expected) results[t] = out;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& r : results) EXPECT_EQ(r, "");
}

TEST(Markdown, PathologicalInputsFinishQuickly) {
  const std::string inputs[] = {
      repeat(">", 50'000) + " x",  // nested block quotes
      repeat("- ", 20'000) + "x",  // nested lists
      repeat("$a ", 60'000),       // openers without closers
      repeat("$$a ", 50'000),      //
      repeat("\\(a ", 50'000),     //
      repeat("*a _b ", 40'000),    // emphasis delimiters
      repeat("<b x=1></p>", 10'000) + repeat("<p>x</p>", 10'000),
  };
  for (const std::string& md : inputs) {
    const auto start = std::chrono::steady_clock::now();
    const std::string out = markdown_to_html(md);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5)) << md.substr(0, 20);
    EXPECT_EQ(testing::find_unsafe_construct(out), std::nullopt);
  }
}

}  // namespace
}  // namespace trivium::richtext
