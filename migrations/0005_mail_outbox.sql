-- Outgoing e-mail, written in the same transaction as the change that causes
-- it (a password-reset mail is never sent for a rolled-back change, nor lost
-- for a committed one) and delivered by a background sender. The body is
-- cleared once sent because it may carry a single-use token.

CREATE TABLE mail_outbox (
  id TEXT PRIMARY KEY,
  to_addr TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  sent_at BIGINT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  next_attempt_at BIGINT NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL;
