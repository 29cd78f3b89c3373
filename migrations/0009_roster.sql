-- Roster imports (src/roster): one row per uploaded file, with its progress
-- and per-line report; the file itself is kept beside it until the job is
-- done, so that a job interrupted by a restart can run again. The file is
-- kept in base64: it may hold bytes that are not UTF-8 (reported per line),
-- which PostgreSQL's text type refuses.

CREATE TABLE roster_imports (
  id TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  notify INTEGER NOT NULL DEFAULT 0,
  total_rows INTEGER NOT NULL DEFAULT 0,
  processed_rows INTEGER NOT NULL DEFAULT 0,
  applied_rows INTEGER NOT NULL DEFAULT 0,
  accounts_created INTEGER NOT NULL DEFAULT 0,
  members_added INTEGER NOT NULL DEFAULT 0,
  enrolments_created INTEGER NOT NULL DEFAULT 0,
  problem_count INTEGER NOT NULL DEFAULT 0,
  problems_json TEXT NOT NULL DEFAULT '[]',
  failure TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT
);
-- "This organisation's imports, newest first."
CREATE INDEX roster_imports_org ON roster_imports(organisation_id, created_at);
-- The worker's queue.
CREATE INDEX roster_imports_state ON roster_imports(state, created_at);

CREATE TABLE roster_import_files (
  import_id TEXT PRIMARY KEY REFERENCES roster_imports(id),
  content_base64 TEXT NOT NULL
);
