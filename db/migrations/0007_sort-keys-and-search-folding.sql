-- Up Migration

-- 1. SORT, THREAD and SEARCH SENT* without reading the wide message rows.
--
-- The keys belong to the message (single-instance storage), but mail.messages is wide (envelope,
-- headers and short bodies live inline: about 1.5 KB a row), and SORT or THREAD over a folder
-- read every row of it. So:
--
-- mail.message_keys: one narrow row per distinct message (about 120 bytes; not per mailbox row,
-- so the store stays single-instance) with what THREAD reads (Message-ID, references, subjects)
-- and the message's sort keys and sent day, computed once when the message is stored (statement
-- triggers on mail.messages in db/functions/47_sort_thread.sql; a reparse updates it).
create table mail.message_keys (
  message bigint primary key references mail.messages(id) on delete cascade,
  message_id text,
  -- RFC 5256 §4: the ids of References, else the first id of In-Reply-To; space-separated
  refs text,
  base_subject text not null,
  -- the subject when it differs from the base subject (a reply or forward marker was removed)
  subject text,
  -- the parsed Date field (null when missing or unparsable)
  sent_date timestamptz,
  -- the base subject under i;ascii-casemap (RFC 5256 §3 SORT SUBJECT), compared bytewise
  sort_subject text collate "C" not null,
  -- the day of the Date field in the sender's own time zone (RFC 3501 §6.4.4 SENT*), else the
  -- UTC day of sent_date, else null (the mailbox row's INTERNALDATE then decides)
  sent_day date
);
do $$
begin
  -- mail.sent_day (db/functions/45_imap.sql) exists wherever there are rows to fill: functions
  -- are applied after every migrate, and a fresh database has no rows
  if exists (select 1 from mail.messages) then
    execute $u$
      insert into mail.message_keys (message, message_id, refs, base_subject, subject, sent_date, sort_subject, sent_day)
      select m.id, m.message_id,
             case when m.refs <> '{}' then array_to_string(m.refs, ' ') else m.in_reply_to[1] end,
             m.base_subject, case when m.subject is distinct from m.base_subject then m.subject end,
             m.sent_date,
             translate(m.base_subject, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
             mail.sent_day(m.envelope, m.sent_date, null)
        from mail.messages m $u$;
  end if;
end $$;

-- mail.mailbox_messages sort_date, sort_subject, sent_day: DATE and SUBJECT are the orders clients
-- ask for when a folder opens, and SENT* fall back to INTERNALDATE, which is per mailbox row; so
-- these are copied into the mailbox rows, ready to sort and compare without any join: sort_date
-- is RFC 5256 §2.2's sent date (Date, else INTERNALDATE). The price: about 40 bytes per mailbox
-- row and, per inserted row, one primary-key lookup in the narrow mail.message_keys (a row
-- trigger, so every path that inserts rows, inject, copy, move, undelete, import, gets them). The
-- rarer keys (FROM, TO, CC, DISPLAYFROM, DISPLAYTO) still join mail.messages.
alter table mail.mailbox_messages
  add column sort_date timestamptz,
  add column sort_subject text collate "C",
  add column sent_day date;
update mail.mailbox_messages mm
   set sort_date = coalesce(k.sent_date, mm.internaldate),
       sort_subject = k.sort_subject,
       sent_day = coalesce(k.sent_day, (mm.internaldate at time zone 'UTC')::date)
  from mail.message_keys k
 where k.message = mm.message;
alter table mail.mailbox_messages
  alter column sort_date set not null,
  alter column sort_subject set not null,
  alter column sent_day set not null;

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
drop table mail.message_keys;
alter table mail.mailbox_messages drop column sort_date, drop column sort_subject, drop column sent_day;
drop collation mail.casefold;
