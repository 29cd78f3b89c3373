-- Courses, their runs and staff roles (src/courses), SQLite variant: the
-- same tables as 0006_courses.pg.sql plus an FTS5 index for the catalog
-- search, which the service keeps in sync in the transaction of each change.
-- Settings are columns; skills and departments are also rows, so that the
-- catalog filters by skill and by department through an index.

CREATE TABLE courses (
  id TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  slug TEXT NOT NULL,
  title TEXT NOT NULL,
  summary TEXT NOT NULL,
  description_md TEXT NOT NULL,
  description_html TEXT NOT NULL,
  language TEXT NOT NULL,
  skills_json TEXT NOT NULL,
  cover_url TEXT,
  effort_hours DOUBLE PRECISION,
  authors_json TEXT NOT NULL,
  form TEXT NOT NULL CHECK (form IN ('mooc', 'cooc_internal', 'cooc_external', 'spoc')),
  visibility TEXT NOT NULL CHECK (visibility IN ('public', 'organisation', 'private')),
  enrolment_policy TEXT NOT NULL CHECK (enrolment_policy IN ('open', 'approval', 'invitation')),
  capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0),
  pacing TEXT NOT NULL CHECK (pacing IN ('self_paced', 'scheduled')),
  completion_min_grade DOUBLE PRECISION,
  completion_modules_json TEXT NOT NULL,
  derived_from_run_id TEXT,
  content_source_course_id TEXT REFERENCES courses(id),
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (organisation_id, slug)
);
-- The catalog's visibility filter and its default order.
CREATE INDEX courses_visibility ON courses(visibility, organisation_id);

-- Skills, one row each, so that the catalog filter by skill uses an index.
CREATE TABLE course_skills (
  course_id TEXT NOT NULL REFERENCES courses(id),
  skill TEXT NOT NULL,
  PRIMARY KEY (course_id, skill)
);
CREATE INDEX course_skills_skill ON course_skills(skill, course_id);

-- The departments an organisation-visible course is restricted to; the
-- composite key keeps them inside the course's organisation (AC-02).
CREATE TABLE course_departments (
  course_id TEXT NOT NULL REFERENCES courses(id),
  organisation_id TEXT NOT NULL,
  department_id TEXT NOT NULL,
  PRIMARY KEY (course_id, department_id),
  FOREIGN KEY (organisation_id, department_id) REFERENCES departments(organisation_id, id)
);
CREATE INDEX course_departments_department ON course_departments(department_id, course_id);

CREATE TABLE course_runs (
  id TEXT PRIMARY KEY,
  course_id TEXT NOT NULL REFERENCES courses(id),
  title TEXT NOT NULL,
  enrolment_opens_at BIGINT,
  enrolment_closes_at BIGINT,
  starts_at BIGINT,
  ends_at BIGINT,
  time_zone TEXT NOT NULL,
  schedule_json TEXT,
  pinned_version INTEGER,
  derived_from_run_id TEXT REFERENCES course_runs(id),
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX course_runs_course ON course_runs(course_id, starts_at);

CREATE TABLE course_staff (
  course_id TEXT NOT NULL REFERENCES courses(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL CHECK (role IN ('author', 'trainer', 'observer')),
  granted_at BIGINT NOT NULL,
  PRIMARY KEY (course_id, user_id, role)
);
CREATE INDEX course_staff_user ON course_staff(user_id, course_id);

CREATE TABLE run_staff (
  run_id TEXT NOT NULL REFERENCES course_runs(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL CHECK (role IN ('author', 'trainer', 'observer')),
  granted_at BIGINT NOT NULL,
  PRIMARY KEY (run_id, user_id, role)
);
CREATE INDEX run_staff_user ON run_staff(user_id, run_id);

-- Full-text search over title, summary, description and skills; course_id
-- is carried unindexed to join back. unicode61 folds case and diacritics.
CREATE VIRTUAL TABLE courses_fts USING fts5(
  course_id UNINDEXED, title, summary, description, skills,
  tokenize = 'unicode61 remove_diacritics 2'
);
