// HTTP for course files: resumable uploads, metadata, and the content with
// byte ranges and conditional requests (RFC 9110 sections 13 and 14).
#include <boost/json.hpp>

#include "core/clock.h"
#include "core/json.h"
#include "core/pipeline.h"
#include "files/internal.h"

namespace trivium::files {
namespace {

namespace bj = boost::json;
using namespace detail;
using http::Request;
using http::Response;

Actor actor_of(const Request& req) {
  return Actor{req.subject.user_id, req.remote_ip, req.request_id};
}

Response problem(const Error& e, const Request& req) {
  return http::problem(e, req.request_id);
}

std::string file_path(const CourseFile& f) {
  return "/api/v1/courses/" + f.course_id + "/files/" + f.id;
}

bj::object render(const CourseFile& f) {
  return bj::object{{"id", f.id},
                    {"course_id", f.course_id},
                    {"name", f.name},
                    {"media_type", f.media_type},
                    {"size", f.size},
                    {"sha256", f.sha256},
                    {"created_by", f.created_by},
                    {"created_at", format_rfc3339(f.created_at_ms)},
                    {"content_url", file_path(f) + "/content"}};
}

bj::object render(const Upload& u) {
  return bj::object{{"id", u.id},
                    {"course_id", u.course_id},
                    {"name", u.name},
                    {"size", u.size},
                    {"offset", u.received},
                    {"chunk_size", kChunkBytes},
                    {"max_chunk_size", static_cast<int64_t>(kMaxChunkBytes)},
                    {"complete", u.file_id.has_value()},
                    {"file_id", u.file_id ? bj::value(*u.file_id) : bj::value(nullptr)},
                    {"created_at", format_rfc3339(u.created_at_ms)},
                    {"expires_at", format_rfc3339(u.expires_at_ms)}};
}

std::string base_type(std::string_view content_type) {
  std::string v(content_type.substr(0, content_type.find(';')));
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v;
}

Response begin(Service& s, Request& req) {
  auto body = json::parse_object(req.body);
  if (!body) return problem(body.error(), req);
  json::BodyReader in(*body);
  auto name = in.required_string("name", 1, 255);
  auto size = in.required_int("size", 1, std::numeric_limits<int64_t>::max());
  if (auto done = in.finish(); !done) return problem(done.error(), req);
  auto upload = s.begin_upload(actor_of(req), req.param("course"), *name, *size);
  if (!upload) return problem(upload.error(), req);
  Response r = json::response(201, render(*upload));
  r.header("Location", "/api/v1/courses/" + upload->course_id + "/uploads/" + upload->id);
  return r;
}

Response status(Service& s, Request& req) {
  auto upload = s.get_upload(req.param("course"), req.param("upload"));
  if (!upload) return problem(upload.error(), req);
  Response r = json::response(200, render(*upload));
  r.header("Upload-Offset", std::to_string(upload->received));
  return r;
}

// A 409 says where the next chunk must start, in the body and a header, so
// that a client resumes without another request.
Response conflict(Service& s, Request& req, const Error& e) {
  Response r = problem(e, req);
  auto upload = s.get_upload(req.param("course"), req.param("upload"));
  if (!upload) return r;
  auto doc = json::parse_object(r.body);
  if (doc) {
    (*doc)["offset"] = upload->received;
    r.body = json::serialize(*doc);
  }
  r.header("Upload-Offset", std::to_string(upload->received));
  return r;
}

Response chunk(Service& s, Request& req) {
  auto ct = req.header("Content-Type");
  if (!ct || base_type(*ct) != "application/octet-stream") {
    return problem({ErrorKind::UnsupportedMediaType, "Send chunks as application/octet-stream.", {}, 0}, req);
  }
  auto header = req.header("Content-Range");
  auto range = header ? parse_content_range(*header) : std::nullopt;
  if (!range) {
    return problem({ErrorKind::BadRequest, "A chunk needs a Content-Range: bytes start-end/total header.", {}, 0}, req);
  }
  if (static_cast<uint64_t>(range->end - range->start) + 1 != req.body.size()) {
    return problem({ErrorKind::BadRequest, "The body's length does not match its Content-Range.", {}, 0}, req);
  }
  auto outcome =
      s.append(actor_of(req), req.param("course"), req.param("upload"), range->start, range->total, req.body);
  if (!outcome) {
    if (outcome.error().kind == ErrorKind::Conflict) return conflict(s, req, outcome.error());
    return problem(outcome.error(), req);
  }
  if (outcome->completed) {
    Response r = json::response(201, render(*outcome->completed));
    r.header("Location", file_path(*outcome->completed));
    r.header("Upload-Offset", std::to_string(outcome->upload.received));
    return r;
  }
  Response r = json::response(200, render(outcome->upload));
  r.header("Upload-Offset", std::to_string(outcome->upload.received));
  return r;
}

Response cancel(Service& s, Request& req) {
  auto done = s.cancel_upload(actor_of(req), req.param("course"), req.param("upload"));
  if (!done) return problem(done.error(), req);
  return Response::no_content();
}

Response list(Service& s, Request& req) {
  auto files = s.list(req.param("course"));
  if (!files) return problem(files.error(), req);
  bj::array items;
  for (const CourseFile& f : *files) items.push_back(render(f));
  return json::response(200, bj::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
}

Response metadata(Service& s, Request& req) {
  auto file = s.get(req.param("course"), req.param("file"));
  if (!file) return problem(file.error(), req);
  return json::response(200, render(*file));
}

Response remove(Service& s, Request& req) {
  auto done = s.remove(actor_of(req), req.param("course"), req.param("file"));
  if (!done) return problem(done.error(), req);
  return Response::no_content();
}

// --- content ------------------------------------------------------------------

// Headers every answer about the content carries, 304 included.
void validators(Response& r, const std::string& etag, const std::string& last_modified) {
  r.header("ETag", etag);
  r.header("Last-Modified", last_modified);
  // Kept by the browser only, and checked with the server (and so with the
  // policy) before each reuse.
  r.header("Cache-Control", "private, no-cache");
}

// RFC 9110 13.2.2: If-Match, If-Unmodified-Since, If-None-Match,
// If-Modified-Since, in that order. Returns the answer when a condition
// decides it (412 or 304).
std::optional<Response> preconditions(const Request& req, const std::string& etag, int64_t modified_s,
                                      const std::string& last_modified) {
  if (auto m = req.header("If-Match")) {
    if (!etag_list_matches(*m, etag, false)) {
      return problem({ErrorKind::PreconditionFailed, "If-Match: the file has another version.", {}, 0}, req);
    }
  } else if (auto since = req.header("If-Unmodified-Since")) {
    auto t = parse_http_date(*since);
    if (t && modified_s > *t) {
      return problem({ErrorKind::PreconditionFailed, "If-Unmodified-Since: the file is newer.", {}, 0}, req);
    }
  }
  bool not_modified = false;
  if (auto none = req.header("If-None-Match")) {
    not_modified = etag_list_matches(*none, etag, true);
  } else if (auto since = req.header("If-Modified-Since")) {
    auto t = parse_http_date(*since);
    not_modified = t && modified_s <= *t;
  }
  if (!not_modified) return std::nullopt;
  Response r;
  r.status = 304;
  validators(r, etag, last_modified);
  return r;
}

// If-Range: the range applies only to the version the client holds part of.
bool range_applies(const Request& req, const std::string& etag, const std::string& last_modified) {
  auto if_range = req.header("If-Range");
  if (!if_range) return true;
  std::string_view v = *if_range;
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  if (v.starts_with("\"") || v.starts_with("W/")) return etag_list_matches(v, etag, false);
  return v == last_modified;
}

Response serve(const Result<Content>& opened, Request& req) {
  if (!opened) return problem(opened.error(), req);
  const CourseFile& f = opened->file;
  const uint64_t size = opened->blob.size;
  const std::string etag = "\"" + f.sha256 + "\"";
  const int64_t modified_s = f.created_at_ms / 1000;
  const std::string last_modified = format_http_date(modified_s);
  if (auto decided = preconditions(req, etag, modified_s, last_modified)) return std::move(*decided);

  Response r;
  r.status = 200;
  r.content_type = f.media_type;
  validators(r, etag, last_modified);
  r.header("Accept-Ranges", "bytes");
  r.header("Content-Disposition", content_disposition(shown_inline(f.media_type), f.name));
  // FILE-08: even if a browser rendered the bytes as a page, they would run
  // in a sandbox with no access to the app's origin.
  r.header("Content-Security-Policy",
           "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'");
  http::FileBody body{opened->blob.file, 0, size};

  // Ranges are defined for GET only (RFC 9110 14.2); HEAD describes the whole.
  auto range_header = req.header("Range");
  if (req.method == http::Method::Get && range_header && range_applies(req, etag, last_modified)) {
    RangeAnswer answer = parse_range(*range_header, size);
    if (answer.kind == RangeAnswer::Kind::Unsatisfiable) {
      Response p = problem({ErrorKind::BadRequest, "The range lies outside the file.", {}, 0}, req);
      p.status = 416;
      p.body = json::serialize(bj::object{{"type", "urn:trivium:problem:range-not-satisfiable"},
                                          {"title", "Range not satisfiable"},
                                          {"status", 416},
                                          {"detail", "The file holds " + std::to_string(size) + " bytes."},
                                          {"request_id", req.request_id}});
      p.header("Content-Range", "bytes */" + std::to_string(size));
      p.header("Accept-Ranges", "bytes");
      return p;
    }
    if (answer.kind == RangeAnswer::Kind::Partial) {
      r.status = 206;
      r.header("Content-Range", "bytes " + std::to_string(answer.range.first) + "-" +
                                    std::to_string(answer.range.last) + "/" + std::to_string(size));
      body.offset = answer.range.first;
      body.length = answer.range.length();
    }
  }
  r.file = std::move(body);
  return r;
}

Response content(Service& s, Request& req) {
  return serve(s.open(req.param("course"), req.param("file")), req);
}

Response content_in_run(Service& s, Request& req) {
  return serve(s.open_in_run(req.param("run"), req.param("file")), req);
}

}  // namespace

void register_routes(http::Router& router, Service& s) {
  using M = http::Method;
  auto add = [&](M method, std::string pattern, std::string action, Response (*fn)(Service&, Request&),
                 http::BodyKind body, size_t max_body, std::string summary,
                 http::ContextSpec context = {"course", "course"}) {
    http::Route r;
    r.method = method;
    r.pattern = std::move(pattern);
    r.action = std::move(action);
    r.context = std::move(context);
    r.handler = [&s, fn](Request& req) { return fn(s, req); };
    r.body = body;
    r.max_body = max_body;
    r.summary = std::move(summary);
    router.add(std::move(r));
  };
  using B = http::BodyKind;
  const std::string uploads = "/api/v1/courses/{course}/uploads";
  const std::string files = "/api/v1/courses/{course}/files";
  add(M::Post, uploads, "files.upload", begin, B::Json, 0, "Start a resumable upload of a course file: {name, size}");
  add(M::Get, uploads + "/{upload}", "files.upload", status, B::None, 0,
      "An upload's progress: the offset the next chunk starts at");
  add(M::Put, uploads + "/{upload}", "files.upload", chunk, B::Any, kMaxChunkBytes,
      "Send the next chunk (application/octet-stream with Content-Range); the last one records the file");
  add(M::Delete, uploads + "/{upload}", "files.upload", cancel, B::None, 0, "Cancel an unfinished upload");
  add(M::Get, files, "files.list", list, B::None, 0, "The course's files");
  add(M::Get, files + "/{file}", "files.read", metadata, B::None, 0, "A course file's description");
  add(M::Delete, files + "/{file}", "files.delete", remove, B::None, 0, "Delete a course file");
  add(M::Get, files + "/{file}/content", "files.read", content, B::None, 0,
      "A course file's bytes: byte ranges, conditional requests");
  add(M::Get, "/api/v1/runs/{run}/files/{file}/content", "files.run.read", content_in_run, B::None, 0,
      "A file of the run's content, for its learners and staff: ranges, conditional requests", {"run", "run"});
}

}  // namespace trivium::files
