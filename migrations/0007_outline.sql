-- The outline of a course (src/outline): the authors' draft as rows, and
-- each publication as one immutable JSON document. Ids of modules, units and
-- blocks are unique on their own (new_id()), but the key is (course_id, id):
-- a derived SPOC's copy of a shared module keeps the source's ids, so that
-- what learners and later progress refer to stays the same after the copy.

CREATE TABLE outline_modules (
  course_id TEXT NOT NULL REFERENCES courses(id),
  id TEXT NOT NULL,
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  prerequisites_json TEXT NOT NULL,
  release_week INTEGER,
  -- A SPOC's copy of a module it shared with its source course.
  copied_from_course_id TEXT REFERENCES courses(id),
  copied_from_version INTEGER,
  -- 0: a module with its content in this course's rows; in a derived SPOC
  -- also 1: a module of the source it removed (a tombstone), and 2: where
  -- it placed a module it still shares (position only, content from the
  -- source's publication).
  state INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2)),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (course_id, id)
);

CREATE TABLE outline_units (
  course_id TEXT NOT NULL,
  id TEXT NOT NULL,
  module_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  PRIMARY KEY (course_id, id),
  FOREIGN KEY (course_id, module_id) REFERENCES outline_modules(course_id, id)
);
CREATE INDEX outline_units_module ON outline_units(course_id, module_id, position);

CREATE TABLE outline_blocks (
  course_id TEXT NOT NULL,
  id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  type TEXT NOT NULL,
  title TEXT NOT NULL,
  settings_json TEXT NOT NULL,
  PRIMARY KEY (course_id, id),
  FOREIGN KEY (course_id, unit_id) REFERENCES outline_units(course_id, id)
);
CREATE INDEX outline_blocks_unit ON outline_blocks(course_id, unit_id, position);

-- Version N of a course's outline, written once by a publication.
CREATE TABLE course_versions (
  course_id TEXT NOT NULL REFERENCES courses(id),
  version INTEGER NOT NULL,
  published_at BIGINT NOT NULL,
  published_by TEXT NOT NULL,
  outline_json TEXT NOT NULL,
  PRIMARY KEY (course_id, version)
);

-- A run's explicit release date of a module, over the weekly schedule.
CREATE TABLE run_module_releases (
  run_id TEXT NOT NULL REFERENCES course_runs(id),
  module_id TEXT NOT NULL,
  release_at BIGINT NOT NULL,
  PRIMARY KEY (run_id, module_id)
);
