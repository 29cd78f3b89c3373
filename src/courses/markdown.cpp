// Course descriptions in GitHub-flavoured Markdown, rendered by richtext:
// cmark-gfm with tables, footnotes, task lists and math left as TeX, then
// the allow-list sanitiser, so that a description cannot carry a script
// (XSS-05). Descriptions have no file store of their own, so "files/..."
// references in them are dropped.

#include "courses/courses.h"
#include "richtext/richtext.h"

namespace trivium::courses {

std::string render_markdown(const std::string& markdown) {
  return richtext::markdown_to_html(markdown);
}

}  // namespace trivium::courses
