-- Course files (src/files). The bytes of a file live once in the file store,
-- named by their SHA-256 (<data_dir>/files/ab/cd/<sha256>); each course file
-- is a row pointing at them, so a video used by two courses is stored once.
-- The organisation is copied from the course when the file is recorded: the
-- quota (FILE-09) is the sum of its rows' sizes, one index range.

CREATE TABLE course_files (
  id TEXT PRIMARY KEY,
  course_id TEXT NOT NULL REFERENCES courses(id),
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size BIGINT NOT NULL CHECK (size >= 0),
  sha256 TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
-- "This course's files, oldest first."
CREATE INDEX course_files_course ON course_files(course_id, created_at);
-- The quota sum.
CREATE INDEX course_files_organisation ON course_files(organisation_id);
-- "Does any row still use these bytes?" before the store removes them.
CREATE INDEX course_files_sha256 ON course_files(sha256);

-- Resumable uploads in progress. The bytes received so far are in
-- <data_dir>/uploads/<id>; `received` counts only bytes that were on disk
-- (fsync) before the row said so, and hash_state is the SHA-256 state after
-- exactly those bytes (base64 of libsodium's crypto_hash_sha256_state), so a
-- restart resumes both from the row. The declared size counts against the
-- quota while the upload is open (file_id still NULL).
CREATE TABLE file_uploads (
  id TEXT PRIMARY KEY,
  course_id TEXT NOT NULL REFERENCES courses(id),
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  name TEXT NOT NULL,
  size BIGINT NOT NULL CHECK (size >= 0),
  received BIGINT NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= size),
  hash_state TEXT NOT NULL,
  -- Set when the last byte arrived and the course file was recorded; the row
  -- stays until it expires so that a retried last chunk gets the same answer.
  -- Deleting the file deletes its upload row in the same transaction.
  file_id TEXT,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX file_uploads_organisation ON file_uploads(organisation_id);
-- The sweeper's queue.
CREATE INDEX file_uploads_expiry ON file_uploads(expires_at);
