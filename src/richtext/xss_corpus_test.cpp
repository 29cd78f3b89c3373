// The XSS corpus (XSS-02, XSS-03, XSS-04, XSS-05, XSS-06): every payload of
// testdata/xss-payloads.txt, through the sanitiser and through Markdown,
// must come out without a script-capable construct when parsed again, and
// sanitising the output again must not change a byte.

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "richtext/richtext.h"
#include "richtext/testing.h"

namespace trivium::richtext {
namespace {

struct Payload {
  int line;
  std::string text;
};

// Decodes the file's escapes ({NL}, {CR}, {TAB}, {NUL}, {xHH}).
std::string unescape(const std::string& line) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '{') {
      const std::size_t end = line.find('}', i);
      const std::string token = end == std::string::npos ? "" : line.substr(i + 1, end - i - 1);
      const char* named = token == "NL" ? "\n" : token == "CR" ? "\r" : token == "TAB" ? "\t" : nullptr;
      if (named) {
        out += named;
        i = end;
        continue;
      }
      if (token == "NUL") {
        out += '\0';
        i = end;
        continue;
      }
      if (token.size() == 3 && token[0] == 'x') {
        out += static_cast<char>(std::stoi(token.substr(1), nullptr, 16));
        i = end;
        continue;
      }
    }
    out += line[i];
  }
  return out;
}

std::vector<Payload> load_payloads() {
  const char* src = std::getenv("TRIVIUM_SOURCE_DIR");
  if (!src) return {};
  std::ifstream in(std::filesystem::path(src) / "src" / "richtext" / "testdata" / "xss-payloads.txt");
  std::vector<Payload> payloads;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    payloads.push_back({n, unescape(line)});
  }
  return payloads;
}

TEST(XssCorpus, HasAtLeastTwoHundredPayloads_XSS02) {
  ASSERT_NE(std::getenv("TRIVIUM_SOURCE_DIR"), nullptr);
  EXPECT_GE(load_payloads().size(), 200u);
}

TEST(XssCorpus, SanitisedPayloadsAreInertAndIdempotent_XSS02_XSS03_XSS04_XSS06) {
  const std::vector<Payload> payloads = load_payloads();
  ASSERT_FALSE(payloads.empty());
  for (const Payload& p : payloads) {
    const std::string once = sanitize_html(p.text);
    EXPECT_EQ(testing::find_unsafe_construct(once), std::nullopt) << "line " << p.line << ": " << once;
    EXPECT_EQ(sanitize_html(once), once) << "line " << p.line;
  }
}

TEST(XssCorpus, RenderedPayloadsAreInertAndIdempotent_XSS05_XSS06) {
  const std::vector<Payload> payloads = load_payloads();
  ASSERT_FALSE(payloads.empty());
  Options options;
  options.resolve_file = [](std::string_view ref) -> std::optional<std::string> {
    return "/api/v1/files/by-name/" + std::string(ref.substr(6));
  };
  const Options no_files;
  for (const Payload& p : payloads) {
    for (const Options* o : std::initializer_list<const Options*>{&options, &no_files}) {
      const std::string html = markdown_to_html(p.text, *o);
      EXPECT_EQ(testing::find_unsafe_construct(html), std::nullopt) << "line " << p.line << ": " << html;
      EXPECT_EQ(sanitize_html(html), html) << "line " << p.line;
    }
  }
}

// Reads the serialiser's own format byte by byte: outside tags every '<' is
// escaped, so each raw '<' starts a tag written as <name attr="value" ...>.
// Returns what is wrong with the first bad tag, or an empty string.
std::string scan_tags(const std::string& html) {
  for (std::size_t lt = html.find('<'); lt != std::string::npos; lt = html.find('<', lt + 1)) {
    const std::size_t gt = html.find('>', lt);
    if (gt == std::string::npos) return "unterminated tag";
    const std::string tag = html.substr(lt + 1, gt - lt - 1);
    if (tag.rfind("script", 0) == 0 || tag.rfind("svg", 0) == 0 || tag.rfind("style", 0) == 0 ||
        tag.rfind("iframe", 0) == 0 || tag.rfind("!--", 0) == 0) {
      return "tag <" + tag + ">";
    }
    for (std::size_t eq = tag.find("=\""); eq != std::string::npos; eq = tag.find("=\"", eq + 1)) {
      const std::size_t name_start = tag.rfind(' ', eq) + 1;
      const std::string name = tag.substr(name_start, eq - name_start);
      const std::size_t value_end = tag.find('"', eq + 2);
      std::string value = tag.substr(eq + 2, value_end - eq - 2);
      for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name.rfind("on", 0) == 0 || name == "style") return "attribute " + name;
      if ((name == "href" || name == "src") && (value.rfind("javascript:", 0) == 0 ||
                                                value.rfind("vbscript:", 0) == 0 || value.rfind("data:text", 0) == 0)) {
        return name + "=" + value;
      }
      eq = value_end;
    }
  }
  return "";
}

TEST(XssCorpus, PayloadsLeaveNoScriptInTheBytes_XSS02) {
  for (const Payload& p : load_payloads()) {
    for (const std::string& out : {sanitize_html(p.text), markdown_to_html(p.text)}) {
      EXPECT_EQ(scan_tags(out), "") << "line " << p.line << ": " << out;
    }
  }
}

}  // namespace
}  // namespace trivium::richtext
