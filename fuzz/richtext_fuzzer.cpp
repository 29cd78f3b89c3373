// libFuzzer target for rich text (F7: the HTML sanitiser; F8: Markdown to
// HTML to the sanitiser). Any bytes must go through both without a crash or
// a sanitizer report, and what comes out must hold no script-capable
// construct when parsed again by a second, independent check
// (richtext/testing.h) and must sanitise to itself byte for byte (XSS-06).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "richtext/richtext.h"
#include "richtext/testing.h"

namespace {

void check(bool ok, const char* what, const std::string& input, const std::string& output) {
  if (ok) return;
  std::fprintf(stderr, "richtext invariant broken: %s\n--- input\n%s\n--- output\n%s\n", what, input.c_str(),
               output.c_str());
  std::abort();
}

void check_output(const char* pipeline, const std::string& input, const std::string& output,
                  const trivium::richtext::Options& options) {
  using namespace trivium::richtext;
  if (std::optional<std::string> unsafe = testing::find_unsafe_construct(output)) {
    const std::string what = std::string(pipeline) + ": unsafe construct: " + *unsafe;
    check(false, what.c_str(), input, output);
  }
  const std::string again = sanitize_html(output, options);
  check(again == output, pipeline, input, output + "\n--- sanitised again\n" + again);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trivium::richtext;
  const std::string input(reinterpret_cast<const char*>(data), size);
  // File references resolve, as they do for a course, so that rewriting is
  // exercised too; the answer is itself a relative URL left alone next time.
  Options options;
  options.resolve_file = [](std::string_view ref) -> std::optional<std::string> {
    if (ref.size() % 3 == 0) return std::nullopt;  // some files are unknown
    return "/api/v1/files/" + std::string(ref.substr(6));
  };
  check_output("sanitize_html (F7)", input, sanitize_html(input, options), options);
  check_output("markdown_to_html (F8)", input, markdown_to_html(input, options), options);
  return 0;
}
