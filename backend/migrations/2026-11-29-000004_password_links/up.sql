-- Set-password links: a single-use secret per new staff member, kept as its SHA-256 only; the
-- link carries its district, so the lookup is scoped like every other query.
CREATE TABLE password_links (
    district_id BIGINT NOT NULL,
    token_hash TEXT NOT NULL,
    user_id BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (district_id, token_hash)
);
-- The address the app is reached at, for links in mail sent when no request is at hand (a
-- scheduled import): recorded with the import when it is submitted.
ALTER TABLE imports ADD COLUMN link_base TEXT;
