// Domain types of courses: the catalogued course with its form and settings,
// and its runs (sessions) with their dates and schedule.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trivium::courses {

// The form is a preset applied at creation; it sets the orthogonal settings
// below, which can each be changed afterwards.
inline const std::vector<std::string> kForms = {"mooc", "cooc_internal", "cooc_external", "spoc"};
// public: the anonymous catalog; organisation: members of the owning
// organisation (optionally only some departments); private: only people
// invited, selected or enrolled.
inline const std::vector<std::string> kVisibilities = {"public", "organisation", "private"};
inline const std::vector<std::string> kEnrolmentPolicies = {"open", "approval", "invitation"};
inline const std::vector<std::string> kPacings = {"self_paced", "scheduled"};
// Roles a person holds in a course (all its runs) or in one run. Learners
// are not listed here: the enrolment module holds them.
inline const std::vector<std::string> kStaffRoles = {"author", "trainer", "observer"};
inline const std::vector<std::string> kLanguages = {"en", "fr", "de", "es", "it", "nl", "pt"};

// When a learner has completed the course; stored now, used by credentials.
struct CompletionRule {
  std::optional<double> min_grade;               // 0..100
  std::vector<std::string> required_module_ids;  // empty: every module
};

struct CourseSettings {
  std::string visibility = "public";
  // With visibility "organisation": only members of these departments (and
  // their teams); empty means every member.
  std::vector<std::string> department_ids;
  std::string enrolment_policy = "open";
  std::optional<int> capacity;  // seats per run; nullopt: unlimited
  std::string pacing = "self_paced";
  CompletionRule completion;
};

// The settings a form starts with:
//   mooc           public,       open,       unlimited, self_paced
//   cooc_internal  organisation, open,       unlimited, self_paced
//   cooc_external  public,       approval,   unlimited, self_paced
//   spoc           private,      invitation, 30 seats,  scheduled
// nullopt for an unknown form.
std::optional<CourseSettings> preset(std::string_view form);

struct Course {
  std::string id;
  std::string organisation_id;
  std::string slug;  // unique within the organisation
  std::string title;
  std::string summary;
  std::string description_md;
  std::string description_html;  // Markdown rendered and sanitised by src/richtext
  std::string language;          // one of kLanguages
  std::vector<std::string> skills;
  std::optional<std::string> cover_url;
  std::optional<double> effort_hours;
  std::vector<std::string> authors;  // names shown in the catalog (authors/experts)
  std::string form;                  // the preset it was created from
  CourseSettings settings;
  // A SPOC derived from a run of another course shares that course's content
  // until its own authors change a part (see the outline module).
  std::optional<std::string> derived_from_run_id;
  std::optional<std::string> content_source_course_id;
  std::string created_by;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

// A weekly release rule for scheduled pacing: module i (0-based, in outline
// order) opens on the i-th `weekday` at or after `first_date`, at
// `local_time` in `time_zone` (so "Mondays 09:00 Europe/Paris" stays at
// 09:00 local across daylight-saving changes).
struct WeeklySchedule {
  std::string time_zone = "UTC";  // IANA name
  std::string weekday = "monday";
  std::string local_time = "09:00";  // HH:MM
  std::string first_date;            // YYYY-MM-DD, local
};

struct CourseRun {
  std::string id;
  std::string course_id;
  std::string title;  // "Spring 2027", "Cohort 3"
  std::optional<int64_t> enrolment_opens_at_ms;
  std::optional<int64_t> enrolment_closes_at_ms;
  std::optional<int64_t> starts_at_ms;
  std::optional<int64_t> ends_at_ms;
  std::string time_zone = "UTC";  // the run's reference zone for its dates
  std::optional<WeeklySchedule> schedule;
  std::optional<int> pinned_version;  // nullopt: follows the latest publication
  std::optional<std::string> derived_from_run_id;
  std::string created_by;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

// A run with what deciding an enrolment needs from its course.
struct RunForEnrolment {
  CourseRun run;
  std::string course_id;
  std::string organisation_id;
  std::string course_title;
  CourseSettings settings;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;
};

// Who acts, for audit and ownership.
struct Actor {
  std::string user_id;
  std::string ip;
  std::string request_id;
};

struct NewCourse {
  std::string organisation_id;
  std::string form;
  std::string slug;
  std::string title;
  std::string summary;
  std::string description_md;
  std::string language = "en";
  std::vector<std::string> skills;
  std::optional<std::string> cover_url;
  std::optional<double> effort_hours;
  std::vector<std::string> authors;
  // Any setting given here overrides the form's preset.
  std::optional<std::string> visibility;
  std::optional<std::vector<std::string>> department_ids;
  std::optional<std::string> enrolment_policy;
  std::optional<std::optional<int>> capacity;
  std::optional<std::string> pacing;
  std::optional<CompletionRule> completion;
};

// A change to a course; absent fields stay as they are.
struct CourseChange {
  std::optional<std::string> slug, title, summary, description_md, language;
  std::optional<std::vector<std::string>> skills;
  std::optional<std::optional<std::string>> cover_url;
  std::optional<std::optional<double>> effort_hours;
  std::optional<std::vector<std::string>> authors;
  std::optional<std::string> visibility;
  std::optional<std::vector<std::string>> department_ids;
  std::optional<std::string> enrolment_policy;
  std::optional<std::optional<int>> capacity;
  std::optional<std::string> pacing;
  std::optional<CompletionRule> completion;
};

struct NewRun {
  std::string title;
  std::optional<int64_t> enrolment_opens_at_ms, enrolment_closes_at_ms, starts_at_ms, ends_at_ms;
  std::string time_zone = "UTC";
  std::optional<WeeklySchedule> schedule;
  std::optional<int> pinned_version;
};

struct RunChange {
  std::optional<std::string> title;
  std::optional<std::optional<int64_t>> enrolment_opens_at_ms, enrolment_closes_at_ms, starts_at_ms, ends_at_ms;
  std::optional<std::string> time_zone;
  std::optional<std::optional<WeeklySchedule>> schedule;
  std::optional<std::optional<int>> pinned_version;
};

// Derive a SPOC from a run of a MOOC or COOC: a new course of form "spoc" in
// `organisation_id` (default: the source's), sharing the source's content,
// with one run of its own and `trainer_user_id` (default: the caller) as its
// trainer.
struct SpocDerivation {
  std::string source_run_id;
  std::optional<std::string> organisation_id;
  std::string slug;
  std::string title;
  std::optional<int> capacity;  // default 30
  NewRun run;
  std::optional<std::string> trainer_user_id;
};

// Catalog search. Empty `q` lists by start date.
struct CatalogQuery {
  std::string q;
  std::optional<std::string> form, language, organisation_id, skill;
  std::optional<std::string> when;  // "upcoming" | "ongoing"
  std::string cursor;               // opaque, from a previous page
  int limit = 20;
};

struct CatalogEntry {
  Course course;
  std::optional<CourseRun> next_run;  // the next or current run, if any
  double rank = 0;                    // relevance; 0 without a query
};

}  // namespace trivium::courses
