// Math in Markdown, kept as TeX (internal to richtext).
//
// Dollar delimiters are found by a cmark-gfm inline extension, so code
// spans and code blocks, which cmark handles first, keep their dollars. The
// backslash delimiters \( \) \[ \] cannot be: cmark reads "\(" as an escaped
// parenthesis before any extension is asked. So before parsing, each of
// them (an odd run of backslashes and the bracket) becomes a private-use
// character (U+E000..U+E003) that Markdown leaves alone; the extension
// matches those, and after rendering whatever was not math (in code, in
// raw HTML) becomes the original backslash and bracket again.
#pragma once

#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <string>
#include <string_view>

namespace trivium::richtext::detail {

// Replaces backslash math delimiters by sentinels, and any sentinel
// character already in the text by U+FFFD.
std::string protect_math_delimiters(std::string_view markdown);

// Turns the sentinels left in rendered HTML back into what the author wrote
// (in URLs, where cmark percent-encoded them, into the escaped bracket, as
// Markdown reads "\(" in a link destination).
void restore_math_delimiters(std::string& html);

// What the extension remembers while it parses one document: where a search
// for a closing delimiter already failed, so that a paragraph full of
// unmatched dollars costs linear time, not quadratic.
struct MathScan {
  const cmark_node* block = nullptr;  // the paragraph or cell being parsed
  int no_closer_from[3] = {-1, -1, -1};
};

// A new extension that records its progress in `scan`; free it with
// cmark_syntax_extension_free after the parser that uses it.
cmark_syntax_extension* new_math_extension(MathScan* scan);

// A paragraph that is nothing but display math becomes a block
// (<div class="math math-display">) instead of a paragraph with a span.
void promote_display_math(cmark_node* document);

}  // namespace trivium::richtext::detail
