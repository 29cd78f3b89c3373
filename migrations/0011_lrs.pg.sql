-- The learning record store (src/lrs), PostgreSQL variant; 0011_lrs.sqlite.sql
-- holds the same tables with SQLite's rowid for the statement order.
--
-- Statements are append-only: a row is never updated except for its voided
-- flag, set when a voiding statement arrives. Every query filter has its own
-- index; the agents and activities a statement mentions are listed in side
-- tables so that the `agent`/`activity` filters and their `related_*` forms
-- are one index range each, and a statement that refers to
-- another (StatementRef) inherits the target's entries, as the filters require.

CREATE TABLE lrs_statements (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- No foreign key here: on SQLite a checked reference makes every insert
  -- keep an undo journal of its own; organisations are never deleted.
  organisation_id TEXT NOT NULL,
  id TEXT NOT NULL,
  verb_id TEXT NOT NULL,
  registration TEXT,
  -- The statement a StatementRef object points at (voiding and references).
  target_id TEXT,
  stored_ms BIGINT NOT NULL,
  voided INTEGER NOT NULL DEFAULT 0,
  client_id TEXT NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (organisation_id, id)
);
CREATE INDEX lrs_statements_verb ON lrs_statements(organisation_id, verb_id, seq);
CREATE INDEX lrs_statements_registration ON lrs_statements(organisation_id, registration, seq);
-- Only statements about other statements have a target.
CREATE INDEX lrs_statements_target ON lrs_statements(organisation_id, target_id) WHERE target_id IS NOT NULL;
CREATE INDEX lrs_statements_stored ON lrs_statements(organisation_id, stored_ms);

-- One row per agent a statement mentions: direct = 1 for its actor or an
-- Agent/Group object (the `agent` filter), 0 for the others the
-- `related_agents` filter also looks at (authority, instructor, team,
-- context agents and groups, group members, sub-statements).
CREATE TABLE lrs_statement_agents (
  organisation_id TEXT NOT NULL,
  agent_key TEXT NOT NULL,
  seq BIGINT NOT NULL,
  direct INTEGER NOT NULL,
  PRIMARY KEY (organisation_id, agent_key, seq)
);

-- One row per activity a statement mentions: direct = 1 for its object,
-- 0 for context activities and sub-statements (`related_activities`).
CREATE TABLE lrs_statement_activities (
  organisation_id TEXT NOT NULL,
  activity_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  direct INTEGER NOT NULL,
  PRIMARY KEY (organisation_id, activity_id, seq)
);

-- Attachment bytes, once per organisation and hash (base64: they are binary).
CREATE TABLE lrs_attachments (
  organisation_id TEXT NOT NULL,
  sha2 TEXT NOT NULL,
  content_type TEXT NOT NULL,
  length BIGINT NOT NULL,
  content_base64 TEXT NOT NULL,
  PRIMARY KEY (organisation_id, sha2)
);

-- The canonical definition of each activity, merged from the statements
-- that define it (the Activities resource).
CREATE TABLE lrs_activities (
  organisation_id TEXT NOT NULL,
  activity_id TEXT NOT NULL,
  definition TEXT NOT NULL,
  updated_ms BIGINT NOT NULL,
  PRIMARY KEY (organisation_id, activity_id)
);

-- Names seen for an agent, for the Agents resource (Person object).
CREATE TABLE lrs_agents (
  organisation_id TEXT NOT NULL,
  agent_key TEXT NOT NULL,
  agent TEXT NOT NULL,
  updated_ms BIGINT NOT NULL,
  PRIMARY KEY (organisation_id, agent_key)
);

-- State, activity profile and agent profile documents. Keys not used by a
-- kind are ''. Content is base64: documents may be any media type.
CREATE TABLE lrs_documents (
  organisation_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('state', 'activity_profile', 'agent_profile')),
  activity_id TEXT NOT NULL,
  agent_key TEXT NOT NULL,
  registration TEXT NOT NULL,
  document_id TEXT NOT NULL,
  content_type TEXT NOT NULL,
  content_base64 TEXT NOT NULL,
  etag TEXT NOT NULL,
  updated_ms BIGINT NOT NULL,
  PRIMARY KEY (organisation_id, kind, activity_id, agent_key, registration, document_id)
);
CREATE INDEX lrs_documents_updated ON lrs_documents(organisation_id, kind, activity_id, agent_key, updated_ms);

-- Credentials of the xAPI clients of an organisation (HTTP Basic). The secret
-- is 256 random bits shown once; only its SHA-256 is kept (a slow password
-- hash adds nothing to a secret of that strength and would cost every request).
CREATE TABLE lrs_clients (
  id TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  name TEXT NOT NULL,
  key TEXT NOT NULL UNIQUE,
  secret_sha256 TEXT NOT NULL,
  scopes TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX lrs_clients_org ON lrs_clients(organisation_id, created_at);
