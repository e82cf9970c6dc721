-- Private helpers of schema mail: counters, modseq allocation, change notification, rights.
-- Re-applied after every migrate (create or replace), so this file must stay idempotent.

-- Custom SQLSTATEs (class AX), mapped to protocol replies by frontend/db/errors.ts:
--   AXNEX no such mailbox/message/user   AXEXI already exists   AXPRM no right
--   AXQTA over quota   AXAUT bad credentials   AXLIM a limit was hit   AXBAD bad argument

create or replace function mail.fail(p_state text, p_message text) returns void
language plpgsql as $$
begin
  raise exception using errcode = p_state, message = p_message;
end $$;

-- Takes the next modseq of a mailbox, locking its row until the transaction ends. Every writer of a
-- mailbox goes through here first, so UIDs and modseqs are allocated in commit order per mailbox.
create or replace function mail.next_modseq(p_mailbox int) returns bigint
language sql as $$
  update mail.mailboxes set nextmodseq = nextmodseq + 1 where id = p_mailbox returning nextmodseq - 1
$$;

-- Tells every frontend process that a mailbox changed. Delivered at commit; only a hint (DESIGN §5).
create or replace function mail.notify_mailbox(p_mailbox int) returns void
language sql as $$
  select pg_notify('aox_mailbox', p_mailbox::text)
$$;

-- Counters on mailboxes and users are kept by statement-level triggers over transition tables: one
-- set-based update per statement however many rows it touched, and nobody can forget them.
create or replace function mail.counters_after_insert() returns trigger
language plpgsql as $$
begin
  with d as (
    select mailbox, count(*) as n, count(*) filter (where not seen) as u,
           count(*) filter (where deleted) as dl, sum(size) as s
    from new_rows group by mailbox
  )
  update mail.mailboxes b
     set messages = b.messages + d.n, unseen = b.unseen + d.u,
         deleted_count = b.deleted_count + d.dl, size = b.size + d.s
    from d where b.id = d.mailbox;
  with d as (
    select b.owner, count(*) as n, sum(r.size) as s
    from new_rows r join mail.mailboxes b on b.id = r.mailbox group by b.owner
  )
  update mail.users u set used_messages = u.used_messages + d.n, used_storage = u.used_storage + d.s
    from d where u.id = d.owner;
  return null;
end $$;

create or replace function mail.counters_after_delete() returns trigger
language plpgsql as $$
begin
  with d as (
    select mailbox, count(*) as n, count(*) filter (where not seen) as u,
           count(*) filter (where deleted) as dl, sum(size) as s
    from old_rows group by mailbox
  )
  update mail.mailboxes b
     set messages = b.messages - d.n, unseen = b.unseen - d.u,
         deleted_count = b.deleted_count - d.dl, size = b.size - d.s
    from d where b.id = d.mailbox;
  with d as (
    select b.owner, count(*) as n, sum(r.size) as s
    from old_rows r join mail.mailboxes b on b.id = r.mailbox group by b.owner
  )
  update mail.users u set used_messages = u.used_messages - d.n, used_storage = u.used_storage - d.s
    from d where u.id = d.owner;
  return null;
end $$;

create or replace function mail.counters_after_update() returns trigger
language plpgsql as $$
begin
  with d as (
    select mailbox, sum(u) as u, sum(dl) as dl from (
      select mailbox, count(*) filter (where not seen) as u, count(*) filter (where deleted) as dl
        from new_rows group by mailbox
      union all
      select mailbox, -count(*) filter (where not seen), -count(*) filter (where deleted)
        from old_rows group by mailbox
    ) x group by mailbox
  )
  update mail.mailboxes b set unseen = b.unseen + d.u, deleted_count = b.deleted_count + d.dl
    from d where b.id = d.mailbox and (d.u <> 0 or d.dl <> 0);
  return null;
end $$;

create or replace trigger mailbox_messages_counters_insert
  after insert on mail.mailbox_messages referencing new table as new_rows
  for each statement execute function mail.counters_after_insert();
create or replace trigger mailbox_messages_counters_delete
  after delete on mail.mailbox_messages referencing old table as old_rows
  for each statement execute function mail.counters_after_delete();
create or replace trigger mailbox_messages_counters_update
  after update on mail.mailbox_messages referencing old table as old_rows new table as new_rows
  for each statement execute function mail.counters_after_update();

-- The IMAP flags of a row, system flags first, as FETCH FLAGS lists them.
create or replace function mail.flag_list(p_seen boolean, p_answered boolean, p_flagged boolean,
                                          p_deleted boolean, p_draft boolean, p_keywords text[])
returns text[] language sql immutable as $$
  select array_remove(array[
           case when p_seen then '\Seen' end, case when p_answered then '\Answered' end,
           case when p_flagged then '\Flagged' end, case when p_deleted then '\Deleted' end,
           case when p_draft then '\Draft' end], null) || p_keywords
$$;

-- The system flags as a bitmask, for the bulk FETCH and STORE results: \Seen 1, \Answered 2,
-- \Flagged 4, \Deleted 8, \Draft 16 (the order of mail.flag_list).
create or replace function mail.flag_bits(p_seen boolean, p_answered boolean, p_flagged boolean,
                                          p_deleted boolean, p_draft boolean)
returns int language sql immutable as $$
  select (case when p_seen then 1 else 0 end) + (case when p_answered then 2 else 0 end)
       + (case when p_flagged then 4 else 0 end) + (case when p_deleted then 8 else 0 end)
       + (case when p_draft then 16 else 0 end)
$$;

-- RFC 4314 rights of a user on a mailbox: the owner has every right; others what permissions
-- grant to them or to "anyone".
create or replace function mail.rights(p_user int, p_mailbox int) returns text
language sql stable as $$
  select case when b.owner = p_user then 'lrswipkxtecdan'
              else coalesce((select string_agg(p.rights, '') from mail.permissions p
                              join mail.users u on u.id = p_user
                             where p.mailbox = b.id
                               and (p.identifier = 'anyone' or lower(p.identifier) = lower(u.login))), '')
         end
    from mail.mailboxes b where b.id = p_mailbox
$$;

create or replace function mail.require_right(p_user int, p_mailbox int, p_right text) returns void
language plpgsql stable as $$
declare
  v_rights text := mail.rights(p_user, p_mailbox);
begin
  if v_rights is null or position('l' in v_rights) = 0 and position('r' in v_rights) = 0 then
    perform mail.fail('AXNEX', 'no such mailbox');
  end if;
  if position(p_right in v_rights) = 0 then
    perform mail.fail('AXPRM', 'permission denied: ' || p_right);
  end if;
end $$;

-- Resolves a mailbox name as a user sees it to a mailbox id. Personal names are bare ("INBOX",
-- "Archive/2020"); another user's mailbox shared by ACL is "Other Users/<login>/<name>".
-- Returns null when there is no such mailbox or the user may not see it.
create or replace function mail.resolve_mailbox(p_user int, p_name text) returns int
language plpgsql stable as $$
declare
  v_id int;
  v_rest text;
  v_login text;
begin
  if upper(p_name) = 'INBOX' then
    p_name := 'INBOX';
  elsif upper(p_name) like 'INBOX/%' then
    p_name := 'INBOX' || substr(p_name, 6);
  end if;
  select id into v_id from mail.mailboxes where owner = p_user and name = p_name and deleted_at is null;
  if v_id is not null then
    return v_id;
  end if;
  if p_name like 'Other Users/%/%' then
    v_rest := substr(p_name, length('Other Users/') + 1);
    v_login := split_part(v_rest, '/', 1);
    v_rest := substr(v_rest, length(v_login) + 2);
    if upper(v_rest) = 'INBOX' then v_rest := 'INBOX'; end if;
    select b.id into v_id from mail.mailboxes b join mail.users u on u.id = b.owner
     where lower(u.login) = lower(v_login) and b.name = v_rest and b.deleted_at is null;
    if v_id is not null and position('l' in coalesce(mail.rights(p_user, v_id), '')) > 0 then
      return v_id;
    end if;
  end if;
  return null;
end $$;

-- The name of a mailbox as a given user sees it (the inverse of resolve_mailbox).
create or replace function mail.mailbox_display_name(p_user int, p_mailbox int) returns text
language sql stable as $$
  select case when b.owner = p_user then b.name
              else 'Other Users/' || u.login || '/' || b.name end
    from mail.mailboxes b join mail.users u on u.id = b.owner where b.id = p_mailbox
$$;

-- Whether a UID is in a set, written so that the planner sees a primary-key range condition
-- (the set's overall span: one index range scan, whatever the number of runs) and checks
-- membership with a binary search over the runs. An inlined SQL function, so the conditions land
-- in the caller's query. Joining unnest(set) as ranges instead risks a nested loop per run.
create or replace function mail.uid_in(p_uid int, p_set int4multirange) returns boolean
language sql immutable as $$
  select p_uid >= lower(p_set) and p_uid < upper(p_set) and p_uid <@ p_set
$$;


-- XOR of two equal-length byte strings (SCRAM: ClientKey = ClientProof XOR ClientSignature).
create or replace function mail.bytea_xor(a bytea, b bytea) returns bytea
language plpgsql immutable strict as $$
declare
  r bytea := a;
begin
  if length(a) <> length(b) then
    return null;
  end if;
  for i in 0 .. length(a) - 1 loop
    r := set_byte(r, i, get_byte(a, i) # get_byte(b, i));
  end loop;
  return r;
end $$;

-- Adds keywords to the list a mailbox announces in FLAGS (RFC 3501 §7.2.6); the list only grows.
create or replace function mail.note_keywords(p_mailbox int, p_keywords text[]) returns void
language sql as $$
  update mail.mailboxes b
     set keywords = array(select distinct k from unnest(b.keywords || p_keywords) k order by k)
   where b.id = p_mailbox and not (b.keywords @> p_keywords)
$$;
