// Question interchange: GIFT, Aiken and Moodle XML, read and written.
//
// Readers never stop at the first problem: they report every one, with the
// line (GIFT, Aiken; 1-based) or the element path (Moodle XML, e.g.
// "quiz/question[3]/answer[2]"), and still return the questions they could
// read, each with where it started. Whether a file with problems is
// imported at all is the caller's decision (the bank imports nothing unless
// asked to skip bad questions).
//
// Export followed by import gives back the same questions for every kind
// the format can express (ids inside a question are regenerated "a", "b", ...
// by position): GIFT has no ordering or cloze; Aiken has single choice only.
// Writers skip what the format cannot express and say so.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "questions/question.h"

namespace trivium::questions {

// Readers refuse larger inputs outright (one problem, code "too_large").
inline constexpr size_t kMaxImportBytes = 16u << 20;
inline constexpr size_t kMaxImportQuestions = 10000;

struct ImportedQuestion {
  Question question;
  // Category path from $CATEGORY: (GIFT) or <question type="category">
  // (XML), "/"-separated, without Moodle's "$course$/" or "top/" prefix;
  // empty when the file names none.
  std::string category;
  std::vector<std::string> tags;  // Moodle XML <tags>
  int line = 0;                   // GIFT, Aiken: where the question starts
  std::string path;               // Moodle XML: element path of the <question>
};

struct ImportProblem {
  int line = 0;      // GIFT, Aiken
  std::string path;  // Moodle XML
  // Stable: "syntax", "unsupported" (a construct Trivium has no place for),
  // "unknown_type", "invalid_question" (validate() refused it; the message
  // names the field), "bad_encoding", "too_large", "too_many_questions";
  // Aiken also "missing_answer", "unknown_answer", "too_few_options",
  // "duplicate_option".
  std::string code;
  std::string message;
};

struct Imported {
  std::vector<ImportedQuestion> questions;  // the ones read without problems
  std::vector<ImportProblem> problems;
};

Imported parse_gift(std::string_view text);
Imported parse_aiken(std::string_view text);
Imported parse_moodle_xml(std::string_view xml);

struct ExportEntry {
  const Question* question = nullptr;
  std::string category;
  std::vector<std::string> tags;
};

struct Exported {
  std::string text;
  std::vector<std::string> skipped;  // titles of questions the format cannot express
  // "<title>: <what was left out>" for each written question that lost
  // something the format has no place for (hints in GIFT, the title in
  // Aiken, ...): an author exporting to Moodle should know before relying on
  // the file.
  std::vector<std::string> lossy;
};

Exported to_gift(std::span<const ExportEntry> questions);
Exported to_aiken(std::span<const ExportEntry> questions);
Exported to_moodle_xml(std::span<const ExportEntry> questions);

}  // namespace trivium::questions
