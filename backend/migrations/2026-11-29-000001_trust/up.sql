-- Trust: the guard is the district's policy, an idempotency key is bound to its request,
-- stored requests keep no password as typed, and no state can give two active users one key.

ALTER TABLE districts ADD COLUMN guard_percent BIGINT NOT NULL DEFAULT 10;
ALTER TABLE districts ADD COLUMN guard_min BIGINT NOT NULL DEFAULT 5;

-- SHA-256 of what the idempotency key was first used with.
ALTER TABLE imports ADD COLUMN fingerprint TEXT;
-- Requests written before this migration may hold passwords as typed: the server seals them
-- (hashes a queued import's, redacts the others') at its next start and sets this.
ALTER TABLE imports ADD COLUMN sealed BOOLEAN NOT NULL DEFAULT FALSE;

-- A rollback could leave two active users with one email or district id (and every later
-- import of the district refused). Such pairs keep their newest user active; the older one is
-- archived (never deleted), so that the unique indexes below can hold.
UPDATE users SET status = 'archived'
WHERE status = 'active' AND email IS NOT NULL AND EXISTS (
    SELECT 1 FROM users o
    WHERE o.district_id = users.district_id AND o.status = 'active'
      AND o.email = users.email AND o.id > users.id);
UPDATE users SET status = 'archived'
WHERE status = 'active' AND sis_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM users o
    WHERE o.district_id = users.district_id AND o.status = 'active'
      AND o.sis_id = users.sis_id AND o.id > users.id);

CREATE UNIQUE INDEX users_active_email ON users (district_id, email) WHERE status = 'active';
CREATE UNIQUE INDEX users_active_sis_id ON users (district_id, sis_id) WHERE status = 'active';

-- Retention: expired sessions and old idempotency keys are deleted by age.
CREATE INDEX sessions_expiry ON sessions (expires_at);
CREATE INDEX imports_submitted ON imports (submitted_at);
