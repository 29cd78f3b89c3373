// Markdown to HTML with cmark-gfm, then the sanitiser (XSS-05).
//
// cmark runs with raw HTML allowed (CMARK_OPT_UNSAFE) and without its
// tagfilter: the sanitiser, which sees the real parse tree, is the one
// place that decides what is safe, for Markdown and editor HTML alike.
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "richtext/internal.h"
#include "richtext/math.h"
#include "richtext/richtext.h"

namespace trivium::richtext {
namespace {

using namespace detail;

// cmark-gfm keeps the table of characters that interrupt plain text in a
// process-wide array, which every parse with inline extensions edits as it
// finishes (cmark_manage_extensions_special_characters). Two parses at once
// could each see the other's table half-restored and miss a '$' or '~', so
// the inline phase runs one at a time. It is a small part of the work.
std::mutex& inline_phase_mutex() {
  static std::mutex mutex;
  return mutex;
}

struct ParserDeleter {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct ExtensionDeleter {
  void operator()(cmark_syntax_extension* e) const {
    cmark_syntax_extension_free(cmark_get_default_mem_allocator(), e);
  }
};

constexpr int kCmarkOptions = CMARK_OPT_UNSAFE | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_FOOTNOTES;

std::string render(const std::string& source) {
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });

  MathScan scan;
  // Declared first so that it outlives the parser that points at it.
  std::unique_ptr<cmark_syntax_extension, ExtensionDeleter> math(new_math_extension(&scan));
  std::unique_ptr<cmark_parser, ParserDeleter> parser(cmark_parser_new(kCmarkOptions));
  cmark_parser_attach_syntax_extension(parser.get(), math.get());
  for (const char* name : {"table", "strikethrough", "autolink", "tasklist"}) {
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name)) {
      cmark_parser_attach_syntax_extension(parser.get(), ext);
    }
  }
  std::unique_ptr<cmark_node, NodeDeleter> document;
  {
    std::lock_guard lock(inline_phase_mutex());
    cmark_parser_feed(parser.get(), source.data(), source.size());
    document.reset(cmark_parser_finish(parser.get()));
  }
  promote_display_math(document.get());
  char* html = cmark_render_html(document.get(), kCmarkOptions, cmark_parser_get_syntax_extensions(parser.get()));
  std::string out = html ? html : "";
  std::free(html);
  return out;
}

}  // namespace

std::string markdown_to_html(std::string_view markdown, const Options& options) {
  std::string html = render(protect_math_delimiters(repair_utf8(markdown)));
  restore_math_delimiters(html);
  return sanitize_html(html, options);
}

}  // namespace trivium::richtext
