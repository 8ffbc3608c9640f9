-- An import's request is kept compressed (gzip of its JSON): a million users' request is about
-- 330 MB of JSON, which PostgreSQL compressed again itself while the import waited. Rows written
-- before keep their JSON in `request`.
ALTER TABLE imports ADD COLUMN request_gz BYTEA;
