-- The district's own address for links in its mail (set on the Settings page).
ALTER TABLE districts ADD COLUMN public_url TEXT;
