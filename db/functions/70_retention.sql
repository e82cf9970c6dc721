-- Bulk administration of message data: import, vacuum, undelete, retention policies, index tuning
-- and reparsing. Called by `aox import|vacuum|undelete|retain|delete messages|show retention|tune
-- database|reparse`, by cron, and by DBAs from psql. Every function is one set-based statement
-- per step; none loops over messages.

-- ---------------------------------------------------------------------------------------------
-- Mailboxes are named as in db/functions/60_admin.sql: the owner's login and the name below it.

-- A mailbox's live id by owner login and name; created (with missing parents) when p_create.
create or replace function admin.import_mailbox(p_owner_login text, p_name text, p_create boolean default false)
returns int
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_user int := mail.user_by_login(p_owner_login);
  v_id int;
begin
  select b.id into v_id from mail.mailboxes b
   where b.owner = v_user and b.name = rtrim(mail.normalise_name(p_name), '/') and b.deleted_at is null;
  if v_id is null and p_create then
    v_id := mail.create_mailbox(v_user, p_name, null);
  elsif v_id is not null and p_create and not (select b.selectable from mail.mailboxes b where b.id = v_id) then
    v_id := mail.create_mailbox(v_user, p_name, null);  -- makes a \Noselect parent selectable again
  end if;
  if v_id is null or not (select b.selectable from mail.mailboxes b where b.id = v_id) then
    perform mail.fail('AXNEX', 'no such mailbox: /users/' || p_owner_login || '/' || p_name);
  end if;
  return v_id;
end $$;
comment on function admin.import_mailbox(text, text, boolean) is
  'aox import: the id of the selectable mailbox p_name of user p_owner_login, created with missing parents when p_create; else AXNEX.';

-- The full name of a mailbox as administrators write it: /users/<login>/<name>.
create or replace function mail.mailbox_spec_of(p_mailbox int) returns text
language sql stable as $$
  select '/users/' || u.login || '/' || b.name
    from mail.mailboxes b join mail.users u on u.id = b.owner where b.id = p_mailbox
$$;

-- ---------------------------------------------------------------------------------------------
-- Import (aox import). Idempotence rule: an imported message is identified by its bytes (SHA-256)
-- and its internal date. p_occ[i] says that message i is the n-th occurrence of its (hash, date)
-- in this import run; it is skipped when the mailbox already holds at least n such rows. So a
-- message that legitimately occurs twice in one mbox is imported twice, and running the same
-- import again (or resuming an interrupted one) adds nothing.

create or replace function mail.import_present(p_mailbox int, p_hashes bytea[], p_dates timestamptz[],
                                               p_occ int[])
returns table (idx int) language sql stable as $$
  select i.ord::int from unnest(p_hashes, p_dates, p_occ) with ordinality as i(hash, d, occ, ord)
   where i.occ <= (select count(*) from mail.messages m
                     join mail.mailbox_messages mm on mm.message = m.id
                    where m.hash = i.hash and mm.mailbox = p_mailbox and mm.internaldate = i.d)
   order by 1
$$;

create or replace function admin.messages_import_present(p_mailbox int, p_hashes bytea[],
                                                         p_dates timestamptz[], p_occ int[])
returns table (idx int)
language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select * from mail.import_present(p_mailbox, p_hashes, p_dates, p_occ)
$$;
comment on function admin.messages_import_present(int, bytea[], timestamptz[], int[]) is
  'aox import: the 1-based indexes of messages (SHA-256, internal date, occurrence number in this run) the mailbox already holds, so a re-run need not send or parse them again.';

-- Stores a batch into one mailbox through mail.inject (single-instance storage, UIDs in input
-- order, one modseq), skipping what the mailbox already holds (see above). p_flags is a JSON
-- array with one array of flag names per message. Quota is not checked: the administrator
-- decides what an archive holds. Returns the imported messages' indexes and new UIDs.
create or replace function admin.messages_import(p_mailbox int, p_raw bytea[], p_meta jsonb[],
                                                 p_flags jsonb, p_dates timestamptz[], p_occ int[])
returns table (idx int, uid int)
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_n int := coalesce(array_length(p_raw, 1), 0);
  v_hash bytea[];
  v_keep int[];
  v_box mail.mailboxes;
begin
  if v_n <> coalesce(array_length(p_meta, 1), 0) or v_n <> coalesce(array_length(p_dates, 1), 0)
     or v_n <> coalesce(array_length(p_occ, 1), 0) or v_n <> coalesce(jsonb_array_length(p_flags), 0) then
    perform mail.fail('AXBAD', 'p_raw, p_meta, p_flags, p_dates and p_occ differ in length');
  end if;
  -- the row lock serialises importers of one mailbox, so nobody adds a copy between our check and
  -- our insert
  select * into v_box from mail.mailboxes b where b.id = p_mailbox for update;
  if not found or v_box.deleted_at is not null or not v_box.selectable then
    perform mail.fail('AXNEX', 'no such mailbox');
  end if;
  -- An import fills tables faster than autovacuum analyses them: on a new or nearly empty
  -- database the planner would take a mailbox of thousands of rows for one of ten, and plan the
  -- per-message lookups of mail.inject (thread parents, presence) as scans of whole mailboxes.
  -- Statistics are refreshed whenever a table has grown to twice what they describe: about
  -- log2(rows) times over an import, a few hundred milliseconds each. The word index's arrays
  -- too: SEARCH TEXT chooses its plan by how common a word is, from their statistics
  -- (mail.search_words_share), and a word's share does not change with the size of the archive.
  if exists (select 1 from pg_catalog.pg_stat_all_tables s join pg_catalog.pg_class c on c.oid = s.relid
              where s.relid in ('mail.messages'::regclass, 'mail.mailbox_messages'::regclass)
                and s.n_live_tup > 2 * greatest(c.reltuples, 500)) then
    analyze mail.messages;
    analyze mail.mailbox_messages;
    analyze mail.message_words (body_words, header_words);
  end if;
  -- each message is hashed once, here, for the presence check and for mail.inject_hashed
  v_hash := array(select public.digest(r, 'sha256') from unnest(p_raw) with ordinality x(r, o) order by o);
  select array_agg(k order by k) into v_keep
    from generate_series(1, v_n) k
   where k not in (select p.idx from mail.import_present(p_mailbox, v_hash, p_dates, p_occ) p);
  if v_keep is null then
    return;
  end if;
  if cardinality(v_keep) = v_n then
    -- the usual case (a first import): nothing to leave out, no copies of the batch to make
    return query
    select i.idx, i.uid
      from mail.inject_hashed(null, p_raw, v_hash, p_meta,
             (select jsonb_agg(jsonb_build_object('m', k, 'b', p_mailbox,
                                                  'f', coalesce(p_flags->(k - 1), '[]'::jsonb),
                                                  'd', p_dates[k]) order by k)
                from generate_series(1, v_n) k),
             false) i
     order by i.idx;
    return;
  end if;
  return query
  select v_keep[i.idx], i.uid
    from mail.inject_hashed(null,
           array(select p_raw[k] from unnest(v_keep) with ordinality u(k, o) order by o),
           array(select v_hash[k] from unnest(v_keep) with ordinality u(k, o) order by o),
           array(select p_meta[k] from unnest(v_keep) with ordinality u(k, o) order by o),
           (select jsonb_agg(jsonb_build_object('m', o, 'b', p_mailbox,
                                                'f', coalesce(p_flags->(k - 1), '[]'::jsonb),
                                                'd', p_dates[k]) order by o)
              from unnest(v_keep) with ordinality u(k, o)),
           false) i
   order by i.idx;
end $$;
comment on function admin.messages_import(int, bytea[], jsonb[], jsonb, timestamptz[], int[]) is
  'aox import: stores a batch of messages (bytes, parsed view, flags, internal dates) in a mailbox with new UIDs, skipping those it already holds; idempotent per mailbox. RFC 3501 §2.3 (UID, flags, internal date).';

-- The same for clients that send a batch compactly: all messages' bytes concatenated in one bytea
-- (sent in binary, not as a hex-escaped array literal) with their lengths, and the parsed views as
-- one JSON array. What aox import calls.
create or replace function admin.messages_import_packed(p_mailbox int, p_data bytea, p_lengths int[],
                                                        p_meta jsonb, p_flags jsonb, p_dates timestamptz[],
                                                        p_occ int[])
returns table (idx int, uid int)
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if coalesce((select sum(l) from unnest(p_lengths) l), 0) <> coalesce(length(p_data), 0)
     or exists (select 1 from unnest(p_lengths) l where l is null or l < 0)
     or jsonb_typeof(p_meta) <> 'array' then
    perform mail.fail('AXBAD', 'p_lengths do not add up to the length of p_data, or p_meta is not an array');
  end if;
  return query
  select * from admin.messages_import(p_mailbox,
    array(select substring(p_data from (o.ends - o.len + 1)::int for o.len)
            from (select u.len, sum(u.len) over (order by u.ord) as ends, u.ord
                    from unnest(p_lengths) with ordinality u(len, ord)) o
           order by o.ord),
    array(select e from jsonb_array_elements(p_meta) with ordinality x(e, o) order by o),
    p_flags, p_dates, p_occ);
end $$;
comment on function admin.messages_import_packed(int, bytea, int[], jsonb, jsonb, timestamptz[], int[]) is
  'aox import: admin.messages_import with the messages concatenated in p_data (lengths in p_lengths) and the parsed views as one JSON array, which is far cheaper to send than bytea[] and jsonb[].';

-- ---------------------------------------------------------------------------------------------
-- Searches of the admin commands (aox undelete, retention policies with a search). p_term is the
-- JSON form of an expression (tools/lib/search-terms.ts): {"op": "all" | "and" | "or" | "not" |
-- "uid" | "from" | "to" | "cc" | "subject" | "body" | "reason" | "since" | "before" | "on" |
-- "deleted-since" | "deleted-before", …}. reason and deleted-* only make sense for expunged
-- messages; p_expunged says whether they are allowed.

-- Raises AXBAD unless p_term is a well-formed search; called before a search is stored or run, so
-- a DBA's typo is an error and not a policy that never matches.
create or replace function mail.selector_check(p_term jsonb, p_expunged boolean) returns void
language plpgsql immutable as $$
declare
  v_op text := p_term->>'op';
  v_t jsonb;
begin
  if jsonb_typeof(p_term) is distinct from 'object' then
    perform mail.fail('AXBAD', 'a search term must be a JSON object');
  end if;
  case
    when v_op = 'all' then null;
    when v_op in ('and', 'or') then
      if jsonb_typeof(p_term->'terms') is distinct from 'array' or jsonb_array_length(p_term->'terms') = 0 then
        perform mail.fail('AXBAD', v_op || ' needs a non-empty array of terms');
      end if;
      for v_t in select jsonb_array_elements(p_term->'terms') loop
        perform mail.selector_check(v_t, p_expunged);
      end loop;
    when v_op = 'not' then perform mail.selector_check(p_term->'term', p_expunged);
    when v_op = 'uid' then perform (p_term->>'set')::int4multirange;
    when v_op in ('from', 'to', 'cc', 'subject', 'body') or (p_expunged and v_op = 'reason') then
      if jsonb_typeof(p_term->'text') is distinct from 'string' then
        perform mail.fail('AXBAD', v_op || ' needs a text');
      end if;
    when v_op in ('since', 'before', 'on') or (p_expunged and v_op in ('deleted-since', 'deleted-before')) then
      perform (p_term->>'date')::date;
    else
      perform mail.fail('AXBAD', 'unknown search term: ' || coalesce(v_op, 'null'));
  end case;
exception
  when invalid_datetime_format or datetime_field_overflow or invalid_text_representation
       or data_exception then
    perform mail.fail('AXBAD', 'malformed search term: ' || p_term::text);
end $$;

-- Does a message (live: p_deleted_at and p_reason null; or expunged) match a search? Texts are
-- compared case-insensitively with Unicode case mapping, as IMAP SEARCH does (mail.folded).
create or replace function mail.selector_match(p_term jsonb, p_uid int, p_internaldate timestamptz,
                                               p_deleted_at timestamptz, p_reason text, m mail.messages)
returns boolean language plpgsql stable as $$
declare
  v_op text := p_term->>'op';
  v_t jsonb;
  v_day timestamptz;
begin
  if v_op in ('since', 'before', 'on', 'deleted-since', 'deleted-before') then
    -- IMAP dates are whole days (RFC 3501 §6.4.4); days are taken in UTC
    v_day := ((p_term->>'date')::date)::timestamp at time zone 'UTC';
  end if;
  case v_op
    when 'all' then return true;
    when 'and' then
      for v_t in select jsonb_array_elements(p_term->'terms') loop
        if not mail.selector_match(v_t, p_uid, p_internaldate, p_deleted_at, p_reason, m) then return false; end if;
      end loop;
      return true;
    when 'or' then
      for v_t in select jsonb_array_elements(p_term->'terms') loop
        if mail.selector_match(v_t, p_uid, p_internaldate, p_deleted_at, p_reason, m) then return true; end if;
      end loop;
      return false;
    when 'not' then return not mail.selector_match(p_term->'term', p_uid, p_internaldate, p_deleted_at, p_reason, m);
    when 'uid' then return p_uid <@ (p_term->>'set')::int4multirange;
    when 'from' then return strpos(mail.folded(m.from_text), mail.folded(p_term->>'text')) > 0;
    when 'to' then return strpos(mail.folded(m.to_text), mail.folded(p_term->>'text')) > 0;
    when 'cc' then return strpos(mail.folded(m.cc_text), mail.folded(p_term->>'text')) > 0;
    when 'subject' then return strpos(mail.folded(coalesce(m.subject, '')), mail.folded(p_term->>'text')) > 0;
    when 'body' then return strpos(mail.folded(m.body_text), mail.folded(p_term->>'text')) > 0;
    when 'reason' then return strpos(mail.folded(coalesce(p_reason, '')), mail.folded(p_term->>'text')) > 0;
    when 'since' then return p_internaldate >= v_day;
    when 'before' then return p_internaldate < v_day;
    when 'on' then return p_internaldate >= v_day and p_internaldate < v_day + interval '1 day';
    when 'deleted-since' then return p_deleted_at >= v_day;
    when 'deleted-before' then return p_deleted_at < v_day;
    else
      perform mail.fail('AXBAD', 'unknown search term: ' || coalesce(v_op, 'null'));
  end case;
  return false;
end $$;

-- ---------------------------------------------------------------------------------------------
-- Retention policies (aox retain messages / aox delete messages), as in Archiveopteryx. A policy
-- with a mailbox covers that mailbox and every mailbox below it; one without covers every
-- mailbox; one with a selector covers only the messages matching that search. A message is
-- expunged by vacuum when it is older (by internal date) than the shortest delete policy covering
-- it AND older than every retain policy covering it: retain wins over delete, and a retain policy
-- without a duration (forever) keeps what it covers for good. A retain policy also keeps expunged
-- messages restorable (aox undelete) until they are older than it.

-- Every (policy, mailbox) pair where the policy covers the mailbox (live or deleted). days is
-- null for retain-forever.
create or replace function mail.retention_coverage()
returns table (policy int, action text, days int, selector jsonb, mailbox int)
language sql stable as $$
  select p.id, p.action, p.duration_days, p.selector, b.id
    from mail.retention_policies p
    left join mail.mailboxes pb on pb.id = p.mailbox
    join mail.mailboxes b on p.mailbox is null or b.id = pb.id
                          or (b.owner = pb.owner and left(b.name, length(pb.name) + 1) = pb.name || '/')
$$;

-- Is a message (live or expunged) still kept by a retain policy? p_cov is the temporary copy of
-- mail.retention_coverage() that vacuum makes once.
create or replace function mail.retained(p_mailbox int, p_uid int, p_internaldate timestamptz,
                                         p_deleted_at timestamptz, p_reason text, p_message bigint)
returns boolean language plpgsql stable as $$
begin
  -- plpgsql, not sql: the temporary table exists only while vacuum runs
  return exists (
    select 1 from pg_temp.retention_cov c
     where c.mailbox = p_mailbox and c.action = 'retain'
       and (c.days is null or p_internaldate >= now() - make_interval(days => c.days))
       and (c.selector is null
            or mail.selector_match(c.selector, p_uid, p_internaldate, p_deleted_at, p_reason,
                                   (select m from mail.messages m where m.id = p_message))));
end $$;

create or replace function admin.retention_set(p_action text, p_days int, p_owner_login text default null,
                                               p_name text default null, p_selector jsonb default null)
returns int
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_box int;
  v_id int;
begin
  if p_action is null or p_action not in ('retain', 'delete') then
    perform mail.fail('AXBAD', 'the action is retain or delete');
  end if;
  if (p_days is null and p_action <> 'retain') or p_days < 0 then
    perform mail.fail('AXBAD', 'the duration is a number of days (0 removes the policy), or null for a retain policy without end');
  end if;
  if p_selector is not null then
    perform mail.selector_check(p_selector, false);
    if p_selector->>'op' = 'all' then
      p_selector := null;   -- "all" is no condition: the unconditional policy of that scope
    end if;
  end if;
  if p_owner_login is not null then
    v_box := mail.mailbox_by_name(mail.user_by_login(p_owner_login), p_name);
  end if;
  -- one policy per action, scope and search: set its duration, or remove it with 0 days
  if p_days = 0 then
    delete from mail.retention_policies p
     where p.action = p_action and coalesce(p.mailbox, 0) = coalesce(v_box, 0)
       and p.selector is not distinct from p_selector;
    return null;
  end if;
  update mail.retention_policies p set duration_days = p_days, created_at = now()
   where p.action = p_action and coalesce(p.mailbox, 0) = coalesce(v_box, 0)
     and p.selector is not distinct from p_selector
  returning p.id into v_id;
  if v_id is null then
    -- two admins setting the same new policy at once: the unique indexes make one of them fail
    insert into mail.retention_policies (action, duration_days, mailbox, selector)
    values (p_action, p_days, v_box, p_selector)
    returning id into v_id;
  end if;
  return v_id;
end $$;
comment on function admin.retention_set(text, int, text, text, jsonb) is
  'aox retain|delete messages: sets the retain or delete policy (days; null: retain forever) of one mailbox (owner login, name) and its children, or of all mailboxes when p_owner_login is null, optionally only for messages matching p_selector (a search as in admin.undelete); 0 days removes it. Retain wins over delete.';

create or replace function admin.retention_remove(p_id int) returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  delete from mail.retention_policies where id = p_id;
  if not found then
    perform mail.fail('AXNEX', 'no such retention policy');
  end if;
end $$;
comment on function admin.retention_remove(int) is 'Removes a retention policy by id (as listed by admin.retention_list).';

-- With a mailbox: only the policies that apply to it (every-mailbox ones, its own, its parents').
create or replace function admin.retention_list(p_owner_login text default null, p_name text default null)
returns table (id int, action text, days int, mailbox text, selector jsonb, created_at timestamptz,
               affected bigint)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_box int;
begin
  if p_owner_login is not null then
    v_box := mail.mailbox_by_name(mail.user_by_login(p_owner_login), p_name);
  end if;
  return query
  -- which policy covers which mailbox, worked out once for every policy listed
  with cov as materialized (select c.policy, c.mailbox from mail.retention_coverage() c)
  -- affected: current messages older than the policy's duration (all of them for retain-forever)
  -- in the mailboxes it covers that match its search
  select p.id, p.action, p.duration_days,
         case when p.mailbox is null then null else mail.mailbox_spec_of(p.mailbox) end,
         p.selector, p.created_at,
         (select count(*) from cov c
            join mail.mailboxes b on b.id = c.mailbox and b.deleted_at is null
            join mail.mailbox_messages mm on mm.mailbox = b.id
           where c.policy = p.id
             and (p.duration_days is null or mm.internaldate < now() - make_interval(days => p.duration_days))
             and (p.selector is null
                  or mail.selector_match(p.selector, mm.uid, mm.internaldate, null, null,
                                         (select m from mail.messages m where m.id = mm.message))))
    from mail.retention_policies p
   where v_box is null
      or exists (select 1 from cov c where c.policy = p.id and c.mailbox = v_box)
   order by p.mailbox is not null, mail.mailbox_spec_of(p.mailbox), p.action, p.selector is not null,
            p.selector::text, p.id;
end $$;
comment on function admin.retention_list(text, text) is
  'aox show retention: every retention policy (or those applying to one mailbox) with the mailbox it covers (null: all), its search (null: every message) and how many current messages are older than its duration.';
-- ---------------------------------------------------------------------------------------------
-- Vacuum (aox vacuum, daily from cron).

-- Expunges (into deleted_messages, reason 'retention policy') the messages that delete policies
-- say must go. Returns how many. One modseq per touched mailbox, mailboxes locked in id order.
-- Expects pg_temp.retention_cov (admin.vacuum makes it).
create or replace function mail.retention_expunge(p_limit int) returns bigint
language plpgsql as $$
declare
  v_n bigint;
begin
  create temporary table if not exists pg_temp.retention_victims (mailbox int, uid int) on commit drop;
  truncate pg_temp.retention_victims;
  -- the shortest delete policy of each mailbox bounds the rows worth looking at (an index range
  -- on internal date); each candidate is then checked against the policies and their searches
  insert into pg_temp.retention_victims
  select mm.mailbox, mm.uid
    from (select c.mailbox, min(c.days) as days from pg_temp.retention_cov c
           where c.action = 'delete' group by c.mailbox) t
    join mail.mailboxes b on b.id = t.mailbox and b.deleted_at is null
    join mail.mailbox_messages mm on mm.mailbox = t.mailbox
                                 and mm.internaldate < now() - make_interval(days => t.days)
   where exists (select 1 from pg_temp.retention_cov c
                  where c.mailbox = mm.mailbox and c.action = 'delete'
                    and mm.internaldate < now() - make_interval(days => c.days)
                    and (c.selector is null
                         or mail.selector_match(c.selector, mm.uid, mm.internaldate, null, null,
                                                (select m from mail.messages m where m.id = mm.message))))
     and not mail.retained(mm.mailbox, mm.uid, mm.internaldate, null, null, mm.message)
   limit p_limit;
  get diagnostics v_n = row_count;
  if v_n = 0 then
    return 0;
  end if;
  perform 1 from mail.mailboxes b where b.id in (select v.mailbox from pg_temp.retention_victims v)
   order by b.id for update;
  with ms as (
    update mail.mailboxes b set nextmodseq = b.nextmodseq + 1
     where b.id in (select v.mailbox from pg_temp.retention_victims v)
    returning b.id, b.nextmodseq - 1 as modseq
  ), gone as (
    delete from mail.mailbox_messages mm using pg_temp.retention_victims v
     where mm.mailbox = v.mailbox and mm.uid = v.uid
    returning mm.*
  )
  insert into mail.deleted_messages (mailbox, uid, message, modseq, internaldate, seen, answered,
                                     flagged, draft, keywords, deleted_by, reason)
  select g.mailbox, g.uid, g.message, ms.modseq, g.internaldate, g.seen, g.answered, g.flagged,
         g.draft, g.keywords, null, 'retention policy'
    from gone g join ms on ms.id = g.mailbox;
  get diagnostics v_n = row_count;
  perform mail.notify_mailbox(x.mailbox) from (select distinct v.mailbox from pg_temp.retention_victims v) x;
  return v_n;
end $$;

create or replace function admin.vacuum(p_days int default 49, p_limit int default null)
returns table (policy_expunged bigint, deleted_purged bigint, messages_purged bigint,
               mailboxes_purged bigint, addresses_purged bigint, done boolean)
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_limit int := coalesce(p_limit, 2147483647);
  v_ids bigint[];
  v_addresses int[];
begin
  if p_days is null or p_days < 0 then
    perform mail.fail('AXBAD', 'undelete-time must be a number of days');
  end if;
  if v_limit < 1 then
    perform mail.fail('AXBAD', 'the batch size must be positive');
  end if;

  -- 1. delete policies; which policy covers which mailbox is worked out once
  create temporary table if not exists pg_temp.retention_cov on commit drop as
    select * from mail.retention_coverage() with no data;
  truncate pg_temp.retention_cov;
  insert into pg_temp.retention_cov select * from mail.retention_coverage();
  analyze pg_temp.retention_cov;
  policy_expunged := mail.retention_expunge(v_limit);

  -- 2. expunged messages past undelete-time, unless a retain policy still covers them; the
  -- mailboxes' vanished horizon moves up to the newest purged expunge (RFC 7162 §3.2.5.2: a
  -- QRESYNC client that knew an older state must then be told about every UID it does not know)
  with victims as (
    select d.id from mail.deleted_messages d
     where d.deleted_at < now() - make_interval(days => p_days)
       and (d.restored_at is not null
            or not mail.retained(d.mailbox, d.uid, d.internaldate, d.deleted_at, d.reason, d.message))
     order by d.deleted_at
     limit v_limit
  ), gone as (
    delete from mail.deleted_messages d using victims v where d.id = v.id
    returning d.mailbox, d.modseq
  ), horizon as (
    update mail.mailboxes b set vanished_horizon = greatest(b.vanished_horizon, g.modseq)
      from (select mailbox, max(modseq) as modseq from gone group by mailbox) g
     where b.id = g.mailbox
    returning 1
  )
  select count(*) into deleted_purged from gone;

  -- 3. messages no mailbox row and no deleted row refers to. The candidates are locked first and
  -- checked again in a new statement (a new snapshot): an injector that reused one of them and
  -- committed meanwhile is seen, and one still running waits for our lock.
  select array_agg(c.id) into v_ids from (
    select m.id from mail.messages m
     where not exists (select 1 from mail.mailbox_messages mm where mm.message = m.id)
       and not exists (select 1 from mail.deleted_messages d where d.message = m.id)
     limit v_limit
       for update of m skip locked) c;
  with gone as (
    delete from mail.messages m
     where m.id = any(coalesce(v_ids, '{}'))
       and not exists (select 1 from mail.mailbox_messages mm where mm.message = m.id)
       and not exists (select 1 from mail.deleted_messages d where d.message = m.id)
    returning 1
  )
  select count(*) into messages_purged from gone;

  -- 4. deleted mailboxes nothing refers to any more
  with gone as (
    delete from mail.mailboxes b
     where b.id in (select x.id from mail.mailboxes x
                     where x.deleted_at is not null
                       and not exists (select 1 from mail.deleted_messages d where d.mailbox = x.id)
                       and not exists (select 1 from mail.mailbox_messages mm where mm.mailbox = x.id)
                     limit v_limit)
    returning 1
  )
  select count(*) into mailboxes_purged from gone;

  -- 5. addresses no user and no alias has any more (db/functions/60_admin.sql leaves them here).
  -- Deleting an address cascades to user_addresses and aliases, so the same lock-then-recheck as
  -- for messages: whoever is adding a reference holds a key-share lock we skip, or waits for us
  -- and then fails instead of losing its row.
  select array_agg(c.id) into v_addresses from (
    select a.id from mail.addresses a
     where not exists (select 1 from mail.user_addresses ua where ua.address = a.id)
       and not exists (select 1 from mail.aliases al where al.address = a.id)
     limit v_limit
       for update of a skip locked) c;
  with gone as (
    delete from mail.addresses a
     where a.id = any(coalesce(v_addresses, '{}'))
       and not exists (select 1 from mail.user_addresses ua where ua.address = a.id)
       and not exists (select 1 from mail.aliases al where al.address = a.id)
    returning 1
  )
  select count(*) into addresses_purged from gone;

  done := p_limit is null or greatest(policy_expunged, deleted_purged, coalesce(cardinality(v_ids), 0),
                                      mailboxes_purged, coalesce(cardinality(v_addresses), 0)) < v_limit;
  return next;
end $$;
comment on function admin.vacuum(int, int) is
  'aox vacuum: applies delete policies (expunge), purges expunged messages older than p_days (undelete-time) unless retained, then unreferenced message bodies, deleted mailboxes and unused addresses; moves vanished_horizon (RFC 7162). With p_limit each step removes at most that many rows and done says whether to call again.';

-- ---------------------------------------------------------------------------------------------
-- Undelete (aox undelete): brings expunged messages back with new UIDs.

-- Restores the expunged messages of a mailbox (owner login and name) matching p_search. Expunged
-- rows of every mailbox that ever had that name (also deleted ones: undelete after an accidental
-- DELETE) come back into the live mailbox of that name, created if missing, with new UIDs in
-- internal-date order and one new modseq; flags and internal dates are kept, \Deleted is not.
-- The old rows stay as tombstones (restored_at), so QRESYNC still reports the old UIDs vanished.
-- With p_dry_run nothing changes and new_uid is null.
create or replace function admin.undelete(p_owner_login text, p_name text, p_search jsonb,
                                          p_dry_run boolean default false)
returns table (old_uid int, new_uid int, internaldate timestamptz, deleted_at timestamptz,
               reason text, subject text, from_text text, size int)
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_owner int := mail.user_by_login(p_owner_login);
  v_name text := rtrim(mail.normalise_name(p_name), '/');
  v_dst int;
  v_count int;
  v_first int;
  v_modseq bigint;
begin
  if p_search is null then
    perform mail.fail('AXBAD', 'a search is needed');
  end if;
  perform mail.selector_check(p_search, true);
  if not exists (select 1 from mail.mailboxes b where b.owner = v_owner and b.name = v_name) then
    perform mail.fail('AXNEX', 'no such mailbox: /users/' || p_owner_login || '/' || p_name);
  end if;
  create temporary table if not exists pg_temp.undelete_rows (like mail.deleted_messages) on commit drop;
  truncate pg_temp.undelete_rows;
  insert into pg_temp.undelete_rows
  select d.* from mail.deleted_messages d
    join mail.mailboxes b on b.id = d.mailbox
    join mail.messages m on m.id = d.message
   where b.owner = v_owner and b.name = v_name and d.restored_at is null
     and mail.selector_match(p_search, d.uid, d.internaldate, d.deleted_at, d.reason, m)
   order by d.deleted_at, d.mailbox, d.uid
     for update of d;
  get diagnostics v_count = row_count;

  if not p_dry_run and v_count > 0 then
    select b.id into v_dst from mail.mailboxes b
     where b.owner = v_owner and b.name = v_name and b.deleted_at is null and b.selectable;
    if v_dst is null then
      v_dst := mail.create_mailbox(v_owner, v_name, null);
    end if;
    update mail.mailboxes b set uidnext = b.uidnext + v_count, nextmodseq = b.nextmodseq + 1
     where b.id = v_dst returning b.uidnext - v_count, b.nextmodseq - 1 into v_first, v_modseq;
    with r as (
      select u.*, v_first + (row_number() over (order by u.internaldate, u.mailbox, u.uid))::int - 1 as nu
        from pg_temp.undelete_rows u
    ), ins as (
      insert into mail.mailbox_messages (mailbox, uid, message, modseq, internaldate, size, seen,
                                         answered, flagged, deleted, draft, keywords)
      select v_dst, r.nu, r.message, v_modseq, r.internaldate, m.size, r.seen, r.answered,
             r.flagged, false, r.draft, r.keywords
        from r join mail.messages m on m.id = r.message
      returning 1
    )
    update mail.deleted_messages d set restored_at = now(), restored_uid = r.nu
      from r where d.id = r.id;
    perform mail.note_keywords(v_dst, (select coalesce(array_agg(distinct k), '{}') from pg_temp.undelete_rows u, unnest(u.keywords) k));
    perform mail.notify_mailbox(v_dst);
  end if;

  return query
  select u.uid, case when p_dry_run then null
                     else v_first + (row_number() over (order by u.internaldate, u.mailbox, u.uid))::int - 1 end,
         u.internaldate, u.deleted_at, u.reason, m.subject, m.from_text, m.size
    from pg_temp.undelete_rows u join mail.messages m on m.id = u.message
   order by u.internaldate, u.mailbox, u.uid;
end $$;
comment on function admin.undelete(text, text, jsonb, boolean) is
  'aox undelete: restores expunged messages of a mailbox (owner login, name) matching a search with new UIDs (RFC 3501 §2.3.1.1); p_dry_run only lists them.';

-- ---------------------------------------------------------------------------------------------
-- Index tuning (aox tune database). Optional indexes trade write speed for read speed. Levels:
-- mostly-writing (0) has none; mostly-reading (1) adds sort keys, flag searches and threading;
-- advanced-reading (2) adds pg_trgm indexes for substring SEARCH on the folded text (used by LIKE).

create or replace function mail.tune_indexes()
returns table (name text, level int, definition text, description text)
language sql stable as $$
  with trgm as (
    select n.nspname from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
     where e.extname = 'pg_trgm'
  ), ix(name, level, tbl, body, description) as (values
    ('tune_mailbox_messages_sort_date', 1, 'mailbox_messages', 'using btree (mailbox, sort_date, uid)', 'SORT DATE'),
    ('tune_mailbox_messages_sort_subject', 1, 'mailbox_messages', 'using btree (mailbox, sort_subject, uid)', 'SORT SUBJECT'),
    ('tune_mailbox_messages_sent_day', 1, 'mailbox_messages', 'using btree (mailbox, sent_day)', 'SEARCH SENTBEFORE/SENTON/SENTSINCE'),
    ('tune_messages_sort_from', 1, 'messages', 'using btree (sort_from)', 'SORT FROM'),
    ('tune_messages_sort_to', 1, 'messages', 'using btree (sort_to)', 'SORT TO'),
    ('tune_messages_sort_cc', 1, 'messages', 'using btree (sort_cc)', 'SORT CC'),
    ('tune_messages_display_from', 1, 'messages', 'using btree (display_from)', 'SORT DISPLAYFROM (RFC 5957)'),
    ('tune_messages_display_to', 1, 'messages', 'using btree (display_to)', 'SORT DISPLAYTO (RFC 5957)'),
    ('tune_messages_in_reply_to', 1, 'messages', 'using gin (in_reply_to)', 'THREAD REFERENCES: parents by In-Reply-To'),
    ('tune_messages_refs', 1, 'messages', 'using gin (refs)', 'THREAD REFERENCES: parents by References'),
    ('tune_messages_headers', 1, 'messages', 'using gin (headers jsonb_path_ops)', 'header field lookups by exact value'),
    ('tune_mailbox_messages_flagged', 1, 'mailbox_messages', 'using btree (mailbox, uid) where flagged', 'SEARCH FLAGGED'),
    ('tune_mailbox_messages_deleted', 1, 'mailbox_messages', 'using btree (mailbox, uid) where deleted', 'SEARCH DELETED, EXPUNGE'),
    ('tune_mailbox_messages_keywords', 1, 'mailbox_messages', 'using gin (keywords)', 'SEARCH KEYWORD'),
    ('tune_mailbox_messages_size', 1, 'mailbox_messages', 'using btree (mailbox, size)', 'SORT SIZE, SEARCH LARGER/SMALLER'),
    -- the trigram indexes are on the folded text the searches compare (mail.folded, 45_imap.sql)
    ('tune_messages_trgm_subject', 2, 'messages', 'using gin (mail.folded(subject) %I.gin_trgm_ops)', 'SEARCH SUBJECT substring'),
    ('tune_messages_trgm_from', 2, 'messages', 'using gin (mail.folded(from_text) %I.gin_trgm_ops)', 'SEARCH FROM substring'),
    ('tune_messages_trgm_to', 2, 'messages', 'using gin (mail.folded(to_text) %I.gin_trgm_ops)', 'SEARCH TO substring'),
    ('tune_messages_trgm_cc', 2, 'messages', 'using gin (mail.folded(cc_text) %I.gin_trgm_ops)', 'SEARCH CC substring'),
    ('tune_messages_trgm_bcc', 2, 'messages', 'using gin (mail.folded(bcc_text) %I.gin_trgm_ops)', 'SEARCH BCC substring'),
    ('tune_messages_trgm_body', 2, 'messages', 'using gin (mail.folded(body_text) %I.gin_trgm_ops)', 'SEARCH BODY/TEXT substring'),
    ('tune_messages_trgm_headers', 2, 'messages', 'using gin (mail.folded(mail.headers_text(headers)) %I.gin_trgm_ops)', 'SEARCH TEXT substring (header fields)')
  )
  select ix.name, ix.level,
         format('index %I on mail.%I ', ix.name, ix.tbl) ||
           case when ix.body like '%\%I%' then format(ix.body, coalesce((select nspname from trgm), 'public'))
                else ix.body end,
         ix.description
    from ix
$$;

create or replace function mail.tune_level(p_mode text) returns int
language plpgsql immutable as $$
begin
  case p_mode
    when 'mostly-writing' then return 0;
    when 'mostly-reading' then return 1;
    when 'advanced-reading' then return 2;
    else perform mail.fail('AXBAD', 'the mode is mostly-writing, mostly-reading or advanced-reading');
  end case;
  return null;
end $$;

create or replace function admin.tune_plan(p_mode text, p_concurrently boolean default true)
returns table (step int, action text, index_name text, statement text, description text)
language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  with want as (
    select t.*, t.level <= mail.tune_level(p_mode) as wanted,
           i.indexrelid is not null as present, coalesce(i.indisvalid, false) as valid
      from mail.tune_indexes() t
      left join pg_catalog.pg_class c on c.relname = t.name
             and c.relnamespace = 'mail'::regnamespace and c.relkind = 'i'
      left join pg_catalog.pg_index i on i.indexrelid = c.oid
  ), steps as (
    -- an invalid index (an interrupted concurrent build) is dropped and built again
    select 1 as o, w.name, 'drop' as action, w.description from want w
     where w.present and (not w.wanted or not w.valid)
    union all
    select 2, w.name, 'create', w.description from want w where w.wanted and (not w.present or not w.valid)
  )
  select (row_number() over (order by s.o, s.name))::int, s.action, s.name,
         case when s.action = 'drop'
              then format('drop index %sif exists mail.%I',
                          case when p_concurrently then 'concurrently ' else '' end, s.name)
              else 'create ' || case when p_concurrently then 'index concurrently if not exists '
                                     else 'index if not exists ' end
                   || substr(w.definition, length('index ') + 1) end,
         s.description
    from steps s join want w on w.name = s.name
   order by 1
$$;
comment on function admin.tune_plan(text, boolean) is
  'aox tune database: the statements (create/drop index, concurrently by default: run each outside a transaction) that bring the optional indexes to mostly-writing, mostly-reading or advanced-reading.';

-- Runs the plan inside this function's transaction. Plain (not concurrent) index builds block
-- writes to the table while they run: use it on a quiet system, or run the statements of
-- admin.tune_plan(mode) one by one (what aox tune database does) to keep mail flowing.
create or replace function admin.tune(p_mode text)
returns table (action text, index_name text, statement text)
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_step record;
begin
  for v_step in select * from admin.tune_plan(p_mode, false) p order by p.step loop
    execute v_step.statement;
    action := v_step.action;
    index_name := v_step.index_name;
    statement := v_step.statement;
    return next;
  end loop;
end $$;
comment on function admin.tune(text) is
  'Applies admin.tune_plan(mode) in one transaction with plain (write-blocking) index builds; for psql on a quiet system.';

create or replace function admin.tune_status()
returns table (index_name text, level int, present boolean, valid boolean, size bigint, description text)
language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select t.name, t.level, c.oid is not null, coalesce(i.indisvalid, false),
         case when c.oid is not null then pg_catalog.pg_relation_size(c.oid) end, t.description
    from mail.tune_indexes() t
    left join pg_catalog.pg_class c on c.relname = t.name and c.relnamespace = 'mail'::regnamespace and c.relkind = 'i'
    left join pg_catalog.pg_index i on i.indexrelid = c.oid
   order by t.level, t.name
$$;
comment on function admin.tune_status() is
  'The optional indexes of aox tune database: level (1 mostly-reading, 2 advanced-reading), whether each exists and is valid, and its size.';

-- ---------------------------------------------------------------------------------------------
-- Reparse (aox reparse): messages stored with parse problems, re-parsed by a newer parser. Only
-- the parsed view changes; the original bytes (and so the hash) never do.

create or replace function admin.messages_needing_reparse(p_after bigint default 0, p_limit int default 100,
                                                          p_all boolean default false)
returns table (id bigint, raw bytea, problems text[], location text)
language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  -- location: one mailbox (and UID) holding the message, so an administrator can look at it
  select m.id, m.raw, m.problems,
         (select '/users/' || u.login || '/' || b.name || ' uid ' || mm.uid
            from mail.mailbox_messages mm join mail.mailboxes b on b.id = mm.mailbox
            join mail.users u on u.id = b.owner
           where mm.message = m.id order by mm.mailbox, mm.uid limit 1)
    from mail.messages m
   where m.id > coalesce(p_after, 0) and (p_all or m.problems <> '{}')
   order by m.id
   limit greatest(coalesce(p_limit, 100), 1)
$$;
comment on function admin.messages_needing_reparse(bigint, int, boolean) is
  'aox reparse: the next p_limit messages after id p_after with parse problems (every message with p_all), with their original bytes and one mailbox/UID holding them.';

create or replace function admin.messages_reparse_count(p_all boolean default false) returns bigint
language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select count(*) from mail.messages m where p_all or m.problems <> '{}'
$$;
comment on function admin.messages_reparse_count(boolean) is
  'aox reparse: how many messages have parse problems (all messages with p_all).';

-- Stores new parsed views (same JSON keys as mail.inject reads) for a batch of messages.
create or replace function admin.messages_reparsed(p_ids bigint[], p_meta jsonb[]) returns bigint
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_n bigint;
begin
  if coalesce(array_length(p_ids, 1), 0) <> coalesce(array_length(p_meta, 1), 0) then
    perform mail.fail('AXBAD', 'p_ids and p_meta differ in length');
  end if;
  update mail.messages m set
      header_size = (i.meta->>'headerSize')::int,
      envelope = i.meta->'envelope', body = i.meta->'body', bodystructure = i.meta->'bodystructure',
      parts = i.meta->'parts', headers = i.meta->'headers',
      subject = i.meta->>'subject', base_subject = coalesce(i.meta->>'baseSubject', ''),
      from_text = mail.address_search_text(i.meta->>'fromText', i.meta->'envelope'->2),
      to_text = mail.address_search_text(i.meta->>'toText', i.meta->'envelope'->5),
      cc_text = mail.address_search_text(i.meta->>'ccText', i.meta->'envelope'->6),
      bcc_text = mail.address_search_text(i.meta->>'bccText', i.meta->'envelope'->7),
      sort_from = coalesce(i.meta->>'sortFrom', ''), sort_to = coalesce(i.meta->>'sortTo', ''),
      sort_cc = coalesce(i.meta->>'sortCc', ''),
      display_from = coalesce(i.meta->>'displayFrom', ''), display_to = coalesce(i.meta->>'displayTo', ''),
      sent_date = (i.meta->>'sentDate')::timestamptz, message_id = i.meta->>'messageId',
      in_reply_to = coalesce(array(select jsonb_array_elements_text(i.meta->'inReplyTo')), '{}'),
      refs = coalesce(array(select jsonb_array_elements_text(i.meta->'references')), '{}'),
      body_text = coalesce(i.meta->>'bodyText', ''),
      problems = coalesce(array(select jsonb_array_elements_text(i.meta->'problems')), '{}')
    from unnest(p_ids, p_meta) as i(id, meta)
   where m.id = i.id;
  get diagnostics v_n = row_count;
  -- the words of SEARCH TEXT/BODY follow the new text
  delete from mail.message_words w where w.message = any(p_ids);
  perform mail.message_words_add(array_agg(m.id),
            array_agg(coalesce(i.meta->>'bodyWords', mail.search_words_split(m.body_text))),
            array_agg(coalesce(i.meta->>'headerWords', mail.search_words_split(mail.headers_text(m.headers)))))
    from unnest(p_ids, p_meta) as i(id, meta) join mail.messages m on m.id = i.id;
  return v_n;
end $$;
comment on function admin.messages_reparsed(bigint[], jsonb[]) is
  'aox reparse: replaces the parsed view (ENVELOPE, BODYSTRUCTURE, search text, problems…) of messages; the original bytes are never touched.';
