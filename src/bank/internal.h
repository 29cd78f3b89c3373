// Internal to the bank module: the service's state and the reads shared by
// its parts (categories.cpp, questions.cpp, transfer.cpp). SQL is written
// once for both stores (see core/db.h).
#pragma once

#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "bank/bank.h"

namespace trivium::bank {

struct Service::Impl {
  db::Store& store;
  const Clock& clock;
  audit::AuditLog& audit;
  Ports ports;

  audit::Event event(const Actor& actor, std::string action, const courses::Course& course, std::string target_kind,
                     std::string target_id, std::string detail_json = {}) const;
};

// The categories of one bank, as a tree.
struct Tree {
  std::vector<Category> categories;  // depth-first, by position
  std::map<std::string, size_t> index;

  const Category* find(const std::string& id) const;
  // The category and everything under it.
  std::vector<std::string> subtree(const std::string& id) const;
  int depth(const std::string& id) const;  // 1 for a top-level category
};

// Loads a bank's categories (with question counts) inside a transaction.
Result<Tree> load_tree(db::Tx& tx, const std::string& course_id);
// Creates the bank row if the course has none yet.
Result<void> ensure_bank(db::Tx& tx, const courses::Course& course, int64_t now_ms);
// Inserts a category as the last child of `parent_id` ("" for the top).
Result<Category> insert_category(db::Tx& tx, const std::string& course_id, const std::string& parent_id,
                                 const std::string& name, int64_t now_ms);
// Checks a category name: 1..kMaxCategoryName characters, no '/', no
// control characters, no leading or trailing white space.
Result<void> check_category_name(const std::string& name, const std::string& field);

// Inserts a new question (version 1) with its labels.
Result<std::string> insert_question(db::Tx& tx, const std::string& course_id, const QuestionInput& in,
                                    const Actor& actor, int64_t now_ms);
Result<void> check_labels(const QuestionInput& in);

// Reads stored questions with their labels: `version_expr` says which
// version joins ("q.current_version" or a parameter), `tail_sql` is the
// WHERE clause onwards (ORDER BY, LIMIT) over `q` (questions) and `v`
// (question_versions).
Result<std::vector<StoredQuestion>> read_questions(db::Tx& tx, std::string_view version_expr, std::string_view tail_sql,
                                                   std::span<const db::Param> params);

}  // namespace trivium::bank
