-- The console: a user an admin marks "keep active" is never archived for being missing from
-- a file; a rollback keeps the rows as the import left them (history shows what a rolled-back
-- import did); API tokens get an id, a sync they speak for, when they were last used and when
-- they stop working.
ALTER TABLE users ADD COLUMN keep_active BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE import_changes ADD COLUMN after_image TEXT;
-- The sync an import was made for (a token that names one): what it creates or updates is its.
ALTER TABLE imports ADD COLUMN source TEXT;

ALTER TABLE api_tokens ADD COLUMN id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN sync TEXT;
ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT;
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
UPDATE api_tokens SET id = (
    SELECT COUNT(*) FROM api_tokens o
    WHERE o.district_id = api_tokens.district_id AND o.token_hash <= api_tokens.token_hash);
CREATE UNIQUE INDEX api_tokens_id ON api_tokens (district_id, id);
-- The district's time zone (the times its mail and pages state) and the sender of its mail.
ALTER TABLE districts ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE districts ADD COLUMN mail_from TEXT;
ALTER TABLE districts ADD COLUMN next_token_id BIGINT NOT NULL DEFAULT 1;
UPDATE districts SET next_token_id = 1 + (
    SELECT COUNT(*) FROM api_tokens t WHERE t.district_id = districts.id);
