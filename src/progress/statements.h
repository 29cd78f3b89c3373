// Building the xAPI statements of progress (statements.cpp).
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "courses/model.h"
#include "lrs/lrs.h"
#include "outline/outline.h"

namespace trivium::progress::detail {

inline constexpr std::string_view kExperienced = "http://adlnet.gov/expapi/verbs/experienced";
inline constexpr std::string_view kProgressed = "http://adlnet.gov/expapi/verbs/progressed";
inline constexpr std::string_view kCompleted = "http://adlnet.gov/expapi/verbs/completed";
// Result extensions of the xAPI video profile.
inline constexpr std::string_view kPlayedSegments = "https://w3id.org/xapi/video/extensions/played-segments";
inline constexpr std::string_view kVideoProgress = "https://w3id.org/xapi/video/extensions/progress";
inline constexpr std::string_view kVideoTime = "https://w3id.org/xapi/video/extensions/time";

std::string block_activity_id(const std::string& public_url, const std::string& block_id);

// Collects one learner's statements within one run at one moment.
class StatementWriter {
 public:
  StatementWriter(const std::string& public_url, const courses::Course& course, const courses::CourseRun& run,
                  std::string user_id, std::string registration, int64_t now);
  void block(std::string_view verb_id, std::string_view verb_word, const outline::ContentModule& m,
             const outline::ContentBlock& b, std::optional<boost::json::object> result = std::nullopt);
  // A part of a block (a quiz's question): activity <block activity>/<part>.
  void block_part(std::string_view verb_id, std::string_view verb_word, const outline::ContentModule& m,
                  const outline::ContentBlock& b, const std::string& part, const std::string& part_name,
                  const std::string& part_type, std::optional<boost::json::object> result);
  void module_completed(const outline::ContentModule& m);
  void course_completed();
  const std::vector<lrs::Event>& events() const { return events_; }

 private:
  boost::json::object module_activity(const outline::ContentModule& m) const;
  void add(std::string_view verb_id, std::string_view verb_word, boost::json::object object,
           std::optional<boost::json::object> parent, std::optional<boost::json::object> result);

  std::string base_;
  std::string organisation_id_;
  std::string language_;
  std::string user_id_;
  std::string registration_;
  std::string timestamp_;
  boost::json::object course_;
  boost::json::object run_;
  std::vector<lrs::Event> events_;
};

}  // namespace trivium::progress::detail
