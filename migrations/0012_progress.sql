-- Learners' progress through a run's content (src/progress). One row per
-- (run, learner, block) that the learner has touched, and one per (run,
-- learner) with what reports across the run need (time on task, where to
-- resume, how much is done), so that the trainer's matrix and the learner's
-- dashboard never scan statements. The xAPI statements recorded in the same
-- transactions (lrs_statements) tell the same story event by event.

CREATE TABLE progress_blocks (
  run_id TEXT NOT NULL REFERENCES course_runs(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  block_id TEXT NOT NULL,
  module_id TEXT NOT NULL,
  first_viewed_at BIGINT,
  completed_at BIGINT,
  -- Media blocks: where the player stood last (resume), the media's length,
  -- and the parts actually played, merged ([[from, to], ...] in seconds).
  position_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
  duration_seconds DOUBLE PRECISION,
  watched_json TEXT NOT NULL DEFAULT '[]',
  watched_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
  -- The last report on this block (bounds how much playing a report may
  -- claim) and the last "experienced" statement.
  last_report_at BIGINT,
  last_experienced_at BIGINT,
  PRIMARY KEY (run_id, user_id, block_id)
);
-- A learner's recent activity across runs (dashboard).
CREATE INDEX progress_blocks_recent ON progress_blocks(user_id, last_report_at);

CREATE TABLE progress_learners (
  run_id TEXT NOT NULL REFERENCES course_runs(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  completed_blocks INTEGER NOT NULL DEFAULT 0,
  last_block_id TEXT,
  last_activity_at BIGINT,
  time_on_task_ms BIGINT NOT NULL DEFAULT 0,
  -- When every block that counts was first complete.
  completed_at BIGINT,
  PRIMARY KEY (run_id, user_id)
);
-- A learner's runs (dashboard).
CREATE INDEX progress_learners_user ON progress_learners(user_id);
