-- Every primary key and unique constraint of district data includes district_id, so that each
-- table can be distributed by district (Citus). The two lookups that start without a district
-- (an admin's email at sign-in, a bearer token) go through small global tables that map them
-- to their district (`logins`, `token_districts`: reference tables in a distributed setup).

CREATE TABLE logins (
    email TEXT PRIMARY KEY,
    district_id BIGINT NOT NULL,
    admin_id BIGINT NOT NULL
);
INSERT INTO logins (email, district_id, admin_id) SELECT email, district_id, id FROM admins;

CREATE TABLE admins_keyed (
    district_id BIGINT NOT NULL REFERENCES districts (id),
    id BIGINT NOT NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    PRIMARY KEY (district_id, id)
);
INSERT INTO admins_keyed (district_id, id, email, name, password_hash)
    SELECT district_id, id, email, name, password_hash FROM admins;
DROP TABLE admins;
ALTER TABLE admins_keyed RENAME TO admins;
CREATE UNIQUE INDEX admins_email ON admins (district_id, email);

CREATE TABLE token_districts (
    token_hash TEXT PRIMARY KEY,
    district_id BIGINT NOT NULL
);
INSERT INTO token_districts (token_hash, district_id) SELECT token_hash, district_id FROM sessions;
INSERT INTO token_districts (token_hash, district_id) SELECT token_hash, district_id FROM api_tokens;

CREATE TABLE sessions_keyed (
    district_id BIGINT NOT NULL,
    token_hash TEXT NOT NULL,
    admin_id BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (district_id, token_hash)
);
INSERT INTO sessions_keyed (district_id, token_hash, admin_id, expires_at)
    SELECT district_id, token_hash, admin_id, expires_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_keyed RENAME TO sessions;
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE api_tokens_keyed (
    district_id BIGINT NOT NULL,
    token_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (district_id, token_hash)
);
INSERT INTO api_tokens_keyed (district_id, token_hash, name, created_at)
    SELECT district_id, token_hash, name, created_at FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_keyed RENAME TO api_tokens;
