ALTER TABLE districts DROP COLUMN next_mail_id;
ALTER TABLE districts DROP COLUMN next_admin_id;
ALTER TABLE districts DROP COLUMN next_group_id;
