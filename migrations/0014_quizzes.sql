-- Quiz attempts (src/quizzes). A quiz is a block of a run's content; its
-- definition is the block's published settings. Answers are steps, never
-- updated (BL-07); one open attempt per learner and quiz is a unique index
-- (BL-02): open_slot is 1 while the attempt is in progress and NULL after,
-- and NULLs never collide in a unique index on either store.

CREATE TABLE quiz_attempts (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES course_runs(id),
  block_id TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id),
  number INTEGER NOT NULL,
  state TEXT NOT NULL,
  open_slot INTEGER,
  started_at BIGINT NOT NULL,
  deadline_at BIGINT,
  finished_at BIGINT,
  finished_by TEXT,
  seed BIGINT NOT NULL,
  -- The questions drawn for this attempt: [{slot, page, mark, question_id,
  -- version}] in the order shown. The versions' text is in question_versions.
  layout_json TEXT NOT NULL,
  marks DOUBLE PRECISION,
  max_marks DOUBLE PRECISION NOT NULL,
  grade DOUBLE PRECISION,
  needs_grading INTEGER NOT NULL DEFAULT 0,
  passed INTEGER NOT NULL DEFAULT 0,
  UNIQUE (run_id, block_id, user_id, open_slot),
  UNIQUE (run_id, block_id, user_id, number)
);
-- Attempts the timer must finish.
CREATE INDEX quiz_attempts_deadline ON quiz_attempts(open_slot, deadline_at);
CREATE INDEX quiz_attempts_block ON quiz_attempts(run_id, block_id, user_id);

-- Every save, grade and comment of an attempt's question, in order. kind:
-- 'save' (a learner's response, seq = the client's sequence number),
-- 'grade' (the automatic grade at submission), 'manual' (a grader's) and
-- 'regrade' (graded again after the question was corrected).
CREATE TABLE quiz_steps (
  attempt_id TEXT NOT NULL REFERENCES quiz_attempts(id),
  slot INTEGER NOT NULL,
  kind TEXT NOT NULL,
  seq INTEGER NOT NULL,
  response_json TEXT,
  fraction DOUBLE PRECISION,
  comment TEXT,
  at BIGINT NOT NULL,
  actor_id TEXT NOT NULL,
  PRIMARY KEY (attempt_id, slot, kind, seq)
);

CREATE TABLE quiz_dates (
  run_id TEXT NOT NULL REFERENCES course_runs(id),
  block_id TEXT NOT NULL,
  open_at BIGINT,
  close_at BIGINT,
  PRIMARY KEY (run_id, block_id)
);

CREATE TABLE quiz_overrides (
  run_id TEXT NOT NULL REFERENCES course_runs(id),
  block_id TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id),
  close_at BIGINT,
  time_limit_seconds INTEGER,
  attempts_allowed INTEGER,
  PRIMARY KEY (run_id, block_id, user_id)
);
