-- The audit log (src/audit). Append-only from the application's point of
-- view: no code path updates or deletes a row (LOG-04). No foreign key on the
-- actor or the organisation, because events must outlive what they describe.
-- Ids are UUIDv7, so ordering by id is ordering by time and serves as the
-- keyset for pagination.

CREATE TABLE audit_events (
  id TEXT PRIMARY KEY,
  at BIGINT NOT NULL,
  action TEXT NOT NULL,
  actor_id TEXT,
  organisation_id TEXT,
  target_kind TEXT,
  target_id TEXT,
  ip TEXT,
  request_id TEXT,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_organisation ON audit_events(organisation_id, id);
CREATE INDEX audit_events_action ON audit_events(action, id);
CREATE INDEX audit_events_actor ON audit_events(actor_id, id);
