// The allow-list, as data: what happens to each HTML element.
//
// Two constraints shape the table beyond "is it harmless". First, an element
// the HTML parser treats as special (it closes paragraphs, stops list items
// from closing, bounds a scope) must never be unwrapped or turned into a
// <span>: without it, parsing the output again could build a different tree
// (<li><center><li> is a nested list item, <li><li> two siblings), and the
// sanitiser would no longer be idempotent (XSS-06). Such an element is kept,
// renamed to an element the parser handles identically (center -> section,
// dir -> ul, listing -> pre), or dropped with its content. Second, an
// element that is not special may become a <span>, which the parser treats
// exactly like any ordinary element, instead of being unwrapped: unwrapping
// can change the tree too (<h1><x><h2> keeps the h2 inside the h1, <h1><h2>
// does not).
#include <array>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "richtext/internal.h"

namespace trivium::richtext::detail {
namespace {

using Rules = std::array<ElementRule, GUMBO_TAG_LAST + 1>;

struct Row {
  GumboTag tag;
  ElementRule rule;
};

ElementRule keep(const char* name, std::uint32_t attributes = kAttrNone, ClassSet classes = ClassSet::kNone) {
  return ElementRule{Disposition::kKeep, name, attributes, classes, false};
}
ElementRule keep_void(const char* name, std::uint32_t attributes = kAttrNone) {
  return ElementRule{Disposition::kKeep, name, attributes, ClassSet::kNone, true};
}
ElementRule drop() {
  return ElementRule{Disposition::kDrop, "", kAttrNone, ClassSet::kNone, false};
}

Rules build_rules() {
  Rules rules;
  rules.fill(ElementRule{});  // everything not listed: a bare <span>
  const std::initializer_list<Row> rows = {
      // Text structure.
      {GUMBO_TAG_P, keep("p")},
      {GUMBO_TAG_H1, keep("h1")},
      {GUMBO_TAG_H2, keep("h2")},
      {GUMBO_TAG_H3, keep("h3")},
      {GUMBO_TAG_H4, keep("h4")},
      {GUMBO_TAG_H5, keep("h5")},
      {GUMBO_TAG_H6, keep("h6")},
      {GUMBO_TAG_BLOCKQUOTE, keep("blockquote")},
      {GUMBO_TAG_PRE, keep("pre")},
      {GUMBO_TAG_HR, keep_void("hr")},
      {GUMBO_TAG_BR, keep_void("br")},
      {GUMBO_TAG_DIV, keep("div", kAttrNone, ClassSet::kMathBlock)},
      {GUMBO_TAG_SPAN, keep("span", kAttrNone, ClassSet::kMathInline)},
      {GUMBO_TAG_SECTION, keep("section", kAttrNone, ClassSet::kFootnotes)},
      {GUMBO_TAG_ARTICLE, keep("article")},
      {GUMBO_TAG_ASIDE, keep("aside")},
      {GUMBO_TAG_HEADER, keep("header")},
      {GUMBO_TAG_FOOTER, keep("footer")},
      {GUMBO_TAG_NAV, keep("nav")},
      {GUMBO_TAG_MAIN, keep("main")},
      {GUMBO_TAG_ADDRESS, keep("address")},
      {GUMBO_TAG_HGROUP, keep("hgroup")},
      {GUMBO_TAG_DETAILS, keep("details", kAttrOpen)},
      {GUMBO_TAG_SUMMARY, keep("summary")},
      {GUMBO_TAG_FIGURE, keep("figure")},
      {GUMBO_TAG_FIGCAPTION, keep("figcaption")},
      // Special elements renamed to one the parser handles the same way.
      {GUMBO_TAG_CENTER, keep("section")},
      {GUMBO_TAG_FIELDSET, keep("section")},
      {GUMBO_TAG_DIR, keep("ul")},
      {GUMBO_TAG_MENU, keep("ul")},
      {GUMBO_TAG_LISTING, keep("pre")},
      // Lists and tables.
      {GUMBO_TAG_UL, keep("ul")},
      {GUMBO_TAG_OL, keep("ol", kAttrStart)},
      {GUMBO_TAG_LI, keep("li")},
      {GUMBO_TAG_DL, keep("dl")},
      {GUMBO_TAG_DT, keep("dt")},
      {GUMBO_TAG_DD, keep("dd")},
      {GUMBO_TAG_TABLE, keep("table")},
      {GUMBO_TAG_CAPTION, keep("caption")},
      {GUMBO_TAG_THEAD, keep("thead")},
      {GUMBO_TAG_TBODY, keep("tbody")},
      {GUMBO_TAG_TFOOT, keep("tfoot")},
      {GUMBO_TAG_TR, keep("tr")},
      {GUMBO_TAG_TH, keep("th", kAttrCell)},
      {GUMBO_TAG_TD, keep("td", kAttrCell)},
      // Phrasing. (Ruby annotations are left to become spans: an <rt> start
      // tag closes the paragraph or list item open inside a <ruby>, which
      // a filtered tree can contradict.)
      {GUMBO_TAG_A, keep("a", kAttrHref | kAttrAriaLabel, ClassSet::kFootnoteBackref)},
      {GUMBO_TAG_IMG, keep_void("img", kAttrImage)},
      {GUMBO_TAG_INPUT, keep_void("input", kAttrCheckbox)},  // task lists; other types are dropped
      {GUMBO_TAG_CODE, keep("code", kAttrNone, ClassSet::kCodeLanguage)},
      {GUMBO_TAG_KBD, keep("kbd")},
      {GUMBO_TAG_SAMP, keep("samp")},
      {GUMBO_TAG_VAR, keep("var")},
      {GUMBO_TAG_EM, keep("em")},
      {GUMBO_TAG_STRONG, keep("strong")},
      {GUMBO_TAG_B, keep("b")},
      {GUMBO_TAG_I, keep("i")},
      {GUMBO_TAG_U, keep("u")},
      {GUMBO_TAG_S, keep("s")},
      {GUMBO_TAG_DEL, keep("del")},
      {GUMBO_TAG_INS, keep("ins")},
      {GUMBO_TAG_SUP, keep("sup", kAttrNone, ClassSet::kFootnoteRef)},
      {GUMBO_TAG_SUB, keep("sub")},
      {GUMBO_TAG_SMALL, keep("small")},
      {GUMBO_TAG_MARK, keep("mark")},
      {GUMBO_TAG_ABBR, keep("abbr")},
      {GUMBO_TAG_Q, keep("q")},
      {GUMBO_TAG_CITE, keep("cite")},
      {GUMBO_TAG_DFN, keep("dfn")},
      // Script, style and anything whose content is code, another document,
      // a plugin, a form or raw text: removed with what is inside.
      {GUMBO_TAG_SCRIPT, drop()},
      {GUMBO_TAG_STYLE, drop()},
      {GUMBO_TAG_NOSCRIPT, drop()},
      {GUMBO_TAG_TEMPLATE, drop()},
      {GUMBO_TAG_IFRAME, drop()},
      {GUMBO_TAG_FRAME, drop()},
      {GUMBO_TAG_FRAMESET, drop()},
      {GUMBO_TAG_NOFRAMES, drop()},
      {GUMBO_TAG_NOEMBED, drop()},
      {GUMBO_TAG_EMBED, drop()},
      {GUMBO_TAG_OBJECT, drop()},
      {GUMBO_TAG_PARAM, drop()},
      {GUMBO_TAG_APPLET, drop()},
      {GUMBO_TAG_FORM, drop()},
      {GUMBO_TAG_BUTTON, drop()},
      {GUMBO_TAG_SELECT, drop()},
      {GUMBO_TAG_DATALIST, drop()},
      {GUMBO_TAG_TEXTAREA, drop()},
      {GUMBO_TAG_KEYGEN, drop()},
      {GUMBO_TAG_ISINDEX, drop()},
      {GUMBO_TAG_MENUITEM, drop()},
      {GUMBO_TAG_HTML, drop()},
      {GUMBO_TAG_HEAD, drop()},
      {GUMBO_TAG_BODY, drop()},
      {GUMBO_TAG_TITLE, drop()},
      {GUMBO_TAG_BASE, drop()},
      {GUMBO_TAG_LINK, drop()},
      {GUMBO_TAG_META, drop()},
      {GUMBO_TAG_PLAINTEXT, drop()},
      {GUMBO_TAG_XMP, drop()},
      {GUMBO_TAG_MARQUEE, drop()},  // a scope boundary with no harmless equivalent
      {GUMBO_TAG_SVG, drop()},      // no inline SVG at all (XSS-04)
      {GUMBO_TAG_MATH, drop()},
      {GUMBO_TAG_AUDIO, drop()},
      {GUMBO_TAG_VIDEO, drop()},
      {GUMBO_TAG_CANVAS, drop()},
      {GUMBO_TAG_SOURCE, drop()},
      {GUMBO_TAG_TRACK, drop()},
      {GUMBO_TAG_IMAGE, drop()},
      {GUMBO_TAG_AREA, drop()},
      {GUMBO_TAG_COL, drop()},
      {GUMBO_TAG_COLGROUP, drop()},
      {GUMBO_TAG_WBR, drop()},
      {GUMBO_TAG_BGSOUND, drop()},
      {GUMBO_TAG_BASEFONT, drop()},
      {GUMBO_TAG_NEXTID, drop()},
  };
  for (const Row& row : rows) rules[row.tag] = row.rule;
  return rules;
}

bool class_allowed(std::string_view token, ClassSet set) {
  switch (set) {
    case ClassSet::kNone: return false;
    case ClassSet::kMathInline: return token == "math" || token == "math-inline" || token == "math-display";
    case ClassSet::kMathBlock: return token == "math" || token == "math-display";
    case ClassSet::kFootnotes: return token == "footnotes";
    case ClassSet::kFootnoteRef: return token == "footnote-ref";
    case ClassSet::kFootnoteBackref: return token == "footnote-backref";
    case ClassSet::kCodeLanguage: {
      // Fenced code's info string, for a client-side highlighter.
      constexpr std::string_view kPrefix = "language-";
      if (token.size() <= kPrefix.size() || token.size() > kPrefix.size() + 32) return false;
      if (token.substr(0, kPrefix.size()) != kPrefix) return false;
      for (char c : token.substr(kPrefix.size())) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                        c == '_' || c == '+' || c == '#' || c == '.';
        if (!ok) return false;
      }
      return true;
    }
  }
  return false;
}

bool is_html_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

}  // namespace

bool is_special(std::string_view n) {
  // Everything rule_for keeps is special except these phrasing elements.
  static constexpr std::string_view kPhrasing[] = {"a", "span", "code", "em",  "strong", "b",     "i",    "u",
                                                   "s", "del",  "ins",  "sup", "sub",    "small", "mark", "abbr",
                                                   "q", "cite", "dfn",  "kbd", "samp",   "var"};
  for (std::string_view p : kPhrasing) {
    if (p == n) return false;
  }
  return true;
}

const ElementRule& rule_for(GumboTag tag) {
  static const Rules rules = build_rules();
  if (tag < 0 || tag > GUMBO_TAG_LAST) return rules[GUMBO_TAG_UNKNOWN];
  return rules[tag];
}

std::string filter_classes(std::string_view value, ClassSet set) {
  if (set == ClassSet::kNone) return {};
  std::vector<std::string_view> kept;
  std::size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && is_html_space(value[i])) ++i;
    std::size_t start = i;
    while (i < value.size() && !is_html_space(value[i])) ++i;
    std::string_view token = value.substr(start, i - start);
    if (token.empty() || !class_allowed(token, set)) continue;
    // One language is all a highlighter uses; every other set has at most
    // three names, so `kept` stays tiny whatever the input.
    if (set == ClassSet::kCodeLanguage && !kept.empty()) continue;
    bool seen = false;
    for (std::string_view k : kept) seen = seen || k == token;
    if (!seen) kept.push_back(token);
  }
  std::string out;
  for (std::string_view k : kept) {
    if (!out.empty()) out += ' ';
    out += k;
  }
  return out;
}

}  // namespace trivium::richtext::detail
