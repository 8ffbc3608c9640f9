-- One schema for SQLite and PostgreSQL (portable types only). Every table of district data
-- carries district_id first in its primary key or leading its indexes: every query filters on
-- it (tenant isolation), and a PostgreSQL deployment can distribute the tables by it (Citus).
CREATE TABLE districts (
    id BIGINT PRIMARY KEY,
    short_name TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    revision BIGINT NOT NULL DEFAULT 0,
    next_user_id BIGINT NOT NULL DEFAULT 1,
    next_import BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE schools (
    district_id BIGINT NOT NULL REFERENCES districts (id),
    sis_code TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (district_id, sis_code)
);

CREATE TABLE users (
    district_id BIGINT NOT NULL REFERENCES districts (id),
    id BIGINT NOT NULL,
    sis_id TEXT,
    email TEXT,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    middle_name TEXT,
    role TEXT NOT NULL,
    grade TEXT,
    school TEXT NOT NULL,
    state_id TEXT,
    alt_id TEXT,
    limited_english BOOLEAN,
    econ_disadvantaged BOOLEAN,
    status TEXT NOT NULL,
    scope TEXT NOT NULL,
    managed_by TEXT,
    password_hash TEXT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (district_id, id)
);
CREATE INDEX users_sis_id ON users (district_id, sis_id);
CREATE INDEX users_email ON users (district_id, email);
CREATE INDEX users_scope ON users (district_id, scope, status);

CREATE TABLE groups (
    district_id BIGINT NOT NULL REFERENCES districts (id),
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (district_id, id)
);

CREATE TABLE group_members (
    district_id BIGINT NOT NULL,
    group_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    PRIMARY KEY (district_id, group_id, user_id)
);

CREATE TABLE admins (
    district_id BIGINT NOT NULL REFERENCES districts (id),
    id BIGINT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    PRIMARY KEY (district_id, id)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    district_id BIGINT NOT NULL,
    admin_id BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    district_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX api_tokens_district ON api_tokens (district_id);

CREATE TABLE imports (
    district_id BIGINT NOT NULL REFERENCES districts (id),
    number BIGINT NOT NULL,
    description TEXT,
    kind TEXT NOT NULL,
    scope TEXT NOT NULL,
    status TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    run_at BIGINT,
    completed_at BIGINT,
    base_revision BIGINT NOT NULL,
    applied_revision BIGINT,
    idempotency_key TEXT,
    counts TEXT NOT NULL,
    request TEXT NOT NULL,
    error TEXT,
    created_from BIGINT,
    created_to BIGINT,
    PRIMARY KEY (district_id, number)
);
CREATE UNIQUE INDEX imports_idempotency ON imports (district_id, idempotency_key);
CREATE INDEX imports_queue ON imports (status, run_at);

CREATE TABLE import_changes (
    district_id BIGINT NOT NULL,
    import_number BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    before TEXT,
    PRIMARY KEY (district_id, import_number, user_id)
);
CREATE INDEX import_changes_user ON import_changes (district_id, user_id);

CREATE TABLE mappings (
    district_id BIGINT NOT NULL REFERENCES districts (id),
    scope TEXT NOT NULL,
    mapping TEXT NOT NULL,
    PRIMARY KEY (district_id, scope)
);

CREATE TABLE outbox (
    district_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    PRIMARY KEY (district_id, id)
);
