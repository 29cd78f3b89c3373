-- Enrolments (src/enrolment): who is enrolled in which run and in what state,
-- the per-run seat counter that keeps capacity exact under concurrency,
-- e-mail invitations to a run, and cohorts (groups) inside a run.

-- Cohorts come first: enrolments point to them.
CREATE TABLE cohorts (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES course_runs(id),
  name TEXT NOT NULL,
  department_id TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (run_id, name)
);

-- One row per (run, user): a learner who drops and comes back reuses it.
-- Every state has its own timestamp, kept when the state moves on, so the
-- history of one enrolment is readable from its row.
CREATE TABLE enrolments (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES course_runs(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  state TEXT NOT NULL CHECK (state IN ('pending', 'waitlisted', 'active', 'completed', 'dropped', 'rejected')),
  source TEXT NOT NULL CHECK (source IN ('self', 'request', 'invitation', 'direct', 'import')),
  message TEXT NOT NULL DEFAULT '',
  decision_message TEXT NOT NULL DEFAULT '',
  decided_by TEXT,
  cohort_id TEXT REFERENCES cohorts(id),
  -- Place in the run's waitlist (first come, first served), from
  -- run_seats.queued; NULL when never waitlisted.
  waitlist_position BIGINT,
  requested_at BIGINT,
  waitlisted_at BIGINT,
  activated_at BIGINT,
  completed_at BIGINT,
  dropped_at BIGINT,
  rejected_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (run_id, user_id)
);
-- "My enrolments", newest first, optionally by state.
CREATE INDEX enrolments_user ON enrolments(user_id, id);
-- A run's learners by state, and its waitlist in order.
CREATE INDEX enrolments_run_state ON enrolments(run_id, state, id);
CREATE INDEX enrolments_run_waitlist ON enrolments(run_id, state, waitlist_position);
CREATE INDEX enrolments_cohort ON enrolments(cohort_id);

-- The seats taken in a run (active and completed enrolments). Every change
-- of that number is a conditional UPDATE of this one row, which is what
-- makes capacity exact: SQLite has one writer, PostgreSQL locks the row and
-- re-checks the condition under READ COMMITTED.
CREATE TABLE run_seats (
  run_id TEXT PRIMARY KEY REFERENCES course_runs(id),
  taken BIGINT NOT NULL DEFAULT 0,
  queued BIGINT NOT NULL DEFAULT 0
);

-- A single-use link to join a run, mailed to an address; only the SHA-256
-- of its secret is stored.
CREATE TABLE invitations (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES course_runs(id),
  email_normalized TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  invited_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT,
  user_id TEXT REFERENCES users(id)
);
CREATE INDEX invitations_run ON invitations(run_id, id);
CREATE INDEX invitations_email ON invitations(email_normalized, run_id);
