-- Platform-wide settings as key/value text (owned by core). schema_migrations
-- itself is created by the migration runner (src/core/migrate.cpp), not here,
-- because the runner needs it before it can apply any file.

CREATE TABLE platform_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
