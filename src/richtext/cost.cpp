// A lexical estimate of what parsing a fragment will cost, taken before the
// HTML parser sees it.
//
// Two things make an HTML5 parser slow or memory-hungry on small inputs.
// Every start tag looks down the stack of open elements for a scope, so
// time grows with length times depth (80 000 nested <blockquote>s from a
// line of ">" take minutes). And a formatting element left open (<b>,
// <font>, <a>) is re-created after every block that closes it, so a few
// hundred open ones multiply the size of the tree by a few hundred. The
// estimate follows tags with a stack, closing the usual implied ends, and
// counts both; it errs on the high side, except on the sanitiser's own
// output, which closes every element and where it is exact.
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "richtext/internal.h"

namespace trivium::richtext::detail {
namespace {

enum TagFlag : std::uint8_t {
  kVoid = 1 << 0,          // never has content
  kRawText = 1 << 1,       // content is text up to the end tag
  kClosesP = 1 << 2,       // its start tag closes an open <p>
  kClosesItself = 1 << 3,  // its start tag closes an open element of the same name
  kForeign = 1 << 4,       // svg, math: "/>" closes elements inside
};

constexpr int kTags = GUMBO_TAG_LAST + 1;

struct TagTable {
  std::array<std::uint8_t, kTags> flags{};
  std::array<std::int8_t, kTags> formatting{};  // index among kFormattingTags, or -1
};

constexpr GumboTag kFormattingTags[] = {
    GUMBO_TAG_A,    GUMBO_TAG_B, GUMBO_TAG_BIG,   GUMBO_TAG_CODE,   GUMBO_TAG_EM,     GUMBO_TAG_FONT, GUMBO_TAG_I,
    GUMBO_TAG_NOBR, GUMBO_TAG_S, GUMBO_TAG_SMALL, GUMBO_TAG_STRIKE, GUMBO_TAG_STRONG, GUMBO_TAG_TT,   GUMBO_TAG_U};
constexpr std::size_t kFormattingCount = sizeof(kFormattingTags) / sizeof(kFormattingTags[0]);

TagTable build_table() {
  TagTable t;
  t.formatting.fill(-1);
  const auto set = [&](std::initializer_list<GumboTag> tags, std::uint8_t flag) {
    for (GumboTag tag : tags) t.flags[tag] |= flag;
  };
  set({GUMBO_TAG_AREA, GUMBO_TAG_BASE,  GUMBO_TAG_BASEFONT, GUMBO_TAG_BGSOUND, GUMBO_TAG_BR,
       GUMBO_TAG_COL,  GUMBO_TAG_EMBED, GUMBO_TAG_FRAME,    GUMBO_TAG_HR,      GUMBO_TAG_IMAGE,
       GUMBO_TAG_IMG,  GUMBO_TAG_INPUT, GUMBO_TAG_KEYGEN,   GUMBO_TAG_LINK,    GUMBO_TAG_MENUITEM,
       GUMBO_TAG_META, GUMBO_TAG_PARAM, GUMBO_TAG_SOURCE,   GUMBO_TAG_TRACK,   GUMBO_TAG_WBR},
      kVoid);
  set({GUMBO_TAG_SCRIPT, GUMBO_TAG_STYLE, GUMBO_TAG_XMP, GUMBO_TAG_IFRAME, GUMBO_TAG_NOEMBED, GUMBO_TAG_NOFRAMES,
       GUMBO_TAG_NOSCRIPT, GUMBO_TAG_TEXTAREA, GUMBO_TAG_TITLE},
      kRawText);
  set({GUMBO_TAG_ADDRESS,    GUMBO_TAG_ARTICLE, GUMBO_TAG_ASIDE,  GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_CENTER,
       GUMBO_TAG_DETAILS,    GUMBO_TAG_DIR,     GUMBO_TAG_DIV,    GUMBO_TAG_DL,         GUMBO_TAG_FIELDSET,
       GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE,  GUMBO_TAG_FOOTER, GUMBO_TAG_HEADER,     GUMBO_TAG_HGROUP,
       GUMBO_TAG_MAIN,       GUMBO_TAG_MENU,    GUMBO_TAG_NAV,    GUMBO_TAG_OL,         GUMBO_TAG_P,
       GUMBO_TAG_SECTION,    GUMBO_TAG_SUMMARY, GUMBO_TAG_UL,     GUMBO_TAG_H1,         GUMBO_TAG_H2,
       GUMBO_TAG_H3,         GUMBO_TAG_H4,      GUMBO_TAG_H5,     GUMBO_TAG_H6,         GUMBO_TAG_PRE,
       GUMBO_TAG_LISTING,    GUMBO_TAG_TABLE,   GUMBO_TAG_FORM},
      kClosesP);
  set({GUMBO_TAG_LI, GUMBO_TAG_DT, GUMBO_TAG_DD, GUMBO_TAG_OPTION, GUMBO_TAG_TR, GUMBO_TAG_TD, GUMBO_TAG_TH,
       GUMBO_TAG_RB, GUMBO_TAG_RT, GUMBO_TAG_RP, GUMBO_TAG_A, GUMBO_TAG_NOBR},
      kClosesItself);
  set({GUMBO_TAG_SVG, GUMBO_TAG_MATH}, kForeign);
  for (std::size_t k = 0; k < kFormattingCount; ++k) t.formatting[kFormattingTags[k]] = static_cast<std::int8_t>(k);
  return t;
}

const TagTable& table() {
  static const TagTable t = build_table();
  return t;
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

// An element name as the stack keeps it: the tag, and for names gumbo does
// not know a hash of the lower-cased name, so that end tags still match.
struct Name {
  GumboTag tag;
  std::uint32_t unknown_hash;
  bool operator==(const Name&) const = default;
};

Name name_of(std::string_view raw) {
  const auto tag = gumbo_tagn_enum(raw.data(), static_cast<unsigned>(raw.size()));
  if (tag != GUMBO_TAG_UNKNOWN) return {tag, 0};
  std::uint32_t h = 2166136261u;
  for (char c : raw) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  }
  return {tag, h};
}

class Scanner {
 public:
  explicit Scanner(std::string_view html)
      : html_(html), budget_(100'000 + 2 * static_cast<std::uint64_t>(html.size())), table_(table()) {
    stack_.reserve(64);
  }

  bool too_costly() {
    std::size_t i = 0;
    const std::size_t n = html_.size();
    while (i < n && !failed_) {
      const std::size_t lt = html_.find('<', i);
      if (lt != i) text();
      if (lt == std::string_view::npos) break;
      i = markup(lt);
    }
    return failed_;
  }

 private:
  // A run of text or a start tag: formatting elements that are still in
  // the parser's list but no longer on the stack are re-created.
  void text() {
    reconstructed_ += in_list_ - on_stack_;
    if (reconstructed_ > budget_) failed_ = true;
  }

  // Handles the markup at `lt` and returns where scanning resumes.
  std::size_t markup(std::size_t lt) {
    const std::size_t n = html_.size();
    if (html_.substr(lt, 4) == "<!--") {
      const std::size_t end = html_.find("-->", lt + 4);
      return end == std::string_view::npos ? n : end + 3;
    }
    if (lt + 1 < n && (html_[lt + 1] == '!' || html_[lt + 1] == '?')) {
      const std::size_t end = html_.find('>', lt);
      return end == std::string_view::npos ? n : end + 1;
    }
    const bool end_tag = lt + 1 < n && html_[lt + 1] == '/';
    std::size_t i = lt + (end_tag ? 2 : 1);
    if (i >= n || !is_alpha(html_[i])) {
      text();  // a lone '<' is text
      return lt + 1;
    }
    const std::size_t name_start = i;
    while (i < n && !is_space(html_[i]) && html_[i] != '/' && html_[i] != '>') ++i;
    const std::string_view raw = html_.substr(name_start, i - name_start);
    bool self_closing = false;
    i = skip_attributes(i, self_closing);
    if (end_tag) {
      close(name_of(raw));
      return i;
    }
    return open(raw, self_closing, i);
  }

  // Past the attributes and the closing '>', honouring quoted values.
  std::size_t skip_attributes(std::size_t i, bool& self_closing) {
    const std::size_t n = html_.size();
    while (i < n) {
      const char c = html_[i];
      if (c == '>') return i + 1;
      if (c == '/' && i + 1 < n && html_[i + 1] == '>') {
        self_closing = true;
        return i + 2;
      }
      if (c == '=') {
        ++i;
        while (i < n && is_space(html_[i])) ++i;
        if (i < n && (html_[i] == '"' || html_[i] == '\'')) {
          const std::size_t end = html_.find(html_[i], i + 1);
          i = end == std::string_view::npos ? n : end + 1;
        }
        continue;
      }
      ++i;
    }
    return n;
  }

  std::size_t open(std::string_view raw, bool self_closing, std::size_t resume) {
    const Name name = name_of(raw);
    const std::uint8_t flags = table_.flags[name.tag];
    if (!foreign_ && (flags & kRawText)) return skip_raw_text(raw, resume);
    if (!foreign_ && name.tag == GUMBO_TAG_PLAINTEXT) return html_.size();
    text();
    if ((flags & kVoid) || (foreign_ && self_closing)) return resume;
    if (!stack_.empty()) {
      const Name& top = stack_.back();
      if ((top.tag == GUMBO_TAG_P && (flags & kClosesP)) || (top == name && (flags & kClosesItself))) pop();
    }
    if (stack_.size() >= static_cast<std::size_t>(kMaxDepth)) {
      failed_ = true;
      return resume;
    }
    stack_.push_back(name);
    if (flags & kForeign) ++foreign_;
    if (const int f = table_.formatting[name.tag]; f >= 0) {
      ++in_list_by_name_[f];
      ++in_list_;
      ++on_stack_;
    }
    return resume;
  }

  void close(const Name& name) {
    // Pops up to the innermost element of that name; a stray end tag is
    // ignored, as the parser mostly does.
    for (std::size_t k = stack_.size(); k > 0; --k) {
      if (stack_[k - 1] == name) {
        while (stack_.size() >= k) pop();
        break;
      }
    }
    // Its own end tag takes a formatting element out of the list, even when
    // something else popped it off the stack before.
    if (const int f = table_.formatting[name.tag]; f >= 0 && in_list_by_name_[f] > 0) {
      --in_list_by_name_[f];
      --in_list_;
    }
  }

  void pop() {
    const Name& top = stack_.back();
    if (table_.flags[top.tag] & kForeign) --foreign_;
    if (table_.formatting[top.tag] >= 0) --on_stack_;
    stack_.pop_back();
  }

  std::size_t skip_raw_text(std::string_view raw, std::size_t i) {
    const std::size_t n = html_.size();
    while (true) {
      const std::size_t lt = html_.find("</", i);
      if (lt == std::string_view::npos) return n;
      if (iequals(html_.substr(lt + 2, raw.size()), raw)) {
        const std::size_t end = html_.find('>', lt);
        return end == std::string_view::npos ? n : end + 1;
      }
      i = lt + 2;
    }
  }

  std::string_view html_;
  std::uint64_t budget_;
  const TagTable& table_;
  std::uint64_t reconstructed_ = 0;
  std::uint64_t in_list_ = 0;   // formatting elements opened and not ended
  std::uint64_t on_stack_ = 0;  // those of them still on the stack
  std::array<std::uint64_t, kFormattingCount> in_list_by_name_{};
  std::vector<Name> stack_;
  int foreign_ = 0;
  bool failed_ = false;
};

}  // namespace

bool too_costly_to_parse(std::string_view html) {
  return Scanner(html).too_costly();
}

}  // namespace trivium::richtext::detail
