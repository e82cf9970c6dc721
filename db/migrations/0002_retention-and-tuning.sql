-- Up Migration

-- aox undelete gives a restored message a new UID, but its old UID stays expunged: QRESYNC
-- clients must still be told it vanished (RFC 7162 §3.2.5.2). So the deleted_messages row is kept
-- as a tombstone, marked restored, instead of being removed; vacuum purges it by age like any other.
alter table mail.deleted_messages
  add column restored_at timestamptz,
  add column restored_uid int;

-- At most one plain (selector-less) policy per action and scope, so "aox retain messages 30 INBOX"
-- run twice changes the policy instead of stacking a second one.
create unique index retention_policies_scope
  on mail.retention_policies (action, coalesce(mailbox, 0)) where selector is null;

-- Down Migration
drop index mail.retention_policies_scope;
alter table mail.deleted_messages drop column restored_at, drop column restored_uid;
