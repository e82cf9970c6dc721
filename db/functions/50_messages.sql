-- Per-message operations on a selected mailbox: FETCH data, STORE, EXPUNGE, COPY and MOVE.
-- Every one is a single set-based statement over a UID set (int4multirange), however large.

-- FETCH (RFC 3501 §6.4.5): the stored data for a UID set. p_fields says which costly columns to
-- return ('envelope', 'body', 'bodystructure', 'parts', 'header', 'raw', 'text'); the others are
-- null. 'header' is the top-level header block, 'text' the bytes after it; byte-exact slices.
-- With p_changedsince (RFC 7162 CHANGEDSINCE) only messages with a greater modseq are returned.
create or replace function api.messages_fetch(p_user int, p_mailbox int, p_uids int4multirange,
                                              p_fields text[], p_changedsince bigint default null)
returns table (uid int, modseq bigint, flags text[], internaldate timestamptz, savedate timestamptz,
               size int, message bigint, thread_root bigint, envelope jsonb, body jsonb,
               bodystructure jsonb, parts jsonb, header bytea, raw bytea, body_text bytea)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_env boolean := 'envelope' = any(p_fields);
  v_body boolean := 'body' = any(p_fields);
  v_bs boolean := 'bodystructure' = any(p_fields);
  v_parts boolean := 'parts' = any(p_fields);
  v_header boolean := 'header' = any(p_fields);
  v_raw boolean := 'raw' = any(p_fields);
  v_text boolean := 'text' = any(p_fields);
begin
  perform mail.require_right(p_user, p_mailbox, 'r');
  -- FLAGS, UID, INTERNALDATE, RFC822.SIZE, MODSEQ…: the mailbox rows alone answer, so the much
  -- wider messages table is not touched (UID FETCH 1:* (FLAGS) is what clients send most)
  if not (v_env or v_body or v_bs or v_parts or v_header or v_raw or v_text) then
    return query
    select mm.uid, mm.modseq,
           mail.flag_list(mm.seen, mm.answered, mm.flagged, mm.deleted, mm.draft, mm.keywords),
           mm.internaldate, mm.savedate, mm.size, mm.message, coalesce(mm.thread_root, mm.message),
           null::jsonb, null::jsonb, null::jsonb, null::jsonb, null::bytea, null::bytea, null::bytea
      from mail.mailbox_messages mm
     where mm.mailbox = p_mailbox and mail.uid_in(mm.uid, p_uids)
       and (p_changedsince is null or mm.modseq > p_changedsince)
     order by mm.uid;
    return;
  end if;
  return query
  select mm.uid, mm.modseq,
         mail.flag_list(mm.seen, mm.answered, mm.flagged, mm.deleted, mm.draft, mm.keywords),
         mm.internaldate, mm.savedate, mm.size, mm.message, coalesce(mm.thread_root, mm.message),
         case when v_env then m.envelope end,
         case when v_body then m.body end,
         case when v_bs then m.bodystructure end,
         case when v_parts then m.parts end,
         case when v_header then substring(m.raw from 1 for m.header_size) end,
         case when v_raw then m.raw end,
         case when v_text then substring(m.raw from m.header_size + 1) end
    from mail.mailbox_messages mm
    join mail.messages m on m.id = mm.message
   where mm.mailbox = p_mailbox and mail.uid_in(mm.uid, p_uids)
     and (p_changedsince is null or mm.modseq > p_changedsince)
   order by mm.uid;
end $$;
comment on function api.messages_fetch(int, int, int4multirange, text[], bigint) is
  'FETCH data (RFC 3501 §6.4.5, RFC 7162 CHANGEDSINCE, RFC 8474, RFC 8514) for a UID set; only the requested costly columns.';

-- The cheap FETCH items (UID, FLAGS, MODSEQ, INTERNALDATE, RFC822.SIZE) of a UID set as one row
-- of parallel arrays, ordered by UID. UID FETCH 1:* (FLAGS) over a million messages is what
-- clients send on every resync; one row per chunk of thousands of messages costs the frontend a
-- few array parses instead of a row object (and a text[] parse) per message.
--   flags: a bitmask per message, \Seen 1, \Answered 2, \Flagged 4, \Deleted 8, \Draft 16
--   internaldates: whole seconds since the epoch (IMAP date-time has no fractions)
--   kw_uids, kw_lists: only the messages with keywords, their keywords joined by one space
--     (keywords are atoms, which never contain a space)
create or replace function api.messages_fetch_cheap(p_user int, p_mailbox int, p_uids int4multirange,
                                                    p_changedsince bigint default null)
returns table (uids int[], modseqs bigint[], flags int[], internaldates bigint[], sizes int[],
               kw_uids int[], kw_lists text[])
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform mail.require_right(p_user, p_mailbox, 'r');
  return query
  select coalesce(array_agg(mm.uid order by mm.uid), '{}'),
         coalesce(array_agg(mm.modseq order by mm.uid), '{}'),
         coalesce(array_agg(mail.flag_bits(mm.seen, mm.answered, mm.flagged, mm.deleted, mm.draft)
                            order by mm.uid), '{}'),
         coalesce(array_agg(floor(extract(epoch from mm.internaldate))::bigint order by mm.uid), '{}'),
         coalesce(array_agg(mm.size order by mm.uid), '{}'),
         coalesce(array_agg(mm.uid order by mm.uid) filter (where mm.keywords <> '{}'), '{}'),
         coalesce(array_agg(array_to_string(mm.keywords, ' ') order by mm.uid)
                  filter (where mm.keywords <> '{}'), '{}')
    from mail.mailbox_messages mm
   where mm.mailbox = p_mailbox and mail.uid_in(mm.uid, p_uids)
     and (p_changedsince is null or mm.modseq > p_changedsince);
end $$;
comment on function api.messages_fetch_cheap(int, int, int4multirange, bigint) is
  'FETCH UID/FLAGS/MODSEQ/INTERNALDATE/RFC822.SIZE (RFC 3501 §6.4.5, RFC 7162 CHANGEDSINCE) of a UID set as one row of arrays.';

-- STORE (RFC 3501 §6.4.6, RFC 7162 §3.1.3 UNCHANGEDSINCE): p_op is '+', '-' or '='. One update
-- for the whole set; rows already in the wanted state are not touched (no modseq bump). Returns
-- the changed rows with their new flags (bits as in api.messages_fetch_cheap, and keywords), and
-- (changed = false) the rows that failed UNCHANGEDSINCE, for the MODIFIED response code. Every
-- changed row gets the same new modseq. The api.flags_store* functions shape this for the caller.
create or replace function mail.flags_apply(p_user int, p_mailbox int, p_uids int4multirange,
                                            p_op text, p_flags text[], p_unchangedsince bigint)
returns table (uid int, modseq bigint, bits int, keywords text[], changed boolean)
language plpgsql as $$
declare
  v_rights text := mail.rights(p_user, p_mailbox);
  v_sys text[] := array(select lower(f) from unnest(p_flags) f where left(f, 1) = '\');
  v_kw text[] := array(select distinct f from unnest(p_flags) f where left(f, 1) <> '\' order by f);
  v_seen boolean := '\seen' = any(v_sys);
  v_answered boolean := '\answered' = any(v_sys);
  v_flagged boolean := '\flagged' = any(v_sys);
  v_deleted boolean := '\deleted' = any(v_sys);
  v_draft boolean := '\draft' = any(v_sys);
  v_add boolean := p_op in ('+', '=');
  v_modseq bigint;
begin
  if p_op not in ('+', '-', '=') then
    perform mail.fail('AXBAD', 'bad store operation');
  end if;
  perform mail.require_right(p_user, p_mailbox, 'r');
  -- RFC 4314 §4: each kind of flag needs its own right; without it that part is silently ignored
  -- would surprise users, so refuse.
  if (v_seen or p_op = '=') and position('s' in v_rights) = 0
     or (v_deleted or p_op = '=') and position('t' in v_rights) = 0
     or (v_answered or v_flagged or v_draft or v_kw <> '{}' or p_op = '=') and position('w' in v_rights) = 0 then
    perform mail.fail('AXPRM', 'permission denied');
  end if;
  v_modseq := mail.next_modseq(p_mailbox);
  if v_kw <> '{}' and p_op in ('+', '=') then
    perform mail.note_keywords(p_mailbox, v_kw);
  end if;
  return query
  with target as (
    select mm.mailbox, mm.uid, mm.modseq,
      case when p_op = '=' then v_seen when v_seen then v_add else mm.seen end as seen,
      case when p_op = '=' then v_answered when v_answered then v_add else mm.answered end as answered,
      case when p_op = '=' then v_flagged when v_flagged then v_add else mm.flagged end as flagged,
      case when p_op = '=' then v_deleted when v_deleted then v_add else mm.deleted end as deleted,
      case when p_op = '=' then v_draft when v_draft then v_add else mm.draft end as draft,
      case when p_op = '=' then v_kw
           when v_kw = '{}' then mm.keywords
           when p_op = '+' then array(select distinct k from unnest(mm.keywords || v_kw) k order by k)
           else array(select k from unnest(mm.keywords) k where k <> all(v_kw) order by k) end as keywords,
      (mm.seen, mm.answered, mm.flagged, mm.deleted, mm.draft, mm.keywords) as before
    from mail.mailbox_messages mm
   where mm.mailbox = p_mailbox and mail.uid_in(mm.uid, p_uids)
  ), upd as (
    update mail.mailbox_messages mm
       set seen = t.seen, answered = t.answered, flagged = t.flagged, deleted = t.deleted,
           draft = t.draft, keywords = t.keywords, modseq = v_modseq
      from target t
     where mm.mailbox = t.mailbox and mm.uid = t.uid
       and (p_unchangedsince is null or mm.modseq <= p_unchangedsince)
       and (t.seen, t.answered, t.flagged, t.deleted, t.draft, t.keywords) is distinct from t.before
    returning mm.uid, mm.modseq,
              mail.flag_bits(mm.seen, mm.answered, mm.flagged, mm.deleted, mm.draft) as bits,
              mm.keywords
  )
  select u.uid, u.modseq, u.bits, u.keywords, true from upd u
  union all
  select t.uid, t.modseq, null, null, false from target t
   where p_unchangedsince is not null and t.modseq > p_unchangedsince;
  -- only a real change wakes other sessions (a FETCH BODY[] of seen messages changes nothing)
  if exists (select 1 from mail.mailbox_messages mm where mm.mailbox = p_mailbox and mm.modseq = v_modseq) then
    perform mail.notify_mailbox(p_mailbox);
  end if;
end $$;

-- STORE with the new flags of each changed message as a row (small sets, tests, DBAs).
create or replace function api.flags_store(p_user int, p_mailbox int, p_uids int4multirange,
                                           p_op text, p_flags text[], p_unchangedsince bigint default null)
returns table (uid int, modseq bigint, flags text[], changed boolean)
language sql security definer set search_path = pg_catalog, pg_temp as $$
  select a.uid, a.modseq,
         case when a.changed then
           mail.flag_list(a.bits & 1 <> 0, a.bits & 2 <> 0, a.bits & 4 <> 0, a.bits & 8 <> 0,
                          a.bits & 16 <> 0, a.keywords) end,
         a.changed
    from mail.flags_apply(p_user, p_mailbox, p_uids, p_op, p_flags, p_unchangedsince) a
   order by a.uid
$$;
comment on function api.flags_store(int, int, int4multirange, text, text[], bigint) is
  'STORE FLAGS/+FLAGS/-FLAGS (RFC 3501 §6.4.6) with UNCHANGEDSINCE (RFC 7162 §3.1.3) in one statement.';

-- STORE when the client needs no flags back (.SILENT, FETCH's implicit \Seen): only runs of
-- consecutive UIDs, changed (with the one new modseq) or failing UNCHANGEDSINCE (modseq null).
-- +FLAGS.SILENT (\Seen) on a million messages returns one row instead of a million.
create or replace function api.flags_store_runs(p_user int, p_mailbox int, p_uids int4multirange,
                                                p_op text, p_flags text[], p_unchangedsince bigint default null)
returns table (changed boolean, modseq bigint, lo int, hi int)
language sql security definer set search_path = pg_catalog, pg_temp as $$
  with a as (
    select * from mail.flags_apply(p_user, p_mailbox, p_uids, p_op, p_flags, p_unchangedsince)
  ), runs as (
    select a.changed, max(a.modseq) filter (where a.changed) as modseq,
           range_agg(int4range(a.uid, a.uid, '[]')) as uids
      from a group by a.changed
  )
  select r.changed, r.modseq, lower(x), upper(x) - 1
    from runs r, unnest(r.uids) x
   order by 1 desc, 3
$$;
comment on function api.flags_store_runs(int, int, int4multirange, text, text[], bigint) is
  'STORE …FLAGS.SILENT (RFC 3501 §6.4.6, RFC 7162 §3.1.3): the changed and the UNCHANGEDSINCE-failed UIDs as runs.';

-- STORE for any number of messages with the new flags shaped as api.messages_fetch_cheap shapes
-- them: one row per chunk of p_chunk changed messages (arrays in UID order), then one row of
-- failed UIDs (changed = false). A STORE 1:* +FLAGS on a million messages is one statement and
-- a hundred rows.
create or replace function api.flags_store_chunks(p_user int, p_mailbox int, p_uids int4multirange,
                                                  p_op text, p_flags text[], p_unchangedsince bigint default null,
                                                  p_chunk int default 10000)
returns table (changed boolean, modseq bigint, uids int[], flags int[], kw_uids int[], kw_lists text[])
language sql security definer set search_path = pg_catalog, pg_temp as $$
  with a as (
    select a.*, (row_number() over (partition by a.changed order by a.uid) - 1) / greatest(p_chunk, 1) as chunk
      from mail.flags_apply(p_user, p_mailbox, p_uids, p_op, p_flags, p_unchangedsince) a
  )
  select a.changed, max(a.modseq) filter (where a.changed),
         array_agg(a.uid order by a.uid),
         case when a.changed then array_agg(a.bits order by a.uid) end,
         coalesce(array_agg(a.uid order by a.uid) filter (where a.keywords <> '{}'), '{}'),
         coalesce(array_agg(array_to_string(a.keywords, ' ') order by a.uid) filter (where a.keywords <> '{}'), '{}')
    from a
   group by a.changed, a.chunk
   order by a.changed desc, a.chunk
$$;
comment on function api.flags_store_chunks(int, int, int4multirange, text, text[], bigint, int) is
  'STORE FLAGS/+FLAGS/-FLAGS (RFC 3501 §6.4.6, RFC 7162 §3.1.3) for any number of messages, new flags as chunks of arrays.';

-- EXPUNGE / UID EXPUNGE / CLOSE (RFC 3501 §6.4.3, RFC 4315 §2.1): moves \Deleted messages (of a
-- UID set, or all) to deleted_messages. Returns the expunged UIDs.
create or replace function api.messages_expunge(p_user int, p_mailbox int, p_uids int4multirange default null)
returns table (uid int)
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform mail.require_right(p_user, p_mailbox, 'e');
  return query select e.uid from mail.expunge_rows(p_user, p_mailbox, p_uids, true, 'expunged') e;
end $$;
comment on function api.messages_expunge(int, int, int4multirange) is
  'EXPUNGE and UID EXPUNGE (RFC 3501 §6.4.3, RFC 4315 §2.1): \Deleted messages move to deleted_messages.';

-- Copies rows of one mailbox into another with new UIDs, in one statement; the message bodies are
-- shared, never copied. Returns source and destination UIDs in source order (COPYUID).
create or replace function mail.copy_rows(p_src int, p_uids int4multirange, p_dst int)
returns table (src_uid int, dst_uid int, dst_uidvalidity int)
language plpgsql as $$
declare
  v_count int;
  v_first int;
  v_modseq bigint;
  v_validity int;
begin
  -- lock both mailboxes in id order
  perform 1 from mail.mailboxes where id in (p_src, p_dst) order by id for update;
  select count(*) into v_count from mail.mailbox_messages mm
   where mm.mailbox = p_src and mail.uid_in(mm.uid, p_uids);
  update mail.mailboxes set uidnext = uidnext + v_count, nextmodseq = nextmodseq + 1
   where id = p_dst returning uidnext - v_count, nextmodseq - 1, uidvalidity
    into v_first, v_modseq, v_validity;
  return query
  with src as (
    select mm.*, row_number() over (order by mm.uid) as rn from mail.mailbox_messages mm
     where mm.mailbox = p_src and mail.uid_in(mm.uid, p_uids)
  ), ins as (
    -- the sort keys come along (the same message and INTERNALDATE give the same keys), so the
    -- row trigger that would look them up per row is not called (47_sort_thread.sql)
    insert into mail.mailbox_messages (mailbox, uid, message, modseq, internaldate, size, seen,
                                       answered, flagged, deleted, draft, keywords, thread_root,
                                       sort_date, sort_subject, sent_day)
    select p_dst, v_first + s.rn::int - 1, s.message, v_modseq, s.internaldate, s.size, s.seen,
           s.answered, s.flagged, s.deleted, s.draft, s.keywords, s.thread_root,
           s.sort_date, s.sort_subject, s.sent_day
      from src s
    returning 1
  )
  select s.uid, v_first + s.rn::int - 1, v_validity from src s order by s.uid;
  perform mail.note_keywords(p_dst, (select b.keywords from mail.mailboxes b where b.id = p_src));
  perform mail.notify_mailbox(p_dst);
end $$;

-- MOVE: copy, then expunge the originals (reason 'moved'); the expunge shows up as VANISHED or
-- EXPUNGE in the source like any other.
create or replace function mail.move_rows(p_user int, p_src int, p_uids int4multirange, p_dst int)
returns table (src_uid int, dst_uid int, dst_uidvalidity int)
language plpgsql as $$
declare
  v_all int4multirange := coalesce(p_uids, '{[1,2147483647)}'::int4multirange);
begin
  return query select * from mail.copy_rows(p_src, v_all, p_dst);
  perform mail.expunge_rows(p_user, p_src, v_all, false, 'moved');
end $$;

-- COPY / MOVE (RFC 3501 §6.4.7, RFC 6851, RFC 4315 COPYUID): the destination is named; AXNEX
-- means TRYCREATE. Quota of the destination's owner is enforced when p_check_quota.
create or replace function api.messages_copy(p_user int, p_src int, p_uids int4multirange,
                                             p_dst_name text, p_move boolean,
                                             p_check_quota boolean default true)
returns table (src_uid int, dst_uid int, dst_uidvalidity int)
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_dst int := mail.resolve_mailbox(p_user, p_dst_name);
begin
  if v_dst is null or not (select selectable from mail.mailboxes where id = v_dst) then
    perform mail.fail('AXNEX', 'no such mailbox');
  end if;
  perform mail.require_right(p_user, p_src, 'r');
  perform mail.require_right(p_user, v_dst, 'i');
  if p_move then
    perform mail.require_right(p_user, p_src, 'e');
    perform mail.require_right(p_user, p_src, 't');
    return query select * from mail.move_rows(p_user, p_src, p_uids, v_dst);
  else
    return query select * from mail.copy_rows(p_src, p_uids, v_dst);
  end if;
  if p_check_quota and exists (
      select 1 from mail.users u join mail.mailboxes b on b.owner = u.id
       where b.id = v_dst and (u.used_storage > u.quota_storage or u.used_messages > u.quota_messages)) then
    perform mail.fail('AXQTA', 'over quota');
  end if;
end $$;
comment on function api.messages_copy(int, int, int4multirange, text, boolean, boolean) is
  'COPY and MOVE (RFC 3501 §6.4.7, RFC 6851) with COPYUID data (RFC 4315); one statement for any UID set.';
