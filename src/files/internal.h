// Internal to the files module: the record tables, the type check, the
// incremental hash, disk helpers and the HTTP details of serving.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "files/files.h"

namespace trivium::files::detail {

// --- the tables (queries.cpp) -------------------------------------------------
Result<void> insert_upload(db::Tx& tx, const Upload& u, const std::string& hash_state);
Result<std::optional<std::pair<Upload, std::string>>> find_upload(db::Tx& tx, const std::string& upload_id);
// Moves an upload from offset `from` to `to`; Conflict if it was not at `from`.
Result<void> advance_upload(db::Tx& tx, const std::string& upload_id, int64_t from, int64_t to,
                            const std::string& hash_state, int64_t expires_at_ms);
Result<void> complete_upload(db::Tx& tx, const std::string& upload_id, const std::string& file_id);
Result<void> delete_upload(db::Tx& tx, const std::string& upload_id);
// Uploads past their expiry, and uploads whose last byte arrived but whose
// file was not recorded (a crash in between), with their hash state.
Result<std::vector<Upload>> expired_uploads(db::Tx& tx, int64_t now_ms, int limit);
Result<std::vector<std::pair<Upload, std::string>>> pending_completions(db::Tx& tx);
Result<std::vector<std::pair<std::string, int64_t>>> open_upload_offsets(db::Tx& tx);
Result<bool> upload_exists(db::Tx& tx, const std::string& upload_id);

Result<void> insert_file(db::Tx& tx, const CourseFile& f);
Result<std::optional<CourseFile>> find_file(db::Tx& tx, const std::string& course_id, const std::string& file_id);
Result<std::vector<CourseFile>> files_of(db::Tx& tx, const std::string& course_id);
// Deletes the record and the upload row that produced it.
Result<void> delete_file(db::Tx& tx, const std::string& file_id);
Result<bool> sha256_in_use(db::Tx& tx, const std::string& sha256);
Result<std::vector<std::string>> all_sha256(db::Tx& tx);
// Files plus the declared sizes of open uploads, optionally leaving one
// upload out (the one being completed, counted as its file instead).
Result<int64_t> quota_used(db::Tx& tx, const std::string& organisation_id, const std::string& except_upload = {});

// --- the type check (media_types.cpp) -------------------------------------------
// What libmagic makes of the content, without parameters ("video/mp4"),
// and the text encoding it sees ("us-ascii", "utf-8", "binary", ...).
struct Sniffed {
  std::string type;
  std::string encoding;
};
// `head`: the file's first bytes (kSniffBytes at most).
constexpr size_t kSniffBytes = size_t{1} << 20;
Result<Sniffed> sniff(std::string_view head);
// Whether a name's extension is one the allow-list takes at all (checked
// before any byte is sent). Case-insensitive.
bool extension_allowed(std::string_view name);
// The media type to record and serve for a file named `name` whose first
// bytes are `head`: the content must be a type of the allow-list that the
// extension names too (an HTML page named .mp4, or a GIF/HTML polyglot, is
// refused). UnsupportedMediaType otherwise, saying why.
Result<std::string> check_type(std::string_view name, std::string_view head);
// Served inline (video, audio, images, PDF, subtitles) or as an attachment.
bool shown_inline(std::string_view media_type);
// Checks a file name as given by the uploader: 1..255 characters of
// valid UTF-8, no control characters, no path separators.
Result<void> check_name(const std::string& name);

// --- the incremental SHA-256 (hashing in uploads.cpp) -----------------------------
std::string initial_hash_state();
// Continues the state (base64 text, as stored) with `bytes`.
Result<std::string> hash_more(const std::string& state, std::string_view bytes);
// The lower-case hex digest of everything hashed so far.
Result<std::string> hash_digest(const std::string& state);

// --- disk (disk_store.cpp) ---------------------------------------------------------
// fsync of a directory, so that a rename or a new entry in it is durable.
Result<void> sync_directory(const std::string& dir);
// Writes all of `bytes` at `offset`.
Result<void> write_fully(int fd, std::string_view bytes, int64_t offset);
// Up to `max` bytes from the start of a file.
Result<std::string> read_head(const std::string& path, size_t max);
Result<std::string> read_head_fd(int fd, size_t max);
bool is_sha256_hex(std::string_view s);

// --- HTTP details of serving (http_io.cpp) -------------------------------------------
struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive
  uint64_t length() const { return last - first + 1; }
};
// The answer to a Range header (RFC 9110 section 14): Whole when there is
// none, its unit is not "bytes", its syntax is invalid or it asks for
// several ranges (answered with the whole file, as the RFC allows);
// Partial for one satisfiable range; Unsatisfiable when no range it names
// overlaps the file (416).
struct RangeAnswer {
  enum class Kind { Whole, Partial, Unsatisfiable };
  Kind kind = Kind::Whole;
  ByteRange range;
};
RangeAnswer parse_range(std::string_view header, uint64_t size);
// "bytes start-end/total" of a chunk upload; nullopt unless well formed
// with start <= end < total.
struct ChunkRange {
  int64_t start = 0;
  int64_t end = 0;
  int64_t total = 0;
};
std::optional<ChunkRange> parse_content_range(std::string_view header);
// `inline; filename="..."; filename*=UTF-8''...` (RFC 6266, RFC 8187): the
// quoted fallback keeps printable ASCII other than quote and backslash,
// everything else is percent-encoded in the extended form.
std::string content_disposition(bool inline_, std::string_view filename);
// An entity-tag list (If-Match, If-None-Match) against an ETag: `*` matches
// anything; `weak` compares ignoring W/ (If-None-Match), otherwise both must
// be strong and equal (If-Match, If-Range).
bool etag_list_matches(std::string_view list, std::string_view etag, bool weak);
// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") <-> seconds since the epoch.
std::string format_http_date(int64_t epoch_s);
std::optional<int64_t> parse_http_date(std::string_view text);

}  // namespace trivium::files::detail
