-- Identity: users, their cookie sessions, personal API tokens, single-use
-- tokens sent by e-mail, and failed logins for per-account throttling.
-- Secrets (session cookies, API tokens, e-mailed tokens) are stored only as
-- SHA-256 hex digests, so a copy of the database does not let anyone sign in.

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  -- Lower-cased e-mail: uniqueness is case-insensitive.
  email_normalized TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  locale TEXT NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'fr')),
  time_zone TEXT NOT NULL DEFAULT 'UTC',
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  platform_role TEXT NOT NULL DEFAULT '' CHECK (platform_role IN ('', 'admin')),
  email_verified_at BIGINT,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  -- PHC string ($argon2id$v=19$m=...,t=...,p=1$salt$hash); empty: no password set yet.
  password_hash TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users (id),
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id, created_at);

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  name TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT,
  last_used_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at);

-- Single-use tokens sent by e-mail: 'verify_email', 'password_reset',
-- 'invitation'. An invitation has no user yet, only the invited address.
CREATE TABLE user_tokens (
  id TEXT PRIMARY KEY,
  purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'password_reset', 'invitation')),
  secret_hash TEXT NOT NULL UNIQUE,
  user_id TEXT REFERENCES users (id),
  email_normalized TEXT NOT NULL,
  created_by TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX user_tokens_email ON user_tokens (purpose, email_normalized, created_at);

-- One row per failed login, kept for an hour (AUTH-07).
CREATE TABLE login_failures (
  email_normalized TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email_normalized, at);
CREATE INDEX login_failures_at ON login_failures (at);
