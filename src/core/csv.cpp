#include "core/csv.h"

#include "core/http.h"

namespace trivium::csv {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// One record being read; what goes wrong is remembered, the reading goes on
// to the end of the record so that the next one starts at the right place.
struct Pending {
  int line = 0;
  std::vector<std::string> fields;
  std::string field;
  bool quoted_seen = false;
  std::string error_code;
  std::string error_message;

  void fail(std::string code, std::string message) {
    if (error_code.empty()) {
      error_code = std::move(code);
      error_message = std::move(message);
    }
  }
};

class Reader {
 public:
  Reader(std::string_view text, char delimiter, const Limits& limits)
      : text_(text), delimiter_(delimiter), limits_(limits) {}

  Result<Document> run() {
    Document doc;
    doc.delimiter = delimiter_;
    while (pos_ < text_.size()) {
      Pending rec;
      rec.line = line_;
      bool complete = read_record(rec);
      if (!complete) {
        doc.errors.push_back({rec.line, "unterminated_quote",
                              "A quoted field is not closed; nothing after this line was read."});
        break;
      }
      if (rec.fields.size() == 1 && rec.fields[0].empty() && !rec.quoted_seen) continue;  // a blank line
      if (!rec.error_code.empty()) {
        doc.errors.push_back({rec.line, rec.error_code, rec.error_message});
        continue;
      }
      if (doc.records.size() >= limits_.max_records) {
        return fail(ErrorKind::Invalid,
                    "The file has more than " + std::to_string(limits_.max_records) + " records.");
      }
      doc.records.push_back({rec.line, std::move(rec.fields)});
    }
    if (doc.records.empty() && doc.errors.empty()) return fail(ErrorKind::Invalid, "The file is empty.");
    return doc;
  }

 private:
  // Reads one record up to and including its line end. False when the
  // document ends inside a quoted field.
  bool read_record(Pending& rec) {
    for (;;) {
      read_field(rec);
      if (pos_ > text_.size()) return false;  // unterminated quote
      end_field(rec);
      if (pos_ >= text_.size()) return true;
      char c = text_[pos_];
      if (c == delimiter_) {
        ++pos_;
        continue;
      }
      // A line end: \n, \r\n or a lone \r.
      ++pos_;
      if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      return true;
    }
  }

  void append(Pending& rec, char c) {
    if (rec.field.size() < limits_.max_field_bytes) {
      rec.field += c;
    } else {
      rec.fail("field_too_long", "A field is longer than " + std::to_string(limits_.max_field_bytes) + " bytes.");
    }
  }

  // Reads one field; leaves pos_ on the delimiter or line end after it, at
  // the end of the text, or past it when a quote was never closed.
  void read_field(Pending& rec) {
    if (pos_ < text_.size() && text_[pos_] == '"') {
      rec.quoted_seen = true;
      ++pos_;
      for (;;) {
        if (pos_ >= text_.size()) {
          pos_ = text_.size() + 1;
          return;
        }
        char c = text_[pos_++];
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            append(rec, '"');
            ++pos_;
            continue;
          }
          break;
        }
        if (c == '\n' || (c == '\r' && !(pos_ < text_.size() && text_[pos_] == '\n'))) ++line_;
        append(rec, c);
      }
      // After the closing quote only a delimiter or a line end may follow.
      while (pos_ < text_.size() && !at_boundary()) {
        rec.fail("stray_quote", "Text follows a closing quote; quote the whole field and double inner quotes.");
        ++pos_;
      }
      return;
    }
    while (pos_ < text_.size() && !at_boundary()) append(rec, text_[pos_++]);
  }

  bool at_boundary() const {
    char c = text_[pos_];
    return c == delimiter_ || c == '\n' || c == '\r';
  }

  void end_field(Pending& rec) {
    if (!http::is_valid_utf8(rec.field)) rec.fail("bad_utf8", "The line is not valid UTF-8.");
    if (rec.fields.size() < limits_.max_fields) {
      rec.fields.push_back(std::move(rec.field));
    } else {
      rec.fail("too_many_fields", "The line has more than " + std::to_string(limits_.max_fields) + " fields.");
    }
    rec.field.clear();
  }

  std::string_view text_;
  char delimiter_;
  const Limits& limits_;
  size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

char detect_delimiter(std::string_view header_line) {
  size_t commas = 0;
  size_t semicolons = 0;
  bool quoted = false;
  for (char c : header_line) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n' || c == '\r') break;
    if (c == ',') ++commas;
    if (c == ';') ++semicolons;
  }
  return semicolons > commas ? ';' : ',';
}

Result<Document> parse(std::string_view text, const Limits& limits, char delimiter) {
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
  return Reader(text, delimiter ? delimiter : detect_delimiter(text), limits).run();
}

namespace {

// "-1.5" or "+3" is a number, not a formula: it stays as it is.
bool is_plain_number(std::string_view f) {
  if (f.size() < 2 || (f[0] != '-' && f[0] != '+')) return false;
  bool digit = false;
  for (char c : f.substr(1)) {
    if (c >= '0' && c <= '9') digit = true;
    else if (c != '.') return false;
  }
  return digit;
}

bool looks_like_formula(std::string_view f) {
  if (f.empty() || is_plain_number(f)) return false;
  return f[0] == '=' || f[0] == '+' || f[0] == '-' || f[0] == '@' || f[0] == '\t' || f[0] == '\r';
}

}  // namespace

void append_record(std::string& out, const std::vector<std::string>& fields, char delimiter) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += delimiter;
    const std::string& f = fields[i];
    const bool formula = looks_like_formula(f);
    // A leading byte-order mark is quoted so that a reader does not take it
    // for the document's own.
    const bool quote = formula || f.find_first_of(std::string{'"', '\n', '\r', delimiter}) != std::string::npos ||
                       std::string_view(f).substr(0, kBom.size()) == kBom;
    if (!quote) {
      out += f;
      continue;
    }
    out += '"';
    if (formula) out += '\'';
    for (char c : f) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  out += "\r\n";
}

}  // namespace trivium::csv
