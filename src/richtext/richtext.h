// Rich text: what authors write (course descriptions, lesson text, later
// forum posts and feedback) turned into HTML that is safe to show to every
// other user of the platform (XSS-02, XSS-05).
//
// Markdown is rendered by cmark-gfm with raw HTML allowed, and everything,
// Markdown output or HTML from an editor alike, then goes through one
// allow-list sanitiser built on a real HTML5 parser (gumbo). The sanitiser
// rebuilds the document from the parse tree: only listed elements and
// attributes survive, URLs are checked after the parser has decoded them,
// and the result is serialised so that parsing it again yields the same tree
// and sanitising it again yields the same bytes (XSS-06).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace trivium::richtext {

struct Options {
  // Resolves a reference to one of the course's files, as an author writes
  // it in a link or image target ("files/diagram.png": a relative path
  // under files/), to the URL that serves it. The reference is passed
  // percent-decoded, and one that would climb out of files/ ("..") or is
  // not valid UTF-8 is treated as unknown without asking.
  // nullopt: unknown file (an image is dropped, a link keeps its text
  // without href). Unset: no rewriting, and such references are dropped.
  std::function<std::optional<std::string>(std::string_view ref)> resolve_file;
};

// GFM Markdown (tables, footnotes, task lists, strikethrough, autolinks)
// with raw HTML allowed in the input, then sanitised as by sanitize_html.
//
// Math is left as TeX for a client-side renderer, untouched by Markdown
// emphasis and escapes: $...$ and \(...\) become
// <span class="math math-inline">\(...\)</span>; $$...$$ and \[...\] become
// <div class="math math-display">\[...\]</div> when they make up a whole
// paragraph, else <span class="math math-display">\[...\]</span>. An inline
// $ opens only before a non-space and closes only after a non-space and
// not before a digit, so "$5 and $10" stays text; \$ is a literal dollar.
// Inside code, delimiters are literal.
//
// Invalid UTF-8 is replaced by U+FFFD.
std::string markdown_to_html(std::string_view markdown, const Options& options = {});

// The allow-list sanitiser over an HTML5 fragment parse (as the content of
// a <div>), serialised back. Scripts, styles, frames, plugins, forms,
// templates, inline SVG and MathML are removed with their content; unknown
// inline elements become a bare <span> (their text stays); no style
// attribute, no event handler, no URL other than http, https, mailto,
// relative and fragment references (and data: PNG/GIF/JPEG/WebP images);
// ids, and the fragments that point at them, get the kIdPrefix namespace;
// absolute links get rel="noopener noreferrer nofollow". Comments go.
//
// The parser's cost grows with the nesting depth times the length, so an
// input that opens more than kMaxDepth nested elements, or leaves so many
// formatting elements open that the parser would clone them without end,
// is shown as escaped text instead; elements the parser itself nests deeper
// than kMaxDepth are dropped. Invalid UTF-8 is replaced by U+FFFD.
std::string sanitize_html(std::string_view html, const Options& options = {});

// Author ids live in their own namespace so that they cannot clobber the
// application's element ids (DOM clobbering).
inline constexpr std::string_view kIdPrefix = "user-content-";

// The deepest element nesting the sanitiser keeps.
inline constexpr int kMaxDepth = 256;

}  // namespace trivium::richtext
