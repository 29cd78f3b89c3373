-- Question banks (src/bank): one per course, created with its first
-- category or question. Versions of a question are immutable rows; the
-- question row says which version is current and where the question sits.

CREATE TABLE question_banks (
  course_id TEXT PRIMARY KEY REFERENCES courses(id),
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  shared INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
-- Shared banks of an organisation (quizzes of its other courses use them).
CREATE INDEX question_banks_shared ON question_banks(organisation_id, shared);

CREATE TABLE question_categories (
  id TEXT PRIMARY KEY,
  course_id TEXT NOT NULL REFERENCES question_banks(course_id),
  -- '' for a top-level category (not NULL, so that the unique name per
  -- parent holds on both stores).
  parent_id TEXT NOT NULL,
  name TEXT NOT NULL,
  position INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (course_id, parent_id, name)
);

CREATE TABLE questions (
  id TEXT PRIMARY KEY,
  course_id TEXT NOT NULL REFERENCES question_banks(course_id),
  category_id TEXT NOT NULL REFERENCES question_categories(id),
  current_version INTEGER NOT NULL,
  -- Of the current version, for listing without reading versions.
  type TEXT NOT NULL,
  title TEXT NOT NULL,
  archived INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX questions_category ON questions(category_id, title);
CREATE INDEX questions_course ON questions(course_id, title);

CREATE TABLE question_versions (
  question_id TEXT NOT NULL REFERENCES questions(id),
  version INTEGER NOT NULL,
  body_json TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (question_id, version)
);

-- Tags and skills of a question (kind 'tag' or 'skill'), for filters and
-- random draws; replaced with each edit.
CREATE TABLE question_labels (
  question_id TEXT NOT NULL REFERENCES questions(id),
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  PRIMARY KEY (question_id, kind, label)
);
CREATE INDEX question_labels_label ON question_labels(kind, label, question_id);
