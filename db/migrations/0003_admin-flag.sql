-- Up Migration

-- Administrators (RFC 9208 §4.1.3: SETQUOTA "is normally restricted to administrative users").
-- An administrator may set any user's quota over IMAP and see every user's quota root; nothing
-- else about them is special. Set by the aox command through admin.user_set_admin.
alter table mail.users add column is_admin boolean not null default false;

-- Down Migration
alter table mail.users drop column is_admin;
