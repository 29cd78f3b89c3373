// What the three interchange formats share, private to src/questions: the
// input limits every reader applies first, line numbers, ids by position,
// Moodle's percent fractions, numbers written to read back exactly, titles
// for questions that come without one, the last check of every imported
// question (validate()), and Moodle's embedded-answers syntax (cloze), which
// Moodle XML carries inside a question's text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "questions/interchange.h"

namespace trivium::questions::interchange {

// Refuses input over kMaxImportBytes with one "too_large" problem (false).
bool check_size(std::string_view input, Imported& out);

// Without leading UTF-8 byte order marks (editors on Windows add one).
std::string_view strip_bom(std::string_view input);

// The offset of the first byte that is not well-formed UTF-8 or is NUL
// (which no stored text may hold), or npos.
size_t find_bad_encoding(std::string_view s);

// 1-based line numbers of byte offsets in one text.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text);
  int line_of(size_t offset) const;

 private:
  std::vector<size_t> starts_;  // offset where each line starts
};

// Records a problem.
void add_problem(Imported& out, int line, std::string path, std::string code, std::string message);

// Ids inside a question by position: "a".."z", then "aa", "ab", ...
std::string position_id(size_t index);

// ASCII white space at both ends removed.
std::string_view trim(std::string_view s);
bool is_space(char c);

// Moodle keeps fractions with 7 decimals; importing rounds to them so that
// a fraction written as a percent reads back as the same double.
double round_fraction(double fraction);
// "100", "50", "33.33333", "-25": a fraction as the percent Moodle writes.
std::string percent_text(double fraction);

// A whole string as a finite decimal number ("3", "-0.5", "+2", "1e3");
// with `decimal_comma`, "0,5" too (Moodle's cloze and numerical answers).
std::optional<double> parse_decimal(std::string_view s, bool decimal_comma = false);
// The shortest text that reads back as the same double.
std::string number_text(double v);

// The title of a question whose file gives none (GIFT without ::title::,
// Aiken): its text on one line, markup removed for HTML, at most 80
// characters. Deterministic, so writing and reading again keeps it.
std::string derived_title(std::string_view text, TextFormat format);

// A Moodle category path without its context and "top":
// "$course$/top/Algebra/Linear" -> "Algebra/Linear"; "" for the top.
std::string category_path(std::string_view moodle_path);
// The inverse, in the course's context.
std::string moodle_category(std::string_view path);

// Runs validate(): a valid question is added to `out`; otherwise each field
// error becomes an "invalid_question" problem at the question's line/path,
// the message naming the field ("choices/2/fraction: ...").
void accept(ImportedQuestion question, Imported& out);

// "<title>: <what>" in Exported::lossy.
void note_lossy(Exported& out, const Question& q, std::string_view what);

// Moodle's embedded answers ("cloze"): "{2:MULTICHOICE:=right#well done~wrong}"
// in a question's text, each becoming a ClozePart and "{#n}" in our text.
// Types: NUMERICAL/NM, SHORTANSWER/SA/MW (case-insensitive),
// SHORTANSWER_C/SAC/MWC, MULTICHOICE/MC (dropdown), MULTICHOICE_V/MCV and
// MULTICHOICE_H/MCH (radio), MULTIRESPONSE/MR and MULTIRESPONSE_H/MRH
// (multiple choice), each choice type also shuffled with _S (MCS, MCVS,
// MCHS, MRS, MRHS). Escapes in answers and feedback: \} \# \~ \\ \/ \";
// HTML character references are decoded, as Moodle's editor writes them.
struct ClozeText {
  std::string text;  // with "{#1}"... where the parts were
  std::vector<ClozePart> parts;
  std::vector<std::string> errors;  // "part 2: ..." for parts that could not be read
};
ClozeText parse_cloze(std::string_view moodle_text);
// The inverse: our text with each "{#n}" replaced by part n in Moodle's
// syntax. What the syntax cannot carry (units, a relative tolerance, a
// fractional mark) is named in `lossy`.
std::string write_cloze(const std::string& text, const Cloze& cloze, std::vector<std::string>& lossy);

}  // namespace trivium::questions::interchange
