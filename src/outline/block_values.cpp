// The values authors type into block settings that need a real parser:
// the URL of an embedded video, turned into the one player URL it stands
// for, and the BCP 47 language tag of a caption track. Pure functions over
// bytes from anywhere (fuzz/embed_url_fuzzer.cpp feeds them arbitrary ones).

#include <algorithm>

#include "core/text.h"
#include "outline/internal.h"

namespace trivium::outline {

namespace {

constexpr size_t kMaxEmbedUrl = 2048;

using text::is_alnum;
using text::is_digit;
using text::is_hex;
using text::to_lower;

template <typename Pred>
bool all(std::string_view s, Pred pred) {
  return std::all_of(s.begin(), s.end(), pred);
}

}  // namespace

// Core's RFC 5646 rule, the one xAPI language maps follow too, so a caption
// track may carry any tag a statement about the video could.
bool is_language_tag(std::string_view tag) {
  return text::valid_language_tag(tag);
}

// --- Embed URLs ------------------------------------------------------------

namespace {

Failure bad_url(std::string message) {
  return invalid("settings/url", "url", std::move(message));
}

bool is_youtube_id(std::string_view id) {
  return id.size() == 11 && all(id, [](char c) { return is_alnum(c) || c == '_' || c == '-'; });
}

bool is_vimeo_id(std::string_view id) {
  return !id.empty() && id.size() <= 15 && all(id, is_digit);
}

// A UUID (8-4-4-4-12 hex digits) or a 22-character short id.
bool is_peertube_id(std::string_view id) {
  if (id.size() == 22) return all(id, is_alnum);
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? id[i] != '-' : !is_hex(id[i])) return false;
  }
  return true;
}

// The value of the one "v" parameter of a query ("a=1&v=ID&t=3"), or
// nullopt when there is none or more than one.
std::optional<std::string_view> youtube_v(std::string_view query) {
  std::optional<std::string_view> v;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(start, amp - start);
    if (pair.starts_with("v=")) {
      if (v) return std::nullopt;
      v = pair.substr(2);
    }
    start = amp + 1;
  }
  return v;
}

bool one_of(std::string_view host, std::initializer_list<std::string_view> hosts) {
  return std::find(hosts.begin(), hosts.end(), host) != hosts.end();
}

}  // namespace

Result<EmbedSource> parse_embed_url(std::string_view url, const std::vector<std::string>& peertube_hosts) {
  if (url.empty() || url.size() > kMaxEmbedUrl) return bad_url("An https URL of at most 2048 characters.");
  // Printable ASCII only: no spaces or controls a browser would strip
  // ("java\tscript:"), and nothing outside ASCII, which also refuses bytes
  // that are not UTF-8. Backslashes are slashes to a browser's URL parser
  // but not to this one, so they go too.
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '\\') return bad_url("An https URL of printable ASCII characters.");
  }
  constexpr std::string_view kHttps = "https://";
  if (url.size() < kHttps.size() || to_lower(url.substr(0, kHttps.size())) != kHttps)
    return bad_url("Only https URLs can be embedded.");
  std::string_view rest = url.substr(kHttps.size());
  const size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  const std::string_view authority = rest.substr(0, authority_end);
  rest.remove_prefix(authority_end);
  if (authority.find('@') != std::string_view::npos) return bad_url("A URL with credentials cannot be embedded.");
  if (authority.find(':') != std::string_view::npos) return bad_url("A URL with a port cannot be embedded.");
  if (authority.empty() || !all(authority, [](char c) { return is_alnum(c) || c == '.' || c == '-'; }))
    return bad_url("The URL's host is not a plain host name.");
  const std::string host = to_lower(authority);
  const size_t path_end = std::min(rest.find_first_of("?#"), rest.size());
  const std::string_view path = rest.substr(0, path_end);
  std::string_view query;
  if (path_end < rest.size() && rest[path_end] == '?') {
    query = rest.substr(path_end + 1);
    query = query.substr(0, std::min(query.find('#'), query.size()));
  }
  auto after = [&path](std::string_view prefix) -> std::optional<std::string_view> {
    if (!path.starts_with(prefix)) return std::nullopt;
    return path.substr(prefix.size());
  };

  const bool youtube_watch = one_of(host, {"youtube.com", "www.youtube.com", "m.youtube.com"});
  const bool youtube_embed = one_of(host, {"youtube-nocookie.com", "www.youtube-nocookie.com"});
  if (youtube_watch || youtube_embed || host == "youtu.be") {
    std::optional<std::string_view> id;
    if (host == "youtu.be") {
      id = after("/");
    } else if (auto embedded = after("/embed/")) {
      id = embedded;
    } else if (youtube_watch && path == "/watch") {
      id = youtube_v(query);
    }
    if (!id || !is_youtube_id(*id))
      return bad_url("A YouTube video URL: youtube.com/watch?v=ID, youtu.be/ID or youtube.com/embed/ID.");
    return EmbedSource{"youtube", "https://www.youtube-nocookie.com/embed/" + std::string(*id)};
  }
  if (one_of(host, {"vimeo.com", "www.vimeo.com", "player.vimeo.com"})) {
    std::optional<std::string_view> id = host == "player.vimeo.com" ? after("/video/") : after("/");
    if (!id || !is_vimeo_id(*id))
      return bad_url("A Vimeo video URL: vimeo.com/NUMBER or player.vimeo.com/video/NUMBER.");
    return EmbedSource{"vimeo", "https://player.vimeo.com/video/" + std::string(*id)};
  }
  if (std::find(peertube_hosts.begin(), peertube_hosts.end(), host) != peertube_hosts.end()) {
    std::optional<std::string_view> id = after("/w/");
    if (!id) id = after("/videos/watch/");
    if (!id) id = after("/videos/embed/");
    if (!id || !is_peertube_id(*id))
      return bad_url("A PeerTube video URL: /w/ID, /videos/watch/ID or /videos/embed/ID.");
    const std::string canonical = id->size() == 36 ? to_lower(*id) : std::string(*id);
    return EmbedSource{"peertube", "https://" + host + "/videos/embed/" + canonical};
  }
  return invalid("settings/url", "provider",
                 "Videos can be embedded from YouTube, Vimeo and the PeerTube instances this platform allows.");
}

}  // namespace trivium::outline
