// The xAPI statements of learners' progress, written into Trivium's LRS in
// the same transaction as the progress they describe. Activity ids are IRIs
// under the platform's public address; the learner is an account agent
// (homePage = the platform, name = the user id), never an e-mail address.

#include "progress/statements.h"

#include <boost/json/serialize.hpp>

namespace trivium::progress::detail {

namespace bj = boost::json;

namespace {

std::string base(const std::string& url) {
  std::string b = url;
  while (!b.empty() && b.back() == '/') b.pop_back();
  return b;
}

std::string type_of(const std::string& block_type) {
  if (block_type == "video") return "https://w3id.org/xapi/video/activity-type/video";
  if (block_type == "file") return "http://adlnet.gov/expapi/activities/file";
  if (block_type == "embed") return "http://adlnet.gov/expapi/activities/media";
  if (block_type == "quiz") return "http://adlnet.gov/expapi/activities/assessment";
  if (block_type == "assignment") return "http://id.tincanapi.com/activitytype/school-assignment";
  return "http://adlnet.gov/expapi/activities/lesson";
}

bj::object activity(const std::string& id, const std::string& type, const std::string& title,
                    const std::string& language) {
  bj::object definition{{"type", type}};
  if (!title.empty()) definition["name"] = bj::object{{language, title}};
  return bj::object{{"objectType", "Activity"}, {"id", id}, {"definition", std::move(definition)}};
}

bj::object verb(std::string_view id, std::string_view word) {
  return bj::object{{"id", id}, {"display", bj::object{{"en", word}}}};
}

}  // namespace

std::string block_activity_id(const std::string& public_url, const std::string& block_id) {
  return base(public_url) + "/activities/blocks/" + block_id;
}

StatementWriter::StatementWriter(const std::string& public_url, const courses::Course& course,
                                 const courses::CourseRun& run, std::string user_id, std::string registration,
                                 int64_t now)
    : base_(base(public_url)),
      organisation_id_(course.organisation_id),
      language_(course.language.empty() ? "und" : course.language),
      user_id_(std::move(user_id)),
      registration_(std::move(registration)),
      timestamp_(format_rfc3339(now)),
      course_(activity(base_ + "/activities/courses/" + course.id, "http://adlnet.gov/expapi/activities/course",
                       course.title, language_)),
      run_(activity(base_ + "/activities/runs/" + run.id, "http://adlnet.gov/expapi/activities/course",
                    course.title + (run.title.empty() ? "" : " — " + run.title), language_)) {}

bj::object StatementWriter::module_activity(const outline::ContentModule& m) const {
  return activity(base_ + "/activities/modules/" + m.id, "http://adlnet.gov/expapi/activities/module", m.title,
                  language_);
}

void StatementWriter::add(std::string_view verb_id, std::string_view verb_word, bj::object object,
                          std::optional<bj::object> parent, std::optional<bj::object> result) {
  bj::object context_activities{{"grouping", bj::array{course_, run_}}};
  if (parent) context_activities["parent"] = bj::array{std::move(*parent)};
  bj::object statement{
      {"actor", bj::object{{"objectType", "Agent"}, {"account", bj::object{{"homePage", base_}, {"name", user_id_}}}}},
      {"verb", verb(verb_id, verb_word)},
      {"object", std::move(object)},
      {"context", bj::object{{"registration", registration_},
                             {"platform", "Trivium"},
                             {"language", language_ == "und" ? "en" : language_},
                             {"contextActivities", std::move(context_activities)}}},
      {"timestamp", timestamp_}};
  if (result) statement["result"] = std::move(*result);
  events_.push_back(lrs::Event{organisation_id_, bj::serialize(statement)});
}

void StatementWriter::block(std::string_view verb_id, std::string_view verb_word, const outline::ContentModule& m,
                            const outline::ContentBlock& b, std::optional<bj::object> result) {
  add(verb_id, verb_word, activity(block_activity_id(base_, b.id), type_of(b.type), b.title, language_),
      module_activity(m), std::move(result));
}

void StatementWriter::block_part(std::string_view verb_id, std::string_view verb_word, const outline::ContentModule& m,
                                 const outline::ContentBlock& b, const std::string& part, const std::string& part_name,
                                 const std::string& part_type, std::optional<bj::object> result) {
  (void)m;
  const std::string block_id = block_activity_id(base_, b.id);
  add(verb_id, verb_word, activity(block_id + "/" + part, part_type, part_name, language_),
      activity(block_id, type_of(b.type), b.title, language_), std::move(result));
}

void StatementWriter::module_completed(const outline::ContentModule& m) {
  add(kCompleted, "completed", module_activity(m), std::nullopt, bj::object{{"completion", true}});
}

void StatementWriter::course_completed() {
  // The run's course activity is the object; grouping still names both.
  add(kCompleted, "completed", course_, std::nullopt, bj::object{{"completion", true}});
}

}  // namespace trivium::progress::detail
