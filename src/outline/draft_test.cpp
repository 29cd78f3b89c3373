// The draft: editing modules, units and blocks, their order, the rules
// (prerequisite cycles, block settings) and the course boundary (AC-02).

#include <boost/json/serialize.hpp>

#include "outline/testing.h"

namespace trivium::outline {
namespace {

namespace bj = boost::json;
using testing::must;
using testing::OutlineFixture;

class DraftTest : public OutlineFixture {};

std::string settings(const bj::object& o) {
  return bj::serialize(o);
}

std::vector<std::string> titles(const Outline& o) {
  std::vector<std::string> out;
  for (const Module& m : o.modules) out.push_back(m.title);
  return out;
}

TEST_F(DraftTest, BuildsOrderedModulesUnitsAndBlocks) {
  auto& c = make_course("intro");
  Module week1 = must(service_->add_module(author_, c.id, {"Week 1", {}, std::nullopt, std::nullopt}));
  Module week3 = must(service_->add_module(author_, c.id, {"Week 3", {}, std::nullopt, std::nullopt}));
  must(service_->add_module(author_, c.id, {"Week 2", {}, std::nullopt, 1}));
  Unit u1 = must(service_->add_unit(author_, c.id, week1.id, {"Welcome", std::nullopt}));
  Unit u0 = must(service_->add_unit(author_, c.id, week1.id, {"Before you start", 0}));
  Block b =
      must(service_->add_block(author_, c.id, u1.id, {"text", "Read me", R"({"markdown":"# Hi"})", std::nullopt}));
  const FileInfo video = add_file(c, "welcome.mp4", "video/mp4");
  must(service_->add_block(author_, c.id, u1.id, {"video", "Watch", settings({{"file", video.id}}), 0}));

  Outline d = must(service_->draft(c.id));
  EXPECT_EQ(titles(d), (std::vector<std::string>{"Week 1", "Week 2", "Week 3"}));
  ASSERT_EQ(d.modules[0].units.size(), 2u);
  EXPECT_EQ(d.modules[0].units[0].id, u0.id);
  EXPECT_EQ(d.modules[0].units[1].id, u1.id);
  ASSERT_EQ(d.modules[0].units[1].blocks.size(), 2u);
  EXPECT_EQ(d.modules[0].units[1].blocks[0].type, "video");
  EXPECT_EQ(d.modules[0].units[1].blocks[1].id, b.id);

  // Move week 3 first, rename it; move the text block to the other unit.
  must(service_->update_module(author_, c.id, week3.id, {"Week 0", std::nullopt, std::nullopt, 0}));
  must(service_->update_block(author_, c.id, b.id, {std::nullopt, std::nullopt, u0.id, std::nullopt}));
  d = must(service_->draft(c.id));
  EXPECT_EQ(titles(d), (std::vector<std::string>{"Week 0", "Week 1", "Week 2"}));
  ASSERT_EQ(d.modules[1].units[0].blocks.size(), 1u);
  EXPECT_EQ(d.modules[1].units[0].blocks[0].id, b.id);
  EXPECT_EQ(d.modules[1].units[1].blocks.size(), 1u);

  // Deleting a module takes its units and blocks with it.
  ASSERT_TRUE(service_->delete_module(author_, c.id, week1.id));
  d = must(service_->draft(c.id));
  EXPECT_EQ(titles(d), (std::vector<std::string>{"Week 0", "Week 2"}));
  EXPECT_EQ(service_->update_block(author_, c.id, b.id, {"x", std::nullopt, std::nullopt, std::nullopt}).error().kind,
            ErrorKind::NotFound);
  auto events = must(audit_->list({.organisation_id = "org-1", .action = "outline.module_created"}));
  EXPECT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].event.target_kind, "module");
}

TEST_F(DraftTest, BlockSettingsAreCheckedPerType) {
  auto& c = make_course("rules");
  Module m = must(service_->add_module(author_, c.id, {"M", {}, std::nullopt, std::nullopt}));
  Unit u = must(service_->add_unit(author_, c.id, m.id, {"U", std::nullopt}));
  auto no_markdown = service_->add_block(author_, c.id, u.id, {"text", "T", R"({"body":"x"})", std::nullopt});
  ASSERT_FALSE(no_markdown);
  EXPECT_EQ(no_markdown.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(no_markdown.error().fields[0].field, "settings/markdown");
  auto unknown = service_->add_block(author_, c.id, u.id, {"hologram", "T", "{}", std::nullopt});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().fields[0].field, "type");
  auto not_object = service_->add_block(author_, c.id, u.id, {"embed", "T", "[1]", std::nullopt});
  ASSERT_FALSE(not_object);
  EXPECT_EQ(not_object.error().fields[0].field, "settings");
  Block ok = must(service_->add_block(author_, c.id, u.id, {"text", "T", R"({"markdown":"hi"})", std::nullopt}));
  auto broken = service_->update_block(author_, c.id, ok.id, {std::nullopt, "{}", std::nullopt, std::nullopt});
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().kind, ErrorKind::Invalid);
  EXPECT_FALSE(service_->add_module(author_, c.id, {"", {}, std::nullopt, std::nullopt}));
  EXPECT_FALSE(service_->add_module(author_, c.id, {"M", {}, 521, std::nullopt}));
}

TEST_F(DraftTest, PrerequisiteCyclesAreInvalid) {
  auto& c = make_course("prereq");
  Module a = must(service_->add_module(author_, c.id, {"A", {}, std::nullopt, std::nullopt}));
  Module b = must(service_->add_module(author_, c.id, {"B", {a.id}, std::nullopt, std::nullopt}));
  Module cc = must(service_->add_module(author_, c.id, {"C", {b.id}, std::nullopt, std::nullopt}));
  auto cycle =
      service_->update_module(author_, c.id, a.id, {std::nullopt, std::vector{cc.id}, std::nullopt, std::nullopt});
  ASSERT_FALSE(cycle);
  EXPECT_EQ(cycle.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(cycle.error().fields[0].code, "cycle");
  auto self =
      service_->update_module(author_, c.id, a.id, {std::nullopt, std::vector{a.id}, std::nullopt, std::nullopt});
  ASSERT_FALSE(self);
  EXPECT_EQ(self.error().fields[0].code, "cycle");
  auto unknown = service_->add_module(author_, c.id, {"D", {"not-a-module"}, std::nullopt, std::nullopt});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().fields[0].code, "unknown");
  // Deleting B removes it from C's prerequisites.
  ASSERT_TRUE(service_->delete_module(author_, c.id, b.id));
  Outline d = must(service_->draft(c.id));
  ASSERT_EQ(d.modules.size(), 2u);
  EXPECT_TRUE(d.modules[1].prerequisites.empty());
}

// AC-02: a module, unit or block id of another course is not found through
// this course, and cannot be named as a destination either.
TEST_F(DraftTest, AC02_IdsOfAnotherCourseAreNotFound) {
  auto& mine = make_course("mine");
  auto& theirs = make_course("theirs");
  Module tm = must(service_->add_module(author_, theirs.id, {"Theirs", {}, std::nullopt, std::nullopt}));
  Unit tu = must(service_->add_unit(author_, theirs.id, tm.id, {"Their unit", std::nullopt}));
  Block tb = must(service_->add_block(author_, theirs.id, tu.id,
                                      {"embed", "E", R"({"url":"https://youtu.be/dQw4w9WgXcQ"})", std::nullopt}));
  Module mm = must(service_->add_module(author_, mine.id, {"Mine", {}, std::nullopt, std::nullopt}));
  Unit mu = must(service_->add_unit(author_, mine.id, mm.id, {"My unit", std::nullopt}));

  EXPECT_EQ(service_->add_unit(author_, mine.id, tm.id, {"X", std::nullopt}).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(service_->delete_unit(author_, mine.id, tu.id).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(service_->delete_block(author_, mine.id, tb.id).error().kind, ErrorKind::NotFound);
  EXPECT_EQ(service_->delete_module(author_, mine.id, tm.id).error().kind, ErrorKind::NotFound);
  auto move = service_->update_unit(author_, mine.id, mu.id, {std::nullopt, tm.id, std::nullopt});
  ASSERT_FALSE(move);
  EXPECT_EQ(move.error().kind, ErrorKind::Invalid);
  auto prereq = service_->add_module(author_, mine.id, {"P", {tm.id}, std::nullopt, std::nullopt});
  ASSERT_FALSE(prereq);
  EXPECT_EQ(prereq.error().kind, ErrorKind::Invalid);
  Outline theirs_now = must(service_->draft(theirs.id));
  ASSERT_EQ(theirs_now.modules.size(), 1u);
  EXPECT_EQ(theirs_now.modules[0].units[0].blocks.size(), 1u);
}

TEST_F(DraftTest, UnitsMoveBetweenModules) {
  auto& c = make_course("moves");
  Module a = must(service_->add_module(author_, c.id, {"A", {}, std::nullopt, std::nullopt}));
  Module b = must(service_->add_module(author_, c.id, {"B", {}, std::nullopt, std::nullopt}));
  Unit u1 = must(service_->add_unit(author_, c.id, a.id, {"U1", std::nullopt}));
  must(service_->add_unit(author_, c.id, b.id, {"U2", std::nullopt}));
  const FileInfo pdf = add_file(c, "notes.pdf", "application/pdf");
  must(service_->add_block(author_, c.id, u1.id, {"file", "F", settings({{"file", pdf.id}}), std::nullopt}));
  Unit moved = must(service_->update_unit(author_, c.id, u1.id, {"U1 moved", b.id, 0}));
  EXPECT_EQ(moved.title, "U1 moved");
  Outline d = must(service_->draft(c.id));
  EXPECT_TRUE(d.modules[0].units.empty());
  ASSERT_EQ(d.modules[1].units.size(), 2u);
  EXPECT_EQ(d.modules[1].units[0].id, u1.id);
  EXPECT_EQ(d.modules[1].units[0].blocks.size(), 1u);
}

// Each edit checks the settings of its block against the course's files:
// the contract of every type is in blocks_test.cpp, this is the service
// calling it on add and on update, and refusing without writing anything.
TEST_F(DraftTest, BlockSettingsNameFilesOfTheCourse) {
  auto& c = make_course("media");
  auto& other = make_course("other-media");
  Module m = must(service_->add_module(author_, c.id, {"M", {}, std::nullopt, std::nullopt}));
  Unit u = must(service_->add_unit(author_, c.id, m.id, {"U", std::nullopt}));
  const FileInfo video = add_file(c, "lecture.mp4", "video/mp4");
  const FileInfo captions = add_file(c, "lecture.en.vtt", "text/vtt; charset=utf-8");
  const FileInfo pdf = add_file(c, "slides.pdf", "application/pdf");
  const FileInfo theirs = add_file(other, "theirs.mp4", "video/mp4");

  Block b = must(service_->add_block(
      author_, c.id, u.id,
      {"video", "Lecture",
       settings({{"file", video.id},
                 {"captions", bj::array{bj::object{{"language", "en"}, {"label", "English"}, {"file", captions.id}}}},
                 {"watched_threshold", 0.8}}),
       std::nullopt}));

  // AC-02: another course's file is unknown here.
  auto foreign =
      service_->add_block(author_, c.id, u.id, {"video", "V", settings({{"file", theirs.id}}), std::nullopt});
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(foreign.error().fields.at(0).field, "settings/file");
  EXPECT_EQ(foreign.error().fields.at(0).code, "unknown");

  auto wrong_kind = service_->update_block(author_, c.id, b.id,
                                           {std::nullopt, settings({{"file", pdf.id}}), std::nullopt, std::nullopt});
  ASSERT_FALSE(wrong_kind);
  EXPECT_EQ(wrong_kind.error().fields.at(0).field, "settings/file");
  EXPECT_EQ(wrong_kind.error().fields.at(0).code, "media_type");
  auto bad_embed =
      service_->add_block(author_, c.id, u.id, {"embed", "E", R"j({"url":"javascript:alert(1)"})j", std::nullopt});
  ASSERT_FALSE(bad_embed);
  EXPECT_EQ(bad_embed.error().fields.at(0).code, "url");

  // Nothing of the refused edits was written.
  Outline d = must(service_->draft(c.id));
  ASSERT_EQ(d.modules[0].units[0].blocks.size(), 1u);
  EXPECT_EQ(d.modules[0].units[0].blocks[0].settings_json, b.settings_json);

  // A change that leaves the settings alone does not look them up again.
  file_lookups_ = 0;
  must(service_->update_block(author_, c.id, b.id, {"Lecture 1", std::nullopt, std::nullopt, std::nullopt}));
  EXPECT_EQ(file_lookups_, 0);
  Block changed = must(service_->update_block(
      author_, c.id, b.id,
      {std::nullopt, settings({{"file", video.id}, {"completion", "viewed"}}), std::nullopt, std::nullopt}));
  EXPECT_EQ(changed.settings_json, settings({{"file", video.id}, {"completion", "viewed"}}));
  EXPECT_GT(file_lookups_, 0);

  // A file lookup that fails fails the edit with its own error.
  files_fail_ = true;
  auto down = service_->add_block(author_, c.id, u.id, {"file", "F", settings({{"file", pdf.id}}), std::nullopt});
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().kind, ErrorKind::Unavailable);
  EXPECT_EQ(must(service_->draft(c.id)).modules[0].units[0].blocks.size(), 1u);
}

// A derived SPOC's blocks may name its source's files (its shared modules'
// blocks do); the source cannot name the SPOC's.
TEST_F(DraftTest, SpocBlocksMayNameTheSourcesFiles) {
  auto& source = make_course("src-media");
  auto& spoc = make_course("spoc-media", source.id);
  const FileInfo source_video = add_file(source, "intro.mp4", "video/mp4");
  const FileInfo spoc_pdf = add_file(spoc, "cohort.pdf", "application/pdf");
  Module m = must(service_->add_module(author_, spoc.id, {"Own", {}, std::nullopt, std::nullopt}));
  Unit u = must(service_->add_unit(author_, spoc.id, m.id, {"U", std::nullopt}));
  must(
      service_->add_block(author_, spoc.id, u.id, {"video", "V", settings({{"file", source_video.id}}), std::nullopt}));
  must(service_->add_block(author_, spoc.id, u.id, {"file", "F", settings({{"file", spoc_pdf.id}}), std::nullopt}));

  Module sm = must(service_->add_module(author_, source.id, {"Source", {}, std::nullopt, std::nullopt}));
  Unit su = must(service_->add_unit(author_, source.id, sm.id, {"U", std::nullopt}));
  auto up =
      service_->add_block(author_, source.id, su.id, {"file", "F", settings({{"file", spoc_pdf.id}}), std::nullopt});
  ASSERT_FALSE(up);
  EXPECT_EQ(up.error().fields.at(0).code, "unknown");
}

}  // namespace
}  // namespace trivium::outline
