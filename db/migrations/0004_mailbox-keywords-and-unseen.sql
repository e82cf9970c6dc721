-- Up Migration

-- SELECT must answer FLAGS with the keywords in use and [UNSEEN n] with the first unseen
-- message; on a million-message mailbox neither may scan the rows. The keywords a mailbox has
-- ever seen are kept on the mailbox row (RFC 3501 allows FLAGS to list keywords no message
-- carries any more), and a partial index finds the first unseen message directly.
alter table mail.mailboxes add column keywords text[] not null default '{}';
update mail.mailboxes b set keywords = coalesce((
  select array_agg(distinct k order by k) from mail.mailbox_messages mm, unnest(mm.keywords) k
   where mm.mailbox = b.id), '{}');
drop index if exists mail.tune_mailbox_messages_unseen;
create index mailbox_messages_unseen on mail.mailbox_messages (mailbox, uid) where not seen;

-- UID sets are matched with mail.uid_in now (db/functions/10_mail_internals.sql)
drop function if exists mail.uid_ranges(int4multirange);

-- Down Migration
drop index mail.mailbox_messages_unseen;
alter table mail.mailboxes drop column keywords;
