-- Up Migration

-- 1. SORT (DATE) and SORT (SUBJECT) without reading mail.messages.
--
-- The sort keys belong to the message (single-instance storage: mail.messages keeps sent_date and
-- base_subject), but reading them means joining every row of the mailbox to the wide messages
-- heap (envelope, headers and body text live inline there: about 1.5 KB a row), which is most of
-- the cost of SORT. DATE and SUBJECT are the orders clients ask for when a folder opens, so their
-- keys are copied into the per-mailbox rows, ready to sort: sort_date is RFC 5256 §2.2's sent
-- date (the Date field, else INTERNALDATE, which is per mailbox row anyway) and sort_subject the
-- base subject under i;ascii-casemap, compared bytewise (collate "C"). The price is about 40 bytes
-- per mailbox row and one primary-key lookup per inserted row (the trigger in
-- db/functions/47_sort_thread.sql fills both; a reparse that changes a message's keys updates its
-- copies). The rarer keys (FROM, TO, CC, DISPLAYFROM, DISPLAYTO) still join.
--
-- SEARCH SENTBEFORE/SENTON/SENTSINCE compare the day in the sender's time zone, which is read from
-- the envelope's Date text (mail.sent_day); it falls back to INTERNALDATE, so it is per mailbox row
-- too, and stored beside the sort keys: those searches read neither jsonb nor the messages heap.
alter table mail.mailbox_messages
  add column sort_date timestamptz,
  add column sort_subject text collate "C",
  add column sent_day date;
do $$
begin
  -- mail.sent_day (db/functions/45_imap.sql) exists wherever there are rows to fill: functions
  -- are applied after every migrate, and a fresh database has no rows
  if exists (select 1 from mail.mailbox_messages) then
    execute $u$
      update mail.mailbox_messages mm
         set sort_date = coalesce(m.sent_date, mm.internaldate),
             sort_subject = translate(m.base_subject, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
             sent_day = mail.sent_day(m.envelope, m.sent_date, mm.internaldate)
        from mail.messages m
       where m.id = mm.message $u$;
  end if;
end $$;
alter table mail.mailbox_messages
  alter column sort_date set not null,
  alter column sort_subject set not null,
  alter column sent_day set not null;

-- THREAD needs each message's Message-ID, references and subjects. They too are the message's,
-- but the messages heap is wide, and THREAD over a folder reads every row: a narrow table beside
-- it (about 100 bytes a message) holds just what THREAD reads, one row per distinct message (not
-- per mailbox row, so the single-instance store stays single), filled by triggers on
-- mail.messages (db/functions/47_sort_thread.sql).
create table mail.message_thread_keys (
  message bigint primary key references mail.messages(id) on delete cascade,
  message_id text,
  -- RFC 5256 §4: the ids of References, else the first id of In-Reply-To; space-separated
  refs text,
  base_subject text not null,
  -- the subject when it differs from the base subject (a reply or forward marker was removed)
  subject text
);
insert into mail.message_thread_keys (message, message_id, refs, base_subject, subject)
select m.id, m.message_id,
       case when m.refs <> '{}' then array_to_string(m.refs, ' ') else m.in_reply_to[1] end,
       m.base_subject, case when m.subject is distinct from m.base_subject then m.subject end
  from mail.messages m;

-- 2. Case-insensitive SEARCH beyond ASCII (RFC 3501 §6.4.4). ILIKE under the database's "C"
-- collation folds ASCII letters only, so SUBJECT "GRÜSSE" missed "grüsse". Both sides are
-- lowered under a collation with Unicode case mapping instead: PostgreSQL 17's builtin C.UTF-8
-- (code point order, Unicode simple case mapping, stable across OS upgrades), else ICU's root
-- locale, else the C library's C.UTF-8. The optional trigram indexes (aox tune database) are built
-- on the same lower(… collate mail.casefold) expressions, so they serve the searches.
do $$
begin
  if exists (select 1 from pg_catalog.pg_collation where collname = 'pg_c_utf8') then
    create collation mail.casefold (provider = builtin, locale = 'C.UTF-8');
  elsif exists (select 1 from pg_catalog.pg_collation where collprovider = 'i') then
    create collation mail.casefold (provider = icu, locale = 'und');
  else
    create collation mail.casefold (provider = libc, locale = 'C.UTF-8');
  end if;
end $$;

-- 3. SEARCH FROM/TO/CC/BCC match the envelope's address lists (RFC 3501 §6.4.4), group names
-- included (RFC 5322 §3.4 "team: a@x, b@y;"). The stored address text lacked the group names, so
-- every search also read the whole header block (a toasted jsonb) of every message. The group
-- names now lead the address text (mail.address_search_text, db/functions/40_inject.sql), and
-- the searches read only that text.
create function mail.migrate_0007_groups(p_list jsonb) returns text
language sql immutable as $$
  select coalesce(string_agg(g->>2 || ':', ' ' order by o), '')
    from jsonb_array_elements(case when jsonb_typeof(p_list) = 'array' then p_list else '[]' end)
         with ordinality x(g, o)
   where jsonb_typeof(g) = 'array' and jsonb_typeof(g->2) = 'string' and jsonb_typeof(g->3) = 'null'
$$;
update mail.messages m
   set from_text = case when g.f = '' then m.from_text else ltrim(g.f || ' ' || m.from_text) end,
       to_text = case when g.t = '' then m.to_text else ltrim(g.t || ' ' || m.to_text) end,
       cc_text = case when g.c = '' then m.cc_text else ltrim(g.c || ' ' || m.cc_text) end,
       bcc_text = case when g.b = '' then m.bcc_text else ltrim(g.b || ' ' || m.bcc_text) end
  from (select id, mail.migrate_0007_groups(envelope->2) f, mail.migrate_0007_groups(envelope->5) t,
               mail.migrate_0007_groups(envelope->6) c, mail.migrate_0007_groups(envelope->7) b
          from mail.messages) g
 where g.id = m.id and (g.f <> '' or g.t <> '' or g.c <> '' or g.b <> '');
drop function mail.migrate_0007_groups(jsonb);

-- 4. SORT returns the ordered UIDs as one compact text instead of a row per message
-- (db/functions/47_sort_thread.sql): a new result type.
drop function if exists api.messages_sort(int, int, int4multirange, text[], jsonb);
-- replaced: mail.sort_source_sql gained an argument; address searches no longer read the headers
drop function if exists mail.sort_source_sql(int4multirange, jsonb);
drop function if exists mail.search_address_sql(text, text);

-- The tuned trigram indexes were built on the raw columns (ASCII-only ILIKE); the new searches
-- use lower(… collate mail.casefold), so the old ones would only cost writes. aox tune database
-- builds the new ones.
drop index if exists mail.tune_messages_trgm_subject;
drop index if exists mail.tune_messages_trgm_from;
drop index if exists mail.tune_messages_trgm_to;
drop index if exists mail.tune_messages_trgm_cc;
drop index if exists mail.tune_messages_trgm_bcc;
drop index if exists mail.tune_messages_trgm_body;
-- SORT DATE/SUBJECT and SEARCH SENT* read the mailbox rows now; these served only them
drop index if exists mail.tune_messages_sent_date;
drop index if exists mail.tune_messages_base_subject;

-- Down Migration
drop table mail.message_thread_keys;
alter table mail.mailbox_messages drop column sort_date, drop column sort_subject, drop column sent_day;
drop collation mail.casefold;
