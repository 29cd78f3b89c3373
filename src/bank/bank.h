// The question bank: every course has one, where its authors keep
// questions in a tree of categories, with tags and skills to draw them by.
// A bank may be shared with the organisation: the authors of its other
// courses then read and use its questions (never edit them).
//
// Questions are versioned: each edit stores a new, immutable version and
// moves the question's current version; quiz attempts keep the version they
// were given, so a correction never changes what a learner answered. A
// question is archived, never deleted: attempts may still refer to it.
//
// Imports (GIFT, Aiken, Moodle XML) are all or nothing: a file with
// problems imports nothing, unless the caller asks to skip the bad
// questions; categories named in the file are created under the target.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "authz/authz.h"
#include "core/clock.h"
#include "core/db.h"
#include "core/http.h"
#include "core/result.h"
#include "courses/model.h"
#include "questions/questions.h"

namespace trivium::bank {

inline constexpr size_t kMaxCategoryName = 120;
inline constexpr int kMaxCategoryDepth = 8;
inline constexpr size_t kMaxTags = 20;
inline constexpr size_t kMaxTag = 60;

struct Actor {
  std::string user_id;
  std::string ip;
  std::string request_id;
};

struct Category {
  std::string id;
  std::string parent_id;  // empty for a top-level category
  std::string name;
  std::string path;  // "Week 1/Vocabulary"
  int position = 0;
  int question_count = 0;  // current, not archived, directly in this category
};

struct Bank {
  std::string course_id;
  std::string organisation_id;
  bool shared = false;
  std::vector<Category> categories;  // depth-first, by position
};

// A stored question: its current (or a requested) version with what is
// kept beside the versions.
struct StoredQuestion {
  std::string id;
  std::string course_id;  // whose bank holds it
  std::string category_id;
  int version = 0;  // the version this record shows
  int current_version = 0;
  std::vector<std::string> tags;
  std::vector<std::string> skills;
  bool archived = false;
  questions::Question question;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;  // when this version was made
  std::string updated_by;
};

struct VersionInfo {
  int version = 0;
  std::string title;
  std::string type;
  int64_t created_at_ms = 0;
  std::string created_by;
};

struct QuestionInput {
  std::string category_id;
  questions::Question question;
  std::vector<std::string> tags;
  std::vector<std::string> skills;
};

struct ListQuery {
  std::optional<std::string> category_id;
  bool include_subcategories = true;
  std::optional<std::string> type;
  std::optional<std::string> tag;
  std::optional<std::string> skill;
  std::optional<std::string> text;  // in the title or the stem
  bool include_archived = false;
  int offset = 0;
  int limit = 50;
};

struct Listed {
  std::vector<StoredQuestion> questions;  // by title
  int total = 0;
  std::optional<int> next_offset;
};

enum class Format { Gift, Aiken, MoodleXml };
std::optional<Format> parse_format(std::string_view name);

struct ImportRequest {
  Format format = Format::Gift;
  std::string text;
  std::string category_id;  // where the file's questions (and categories) go; empty: top level
  bool skip_bad = false;
};

struct ImportReport {
  bool imported = false;  // false: problems and no skip_bad, nothing stored
  std::vector<std::string> question_ids;
  std::vector<std::string> created_categories;
  std::vector<questions::ImportProblem> problems;
};

struct ExportRequest {
  Format format = Format::Gift;
  std::optional<std::string> category_id;  // with its subcategories; none: the whole bank
};

struct ExportResult {
  std::string text;
  std::string media_type;  // text/plain; charset=utf-8 or application/xml
  std::string file_name;
  std::vector<std::string> skipped;
};

// A question version as a quiz uses it.
struct UsableQuestion {
  std::string id;
  int version = 0;
  std::string course_id;
  questions::Question question;
};

struct Ports {
  std::function<Result<courses::Course>(const std::string& course_id)> get_course;
};

class Service {
 public:
  Service(db::Store& store, const Clock& clock, audit::AuditLog& audit, Ports ports);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  Result<Bank> bank(const std::string& course_id);
  // The banks other courses of the same organisation share with this one
  // (their categories), and their questions, read through this course:
  // what its authors may put in its quizzes. NotFound for a bank that is
  // not shared with it.
  Result<std::vector<Bank>> shared_banks(const std::string& course_id);
  Result<Listed> list_shared(const std::string& course_id, const std::string& owner_course_id, const ListQuery& q);
  Result<Bank> set_shared(const Actor& actor, const std::string& course_id, bool shared);

  Result<Category> create_category(const Actor& actor, const std::string& course_id, const std::string& name,
                                   const std::string& parent_id);
  // Renames and/or moves (never under itself or its descendants).
  Result<Category> update_category(const Actor& actor, const std::string& course_id, const std::string& category_id,
                                   std::optional<std::string> name, std::optional<std::string> parent_id,
                                   std::optional<int> position);
  // Only an empty category (no questions, archived or not, no children).
  Result<void> delete_category(const Actor& actor, const std::string& course_id, const std::string& category_id);

  Result<StoredQuestion> create_question(const Actor& actor, const std::string& course_id, QuestionInput input);
  // A new version; PreconditionFailed when base_version is not the current
  // one (someone else saved meanwhile).
  Result<StoredQuestion> update_question(const Actor& actor, const std::string& course_id,
                                         const std::string& question_id, int base_version, QuestionInput input);
  Result<StoredQuestion> set_archived(const Actor& actor, const std::string& course_id, const std::string& question_id,
                                      bool archived);
  // The current version, or `version`.
  Result<StoredQuestion> question(const std::string& course_id, const std::string& question_id,
                                  std::optional<int> version = std::nullopt);
  Result<std::vector<VersionInfo>> versions(const std::string& course_id, const std::string& question_id);
  Result<Listed> list(const std::string& course_id, const ListQuery& q);

  Result<ImportReport> import(const Actor& actor, const std::string& course_id, const ImportRequest& r);
  Result<ExportResult> export_questions(const std::string& course_id, const ExportRequest& r);

  // For quizzes of `course_id`: a question of its own bank or of a bank
  // shared in the same organisation (NotFound otherwise), at `version`
  // (current when absent; archived questions stay usable at a fixed
  // version, not for new uses).
  Result<UsableQuestion> usable(const std::string& course_id, const std::string& question_id,
                                std::optional<int> version);
  // The current versions of several questions in one read, for a quiz of
  // `course_id` (its own bank or a shared one's; archived questions and
  // those it may not use are left out).
  Result<std::map<std::string, int>> current_versions(const std::string& course_id,
                                                      const std::vector<std::string>& question_ids);
  // A version an attempt already holds: no access check (the attempt was
  // given it), archived or not.
  Result<UsableQuestion> pinned(const std::string& question_id, int version);
  // Current, not archived questions of a category (with subcategories) that
  // carry every tag and skill given, for random draws; ids sorted.
  Result<std::vector<std::string>> candidates(const std::string& course_id, const std::string& category_id,
                                              const std::vector<std::string>& tags,
                                              const std::vector<std::string>& skills);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

std::vector<authz::Capability> capabilities();
void register_routes(http::Router& router, Service& service);

}  // namespace trivium::bank
