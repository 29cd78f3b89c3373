// The parts of the store that do not depend on the database: row access,
// Tx::one, the choice of implementation by URL and the parameter rewriting.
#include "core/db.h"

#include <charconv>
#include <cstdio>
#include <stdexcept>

#include "core/db_internal.h"

namespace trivium::db {

namespace {

[[noreturn]] void wrong_type(size_t i, const char* want) {
  throw std::logic_error("column " + std::to_string(i) + " does not hold " + want);
}

int64_t parse_i64(std::string_view s, size_t i) {
  // PostgreSQL returns booleans as "t"/"f" when a query yields one.
  if (s == "t" || s == "true") return 1;
  if (s == "f" || s == "false") return 0;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) wrong_type(i, "an integer");
  return v;
}

double parse_f64(std::string_view s, size_t i) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) wrong_type(i, "a number");
  return v;
}

}  // namespace

int64_t Row::i64(size_t i) const {
  const Value& v = cols_.at(i);
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
  if (auto p = std::get_if<std::string>(&v)) return parse_i64(*p, i);
  return 0;
}

double Row::f64(size_t i) const {
  const Value& v = cols_.at(i);
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (auto p = std::get_if<std::string>(&v)) return parse_f64(*p, i);
  return 0;
}

std::string Row::text(size_t i) const {
  const Value& v = cols_.at(i);
  if (auto p = std::get_if<std::string>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", *p);
    return buf;
  }
  return {};
}

std::optional<std::string> Row::opt_text(size_t i) const {
  if (is_null(i)) return std::nullopt;
  return text(i);
}

std::optional<int64_t> Row::opt_i64(size_t i) const {
  if (is_null(i)) return std::nullopt;
  return i64(i);
}

Result<std::optional<Row>> Tx::one(std::string_view sql, std::initializer_list<Param> params) {
  TRV_ASSIGN(Rows rows, query(sql, params));
  if (rows.empty()) return std::optional<Row>();
  if (rows.size() > 1) {
    return fail(ErrorKind::Internal,
                "query expected at most one row, got " + std::to_string(rows.size()) + ": " + std::string(sql));
  }
  return std::optional<Row>(std::move(rows.front()));
}

bool is_unique_violation(const Error& err) {
  return err.kind == ErrorKind::Conflict && err.detail.rfind("unique:", 0) == 0;
}

std::unique_ptr<Store> open_store(const StoreConfig& config) {
  const std::string& url = config.url;
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return open_pg_store(config);
  }
  std::string path = url;
  if (path.rfind("sqlite://", 0) == 0) {
    path = path.substr(9);
  } else if (path.rfind("sqlite:", 0) == 0) {
    path = path.substr(7);
  } else if (path.find("://") != std::string::npos) {
    throw std::runtime_error("unsupported store URL scheme in '" + url.substr(0, url.find("://")) +
                             "://...': use sqlite:PATH or postgresql://...");
  }
  if (path.empty()) throw std::runtime_error("the store URL names no SQLite file");
  return open_sqlite_store(path, config);
}

namespace {

// Where the scanner of rewrite_params is: parameters count only in Code.
enum class Lexeme { Code, Literal, Identifier, LineComment, BlockComment };

Lexeme next_lexeme(Lexeme state, std::string_view sql, size_t i) {
  const char c = sql[i];
  const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
  switch (state) {
    case Lexeme::Code:
      if (c == '\'') return Lexeme::Literal;
      if (c == '"') return Lexeme::Identifier;
      if (c == '-' && next == '-') return Lexeme::LineComment;
      if (c == '/' && next == '*') return Lexeme::BlockComment;
      return Lexeme::Code;
    // A doubled quote inside a literal closes and reopens it: same result.
    case Lexeme::Literal: return c == '\'' ? Lexeme::Code : state;
    case Lexeme::Identifier: return c == '"' ? Lexeme::Code : state;
    case Lexeme::LineComment: return c == '\n' ? Lexeme::Code : state;
    case Lexeme::BlockComment: return (c == '/' && i > 0 && sql[i - 1] == '*') ? Lexeme::Code : state;
  }
  return state;
}

}  // namespace

std::string rewrite_params(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  Lexeme state = Lexeme::Code;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    const bool digit_follows = i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9';
    if (state == Lexeme::Code && c == '$' && digit_follows) {
      out.push_back('?');
      continue;
    }
    // "/*" must not be read as closing a comment at its own '*'.
    const Lexeme before = state;
    state = next_lexeme(state, sql, i);
    out.push_back(c);
    if (before == Lexeme::Code && state == Lexeme::BlockComment) {
      out.push_back(sql[++i]);
    }
  }
  return out;
}

}  // namespace trivium::db
