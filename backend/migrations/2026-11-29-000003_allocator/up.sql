-- One allocator for every per-district id: a counter on the district row, bumped in one
-- statement (no MAX + 1 read that two writers can both see).
ALTER TABLE districts ADD COLUMN next_group_id BIGINT NOT NULL DEFAULT 1;
ALTER TABLE districts ADD COLUMN next_admin_id BIGINT NOT NULL DEFAULT 1;
ALTER TABLE districts ADD COLUMN next_mail_id BIGINT NOT NULL DEFAULT 1;
UPDATE districts SET
    next_group_id = COALESCE((SELECT MAX(g.id) FROM groups g WHERE g.district_id = districts.id), 0) + 1,
    next_admin_id = COALESCE((SELECT MAX(a.id) FROM admins a WHERE a.district_id = districts.id), 0) + 1,
    next_mail_id = COALESCE((SELECT MAX(o.id) FROM outbox o WHERE o.district_id = districts.id), 0) + 1;
