// multipart/mixed for statements with attachments: parsing (RFC 2046), the
// xAPI rules binding parts to attachment objects, and building the response
// of GET /statements?attachments=true.
#include "xapi/multipart.h"

#include <openssl/evp.h>

#include <algorithm>
#include <functional>

#include "xapi/statement.h"

namespace trivium::xapi {

namespace {

namespace bj = boost::json;

constexpr size_t kMaxHeadersPerPart = 64;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_token_char(char c) {
  if (c <= 0x20 || c >= 0x7F) return false;
  static constexpr std::string_view kSpecials = "()<>@,;:\\\"/[]?=";
  return kSpecials.find(c) == std::string_view::npos;
}

// RFC 2046 bcharsnospace, plus the space allowed inside a boundary.
bool is_boundary_char(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  static constexpr std::string_view kOthers = "'()+_,-./:=? ";
  return kOthers.find(c) != std::string_view::npos;
}

// The boundary parameter of a multipart/mixed Content-Type.
Result<std::string> boundary_of(std::string_view content_type) {
  size_t semi = content_type.find(';');
  if (!detail::iequals(trim(content_type.substr(0, semi)), "multipart/mixed")) {
    return fail(ErrorKind::BadRequest, "The Content-Type is not multipart/mixed.");
  }
  std::optional<std::string> boundary;
  size_t i = semi;
  while (i != std::string_view::npos && i < content_type.size()) {
    ++i;  // past ';'
    while (i < content_type.size() && (content_type[i] == ' ' || content_type[i] == '\t')) ++i;
    size_t name_start = i;
    while (i < content_type.size() && is_token_char(content_type[i])) ++i;
    std::string_view name = content_type.substr(name_start, i - name_start);
    if (name.empty() || i >= content_type.size() || content_type[i] != '=') {
      return fail(ErrorKind::BadRequest, "The multipart Content-Type has a malformed parameter.");
    }
    ++i;
    std::string value;
    if (i < content_type.size() && content_type[i] == '"') {
      ++i;
      bool closed = false;
      while (i < content_type.size()) {
        char c = content_type[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < content_type.size()) c = content_type[i++];
        value += c;
      }
      if (!closed) return fail(ErrorKind::BadRequest, "The multipart Content-Type has an unterminated quoted value.");
    } else {
      size_t start = i;
      while (i < content_type.size() && is_token_char(content_type[i])) ++i;
      value.assign(content_type.substr(start, i - start));
    }
    while (i < content_type.size() && (content_type[i] == ' ' || content_type[i] == '\t')) ++i;
    if (i < content_type.size() && content_type[i] != ';') {
      return fail(ErrorKind::BadRequest, "The multipart Content-Type has a malformed parameter.");
    }
    if (detail::iequals(name, "boundary")) boundary = std::move(value);
    if (i >= content_type.size()) break;
  }
  if (!boundary) return fail(ErrorKind::BadRequest, "The multipart Content-Type has no boundary parameter.");
  if (boundary->empty() || boundary->size() > 70 || boundary->back() == ' ' ||
      !std::all_of(boundary->begin(), boundary->end(), is_boundary_char)) {
    return fail(ErrorKind::BadRequest, "The multipart boundary is not a valid RFC 2046 boundary (1 to 70 characters).");
  }
  return *boundary;
}

struct Delimiter {
  size_t line_start;  // where the line break before "--boundary" starts: the end of the previous part
  size_t after;       // just past the delimiter line
  bool close;
};

class Scanner {
 public:
  Scanner(std::string_view body, const std::string& boundary)
      : body_(body), needle_("\n--" + boundary), searcher_(needle_.cbegin(), needle_.cend()) {}

  // The next delimiter line whose "--" starts at or after `from` (a line
  // start), or nullopt.
  std::optional<Delimiter> next(size_t from) const {
    const std::string_view dash = std::string_view(needle_).substr(1);
    size_t search_from = from == 0 ? 0 : from - 1;
    bool try_at_start = from == 0;
    while (true) {
      size_t pos;
      if (try_at_start && body_.substr(0, dash.size()) == dash) {
        pos = 0;
      } else {
        auto it = std::search(body_.begin() + static_cast<std::ptrdiff_t>(search_from), body_.end(), searcher_);
        if (it == body_.end()) return std::nullopt;
        pos = static_cast<size_t>(it - body_.begin()) + 1;
      }
      try_at_start = false;
      size_t j = pos + dash.size();
      size_t line_start = pos;
      if (pos > 0 && body_[pos - 1] == '\n') line_start = (pos >= 2 && body_[pos - 2] == '\r') ? pos - 2 : pos - 1;
      if (body_.substr(j, 2) == "--") return Delimiter{line_start, j + 2, true};
      while (j < body_.size() && (body_[j] == ' ' || body_[j] == '\t')) ++j;
      if (body_.substr(j, 2) == "\r\n") return Delimiter{line_start, j + 2, false};
      if (body_.substr(j, 1) == "\n") return Delimiter{line_start, j + 1, false};
      // "--boundary" followed by something else is part of the content.
      search_from = pos;
    }
  }

 private:
  std::string_view body_;
  std::string needle_;
  std::boyer_moore_horspool_searcher<std::string::const_iterator> searcher_;
};

// No control characters but the tab: a header line reaches our logs and, for
// the Content-Type, may be echoed.
bool printable(std::string_view line) {
  return std::none_of(line.begin(), line.end(), [](char ch) {
    unsigned char c = static_cast<unsigned char>(ch);
    return (c < 0x20 && c != '\t') || c == 0x7F;
  });
}

// Headers and body of one part's content (between two delimiter lines).
Result<Part> parse_part(std::string_view content) {
  Part part;
  size_t pos = 0;
  part.body = content.substr(content.size());
  while (pos < content.size()) {
    size_t line_end = content.find('\n', pos);
    size_t next = line_end == std::string_view::npos ? content.size() : line_end + 1;
    std::string_view line = content.substr(pos, (line_end == std::string_view::npos ? content.size() : line_end) - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = next;
    if (line.empty()) {
      part.body = content.substr(pos);
      return part;
    }
    if (!printable(line)) {
      return fail(ErrorKind::BadRequest, "A multipart part has a header line with control characters.");
    }
    if (line[0] == ' ' || line[0] == '\t') {
      // A folded header line continues the previous header.
      if (part.headers.empty())
        return fail(ErrorKind::BadRequest, "A multipart part starts with a folded header line.");
      part.headers.back().second += ' ';
      part.headers.back().second += trim(line);
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return fail(ErrorKind::BadRequest, "A multipart part has a header line without a name and a colon.");
    }
    std::string_view name = line.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), is_token_char)) {
      return fail(ErrorKind::BadRequest, "A multipart part has a header name with invalid characters.");
    }
    std::string_view value = trim(line.substr(colon + 1));
    if (part.headers.size() == kMaxHeadersPerPart) {
      return fail(ErrorKind::BadRequest, "A multipart part has too many headers.");
    }
    part.headers.emplace_back(std::string(name), std::string(value));
  }
  // Headers up to the delimiter and no body: RFC 2046 allows it.
  return part;
}

std::string digest_hex(std::string_view bytes, const EVP_MD* md) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), out, &len, md, nullptr) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[out[i] >> 4];
    hex += kHex[out[i] & 0x0F];
  }
  return hex;
}

bool safe_header_value(std::string_view v) {
  return !v.empty() &&
         std::none_of(v.begin(), v.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

}  // namespace

std::optional<std::string_view> Part::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (detail::iequals(n, name)) return std::string_view(v);
  return std::nullopt;
}

Result<std::vector<Part>> parse_multipart(std::string_view content_type, std::string_view body) {
  TRV_ASSIGN(std::string boundary, boundary_of(content_type));
  Scanner scanner(body, boundary);
  auto first = scanner.next(0);
  if (!first) return fail(ErrorKind::BadRequest, "The multipart body does not contain its boundary.");
  std::vector<Part> parts;
  if (first->close) return parts;
  size_t start = first->after;
  while (true) {
    auto delimiter = scanner.next(start);
    if (!delimiter) return fail(ErrorKind::BadRequest, "The multipart body has no closing boundary.");
    if (parts.size() == kMaxParts) {
      return fail(ErrorKind::BadRequest, "The multipart body has more than " + std::to_string(kMaxParts) + " parts.");
    }
    size_t end = std::max(delimiter->line_start, start);
    TRV_ASSIGN(Part part, parse_part(body.substr(start, end - start)));
    parts.push_back(std::move(part));
    if (delimiter->close) break;
    start = delimiter->after;
  }
  return parts;
}

std::string build_multipart(std::string_view boundary, std::string_view json,
                            const std::vector<std::pair<std::string, std::string>>& parts,
                            const std::vector<std::string>& hashes) {
  size_t size = json.size() + 128;
  for (const auto& p : parts) size += p.second.size() + p.first.size() + 256;
  std::string out;
  out.reserve(size);
  auto delimiter = [&] {
    out += "--";
    out += boundary;
    out += "\r\n";
  };
  delimiter();
  out += "Content-Type: application/json\r\n\r\n";
  out += json;
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& [type, bytes] = parts[i];
    out += "\r\n";
    delimiter();
    out += "Content-Type: ";
    out += safe_header_value(type) ? std::string_view(type) : std::string_view("application/octet-stream");
    out += "\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ";
    out += i < hashes.size() && safe_header_value(hashes[i]) ? hashes[i] : sha256_hex(bytes);
    out += "\r\n\r\n";
    out += bytes;
  }
  out += "\r\n--";
  out += boundary;
  out += "--\r\n";
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  return digest_hex(bytes, EVP_sha256());
}
std::string sha384_hex(std::string_view bytes) {
  return digest_hex(bytes, EVP_sha384());
}
std::string sha512_hex(std::string_view bytes) {
  return digest_hex(bytes, EVP_sha512());
}

Result<std::map<std::string, std::string_view>> bind_attachments(const std::vector<boost::json::object>& statements,
                                                                 const std::vector<Part>& parts) {
  struct Wanted {
    std::string sha2;
    bool has_file_url;
    std::string where;
  };
  std::vector<Wanted> wanted;
  auto collect = [&](const bj::object& st, const std::string& where) {
    const bj::value* list = st.if_contains("attachments");
    if (list == nullptr || !list->is_array()) return;
    for (size_t j = 0; j < list->get_array().size(); ++j) {
      const bj::value& a = list->get_array()[j];
      if (!a.is_object()) continue;
      const bj::value* sha2 = a.get_object().if_contains("sha2");
      if (sha2 == nullptr || !sha2->is_string()) continue;
      wanted.push_back({detail::to_lower(sha2->get_string()), a.get_object().contains("fileUrl"),
                        where + ".attachments[" + std::to_string(j) + "]"});
    }
  };
  for (size_t i = 0; i < statements.size(); ++i) {
    const std::string where = "statements[" + std::to_string(i) + "]";
    collect(statements[i], where);
    const bj::value* object = statements[i].if_contains("object");
    if (object != nullptr && object->is_object()) collect(object->get_object(), where + ".object");
  }
  std::map<std::string, std::string_view> out;
  for (size_t k = 0; k < parts.size(); ++k) {
    const Part& part = parts[k];
    const std::string label = "Attachment part " + std::to_string(k + 1);
    auto encoding = part.header("Content-Transfer-Encoding");
    if (encoding && !detail::iequals(trim(*encoding), "binary")) {
      return fail(ErrorKind::BadRequest, label + " must use Content-Transfer-Encoding: binary.");
    }
    auto declared = part.header("X-Experience-API-Hash");
    if (!declared) return fail(ErrorKind::BadRequest, label + " has no X-Experience-API-Hash header.");
    std::string hash = detail::to_lower(trim(*declared));
    std::string actual;
    if (hash.size() == 64) actual = sha256_hex(part.body);
    if (hash.size() == 96) actual = sha384_hex(part.body);
    if (hash.size() == 128) actual = sha512_hex(part.body);
    if (actual.empty()) {
      return fail(ErrorKind::BadRequest,
                  label + "'s X-Experience-API-Hash is not a SHA-256, SHA-384 or SHA-512 digest.");
    }
    if (actual != hash) {
      return fail(ErrorKind::BadRequest, label + "'s bytes do not hash to its X-Experience-API-Hash.");
    }
    bool matched = std::any_of(wanted.begin(), wanted.end(), [&](const Wanted& w) { return w.sha2 == hash; });
    if (!matched) return fail(ErrorKind::BadRequest, label + " matches the sha2 of no attachment in the statements.");
    out.emplace(std::move(hash), part.body);
  }
  for (const Wanted& w : wanted) {
    if (!w.has_file_url && out.count(w.sha2) == 0) {
      return fail(ErrorKind::BadRequest,
                  w.where + ": no part carries this attachment's data (sha2 " + w.sha2 + ") and it has no fileUrl.");
    }
  }
  return out;
}

}  // namespace trivium::xapi
