#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

#include "webapp/webapp.h"

namespace trivium::webapp {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, std::string_view bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

// A built app next to a secret the server must never send:
//   <tmp>/secret.txt, <tmp>/dist/{index.html, favicon.svg, assets/app-1a2b.js(.br,.gz), ...}
class WebAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = fs::temp_directory_path() / ("trivium-webapp-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(tmp_);
    dist_ = tmp_ / "dist";
    write(tmp_ / "secret.txt", "TOP-SECRET");
    write(dist_ / "index.html", "<!doctype html><title>Trivium</title><script type=module src=/assets/app-1a2b.js>");
    write(dist_ / "favicon.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>");
    write(dist_ / "assets" / "app-1a2b.js", "console.log('plain')");
    write(dist_ / "assets" / "app-1a2b.js.br", "BROTLI-BYTES");
    write(dist_ / "assets" / "app-1a2b.js.gz", "GZIP-BYTES");
    write(dist_ / "assets" / "style-9f.css", "body{}");
    write(dist_ / "assets" / "orphan.js.br", "NO ORIGINAL");
    write(dist_ / ".git" / "config", "[core]");
    write(dist_ / ".env", "PASSWORD=x");
    fs::create_symlink(tmp_ / "secret.txt", dist_ / "linked.txt");
    fs::create_directory_symlink(tmp_, dist_ / "up");
  }
  void TearDown() override { fs::remove_all(tmp_); }

  Site load() {
    auto site = Site::load(dist_.string());
    EXPECT_TRUE(site) << site.error().detail;
    return site ? std::move(*site) : Site{};
  }

  fs::path tmp_, dist_;
};

TEST_F(WebAppTest, LoadsRegularFilesWithTheirTwinsAndNothingHiddenOrLinked) {
  Site site = load();
  ASSERT_TRUE(site.built());
  const Asset* js = site.find("/assets/app-1a2b.js");
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(js->body, "console.log('plain')");
  EXPECT_EQ(js->brotli, "BROTLI-BYTES");
  EXPECT_EQ(js->gzip, "GZIP-BYTES");
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_TRUE(js->immutable);
  EXPECT_FALSE(js->html);
  EXPECT_EQ(js->etag.size(), 34u);  // a quoted 32-digit hash
  EXPECT_EQ(site.find("/assets/style-9f.css")->content_type, "text/css; charset=utf-8");
  EXPECT_TRUE(site.index()->html);
  EXPECT_FALSE(site.index()->immutable);
  EXPECT_FALSE(site.find("/favicon.svg")->immutable);
  // HDR-06 and FILE-05: no dot-files, no twins served on their own, no links out.
  EXPECT_EQ(site.find("/.git/config"), nullptr);
  EXPECT_EQ(site.find("/.env"), nullptr);
  EXPECT_EQ(site.find("/assets/app-1a2b.js.br"), nullptr);
  EXPECT_EQ(site.find("/assets/orphan.js.br"), nullptr);
  EXPECT_EQ(site.find("/assets/orphan.js"), nullptr);
  EXPECT_EQ(site.find("/linked.txt"), nullptr);
  EXPECT_EQ(site.find("/up/secret.txt"), nullptr);
  EXPECT_EQ(site.size(), 4u);  // index.html, favicon.svg, app-1a2b.js, style-9f.css
}

TEST_F(WebAppTest, ClientSideRoutesGetThePageAndFilesThemselves) {
  Site site = load();
  for (std::string_view path : {"/", "/catalog", "/courses/0192-abc", "/verify-email", "/fr/x/y/", "/%C3%A9t%C3%A9"}) {
    auto r = resolve(site, path);
    ASSERT_TRUE(r) << path << ": " << r.error().detail;
    EXPECT_EQ(r->asset, site.index()) << path;
    EXPECT_TRUE(r->page) << path;
  }
  auto js = resolve(site, "/assets/app-1a2b.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->asset, site.find("/assets/app-1a2b.js"));
  EXPECT_FALSE(js->page);
  auto escaped = resolve(site, "/assets/app%2D1a2b.js");  // an escaped '-' names the same file
  ASSERT_TRUE(escaped);
  EXPECT_EQ(escaped->asset, js->asset);
  // A missing hashed asset is a 404, never the page in its place.
  auto missing = resolve(site, "/assets/app-old.js");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::NotFound);
}

TEST_F(WebAppTest, ApiAndServicePathsAreNeverThePage) {
  Site site = load();
  for (std::string_view path : {"/api", "/api/", "/api/v1/nope", "/xapi/statements/x", "/healthz", "/readyz/",
                                "/metrics", "/metrics/x", "/%61pi/v1/nope"}) {
    auto r = resolve(site, path);
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().kind, ErrorKind::NotFound) << path;
  }
  // Only whole segments are reserved.
  EXPECT_TRUE(resolve(site, "/apiary"));
  EXPECT_TRUE(resolve(site, "/metrics-explained"));
}

TEST_F(WebAppTest, File05TraversalNulAndBackslashesAreRefused) {
  Site site = load();
  for (std::string_view path :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/assets/../../secret.txt",
        "/assets/..%2f..%2fsecret.txt", "/..\\secret.txt", "/%5c..%5csecret.txt", "/assets%5c..%5c..%5csecret.txt",
        "/index.html%00.js", "/%00", "/./index.html", "/assets/%2e/app-1a2b.js", "/up/secret.txt/..", "/%zz", "/%c3%28",
        "relative"}) {
    auto r = resolve(site, path);
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().kind, ErrorKind::BadRequest) << path;
  }
  // Even a path that stays clean never reaches a linked file.
  auto linked = resolve(site, "/up/secret.txt");
  ASSERT_TRUE(linked);
  EXPECT_TRUE(linked->page);
  EXPECT_NE(linked->asset->body, "TOP-SECRET");
}

TEST_F(WebAppTest, WithoutABuildTheApiRunsAndThePageSaysSo) {
  auto missing = Site::load((tmp_ / "nowhere").string());
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->built());
  auto r = resolve(*missing, "/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::NotFound);
  EXPECT_NE(r.error().detail.find("not built"), std::string::npos);
  // A file given as the root is a configuration error.
  auto file = Site::load((tmp_ / "secret.txt").string());
  ASSERT_FALSE(file);
}

TEST_F(WebAppTest, AnOversizedRootIsRefused) {
  const fs::path big = tmp_ / "big";
  fs::create_directories(big);
  for (int i = 0; i <= 10000; ++i) std::ofstream(big / ("f" + std::to_string(i)));
  auto r = Site::load(big.string());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("10000"), std::string::npos);
}

TEST(Encoding, ChosenFromAcceptEncodingAmongTheStoredTwins) {
  Asset both;
  both.body = "x";
  both.brotli = "b";
  both.gzip = "g";
  EXPECT_EQ(choose_encoding("gzip, deflate, br, zstd", both), "br");
  EXPECT_EQ(choose_encoding("gzip", both), "gzip");
  EXPECT_EQ(choose_encoding("GZIP;q=0.8", both), "gzip");
  EXPECT_EQ(choose_encoding("br;q=0.5, gzip;q=0.9", both), "gzip");
  EXPECT_EQ(choose_encoding("br;q=0, gzip", both), "gzip");
  EXPECT_EQ(choose_encoding("br;q=0, gzip;q=0", both), "");
  EXPECT_EQ(choose_encoding("*", both), "br");
  EXPECT_EQ(choose_encoding("*;q=0", both), "");
  EXPECT_EQ(choose_encoding("identity", both), "");
  EXPECT_EQ(choose_encoding("", both), "");
  EXPECT_EQ(choose_encoding("br;q=banana, gzip", both), "gzip");  // an unreadable weight refuses
  Asset gz_only;
  gz_only.gzip = "g";
  EXPECT_EQ(choose_encoding("br, gzip", gz_only), "gzip");
  EXPECT_EQ(choose_encoding("br", gz_only), "");
  EXPECT_EQ(choose_encoding("br, gzip", Asset{}), "");
}

TEST(ETag, IfNoneMatchUsesWeakComparison) {
  EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches(" * ", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(etag_matches("abc", "\"abc\""));
  EXPECT_FALSE(etag_matches("", "\"abc\""));
}

TEST(Csp, StrictAndFramesOnlyFromEmbedProviders) {
  const std::string csp = content_security_policy({"video.example.org"});
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("object-src 'none'"), std::string::npos);
  EXPECT_NE(csp.find("base-uri 'none'"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_NE(csp.find("frame-src https://www.youtube-nocookie.com https://player.vimeo.com https://video.example.org"),
            std::string::npos);
  // HDR-02: no inline script, no eval, no wildcard source.
  EXPECT_EQ(csp.find("unsafe"), std::string::npos);
  EXPECT_EQ(csp.find("script-src"), std::string::npos);  // scripts fall back to default-src 'self'
  EXPECT_EQ(csp.find('*'), std::string::npos);
  EXPECT_EQ(content_security_policy({}).find("https://video"), std::string::npos);
}

// The route as the pipeline runs it: the router's fallback, then the handler.
class WebAppRouteTest : public WebAppTest {
 protected:
  http::Response get(std::string_view path, std::vector<std::pair<std::string_view, std::string_view>> headers = {},
                     http::Method method = http::Method::Get) {
    auto m = router_.match(method, path);
    EXPECT_EQ(m.kind, http::Match::Kind::Found) << path;
    if (m.kind != http::Match::Kind::Found) return {};
    http::Request req;
    req.method = method;
    req.path = path;
    req.headers = std::move(headers);
    req.request_id = "req-1";
    return m.route->handler(req);
  }
  static std::string header(const http::Response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return "";
  }
  void build() {
    site_ = std::make_shared<Site>(load());
    register_routes(router_, site_, {{"tube.example.org"}});
  }
  http::Router router_;
  std::shared_ptr<Site> site_;
};

TEST_F(WebAppRouteTest, ThePageIsRevalidatedAndCarriesTheCsp) {
  build();
  EXPECT_EQ(router_.fallback()->action, "webapp.read");
  auto r = get("/courses/42");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(r.body, site_->index()->body);
  EXPECT_EQ(header(r, "Cache-Control"), "no-cache");
  EXPECT_EQ(header(r, "ETag"), site_->index()->etag);
  EXPECT_EQ(header(r, "Content-Security-Policy"), content_security_policy({"tube.example.org"}));
  auto again = get("/", {{"If-None-Match", site_->index()->etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_TRUE(again.content_type.empty());
  EXPECT_EQ(header(again, "ETag"), site_->index()->etag);
}

TEST_F(WebAppRouteTest, HashedAssetsAreImmutableAndSentPrecompressed) {
  build();
  auto br = get("/assets/app-1a2b.js", {{"Accept-Encoding", "gzip, deflate, br"}});
  EXPECT_EQ(br.status, 200);
  EXPECT_EQ(br.body, "BROTLI-BYTES");
  EXPECT_EQ(br.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(header(br, "Content-Encoding"), "br");
  EXPECT_EQ(header(br, "Vary"), "Accept-Encoding");
  EXPECT_EQ(header(br, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(header(br, "Content-Security-Policy"), "");  // the server's default (default-src 'none') applies
  auto gz = get("/assets/app-1a2b.js", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(gz.body, "GZIP-BYTES");
  EXPECT_EQ(header(gz, "Content-Encoding"), "gzip");
  auto plain = get("/assets/app-1a2b.js");
  EXPECT_EQ(plain.body, "console.log('plain')");
  EXPECT_EQ(header(plain, "Content-Encoding"), "");
  EXPECT_EQ(header(plain, "Vary"), "Accept-Encoding");
  // Three representations, three ETags; each revalidates only itself.
  EXPECT_NE(header(br, "ETag"), header(gz, "ETag"));
  EXPECT_NE(header(br, "ETag"), header(plain, "ETag"));
  EXPECT_EQ(get("/assets/app-1a2b.js", {{"Accept-Encoding", "br"}, {"If-None-Match", header(br, "ETag")}}).status, 304);
  EXPECT_EQ(get("/assets/app-1a2b.js", {{"If-None-Match", header(br, "ETag")}}).status, 200);
  auto css = get("/assets/style-9f.css", {{"Accept-Encoding", "br"}});
  EXPECT_EQ(css.body, "body{}");
  EXPECT_EQ(header(css, "Vary"), "");
  // HEAD is routed like GET (the server leaves the body out).
  EXPECT_EQ(get("/assets/style-9f.css", {}, http::Method::Head).status, 200);
}

TEST_F(WebAppRouteTest, ProblemsForReservedMissingAndUncleanPaths) {
  build();
  auto api = get("/api/v1/nope");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.content_type, "application/problem+json");
  EXPECT_EQ(get("/assets/gone.js").status, 404);
  auto traversal = get("/%2e%2e/secret.txt");
  EXPECT_EQ(traversal.status, 400);
  EXPECT_EQ(traversal.body.find("TOP-SECRET"), std::string::npos);
  EXPECT_EQ(router_.match(http::Method::Post, "/courses/42").kind, http::Match::Kind::NotFound);
}

}  // namespace
}  // namespace trivium::webapp
