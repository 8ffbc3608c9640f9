ALTER TABLE districts DROP COLUMN public_url;
