DROP INDEX imports_submitted;
DROP INDEX sessions_expiry;
DROP INDEX users_active_sis_id;
DROP INDEX users_active_email;
ALTER TABLE imports DROP COLUMN sealed;
ALTER TABLE imports DROP COLUMN fingerprint;
ALTER TABLE districts DROP COLUMN guard_min;
ALTER TABLE districts DROP COLUMN guard_percent;
