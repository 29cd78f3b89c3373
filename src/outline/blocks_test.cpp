// Content block settings without a store: the embed URL parser (with
// hostile URLs, XSS-03), BCP 47 tags, every rule of each type's settings
// with its field and code, the file scope of a derived SPOC, and the members
// a publication adds.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>
#include <string>
#include <vector>

#include "outline/internal.h"

namespace trivium::outline {
namespace {

namespace bj = boost::json;

const std::vector<std::string> kPeerTube = {"peertube.example.org"};
constexpr const char* kYouTubeId = "dQw4w9WgXcQ";

// The field -> code pairs of an Invalid failure (empty when it succeeded).
template <typename T>
std::map<std::string, std::string> problems(const Result<T>& r) {
  std::map<std::string, std::string> out;
  if (r) return out;
  EXPECT_EQ(r.error().kind, ErrorKind::Invalid) << r.error().detail;
  for (const FieldError& f : r.error().fields) out[f.field] = f.code;
  return out;
}

std::string embed_src(std::string_view url, const std::vector<std::string>& hosts = kPeerTube) {
  auto r = parse_embed_url(url, hosts);
  EXPECT_TRUE(r) << url << ": " << (r ? "" : r.error().fields.at(0).message);
  return r ? r->src : "";
}

std::string embed_code(std::string_view url) {
  auto r = parse_embed_url(url, kPeerTube);
  if (r) return "accepted as " + r->src;
  EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(r.error().fields.at(0).field, "settings/url");
  return r.error().fields.at(0).code;
}

TEST(EmbedUrlTest, YouTubeFormsBecomeTheNoCookiePlayer) {
  const std::string want = std::string("https://www.youtube-nocookie.com/embed/") + kYouTubeId;
  for (const std::string url : {
           "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
           "https://youtube.com/watch?v=dQw4w9WgXcQ",
           "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
           "https://www.youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=42s#comments",
           "https://youtu.be/dQw4w9WgXcQ",
           "https://youtu.be/dQw4w9WgXcQ?si=abcdef&t=10",
           "https://www.youtube.com/embed/dQw4w9WgXcQ",
           "https://www.youtube.com/embed/dQw4w9WgXcQ?start=30",
           "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
           "HTTPS://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ",
       }) {
    EXPECT_EQ(embed_src(url), want) << url;
  }
  EXPECT_EQ(parse_embed_url("https://youtu.be/a-b_C9d0e1F", kPeerTube)->provider, "youtube");
  EXPECT_EQ(embed_src("https://youtu.be/a-b_C9d0e1F"), "https://www.youtube-nocookie.com/embed/a-b_C9d0e1F");
}

TEST(EmbedUrlTest, VimeoForms) {
  EXPECT_EQ(embed_src("https://vimeo.com/76979871"), "https://player.vimeo.com/video/76979871");
  EXPECT_EQ(embed_src("https://www.vimeo.com/76979871#t=5"), "https://player.vimeo.com/video/76979871");
  EXPECT_EQ(embed_src("https://player.vimeo.com/video/76979871?h=abc"), "https://player.vimeo.com/video/76979871");
  EXPECT_EQ(parse_embed_url("https://vimeo.com/1", kPeerTube)->provider, "vimeo");
  EXPECT_EQ(embed_code("https://vimeo.com/76979871abc"), "url");
  EXPECT_EQ(embed_code("https://vimeo.com/"), "url");
  EXPECT_EQ(embed_code("https://vimeo.com/channels/staffpicks/1"), "url");
  EXPECT_EQ(embed_code("https://player.vimeo.com/76979871"), "url");
  EXPECT_EQ(embed_code("https://vimeo.com/1234567890123456"), "url");  // no id is that long
}

TEST(EmbedUrlTest, PeerTubeOnlyOnConfiguredHosts) {
  const std::string uuid = "9c9de5e8-0a1e-484a-b099-e80766180a6d";
  const std::string want = "https://peertube.example.org/videos/embed/" + uuid;
  EXPECT_EQ(embed_src("https://peertube.example.org/videos/watch/" + uuid), want);
  EXPECT_EQ(embed_src("https://peertube.example.org/videos/embed/" + uuid + "?start=1m"), want);
  EXPECT_EQ(embed_src("https://PeerTube.Example.org/videos/watch/9C9DE5E8-0A1E-484A-B099-E80766180A6D"), want);
  // Short ids keep their case: it is significant.
  EXPECT_EQ(embed_src("https://peertube.example.org/w/kkGMgK9ZtnKfYAgnEtQxbv"),
            "https://peertube.example.org/videos/embed/kkGMgK9ZtnKfYAgnEtQxbv");
  EXPECT_EQ(parse_embed_url("https://peertube.example.org/w/kkGMgK9ZtnKfYAgnEtQxbv", kPeerTube)->provider, "peertube");

  EXPECT_EQ(embed_code("https://other.example.net/w/kkGMgK9ZtnKfYAgnEtQxbv"), "provider");
  EXPECT_EQ(embed_code("https://evil.peertube.example.org/w/kkGMgK9ZtnKfYAgnEtQxbv"), "provider");
  EXPECT_EQ(embed_code("https://peertube.example.org.evil.net/w/kkGMgK9ZtnKfYAgnEtQxbv"), "provider");
  EXPECT_EQ(embed_code("https://peertube.example.org/w/kkGMgK9ZtnKfYAgnEtQxb"), "url");   // 21 characters
  EXPECT_EQ(embed_code("https://peertube.example.org/w/kkGMgK9ZtnKfYAgnEtQx-v"), "url");  // not alphanumeric
  EXPECT_EQ(embed_code("https://peertube.example.org/w/9c9de5e8x0a1e-484a-b099-e80766180a6d"), "url");
  EXPECT_EQ(embed_code("https://peertube.example.org/videos/kkGMgK9ZtnKfYAgnEtQxbv"), "url");
  EXPECT_EQ(embed_code("https://peertube.example.org:8443/w/kkGMgK9ZtnKfYAgnEtQxbv"), "url");
  // No host configured: PeerTube is not a provider at all.
  auto none = parse_embed_url("https://peertube.example.org/w/kkGMgK9ZtnKfYAgnEtQxbv", {});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().fields.at(0).code, "provider");
}

// XSS-03: an embed's source is only ever an https URL of an allowed
// provider, rebuilt from the parts that were checked; nothing the author
// wrote around them reaches the iframe.
TEST(EmbedUrlTest, XSS03_HostileUrlsAreRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"javascript:alert(1)", "url"},
      {"JaVaScRiPt:alert(1)//https://youtu.be/dQw4w9WgXcQ", "url"},
      {"java\tscript:alert(1)", "url"},
      {"data:text/html,<script>alert(1)</script>", "url"},
      {"vbscript:msgbox(1)", "url"},
      {"http://www.youtube.com/watch?v=dQw4w9WgXcQ", "url"},
      {"//www.youtube.com/embed/dQw4w9WgXcQ", "url"},
      {"https:/youtu.be/dQw4w9WgXcQ", "url"},
      {"https://", "url"},
      {"https:///embed/dQw4w9WgXcQ", "url"},
      {"", "url"},
      // Credentials, ports and look-alike authorities.
      {"https://user:pass@www.youtube.com/embed/dQw4w9WgXcQ", "url"},
      {"https://www.youtube.com@evil.example/embed/dQw4w9WgXcQ", "url"},
      {"https://www.youtube.com:443/embed/dQw4w9WgXcQ", "url"},
      {"https://www.youtube.com\\@evil.example/embed/dQw4w9WgXcQ", "url"},
      {"https://evil.example\\www.youtube.com/embed/dQw4w9WgXcQ", "url"},
      {"https://www.youtube.com%2F@evil.example/embed/dQw4w9WgXcQ", "url"},
      {"https://[::1]/embed/dQw4w9WgXcQ", "url"},
      {"https://evil.example#@www.youtube.com/embed/dQw4w9WgXcQ", "provider"},
      {"https://evil.example?@www.youtube.com/embed/dQw4w9WgXcQ", "provider"},
      {"https://evil.example/www.youtube.com/embed/dQw4w9WgXcQ", "provider"},
      {"https://www.youtube.com.evil.example/embed/dQw4w9WgXcQ", "provider"},
      {"https://evilyoutube.com/embed/dQw4w9WgXcQ", "provider"},
      {"https://youtube.com./embed/dQw4w9WgXcQ", "provider"},
      {"https://xn--yutube-wqf.com/embed/dQw4w9WgXcQ", "provider"},
      {"https://127.0.0.1/embed/dQw4w9WgXcQ", "provider"},
      {"https://localhost/w/kkGMgK9ZtnKfYAgnEtQxbv", "provider"},
      // Paths that would smuggle something past the id.
      {"https://www.youtube.com/embed/dQw4w9WgXcQ\"><script>alert(1)</script>", "url"},
      {"https://www.youtube.com/embed/dQw4w9WgXcQ/../../evil", "url"},
      {"https://www.youtube.com/embed/../../evil", "url"},
      {"https://www.youtube.com/embed/%2e%2e%2fevilvideo", "url"},
      {"https://www.youtube.com/embed/dQw4w9WgXc", "url"},
      {"https://www.youtube.com/watch?v=dQw4w9WgXcQ&v=AAAAAAAAAAA", "url"},
      {"https://www.youtube.com/watch?v=dQw4w9WgXcQ%26", "url"},
      {"https://www.youtube.com/watch?x=1", "url"},
      {"https://www.youtube.com/watch", "url"},
      {"https://www.youtube-nocookie.com/watch?v=dQw4w9WgXcQ", "url"},
      {"https://youtu.be/", "url"},
      {"https://youtu.be/dQw4w9WgXcQ/", "url"},
      // Whitespace, controls and bytes outside ASCII, valid UTF-8 or not.
      {" https://youtu.be/dQw4w9WgXcQ", "url"},
      {"https://youtu.be/dQw4w9WgXcQ\n", "url"},
      {"https://you\ttu.be/dQw4w9WgXcQ", "url"},
      {std::string("https://youtu.be/dQw4w9WgXcQ\0", 29), "url"},
      {"https://youtu.be/\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5", "url"},
      {"https://\xef\xbd\x99outu.be/dQw4w9WgXcQ", "url"},  // a full-width y
      {"https://youtu.be/dQw4w9WgXc\xc3", "url"},          // a truncated sequence
      {"https://youtu.be/" + std::string(3000, 'a'), "url"},
  };
  for (const auto& [url, code] : cases) EXPECT_EQ(embed_code(url), code) << url;
}

// What the parser produces is a URL it accepts as itself, so a published
// block can be edited back in without change.
TEST(EmbedUrlTest, CanonicalSourcesParseToThemselves) {
  for (const std::string url : {"https://youtu.be/dQw4w9WgXcQ", "https://vimeo.com/76979871",
                                "https://peertube.example.org/w/kkGMgK9ZtnKfYAgnEtQxbv"}) {
    const std::string once = embed_src(url);
    EXPECT_EQ(embed_src(once), once);
  }
}

// The rule is core's RFC 5646 check, shared with xAPI language maps, so the
// grandfathered tags ("i-klingon", "en-GB-oed") pass as well.
TEST(LanguageTagTest, WellFormedTagsPass) {
  for (const char* tag : {"en",
                          "fr",
                          "pt-BR",
                          "zh-Hant-TW",
                          "sr-Latn-RS",
                          "de-1996",
                          "sl-rozaj-biske",
                          "es-419",
                          "en-US-x-twain",
                          "x-klingon",
                          "zh-yue-HK",
                          "en-a-bbb-b-ccc",
                          "hy-Latn-IT-arevela",
                          "EN-gb",
                          "gsw",
                          "tlh",
                          "english",
                          "ab-cdefghi",
                          "i-klingon",
                          "en-GB-oed"}) {
    EXPECT_TRUE(is_language_tag(tag)) << tag;
  }
  for (const char* tag : {"",
                          "e",
                          "englishes",
                          "en_US",
                          "en-",
                          "-en",
                          "en--US",
                          "en US",
                          "x",
                          "en-x",
                          "123",
                          "de-1996-1996",
                          "en-a-bbb-a-ccc",
                          "en-a",
                          "en-a-x-y",
                          "ab-cdefghijk",
                          "fr-FR-",
                          "en-\xc3\xa9",
                          "zh-Hant-Hans",
                          "en-US-GB"}) {
    EXPECT_FALSE(is_language_tag(tag)) << tag;
  }
  EXPECT_FALSE(is_language_tag("en-" + std::string(70, 'a')));
}

// --- Settings per type -----------------------------------------------------

class BlockSettingsTest : public ::testing::Test {
 protected:
  BlockSettingsTest() {
    lookup_.file = [this](const std::string& course_id, const std::string& id) -> Result<std::optional<FileInfo>> {
      asked_.push_back(course_id + "/" + id);
      if (down_) return fail(ErrorKind::Unavailable, "The file store is down.");
      for (const FileInfo& f : files_)
        if (f.course_id == course_id && f.id == id) return std::optional<FileInfo>(f);
      return std::optional<FileInfo>{};
    };
    lookup_.file_by_name = [this](const std::string& course_id,
                                  const std::string& name) -> Result<std::optional<FileInfo>> {
      asked_.push_back(course_id + "/" + name);
      if (down_) return fail(ErrorKind::Unavailable, "The file store is down.");
      std::optional<FileInfo> newest;
      for (const FileInfo& f : files_)
        if (f.course_id == course_id && f.name == name) newest = f;
      return newest;
    };
    lookup_.peertube_hosts = kPeerTube;
    video_ = add("c-1", "intro.mp4", "video/mp4", 5'000'000);
    poster_ = add("c-1", "poster.png", "image/png", 2000);
    en_ = add("c-1", "en.vtt", "text/vtt; charset=utf-8", 300);
    fr_ = add("c-1", "fr.vtt", "text/vtt", 310);
    pdf_ = add("c-1", "notes.pdf", "application/pdf", 40'000);
    theirs_ = add("c-other", "theirs.mp4", "video/mp4", 10);
  }

  FileInfo add(const std::string& course, const std::string& name, const std::string& type, int64_t size) {
    FileInfo f{"f" + std::to_string(files_.size() + 1), course, name, type, size};
    files_.push_back(f);
    return f;
  }

  Result<void> check(const std::string& type, const bj::object& settings, const std::string& course = "c-1",
                     std::optional<std::string> source = std::nullopt) {
    FileScope scope(lookup_, course, std::move(source));
    return check_block(type, bj::serialize(settings), scope, lookup_.peertube_hosts);
  }
  Result<void> check(const std::string& type, const std::string& settings_json) {
    FileScope scope(lookup_, "c-1", std::nullopt);
    return check_block(type, settings_json, scope, lookup_.peertube_hosts);
  }

  bj::object caption(const std::string& language, const std::string& label, const std::string& file) {
    return bj::object{{"language", language}, {"label", label}, {"file", file}};
  }

  CourseLookup lookup_;
  std::vector<FileInfo> files_;
  std::vector<std::string> asked_;
  bool down_ = false;
  FileInfo video_, poster_, en_, fr_, pdf_, theirs_;
};

TEST_F(BlockSettingsTest, AFullVideoBlockPasses) {
  bj::object settings{{"file", video_.id},
                      {"poster", poster_.id},
                      {"captions", bj::array{caption("en", "English", en_.id), caption("fr-CA", "Français", fr_.id)}},
                      {"duration_seconds", 754.5},
                      {"watched_threshold", 0.75},
                      {"completion", "watched"}};
  EXPECT_TRUE(check("video", settings));
  EXPECT_TRUE(check("video", bj::object{{"file", video_.id}}));
  // Optional settings may be null (a form clearing them).
  EXPECT_TRUE(check("video", bj::object{{"file", video_.id}, {"poster", nullptr}, {"captions", nullptr}}));
  EXPECT_TRUE(check("video", bj::object{{"file", video_.id}, {"watched_threshold", 1}, {"duration_seconds", 86400}}));
  EXPECT_TRUE(check("video", bj::object{{"file", video_.id}, {"watched_threshold", 0.5}, {"completion", "none"}}));
}

// Every broken rule of a video's settings is reported at once, each with
// its field and a stable code.
TEST_F(BlockSettingsTest, VideoRulesEachHaveAFieldAndACode) {
  EXPECT_EQ(problems(check("video", bj::object{})),
            (std::map<std::string, std::string>{{"settings/file", "required"}}));
  bj::object bad{
      {"file", pdf_.id},
      {"poster", video_.id},
      {"captions", bj::array{caption("en", "English", en_.id), caption("EN", "English again", fr_.id),
                             caption("en_GB", "Bad tag", en_.id), caption("de", "", en_.id),
                             caption("it", std::string(101, 'x'), en_.id), caption("es", "Español", pdf_.id),
                             bj::object{{"language", "pt"}, {"label", "Português"}, {"file", en_.id}, {"kind", "sub"}},
                             bj::object{{"label", "No language"}}, "not an object"}},
      {"duration_seconds", 0},
      {"watched_threshold", 0.49},
      {"completion", "passed"},
      {"watch_threshold", 0.9}};
  EXPECT_EQ(problems(check("video", bad)), (std::map<std::string, std::string>{
                                               {"settings/file", "media_type"},
                                               {"settings/poster", "media_type"},
                                               {"settings/captions/1/language", "duplicate"},
                                               {"settings/captions/2/language", "language"},
                                               {"settings/captions/3/label", "length"},
                                               {"settings/captions/4/label", "length"},
                                               {"settings/captions/5/file", "media_type"},
                                               {"settings/captions/6/kind", "unknown"},
                                               {"settings/captions/7/language", "required"},
                                               {"settings/captions/7/file", "required"},
                                               {"settings/captions/8", "type"},
                                               {"settings/duration_seconds", "out_of_range"},
                                               {"settings/watched_threshold", "out_of_range"},
                                               {"settings/completion", "one_of"},
                                               {"settings/watch_threshold", "unknown"},
                                           }));
  EXPECT_EQ(problems(check(
                "video", bj::object{{"file", video_.id}, {"duration_seconds", 86400.5}, {"watched_threshold", 1.01}})),
            (std::map<std::string, std::string>{{"settings/duration_seconds", "out_of_range"},
                                                {"settings/watched_threshold", "out_of_range"}}));
  EXPECT_EQ(problems(check("video", bj::object{{"file", 42},
                                               {"duration_seconds", "60"},
                                               {"watched_threshold", true},
                                               {"completion", 1},
                                               {"captions", "en.vtt"}})),
            (std::map<std::string, std::string>{{"settings/file", "type"},
                                                {"settings/duration_seconds", "type"},
                                                {"settings/watched_threshold", "type"},
                                                {"settings/completion", "type"},
                                                {"settings/captions", "type"}}));
  bj::array many;
  for (int i = 0; i < 21; ++i) many.push_back(caption("x-l" + std::to_string(i), "L", en_.id));
  EXPECT_EQ(problems(check("video", bj::object{{"file", video_.id}, {"captions", many}})),
            (std::map<std::string, std::string>{{"settings/captions", "too_many"}}));
  many.pop_back();
  EXPECT_TRUE(check("video", bj::object{{"file", video_.id}, {"captions", many}}));
  EXPECT_EQ(problems(check("video", bj::object{{"file", "no-such-file"}})),
            (std::map<std::string, std::string>{{"settings/file", "unknown"}}));
  EXPECT_EQ(problems(check("video", bj::object{{"file", std::string(500, 'f')}})),
            (std::map<std::string, std::string>{{"settings/file", "unknown"}}));
}

// AC-02: a block names files of its own course only (or, for a derived
// SPOC, of its content source); another course's file id is unknown.
TEST_F(BlockSettingsTest, AC02_FilesOfAnotherCourseAreUnknown) {
  EXPECT_EQ(problems(check("video", bj::object{{"file", theirs_.id}})),
            (std::map<std::string, std::string>{{"settings/file", "unknown"}}));
  EXPECT_EQ(problems(check("file", bj::object{{"file", pdf_.id}}, "c-other")),
            (std::map<std::string, std::string>{{"settings/file", "unknown"}}));
  // A SPOC of c-1 sees c-1's files after its own, and still not c-other's.
  FileInfo own = add("c-spoc", "own.mp4", "video/mp4", 1);
  asked_.clear();
  EXPECT_TRUE(check("video", bj::object{{"file", video_.id}}, "c-spoc", "c-1"));
  EXPECT_EQ(asked_, (std::vector<std::string>{"c-spoc/" + video_.id, "c-1/" + video_.id}));
  EXPECT_TRUE(check("video", bj::object{{"file", own.id}}, "c-spoc", "c-1"));
  EXPECT_FALSE(check("video", bj::object{{"file", theirs_.id}}, "c-spoc", "c-1"));
}

TEST_F(BlockSettingsTest, TextFileAndEmbedRules) {
  EXPECT_TRUE(check("text", bj::object{{"markdown", "# Hi"}, {"completion", "none"}}));
  EXPECT_EQ(problems(check("text", bj::object{{"body", "x"}})),
            (std::map<std::string, std::string>{{"settings/markdown", "required"}, {"settings/body", "unknown"}}));
  EXPECT_EQ(problems(check("text", bj::object{{"markdown", "x"}, {"completion", "watched"}})),
            (std::map<std::string, std::string>{{"settings/completion", "one_of"}}));

  EXPECT_TRUE(check("file", bj::object{{"file", pdf_.id}}));
  EXPECT_TRUE(check("file", bj::object{{"file", video_.id}, {"completion", "viewed"}}));  // any kind of file
  EXPECT_EQ(problems(check("file", bj::object{})), (std::map<std::string, std::string>{{"settings/file", "required"}}));

  EXPECT_TRUE(check("embed", bj::object{{"url", "https://youtu.be/dQw4w9WgXcQ"}}));
  EXPECT_EQ(problems(check("embed", bj::object{})), (std::map<std::string, std::string>{{"settings/url", "required"}}));
  EXPECT_EQ(problems(check("embed", bj::object{{"url", "javascript:alert(1)"}})),
            (std::map<std::string, std::string>{{"settings/url", "url"}}));
  EXPECT_EQ(problems(check("embed", bj::object{{"url", "https://evil.example/video"}, {"completion", "watched"}})),
            (std::map<std::string, std::string>{{"settings/url", "provider"}, {"settings/completion", "one_of"}}));
}

TEST_F(BlockSettingsTest, QuizAndAssignmentOnlyHaveTheirCompletionChecked) {
  EXPECT_TRUE(check("quiz", bj::object{{"questions", bj::array{1, 2}}, {"completion", "submitted"}}));
  EXPECT_TRUE(check("quiz", bj::object{{"completion", "passed"}}));
  EXPECT_TRUE(check("assignment", bj::object{{"completion", "none"}, {"anything", true}}));
  EXPECT_EQ(problems(check("quiz", bj::object{{"completion", "viewed"}})),
            (std::map<std::string, std::string>{{"settings/completion", "one_of"}}));
  EXPECT_EQ(problems(check("assignment", bj::object{{"completion", "passed"}})),
            (std::map<std::string, std::string>{{"settings/completion", "one_of"}}));
}

TEST_F(BlockSettingsTest, TypeAndShapeComeFirst) {
  EXPECT_EQ(problems(check("hologram", "{}")), (std::map<std::string, std::string>{{"type", "unknown"}}));
  EXPECT_EQ(problems(check("video", "[1]")), (std::map<std::string, std::string>{{"settings", "not_object"}}));
  EXPECT_EQ(problems(check("video", "{")), (std::map<std::string, std::string>{{"settings", "not_object"}}));
  const std::string huge = "{\"markdown\":\"" + std::string(kMaxSettingsBytes, 'a') + "\"}";
  EXPECT_EQ(problems(check("text", huge)), (std::map<std::string, std::string>{{"settings", "too_large"}}));
}

// A failed lookup is not an invalid block: the edit fails as the lookup did.
TEST_F(BlockSettingsTest, AFailedFileLookupFailsTheCheck) {
  down_ = true;
  auto r = check("video", bj::object{{"file", video_.id}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Unavailable);
}

// --- What a publication adds -----------------------------------------------

Block block(const std::string& id, const std::string& type, const bj::object& settings) {
  return Block{id, type, "Title " + id, bj::serialize(settings)};
}

Outline outline_of(const std::string& course, std::vector<Block> blocks) {
  Outline o{course, {}};
  o.modules.push_back(
      Module{"m1", "M", {}, std::nullopt, std::nullopt, std::nullopt, {Unit{"u1", "U", std::move(blocks)}}});
  return o;
}

TEST_F(BlockSettingsTest, PublicationAddsWhatAClientShows) {
  add("c-1", "notes.pdf", "application/pdf", 50'000);  // a newer file of the same name
  Outline o = outline_of(
      "c-1",
      {block("t", "text",
             {{"markdown", "![Diagram](files/poster.png) [Notes](files/notes.pdf) [Gone](files/gone.pdf)"}}),
       block("v", "video",
             {{"file", video_.id}, {"poster", poster_.id}, {"captions", bj::array{caption("en", "English", en_.id)}}}),
       block("v2", "video", {{"file", video_.id}}), block("f", "file", {{"file", pdf_.id}}),
       block("e", "embed", {{"url", "https://vimeo.com/76979871"}}), block("q", "quiz", {{"completion", "passed"}})});
  FileScope scope(lookup_, "c-1", std::nullopt);
  auto extras = publish_members(o, scope, lookup_.peertube_hosts);
  ASSERT_TRUE(extras) << extras.error().detail;
  const std::string base = "/api/v1/courses/c-1/files/";

  const std::string html(extras->at("t").at("html").as_string());
  EXPECT_NE(html.find("<img src=\"" + base + poster_.id + "/content\" alt=\"Diagram\">"), std::string::npos) << html;
  EXPECT_NE(html.find("<a href=\"" + base + files_.back().id + "/content\">Notes</a>"), std::string::npos) << html;
  EXPECT_NE(html.find("<a>Gone</a>"), std::string::npos) << html;  // unknown: the link goes, its text stays

  EXPECT_EQ(bj::value(extras->at("v")), bj::parse(R"({"media":{
      "video":{"url":")" + base + video_.id + R"(/content","media_type":"video/mp4","size":5000000},
      "poster":{"url":")" + base + poster_.id + R"(/content"},
      "captions":[{"language":"en","label":"English","url":")" +
                                                  base + en_.id + R"(/content"}]}})"));
  EXPECT_TRUE(extras->at("v2").at("media").at("poster").is_null());
  EXPECT_TRUE(extras->at("v2").at("media").at("captions").as_array().empty());
  EXPECT_EQ(bj::value(extras->at("f")),
            bj::parse(R"({"download":{"url":")" + base + pdf_.id +
                      R"(/content","name":"notes.pdf","media_type":"application/pdf","size":40000}})"));
  EXPECT_EQ(bj::value(extras->at("e")), bj::parse(R"({"embed":{"provider":"vimeo",
      "src":"https://player.vimeo.com/video/76979871",
      "sandbox":"allow-scripts allow-same-origin allow-presentation allow-popups",
      "allow":"fullscreen; picture-in-picture; encrypted-media",
      "referrerpolicy":"strict-origin-when-cross-origin"}})"));
  EXPECT_FALSE(extras->count("q"));

  // In the outline document, beside each block's settings.
  bj::object doc = outline_json(o, &*extras);
  const bj::array& blocks = doc.at("modules").as_array()[0].at("units").as_array()[0].at("blocks").as_array();
  EXPECT_EQ(blocks[1].at("media"), extras->at("v").at("media"));
  EXPECT_EQ(blocks[1].at("settings").at("file").as_string(), video_.id);
  EXPECT_FALSE(outline_json(o, nullptr)
                   .at("modules")
                   .as_array()[0]
                   .at("units")
                   .as_array()[0]
                   .at("blocks")
                   .as_array()[1]
                   .as_object()
                   .contains("media"));
}

// A SPOC's blocks name its source's files: their URLs are under the course
// that owns the file, where the files module serves it.
TEST_F(BlockSettingsTest, SpocBlocksLinkTheSourcesFilesUnderTheSourceCourse) {
  Outline o = outline_of("c-spoc", {block("t", "text", {{"markdown", "[Notes](files/notes.pdf)"}}),
                                    block("v", "video", {{"file", video_.id}})});
  FileScope scope(lookup_, "c-spoc", std::string("c-1"));
  auto extras = publish_members(o, scope, lookup_.peertube_hosts);
  ASSERT_TRUE(extras);
  EXPECT_NE(std::string(extras->at("t").at("html").as_string()).find("/api/v1/courses/c-1/files/" + pdf_.id),
            std::string::npos);
  EXPECT_EQ(extras->at("v").at("media").at("video").at("url").as_string(),
            "/api/v1/courses/c-1/files/" + video_.id + "/content");
}

// Blocks whose files went since the edit make the publication Invalid,
// naming each block; a lookup failure fails it as it failed.
TEST_F(BlockSettingsTest, PublicationNamesBlocksWhoseFilesWent) {
  Outline o = outline_of("c-1", {block("v", "video", {{"file", video_.id}}), block("f", "file", {{"file", "gone"}}),
                                 block("t", "text", {{"markdown", "fine"}})});
  FileScope scope(lookup_, "c-1", std::nullopt);
  EXPECT_EQ(problems(publish_members(o, scope, lookup_.peertube_hosts)),
            (std::map<std::string, std::string>{{"blocks/f/settings/file", "unknown"}}));
  down_ = true;
  FileScope failing(lookup_, "c-1", std::nullopt);
  auto r = publish_members(outline_of("c-1", {block("t", "text", {{"markdown", "[x](files/a.pdf)"}})}), failing,
                           lookup_.peertube_hosts);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Unavailable);
}

}  // namespace
}  // namespace trivium::outline
