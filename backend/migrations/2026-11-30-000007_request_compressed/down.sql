ALTER TABLE imports DROP COLUMN request_gz;
