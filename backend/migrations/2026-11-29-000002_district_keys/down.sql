CREATE TABLE api_tokens_old (
    token_hash TEXT PRIMARY KEY,
    district_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
INSERT INTO api_tokens_old SELECT token_hash, district_id, name, created_at FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_old RENAME TO api_tokens;
CREATE INDEX api_tokens_district ON api_tokens (district_id);

CREATE TABLE sessions_old (
    token_hash TEXT PRIMARY KEY,
    district_id BIGINT NOT NULL,
    admin_id BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
INSERT INTO sessions_old SELECT token_hash, district_id, admin_id, expires_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_old RENAME TO sessions;
CREATE INDEX sessions_expiry ON sessions (expires_at);
DROP TABLE token_districts;

CREATE TABLE admins_old (
    district_id BIGINT NOT NULL REFERENCES districts (id),
    id BIGINT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    PRIMARY KEY (district_id, id)
);
INSERT INTO admins_old SELECT district_id, id, email, name, password_hash FROM admins;
DROP TABLE admins;
ALTER TABLE admins_old RENAME TO admins;
DROP TABLE logins;
