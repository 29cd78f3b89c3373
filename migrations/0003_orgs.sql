-- Organisations (companies, schools, the platform itself), their departments
-- and teams, and who belongs to them with which roles. Owned by src/orgs.
-- Composite foreign keys carry the organisation id, so the database itself
-- refuses a department, a parent team or a role that belongs to another
-- organisation (AC-04).

CREATE TABLE organisations (
  id TEXT PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('platform', 'company', 'school', 'other')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE departments (
  id TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  name TEXT NOT NULL,
  parent_id TEXT,
  created_at BIGINT NOT NULL,
  UNIQUE (organisation_id, name),
  UNIQUE (organisation_id, id),
  FOREIGN KEY (organisation_id, parent_id) REFERENCES departments(organisation_id, id)
);

CREATE TABLE memberships (
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  joined_at BIGINT NOT NULL,
  PRIMARY KEY (organisation_id, user_id)
);
-- "Which organisations does this user belong to?"
CREATE INDEX memberships_user ON memberships(user_id, organisation_id);

CREATE TABLE organisation_roles (
  organisation_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'author', 'trainer', 'member')),
  PRIMARY KEY (organisation_id, user_id, role),
  FOREIGN KEY (organisation_id, user_id) REFERENCES memberships(organisation_id, user_id)
);

CREATE TABLE member_departments (
  organisation_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  department_id TEXT NOT NULL,
  PRIMARY KEY (organisation_id, user_id, department_id),
  FOREIGN KEY (organisation_id, user_id) REFERENCES memberships(organisation_id, user_id),
  FOREIGN KEY (organisation_id, department_id) REFERENCES departments(organisation_id, id)
);
-- "Who belongs to this department?" (manager reports, department deletion).
CREATE INDEX member_departments_department ON member_departments(organisation_id, department_id);
