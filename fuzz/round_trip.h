// The invariant shared by the question-format fuzz targets (F3): any bytes
// are read without a crash or a sanitizer report; when they read without a
// problem, writing the questions and reading them again gives the same
// questions, categories and tags, with nothing skipped.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "questions/interchange.h"

namespace trivium::fuzz {

using Reader = questions::Imported (*)(std::string_view);
using Writer = questions::Exported (*)(std::span<const questions::ExportEntry>);

[[noreturn]] inline void broken(const char* format, const std::string& what, const std::string& input,
                                const std::string& written) {
  std::fprintf(stderr, "%s invariant broken: %s\n--- input\n%s\n--- written\n%s\n", format, what.c_str(), input.c_str(),
               written.c_str());
  std::abort();
}

inline int round_trip(const char* format, Reader read, Writer write, const uint8_t* data, size_t size) {
  using namespace questions;
  const std::string input(reinterpret_cast<const char*>(data), size);
  const Imported first = read(input);
  std::vector<ExportEntry> entries;
  for (const ImportedQuestion& q : first.questions) entries.push_back({&q.question, q.category, q.tags});
  const Exported out = write(entries);  // written even when some questions had problems
  if (!first.problems.empty()) return 0;
  if (!out.skipped.empty()) broken(format, "a question that was read cannot be written", input, out.text);
  const Imported second = read(out.text);
  if (!second.problems.empty())
    broken(format, "written text has a problem: " + second.problems[0].message, input, out.text);
  if (second.questions.size() != first.questions.size()) broken(format, "question count differs", input, out.text);
  for (size_t i = 0; i < first.questions.size(); ++i) {
    if (!(second.questions[i].question == first.questions[i].question))
      broken(format, "a question differs", input, out.text);
    if (second.questions[i].category != first.questions[i].category)
      broken(format, "a category differs", input, out.text);
    if (second.questions[i].tags != first.questions[i].tags) broken(format, "tags differ", input, out.text);
  }
  return 0;
}

}  // namespace trivium::fuzz
