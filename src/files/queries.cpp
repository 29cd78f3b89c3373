// The SQL of the files module: course_files and file_uploads (migration 0010).
#include "files/internal.h"

namespace trivium::files::detail {
namespace {

constexpr std::string_view kUploadColumns =
    "id, course_id, organisation_id, name, size, received, file_id, created_by, created_at, expires_at, hash_state";
constexpr std::string_view kFileColumns =
    "id, course_id, organisation_id, name, media_type, size, sha256, created_by, created_at";

std::pair<Upload, std::string> upload_of(const db::Row& r) {
  Upload u;
  u.id = r.text(0);
  u.course_id = r.text(1);
  u.organisation_id = r.text(2);
  u.name = r.text(3);
  u.size = r.i64(4);
  u.received = r.i64(5);
  u.file_id = r.opt_text(6);
  u.created_by = r.text(7);
  u.created_at_ms = r.i64(8);
  u.expires_at_ms = r.i64(9);
  return {std::move(u), r.text(10)};
}

CourseFile file_of(const db::Row& r) {
  CourseFile f;
  f.id = r.text(0);
  f.course_id = r.text(1);
  f.organisation_id = r.text(2);
  f.name = r.text(3);
  f.media_type = r.text(4);
  f.size = r.i64(5);
  f.sha256 = r.text(6);
  f.created_by = r.text(7);
  f.created_at_ms = r.i64(8);
  return f;
}

std::string sql(std::string_view head, std::string_view columns, std::string_view tail) {
  std::string s(head);
  s += columns;
  s += tail;
  return s;
}

}  // namespace

Result<void> insert_upload(db::Tx& tx, const Upload& u, const std::string& hash_state) {
  TRV_TRY(
      tx.exec("INSERT INTO file_uploads (id, course_id, organisation_id, name, size, received, hash_state, created_by, "
              "created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
              {u.id, u.course_id, u.organisation_id, u.name, u.size, u.received, hash_state, u.created_by,
               u.created_at_ms, u.expires_at_ms}));
  return ok();
}

Result<std::optional<std::pair<Upload, std::string>>> find_upload(db::Tx& tx, const std::string& upload_id) {
  static const std::string q = sql("SELECT ", kUploadColumns, " FROM file_uploads WHERE id = $1");
  TRV_ASSIGN(auto row, tx.one(q, {upload_id}));
  if (!row) return std::optional<std::pair<Upload, std::string>>{};
  return std::optional<std::pair<Upload, std::string>>(upload_of(*row));
}

Result<void> advance_upload(db::Tx& tx, const std::string& upload_id, int64_t from, int64_t to,
                            const std::string& hash_state, int64_t expires_at_ms) {
  TRV_ASSIGN(int64_t n, tx.exec("UPDATE file_uploads SET received = $1, hash_state = $2, expires_at = $3 "
                                "WHERE id = $4 AND received = $5 AND file_id IS NULL",
                                {to, hash_state, expires_at_ms, upload_id, from}));
  if (n != 1) return fail(ErrorKind::Conflict, "The upload moved on meanwhile.");
  return ok();
}

Result<void> complete_upload(db::Tx& tx, const std::string& upload_id, const std::string& file_id) {
  TRV_ASSIGN(int64_t n,
             tx.exec("UPDATE file_uploads SET file_id = $1 WHERE id = $2 AND file_id IS NULL", {file_id, upload_id}));
  if (n != 1) return fail(ErrorKind::Conflict, "The upload was completed or discarded meanwhile.");
  return ok();
}

Result<void> delete_upload(db::Tx& tx, const std::string& upload_id) {
  TRV_TRY(tx.exec("DELETE FROM file_uploads WHERE id = $1", {upload_id}));
  return ok();
}

Result<std::vector<Upload>> expired_uploads(db::Tx& tx, int64_t now_ms, int limit) {
  static const std::string q =
      sql("SELECT ", kUploadColumns, " FROM file_uploads WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2");
  TRV_ASSIGN(db::Rows rows, tx.query(q, {now_ms, limit}));
  std::vector<Upload> out;
  for (const auto& r : rows) out.push_back(upload_of(r).first);
  return out;
}

Result<std::vector<std::pair<Upload, std::string>>> pending_completions(db::Tx& tx) {
  static const std::string q =
      sql("SELECT ", kUploadColumns, " FROM file_uploads WHERE file_id IS NULL AND received = size");
  TRV_ASSIGN(db::Rows rows, tx.query(q));
  std::vector<std::pair<Upload, std::string>> out;
  for (const auto& r : rows) out.push_back(upload_of(r));
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> open_upload_offsets(db::Tx& tx) {
  TRV_ASSIGN(db::Rows rows, tx.query("SELECT id, received FROM file_uploads WHERE file_id IS NULL"));
  std::vector<std::pair<std::string, int64_t>> out;
  for (const auto& r : rows) out.emplace_back(r.text(0), r.i64(1));
  return out;
}

Result<bool> upload_exists(db::Tx& tx, const std::string& upload_id) {
  TRV_ASSIGN(auto row, tx.one("SELECT 1 FROM file_uploads WHERE id = $1", {upload_id}));
  return row.has_value();
}

Result<void> insert_file(db::Tx& tx, const CourseFile& f) {
  TRV_TRY(tx.exec(
      "INSERT INTO course_files (id, course_id, organisation_id, name, media_type, size, sha256, created_by, "
      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      {f.id, f.course_id, f.organisation_id, f.name, f.media_type, f.size, f.sha256, f.created_by, f.created_at_ms}));
  return ok();
}

Result<std::optional<CourseFile>> find_file(db::Tx& tx, const std::string& course_id, const std::string& file_id) {
  // The course is part of the key: a file id under another course's path
  // is not found (AC-02).
  static const std::string q = sql("SELECT ", kFileColumns, " FROM course_files WHERE id = $1 AND course_id = $2");
  TRV_ASSIGN(auto row, tx.one(q, {file_id, course_id}));
  if (!row) return std::optional<CourseFile>{};
  return std::optional<CourseFile>(file_of(*row));
}

Result<std::vector<CourseFile>> files_of(db::Tx& tx, const std::string& course_id) {
  static const std::string q =
      sql("SELECT ", kFileColumns, " FROM course_files WHERE course_id = $1 ORDER BY created_at, id");
  TRV_ASSIGN(db::Rows rows, tx.query(q, {course_id}));
  std::vector<CourseFile> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(file_of(r));
  return out;
}

Result<void> delete_file(db::Tx& tx, const std::string& file_id) {
  TRV_TRY(tx.exec("DELETE FROM file_uploads WHERE file_id = $1", {file_id}));
  TRV_TRY(tx.exec("DELETE FROM course_files WHERE id = $1", {file_id}));
  return ok();
}

Result<bool> sha256_in_use(db::Tx& tx, const std::string& sha256) {
  TRV_ASSIGN(auto row, tx.one("SELECT 1 FROM course_files WHERE sha256 = $1 LIMIT 1", {sha256}));
  return row.has_value();
}

Result<std::vector<std::string>> all_sha256(db::Tx& tx) {
  TRV_ASSIGN(db::Rows rows, tx.query("SELECT DISTINCT sha256 FROM course_files"));
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(r.text(0));
  return out;
}

Result<int64_t> quota_used(db::Tx& tx, const std::string& organisation_id, const std::string& except_upload) {
  TRV_ASSIGN(auto files,
             tx.one("SELECT COALESCE(SUM(size), 0) FROM course_files WHERE organisation_id = $1", {organisation_id}));
  TRV_ASSIGN(auto uploads, tx.one("SELECT COALESCE(SUM(size), 0) FROM file_uploads "
                                  "WHERE organisation_id = $1 AND file_id IS NULL AND id <> $2",
                                  {organisation_id, except_upload}));
  return (files ? files->i64(0) : 0) + (uploads ? uploads->i64(0) : 0);
}

}  // namespace trivium::files::detail
