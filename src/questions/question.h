// A question as authors write it and learners answer it: the pure model,
// its JSON form, validation, automatic grading and the display order of its
// choices. No storage and no HTTP here: the bank (questions.h) stores
// versions of these, quizzes grade responses with them, and the interchange
// formats (interchange.h) read and write them.
//
// One question is one of nine kinds (Body). Ids inside a question (choice,
// pair, item ids) are short strings stable across versions: responses name
// them, so a reordering by the author never changes what a learner chose.
// Fractions are the share of the question's mark a choice or answer earns:
// 1 is full credit, 0.5 half, negative values subtract (multiple choice with
// negative marks only).
//
// JSON form (the API's and the store's; every field below, snake_case):
//   {"type": "single_choice", "title": "...", "text": "...", "format": "markdown",
//    "general_feedback": "", "hints": [""], "default_mark": 1, ...kind fields}
//   single_choice   {"choices": [{"id","text","fraction","feedback"}], "shuffle": true}
//   multiple_choice {"choices": [...], "shuffle": true, "negative_marks": false}
//   true_false      {"correct": true, "feedback_true": "", "feedback_false": ""}
//   short_answer    {"answers": [{"pattern","fraction","feedback"}], "case_sensitive": false}
//   numerical       {"answers": [{"value","tolerance","tolerance_kind","fraction","feedback"}],
//                    "units": [{"name","multiplier"}], "unit_required": false}
//   matching        {"pairs": [{"id","prompt","answer"}], "shuffle": true}
//   ordering        {"items": [{"id","text"}], "scoring": "all_or_nothing"}
//   cloze           {"parts": [{"mark": 1, "display": "dropdown", <one of the
//                    single_choice / multiple_choice / short_answer / numerical forms with its "type">}]}
//                   with "{#1}", "{#2}"... in "text" where each part stands
//   essay           {"response_format": "text", "min_words": null, "max_words": null,
//                    "max_files": 0, "response_template": "", "grader_info": ""}
//
// Responses (what a learner answers) in JSON:
//   single_choice "b"; multiple_choice ["a","c"]; true_false true;
//   short_answer "text"; numerical "12.5 cm" (the unit is optional unless
//   required); matching {"<prompt pair id>": "<pair id whose answer is chosen>"};
//   ordering ["c","a","b"]; cloze {"1": <part response>, "2": ...};
//   essay {"text": "...", "files": ["<file id>"]}.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/result.h"

namespace trivium::questions {

enum class TextFormat { Markdown, Html, Plain };

struct Choice {
  std::string id;
  std::string text;
  double fraction = 0;
  std::string feedback;
  bool operator==(const Choice&) const = default;
};

// Exactly one choice is chosen. The best choice must earn 1; others may earn
// partial credit (>= 0).
struct SingleChoice {
  std::vector<Choice> choices;  // 2..26
  bool shuffle = true;
  bool operator==(const SingleChoice&) const = default;
};

// Any number of choices are chosen; the question earns the sum of their
// fractions (a wrong choice may carry a negative one, taking credit back),
// clamped to [0, 1] as Moodle does — or to [-1, 1] with negative_marks, where
// a wrong answer can cost marks from the rest of the quiz. The positive
// fractions sum to 1.
struct MultipleChoice {
  std::vector<Choice> choices;  // 2..26
  bool shuffle = true;
  bool negative_marks = false;
  bool operator==(const MultipleChoice&) const = default;
};

struct TrueFalse {
  bool correct = true;
  std::string feedback_true;   // shown to a learner who answered true
  std::string feedback_false;  // ... false
  bool operator==(const TrueFalse&) const = default;
};

// An accepted answer: '*' matches any run of characters (Moodle's
// wildcard); "\*" is a literal star. Leading and trailing white space of the
// response is ignored, inner runs of white space count as one space.
struct TextAnswer {
  std::string pattern;
  double fraction = 1;
  std::string feedback;
  bool operator==(const TextAnswer&) const = default;
};

struct ShortAnswer {
  std::vector<TextAnswer> answers;  // the first that matches, in this order, decides
  bool case_sensitive = false;
  bool operator==(const ShortAnswer&) const = default;
};

enum class Tolerance { Absolute, Relative };

// Accepted when |response - value| <= tolerance (Absolute) or
// <= tolerance * |value| (Relative).
struct NumericAnswer {
  double value = 0;
  double tolerance = 0;
  Tolerance tolerance_kind = Tolerance::Absolute;
  double fraction = 1;
  std::string feedback;
  bool operator==(const NumericAnswer&) const = default;
};

// A unit the response may carry; the number is divided by the multiplier
// (the first unit, multiplier 1, is the one the answers are written in:
// "cm" 1, "m" 0.01 means "0.12 m" equals 12 cm).
struct NumericUnit {
  std::string name;
  double multiplier = 1;
  bool operator==(const NumericUnit&) const = default;
};

struct Numerical {
  std::vector<NumericAnswer> answers;  // the first that accepts, in this order, decides
  std::vector<NumericUnit> units;
  bool unit_required = false;  // a bare number (or an unknown unit) earns nothing
  bool operator==(const Numerical&) const = default;
};

// A pair with an empty prompt is a distractor: its answer is offered but
// matches no prompt.
struct MatchPair {
  std::string id;
  std::string prompt;
  std::string answer;
  bool operator==(const MatchPair&) const = default;
};

// Each prompt earns an equal share when the chosen answer's text equals its
// own answer's text.
struct Matching {
  std::vector<MatchPair> pairs;  // >= 2 with a prompt
  bool shuffle = true;
  bool operator==(const Matching&) const = default;
};

struct OrderItem {
  std::string id;
  std::string text;
  bool operator==(const OrderItem&) const = default;
};

enum class OrderScoring {
  AllOrNothing,  // full credit only for the exact order
  Relative,      // share of items at their right position
  Adjacent,      // share of the n-1 neighbouring pairs that are right
};

struct Ordering {
  std::vector<OrderItem> items;  // in the right order; 2..50; shown shuffled
  OrderScoring scoring = OrderScoring::AllOrNothing;
  bool operator==(const Ordering&) const = default;
};

// One gap of a cloze text.
struct ClozePart {
  enum class Display { Dropdown, Radio };  // for single choice parts
  double mark = 1;                         // weight within the question
  Display display = Display::Dropdown;
  std::variant<SingleChoice, MultipleChoice, ShortAnswer, Numerical> body;
  bool operator==(const ClozePart&) const = default;
};

// The question's text holds "{#1}" ... "{#n}", once each, where the parts go.
struct Cloze {
  std::vector<ClozePart> parts;  // 1..50
  bool operator==(const Cloze&) const = default;
};

enum class EssayFormat { Text, Files, TextAndFiles };

// Graded by a person.
struct Essay {
  EssayFormat response_format = EssayFormat::Text;
  std::optional<int> min_words;
  std::optional<int> max_words;
  int max_files = 0;  // 0..20; must be > 0 unless the format is Text
  std::string response_template;
  std::string grader_info;  // for the graders only
  bool operator==(const Essay&) const = default;
};

using Body = std::variant<SingleChoice, MultipleChoice, TrueFalse, ShortAnswer, Numerical, Matching, Ordering, Cloze,
                          Essay>;

struct Question {
  std::string title;  // 1..255 characters
  std::string text;   // the stem, 1..65,536 bytes
  TextFormat format = TextFormat::Markdown;
  std::string general_feedback;
  std::vector<std::string> hints;  // <= 10
  double default_mark = 1;         // > 0, <= 1000
  Body body;
  bool operator==(const Question&) const = default;
};

// "single_choice", "multiple_choice", "true_false", "short_answer",
// "numerical", "matching", "ordering", "cloze", "essay".
std::string_view type_name(const Body& body);
std::string_view format_name(TextFormat f);
std::optional<TextFormat> parse_format(std::string_view name);

// Checks every rule above. Invalid with one FieldError per problem, paths
// relative to the question ("choices/2/fraction", "parts/0/answers").
Result<void> validate(const Question& q);

// JSON form. from_json refuses unknown fields, wrong types and anything
// validate() refuses (Invalid, with paths); ids missing in the input are
// generated ("a", "b", ... in order) before validation.
boost::json::value to_json(const Question& q);
Result<Question> from_json(const boost::json::value& v);

// A learner's response, typed.
struct ChoiceResponse {
  std::string choice_id;
  bool operator==(const ChoiceResponse&) const = default;
};
struct ChoicesResponse {
  std::vector<std::string> choice_ids;
  bool operator==(const ChoicesResponse&) const = default;
};
struct BoolResponse {
  bool value = false;
  bool operator==(const BoolResponse&) const = default;
};
struct TextResponse {
  std::string text;
  bool operator==(const TextResponse&) const = default;
};
struct MatchResponse {
  std::map<std::string, std::string> chosen;  // prompt pair id -> answer pair id
  bool operator==(const MatchResponse&) const = default;
};
struct OrderResponse {
  std::vector<std::string> item_ids;
  bool operator==(const OrderResponse&) const = default;
};
struct EssayResponse {
  std::string text;
  std::vector<std::string> file_ids;
  bool operator==(const EssayResponse&) const = default;
};
struct ClozeResponse;
using PartResponse = std::variant<ChoiceResponse, ChoicesResponse, TextResponse>;
struct ClozeResponse {
  std::map<int, PartResponse> parts;  // by part number, 1-based; missing = unanswered
  bool operator==(const ClozeResponse&) const = default;
};
using Response = std::variant<ChoiceResponse, ChoicesResponse, BoolResponse, TextResponse, MatchResponse,
                              OrderResponse, ClozeResponse, EssayResponse>;

// Reads a response in the JSON form for this question: Invalid (path
// "response", code "wrong_type" / "unknown_choice" / "too_long" ...) when it
// does not fit the question (a choice id the question lacks, a string for a
// multiple choice, more than 65,536 bytes of text).
Result<Response> response_from_json(const Question& q, const boost::json::value& v);
boost::json::value response_to_json(const Response& r);

// The automatic grade of a response.
struct Grade {
  // The share of the mark earned, in [-1, 1]; nullopt when a person must
  // grade (essays; a cloze never needs one).
  std::optional<double> fraction;
  // Feedback for the response: the chosen choices' or matched answer's
  // feedback (cloze: each part's, in order).
  std::vector<std::string> feedback;
  enum class State { Correct, Partial, Wrong, NeedsGrading };
  State state = State::Wrong;
};

Grade grade(const Question& q, const Response& r);

// One-line description of the right answer, for review ("b) Paris",
// "12.5 ± 0.1 cm"), in plain text.
std::string right_answer(const Question& q);
// One-line description of a response in plain text (item analysis and CSV
// export show it).
std::string describe(const Question& q, const Response& r);

// The order in which a learner sees the parts of a question in one attempt:
// choices (single/multiple choice), matching answers, ordering items and, in
// a cloze, each choice part's choices. A fixed permutation of their ids
// derived from the seed (reproducible), or the author's order when shuffling
// is off. Ordering items are always shuffled and, when there are more than
// one, never shown in their right order.
struct DisplayOrder {
  std::vector<std::string> ids;                // empty for kinds without choices
  std::map<int, std::vector<std::string>> parts;  // cloze: part number (1-based) -> choice ids
  bool operator==(const DisplayOrder&) const = default;
};
DisplayOrder display_order(const Question& q, uint64_t seed);

}  // namespace trivium::questions
