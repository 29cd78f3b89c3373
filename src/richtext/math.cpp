// Math delimiters for Markdown: see math.h.
#include "richtext/math.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "richtext/internal.h"

namespace trivium::richtext::detail {
namespace {

// The sentinels, in UTF-8: EE 80 80..83 stand for \( \) \[ \].
constexpr unsigned char kLead = 0xEE;
constexpr unsigned char kMid = 0x80;
constexpr unsigned char kOpenInline = 0x80;
constexpr unsigned char kCloseInline = 0x81;
constexpr unsigned char kOpenDisplay = 0x82;
constexpr unsigned char kCloseDisplay = 0x83;

constexpr std::string_view kInlineOpen = "<span class=\"math math-inline\">\\(";
constexpr std::string_view kInlineClose = "\\)</span>";
constexpr std::string_view kDisplayOpen = "<span class=\"math math-display\">\\[";
constexpr std::string_view kDisplayClose = "\\]</span>";
constexpr std::string_view kBlockOpen = "<div class=\"math math-display\">\\[";
constexpr std::string_view kBlockClose = "\\]</div>\n";

// Indexes into MathScan::no_closer_from.
enum Search { kDoubleDollar, kParen, kBracket };

bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}

class Matcher {
 public:
  Matcher(MathScan& scan, cmark_inline_parser* parser) : scan_(scan), parser_(parser) {}

  // Math starting at the current offset, or nullptr when there is none.
  cmark_node* match(unsigned char c) {
    const int pos = cmark_inline_parser_get_offset(parser_);
    if (c == '$') return dollars(pos);
    if (c == kLead && at(pos + 1) == kMid && at(pos + 2) == kOpenInline) return sentinel(pos, kParen, kCloseInline);
    if (c == kLead && at(pos + 1) == kMid && at(pos + 2) == kOpenDisplay) return sentinel(pos, kBracket, kCloseDisplay);
    return nullptr;
  }

 private:
  // The byte at `k` of the block's text; 0 past its end (cmark has already
  // replaced any NUL in the input).
  unsigned char at(int k) { return cmark_inline_parser_peek_at(parser_, k); }

  cmark_node* dollars(int pos) {
    int run = 0;
    while (at(pos + run) == '$') ++run;
    if (run >= 3) return text(pos, run);  // "$$$" is not a delimiter; keep it whole
    if (run == 2) {
      const int close =
          find(kDoubleDollar, pos + 2, [this](int k) { return at(k) == '$' && at(k + 1) == '$' && at(k - 1) != '\\'; });
      if (close <= pos + 2) return text(pos, 2);
      return math(pos, pos + 2, close, close + 2, true);
    }
    // "$5 and $10" is money, not math: an opening $ touches the next
    // character; the next unescaped $ closes, and only if it touches the
    // previous character and is not followed by a digit. Each search stops
    // at the next $, so the searches of one block cover it at most twice.
    if (at(pos + 1) == 0 || is_space(at(pos + 1))) return nullptr;
    int close = pos + 1;
    while (at(close) != 0 && !(at(close) == '$' && at(close - 1) != '\\')) ++close;
    if (at(close) == 0 || is_space(at(close - 1)) || is_digit(at(close + 1))) return nullptr;
    return math(pos, pos + 1, close, close + 1, false);
  }

  cmark_node* sentinel(int pos, Search search, unsigned char closer) {
    const int close = find(
        search, pos + 3, [this, closer](int k) { return at(k) == kLead && at(k + 1) == kMid && at(k + 2) == closer; });
    if (close <= pos + 3) return nullptr;
    return math(pos, pos + 3, close, close + 3, search == kBracket);
  }

  // The first position from `from` where `is_closer` holds, or -1. Whether
  // a position closes does not depend on where the math opened, so once a
  // search from p found nothing, no search from beyond p can.
  template <typename Closer>
  int find(Search search, int from, Closer is_closer) {
    int& failed = scan_.no_closer_from[search];
    if (failed >= 0 && from >= failed) return -1;
    for (int k = from; at(k) != 0; ++k) {
      if (is_closer(k)) return k;
    }
    failed = from;
    return -1;
  }

  cmark_node* text(int pos, int length) {
    std::string literal;
    for (int k = pos; k < pos + length; ++k) literal += static_cast<char>(at(k));
    cmark_inline_parser_set_offset(parser_, pos + length);
    return literal_node(CMARK_NODE_TEXT, literal);
  }

  // Raw HTML for cmark to pass through: the TeX between the delimiters,
  // escaped, between \( \) or \[ \].
  cmark_node* math(int open, int body, int body_end, int end, bool display) {
    std::string tex;
    for (int k = body; k < body_end; ++k) tex += static_cast<char>(at(k));
    if (trim_ascii_space(tex).empty()) return nullptr;  // "$$ $$" is text
    // An image description becomes alt text, where markup would show as
    // such: the math stays as the author typed it.
    if (cmark_inline_parser_in_bracket(parser_, 1)) return text(open, end - open);
    std::string html(display ? kDisplayOpen : kInlineOpen);
    append_text(html, tex);
    html += display ? kDisplayClose : kInlineClose;
    cmark_inline_parser_set_offset(parser_, end);
    return literal_node(CMARK_NODE_HTML_INLINE, html);
  }

  static cmark_node* literal_node(cmark_node_type type, const std::string& literal) {
    cmark_node* node = cmark_node_new_with_mem(type, cmark_get_default_mem_allocator());
    cmark_node_set_literal(node, literal.c_str());
    return node;
  }

  MathScan& scan_;
  cmark_inline_parser* parser_;
};

cmark_node* match_math(cmark_syntax_extension* extension, cmark_parser*, cmark_node* block, unsigned char c,
                       cmark_inline_parser* parser) {
  if (c != '$' && c != kLead) return nullptr;
  auto* scan = static_cast<MathScan*>(cmark_syntax_extension_get_private(extension));
  if (scan->block != block) *scan = MathScan{block, {-1, -1, -1}};
  return Matcher(*scan, parser).match(c);
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string protect_math_delimiters(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c == kLead && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == kMid &&
        static_cast<unsigned char>(in[i + 2]) >= kOpenInline &&
        static_cast<unsigned char>(in[i + 2]) <= kCloseDisplay) {
      out += "\xEF\xBF\xBD";
      i += 3;
      continue;
    }
    if (c != '\\') {
      out += in[i++];
      continue;
    }
    std::size_t run = 0;
    while (i + run < in.size() && in[i + run] == '\\') ++run;
    const char next = i + run < in.size() ? in[i + run] : '\0';
    const bool delimiter = next == '(' || next == ')' || next == '[' || next == ']';
    // Pairs of backslashes are escaped backslashes; only an odd one left
    // over makes a delimiter.
    if (delimiter && run % 2 == 1) {
      out.append(run - 1, '\\');
      out += static_cast<char>(kLead);
      out += static_cast<char>(kMid);
      out += static_cast<char>(next == '('   ? kOpenInline
                               : next == ')' ? kCloseInline
                               : next == '[' ? kOpenDisplay
                                             : kCloseDisplay);
      i += run + 1;
    } else {
      out.append(run, '\\');
      i += run;
    }
  }
  return out;
}

void restore_math_delimiters(std::string& html) {
  if (html.find(static_cast<char>(kLead)) == std::string::npos && html.find("%EE%80%8") == std::string::npos) return;
  static constexpr std::string_view kOriginal[] = {"\\(", "\\)", "\\[", "\\]"};
  static constexpr std::string_view kInUrl[] = {"(", ")", "[", "]"};
  std::string out;
  out.reserve(html.size());
  for (std::size_t i = 0; i < html.size();) {
    const auto c = static_cast<unsigned char>(html[i]);
    if (c == kLead && i + 2 < html.size() && static_cast<unsigned char>(html[i + 1]) == kMid) {
      const auto k = static_cast<unsigned char>(html[i + 2]);
      if (k >= kOpenInline && k <= kCloseDisplay) {
        out += kOriginal[k - kOpenInline];
        i += 3;
        continue;
      }
    }
    if (c == '%' && html.compare(i, 8, "%EE%80%8") == 0 && i + 8 < html.size() && html[i + 8] >= '0' &&
        html[i + 8] <= '3') {
      out += kInUrl[html[i + 8] - '0'];
      i += 9;
      continue;
    }
    out += html[i++];
  }
  html = std::move(out);
}

cmark_syntax_extension* new_math_extension(MathScan* scan) {
  cmark_syntax_extension* extension = cmark_syntax_extension_new("trivium-math");
  cmark_mem* mem = cmark_get_default_mem_allocator();
  cmark_llist* special = nullptr;
  special = cmark_llist_append(mem, special, reinterpret_cast<void*>(static_cast<std::uintptr_t>('$')));
  special = cmark_llist_append(mem, special, reinterpret_cast<void*>(static_cast<std::uintptr_t>(kLead)));
  cmark_syntax_extension_set_special_inline_chars(extension, special);
  cmark_syntax_extension_set_match_inline_func(extension, match_math);
  cmark_syntax_extension_set_private(extension, scan, nullptr);
  return extension;
}

void promote_display_math(cmark_node* document) {
  std::vector<cmark_node*> paragraphs;
  cmark_iter* iter = cmark_iter_new(document);
  for (cmark_event_type ev; (ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE;) {
    cmark_node* node = cmark_iter_get_node(iter);
    if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(node) != CMARK_NODE_PARAGRAPH) continue;
    cmark_node* only = cmark_node_first_child(node);
    if (!only || only != cmark_node_last_child(node) || cmark_node_get_type(only) != CMARK_NODE_HTML_INLINE) continue;
    const char* literal = cmark_node_get_literal(only);
    if (literal && starts_with(literal, kDisplayOpen)) paragraphs.push_back(node);
  }
  cmark_iter_free(iter);
  for (cmark_node* paragraph : paragraphs) {
    std::string_view span = cmark_node_get_literal(cmark_node_first_child(paragraph));
    std::string_view tex = span.substr(kDisplayOpen.size(), span.size() - kDisplayOpen.size() - kDisplayClose.size());
    std::string html(kBlockOpen);
    html += tex;  // already escaped
    html += kBlockClose;
    cmark_node* block = cmark_node_new_with_mem(CMARK_NODE_HTML_BLOCK, cmark_get_default_mem_allocator());
    cmark_node_set_literal(block, html.c_str());
    if (cmark_node_insert_before(paragraph, block)) {
      cmark_node_free(paragraph);  // unlinks it
    } else {
      cmark_node_free(block);
    }
  }
}

}  // namespace trivium::richtext::detail
