// The sanitiser: parse as a browser would (gumbo, HTML5 fragment parsing in
// a <div>), keep what the policy allows, serialise.
//
// Why the output is safe: it holds only allow-listed elements, never one
// whose content the tokenizer treats as raw text or that switches to foreign
// content, and every text and attribute value is escaped, so any parser
// tokenizes it exactly as written. Why it is idempotent (XSS-06): the tree
// written out is one the parser builds again from its own serialisation.
// Four things could break that, and each is handled: unwrapping or renaming
// special elements (policy.cpp), the newline the parser drops after <pre>
// (Writer::text), nesting that only foster parenting produces
// (Writer::nesting_fix), and characters the parser reads back differently
// (is_parser_stable).
#include <cstdlib>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "richtext/internal.h"
#include "richtext/richtext.h"

namespace trivium::richtext {
namespace {

using namespace detail;

// Gumbo's allocations go to an arena freed at once. That is faster than
// malloc for its many small blocks, and it means gumbo_destroy_output, which
// recurses once per level of nesting, is never called.
class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena() {
    for (void* block : blocks_) std::free(block);
  }

  void* allocate(std::size_t size) {
    size = (size + 15) & ~std::size_t{15};
    if (size > left_) {
      std::size_t block_size = size > next_block_ ? size : next_block_;
      void* block = std::malloc(block_size);
      // Gumbo is C and cannot unwind an exception; it has no way to report
      // a failed allocation either.
      if (!block) std::abort();
      blocks_.push_back(block);
      cursor_ = static_cast<char*>(block);
      left_ = block_size;
      if (next_block_ < (std::size_t{1} << 20)) next_block_ *= 2;
    }
    void* p = cursor_;
    cursor_ += size;
    left_ -= size;
    return p;
  }

  static void* gumbo_allocate(void* arena, std::size_t size) { return static_cast<Arena*>(arena)->allocate(size); }
  static void gumbo_free(void*, void*) {}

 private:
  std::vector<void*> blocks_;
  char* cursor_ = nullptr;
  std::size_t left_ = 0;
  std::size_t next_block_ = 16 * 1024;
};

bool is_unsigned_number(std::string_view s, std::size_t max_digits) {
  if (s.empty() || s.size() > max_digits) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// A non-negative integer attribute normalised (no leading zeros), or empty.
std::string number(const char* value, std::size_t max_digits, long min, long max) {
  if (!value) return {};
  std::string_view v = trim_ascii_space(value);
  if (!is_unsigned_number(v, max_digits)) return {};
  const long n = std::strtol(std::string(v).c_str(), nullptr, 10);
  if (n < min || n > max) return {};
  return std::to_string(n);
}

class Writer {
 public:
  Writer(std::string& out, const Options& options) : out_(out), options_(options) {}

  void write_children_of(const GumboNode* root) {
    struct Frame {
      const GumboVector* children;
      unsigned next;
      const char* close;  // the end tag to write when done, or nullptr
    };
    std::vector<Frame> stack;
    stack.push_back({&root->v.element.children, 0, nullptr});
    while (!stack.empty()) {
      Frame& frame = stack.back();
      if (frame.next == frame.children->length) {
        if (frame.close) {
          end_tag(frame.close);
          open_.pop_back();
        }
        stack.pop_back();
        continue;
      }
      const auto* node = static_cast<const GumboNode*>(frame.children->data[frame.next++]);
      switch (node->type) {
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_WHITESPACE:
        case GUMBO_NODE_CDATA: text(stable(node->v.text.text)); break;
        case GUMBO_NODE_ELEMENT:
        case GUMBO_NODE_TEMPLATE: {
          // `stack` holds the root's frame too: its size is the depth the
          // element would have.
          if (static_cast<int>(stack.size()) > kMaxDepth) break;
          const char* close = element(node->v.element);
          if (close) {
            stack.push_back({&node->v.element.children, 0, close});
            open_.push_back(close);
          }
          break;
        }
        case GUMBO_NODE_COMMENT:
        case GUMBO_NODE_DOCUMENT: break;
      }
    }
  }

 private:
  void text(std::string_view t) {
    if (after_pre_) {
      std::string kept;
      append_text(kept, t);
      if (kept.empty()) return;
      // The parser drops one newline right after <pre>; a text that starts
      // with one needs another in front to keep it.
      if (kept.front() == '\n') out_ += '\n';
      out_ += kept;
      after_pre_ = false;
      return;
    }
    append_text(out_, t);
  }

  void end_tag(const char* name) {
    out_ += "</";
    out_ += name;
    out_ += '>';
    after_pre_ = false;
  }

  // Writes the start tag of an allowed element and returns the name to
  // close it with (nullptr for a void element or one that was dropped).
  const char* element(const GumboElement& e) {
    if (e.tag_namespace != GUMBO_NAMESPACE_HTML) return nullptr;  // SVG, MathML: never
    const ElementRule& rule = rule_for(e.tag);
    if (rule.disposition == Disposition::kDrop) return nullptr;
    if (rule.disposition == Disposition::kSpan) {
      write_start("span", {});
      return "span";
    }
    const ElementRule& kept = nesting_fix(rule);
    std::string attributes;
    if (!collect_attributes(e, kept, attributes)) return nullptr;
    write_start(kept.name, attributes);
    if (kept.is_void) return nullptr;
    after_pre_ = std::string_view(kept.name) == "pre";
    return kept.name;
  }

  // Markup misplaced inside a table is moved out in front of it ("foster
  // parenting"), and so the parser can build a tree it would not build
  // again from its own serialisation: <li><table><li> puts a list
  // item inside another, <h1><table><h2> a heading straight inside another,
  // <a><table><a> a link inside a link; written out and parsed again, each
  // inner start tag would close the outer element. Such an inner element
  // is written as a <div> (or a <span> for a link) instead.
  const ElementRule& nesting_fix(const ElementRule& rule) const {
    const std::string_view name = rule.name;
    static const ElementRule kDiv{Disposition::kKeep, "div", kAttrNone, ClassSet::kNone, false};
    static const ElementRule kSpan{Disposition::kKeep, "span", kAttrNone, ClassSet::kNone, false};
    const bool list_item = name == "li", definition = name == "dd" || name == "dt";
    if (list_item || definition) {
      // As the parser looks for an item to close: up to the nearest special
      // element other than address, div and p.
      for (auto it = open_.rbegin(); it != open_.rend(); ++it) {
        if (list_item ? *it == "li" : (*it == "dd" || *it == "dt")) return kDiv;
        if (is_special(*it) && *it != "address" && *it != "div" && *it != "p") break;
      }
    } else if (is_heading(name)) {
      if (!open_.empty() && is_heading(open_.back())) return kDiv;
    } else if (name == "a") {
      // An open link counts up to the nearest table cell or caption (the
      // parser's "marker").
      for (auto it = open_.rbegin(); it != open_.rend(); ++it) {
        if (*it == "a") return kSpan;
        if (*it == "td" || *it == "th" || *it == "caption") break;
      }
    }
    return rule;
  }

  static bool is_heading(std::string_view n) { return n.size() == 2 && n[0] == 'h' && n[1] >= '1' && n[1] <= '6'; }

  void write_start(const char* name, std::string_view attributes) {
    out_ += '<';
    out_ += name;
    out_ += attributes;
    out_ += '>';
    after_pre_ = false;
  }

  static void add(std::string& out, std::string_view name, std::string_view value) {
    out += ' ';
    out += name;
    out += "=\"";
    append_attribute_value(out, value);
    out += '"';
  }

  // The allowed attributes in a fixed order, so that the output does not
  // depend on the author's order. False when the element must go entirely
  // (an image without a usable source, an input that is not a checkbox).
  bool collect_attributes(const GumboElement& e, const ElementRule& rule, std::string& out) {
    bool external_link = false;
    if (rule.attributes & kAttrHref) {
      if (const char* href = attribute(e, "href")) {
        if (auto url = check_url(href, UrlUse::kLink, options_)) {
          add(out, "href", url->value);
          external_link = url->external;
        }
      }
    }
    if (rule.attributes & kAttrImage) {
      const char* src = attribute(e, "src");
      std::optional<CheckedUrl> url;
      if (src) url = check_url(src, UrlUse::kImage, options_);
      if (!url) return false;
      add(out, "src", url->value);
      if (const char* alt = attribute(e, "alt")) add(out, "alt", alt);
      if (std::string w = number(attribute(e, "width"), 5, 0, 99999); !w.empty()) add(out, "width", w);
      if (std::string h = number(attribute(e, "height"), 5, 0, 99999); !h.empty()) add(out, "height", h);
    }
    if (rule.attributes & kAttrCheckbox) {
      const char* type = attribute(e, "type");
      if (!type || !iequals(trim_ascii_space(type), "checkbox")) return false;
      add(out, "type", "checkbox");
      if (attribute(e, "checked")) add(out, "checked", "");
      add(out, "disabled", "");  // a task list is a picture of a list, not a form
    }
    if (rule.attributes & kAttrStart) {
      if (const char* start = attribute(e, "start")) {
        std::string_view v = trim_ascii_space(start);
        const bool negative = !v.empty() && v.front() == '-';
        if (negative) v.remove_prefix(1);
        if (is_unsigned_number(v, 9)) {
          const long n = std::strtol(std::string(v).c_str(), nullptr, 10);
          add(out, "start", std::to_string(negative ? -n : n));
        }
      }
    }
    if (rule.attributes & kAttrCell) {
      if (std::string c = number(attribute(e, "colspan"), 4, 1, 1000); !c.empty()) add(out, "colspan", c);
      if (std::string r = number(attribute(e, "rowspan"), 5, 0, 65534); !r.empty()) add(out, "rowspan", r);
      if (const char* a = attribute(e, "align")) {
        const std::string align = lower_ascii(trim_ascii_space(a));
        if (align == "left" || align == "center" || align == "right") add(out, "align", align);
      }
    }
    if (rule.attributes & kAttrOpen) {
      if (attribute(e, "open")) add(out, "open", "");
    }
    collect_global_attributes(e, rule, out);
    if (external_link) add(out, "rel", "noopener noreferrer nofollow");
    return true;
  }

  void collect_global_attributes(const GumboElement& e, const ElementRule& rule, std::string& out) {
    if (const char* a = attribute(e, "id")) {
      if (auto id = namespaced_id(a)) add(out, "id", *id);
    }
    if (rule.classes != ClassSet::kNone) {
      if (const char* a = attribute(e, "class")) {
        if (std::string classes = filter_classes(a, rule.classes); !classes.empty()) add(out, "class", classes);
      }
    }
    if (const char* a = attribute(e, "title")) add(out, "title", a);
    if (const char* a = attribute(e, "lang")) {
      std::string_view v = trim_ascii_space(a);
      bool ok = !v.empty() && v.size() <= 35;
      for (char c : v)
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-');
      if (ok) add(out, "lang", v);
    }
    if (const char* a = attribute(e, "dir")) {
      const std::string dir = lower_ascii(trim_ascii_space(a));
      if (dir == "ltr" || dir == "rtl" || dir == "auto") add(out, "dir", dir);
    }
    if (rule.attributes & kAttrAriaLabel) {
      if (const char* a = attribute(e, "aria-label")) add(out, "aria-label", a);
    }
  }

  // Parser output made stable (see is_parser_stable), kept alive in
  // `repaired_` when it had to change.
  const char* stable(const char* s) {
    if (is_parser_stable(s)) return s;
    return repaired_.emplace_back(make_parser_stable(s)).c_str();
  }

  // An attribute's value, made stable, or nullptr when it is absent.
  const char* attribute(const GumboElement& e, const char* name) {
    const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
    return a ? stable(a->value) : nullptr;
  }

  std::string& out_;
  const Options& options_;
  std::deque<std::string> repaired_;    // stable storage for repaired values
  std::vector<std::string_view> open_;  // the elements written and not yet closed
  bool after_pre_ = false;              // nothing written since a <pre> start tag
};

// What is shown instead of an input too costly to parse: all of it, as
// text. Parsing this again is cheap and gives the same bytes.
std::string as_text(std::string_view html) {
  // Written as the parser would read it back: line breaks as LF, and no
  // character the parser's input stream replaces (XSS-06: idempotent).
  std::string text = make_parser_stable(html);
  std::string normalised;
  normalised.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      normalised += text[i];
    } else if (i + 1 >= text.size() || text[i + 1] != '\n') {
      normalised += '\n';
    }
  }
  std::string out = "<p>";
  append_text(out, normalised);
  out += "</p>";
  return out;
}

}  // namespace

std::string sanitize_html(std::string_view input, const Options& options) {
  // Controls are removed before parsing: the parser would turn most of them
  // into U+FFFD, and they have no place in rich text.
  std::string html = repair_utf8(input);
  std::erase_if(html, [](char c) { return is_stripped_control(static_cast<unsigned char>(c)) && c != '\r'; });
  if (too_costly_to_parse(html)) return as_text(html);

  Arena arena;
  GumboOptions parse_options = kGumboDefaultOptions;
  parse_options.allocator = &Arena::gumbo_allocate;
  parse_options.deallocator = &Arena::gumbo_free;
  parse_options.userdata = &arena;
  parse_options.max_errors = 0;  // parse errors are not reported anywhere
  parse_options.fragment_context = GUMBO_TAG_DIV;
  parse_options.fragment_namespace = GUMBO_NAMESPACE_HTML;
  GumboOutput* parsed = gumbo_parse_with_options(&parse_options, html.data(), html.size());

  std::string out;
  out.reserve(html.size() + html.size() / 8);
  Writer(out, options).write_children_of(parsed->root);
  return out;
}

}  // namespace trivium::richtext
