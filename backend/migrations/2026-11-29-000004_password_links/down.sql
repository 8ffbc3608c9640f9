ALTER TABLE imports DROP COLUMN link_base;
DROP TABLE password_links;
