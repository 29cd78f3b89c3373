-- The gradebook of a run (src/gradebook). Grades themselves live with what
-- produced them (quiz_attempts, later assignments); these tables hold only
-- the trainer's set-up and overrides. An item is named by a key
-- "<kind>:<id>" ("quiz:<block_id>"), so new kinds need no new columns.

-- Categories with their weight in the course grade and how many of their
-- lowest items to drop.
CREATE TABLE gradebook_categories (
  run_id TEXT NOT NULL REFERENCES course_runs(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  weight DOUBLE PRECISION NOT NULL,
  drop_lowest INTEGER NOT NULL DEFAULT 0,
  position INTEGER NOT NULL,
  PRIMARY KEY (run_id, id)
);

-- Where the trainer placed an item and its weight within its category. An
-- item without a row is uncategorised with weight 1; category_id NULL is
-- uncategorised too.
CREATE TABLE gradebook_items (
  run_id TEXT NOT NULL REFERENCES course_runs(id),
  item_key TEXT NOT NULL,
  category_id TEXT,
  weight DOUBLE PRECISION NOT NULL DEFAULT 1,
  PRIMARY KEY (run_id, item_key),
  FOREIGN KEY (run_id, category_id) REFERENCES gradebook_categories(run_id, id)
);

-- The run's own settings: the weight of the uncategorised items taken
-- together, and the letter scale ([{letter, min_percent}], highest first;
-- NULL: the default scale).
CREATE TABLE gradebook_settings (
  run_id TEXT PRIMARY KEY REFERENCES course_runs(id),
  uncategorised_weight DOUBLE PRECISION NOT NULL DEFAULT 1,
  letters_json TEXT
);

-- Trainers' overrides of an item's grade or of the course grade
-- (item_key 'course'), as history: every change appends a row with the next
-- seq and the latest row wins; grade NULL means the override was reverted.
-- Each row has its audit event, written in the same transaction.
CREATE TABLE gradebook_overrides (
  run_id TEXT NOT NULL REFERENCES course_runs(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  item_key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  grade DOUBLE PRECISION,
  reason TEXT NOT NULL,
  by_user TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (run_id, user_id, item_key, seq)
);
