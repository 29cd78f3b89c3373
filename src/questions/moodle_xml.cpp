// Moodle XML (<quiz><question type="...">...</question></quiz>), the format
// Moodle's question bank exports, read and written for every kind Trivium
// has: multichoice (single or multiple), truefalse, shortanswer, numerical
// (with units), matching, ordering (the qtype_ordering plugin), cloze (the
// embedded answers in the text, see interchange_util.h) and essay; category
// pseudo-questions set the category of the questions after them.
//
// Mapping choices: Moodle's text formats html, markdown and plain_text are
// ours; moodle_auto_format (plain text whose line breaks are kept, the
// default) is read as Plain. Texts are trimmed, as Moodle's importer does.
// Fractions are percents with Moodle's seven decimals of a fraction. An
// essay's "-1" attachments (unlimited) becomes 20, Trivium's most; a
// numerical question whose unit is graded (unitgradingtype 1 or 2) requires
// it. Moodle's combined feedback (correct/partially/incorrect), penalty and
// answer numbering have no place in the model and are not read.
//
// Security (F2, XXE): the document is parsed by pugixml without
// parse_doctype, so a DOCTYPE is skipped unread: no entity it declares is
// expanded (only XML's five and character references are), and pugixml
// never opens a file or the network for an external one.
#include <pugixml.hpp>

#include <algorithm>
#include <cmath>

#include "questions/answer_text.h"
#include "questions/interchange.h"
#include "questions/interchange_util.h"

namespace trivium::questions {

namespace {

using namespace interchange;

// CDATA, the predefined entities and character references, line ends;
// deliberately not parse_doctype (see above), nor comments or PIs.
constexpr unsigned kParseOptions = pugi::parse_cdata | pugi::parse_escapes | pugi::parse_eol;

std::string indexed(const std::string& path, std::string_view name, size_t index) {
  return path + "/" + std::string(name) + "[" + std::to_string(index) + "]";
}

std::optional<TextFormat> format_of(std::string_view name) {
  if (name == "html") return TextFormat::Html;
  if (name == "markdown") return TextFormat::Markdown;
  if (name == "plain_text" || name == "moodle_auto_format" || name.empty()) return TextFormat::Plain;
  return std::nullopt;
}

std::string_view moodle_format(TextFormat f) {
  switch (f) {
    case TextFormat::Html: return "html";
    case TextFormat::Markdown: return "markdown";
    case TextFormat::Plain: return "plain_text";
  }
  return "html";
}

// Reads one <question>, collecting its problems.
class QuestionReader {
 public:
  QuestionReader(pugi::xml_node node, std::string path, int line, Imported& out)
      : node_(node), path_(std::move(path)), line_(line), out_(out) {}

  bool failed() const { return failed_; }

  void problem(const std::string& path, std::string code, std::string message) {
    add_problem(out_, line_, path, std::move(code), std::move(message));
    failed_ = true;
  }

  // The character data of an element (CDATA included), trimmed.
  std::string data(pugi::xml_node el, const std::string& path) {
    std::string s;
    for (pugi::xml_node child : el.children()) {
      if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
        s += child.value();
      } else if (child.type() == pugi::node_element) {
        problem(path, "syntax", "holds markup; write HTML inside <![CDATA[...]]> or escaped.");
        return "";
      }
    }
    if (!answer_text::valid_utf8(s)) {
      problem(path, "bad_encoding", "a character reference stands for no valid character.");
      return "";
    }
    return std::string(trim(s));
  }

  // The text of <holder><text>...</text></holder>; "" when absent.
  std::string text(pugi::xml_node holder, const std::string& holder_path) {
    return data(holder.child("text"), holder_path + "/text");
  }
  std::string text_of(const char* name) { return text(node_.child(name), path_ + "/" + name); }

  std::optional<double> number(pugi::xml_node el, const std::string& path, double otherwise, bool comma = false) {
    const std::string s = data(el, path);
    if (!el || s.empty()) return otherwise;
    const auto v = parse_decimal(s, comma);
    if (!v) problem(path, "syntax", "\"" + answer_text::truncate_chars(s, 64) + "\" is not a number.");
    return v;
  }
  double number_of(const char* name, double otherwise) {
    return number(node_.child(name), path_ + "/" + name, otherwise).value_or(otherwise);
  }

  std::optional<int> whole_of(const char* name) {
    const pugi::xml_node el = node_.child(name);
    const auto v = number(el, path_ + "/" + name, 0);
    if (!v) return std::nullopt;
    if (*v != std::floor(*v) || std::abs(*v) > 1e6) {
      problem(path_ + "/" + name, "syntax", "must be a whole number.");
      return std::nullopt;
    }
    return static_cast<int>(*v);
  }

  // Moodle's booleans: "false", "0" or empty are false, anything else true.
  bool flag(const char* name, bool otherwise) {
    const pugi::xml_node el = node_.child(name);
    if (!el) return otherwise;
    const std::string s = data(el, path_ + "/" + name);
    return !(s.empty() || s == "0" || s == "false");
  }

  // A fraction attribute in percent ("100", "33.33333", "-50").
  double fraction(pugi::xml_node answer, const std::string& path) {
    const pugi::xml_attribute a = answer.attribute("fraction");
    if (!a) return 0;
    const auto v = parse_decimal(a.value());
    if (!v) {
      problem(path, "syntax", "the fraction \"" + answer_text::truncate_chars(a.value(), 64) + "\" is not a number.");
      return 0;
    }
    return round_fraction(*v / 100);
  }

  std::optional<ImportedQuestion> read(const std::string& type) {
    Question q;
    const pugi::xml_node qt = node_.child("questiontext");
    const std::optional<TextFormat> format = format_of(qt.attribute("format").value());
    if (!format)
      problem(path_ + "/questiontext", "syntax",
              "unknown text format \"" + answer_text::truncate_chars(qt.attribute("format").value(), 64) + "\".");
    q.format = format.value_or(TextFormat::Plain);
    q.text = text(qt, path_ + "/questiontext");
    q.title = text_of("name");
    q.general_feedback = text_of("generalfeedback");
    q.default_mark = number_of("defaultgrade", 1);
    size_t n = 0;
    for (pugi::xml_node hint : node_.children("hint")) {
      std::string h = text(hint, indexed(path_, "hint", ++n));
      if (!h.empty()) q.hints.push_back(std::move(h));
    }
    ImportedQuestion iq;
    n = 0;
    for (pugi::xml_node tag : node_.child("tags").children("tag")) {
      std::string t = text(tag, indexed(path_ + "/tags", "tag", ++n));
      if (!t.empty()) iq.tags.push_back(std::move(t));
    }
    if (!read_body(type, q)) return std::nullopt;
    if (q.title.empty()) q.title = derived_title(q.text, q.format);
    iq.question = std::move(q);
    return iq;
  }

 private:
  bool read_body(const std::string& type, Question& q) {
    if (type == "multichoice")
      q.body = read_multichoice();
    else if (type == "truefalse")
      return read_truefalse(q);
    else if (type == "shortanswer")
      q.body = read_shortanswer();
    else if (type == "numerical")
      return read_numerical(q);
    else if (type == "matching" || type == "match")
      q.body = read_matching();
    else if (type == "ordering")
      return read_ordering(q);
    else if (type == "cloze" || type == "multianswer")
      return read_cloze(q);
    else if (type == "essay")
      return read_essay(q);
    else if (type == "description") {
      problem(path_, "unsupported", "A description is not a question in Trivium.");
      return false;
    } else {
      problem(path_, "unknown_type",
              "Trivium does not know the question type \"" + answer_text::truncate_chars(type, 64) + "\".");
      return false;
    }
    return true;
  }

  Body read_multichoice() {
    std::vector<Choice> choices;
    size_t n = 0;
    for (pugi::xml_node a : node_.children("answer")) {
      const std::string at = indexed(path_, "answer", ++n);
      choices.push_back(
          {position_id(choices.size()), text(a, at), fraction(a, at), text(a.child("feedback"), at + "/feedback")});
    }
    const bool shuffle = flag("shuffleanswers", true);
    if (flag("single", true)) return SingleChoice{std::move(choices), shuffle};
    MultipleChoice mc{std::move(choices), shuffle};
    return mc;
  }

  bool read_truefalse(Question& q) {
    std::optional<double> true_fraction, false_fraction;
    TrueFalse tf;
    size_t n = 0;
    for (pugi::xml_node a : node_.children("answer")) {
      const std::string at = indexed(path_, "answer", ++n);
      std::string value = text(a, at);
      std::transform(value.begin(), value.end(), value.begin(),
                     [](char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; });
      const double f = fraction(a, at);
      const std::string feedback = text(a.child("feedback"), at + "/feedback");
      if (value == "true" && !true_fraction) {
        true_fraction = f;
        tf.feedback_true = feedback;
      } else if (value == "false" && !false_fraction) {
        false_fraction = f;
        tf.feedback_false = feedback;
      } else {
        problem(at, "syntax", "a true/false question has one answer \"true\" and one \"false\".");
      }
    }
    if (!true_fraction || !false_fraction || *true_fraction == *false_fraction) {
      problem(path_, "syntax", "a true/false question needs a \"true\" and a \"false\" answer, one of them right.");
      return false;
    }
    tf.correct = *true_fraction > *false_fraction;
    q.body = std::move(tf);
    return true;
  }

  Body read_shortanswer() {
    ShortAnswer sa;
    sa.case_sensitive = flag("usecase", false);
    size_t n = 0;
    for (pugi::xml_node a : node_.children("answer")) {
      const std::string at = indexed(path_, "answer", ++n);
      sa.answers.push_back({text(a, at), fraction(a, at), text(a.child("feedback"), at + "/feedback")});
    }
    return sa;
  }

  bool read_numerical(Question& q) {
    Numerical num;
    size_t n = 0;
    for (pugi::xml_node a : node_.children("answer")) {
      const std::string at = indexed(path_, "answer", ++n);
      const std::string value = text(a, at);
      if (value == "*") {
        problem(at, "unsupported", "an answer \"*\" (any other answer) has no equivalent in Trivium.");
        continue;
      }
      NumericAnswer answer;
      const auto v = parse_decimal(value, true);
      if (!v) problem(at, "syntax", "\"" + answer_text::truncate_chars(value, 64) + "\" is not a number.");
      answer.value = v.value_or(0);
      answer.tolerance = number(a.child("tolerance"), at + "/tolerance", 0, true).value_or(0);
      answer.fraction = fraction(a, at);
      answer.feedback = text(a.child("feedback"), at + "/feedback");
      num.answers.push_back(std::move(answer));
    }
    n = 0;
    for (pugi::xml_node u : node_.child("units").children("unit")) {
      const std::string at = indexed(path_ + "/units", "unit", ++n);
      NumericUnit unit;
      unit.name = data(u.child("unit_name"), at + "/unit_name");
      unit.multiplier = number(u.child("multiplier"), at + "/multiplier", 1, true).value_or(1);
      num.units.push_back(std::move(unit));
    }
    num.unit_required = number_of("unitgradingtype", 0) != 0;
    q.body = std::move(num);
    return true;
  }

  Body read_matching() {
    Matching m;
    m.shuffle = flag("shuffleanswers", true);
    size_t n = 0;
    for (pugi::xml_node s : node_.children("subquestion")) {
      const std::string at = indexed(path_, "subquestion", ++n);
      m.pairs.push_back({position_id(m.pairs.size()), text(s, at), text(s.child("answer"), at + "/answer")});
    }
    return m;
  }

  bool read_ordering(Question& q) {
    // Each answer's fraction is its place in the right order.
    std::vector<std::pair<double, std::string>> items;
    size_t n = 0;
    for (pugi::xml_node a : node_.children("answer")) {
      const std::string at = indexed(path_, "answer", ++n);
      const auto place = parse_decimal(a.attribute("fraction").value());
      items.emplace_back(place.value_or(0), text(a, at));
    }
    std::stable_sort(items.begin(), items.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    Ordering o;
    for (auto& [place, item_text] : items) o.items.push_back({position_id(o.items.size()), std::move(item_text)});
    const std::string grading = data(node_.child("gradingtype"), path_ + "/gradingtype");
    if (grading == "ALL_OR_NOTHING" || grading == "-1")
      o.scoring = OrderScoring::AllOrNothing;
    else if (grading == "ABSOLUTE_POSITION" || grading == "0" || grading.empty())
      o.scoring = OrderScoring::Relative;
    else if (grading == "RELATIVE_NEXT_EXCLUDE_LAST" || grading == "1")
      o.scoring = OrderScoring::Adjacent;
    else
      problem(path_ + "/gradingtype", "unsupported",
              "the grading type \"" + answer_text::truncate_chars(grading, 64) + "\" has no equivalent in Trivium.");
    const std::string select = data(node_.child("selecttype"), path_ + "/selecttype");
    const double count = number_of("selectcount", 0);
    if (!(select.empty() || select == "ALL" || select == "0") && count > 0 && count < o.items.size())
      problem(path_ + "/selecttype", "unsupported", "showing a subset of the items has no equivalent in Trivium.");
    q.body = std::move(o);
    return true;
  }

  bool read_cloze(Question& q) {
    ClozeText cloze = parse_cloze(q.text);
    for (const std::string& e : cloze.errors) problem(path_ + "/questiontext", "syntax", e);
    q.text = std::move(cloze.text);
    q.body = Cloze{std::move(cloze.parts)};
    return cloze.errors.empty();
  }

  bool read_essay(Question& q) {
    Essay e;
    const std::string format = data(node_.child("responseformat"), path_ + "/responseformat");
    const int attachments = whole_of("attachments").value_or(0);
    e.max_files = attachments < 0 ? 20 : attachments;  // -1: unlimited
    if (format == "noinline")
      e.response_format = EssayFormat::Files;
    else
      e.response_format = e.max_files > 0 ? EssayFormat::TextAndFiles : EssayFormat::Text;
    for (auto [name, field] : {std::pair{"minwordlimit", &e.min_words}, std::pair{"maxwordlimit", &e.max_words}}) {
      if (const auto words = whole_of(name); words && *words != 0) *field = *words;
    }
    e.grader_info = text_of("graderinfo");
    e.response_template = text_of("responsetemplate");
    q.body = std::move(e);
    return true;
  }

  pugi::xml_node node_;
  std::string path_;
  int line_;
  Imported& out_;
  bool failed_ = false;
};

}  // namespace

Imported parse_moodle_xml(std::string_view xml) {
  Imported out;
  if (!check_size(xml, out)) return out;
  xml = strip_bom(xml);
  const LineIndex lines(xml);
  if (const size_t bad = find_bad_encoding(xml); bad != std::string_view::npos) {
    add_problem(out, lines.line_of(bad), "", "bad_encoding", "The file is not valid UTF-8 or holds a NUL byte.");
    return out;
  }
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size(), kParseOptions, pugi::encoding_utf8);
  if (!parsed) {
    add_problem(out, lines.line_of(static_cast<size_t>(std::max<ptrdiff_t>(parsed.offset, 0))), "", "syntax",
                std::string("The file is not well-formed XML: ") + parsed.description() + ".");
    return out;
  }
  const pugi::xml_node quiz = doc.document_element();
  if (std::string_view(quiz.name()) != "quiz") {
    add_problem(out, 0, quiz.name(), "syntax", "The root element must be <quiz>.");
    return out;
  }
  std::string category;
  size_t index = 0, questions = 0;
  for (pugi::xml_node node : quiz.children("question")) {
    const std::string path = indexed("quiz", "question", ++index);
    const ptrdiff_t offset = node.offset_debug();
    const int line = offset < 0 ? 0 : lines.line_of(static_cast<size_t>(offset));
    const std::string type = node.attribute("type").value();
    QuestionReader reader(node, path, line, out);
    if (type == "category") {
      const std::string c = reader.text(node.child("category"), path + "/category");
      if (!reader.failed()) category = category_path(c);
      continue;
    }
    if (++questions > kMaxImportQuestions) {
      add_problem(
          out, line, path, "too_many_questions",
          "The file has more than " + std::to_string(kMaxImportQuestions) + " questions; the rest is not read.");
      break;
    }
    std::optional<ImportedQuestion> q = reader.read(type);
    if (!q || reader.failed()) continue;
    q->category = category;
    q->line = line;
    q->path = path;
    accept(std::move(*q), out);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Writing

namespace {

std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        // A carriage return would be read back as a line feed, and other
        // control characters may not appear raw in XML.
        if (u < 0x20 && c != '\n' && c != '\t')
          out += "&#" + std::to_string(u) + ";";
        else
          out += c;
    }
  }
  return out;
}

class XmlWriter {
 public:
  explicit XmlWriter(Exported& out) : out_(out), s_(out.text) {}

  void category(const std::string& path) {
    s_ += "  <question type=\"category\">\n    <category>\n      <text>" + escape(moodle_category(path)) +
          "</text>\n    </category>\n  </question>\n";
  }

  // Returns false when Moodle XML cannot hold q (nothing written).
  bool question(const ExportEntry& e) {
    q_ = e.question;
    const Question& q = *q_;
    std::string text = q.text;
    if (const auto* cloze = std::get_if<Cloze>(&q.body)) {
      std::vector<std::string> lossy;
      text = write_cloze(q.text, *cloze, lossy);
      for (const std::string& what : lossy) note_lossy(out_, q, what);
    }
    s_ += "  <question type=\"" + std::string(type_of(q.body)) + "\">\n";
    text_element("name", std::nullopt, q.title);
    text_element("questiontext", q.format, text);
    text_element("generalfeedback", q.format, q.general_feedback);
    value("defaultgrade", number_text(q.default_mark));
    value("penalty", "0.3333333");
    value("hidden", "0");
    std::visit([&](const auto& body) { write(body); }, q.body);
    for (const std::string& hint : q.hints) text_element("hint", q.format, hint);
    if (!e.tags.empty()) {
      s_ += "    <tags>\n";
      for (const std::string& tag : e.tags) s_ += "      <tag><text>" + escape(tag) + "</text></tag>\n";
      s_ += "    </tags>\n";
    }
    s_ += "  </question>\n";
    return true;
  }

 private:
  static std::string_view type_of(const Body& body) {
    static constexpr std::string_view kTypes[] = {"multichoice", "multichoice", "truefalse", "shortanswer", "numerical",
                                                  "matching",    "ordering",    "cloze",     "essay"};
    static_assert(std::size(kTypes) == std::variant_size_v<Body>);
    return kTypes[body.index()];
  }

  void value(std::string_view tag, std::string_view v) {
    s_ += "    <" + std::string(tag) + ">" + escape(v) + "</" + std::string(tag) + ">\n";
  }

  static std::string format_attr(std::optional<TextFormat> f) {
    return f ? " format=\"" + std::string(moodle_format(*f)) + "\"" : "";
  }

  void text_element(std::string_view tag, std::optional<TextFormat> f, std::string_view text) {
    s_ += "    <" + std::string(tag) + format_attr(f) + ">\n      <text>" + escape(text) + "</text>\n    </" +
          std::string(tag) + ">\n";
  }

  // <answer fraction="..."><text>...</text><feedback>...</feedback>{extra}</answer>
  void answer(double fraction, std::string_view text, std::string_view feedback, bool formatted,
              std::string_view extra = "") {
    const std::string f = format_attr(q_->format);
    s_ += "    <answer fraction=\"" + percent_text(fraction) + "\"" + (formatted ? f : "") + ">\n      <text>" +
          escape(text) + "</text>\n      <feedback" + f + "><text>" + escape(feedback) + "</text></feedback>\n" +
          std::string(extra) + "    </answer>\n";
  }

  void choices(const std::vector<Choice>& choices, bool single, bool shuffle) {
    value("single", single ? "true" : "false");
    value("shuffleanswers", shuffle ? "true" : "false");
    value("answernumbering", "abc");
    for (const Choice& c : choices) answer(c.fraction, c.text, c.feedback, true);
  }

  void write(const SingleChoice& b) { choices(b.choices, true, b.shuffle); }

  void write(const MultipleChoice& b) {
    if (b.negative_marks) note_lossy(out_, *q_, "negative marks (a total below zero) are not kept: Moodle clamps at zero");
    choices(b.choices, false, b.shuffle);
  }

  void write(const TrueFalse& b) {
    answer(b.correct ? 1 : 0, "true", b.feedback_true, false);
    answer(b.correct ? 0 : 1, "false", b.feedback_false, false);
  }

  void write(const ShortAnswer& b) {
    value("usecase", b.case_sensitive ? "1" : "0");
    for (const TextAnswer& a : b.answers) answer(a.fraction, a.pattern, a.feedback, false);
  }

  void write(const Numerical& b) {
    for (const NumericAnswer& a : b.answers) {
      double tolerance = a.tolerance;
      if (a.tolerance_kind == Tolerance::Relative) {
        note_lossy(out_, *q_, "a relative tolerance is written as an absolute one (Moodle has no other)");
        tolerance = a.tolerance * std::abs(a.value);
      }
      answer(a.fraction, number_text(a.value), a.feedback, false,
             "      <tolerance>" + number_text(tolerance) + "</tolerance>\n");
    }
    if (!b.units.empty()) {
      s_ += "    <units>\n";
      for (const NumericUnit& u : b.units)
        s_ += "      <unit>\n        <multiplier>" + number_text(u.multiplier) + "</multiplier>\n        <unit_name>" +
              escape(u.name) + "</unit_name>\n      </unit>\n";
      s_ += "    </units>\n";
    }
    // A required unit: a response without it loses the whole mark.
    value("unitgradingtype", b.unit_required ? "1" : "0");
    value("unitpenalty", b.unit_required ? "1.0000000" : "0.1000000");
    value("showunits", b.units.empty() ? "3" : "0");
    value("unitsleft", "0");
  }

  void write(const Matching& b) {
    value("shuffleanswers", b.shuffle ? "true" : "false");
    for (const MatchPair& p : b.pairs)
      s_ += "    <subquestion" + format_attr(q_->format) + ">\n      <text>" + escape(p.prompt) +
            "</text>\n      <answer>\n        <text>" + escape(p.answer) +
            "</text>\n      </answer>\n    </subquestion>\n";
  }

  void write(const Ordering& b) {
    value("layouttype", "VERTICAL");
    value("selecttype", "ALL");
    value("selectcount", "0");
    value("gradingtype", b.scoring == OrderScoring::AllOrNothing ? "ALL_OR_NOTHING"
                         : b.scoring == OrderScoring::Relative   ? "ABSOLUTE_POSITION"
                                                                 : "RELATIVE_NEXT_EXCLUDE_LAST");
    value("showgrading", "SHOW");
    value("numberingstyle", "none");
    for (size_t i = 0; i < b.items.size(); ++i)
      s_ += "    <answer fraction=\"" + std::to_string(i + 1) + "\"" + format_attr(q_->format) + ">\n      <text>" +
            escape(b.items[i].text) + "</text>\n    </answer>\n";
  }

  void write(const Cloze&) {}  // the parts are in the question text

  void write(const Essay& b) {
    const bool files_only = b.response_format == EssayFormat::Files;
    value("responseformat", files_only ? "noinline" : q_->format == TextFormat::Plain ? "plain" : "editor");
    value("responserequired", files_only ? "0" : "1");
    value("responsefieldlines", "15");
    value("minwordlimit", b.min_words ? std::to_string(*b.min_words) : "");
    value("maxwordlimit", b.max_words ? std::to_string(*b.max_words) : "");
    const int files = b.response_format == EssayFormat::Text ? 0 : b.max_files;
    if (b.response_format == EssayFormat::Text && b.max_files != 0)
      note_lossy(out_, *q_, "files allowed with a text-only response are not kept");
    value("attachments", std::to_string(files));
    value("attachmentsrequired", files_only ? "1" : "0");
    value("maxbytes", "0");
    value("filetypeslist", "");
    text_element("graderinfo", q_->format, b.grader_info);
    text_element("responsetemplate", q_->format, b.response_template);
  }

  Exported& out_;
  std::string& s_;
  const Question* q_ = nullptr;
};

}  // namespace

Exported to_moodle_xml(std::span<const ExportEntry> questions) {
  Exported out;
  out.text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n";
  XmlWriter writer(out);
  std::optional<std::string> category;
  for (const ExportEntry& e : questions) {
    if (e.question == nullptr) continue;
    if (category.value_or("") != e.category) {
      writer.category(e.category);
      category = e.category;
    }
    if (!writer.question(e)) out.skipped.push_back(e.question->title);
  }
  out.text += "</quiz>\n";
  return out;
}

}  // namespace trivium::questions
