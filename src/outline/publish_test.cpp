// Publications and what learners read: versions, atomicity, pinning, release
// dates (with daylight saving), the cache and the syllabus.

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

}  // namespace
}  // namespace trivium::outline
