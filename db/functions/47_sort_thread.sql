-- SORT (RFC 5256 §3, RFC 5957 DISPLAYFROM/DISPLAYTO) and the per-message data THREAD needs
-- (RFC 5256 §4, draft-ietf-morg-inthread THREAD=REFS). Both take the search program as well, so a
-- SORT or THREAD command is one call and one statement: the search (mail.search_sql, 45_imap.sql)
-- and the ordering run over the mailbox together.
--
-- THREAD itself is computed by frontend/imap/threading (pure TypeScript, plv8-portable): the
-- REFERENCES algorithm is a recursive tree computation that PL/pgSQL does poorly, and it is a pure
-- function of the per-message data stored at injection, returned here in one call. See
-- frontend/imap/threading/types.ts.

-- i;ascii-casemap (RFC 4790 §9.2), the collation RFC 5256 sorts strings with: ASCII letters are
-- upper-cased, every other character is compared as its octets (callers add collate "C").
create or replace function mail.ascii_casemap(p_text text) returns text
language sql immutable parallel safe as $$
  select translate(p_text, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')
$$;

-- mail.message_keys (why: db/migrations/0007): each message's narrow keys, written once per
-- statement that stores messages.
create or replace function mail.message_keys_insert() returns trigger
language plpgsql as $$
begin
  insert into mail.message_keys (message, message_id, refs, base_subject, subject, sent_date, sort_subject, sent_day,
                                 sort_from, sort_to, sort_cc, display_from, display_to)
  select n.id, n.message_id,
         case when n.refs <> '{}' then array_to_string(n.refs, ' ') else n.in_reply_to[1] end,
         n.base_subject, case when n.subject is distinct from n.base_subject then n.subject end,
         n.sent_date, mail.ascii_casemap(n.base_subject), mail.sent_day(n.envelope, n.sent_date, null),
         mail.ascii_casemap(n.sort_from), mail.ascii_casemap(n.sort_to), mail.ascii_casemap(n.sort_cc),
         mail.ascii_casemap(n.display_from), mail.ascii_casemap(n.display_to)
    from new_rows n;
  return null;
end $$;

create or replace trigger messages_keys_insert
  after insert on mail.messages referencing new table as new_rows
  for each statement execute function mail.message_keys_insert();

-- A reparse (admin.messages_reparsed) rewrites the keys, and the copies in the mailbox rows of the
-- messages whose date or subject changed, and forgets the cached orders of their mailboxes.
create or replace function mail.message_keys_update() returns trigger
language plpgsql as $$
begin
  update mail.message_keys k
     set message_id = n.message_id,
         refs = case when n.refs <> '{}' then array_to_string(n.refs, ' ') else n.in_reply_to[1] end,
         base_subject = n.base_subject,
         subject = case when n.subject is distinct from n.base_subject then n.subject end,
         sent_date = n.sent_date, sort_subject = mail.ascii_casemap(n.base_subject),
         sent_day = mail.sent_day(n.envelope, n.sent_date, null),
         sort_from = mail.ascii_casemap(n.sort_from), sort_to = mail.ascii_casemap(n.sort_to),
         sort_cc = mail.ascii_casemap(n.sort_cc), display_from = mail.ascii_casemap(n.display_from),
         display_to = mail.ascii_casemap(n.display_to)
    from new_rows n
   where k.message = n.id;
  delete from mail.order_cache c
   where c.mailbox in (select mm.mailbox from mail.mailbox_messages mm join new_rows n on n.id = mm.message);
  update mail.mailbox_messages mm
     set sort_date = coalesce(k.sent_date, mm.internaldate), sort_subject = k.sort_subject,
         sent_day = coalesce(k.sent_day, (mm.internaldate at time zone 'UTC')::date)
    from new_rows n join old_rows o on o.id = n.id join mail.message_keys k on k.message = n.id
   where mm.message = n.id
     and (o.sent_date is distinct from n.sent_date or o.base_subject is distinct from n.base_subject
          or o.envelope->>0 is distinct from n.envelope->>0);
  return null;
end $$;

create or replace trigger messages_keys_update
  after update on mail.messages referencing old table as old_rows new table as new_rows
  for each statement execute function mail.message_keys_update();

-- The copies in a new mailbox row (mail.mailbox_messages sort_date, sort_subject, sent_day), from
-- the message's keys and the row's INTERNALDATE, whichever function inserts it. A row that changes
-- its message or INTERNALDATE in place changes its keys: its mailbox's cached orders go.
create or replace function mail.mailbox_messages_keys() returns trigger
language plpgsql as $$
begin
  if tg_op = 'UPDATE' then
    delete from mail.order_cache where mailbox = new.mailbox;
  end if;
  select coalesce(k.sent_date, new.internaldate), k.sort_subject,
         coalesce(k.sent_day, (new.internaldate at time zone 'UTC')::date)
    into new.sort_date, new.sort_subject, new.sent_day
    from mail.message_keys k where k.message = new.message;
  return new;
end $$;

-- Two triggers: an insert that brings the keys along (mail.copy_rows copies the source row's, which
-- are the same since COPY and MOVE keep INTERNALDATE) skips the function call altogether, which
-- is most of the per-row cost of copying or moving half a million messages.
drop trigger if exists mailbox_messages_keys on mail.mailbox_messages;
create or replace trigger mailbox_messages_keys_insert
  before insert on mail.mailbox_messages
  for each row when (new.sort_date is null or new.sort_subject is null or new.sent_day is null)
  execute function mail.mailbox_messages_keys();
create or replace trigger mailbox_messages_keys_update
  before update of message, internaldate on mail.mailbox_messages
  for each row execute function mail.mailbox_messages_keys();

-- The ORDER BY expression of one sort criterion ("DATE", "REVERSE SUBJECT"), over mm
-- (mail.mailbox_messages) and msg (mail.messages). A whitelist: client text never reaches the
-- statement. Unknown keys raise AXBAD.
create or replace function mail.sort_key_sql(p_criterion text) returns text
language plpgsql immutable as $$
declare
  v_reverse boolean := upper(p_criterion) like 'REVERSE %';
  v_key text := upper(case when v_reverse then substr(p_criterion, 9) else p_criterion end);
  v_expr text;
begin
  v_expr := case v_key
    -- RFC 5256 §3: INTERNALDATE, date and time (not just the date as SEARCH ON uses)
    when 'ARRIVAL' then 'mm.internaldate'
    -- RFC 5256 §2.2: the sent date, INTERNALDATE when the Date field is missing or unparsable
    when 'DATE' then 'mm.sort_date'
    when 'SIZE' then 'mm.size'
    -- addr-mailbox of the first address (frontend/db/message-meta.ts stores it), i;ascii-casemap,
    -- from the narrow mail.message_keys (tk)
    when 'FROM' then 'tk.sort_from'
    when 'TO' then 'tk.sort_to'
    when 'CC' then 'tk.sort_cc'
    when 'SUBJECT' then 'mm.sort_subject'
    -- RFC 5957: display name of the first address, else its addr-spec
    when 'DISPLAYFROM' then 'tk.display_from'
    when 'DISPLAYTO' then 'tk.display_to'
  end;
  if v_expr is null then
    perform mail.fail('AXBAD', 'unknown sort key ' || coalesce(p_criterion, '(null)'));
  end if;
  return v_expr || case when v_reverse then ' desc' else ' asc' end;
end $$;

-- The FROM part shared by SORT and THREAD: the mailbox's rows, limited to a UID set (index range
-- scans, one per run) and to what a search program matches. mail.messages (a wide row: the
-- parsed view lives there) is joined only when p_needs_message or the search reads it;
-- p_join adds another (a constant of the caller's, never client text).
create or replace function mail.sort_source_sql(p_uids int4multirange, p_search jsonb,
                                                p_needs_message boolean default true,
                                                p_join text default '') returns text
language plpgsql stable as $$
declare
  v_cond text := case when p_search is null then null else mail.search_sql(p_search) end;
begin
  return 'mail.mailbox_messages mm' || p_join
         || case when p_needs_message or position('msg.' in coalesce(v_cond, '')) > 0
                 then ' join mail.messages msg on msg.id = mm.message' else '' end
         || ' where mm.mailbox = $1'
         || case when p_uids is null then '' else ' and mail.uid_in(mm.uid, $2)' end
         || case when v_cond is null then '' else ' and ' || v_cond end;
end $$;

-- The ORDER BY list of a SORT: one criterion per element of p_keys ("DATE", "REVERSE SUBJECT"),
-- then the UID (RFC 5256 §3: the implicit last key is the sequence number, never reversed). With
-- p_backwards every direction is flipped, so the list orders the same messages exactly from the
-- other end (nulls included: asc puts them last, desc first), for a PARTIAL page counted from the
-- end (RFC 9394).
create or replace function mail.sort_order_sql(p_keys text[], p_search jsonb, p_backwards boolean default false)
returns text
language plpgsql stable as $$
declare
  v_order text;
begin
  if coalesce(cardinality(p_keys), 0) = 0 then
    perform mail.fail('AXBAD', 'SORT needs at least one sort key');
  end if;
  -- RELEVANCY (RFC 6203 §6): highest score first; it needs the search key, so it is built here
  select string_agg(case when upper(k) in ('RELEVANCY', 'REVERSE RELEVANCY')
                         then mail.search_score_sql(coalesce(p_search, '{}'))
                              || case when (upper(k) = 'RELEVANCY') <> p_backwards then ' desc' else ' asc' end
                         when p_backwards and upper(k) like 'REVERSE %' then mail.sort_key_sql(substr(k, 9))
                         when p_backwards then mail.sort_key_sql('REVERSE ' || k)
                         else mail.sort_key_sql(k) end, ', ' order by o) into v_order
    from unnest(p_keys) with ordinality as x(k, o);
  return v_order || case when p_backwards then ', mm.uid desc' else ', mm.uid' end;
end $$;

-- The joins an ORDER BY list needs beyond the mailbox rows: mail.message_keys (tk) for the address
-- keys. mail.messages (msg) is sort_source_sql's to add.
create or replace function mail.sort_keys_join(p_order text) returns text
language sql immutable as $$
  select case when position('tk.' in p_order) > 0 then ' join mail.message_keys tk on tk.message = mm.message' else '' end
$$;

-- Whether a search program selects every message of the view (null, ALL, or an AND of such): the
-- only programs whose SORT and THREAD results mail.order_cache keeps, since every other key reads
-- flags, dates relative to now or text, which change or cost more to compare than to recompute.
create or replace function mail.search_is_all(p_search jsonb) returns boolean
language plpgsql immutable as $$
begin
  return p_search is null or jsonb_typeof(p_search) = 'null'
         or p_search->>'type' = 'all'
         or (p_search->>'type' = 'and'
             and not exists (select 1 from jsonb_array_elements(p_search->'keys') k where not mail.search_is_all(k)));
end $$;

-- The name of a view of a mailbox in mail.order_cache: md5 of the UIDVALIDITY and the UID set
-- (null: the whole mailbox as it is now, named by its UID range and message count, which pin the
-- set down because UIDs only grow and expunged ones never return under the same UIDVALIDITY).
create or replace function mail.order_view_hash(p_mailbox int, p_uids int4multirange) returns text
language sql stable as $$
  select md5(b.uidvalidity || ':' || coalesce(p_uids::text, 'all<' || b.uidnext || '#' || b.messages))
    from mail.mailboxes b where b.id = p_mailbox
$$;

-- The cached answer to p_request over the view p_uids of p_mailbox, or null.
create or replace function mail.order_cached(p_mailbox int, p_request text, p_uids int4multirange) returns text
language sql stable as $$
  select c.result from mail.order_cache c
   where c.mailbox = p_mailbox and c.request = p_request and c.view_hash = mail.order_view_hash(p_mailbox, p_uids)
$$;

-- Keeps p_result as the answer to p_request over the view p_uids of p_mailbox, replacing the
-- previous view's. A read-only transaction (a standby) just does not keep it.
create or replace function mail.order_remember(p_mailbox int, p_request text, p_uids int4multirange, p_result text)
returns void
language plpgsql as $$
begin
  insert into mail.order_cache (mailbox, request, view_hash, result)
  values (p_mailbox, p_request, mail.order_view_hash(p_mailbox, p_uids), p_result)
  on conflict (mailbox, request) do update set view_hash = excluded.view_hash, result = excluded.result;
exception when read_only_sql_transaction then
  null;
end $$;

-- The UIDs of the messages in p_uids (null: all) of p_mailbox that match p_search, in the order
-- of p_keys, as api.messages_sort returns them (one space-separated text, and the highest modseq),
-- evaluated in one statement and never cached.
create or replace function mail.sorted_uids(p_mailbox int, p_uids int4multirange, p_keys text[], p_search jsonb,
                                            out uids text, out modseq bigint)
language plpgsql stable as $$
declare
  v_order text := mail.sort_order_sql(p_keys, p_search);
begin
  execute
    'select coalesce(string_agg(mm.uid::text, '' '' order by ' || v_order || '), ''''), '
    || 'max(mm.modseq) from '
    || mail.sort_source_sql(p_uids, p_search, position('msg.' in v_order) > 0, mail.sort_keys_join(v_order))
    into uids, modseq
    using p_mailbox, p_uids;
end $$;

-- SORT / UID SORT (RFC 5256 §3, RFC 5957, RFC 5267 ESORT): the UIDs of the messages in p_uids
-- (null: all) that match p_search (the JSON search key of api.messages_search; null: all), in the
-- order of p_keys, one criterion per element, each a sort key optionally preceded by "REVERSE ".
-- Messages equal under every key keep mailbox order (RFC 5256 §3: the implicit last key is the
-- sequence number, never reversed). One row: the UIDs in sort order as decimal numbers separated
-- by single spaces ('' for none), cheaper to send and to read than a row per message, and the
-- highest modseq among them, for the MODSEQ response data of RFC 7162 §3.1.5 (null for none).
-- DATE, SUBJECT, ARRIVAL and SIZE read only the mailbox rows (their keys are copied there), the
-- address keys the narrow mail.message_keys.
-- The order of a whole view (a search that selects everything) is kept in mail.order_cache and
-- served from there while the view stays the same; modseq is then null, which no caller needs:
-- it is only asked for with a MODSEQ search key (RFC 7162 §3.1.5), which is never cached.
-- work_mem: the sort of a 100,000-message folder spilled to disk at the default 4 MB.
create or replace function api.messages_sort(p_user int, p_mailbox int, p_uids int4multirange,
                                             p_keys text[], p_search jsonb default null)
returns table (uids text, modseq bigint)
language plpgsql volatile security definer set search_path = pg_catalog, pg_temp set work_mem = '128MB' as $$
declare
  v_order text;
  v_request text;
  v_uids text;
  v_modseq bigint;
begin
  perform mail.require_right(p_user, p_mailbox, 'r');
  v_order := mail.sort_order_sql(p_keys, p_search);
  if mail.search_is_all(p_search) then
    v_request := 'SORT ' || (select string_agg(upper(k), ',' order by o) from unnest(p_keys) with ordinality x(k, o));
    v_uids := mail.order_cached(p_mailbox, v_request, p_uids);
    if v_uids is not null then
      return query select v_uids, null::bigint;
      return;
    end if;
  end if;
  select s.uids, s.modseq into v_uids, v_modseq from mail.sorted_uids(p_mailbox, p_uids, p_keys, p_search) s;
  if v_request is not null then
    perform mail.order_remember(p_mailbox, v_request, p_uids, v_uids);
  end if;
  return query select v_uids, v_modseq;
end $$;
comment on function api.messages_sort(int, int, int4multirange, text[], jsonb) is
  'SORT (RFC 5256 §3, RFC 5957 DISPLAYFROM/DISPLAYTO, RFC 5267 ESORT): matching UIDs in sort order (ties in UID order) as one space-separated text, with their highest modseq (RFC 7162 §3.1.5; null when the order of a whole view came from mail.order_cache); one statement.';

-- CONTEXT=SORT (RFC 5267 §4.3): the messages of p_uids that match p_search in the order of p_keys,
-- like api.messages_sort but never served from or kept in mail.order_cache. A live sort places a
-- message that joins its result by sorting it among a few of the result's members; those small
-- sets must not replace the cached order of the whole mailbox.
create or replace function api.messages_sort_among(p_user int, p_mailbox int, p_uids int4multirange,
                                                   p_keys text[], p_search jsonb)
returns table (uids text)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp set work_mem = '128MB' as $$
begin
  perform mail.require_right(p_user, p_mailbox, 'r');
  if p_uids is null then
    perform mail.fail('AXBAD', 'messages_sort_among needs the UIDs to sort');
  end if;
  return query select s.uids from mail.sorted_uids(p_mailbox, p_uids, p_keys, p_search) s;
end $$;
comment on function api.messages_sort_among(int, int, int4multirange, text[], jsonb) is
  'CONTEXT=SORT (RFC 5267 §4.3): the matching messages of some UIDs in sort order, space-separated; nothing cached.';

-- One page of a SORT result (RFC 9394 / RFC 5267 §4.4 PARTIAL with ESORT): the messages at
-- positions p_first..p_last of api.messages_sort's order, both positive (1 is the first in sort
-- order) or both negative (-1 is the last), |p_first| <= |p_last|. A negative page is read with
-- every direction flipped, so it comes back last-first: row 1 is position p_first. The statement
-- cuts the page (ORDER BY/OFFSET/LIMIT, a top-N sort), so only the page leaves the database.
create or replace function api.messages_sort_page(p_user int, p_mailbox int, p_uids int4multirange,
                                                  p_keys text[], p_search jsonb, p_first int, p_last int)
returns table (uid int, modseq bigint)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp set work_mem = '128MB' as $$
declare
  v_order text;
begin
  perform mail.require_right(p_user, p_mailbox, 'r');
  if p_first is null or p_last is null or p_first = 0 or p_last = 0 or sign(p_first) <> sign(p_last)
     or abs(p_first) > abs(p_last) then
    perform mail.fail('AXBAD', 'invalid partial range');
  end if;
  v_order := mail.sort_order_sql(p_keys, p_search, p_first < 0);
  return query execute
    'select mm.uid, mm.modseq from '
    || mail.sort_source_sql(p_uids, p_search, position('msg.' in v_order) > 0, mail.sort_keys_join(v_order))
    || ' order by ' || v_order
    || format(' offset %s limit %s', abs(p_first) - 1, abs(p_last) - abs(p_first) + 1)
    using p_mailbox, p_uids;
end $$;
comment on function api.messages_sort_page(int, int, int4multirange, text[], jsonb, int, int) is
  'SORT RETURN (PARTIAL a:b) (RFC 9394, RFC 5267 ESORT): the messages at positions a..b of the sort order (negative: from the end, returned last-first), cut in the statement.';

-- THREAD / UID THREAD (RFC 5256 §4, draft-ietf-morg-inthread): what the threading algorithms need
-- of each message in p_uids (null: all) that matches p_search, in UID order, and nothing more, in
-- the cheapest form to send and parse, so a 100,000-message mailbox is a few megabytes:
--   message_id    the normalised Message-ID ("<id>"), null when missing or invalid
--   refs          the message's references (RFC 5256 §4): the ids of References, else the first
--                 id of In-Reply-To; space-separated (ids never contain whitespace), null for none
--   base_subject  the RFC 5256 §2.1 base subject
--   subject       the decoded subject, only when it differs from the base subject (REFERENCES
--                 needs it to tell replies and forwards; equal means nothing was removed)
--   sent_date     the RFC 5256 §2.2 sent date (Date, else INTERNALDATE) in milliseconds since the
--                 epoch
-- p_algorithm trims what an algorithm does not use: ORDEREDSUBJECT needs no ids or subjects, REFS
-- no subjects. Everything comes from the mailbox rows and the narrow mail.message_keys,
-- never the wide messages heap (unless the search reads it). Plain rows: measured on 10,000
-- messages, json_agg or array_agg of the same columns cost PostgreSQL two to five times more than
-- the rows cost to send and read.
create or replace function api.messages_thread_data(p_user int, p_mailbox int, p_uids int4multirange,
                                                    p_search jsonb default null,
                                                    p_algorithm text default 'REFERENCES')
returns table (uid int, message_id text, refs text, base_subject text, subject text, sent_date bigint)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_alg text := upper(p_algorithm);
begin
  perform mail.require_right(p_user, p_mailbox, 'r');
  if v_alg not in ('ORDEREDSUBJECT', 'REFERENCES', 'REFS') then
    perform mail.fail('AXBAD', 'unknown thread algorithm ' || coalesce(p_algorithm, '(null)'));
  end if;
  return query execute
    'select mm.uid, '
    || case when v_alg = 'ORDEREDSUBJECT' then 'null::text, null::text, ' else 'tk.message_id, tk.refs, ' end
    || 'tk.base_subject, '
    || case when v_alg = 'REFERENCES' then 'tk.subject, ' else 'null::text, ' end
    || '(extract(epoch from mm.sort_date) * 1000)::bigint from '
    || mail.sort_source_sql(p_uids, p_search, false, ' join mail.message_keys tk on tk.message = mm.message')
    || ' order by mm.uid'
    using p_mailbox, p_uids;
end $$;
comment on function api.messages_thread_data(int, int, int4multirange, jsonb, text) is
  'THREAD input (RFC 5256 §4 ORDEREDSUBJECT/REFERENCES, draft-ietf-morg-inthread REFS): per matching message its Message-ID, references (space-separated), base subject, subject when it differs, and RFC 5256 §2.2 sent date in ms; the algorithm runs in frontend/imap/threading.';

-- THREAD answers over a whole view, kept in mail.order_cache like SORT orders: the algorithms run
-- in the frontend, which asks here first and hands its answer back. p_result is the thread lists
-- in UID form (RFC 5256 §5 with UIDs); for THREAD the frontend maps them to sequence numbers.
-- Nothing is kept or served for a search that does not select the whole view.
create or replace function api.messages_thread_cached(p_user int, p_mailbox int, p_uids int4multirange,
                                                      p_search jsonb, p_algorithm text)
returns text
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform mail.require_right(p_user, p_mailbox, 'r');
  if not mail.search_is_all(p_search) then
    return null;
  end if;
  return mail.order_cached(p_mailbox, 'THREAD ' || upper(p_algorithm), p_uids);
end $$;
comment on function api.messages_thread_cached(int, int, int4multirange, jsonb, text) is
  'THREAD (RFC 5256): the thread lists in UID form kept by api.messages_thread_remember for this view of the mailbox, or null.';

create or replace function api.messages_thread_remember(p_user int, p_mailbox int, p_uids int4multirange,
                                                        p_search jsonb, p_algorithm text, p_result text)
returns void
language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform mail.require_right(p_user, p_mailbox, 'r');
  if upper(p_algorithm) not in ('ORDEREDSUBJECT', 'REFERENCES', 'REFS') then
    perform mail.fail('AXBAD', 'unknown thread algorithm ' || coalesce(p_algorithm, '(null)'));
  end if;
  -- only digits, spaces and parentheses: what RFC 5256 §5 thread lists are made of
  if p_result is null or p_result !~ '^[0-9 ()]*$' then
    perform mail.fail('AXBAD', 'not thread lists');
  end if;
  if mail.search_is_all(p_search) then
    perform mail.order_remember(p_mailbox, 'THREAD ' || upper(p_algorithm), p_uids, p_result);
  end if;
end $$;
comment on function api.messages_thread_remember(int, int, int4multirange, jsonb, text, text) is
  'THREAD (RFC 5256): keeps the thread lists (UID form) computed for this view of the mailbox and a search selecting all of it, for api.messages_thread_cached.';
