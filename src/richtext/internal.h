// Internals shared by the richtext sources; not for other modules.
#pragma once

#include <gumbo.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "richtext/richtext.h"

namespace trivium::richtext::detail {

// --- text.cpp --------------------------------------------------------------

// The input as valid UTF-8: every byte that does not start a well-formed
// sequence (overlong forms, surrogates and values above U+10FFFF included)
// becomes U+FFFD.
std::string repair_utf8(std::string_view in);
bool is_valid_utf8(std::string_view in);

// Text that an HTML parser reads back unchanged: valid UTF-8 without the C1
// controls and noncharacters the parser's input stream turns into U+FFFD
// (which this does too). The parser itself can hand out such characters,
// from references like "&#141;" or beyond U+10FFFF, so what the sanitiser
// checks and writes is made stable first.
bool is_parser_stable(std::string_view in);
std::string make_parser_stable(std::string_view in);

// C0 controls other than tab, line feed and form feed, and DEL: never
// useful in rich text, and a classic way to smuggle a scheme past a naive
// URL check.
inline bool is_stripped_control(unsigned char c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\f') || c == 0x7f;
}

// Appends text for an HTML text node or a double-quoted attribute value,
// without the stripped controls. `<` and `>` are escaped in attributes too,
// so no serialised value can look like markup to any parser.
void append_text(std::string& out, std::string_view text);
void append_attribute_value(std::string& out, std::string_view value);

bool iequals(std::string_view a, std::string_view b);
std::string lower_ascii(std::string_view s);
std::string_view trim_ascii_space(std::string_view s);

// --- url.cpp ---------------------------------------------------------------

enum class UrlUse { kLink, kImage };

struct CheckedUrl {
  std::string value;
  bool external = false;  // an absolute http(s) or scheme-relative URL
};

// The URL as it may be emitted, or nullopt when it must go: http, https,
// mailto, relative and fragment references only (fragments namespaced like
// ids), data: only for PNG/GIF/JPEG/WebP images, files/ references
// resolved through the options. `raw` is an attribute value as the parser
// decoded it (entities already replaced).
std::optional<CheckedUrl> check_url(std::string_view raw, UrlUse use, const Options& options);

// An author id in the kIdPrefix namespace, or nullopt if it is not a
// usable id (empty, whitespace inside, too long).
std::optional<std::string> namespaced_id(std::string_view raw);

// --- cost.cpp --------------------------------------------------------------

// True when parsing `html` would nest deeper than kMaxDepth or make the
// parser reconstruct formatting elements beyond a linear budget. A cheap
// lexical over-estimate, exact for the sanitiser's own output.
bool too_costly_to_parse(std::string_view html);

// --- policy.cpp ------------------------------------------------------------

enum class Disposition : std::uint8_t {
  kKeep,  // kept (possibly under another name), attributes filtered
  kSpan,  // unknown or unwanted inline element: a bare <span>, text kept
  kDrop,  // removed with everything inside
};

// Which attributes an element may keep, besides the global ones (id,
// title, lang, dir).
enum AttrSet : std::uint32_t {
  kAttrNone = 0,
  kAttrHref = 1u << 0,
  kAttrImage = 1u << 1,     // src, alt, width, height
  kAttrStart = 1u << 2,     // ol start
  kAttrCell = 1u << 3,      // colspan, rowspan, align
  kAttrCheckbox = 1u << 4,  // input: type=checkbox, checked (disabled forced)
  kAttrOpen = 1u << 5,      // details open
  kAttrAriaLabel = 1u << 6,
};

// Which class names an element may keep.
enum class ClassSet : std::uint8_t {
  kNone,
  kMathInline,       // span: math, math-inline, math-display
  kMathBlock,        // div: math, math-display
  kFootnotes,        // section: footnotes
  kFootnoteRef,      // sup: footnote-ref
  kFootnoteBackref,  // a: footnote-backref
  kCodeLanguage,     // code: language-<name>
};

struct ElementRule {
  Disposition disposition = Disposition::kSpan;
  const char* name = "span";  // the element written out
  std::uint32_t attributes = kAttrNone;
  ClassSet classes = ClassSet::kNone;
  bool is_void = false;
};

// The rule for an HTML-namespace element. Elements in SVG or MathML are
// always dropped by the caller.
const ElementRule& rule_for(GumboTag tag);

// Whether an element the sanitiser writes is one the HTML parser treats as
// "special" (it bounds the parser's searches for elements to close).
bool is_special(std::string_view output_name);

// The class attribute to keep, or empty.
std::string filter_classes(std::string_view value, ClassSet set);

}  // namespace trivium::richtext::detail
