// Publications and what learners read: versions, atomicity, pinning, release
// dates (with daylight saving), the cache and the syllabus.

#include <boost/json/serialize.hpp>
#include <chrono>
#include <thread>

#include "outline/testing.h"

namespace trivium::outline {
namespace {

namespace bj = boost::json;
using testing::must;
using testing::OutlineFixture;

class PublishTest : public OutlineFixture {};

int64_t utc_ms(int y, unsigned m, unsigned d, int hour = 0) {
  namespace c = std::chrono;
  const c::sys_days date = c::year{y} / c::month{m} / c::day{d};
  return c::duration_cast<c::milliseconds>(date.time_since_epoch()).count() + hour * 3'600'000LL;
}

std::vector<std::string> module_titles(const bj::object& view) {
  std::vector<std::string> out;
  for (const bj::value& m : view.at("modules").as_array()) out.emplace_back(m.at("title").as_string());
  return out;
}

TEST_F(PublishTest, PublishingCreatesImmutableNumberedVersions) {
  auto& c = make_course("ver");
  Module m = must(service_->add_module(author_, c.id, {"One", {}, std::nullopt, std::nullopt}));
  Unit u = must(service_->add_unit(author_, c.id, m.id, {"U", std::nullopt}));
  must(service_->add_block(author_, c.id, u.id, {"text", "T", R"({"markdown":"**bold**"})", std::nullopt}));
  VersionInfo v1 = must(service_->publish(author_, c.id));
  EXPECT_EQ(v1.version, 1);
  must(service_->update_module(author_, c.id, m.id, {"One, revised", std::nullopt, std::nullopt, std::nullopt}));
  must(service_->add_module(author_, c.id, {"Two", {}, std::nullopt, std::nullopt}));

  auto [info1, json1] = must(service_->version(c.id, 1));
  bj::object doc1 = bj::parse(json1).as_object();
  ASSERT_EQ(doc1.at("modules").as_array().size(), 1u);
  EXPECT_EQ(doc1.at("modules").as_array()[0].at("title").as_string(), "One");
  // Text blocks are published with their rendered HTML.
  const bj::value& block = doc1.at("modules").as_array()[0].at("units").as_array()[0].at("blocks").as_array()[0];
  EXPECT_NE(std::string(block.at("html").as_string()).find("<strong>bold</strong>"), std::string::npos);

  VersionInfo v2 = must(service_->publish(author_, c.id));
  EXPECT_EQ(v2.version, 2);
  auto list = must(service_->versions(c.id));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].version, 2);
  EXPECT_EQ(list[1].published_by, "u-author");
  EXPECT_EQ(must(service_->version(c.id, 1)).second, json1);  // unchanged by later edits
  EXPECT_EQ(service_->version(c.id, 3).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(must(audit_->list({.organisation_id = "org-1", .action = "outline.published"})).size(), 2u);
}

// Publications racing each other and an author's edits: every version is a
// whole draft as one edit left it, numbered 1..N in order.
TEST_F(PublishTest, ConcurrentPublicationsAreWholeAndNumberedInOrder) {
  auto& c = make_course("race");
  auto& run = make_run("race", c);
  Module m = must(service_->add_module(author_, c.id, {"Base", {}, std::nullopt, std::nullopt}));
  for (int i = 0; i < 3; ++i) must(service_->add_unit(author_, c.id, m.id, {"U" + std::to_string(i), std::nullopt}));
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i) {
        auto r = service_->publish(author_, c.id);
        if (!r) conflicts += r.error().kind == ErrorKind::Conflict ? 1 : 100;
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < 6; ++i) {
      Module n = must(service_->add_module(author_, c.id, {"M" + std::to_string(i), {}, std::nullopt, std::nullopt}));
      for (int k = 0; k < 3; ++k) must(service_->add_unit(author_, c.id, n.id, {"U", std::nullopt}));
      (void)view(run.id);
    }
  });
  for (auto& t : threads) t.join();
  EXPECT_LT(conflicts.load(), 100);
  auto list = must(service_->versions(c.id));
  ASSERT_EQ(static_cast<int>(list.size()) + conflicts.load(), 12);
  // Each edit adds one module or one unit to the last module: a whole draft
  // has 3 units in every module but the last, and a later version never
  // has fewer units than an earlier one.
  size_t later_units = SIZE_MAX;
  for (size_t i = 0; i < list.size(); ++i) {
    EXPECT_EQ(list[i].version, static_cast<int>(list.size() - i));
    bj::object doc = bj::parse(must(service_->version(c.id, list[i].version)).second).as_object();
    const bj::array& mods = doc.at("modules").as_array();
    size_t units = 0;
    for (size_t k = 0; k < mods.size(); ++k) {
      units += mods[k].at("units").as_array().size();
      if (k + 1 < mods.size()) {
        EXPECT_EQ(mods[k].at("units").as_array().size(), 3u);
      }
    }
    EXPECT_LE(units, later_units);
    later_units = units;
  }
}

TEST_F(PublishTest, RunsFollowTheLatestVersionUnlessPinned) {
  auto& c = make_course("pin");
  auto& follows = make_run("follows", c);
  auto& pinned = make_run("pinned", c);
  EXPECT_TRUE(view(follows.id).at("modules").as_array().empty());
  EXPECT_TRUE(view(follows.id).at("version").is_null());
  must(service_->add_module(author_, c.id, {"First", {}, std::nullopt, std::nullopt}));
  must(service_->publish(author_, c.id));
  pinned.pinned_version = 1;
  must(service_->add_module(author_, c.id, {"Second", {}, std::nullopt, std::nullopt}));
  // The draft is not what learners see.
  EXPECT_EQ(module_titles(view(follows.id)), std::vector<std::string>{"First"});
  must(service_->publish(author_, c.id));  // invalidates the cached latest version
  EXPECT_EQ(module_titles(view(follows.id)), (std::vector<std::string>{"First", "Second"}));
  EXPECT_EQ(view(follows.id).at("version").as_int64(), 2);
  EXPECT_EQ(module_titles(view(pinned.id)), std::vector<std::string>{"First"});
  pinned.pinned_version = 9;
  EXPECT_EQ(service_->run_outline_json(pinned.id, std::nullopt).error().kind, ErrorKind::NotFound);
}

// "Mondays 09:00 Europe/Paris" stays 09:00 local across the change to
// summer time (2027-03-28); unreleased modules show titles, not blocks.
TEST_F(PublishTest, ReleaseDatesFollowTheWeeklyScheduleAcrossDaylightSaving) {
  auto& c = make_course("weekly", std::nullopt, "scheduled");
  auto& run =
      make_run("spring", c, courses::WeeklySchedule{"Europe/Paris", "monday", "09:00", "2027-03-15"}, "Europe/Paris");
  std::vector<Module> mods;
  for (int i = 0; i < 4; ++i) {
    mods.push_back(
        must(service_->add_module(author_, c.id, {"W" + std::to_string(i), {}, std::nullopt, std::nullopt})));
    Unit u = must(service_->add_unit(author_, c.id, mods.back().id, {"U", std::nullopt}));
    must(service_->add_block(author_, c.id, u.id, {"text", "T", R"({"markdown":"x"})", std::nullopt}));
  }
  // The last module opens with week 1, whatever its position.
  must(service_->update_module(author_, c.id, mods[3].id,
                               {std::nullopt, std::nullopt, std::optional<int>(1), std::nullopt}));
  must(service_->update_module(author_, c.id, mods[2].id,
                               {std::nullopt, std::vector{mods[1].id}, std::nullopt, std::nullopt}));
  must(service_->publish(author_, c.id));
  clock_.set(utc_ms(2027, 3, 23));

  bj::object v = view(run.id);
  const bj::array& m = v.at("modules").as_array();
  EXPECT_EQ(m[0].at("release_at").as_string(), "2027-03-15T08:00:00.000Z");
  EXPECT_EQ(m[0].at("release_at_local").as_string(), "2027-03-15T09:00:00+01:00");
  EXPECT_EQ(m[2].at("release_at").as_string(), "2027-03-29T07:00:00.000Z");
  EXPECT_EQ(m[2].at("release_at_local").as_string(), "2027-03-29T09:00:00+02:00");
  EXPECT_EQ(m[3].at("release_at").as_string(), "2027-03-22T08:00:00.000Z");
  EXPECT_TRUE(m[1].at("released").as_bool());
  EXPECT_FALSE(m[2].at("released").as_bool());
  EXPECT_EQ(m[2].at("prerequisites").as_array().size(), 1u);
  EXPECT_TRUE(m[1].at("units").as_array()[0].as_object().contains("blocks"));
  EXPECT_FALSE(m[2].at("units").as_array()[0].as_object().contains("blocks"));
  EXPECT_EQ(m[2].at("units").as_array()[0].at("title").as_string(), "U");
  EXPECT_FALSE(m[0].as_object().contains("progress"));  // filled in by the progress issue

  // The viewer's zone.
  bj::object ny = view(run.id, "America/New_York");
  EXPECT_EQ(ny.at("modules").as_array()[2].at("release_at_local").as_string(), "2027-03-29T03:00:00-04:00");
  EXPECT_EQ(service_->run_outline_json(run.id, "Mars/Olympus").error().kind, ErrorKind::Invalid);

  // An explicit date for this run wins over the schedule, until cleared.
  ASSERT_TRUE(service_->set_release(author_, run.id, mods[2].id, utc_ms(2027, 3, 20)));
  EXPECT_TRUE(view(run.id).at("modules").as_array()[2].at("released").as_bool());
  EXPECT_EQ(service_->set_release(author_, run.id, "no-such-module", 0).error().kind, ErrorKind::NotFound);
  ASSERT_TRUE(service_->clear_release(author_, run.id, mods[2].id));
  EXPECT_FALSE(view(run.id).at("modules").as_array()[2].at("released").as_bool());
  EXPECT_EQ(service_->clear_release(author_, run.id, mods[2].id).error().kind, ErrorKind::NotFound);
  clock_.set(utc_ms(2027, 3, 29, 7));
  EXPECT_TRUE(view(run.id).at("modules").as_array()[2].at("released").as_bool());
}

TEST_F(PublishTest, SelfPacedModulesOpenAtTheRunStart) {
  auto& c = make_course("self");
  auto& run = make_run("self", c);
  run.starts_at_ms = clock_.now_ms() + 1000;
  must(service_->add_module(author_, c.id, {"Only", {}, std::nullopt, std::nullopt}));
  must(service_->publish(author_, c.id));
  EXPECT_FALSE(view(run.id).at("modules").as_array()[0].at("released").as_bool());
  run.starts_at_ms.reset();
  EXPECT_TRUE(view(run.id).at("modules").as_array()[0].at("released").as_bool());
}

TEST_F(PublishTest, SyllabusShowsTitlesOfTheLatestPublicationOnly) {
  auto& c = make_course("syl");
  EXPECT_TRUE(bj::parse(must(service_->syllabus_json(c.id))).at("version").is_null());
  Module m = must(service_->add_module(author_, c.id, {"Intro", {}, std::nullopt, std::nullopt}));
  Unit u = must(service_->add_unit(author_, c.id, m.id, {"Hello", std::nullopt}));
  must(service_->add_block(author_, c.id, u.id, {"text", "Secret", R"({"markdown":"answer 42"})", std::nullopt}));
  must(service_->publish(author_, c.id));
  const std::string text = must(service_->syllabus_json(c.id));
  bj::value s = bj::parse(text);
  EXPECT_EQ(s.at("modules").as_array()[0].at("units").as_array()[0].at("title").as_string(), "Hello");
  EXPECT_EQ(text.find("answer 42"), std::string::npos);
}

// 50 modules x 5 units x 2 blocks from the cache: the time is printed, only
// the content is asserted.
TEST_F(PublishTest, LargeOutlineIsServedFromTheCacheAndRefreshedByPublish) {
  auto& c = make_course("big");
  auto& run = make_run("big", c);
  auto seeded = store_->write([&](db::Tx& tx) -> Result<void> {
    for (int i = 0; i < 50; ++i) {
      const std::string mid = "m" + std::to_string(i);
      TRV_TRY(
          tx.exec("INSERT INTO outline_modules (course_id, id, position, title, prerequisites_json, created_at, "
                  "updated_at) VALUES ($1, $2, $3, $4, '[]', 0, 0)",
                  {c.id, mid, i, "Module " + std::to_string(i)}));
      for (int j = 0; j < 5; ++j) {
        const std::string uid = mid + "u" + std::to_string(j);
        TRV_TRY(
            tx.exec("INSERT INTO outline_units (course_id, id, module_id, position, title) VALUES ($1, $2, $3, $4, "
                    "'A unit with a title')",
                    {c.id, uid, mid, j}));
        for (int k = 0; k < 2; ++k)
          TRV_TRY(
              tx.exec("INSERT INTO outline_blocks (course_id, id, unit_id, position, type, title, settings_json) "
                      "VALUES ($1, $2, $3, $4, 'text', 'Reading', '{\"markdown\":\"Some *text* to read.\"}')",
                      {c.id, uid + "b" + std::to_string(k), uid, k}));
      }
    }
    return ok();
  });
  ASSERT_TRUE(seeded);
  must(service_->publish(author_, c.id));
  const std::string first = must(service_->run_outline_json(run.id, std::nullopt));
  constexpr int kRounds = 2000;
  size_t bytes = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRounds; ++i) bytes += must(service_->run_outline_json(run.id, std::nullopt)).size();
  auto per = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / kRounds;
  std::printf("[ timing ] run outline 50x5x2 from cache: %.1f us per render, %zu bytes\n", per, first.size());
  EXPECT_EQ(bytes, first.size() * kRounds);
  bj::value v = bj::parse(first);
  ASSERT_EQ(v.at("modules").as_array().size(), 50u);
  EXPECT_EQ(v.at("modules").as_array()[49].at("units").as_array().size(), 5u);

  must(service_->update_module(author_, c.id, "m0", {"Renamed", std::nullopt, std::nullopt, std::nullopt}));
  EXPECT_EQ(must(service_->run_outline_json(run.id, std::nullopt)), first);  // draft only
  must(service_->publish(author_, c.id));
  EXPECT_EQ(module_titles(view(run.id))[0], "Renamed");
}

const bj::array& blocks_of(const bj::object& doc, size_t module = 0, size_t unit = 0) {
  return doc.at("modules").as_array()[module].at("units").as_array()[unit].at("blocks").as_array();
}

// A publication carries, beside each block's settings, what the web app
// needs to show it (the shapes are in blocks_test.cpp); learners get the same
// blocks in their run's view.
TEST_F(PublishTest, PublishedBlocksCarryTheirMediaAndLinks) {
  auto& c = make_course("media-pub");
  auto& run = make_run("media-pub", c);
  const FileInfo video = add_file(c, "lecture.mp4", "video/mp4", 12'345'678);
  const FileInfo poster = add_file(c, "poster.png", "image/png");
  const FileInfo vtt = add_file(c, "lecture.fr.vtt", "text/vtt; charset=utf-8");
  const FileInfo pdf = add_file(c, "Slides week 1.pdf", "application/pdf", 4096);
  Module m = must(service_->add_module(author_, c.id, {"Week 1", {}, std::nullopt, std::nullopt}));
  Unit u = must(service_->add_unit(author_, c.id, m.id, {"Lecture", std::nullopt}));
  auto add = [&](const std::string& type, const bj::object& settings) {
    return must(service_->add_block(author_, c.id, u.id, {type, type, bj::serialize(settings), std::nullopt}));
  };
  add("text", {{"markdown", "![Poster](files/poster.png) <script>alert(1)</script> [Missing](files/missing.pdf)"}});
  add("video", {{"file", video.id},
                {"poster", poster.id},
                {"captions", bj::array{bj::object{{"language", "fr"}, {"label", "Français"}, {"file", vtt.id}}}},
                {"duration_seconds", 600}});
  add("file", {{"file", pdf.id}});
  add("embed", {{"url", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10"}});
  add("quiz", {{"completion", "submitted"}});
  must(service_->publish(author_, c.id));

  const std::string files = "/api/v1/courses/" + c.id + "/files/";
  bj::object doc = bj::parse(must(service_->version(c.id, 1)).second).as_object();
  const bj::array& b = blocks_of(doc);
  ASSERT_EQ(b.size(), 5u);
  const std::string html(b[0].at("html").as_string());
  EXPECT_NE(html.find("<img src=\"" + files + poster.id + "/content\" alt=\"Poster\">"), std::string::npos) << html;
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;  // XSS-05
  EXPECT_EQ(html.find("missing.pdf"), std::string::npos) << html;
  EXPECT_EQ(b[1].at("media").at("video"),
            (bj::value{{"url", files + video.id + "/content"}, {"media_type", "video/mp4"}, {"size", 12'345'678}}));
  EXPECT_EQ(b[1].at("media").at("poster").at("url").as_string(), files + poster.id + "/content");
  EXPECT_EQ(b[1].at("media").at("captions"),
            (bj::value{bj::value{{"language", "fr"}, {"label", "Français"}, {"url", files + vtt.id + "/content"}}}));
  EXPECT_EQ(b[1].at("settings").at("duration_seconds").as_int64(), 600);  // settings are kept as written
  EXPECT_EQ(b[2].at("download"), (bj::value{{"url", files + pdf.id + "/content"},
                                            {"name", "Slides week 1.pdf"},
                                            {"media_type", "application/pdf"},
                                            {"size", 4096}}));
  EXPECT_EQ(b[3].at("embed").at("provider").as_string(), "youtube");
  EXPECT_EQ(b[3].at("embed").at("src").as_string(), "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ");
  EXPECT_EQ(b[3].at("embed").at("sandbox").as_string(),
            "allow-scripts allow-same-origin allow-presentation allow-popups");
  EXPECT_FALSE(b[4].as_object().contains("html") || b[4].as_object().contains("media"));

  // The run's outline maps the blocks (id, type, title); their content, as
  // published, is what run_content() gives the block route.
  bj::object learner = view(run.id);
  EXPECT_EQ(blocks_of(learner)[1], (bj::value{{"id", b[1].at("id")}, {"type", "video"}, {"title", "video"}}));
  RunContent content = must(service_->run_content(run.id));
  ASSERT_EQ(content.modules->size(), 1u);
  const auto& published = content.modules->at(0).units.at(0).blocks;
  ASSERT_EQ(published.size(), 5u);
  EXPECT_EQ(bj::parse(published[1].json).at("media"), b[1].at("media"));
  EXPECT_EQ(bj::parse(published[3].json).at("embed"), b[3].at("embed"));
  EXPECT_EQ(bj::parse(published[1].settings_json), b[1].at("settings"));
  EXPECT_EQ(content.release_at.size(), 1u);
}

// A file deleted after the edit that named it: the publication is refused
// (naming the block) and nothing is published until the block is fixed.
TEST_F(PublishTest, PublicationIsRefusedWhileABlockNamesAFileThatWent) {
  auto& c = make_course("gone");
  const FileInfo pdf = add_file(c, "handout.pdf", "application/pdf");
  const FileInfo again = add_file(c, "handout-v2.pdf", "application/pdf");
  Module m = must(service_->add_module(author_, c.id, {"M", {}, std::nullopt, std::nullopt}));
  Unit u = must(service_->add_unit(author_, c.id, m.id, {"U", std::nullopt}));
  Block b = must(service_->add_block(author_, c.id, u.id,
                                     {"file", "Handout", bj::serialize(bj::object{{"file", pdf.id}}), std::nullopt}));
  remove_file(pdf.id);
  auto refused = service_->publish(author_, c.id);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::Invalid);
  ASSERT_EQ(refused.error().fields.size(), 1u);
  EXPECT_EQ(refused.error().fields[0].field, "blocks/" + b.id + "/settings/file");
  EXPECT_EQ(refused.error().fields[0].code, "unknown");
  EXPECT_TRUE(must(service_->versions(c.id)).empty());
  EXPECT_TRUE(must(audit_->list({.organisation_id = "org-1", .action = "outline.published"})).empty());

  must(service_->update_block(
      author_, c.id, b.id, {std::nullopt, bj::serialize(bj::object{{"file", again.id}}), std::nullopt, std::nullopt}));
  EXPECT_EQ(must(service_->publish(author_, c.id)).version, 1);
  files_fail_ = true;  // a lookup that fails fails the publication as it failed
  EXPECT_EQ(service_->publish(author_, c.id).error().kind, ErrorKind::Unavailable);
  EXPECT_EQ(must(service_->versions(c.id)).size(), 1u);
}

// A derived SPOC publishing its source's shared module: the blocks point at
// the source's files, under the source course that serves them.
TEST_F(PublishTest, SpocPublicationLinksTheSourcesFiles) {
  auto& source = make_course("src-pub");
  const FileInfo video = add_file(source, "intro.mp4", "video/mp4");
  Module m = must(service_->add_module(author_, source.id, {"Shared", {}, std::nullopt, std::nullopt}));
  Unit u = must(service_->add_unit(author_, source.id, m.id, {"U", std::nullopt}));
  must(service_->add_block(author_, source.id, u.id,
                           {"video", "V", bj::serialize(bj::object{{"file", video.id}}), std::nullopt}));
  must(service_->add_block(author_, source.id, u.id,
                           {"text", "T", R"j({"markdown":"[Intro](files/intro.mp4)"})j", std::nullopt}));
  must(service_->publish(author_, source.id));
  auto& spoc = make_course("spoc-pub", source.id);
  must(service_->publish(author_, spoc.id));

  bj::object doc = bj::parse(must(service_->version(spoc.id, 1)).second).as_object();
  const std::string url = "/api/v1/courses/" + source.id + "/files/" + video.id + "/content";
  EXPECT_EQ(blocks_of(doc)[0].at("media").at("video").at("url").as_string(), url);
  EXPECT_NE(std::string(blocks_of(doc)[1].at("html").as_string()).find(url), std::string::npos);
}

}  // namespace
}  // namespace trivium::outline
