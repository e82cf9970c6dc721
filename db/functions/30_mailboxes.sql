-- Mailboxes: create, delete, rename, subscribe, list, status, select (RFC 3501 §6.3).

-- Normalises a personal mailbox name: INBOX in any case becomes "INBOX" (RFC 3501 §5.1), also as
-- the first level of a hierarchy.
create or replace function mail.normalise_name(p_name text) returns text
language sql immutable as $$
  select case when upper(p_name) = 'INBOX' then 'INBOX'
              when upper(p_name) like 'INBOX/%' then 'INBOX' || substr(p_name, 6)
              else p_name end
$$;

create or replace function mail.check_new_name(p_name text) returns void
language plpgsql immutable as $$
begin
  if p_name is null or p_name = '' or p_name like '/%' or p_name like '%//%'
     or p_name ~ '[\x00-\x1f\x7f]' or length(p_name) > 1000 then
    perform mail.fail('AXBAD', 'invalid mailbox name');
  end if;
  if p_name = 'Other Users' or p_name like 'Other Users/%' then
    perform mail.fail('AXPRM', 'cannot create mailboxes in the other users'' namespace');
  end if;
end $$;

-- Creates a mailbox and any missing parents (RFC 3501 §6.3.3). Raises AXEXI if it exists.
create or replace function mail.create_mailbox(p_user int, p_name text, p_special_use text) returns int
language plpgsql as $$
declare
  v_name text := rtrim(mail.normalise_name(p_name), '/');
  v_parent text;
  v_id int;
  v_parts text[];
begin
  perform mail.check_new_name(v_name);
  perform 1 from mail.users where id = p_user for update;  -- serialise creations by one user
  select id into v_id from mail.mailboxes where owner = p_user and name = v_name and deleted_at is null;
  if v_id is not null then
    if (select selectable from mail.mailboxes where id = v_id) then
      perform mail.fail('AXEXI', 'mailbox exists');
    end if;
    update mail.mailboxes set selectable = true, special_use = coalesce(p_special_use, special_use)
     where id = v_id;
    return v_id;
  end if;
  v_parts := string_to_array(v_name, '/');
  for i in 1 .. coalesce(array_length(v_parts, 1), 0) - 1 loop
    v_parent := array_to_string(v_parts[1:i], '/');
    insert into mail.mailboxes (owner, name) values (p_user, v_parent)
      on conflict (owner, name) where deleted_at is null do nothing;
  end loop;
  insert into mail.mailboxes (owner, name, special_use) values (p_user, v_name, p_special_use)
    returning id into v_id;
  return v_id;
end $$;

create or replace function api.mailbox_create(p_user int, p_name text, p_special_use text default null)
returns int language sql security definer set search_path = pg_catalog, pg_temp as $$
  select mail.create_mailbox(p_user, p_name, p_special_use)
$$;
comment on function api.mailbox_create(int, text, text) is
  'CREATE (RFC 3501 §6.3.3, RFC 6154 CREATE-SPECIAL-USE): creates a personal mailbox and missing parents; AXEXI if it exists.';

-- Moves messages of a mailbox to deleted_messages (for undelete) in one statement.
create or replace function mail.expunge_rows(p_user int, p_mailbox int, p_uids int4multirange,
                                             p_only_deleted boolean, p_reason text)
returns table (uid int) language plpgsql as $$
declare
  v_modseq bigint := mail.next_modseq(p_mailbox);
begin
  return query
  with gone as (
    delete from mail.mailbox_messages mm
     where mm.mailbox = p_mailbox
       and (p_uids is null or mail.uid_in(mm.uid, p_uids))
       and (not p_only_deleted or mm.deleted)
    returning mm.*
  ), saved as (
    insert into mail.deleted_messages (mailbox, uid, message, modseq, internaldate, seen, answered,
                                       flagged, draft, keywords, deleted_by, reason)
    select g.mailbox, g.uid, g.message, v_modseq, g.internaldate, g.seen, g.answered, g.flagged,
           g.draft, g.keywords, p_user, p_reason from gone g
    returning deleted_messages.uid
  )
  select s.uid from saved s order by s.uid;
  -- an EXPUNGE or CLOSE that found nothing to remove need not wake other sessions
  if found then
    perform mail.notify_mailbox(p_mailbox);
  end if;
end $$;

-- DELETE (RFC 3501 §6.3.4): the messages go to deleted_messages (aox undelete can bring them back
-- until vacuum). A mailbox with children becomes \Noselect instead of disappearing.
create or replace function api.mailbox_delete(p_user int, p_name text) returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_id int := mail.resolve_mailbox(p_user, p_name);
  v_box mail.mailboxes;
begin
  if v_id is null then
    perform mail.fail('AXNEX', 'no such mailbox');
  end if;
  select * into v_box from mail.mailboxes where id = v_id for update;
  if v_box.owner <> p_user then
    perform mail.require_right(p_user, v_id, 'x');
  end if;
  if v_box.name = 'INBOX' then
    perform mail.fail('AXPRM', 'INBOX cannot be deleted');
  end if;
  if exists (select 1 from mail.mailboxes c where c.owner = v_box.owner and c.deleted_at is null
              and c.name like replace(replace(replace(v_box.name, '\', '\\'), '%', '\%'), '_', '\_') || '/%') then
    if not v_box.selectable then
      perform mail.fail('AXPRM', 'mailbox has inferior names and is already \Noselect');
    end if;
    perform mail.expunge_rows(p_user, v_id, null, false, 'mailbox deleted');
    update mail.mailboxes set selectable = false where id = v_id;
  else
    perform mail.expunge_rows(p_user, v_id, null, false, 'mailbox deleted');
    update mail.mailboxes set deleted_at = now() where id = v_id;
    -- a \Noselect parent left without children has no reason to exist any more
    delete from mail.mailboxes p
     where p.owner = v_box.owner and p.deleted_at is null and not p.selectable
       and v_box.name like p.name || '/%'
       and not exists (select 1 from mail.mailboxes c where c.owner = p.owner and c.deleted_at is null
                        and c.id <> p.id and c.name like p.name || '/%');
  end if;
end $$;
comment on function api.mailbox_delete(int, text) is
  'DELETE (RFC 3501 §6.3.4): expunges into deleted_messages, keeps \Noselect parents; INBOX cannot be deleted.';

-- RENAME (RFC 3501 §6.3.5): renames the mailbox and its inferiors, keeping UIDVALIDITY; renaming
-- INBOX moves its messages into a new mailbox and leaves INBOX empty.
create or replace function api.mailbox_rename(p_user int, p_old text, p_new text) returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_id int := mail.resolve_mailbox(p_user, p_old);
  v_box mail.mailboxes;
  v_new text := rtrim(mail.normalise_name(p_new), '/');
  v_dst int;
  v_parts text[];
begin
  if v_id is null then
    perform mail.fail('AXNEX', 'no such mailbox');
  end if;
  select * into v_box from mail.mailboxes where id = v_id for update;
  if v_box.owner <> p_user then
    perform mail.fail('AXPRM', 'only the owner may rename a mailbox');
  end if;
  perform mail.check_new_name(v_new);
  if exists (select 1 from mail.mailboxes where owner = p_user and name = v_new and deleted_at is null) then
    perform mail.fail('AXEXI', 'target mailbox exists');
  end if;
  if v_box.name = 'INBOX' then
    v_dst := mail.create_mailbox(p_user, v_new, null);
    perform mail.move_rows(p_user, v_id, null, v_dst);
    return;
  end if;
  if v_new like v_box.name || '/%' then
    perform mail.fail('AXBAD', 'cannot rename a mailbox into itself');
  end if;
  -- missing parents of the new name
  v_parts := string_to_array(v_new, '/');
  for i in 1 .. coalesce(array_length(v_parts, 1), 0) - 1 loop
    insert into mail.mailboxes (owner, name, selectable)
      values (p_user, array_to_string(v_parts[1:i], '/'), false)
      on conflict (owner, name) where deleted_at is null do nothing;
  end loop;
  update mail.mailboxes
     set name = v_new || substr(name, length(v_box.name) + 1)
   where owner = p_user and deleted_at is null
     and (id = v_id or name like replace(replace(replace(v_box.name, '\', '\\'), '%', '\%'), '_', '\_') || '/%');
  update mail.subscriptions set name = v_new || substr(name, length(v_box.name) + 1)
   where usr = p_user and (name = v_box.name or name like v_box.name || '/%')
     and not exists (select 1 from mail.subscriptions s2 where s2.usr = p_user
                      and s2.name = v_new || substr(subscriptions.name, length(v_box.name) + 1));
end $$;
comment on function api.mailbox_rename(int, text, text) is
  'RENAME (RFC 3501 §6.3.5): renames a mailbox with its inferiors; RENAME INBOX moves its messages.';

create or replace function api.subscription_set(p_user int, p_name text, p_subscribed boolean) returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  if p_subscribed then
    if mail.resolve_mailbox(p_user, p_name) is null then
      perform mail.fail('AXNEX', 'no such mailbox');
    end if;
    insert into mail.subscriptions (usr, name) values (p_user, mail.normalise_name(p_name))
      on conflict do nothing;
  else
    delete from mail.subscriptions where usr = p_user and name = mail.normalise_name(p_name);
  end if;
end $$;
comment on function api.subscription_set(int, text, boolean) is
  'SUBSCRIBE/UNSUBSCRIBE (RFC 3501 §6.3.6-7).';

-- Turns an IMAP LIST pattern into a POSIX regular expression: * matches anything, % anything but
-- the hierarchy delimiter (RFC 3501 §6.3.8). INBOX is matched case-insensitively.
create or replace function mail.list_pattern_regex(p_pattern text) returns text
language sql immutable as $$
  select '^' || replace(replace(regexp_replace(
           case when upper(p_pattern) = 'INBOX' then 'INBOX'
                when upper(p_pattern) like 'INBOX/%' then 'INBOX' || substr(p_pattern, 6)
                else p_pattern end,
           '([.^$+?()\[\]{}|\\])', '\\\1', 'g'), '*', '.*'), '%', '[^/]*') || '$'
$$;

-- Every name a user can see: own mailboxes, and other users' mailboxes with the l right under
-- "Other Users/<login>/", with their attributes.
create or replace function mail.visible_mailboxes(p_user int)
returns table (id int, name text, selectable boolean, special_use text, owner int)
language sql stable as $$
  select b.id, b.name, b.selectable, b.special_use, b.owner
    from mail.mailboxes b where b.owner = p_user and b.deleted_at is null
  union all
  select b.id, 'Other Users/' || u.login || '/' || b.name, b.selectable, null, b.owner
    from mail.mailboxes b join mail.users u on u.id = b.owner
   where b.owner <> p_user and b.deleted_at is null
     and exists (select 1 from mail.permissions p where p.mailbox = b.id
                  and (p.identifier = 'anyone' or lower(p.identifier) = (select lower(login) from mail.users where id = p_user))
                  and position('l' in p.rights) > 0)
$$;

-- LIST/LSUB and LIST-EXTENDED (RFC 3501 §6.3.8-9, RFC 5258, RFC 6154): the names matching any
-- pattern, with \HasChildren/\HasNoChildren, \Noselect, \Subscribed, \NonExistent and special use.
-- Parents implied by "Other Users/<login>/…" are listed as \Noselect.
create or replace function api.mailbox_list(p_user int, p_reference text, p_patterns text[],
                                            p_subscribed_only boolean default false,
                                            p_special_use_only boolean default false)
returns table (name text, attributes text[], mailbox int)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_regexes text[];
begin
  select array_agg(mail.list_pattern_regex(coalesce(p_reference, '') || pat)) into v_regexes
    from unnest(p_patterns) pat;
  return query
  with vis as (select * from mail.visible_mailboxes(p_user)),
  virtual as (  -- namespace parents that are not mailboxes themselves
    select distinct 'Other Users/' || split_part(substr(v.name, 13), '/', 1) as name
      from vis v where v.name like 'Other Users/%'
    union select 'Other Users' from vis v where v.name like 'Other Users/%'
  ),
  subs as (select s.name from mail.subscriptions s where s.usr = p_user),
  allnames as (
    select v.name, v.selectable, v.special_use, v.id from vis v
    union all select x.name, false, null, null::int from virtual x
    union all select s.name, false, null, null::int from subs s    -- subscribed but gone: \NonExistent
     where p_subscribed_only and not exists (select 1 from vis v where v.name = s.name)
  )
  select a.name,
         array_remove(array[
           case when a.id is null and not exists (select 1 from vis v where v.name = a.name)
                     and a.name in (select s.name from subs s) then '\NonExistent' end,
           case when not a.selectable then '\Noselect' end,
           case when exists (select 1 from allnames c where c.name like a.name || '/%')
                then '\HasChildren' else '\HasNoChildren' end,
           case when a.name in (select s.name from subs s) then '\Subscribed' end,
           a.special_use], null),
         a.id
    from allnames a
   where a.name ~ any (v_regexes)
     and (not p_subscribed_only or a.name in (select s.name from subs s))
     and (not p_special_use_only or a.special_use is not null)
   order by a.name = 'INBOX' desc, a.name;
end $$;
comment on function api.mailbox_list(int, text, text[], boolean, boolean) is
  'LIST/LSUB/LIST-EXTENDED matching (RFC 3501 §6.3.8, RFC 5258, RFC 6154): visible names matching any pattern, with attributes.';

-- STATUS (RFC 3501 §6.3.10, RFC 7162 HIGHESTMODSEQ, RFC 8438 SIZE, RFC 9051 DELETED): read from
-- the counters, never by counting rows.
create or replace function api.mailbox_status(p_user int, p_name text)
returns table (mailbox int, messages int, recent int, uidnext int, uidvalidity int, unseen int,
               highestmodseq bigint, size bigint, deleted int)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_id int := mail.resolve_mailbox(p_user, p_name);
begin
  if v_id is null then
    perform mail.fail('AXNEX', 'no such mailbox');
  end if;
  perform mail.require_right(p_user, v_id, 'r');
  return query
  select b.id, b.messages,
         (select count(*)::int from mail.mailbox_messages mm where mm.mailbox = b.id and mm.uid >= b.first_recent),
         b.uidnext, b.uidvalidity, b.unseen, b.nextmodseq - 1, b.size, b.deleted_count
    from mail.mailboxes b where b.id = v_id and b.selectable;
  if not found then
    perform mail.fail('AXNEX', 'mailbox is not selectable');
  end if;
end $$;
comment on function api.mailbox_status(int, text) is
  'STATUS (RFC 3501 §6.3.10, RFC 7162, RFC 8438): counters of a mailbox.';

-- SELECT/EXAMINE (RFC 3501 §6.3.1-2): the mailbox's state. A read-write select takes the \Recent
-- messages for this session (recent_from .. uidnext-1) so no other session sees them as recent.
create or replace function api.mailbox_select(p_user int, p_name text, p_read_write boolean)
returns table (mailbox int, uidvalidity int, uidnext int, highestmodseq bigint, messages int,
               unseen int, first_unseen_uid int, recent_from int, rights text, read_write boolean,
               keywords text[], vanished_horizon bigint)
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_id int := mail.resolve_mailbox(p_user, p_name);
  v_rights text;
  v_recent_from int;
  v_box mail.mailboxes;
begin
  if v_id is null then
    perform mail.fail('AXNEX', 'no such mailbox');
  end if;
  perform mail.require_right(p_user, v_id, 'r');
  v_rights := mail.rights(p_user, v_id);
  -- read-write: lock the row first, so two sessions selecting at once cannot both take the same
  -- \Recent messages (the second waits and then sees the moved first_recent)
  if p_read_write then
    select * into v_box from mail.mailboxes b where b.id = v_id for update;
  else
    select * into v_box from mail.mailboxes b where b.id = v_id;
  end if;
  if not v_box.selectable then
    perform mail.fail('AXNEX', 'mailbox is \Noselect');
  end if;
  if p_read_write and v_box.first_recent < v_box.uidnext then
    update mail.mailboxes b set first_recent = b.uidnext where b.id = v_id;
    v_recent_from := v_box.first_recent;
  elsif p_read_write then
    v_recent_from := v_box.uidnext;
  else
    -- EXAMINE reports the \Recent messages without taking them (RFC 3501 §6.3.2)
    v_recent_from := v_box.first_recent;
  end if;
  return query
  select v_id, v_box.uidvalidity, v_box.uidnext, v_box.nextmodseq - 1, v_box.messages, v_box.unseen,
         (select min(mm.uid) from mail.mailbox_messages mm where mm.mailbox = v_id and not mm.seen),
         v_recent_from, v_rights, p_read_write,
         v_box.keywords,
         v_box.vanished_horizon;
end $$;
comment on function api.mailbox_select(int, text, boolean) is
  'SELECT/EXAMINE (RFC 3501 §6.3.1-2, RFC 7162 §3.1): mailbox state; read-write takes the \Recent messages.';

-- The UIDs of a mailbox as runs of consecutive values: the session's MSN map. A million-message
-- mailbox that was never expunged is one row.
create or replace function api.mailbox_uid_runs(p_user int, p_mailbox int)
returns table (lo int, hi int)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_min int;
  v_max int;
  v_count int;
begin
  perform mail.require_right(p_user, p_mailbox, 'r');
  -- a mailbox without gaps (the usual archive: nothing ever expunged) is one run, found by two
  -- index probes and the message counter instead of a scan of every row
  select min(mm.uid), max(mm.uid) into v_min, v_max from mail.mailbox_messages mm where mm.mailbox = p_mailbox;
  if v_min is null then
    return;
  end if;
  select b.messages into v_count from mail.mailboxes b where b.id = p_mailbox;
  if v_max - v_min + 1 = v_count then
    return query select v_min, v_max;
    return;
  end if;
  return query
  select min(g.uid), max(g.uid) from (
    select mm.uid, mm.uid - row_number() over (order by mm.uid) as grp
      from mail.mailbox_messages mm where mm.mailbox = p_mailbox
  ) g group by g.grp order by 1;
end $$;
comment on function api.mailbox_uid_runs(int, int) is
  'All UIDs of a mailbox as runs lo..hi, for the session''s message sequence number map (RFC 3501 §2.3.1.2).';

-- What changed in a mailbox since a modseq (RFC 7162): the first row (kind 'state') carries the
-- mailbox's current uidnext (in uid) and highestmodseq; then 'expunged' rows and 'changed' rows
-- (new or flag changes) with their flags. One snapshot for all of it. Rows whose modseq is in
-- p_skip_modseqs are left out: the caller's own statements, whose every row it reported itself
-- (a modseq is allocated per statement and mailbox, so no other change carries it).
create or replace function api.mailbox_changes(p_user int, p_mailbox int, p_since_modseq bigint,
                                               p_skip_modseqs bigint[] default '{}')
returns table (kind text, uid int, modseq bigint, flags text[])
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform mail.require_right(p_user, p_mailbox, 'r');
  return query
  select 'state', b.uidnext, b.nextmodseq - 1, null::text[] from mail.mailboxes b where b.id = p_mailbox;
  return query
  select 'expunged', d.uid, d.modseq, null::text[] from mail.deleted_messages d
   where d.mailbox = p_mailbox and d.modseq > p_since_modseq
   order by d.uid;
  return query
  select 'changed', mm.uid, mm.modseq,
         mail.flag_list(mm.seen, mm.answered, mm.flagged, mm.deleted, mm.draft, mm.keywords)
    from mail.mailbox_messages mm
   where mm.mailbox = p_mailbox and mm.modseq > p_since_modseq
     and mm.modseq <> all(coalesce(p_skip_modseqs, '{}'))
   order by mm.uid;
end $$;
comment on function api.mailbox_changes(int, int, bigint, bigint[]) is
  'Changes since a modseq for IDLE/NOOP and QRESYNC (RFC 3501 §7.4.1, RFC 7162 §3.2.5): state, expunged UIDs, changed messages.';
