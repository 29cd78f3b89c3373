// Derived SPOCs share their source's published content and copy a module
// into their own draft only when one of their authors changes it.

#include "outline/testing.h"

namespace trivium::outline {
namespace {

namespace bj = boost::json;
using testing::must;
using testing::OutlineFixture;

class SpocTest : public OutlineFixture {
 protected:
  // A source course with two published modules of one unit and block each.
  void SetUp() override {
    OutlineFixture::SetUp();
    source_ = &make_course("source");
    for (const char* title : {"Alpha", "Beta"}) {
      Module m = must(service_->add_module(author_, source_->id, {title, {}, std::nullopt, std::nullopt}));
      Unit u = must(service_->add_unit(author_, source_->id, m.id, {std::string(title) + " unit", std::nullopt}));
      Block b = must(service_->add_block(author_, source_->id, u.id,
                                         {"text", "Read", R"({"markdown":"source text"})", std::nullopt}));
      modules_.push_back(m);
      units_.push_back(u);
      blocks_.push_back(b);
    }
    must(service_->publish(author_, source_->id));
    spoc_ = &make_course("spoc", source_->id, "scheduled");
    spoc_run_ = &make_run("spoc-run", *spoc_);
  }

  std::vector<std::string> titles(const bj::object& view) {
    std::vector<std::string> out;
    for (const bj::value& m : view.at("modules").as_array()) out.emplace_back(m.at("title").as_string());
    return out;
  }

  courses::Course* source_ = nullptr;
  courses::Course* spoc_ = nullptr;
  courses::CourseRun* spoc_run_ = nullptr;
  std::vector<Module> modules_;
  std::vector<Unit> units_;
  std::vector<Block> blocks_;
};

TEST_F(SpocTest, SharesTheSourcesLatestPublicationUntilItPublishes) {
  Outline d = must(service_->draft(spoc_->id));
  ASSERT_EQ(d.modules.size(), 2u);
  ASSERT_TRUE(d.modules[0].shared_from);
  EXPECT_EQ(d.modules[0].shared_from->course_id, source_->id);
  EXPECT_EQ(d.modules[0].id, modules_[0].id);
  bj::object v = view(spoc_run_->id);
  EXPECT_EQ(v.at("content_course_id").as_string(), source_->id);
  EXPECT_EQ(titles(v), (std::vector<std::string>{"Alpha", "Beta"}));
  // A new publication of the source reaches the SPOC's learners.
  must(service_->update_module(author_, source_->id, modules_[1].id,
                               {"Beta 2", std::nullopt, std::nullopt, std::nullopt}));
  must(service_->publish(author_, source_->id));
  EXPECT_EQ(titles(view(spoc_run_->id)), (std::vector<std::string>{"Alpha", "Beta 2"}));
  EXPECT_EQ(bj::parse(must(service_->syllabus_json(spoc_->id))).at("modules").as_array().size(), 2u);
}

TEST_F(SpocTest, ChangingABlockCopiesItsModuleOnly) {
  // A change that changes nothing copies nothing.
  must(service_->update_block(author_, spoc_->id, blocks_[0].id, {}));
  EXPECT_TRUE(must(service_->draft(spoc_->id)).modules[0].shared_from);

  Block changed = must(service_->update_block(
      author_, spoc_->id, blocks_[0].id, {std::nullopt, R"({"markdown":"spoc text"})", std::nullopt, std::nullopt}));
  EXPECT_EQ(changed.id, blocks_[0].id);  // the copy keeps the ids
  Outline d = must(service_->draft(spoc_->id));
  ASSERT_EQ(d.modules.size(), 2u);
  EXPECT_FALSE(d.modules[0].shared_from);
  ASSERT_TRUE(d.modules[0].copied_from);
  EXPECT_EQ(d.modules[0].copied_from->course_id, source_->id);
  EXPECT_EQ(d.modules[0].copied_from->version, 1);
  EXPECT_EQ(d.modules[0].units[0].blocks[0].settings_json, R"({"markdown":"spoc text"})");
  EXPECT_TRUE(d.modules[1].shared_from);
  // The source is untouched.
  Outline s = must(service_->draft(source_->id));
  EXPECT_EQ(s.modules[0].units[0].blocks[0].settings_json, R"({"markdown":"source text"})");

  // The source changes both modules and publishes: the SPOC keeps its copy
  // of Alpha and follows Beta.
  must(service_->update_module(author_, source_->id, modules_[0].id,
                               {"Alpha 2", std::nullopt, std::nullopt, std::nullopt}));
  must(service_->update_module(author_, source_->id, modules_[1].id,
                               {"Beta 2", std::nullopt, std::nullopt, std::nullopt}));
  must(service_->publish(author_, source_->id));
  VersionInfo v = must(service_->publish(author_, spoc_->id));
  EXPECT_EQ(v.version, 1);
  bj::object learner = view(spoc_run_->id);
  EXPECT_EQ(learner.at("content_course_id").as_string(), spoc_->id);
  EXPECT_EQ(titles(learner), (std::vector<std::string>{"Alpha", "Beta 2"}));
  RunContent content = must(service_->run_content(spoc_run_->id));
  EXPECT_EQ(content.content_course_id, spoc_->id);
  const auto& block = content.modules->at(0).units.at(0).blocks.at(0);
  EXPECT_EQ(bj::parse(block.settings_json).at("markdown").as_string(), "spoc text");
  bj::object doc = bj::parse(must(service_->version(spoc_->id, 1)).second).as_object();
  EXPECT_TRUE(doc.at("modules").as_array()[0].at("shared_from").is_null());
  EXPECT_EQ(doc.at("modules").as_array()[1].at("shared_from").at("version").as_int64(), 2);

  // Its published version does not move with the source any more.
  must(service_->update_module(author_, source_->id, modules_[1].id,
                               {"Beta 3", std::nullopt, std::nullopt, std::nullopt}));
  must(service_->publish(author_, source_->id));
  EXPECT_EQ(titles(view(spoc_run_->id)), (std::vector<std::string>{"Alpha", "Beta 2"}));
  must(service_->publish(author_, spoc_->id));
  EXPECT_EQ(titles(view(spoc_run_->id)), (std::vector<std::string>{"Alpha", "Beta 3"}));
}

TEST_F(SpocTest, AddingAndRemovingInASpoc) {
  // A unit added to a shared module copies the module.
  Unit extra = must(service_->add_unit(author_, spoc_->id, modules_[1].id, {"SPOC exercise", std::nullopt}));
  Module own =
      must(service_->add_module(author_, spoc_->id, {"Local wrap-up", {modules_[0].id}, std::nullopt, std::nullopt}));
  // Removing a shared module keeps it out, even after the source republishes.
  ASSERT_TRUE(service_->delete_module(author_, spoc_->id, modules_[0].id));
  must(service_->publish(author_, source_->id));
  Outline d = must(service_->draft(spoc_->id));
  ASSERT_EQ(d.modules.size(), 2u);
  EXPECT_EQ(d.modules[0].id, modules_[1].id);
  ASSERT_EQ(d.modules[0].units.size(), 2u);
  EXPECT_EQ(d.modules[0].units[1].id, extra.id);
  EXPECT_EQ(d.modules[1].id, own.id);
  EXPECT_TRUE(d.modules[1].prerequisites.empty());  // its prerequisite was removed
  // The source never sees the SPOC's unit; the SPOC's ids stay in the SPOC.
  EXPECT_EQ(service_->delete_unit(author_, source_->id, extra.id).error().kind, ErrorKind::NotFound);
  Outline s = must(service_->draft(source_->id));
  EXPECT_EQ(s.modules[1].units.size(), 1u);
}

TEST_F(SpocTest, ReorderingKeepsTheSpocsOrderOverSharedModules) {
  // Moving Beta first copies it; Alpha, still shared, keeps its place after.
  Module beta =
      must(service_->update_module(author_, spoc_->id, modules_[1].id, {std::nullopt, std::nullopt, std::nullopt, 0}));
  EXPECT_TRUE(beta.copied_from);
  Module local = must(service_->add_module(author_, spoc_->id, {"Local intro", {}, std::nullopt, 0}));
  Outline d = must(service_->draft(spoc_->id));
  ASSERT_EQ(d.modules.size(), 3u);
  EXPECT_EQ(d.modules[0].id, local.id);
  EXPECT_EQ(d.modules[1].id, modules_[1].id);
  EXPECT_EQ(d.modules[2].id, modules_[0].id);
  EXPECT_TRUE(d.modules[2].shared_from);
  // The source republishes a change to Alpha: the SPOC shows it in its place.
  must(service_->update_module(author_, source_->id, modules_[0].id,
                               {"Alpha 2", std::nullopt, std::nullopt, std::nullopt}));
  must(service_->publish(author_, source_->id));
  must(service_->publish(author_, spoc_->id));
  EXPECT_EQ(titles(view(spoc_run_->id)), (std::vector<std::string>{"Local intro", "Beta", "Alpha 2"}));
}

}  // namespace
}  // namespace trivium::outline
