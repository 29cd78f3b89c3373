// Test support for richtext (tests and the fuzz target only): a second,
// independent opinion on sanitised HTML.
//
// find_unsafe_construct parses the HTML again with gumbo, as a browser
// would, and looks for anything that could run script or escape the
// allow-list: an element outside a short list of inert ones, SVG or MathML,
// a comment, an attribute outside a short list (so every on* handler,
// style, srcdoc, formaction, xlink:href), a URL whose scheme is not http,
// https, mailto (or data: raster image for img src) once decoded the way a
// URL parser decodes it, an id outside the user-content- namespace, an
// absolute link without rel=noopener, an input other than a disabled
// checkbox. Its lists are written apart from the sanitiser's policy on
// purpose, so that a mistake in one is caught by the other (XSS-02..06).
#pragma once

#include <gumbo.h>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace trivium::richtext::testing {

namespace check_detail {

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The scheme a browser would see, lower-cased, or empty for a relative URL.
inline std::string browser_scheme(std::string_view value) {
  std::string url;
  for (char c : value) {
    if (c != '\t' && c != '\n' && c != '\r') url += c;
  }
  std::size_t b = 0;
  while (b < url.size() && static_cast<unsigned char>(url[b]) <= 0x20) ++b;
  url.erase(0, b);
  std::size_t i = 0;
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (url.empty() || !alpha(url[0])) return {};
  while (i < url.size() &&
         (alpha(url[i]) || (url[i] >= '0' && url[i] <= '9') || url[i] == '+' || url[i] == '-' || url[i] == '.')) {
    ++i;
  }
  if (i == url.size() || url[i] != ':') return {};
  return lower(url.substr(0, i));
}

inline bool absolute_http(std::string_view value) {
  const std::string scheme = browser_scheme(value);
  std::string_view v = value;
  while (!v.empty() && static_cast<unsigned char>(v.front()) <= 0x20) v.remove_prefix(1);
  const bool scheme_relative = v.size() >= 2 && (v[0] == '/' || v[0] == '\\') && (v[1] == '/' || v[1] == '\\');
  return scheme == "http" || scheme == "https" || scheme_relative;
}

inline std::optional<std::string> check_element(const GumboElement& e) {
  static const std::set<std::string, std::less<>> kInert = {
      "p",     "h1",   "h2",      "h3",     "h4",      "h5",      "h6",      "blockquote", "pre",
      "hr",    "br",   "div",     "span",   "section", "article", "aside",   "header",     "footer",
      "nav",   "main", "address", "hgroup", "details", "summary", "figure",  "figcaption", "ul",
      "ol",    "li",   "dl",      "dt",     "dd",      "table",   "caption", "thead",      "tbody",
      "tfoot", "tr",   "th",      "td",     "a",       "img",     "input",   "code",       "kbd",
      "samp",  "var",  "em",      "strong", "b",       "i",       "u",       "s",          "del",
      "ins",   "sup",  "sub",     "small",  "mark",    "abbr",    "q",       "cite",       "dfn"};
  static const std::set<std::string, std::less<>> kAttributes = {
      "href",    "src",   "alt",  "width", "height", "type",  "checked", "disabled", "start",      "colspan",
      "rowspan", "align", "open", "id",    "class",  "title", "lang",    "dir",      "aria-label", "rel"};
  if (e.tag_namespace != GUMBO_NAMESPACE_HTML) return "an element in the SVG or MathML namespace";
  std::string name = e.tag == GUMBO_TAG_UNKNOWN ? std::string("(unknown)") : gumbo_normalized_tagname(e.tag);
  if (!kInert.count(name)) return "element <" + name + ">";
  bool has_rel_noopener = false, external = false, disabled = false, checkbox = false;
  for (unsigned i = 0; i < e.attributes.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(e.attributes.data[i]);
    const std::string attr = lower(a->name);
    if (attr.rfind("on", 0) == 0) return "event handler " + attr + " on <" + name + ">";
    if (!kAttributes.count(attr)) return "attribute " + attr + " on <" + name + ">";
    const std::string value = a->value;
    if (attr == "href" || attr == "src") {
      const std::string scheme = browser_scheme(value);
      const bool image = name == "img" && attr == "src";
      const bool ok = scheme.empty() || scheme == "http" || scheme == "https" || (scheme == "mailto" && !image) ||
                      (scheme == "data" && image &&
                       (lower(value).rfind("data:image/png;base64,", 0) == 0 ||
                        lower(value).rfind("data:image/gif;base64,", 0) == 0 ||
                        lower(value).rfind("data:image/jpeg;base64,", 0) == 0 ||
                        lower(value).rfind("data:image/webp;base64,", 0) == 0));
      if (!ok) return attr + " with scheme '" + scheme + "' on <" + name + ">";
      if (attr == "href") external = absolute_http(value);
      if (attr == "href" && value.rfind("#", 0) == 0 && value.size() > 1 && value.rfind("#user-content-", 0) != 0) {
        return "fragment outside the user-content- namespace: " + value;
      }
      if (attr == "src" && name != "img") return "src on <" + name + ">";
      if (attr == "href" && name != "a") return "href on <" + name + ">";
    }
    if (attr == "id" && value.rfind("user-content-", 0) != 0) return "id outside the namespace: " + value;
    if (attr == "rel" && value.find("noopener") != std::string::npos) has_rel_noopener = true;
    if (attr == "type") checkbox = lower(value) == "checkbox";
    if (attr == "disabled") disabled = true;
  }
  if (external && !has_rel_noopener) return "absolute link without rel=noopener";
  if (name == "input" && !(checkbox && disabled)) return "an input that is not a disabled checkbox";
  return std::nullopt;
}

}  // namespace check_detail

// The first unsafe construct in `html`, described, or nullopt.
inline std::optional<std::string> find_unsafe_construct(std::string_view html) {
  GumboOptions options = kGumboDefaultOptions;
  options.fragment_context = GUMBO_TAG_DIV;
  options.fragment_namespace = GUMBO_NAMESPACE_HTML;
  options.max_errors = 0;
  GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
  std::optional<std::string> found;
  std::vector<const GumboNode*> pending = {output->root};
  bool root = true;
  while (!pending.empty() && !found) {
    const GumboNode* node = pending.back();
    pending.pop_back();
    if (node->type == GUMBO_NODE_COMMENT) found = "a comment";
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) continue;
    if (!root) found = check_detail::check_element(node->v.element);
    root = false;
    const GumboVector& children = node->v.element.children;
    for (unsigned i = 0; i < children.length; ++i) pending.push_back(static_cast<const GumboNode*>(children.data[i]));
  }
  // Sanitised HTML is at most kMaxDepth deep: fine for gumbo's recursive free.
  gumbo_destroy_output(&options, output);
  return found;
}

}  // namespace trivium::richtext::testing
