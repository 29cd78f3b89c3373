// libFuzzer target for the embed URL parser (outline::parse_embed_url): any
// bytes must be refused with one stable field error, or become a player URL
// that can only ever point at an allowed provider, is plain ASCII without
// anything an iframe attribute could be broken out with, and parses to
// itself. BCP 47 tags (captions) are checked on the same bytes for crashes.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "outline/internal.h"

namespace {

void check(bool ok, const char* what, std::string_view input) {
  if (!ok) {
    std::fprintf(stderr, "embed URL invariant broken: %s (input of %zu bytes)\n", what, input.size());
    std::abort();
  }
}

bool plain(std::string_view s) {
  for (char c : s) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
                         c == '/' || c == '.' || c == '-' || c == '_';
    if (!allowed) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trivium::outline;
  static const std::vector<std::string> hosts = {"videos.example.org"};
  const std::string_view url(reinterpret_cast<const char*>(data), size);
  (void)is_language_tag(url);

  auto r = parse_embed_url(url, hosts);
  if (!r) {
    const auto& fields = r.error().fields;
    check(fields.size() == 1 && fields[0].field == "settings/url", "one error on settings/url", url);
    check(fields[0].code == "url" || fields[0].code == "provider", "code url or provider", url);
    return 0;
  }
  const std::string& src = r->src;
  check(plain(src), "the source is plain ASCII without quotes, spaces or escapes", url);
  const bool youtube = r->provider == "youtube" && src.starts_with("https://www.youtube-nocookie.com/embed/");
  const bool vimeo = r->provider == "vimeo" && src.starts_with("https://player.vimeo.com/video/");
  const bool peertube = r->provider == "peertube" && src.starts_with("https://videos.example.org/videos/embed/");
  check(youtube || vimeo || peertube, "the source is an allowed provider's player", url);
  auto again = parse_embed_url(src, hosts);
  check(again && again->src == src && again->provider == r->provider, "the source parses to itself", url);
  return 0;
}
