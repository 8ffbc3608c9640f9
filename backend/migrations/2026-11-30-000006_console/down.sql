ALTER TABLE districts DROP COLUMN next_token_id;
DROP INDEX api_tokens_id;
ALTER TABLE api_tokens DROP COLUMN expires_at;
ALTER TABLE api_tokens DROP COLUMN last_used_at;
ALTER TABLE api_tokens DROP COLUMN sync;
ALTER TABLE api_tokens DROP COLUMN id;
ALTER TABLE imports DROP COLUMN source;
ALTER TABLE import_changes DROP COLUMN after_image;
ALTER TABLE users DROP COLUMN keep_active;
