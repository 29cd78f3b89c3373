// HTTP for the LRS: the xAPI resources under /xapi/ and the management of an
// organisation's xAPI clients under /api/v1. Every /xapi request but /about
// names its xAPI version; the answer carries the version it was served in.

#include <boost/json.hpp>
#include <ctime>
#include <map>

#include "core/clock.h"
#include "core/ids.h"
#include "core/json.h"
#include "core/pipeline.h"
#include "lrs/internal.h"

namespace trivium::lrs {
namespace {

using http::Request;
using http::Response;
using Params = std::map<std::string, std::string>;

constexpr size_t kMaxStatementsBody = 16u << 20;
constexpr size_t kMaxDocumentBody = 8u << 20;
constexpr std::string_view kSignatureUsage = "http://adlnet.gov/expapi/attachments/signature";

Response problem(ErrorKind kind, std::string detail, const Request& req) {
  return http::problem(Error{kind, std::move(detail), {}, 0}, req.request_id);
}

// The query string as a map; BadRequest on a bad escape or a repeated name.
Result<Params> query_params(const Request& req) {
  Params out;
  std::string_view q = req.query;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto name = http::url_decode(pair.substr(0, eq), true);
    auto value = http::url_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!name || !value) return fail(ErrorKind::BadRequest, "The query string is not valid percent-encoded UTF-8.");
    if (!out.emplace(*name, *value).second) {
      return fail(ErrorKind::BadRequest, "The parameter " + *name + " is given twice.");
    }
  }
  return out;
}

Result<void> only_known(const Params& p, std::initializer_list<std::string_view> known) {
  for (const auto& [name, value] : p) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return fail(ErrorKind::BadRequest, "Unknown parameter: " + name + ".");
    }
  }
  return ok();
}

std::optional<std::string> get(const Params& p, const std::string& name) {
  auto it = p.find(name);
  if (it == p.end()) return std::nullopt;
  return it->second;
}

Result<std::string> required(const Params& p, const std::string& name) {
  auto v = get(p, name);
  if (!v) return fail(ErrorKind::BadRequest, "The parameter " + name + " is required.");
  return *v;
}

Result<bool> flag(const Params& p, const std::string& name) {
  auto v = get(p, name);
  if (!v) return false;
  if (*v == "true") return true;
  if (*v == "false") return false;
  return fail(ErrorKind::BadRequest, "The parameter " + name + " is true or false.");
}

std::string http_date(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

// base64url without padding, for the opaque `more` cursor.
std::string to_url64(std::string s) {
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}
std::optional<std::string> from_url64(std::string s) {
  for (char& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (s.size() % 4 != 0) s += '=';
  return base64_decode(s);
}

// The handler of one xAPI resource: the version is checked before it runs.
using XapiFn = Response (*)(Service::Impl&, Request&, xapi::Version);

Response with_version(Response r, xapi::Version v) {
  r.header("X-Experience-API-Version", std::string(xapi::version_string(v)));
  return r;
}

http::Handler xapi_handler(Service::Impl& im, XapiFn fn) {
  return [&im, fn](Request& req) {
    auto header = req.header("X-Experience-API-Version");
    if (!header) {
      return with_version(problem(ErrorKind::BadRequest, "Send the X-Experience-API-Version header.", req),
                          xapi::Version::V2_0);
    }
    auto version = xapi::parse_version(*header);
    if (!version) {
      return with_version(
          problem(ErrorKind::BadRequest, "Unsupported X-Experience-API-Version: " + std::string(*header) + ".", req),
          xapi::Version::V2_0);
    }
    return with_version(fn(im, req, *version), *version);
  };
}

// ---- statements --------------------------------------------------------

struct StatementsBody {
  std::vector<bj::object> statements;
  bool batch = false;
  std::string raw;  // keeps the bytes the attachment views point into
  std::map<std::string, std::string_view> attachments;
};

// A problem's path inside a batch: "statement: ..." (the statement as a
// whole) or "actor.mbox: ..." becomes "statements[3]: ..." / "statements[3].actor.mbox: ...".
std::string in_batch(size_t i, const std::string& detail) {
  const std::string prefix = "statements[" + std::to_string(i) + "]";
  constexpr std::string_view kWhole = "statement";
  if (detail.compare(0, kWhole.size(), kWhole) == 0 &&
      (detail.size() == kWhole.size() || detail[kWhole.size()] == ':' || detail[kWhole.size()] == '.')) {
    return prefix + detail.substr(kWhole.size());
  }
  return prefix + "." + detail;
}

Result<std::vector<bj::object>> checked_statements(bj::value& v, xapi::Version version, bool& batch) {
  std::vector<bj::object> out;
  if (v.is_array()) {
    batch = true;
    bj::array& list = v.get_array();
    if (list.empty()) return fail(ErrorKind::BadRequest, "The batch holds no statement.");
    out.reserve(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
      auto st = xapi::check_statement(std::move(list[i]), version);
      if (!st) {
        Error e = std::move(st).error();
        e.detail = in_batch(i, e.detail);
        return fail(std::move(e));
      }
      out.push_back(std::move(*st));
    }
  } else {
    TRV_ASSIGN(bj::object st, xapi::check_statement(std::move(v), version));
    out.push_back(std::move(st));
  }
  return out;
}

// Reads a statements body (JSON, or multipart/mixed with attachments) and
// checks attachments and signatures.
Result<StatementsBody> read_statements(Request& req, xapi::Version version) {
  StatementsBody body;
  auto content_type = req.header("Content-Type");
  const std::string type = content_type ? media_type(*content_type) : "";
  body.raw = std::move(req.body);
  std::string_view json_text;
  std::vector<xapi::Part> parts;
  if (type == "application/json") {
    json_text = body.raw;
  } else if (type == "multipart/mixed") {
    TRV_ASSIGN(parts, xapi::parse_multipart(*content_type, body.raw));
    if (parts.empty()) return fail(ErrorKind::BadRequest, "The multipart body holds no part.");
    auto first_type = parts.front().header("Content-Type");
    if (!first_type || media_type(*first_type) != "application/json") {
      return fail(ErrorKind::BadRequest, "The first part of a multipart body is the application/json statements.");
    }
    json_text = parts.front().body;
  } else {
    return fail(ErrorKind::UnsupportedMediaType, "Send statements as application/json or multipart/mixed.");
  }
  TRV_ASSIGN(bj::value v, json::parse(json_text));
  TRV_ASSIGN(body.statements, checked_statements(v, version, body.batch));
  std::vector<xapi::Part> attachment_parts;
  if (!parts.empty()) attachment_parts.assign(parts.begin() + 1, parts.end());
  TRV_ASSIGN(body.attachments, xapi::bind_attachments(body.statements, attachment_parts));
  for (size_t i = 0; i < body.statements.size(); ++i) {
    const bj::object& st = body.statements[i];
    if (!xapi::is_signed(st)) continue;
    std::optional<std::string_view> jws;
    for (const bj::value& a : st.at("attachments").get_array()) {
      const bj::object& att = a.get_object();
      const bj::value* usage = att.if_contains("usageType");
      const bj::value* sha = att.if_contains("sha2");
      if (usage && usage->is_string() && usage->get_string() == kSignatureUsage && sha && sha->is_string()) {
        std::string key(sha->get_string().c_str());
        for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto found = body.attachments.find(key);
        if (found != body.attachments.end()) jws = found->second;
      }
    }
    // A signature kept elsewhere (fileUrl) cannot be checked here.
    if (!jws) continue;
    auto verified = xapi::verify_signed_statement(st, *jws);
    if (!verified) {
      Error e = std::move(verified).error();
      e.detail = "statements[" + std::to_string(i) + "]: " + e.detail;
      return fail(std::move(e));
    }
  }
  return body;
}

Response put_statement(Service::Impl& im, Request& req, xapi::Version version) {
  auto params = query_params(req);
  if (!params) return http::problem(params.error(), req.request_id);
  if (auto k = only_known(*params, {"statementId"}); !k) return http::problem(k.error(), req.request_id);
  auto id = get(*params, "statementId");
  if (!id) return problem(ErrorKind::BadRequest, "PUT /statements needs the statementId parameter.", req);
  if (!xapi::valid_uuid(*id)) return problem(ErrorKind::BadRequest, "statementId is not a UUID.", req);
  auto body = read_statements(req, version);
  if (!body) return http::problem(body.error(), req.request_id);
  if (body->batch || body->statements.size() != 1) {
    return problem(ErrorKind::BadRequest, "PUT /statements stores exactly one statement.", req);
  }
  bj::object& st = body->statements.front();
  if (const bj::value* own = st.if_contains("id")) {
    if (!own->is_string() || own->get_string() != *id) {
      return problem(ErrorKind::BadRequest, "The statement's id differs from statementId.", req);
    }
  }
  st["id"] = *id;
  Authority authority{req.subject.client_id, im.authority_for(req.subject.client_id)};
  auto ids = im.write_statements(req.subject.organisation_id, authority, std::move(body->statements), body->attachments,
                                 version);
  if (!ids) return http::problem(ids.error(), req.request_id);
  return Response::no_content();
}

Response post_statements(Service::Impl& im, Request& req, xapi::Version version) {
  if (!req.query.empty()) {
    return problem(ErrorKind::BadRequest, "POST /statements takes no parameters.", req);
  }
  auto body = read_statements(req, version);
  if (!body) return http::problem(body.error(), req.request_id);
  Authority authority{req.subject.client_id, im.authority_for(req.subject.client_id)};
  auto ids = im.write_statements(req.subject.organisation_id, authority, std::move(body->statements), body->attachments,
                                 version);
  if (!ids) return http::problem(ids.error(), req.request_id);
  return json::response(200, bj::value_from(*ids));
}

// The statements of a page in the requested format, as JSON text.
std::string render_statement(const StoredStatement& s, xapi::Format format, const std::vector<std::string>& langs) {
  if (format == xapi::Format::Exact) return s.body;
  auto v = bj::parse(s.body);
  return bj::serialize(xapi::format_statement(v.get_object(), format, langs));
}

Response statements_response(Service::Impl& im, const Request& req, std::string json_text, bool attachments,
                             const std::vector<StoredStatement>& statements) {
  Response r;
  r.status = 200;
  r.header("X-Experience-API-Consistent-Through", format_rfc3339(im.clock.now_ms()));
  if (!attachments) {
    r.content_type = "application/json";
    r.body = std::move(json_text);
    return r;
  }
  auto found = im.attachments_of(req.subject.organisation_id, statements);
  if (!found) return http::problem(found.error(), req.request_id);
  std::vector<std::pair<std::string, std::string>> parts;
  std::vector<std::string> hashes;
  for (auto& [sha, typed] : *found) {
    parts.push_back(std::move(typed));
    hashes.push_back(sha);
  }
  const std::string boundary = "trivium-" + random_token(12);
  r.content_type = "multipart/mixed; boundary=" + boundary;
  r.body = xapi::build_multipart(boundary, json_text, parts, hashes);
  return r;
}

Response get_statements(Service::Impl& im, Request& req, xapi::Version version) {
  auto parsed = query_params(req);
  if (!parsed) return http::problem(parsed.error(), req.request_id);
  Params params = std::move(*parsed);
  const std::string& org = req.subject.organisation_id;
  const std::vector<std::string> langs =
      xapi::parse_accept_language(req.header("Accept-Language").value_or(std::string_view{}));

  // A `more` link carries the whole query it continues.
  if (auto more = get(params, "more")) {
    if (params.size() != 1) return problem(ErrorKind::BadRequest, "A more link takes no other parameter.", req);
    auto decoded = from_url64(*more);
    boost::system::error_code ec;
    bj::value v = decoded ? bj::parse(*decoded, ec) : bj::value();
    if (!decoded || ec || !v.is_object()) return problem(ErrorKind::BadRequest, "The more link is not valid.", req);
    params.clear();
    for (const auto& [k, val] : v.get_object()) {
      if (!val.is_string()) return problem(ErrorKind::BadRequest, "The more link is not valid.", req);
      params[std::string(k)] = val.get_string().c_str();
    }
  }

  auto format_text = get(params, "format").value_or("exact");
  auto format = xapi::parse_format(format_text);
  if (!format) return problem(ErrorKind::BadRequest, "format is exact, ids or canonical.", req);
  auto attachments = flag(params, "attachments");
  if (!attachments) return http::problem(attachments.error(), req.request_id);

  auto single = get(params, "statementId");
  auto voided_single = get(params, "voidedStatementId");
  if (single || voided_single) {
    if (single && voided_single) {
      return problem(ErrorKind::BadRequest, "Ask for statementId or voidedStatementId, not both.", req);
    }
    if (auto k = only_known(params, {"statementId", "voidedStatementId", "format", "attachments"}); !k) {
      return problem(ErrorKind::BadRequest,
                     "With statementId or voidedStatementId only format and attachments may be given.", req);
    }
    const std::string id = single ? *single : *voided_single;
    if (!xapi::valid_uuid(id)) return problem(ErrorKind::BadRequest, "The statement id is not a UUID.", req);
    auto found = im.statement_by_id(org, id, voided_single.has_value());
    if (!found) return http::problem(found.error(), req.request_id);
    if (!*found) return problem(ErrorKind::NotFound, "No such statement.", req);
    std::string text = render_statement(**found, *format, langs);
    Response r = statements_response(im, req, std::move(text), *attachments, {**found});
    r.header("Last-Modified", http_date((*found)->stored_ms));
    return r;
  }

  if (auto k =
          only_known(params, {"agent", "verb", "activity", "registration", "related_activities", "related_agents",
                              "since", "until", "limit", "format", "attachments", "ascending", "cursor", "through"});
      !k) {
    return http::problem(k.error(), req.request_id);
  }
  StatementQuery q;
  if (auto agent = get(params, "agent")) {
    auto a = xapi::parse_agent_param(*agent, version);
    if (!a) return http::problem(a.error(), req.request_id);
    auto key = xapi::agent_key(*a);
    if (!key) return problem(ErrorKind::BadRequest, "agent names no identified Agent or Group.", req);
    q.agent_key = *key;
  }
  if (auto verb = get(params, "verb")) {
    if (!xapi::valid_iri(*verb)) return problem(ErrorKind::BadRequest, "verb is not an IRI.", req);
    q.verb = *verb;
  }
  if (auto activity = get(params, "activity")) {
    if (!xapi::valid_iri(*activity)) return problem(ErrorKind::BadRequest, "activity is not an IRI.", req);
    q.activity = *activity;
  }
  if (auto registration = get(params, "registration")) {
    if (!xapi::valid_uuid(*registration)) return problem(ErrorKind::BadRequest, "registration is not a UUID.", req);
    q.registration = *registration;
  }
  for (const char* name : {"related_activities", "related_agents", "ascending"}) {
    auto f = flag(params, name);
    if (!f) return http::problem(f.error(), req.request_id);
    if (std::string_view(name) == "related_activities") q.related_activities = *f;
    if (std::string_view(name) == "related_agents") q.related_agents = *f;
    if (std::string_view(name) == "ascending") q.ascending = *f;
  }
  for (const char* name : {"since", "until"}) {
    if (auto t = get(params, name)) {
      auto ms = xapi::parse_timestamp_ms(*t);
      if (!ms) return problem(ErrorKind::BadRequest, std::string(name) + " is not an ISO 8601 timestamp.", req);
      (std::string_view(name) == "since" ? q.since_ms : q.until_ms) = *ms;
    }
  }
  auto int_param = [&](const char* name) -> Result<std::optional<int64_t>> {
    auto t = get(params, name);
    if (!t) return std::optional<int64_t>{};
    if (t->empty() || t->size() > 18 || t->find_first_not_of("0123456789") != std::string::npos) {
      return fail(ErrorKind::BadRequest, std::string(name) + " is a non-negative integer.");
    }
    return std::optional<int64_t>(std::stoll(*t));
  };
  auto limit = int_param("limit");
  auto cursor = int_param("cursor");
  auto through = int_param("through");
  for (auto* r : {&limit, &cursor, &through}) {
    if (!*r) return http::problem(r->error(), req.request_id);
  }
  q.limit = static_cast<int>(std::min<int64_t>(limit->value_or(0), 1000000));
  q.after_seq = *cursor;
  q.through_seq = *through;

  auto page = im.query(org, q);
  if (!page) return http::problem(page.error(), req.request_id);
  std::string text = "{\"statements\":[";
  for (size_t i = 0; i < page->statements.size(); ++i) {
    if (i) text += ',';
    text += render_statement(page->statements[i], *format, langs);
  }
  text += "],\"more\":\"";
  if (page->more) {
    bj::object next;
    for (const auto& [k, v] : params) next[k] = v;
    next["cursor"] = std::to_string(page->statements.back().seq);
    next["through"] = std::to_string(page->through_seq);
    text += "/xapi/statements?more=" + to_url64(base64_encode(bj::serialize(next)));
  }
  text += "\"}";
  return statements_response(im, req, std::move(text), *attachments, page->statements);
}

// ---- documents ---------------------------------------------------------

// Which document resource a route serves.
enum class DocKind { State, ActivityProfile, AgentProfile };

Result<DocumentKey> document_key(DocKind kind, const Params& p, xapi::Version version, bool id_required,
                                 bool list_allowed, bool& is_list) {
  DocumentKey key;
  std::string id_name;
  switch (kind) {
    case DocKind::State:
      key.kind = "state";
      id_name = "stateId";
      TRV_TRY(only_known(p, {"activityId", "agent", "registration", "stateId", "since"}));
      break;
    case DocKind::ActivityProfile:
      key.kind = "activity_profile";
      id_name = "profileId";
      TRV_TRY(only_known(p, {"activityId", "profileId", "since"}));
      break;
    case DocKind::AgentProfile:
      key.kind = "agent_profile";
      id_name = "profileId";
      TRV_TRY(only_known(p, {"agent", "profileId", "since"}));
      break;
  }
  if (kind != DocKind::AgentProfile) {
    TRV_ASSIGN(key.activity_id, required(p, "activityId"));
    if (!xapi::valid_iri(key.activity_id)) return fail(ErrorKind::BadRequest, "activityId is not an IRI.");
  }
  if (kind != DocKind::ActivityProfile) {
    TRV_ASSIGN(std::string agent_text, required(p, "agent"));
    TRV_ASSIGN(bj::object agent, xapi::parse_agent_param(agent_text, version));
    auto k = xapi::agent_key(agent);
    if (!k) return fail(ErrorKind::BadRequest, "agent names no identified Agent.");
    key.agent_key = *k;
  }
  if (kind == DocKind::State) {
    if (auto r = get(p, "registration")) {
      if (!xapi::valid_uuid(*r)) return fail(ErrorKind::BadRequest, "registration is not a UUID.");
      key.registration = *r;
    }
  }
  auto id = get(p, id_name);
  if (!id && id_required) return fail(ErrorKind::BadRequest, "The parameter " + id_name + " is required.");
  if (!id && !list_allowed) return fail(ErrorKind::BadRequest, "The parameter " + id_name + " is required.");
  is_list = !id;
  if (id) key.document_id = *id;
  if (!is_list && get(p, "since")) return fail(ErrorKind::BadRequest, "since applies only to a list of ids.");
  return key;
}

Preconditions preconditions_of(const Request& req) {
  Preconditions pre;
  if (auto v = req.header("If-Match")) pre.if_match = std::string(*v);
  if (auto v = req.header("If-None-Match")) pre.if_none_match = std::string(*v);
  return pre;
}

Response document_get(DocKind kind, Service::Impl& im, Request& req, xapi::Version version) {
  auto params = query_params(req);
  if (!params) return http::problem(params.error(), req.request_id);
  bool is_list = false;
  auto key = document_key(kind, *params, version, false, true, is_list);
  if (!key) return http::problem(key.error(), req.request_id);
  const std::string& org = req.subject.organisation_id;
  if (is_list) {
    std::optional<int64_t> since;
    if (auto s = get(*params, "since")) {
      since = xapi::parse_timestamp_ms(*s);
      if (!since) return problem(ErrorKind::BadRequest, "since is not an ISO 8601 timestamp.", req);
    }
    auto ids = im.list_documents(org, *key, since);
    if (!ids) return http::problem(ids.error(), req.request_id);
    return json::response(200, bj::value_from(*ids));
  }
  auto doc = im.get_document(org, *key);
  if (!doc) return http::problem(doc.error(), req.request_id);
  if (!*doc) return problem(ErrorKind::NotFound, "No such document.", req);
  Response r;
  r.status = 200;
  r.content_type = (*doc)->content_type.empty() ? "application/octet-stream" : (*doc)->content_type;
  r.body = std::move((*doc)->content);
  r.header("ETag", (*doc)->etag);
  r.header("Last-Modified", http_date((*doc)->updated_ms));
  return r;
}

Response document_write(DocKind kind, bool merge, Service::Impl& im, Request& req, xapi::Version version) {
  auto params = query_params(req);
  if (!params) return http::problem(params.error(), req.request_id);
  bool is_list = false;
  auto key = document_key(kind, *params, version, true, false, is_list);
  if (!key) return http::problem(key.error(), req.request_id);
  std::string content_type(req.header("Content-Type").value_or("application/octet-stream"));
  Preconditions pre = preconditions_of(req);
  // Profiles are shared by many writers: replacing one needs its ETag (1.0.x).
  pre.require_for_existing = kind != DocKind::State && !merge && version == xapi::Version::V1_0;
  if (media_type(content_type) == "application/json" && !merge) {
    boost::system::error_code ec;
    bj::parse(req.body, ec);
    if (ec) return problem(ErrorKind::BadRequest, "The document is declared application/json but is not JSON.", req);
  }
  auto etag = im.put_document(req.subject.organisation_id, *key, content_type, req.body, merge, pre);
  if (!etag) return http::problem(etag.error(), req.request_id);
  Response r = Response::no_content();
  r.header("ETag", *etag);
  return r;
}

Response document_delete(DocKind kind, Service::Impl& im, Request& req, xapi::Version version) {
  auto params = query_params(req);
  if (!params) return http::problem(params.error(), req.request_id);
  bool is_list = false;
  auto key = document_key(kind, *params, version, false, kind == DocKind::State, is_list);
  if (!key) return http::problem(key.error(), req.request_id);
  if (is_list) {
    if (get(*params, "since")) return problem(ErrorKind::BadRequest, "since does not apply to DELETE.", req);
    auto n = im.delete_documents(req.subject.organisation_id, *key);
    if (!n) return http::problem(n.error(), req.request_id);
    return Response::no_content();
  }
  auto done = im.delete_document(req.subject.organisation_id, *key, preconditions_of(req));
  if (!done) return http::problem(done.error(), req.request_id);
  return Response::no_content();
}

template <DocKind K>
Response doc_get(Service::Impl& im, Request& req, xapi::Version v) {
  return document_get(K, im, req, v);
}
template <DocKind K>
Response doc_put(Service::Impl& im, Request& req, xapi::Version v) {
  return document_write(K, false, im, req, v);
}
template <DocKind K>
Response doc_post(Service::Impl& im, Request& req, xapi::Version v) {
  return document_write(K, true, im, req, v);
}
template <DocKind K>
Response doc_delete(Service::Impl& im, Request& req, xapi::Version v) {
  return document_delete(K, im, req, v);
}

Response agents(Service::Impl& im, Request& req, xapi::Version version) {
  auto params = query_params(req);
  if (!params) return http::problem(params.error(), req.request_id);
  if (auto k = only_known(*params, {"agent"}); !k) return http::problem(k.error(), req.request_id);
  auto text = required(*params, "agent");
  if (!text) return http::problem(text.error(), req.request_id);
  auto agent = xapi::parse_agent_param(*text, version);
  if (!agent) return http::problem(agent.error(), req.request_id);
  auto person = im.person(req.subject.organisation_id, *agent);
  if (!person) return http::problem(person.error(), req.request_id);
  return json::response(200, *person);
}

Response activities(Service::Impl& im, Request& req, xapi::Version) {
  auto params = query_params(req);
  if (!params) return http::problem(params.error(), req.request_id);
  if (auto k = only_known(*params, {"activityId"}); !k) return http::problem(k.error(), req.request_id);
  auto id = required(*params, "activityId");
  if (!id) return http::problem(id.error(), req.request_id);
  if (!xapi::valid_iri(*id)) return problem(ErrorKind::BadRequest, "activityId is not an IRI.", req);
  auto activity = im.activity(req.subject.organisation_id, *id);
  if (!activity) return http::problem(activity.error(), req.request_id);
  return json::response(200, *activity);
}

Response about(Request&) {
  bj::object body{{"version", bj::array{"2.0.0", "1.0.3", "1.0.2", "1.0.1", "1.0.0"}}, {"extensions", bj::object{}}};
  Response r = json::response(200, body);
  r.header("X-Experience-API-Version", "2.0.0");
  return r;
}

// ---- client management --------------------------------------------------

lrs::Actor actor_of(const Request& req) {
  return Actor{req.subject.user_id, req.remote_ip, req.request_id};
}

bj::object render_client(const Client& c) {
  return bj::object{{"id", c.id},
                    {"organisation_id", c.organisation_id},
                    {"name", c.name},
                    {"key", c.key},
                    {"scopes", bj::value_from(c.scopes)},
                    {"created_by", c.created_by},
                    {"created_at", format_rfc3339(c.created_at_ms)},
                    {"revoked_at", c.revoked_at_ms ? bj::value(format_rfc3339(*c.revoked_at_ms)) : bj::value(nullptr)}};
}

Response create_client(Service& s, Service::Impl& im, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return http::problem(body.error(), req.request_id);
  json::BodyReader r(*body);
  auto name = r.required_string("name", 1, 200);
  auto scopes = r.optional_string_array("scopes", kScopes.size(), 40);
  if (auto done = r.finish(); !done) return http::problem(done.error(), req.request_id);
  auto created = s.create_client(actor_of(req), req.param("org"), *name, scopes.value_or(std::vector<std::string>{}));
  if (!created) return http::problem(created.error(), req.request_id);
  bj::object out = render_client(created->client);
  out["secret"] = created->secret;
  out["endpoint"] = im.public_url + "/xapi/";
  Response res = json::response(201, out);
  res.header("Location", "/api/v1/orgs/" + created->client.organisation_id + "/lrs-clients/" + created->client.id);
  res.header("Cache-Control", "no-store");
  return res;
}

Response list_clients(Service& s, Request& req) {
  auto clients = s.list_clients(req.param("org"));
  if (!clients) return http::problem(clients.error(), req.request_id);
  bj::array items;
  for (const Client& c : *clients) items.push_back(render_client(c));
  return json::response(200, bj::object{{"items", std::move(items)}});
}

Response revoke_client(Service& s, Request& req) {
  auto done = s.revoke_client(actor_of(req), req.param("org"), req.param("client"));
  if (!done) return http::problem(done.error(), req.request_id);
  return Response::no_content();
}

}  // namespace

void register_routes(http::Router& router, Service& service) {
  using M = http::Method;
  Service::Impl& im = service.impl();
  auto add = [&](M method, std::string pattern, std::string action, http::Handler handler, http::BodyKind body,
                 size_t max_body, std::string summary, http::ContextSpec context = {}) {
    http::Route r;
    r.method = method;
    r.pattern = std::move(pattern);
    r.action = std::move(action);
    r.context = std::move(context);
    r.handler = std::move(handler);
    r.body = body;
    r.max_body = max_body;
    r.summary = std::move(summary);
    router.add(std::move(r));
  };
  using http::BodyKind;
  add(M::Get, "/xapi/about", "xapi.about", about, BodyKind::None, 0, "The xAPI versions this LRS speaks");
  add(M::Get, "/xapi/statements", "xapi.statements.read", xapi_handler(im, get_statements), BodyKind::None, 0,
      "xAPI: one statement by id, or a filtered page of statements");
  add(M::Put, "/xapi/statements", "xapi.statements.write", xapi_handler(im, put_statement), BodyKind::Any,
      kMaxStatementsBody, "xAPI: store one statement under the given statementId");
  add(M::Post, "/xapi/statements", "xapi.statements.write", xapi_handler(im, post_statements), BodyKind::Any,
      kMaxStatementsBody, "xAPI: store one statement or a batch; returns their ids");

  struct DocRoutes {
    const char* path;
    const char* read;
    const char* write;
    XapiFn get, put, post, del;
    const char* what;
  };
  const DocRoutes docs[] = {
      {"/xapi/activities/state", "xapi.state.read", "xapi.state.write", doc_get<DocKind::State>,
       doc_put<DocKind::State>, doc_post<DocKind::State>, doc_delete<DocKind::State>, "state document"},
      {"/xapi/activities/profile", "xapi.profiles.read", "xapi.profiles.write", doc_get<DocKind::ActivityProfile>,
       doc_put<DocKind::ActivityProfile>, doc_post<DocKind::ActivityProfile>, doc_delete<DocKind::ActivityProfile>,
       "activity profile document"},
      {"/xapi/agents/profile", "xapi.profiles.read", "xapi.profiles.write", doc_get<DocKind::AgentProfile>,
       doc_put<DocKind::AgentProfile>, doc_post<DocKind::AgentProfile>, doc_delete<DocKind::AgentProfile>,
       "agent profile document"},
  };
  for (const DocRoutes& d : docs) {
    const std::string what = d.what;
    add(M::Get, d.path, d.read, xapi_handler(im, d.get), BodyKind::None, 0,
        "xAPI: one " + what + ", or the ids of several");
    add(M::Put, d.path, d.write, xapi_handler(im, d.put), BodyKind::Any, kMaxDocumentBody,
        "xAPI: store or replace a " + what);
    add(M::Post, d.path, d.write, xapi_handler(im, d.post), BodyKind::Any, kMaxDocumentBody,
        "xAPI: merge a JSON object into a " + what);
    add(M::Delete, d.path, d.write, xapi_handler(im, d.del), BodyKind::None, 0,
        "xAPI: delete a " + what +
            (std::string_view(d.path) == "/xapi/activities/state" ? " (or all of an agent's in an activity)" : ""));
  }
  add(M::Get, "/xapi/agents", "xapi.profiles.read", xapi_handler(im, agents), BodyKind::None, 0,
      "xAPI: the Person object of an agent");
  add(M::Get, "/xapi/activities", "xapi.profiles.read", xapi_handler(im, activities), BodyKind::None, 0,
      "xAPI: the canonical definition of an activity");

  const http::ContextSpec org{"organisation", "org"};
  add(
      M::Post, "/api/v1/orgs/{org}/lrs-clients", "lrs.clients.manage",
      [&service, &im](Request& req) { return create_client(service, im, req); }, BodyKind::Json, 0,
      "Create xAPI credentials for a tool (the secret is shown once)", org);
  add(
      M::Get, "/api/v1/orgs/{org}/lrs-clients", "lrs.clients.manage",
      [&service](Request& req) { return list_clients(service, req); }, BodyKind::None, 0,
      "The organisation's xAPI credentials", org);
  add(
      M::Delete, "/api/v1/orgs/{org}/lrs-clients/{client}", "lrs.clients.manage",
      [&service](Request& req) { return revoke_client(service, req); }, BodyKind::None, 0, "Revoke xAPI credentials",
      org);
}

}  // namespace trivium::lrs
