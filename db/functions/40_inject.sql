-- Message injection: APPEND, LMTP delivery and aox import all come through mail.inject.
-- Set-shaped: many messages into many mailboxes in one call, each distinct message stored once.

-- p_raw[i] are the original bytes of message i and p_meta[i] its parsed view (frontend/mime,
-- serialised by frontend/db/message-meta.ts). p_deliveries is a JSON array of
-- {"m": i (1-based), "b": mailbox id, "f": [flags], "d": internaldate (ISO 8601, optional)}.
-- Returns one row per delivery with the UID it got. Raises AXQTA when a mailbox owner would go
-- over quota and p_check_quota is true, AXNEX for a missing mailbox, AXPRM without the i right.
-- Whether a JSON flag list holds a system flag; system flags are case-insensitive (RFC 3501 §2.3.2).
create or replace function mail.has_flag(p_flags jsonb, p_flag text) returns boolean
language sql immutable as $$
  select exists (select 1 from jsonb_array_elements_text(coalesce(p_flags, '[]')) f where lower(f) = p_flag)
$$;

-- The address text SEARCH FROM/TO/CC/BCC match (RFC 3501 §6.4.4: the envelope's address list):
-- the decoded addresses ("Name <local@domain>, …") led by the names of any groups in the list
-- (RFC 5322 §3.4 "team: a@x, b@y;"), which the addresses alone leave out. p_list is the envelope's
-- list, where a group starts with (NIL NIL "name" NIL). Group names stored as raw bytes ($b64) are
-- left out.
create or replace function mail.address_search_text(p_text text, p_list jsonb) returns text
language sql immutable parallel safe as $$
  select case when g.names = '' then coalesce(p_text, '') else ltrim(g.names || ' ' || coalesce(p_text, '')) end
    from (select coalesce(string_agg(e->>2 || ':', ' ' order by o), '') as names
            from jsonb_array_elements(case when jsonb_typeof(p_list) = 'array' then p_list else '[]' end)
                 with ordinality x(e, o)
           where jsonb_typeof(e) = 'array' and jsonb_typeof(e->2) = 'string' and jsonb_typeof(e->3) = 'null') g
$$;

-- The work of mail.inject, for callers that already have each message's SHA-256 (aox import
-- computes it in SQL for its presence check): p_hash[i] must be digest(p_raw[i], 'sha256'), since
-- single-instance storage trusts it; only SQL callers that computed it so may call this.
--
-- Cost notes (aox import stores 200 messages a call): the raw bytes are never carried through a
-- sort or a materialised set (that spilled 8 MB batches to temporary files); rows are deduplicated
-- by (hash, position) and p_raw[i] is read only where the row is inserted. The new rows are
-- remembered by (mailbox, uid), so the thread-id step touches them through the primary key
-- instead of scanning the mailbox, and its parent lookup is driven from each referenced
-- Message-ID through indexes, whatever the planner believes about a table that is still filling.
create or replace function mail.inject_hashed(p_user int, p_raw bytea[], p_hash bytea[], p_meta jsonb[],
                                              p_deliveries jsonb, p_check_quota boolean)
returns table (idx int, mailbox int, uid int, uidvalidity int, modseq bigint, message bigint)
language plpgsql as $$
declare
  v_ids bigint[];
  v_missing int;
  v_box record;
  v_tries int := 0;
  v_m int[];
  v_b int[];
  v_uid int[];
  v_uidvalidity int[];
  v_modseq bigint[];
begin
  if coalesce(array_length(p_raw, 1), 0) <> coalesce(array_length(p_meta, 1), 0)
     or coalesce(array_length(p_raw, 1), 0) <> coalesce(array_length(p_hash, 1), 0) then
    perform mail.fail('AXBAD', 'p_raw, p_hash and p_meta differ in length');
  end if;

  -- 1. Single-instance storage. ON CONFLICT DO NOTHING cannot see a row committed by a concurrent
  -- injector after our statement began, so look up what is still missing and try again.
  loop
    with input as (
      select t.ord::int as ord, t.hash from unnest(p_hash) with ordinality as t(hash, ord)
    ), ins as (
      insert into mail.messages (hash, raw, size, header_size, envelope, body, bodystructure, parts,
          headers, subject, base_subject, from_text, to_text, cc_text, bcc_text, sort_from, sort_to,
          sort_cc, display_from, display_to, sent_date, message_id, in_reply_to, refs, body_text, problems)
      select u.hash, p_raw[u.ord], length(p_raw[u.ord]), (u.meta->>'headerSize')::int,
          u.meta->'envelope', u.meta->'body', u.meta->'bodystructure', u.meta->'parts', u.meta->'headers',
          u.meta->>'subject', coalesce(u.meta->>'baseSubject', ''),
          mail.address_search_text(u.meta->>'fromText', u.meta->'envelope'->2), mail.address_search_text(u.meta->>'toText', u.meta->'envelope'->5),
          mail.address_search_text(u.meta->>'ccText', u.meta->'envelope'->6), mail.address_search_text(u.meta->>'bccText', u.meta->'envelope'->7),
          coalesce(u.meta->>'sortFrom', ''), coalesce(u.meta->>'sortTo', ''), coalesce(u.meta->>'sortCc', ''),
          coalesce(u.meta->>'displayFrom', ''), coalesce(u.meta->>'displayTo', ''),
          (u.meta->>'sentDate')::timestamptz, u.meta->>'messageId',
          coalesce(array(select jsonb_array_elements_text(u.meta->'inReplyTo')), '{}'),
          coalesce(array(select jsonb_array_elements_text(u.meta->'references')), '{}'),
          coalesce(u.meta->>'bodyText', ''),
          coalesce(array(select jsonb_array_elements_text(u.meta->'problems')), '{}')
        from (select f.hash, f.ord, p_meta[f.ord] as meta
                from (select distinct on (i.hash) i.hash, i.ord from input i order by i.hash, i.ord) f
               where not exists (select 1 from mail.messages m where m.hash = f.hash)) u
      on conflict (hash) do nothing
      returning mail.messages.id, mail.messages.hash
    )
    select array_agg(coalesce(ins.id, m.id) order by i.ord) into v_ids
      from input i left join ins on ins.hash = i.hash left join mail.messages m on m.hash = i.hash;
    select count(*) into v_missing from unnest(v_ids) x where x is null;
    if v_missing = 0 then
      -- a body that was found rather than inserted may be purged by a concurrent aox vacuum before
      -- our rows refer to it: lock the bodies against deletion, and start over if one went
      perform 1 from mail.messages m where m.id = any(v_ids) for key share;
      select count(*) into v_missing from (select distinct x from unnest(v_ids) x) d
       where not exists (select 1 from mail.messages m where m.id = d.x);
    end if;
    exit when v_missing = 0;
    v_tries := v_tries + 1;
    if v_tries > 5 then
      perform mail.fail('40001', 'could not store message bodies under concurrent injection');
    end if;
  end loop;

  -- 1b. The word index of SEARCH TEXT/BODY (45_imap.sql) for bodies stored by this call: the words
  -- the frontend split, or, from a caller that sent none, the same split done here.
  perform mail.message_words_add(array_agg(n.id),
            array_agg(coalesce(n.meta->>'bodyWords', mail.search_words_split(n.meta->>'bodyText'))),
            array_agg(coalesce(n.meta->>'headerWords',
                               mail.search_words_split(mail.headers_text(coalesce(n.meta->'headers', '[]'))))))
    from (select distinct on (x.id) x.id, p_meta[x.ord] as meta
            from unnest(v_ids) with ordinality x(id, ord)
           where not exists (select 1 from mail.message_words w where w.message = x.id)
           order by x.id, x.ord) n;

  -- 2. Lock the target mailboxes in id order (no deadlocks between concurrent injectors) and check
  -- that they exist and may be written.
  for v_box in
    select b.id, b.selectable, b.deleted_at from mail.mailboxes b
     where b.id in (select (e->>'b')::int from jsonb_array_elements(p_deliveries) e)
     order by b.id for update
  loop
    if v_box.deleted_at is not null or not v_box.selectable then
      perform mail.fail('AXNEX', 'no such mailbox');
    end if;
    if p_user is not null then
      perform mail.require_right(p_user, v_box.id, 'i');
    end if;
  end loop;
  if exists (select 1 from jsonb_array_elements(p_deliveries) e
              where not exists (select 1 from mail.mailboxes b where b.id = (e->>'b')::int)) then
    perform mail.fail('AXNEX', 'no such mailbox');
  end if;

  -- 3. Allocate UIDs (consecutive per mailbox, in delivery order) and one modseq per mailbox, and
  -- insert every delivery in one statement. System flags are case-insensitive (RFC 3501 §2.3.2).
  with d as (
    select (e->>'m')::int as m, (e->>'b')::int as b,
           coalesce(array(select jsonb_array_elements_text(coalesce(e->'f', '[]'))), '{}') as f,
           coalesce((e->>'d')::timestamptz, now()) as d, o as ord,
           row_number() over (partition by (e->>'b')::int order by o) as rn
      from jsonb_array_elements(p_deliveries) with ordinality as x(e, o)
  ), alloc as (
    update mail.mailboxes b set uidnext = b.uidnext + c.cnt, nextmodseq = b.nextmodseq + 1
      from (select d.b, count(*)::int as cnt from d group by d.b) c
     where b.id = c.b
    returning b.id, b.uidnext - c.cnt as first_uid, b.nextmodseq - 1 as modseq, b.uidvalidity
  ), ins as (
    -- the sort keys are joined here rather than looked up by the row trigger, one call per row
    -- (47_sort_thread.sql); a message without keys (none: they are written with it) leaves them
    -- null and the trigger fills them
    insert into mail.mailbox_messages (mailbox, uid, message, modseq, internaldate, size, seen,
                                       answered, flagged, deleted, draft, keywords,
                                       sort_date, sort_subject, sent_day)
    select d.b, a.first_uid + d.rn::int - 1, v_ids[d.m], a.modseq, d.d, length(p_raw[d.m]),
           '\seen' = any(l.f), '\answered' = any(l.f), '\flagged' = any(l.f), '\deleted' = any(l.f),
           '\draft' = any(l.f),
           coalesce(array(select distinct k from unnest(d.f) k where left(k, 1) <> '\' order by k), '{}'),
           coalesce(mk.sent_date, d.d), mk.sort_subject, coalesce(mk.sent_day, (d.d at time zone 'UTC')::date)
      from d join alloc a on a.id = d.b
      left join mail.message_keys mk on mk.message = v_ids[d.m]
      cross join lateral (select array(select lower(k) from unnest(d.f) k) as f) l
    returning 1
  )
  select array_agg(d.m order by d.ord), array_agg(d.b order by d.ord),
         array_agg(a.first_uid + d.rn::int - 1 order by d.ord), array_agg(a.uidvalidity order by d.ord),
         array_agg(a.modseq order by d.ord)
    into v_m, v_b, v_uid, v_uidvalidity, v_modseq
    from d join alloc a on a.id = d.b;

  -- 4. Thread ids (RFC 8474 THREADID), computed once here: a new message joins the thread of the
  -- oldest message of the same owner it refers to (References oldest first, then In-Reply-To);
  -- otherwise it starts a thread of its own.
  -- The lookups are fenced (offset 0) so that each is planned on its own, from the Message-ID
  -- index to the rows holding that message, whatever the statistics of tables still filling.
  update mail.mailbox_messages mm
     set thread_root = coalesce((
           select coalesce(t.thread_root, t.message)
             from mail.messages nm
             cross join lateral unnest(nm.refs || nm.in_reply_to) with ordinality as r(id, ord)
             cross join lateral (
               select p.thread_root, p.message
                 from (select pm.id from mail.messages pm
                        where pm.message_id = r.id and pm.id <> nm.id offset 0) pmx
                 join mail.mailbox_messages p on p.message = pmx.id
                 join mail.mailboxes pb on pb.id = p.mailbox
                where pb.owner = n.owner
                order by p.mailbox, p.uid
                limit 1) t
            where nm.id = mm.message
            order by r.ord
            limit 1), mm.message)
    from (select x.b, x.uid, b.owner from unnest(v_b, v_uid) as x(b, uid)
            join mail.mailboxes b on b.id = x.b offset 0) n
   where (mm.mailbox, mm.uid) = (n.b, n.uid);

  -- 5. Quota (RFC 9208): the counters were updated by the insert's statement trigger.
  if p_check_quota and exists (
      select 1 from mail.users u
       where u.id in (select b.owner from mail.mailboxes b
                       where b.id in (select (e->>'b')::int from jsonb_array_elements(p_deliveries) e))
         and (u.used_storage > u.quota_storage or u.used_messages > u.quota_messages)) then
    perform mail.fail('AXQTA', 'over quota');
  end if;

  perform mail.note_keywords(x.b, x.k)
     from (select (e->>'b')::int as b, array_agg(distinct k) as k
             from jsonb_array_elements(p_deliveries) e, jsonb_array_elements_text(coalesce(e->'f', '[]')) k
            where left(k, 1) <> '\' group by 1) x;

  perform mail.notify_mailbox(x.b) from (select distinct (e->>'b')::int as b
                                           from jsonb_array_elements(p_deliveries) e) x;

  return query
  select x.m, x.b, x.uid, x.uv, x.ms, v_ids[x.m]
    from unnest(v_m, v_b, v_uid, v_uidvalidity, v_modseq) with ordinality as x(m, b, uid, uv, ms, ord)
   order by x.ord;
end $$;

create or replace function mail.inject(p_user int, p_raw bytea[], p_meta jsonb[], p_deliveries jsonb,
                                       p_check_quota boolean)
returns table (idx int, mailbox int, uid int, uidvalidity int, modseq bigint, message bigint)
language sql as $$
  select * from mail.inject_hashed(p_user, p_raw,
    array(select public.digest(r, 'sha256') from unnest(p_raw) with ordinality as x(r, o) order by o),
    p_meta, p_deliveries, p_check_quota)
$$;

create or replace function api.message_inject(p_user int, p_raw bytea[], p_meta jsonb[],
                                              p_deliveries jsonb, p_check_quota boolean default true)
returns table (idx int, mailbox int, uid int, uidvalidity int, modseq bigint, message bigint)
language sql security definer set search_path = pg_catalog, pg_temp as $$
  select * from mail.inject(p_user, p_raw, p_meta, p_deliveries, p_check_quota)
$$;
comment on function api.message_inject(int, bytea[], jsonb[], jsonb, boolean) is
  'APPEND/MULTIAPPEND (RFC 3501 §6.3.11, RFC 3502) and LMTP delivery (p_user null): stores messages once, delivers them to mailboxes with new UIDs.';
