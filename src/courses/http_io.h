// JSON in and out of the course routes (internal to the module): bodies to
// service inputs, service results to API objects.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>

#include "core/json.h"
#include "courses/courses.h"

namespace trivium::courses::io {

namespace bj = boost::json;

// Each parser collects every problem of the body and returns Invalid with
// all of them (unknown fields included); BadRequest for malformed JSON.
Result<NewCourse> parse_new_course(const std::string& body, const std::string& org_id);
Result<CourseChange> parse_course_change(const std::string& body);
Result<NewRun> parse_new_run(const std::string& body);
Result<RunChange> parse_run_change(const std::string& body);
Result<SpocDerivation> parse_derivation(const std::string& body, const std::string& run_id);

// Rendering. Times are RFC 3339 UTC; runs add their dates as local time in
// the run's zone and, when `viewer_tz` is set, in the viewer's zone.
bj::value render(const Course& c);
bj::value render(const CourseRun& r, const std::optional<std::string>& viewer_tz);
bj::value render(const CatalogEntry& e, const std::optional<std::string>& viewer_tz);

}  // namespace trivium::courses::io
