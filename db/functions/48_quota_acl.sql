-- QUOTA (RFC 9208) and ACL (RFC 4314) for IMAP, plus the quota and administrator settings the aox
-- command uses.
--
-- Quota roots. Each user has one quota root covering all of their mailboxes, with two resources:
-- STORAGE (the sum of RFC822.SIZE of their messages, in units of 1024 octets, RFC 9208 §5.1) and
-- MESSAGE (the number of their messages, §5.2); the limits are mail.users.quota_storage (bytes)
-- and quota_messages. A user calls their own root "" (as most servers do); another user's root is
-- "Other Users/<login>", named like that user's mailboxes in the other users' namespace. Another
-- user's root is visible to administrators and to users who can see one of that user's mailboxes
-- (GETQUOTAROOT of a shared mailbox names it); only administrators (mail.users.is_admin) may
-- change limits (SETQUOTA). Enforcement is in mail.inject and api.messages_copy (AXQTA).
--
-- ACL. The rights logic is the one the aox command uses (admin.rights_list/rights_set/
-- rights_delete in 60_admin.sql), so `aox setacl` and IMAP SETACL cannot disagree; the api
-- functions here add what IMAP needs on top: mailbox names as the user sees them and the RFC 4314
-- §4 rule that managing an ACL takes the a right.

-- Administrators ----------------------------------------------------------------------------------

create or replace function mail.is_admin(p_user int) returns boolean
language sql stable as $$
  select coalesce((select u.is_admin from mail.users u where u.id = p_user), false)
$$;

create or replace function admin.user_set_admin(p_login text, p_admin boolean) returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  update mail.users set is_admin = coalesce(p_admin, false) where id = mail.user_by_login(p_login);
end $$;
comment on function admin.user_set_admin(text, boolean) is
  'Makes a user an administrator or not: administrators may set quotas over IMAP (RFC 9208 §4.1.3 SETQUOTA) and see every user''s quota root. Raises AXNEX for an unknown login.';

-- Quota -------------------------------------------------------------------------------------------

-- The name a user gives the quota root of a mailbox owner.
create or replace function mail.quota_root_name(p_user int, p_owner int) returns text
language sql stable as $$
  select case when p_owner = p_user then '' else 'Other Users/' || u.login end
    from mail.users u where u.id = p_owner
$$;

-- The owner whose quota root a name denotes for a user, or null when there is no such root or the
-- user may not see it.
create or replace function mail.quota_root_owner(p_user int, p_root text) returns int
language plpgsql stable as $$
declare
  v_owner int;
  v_login text;
begin
  if p_root = '' then
    return p_user;
  end if;
  if p_root not like 'Other Users/%' then
    return null;
  end if;
  v_login := substr(p_root, length('Other Users/') + 1);
  select u.id into v_owner from mail.users u where lower(u.login) = lower(v_login);
  if v_owner is null then
    return null;
  end if;
  if v_owner = p_user or mail.is_admin(p_user)
     or exists (select 1 from mail.visible_mailboxes(p_user) v where v.owner = v_owner) then
    return v_owner;
  end if;
  return null;
end $$;

-- One row for a quota root: its name as the user sees it and its resources that have a limit
-- (RFC 9208 §4.1.1 lists only limited resources), with usage and limit in the resource's units.
create or replace function mail.quota_row(p_user int, p_owner int)
returns table (root text, resources text[], usages bigint[], limits bigint[])
language sql stable as $$
  select mail.quota_root_name(p_user, u.id),
         array_remove(array[case when u.quota_storage is not null then 'STORAGE' end,
                            case when u.quota_messages is not null then 'MESSAGE' end], null),
         array_remove(array[case when u.quota_storage is not null then (u.used_storage + 1023) / 1024 end,
                            case when u.quota_messages is not null then u.used_messages end], null),
         array_remove(array[u.quota_storage / 1024, u.quota_messages], null)
    from mail.users u where u.id = p_owner
$$;

-- Stores limits: storage in KiB (kept in bytes), messages as a count; null removes a limit.
create or replace function mail.quota_store(p_owner int, p_storage_kib bigint, p_messages bigint) returns void
language plpgsql as $$
begin
  if p_storage_kib < 0 or p_messages < 0 then
    perform mail.fail('AXBAD', 'a quota limit cannot be negative');
  end if;
  update mail.users
     set quota_storage = case when p_storage_kib is not null
                              then least(p_storage_kib::numeric * 1024, 9223372036854775807)::bigint end,
         quota_messages = p_messages
   where id = p_owner;
end $$;

create or replace function api.quota_get(p_user int, p_root text)
returns table (root text, resources text[], usages bigint[], limits bigint[])
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_owner int := mail.quota_root_owner(p_user, p_root);
begin
  if v_owner is null then
    perform mail.fail('AXNEX', 'no such quota root');
  end if;
  return query select * from mail.quota_row(p_user, v_owner);
end $$;
comment on function api.quota_get(int, text) is
  'GETQUOTA (RFC 9208 §4.1.1): a quota root ("" is the user''s own, "Other Users/<login>" another''s) with usage and limit of each limited resource (STORAGE in KiB, MESSAGE). AXNEX for an unknown or invisible root.';

create or replace function api.quota_root(p_user int, p_name text)
returns table (root text, resources text[], usages bigint[], limits bigint[])
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_box int := mail.resolve_mailbox(p_user, p_name);
begin
  if v_box is null then
    perform mail.fail('AXNEX', 'no such mailbox');
  end if;
  return query select q.* from mail.mailboxes b, mail.quota_row(p_user, b.owner) q where b.id = v_box;
end $$;
comment on function api.quota_root(int, text) is
  'GETQUOTAROOT (RFC 9208 §4.1.2): the quota root of a mailbox (its owner''s) with usage and limits. AXNEX for an unknown or invisible mailbox.';

create or replace function api.quota_set(p_user int, p_root text, p_resources text[], p_limits bigint[])
returns table (root text, resources text[], usages bigint[], limits bigint[])
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_owner int;
  v_bad text;
begin
  if not mail.is_admin(p_user) then
    perform mail.fail('AXPRM', 'only administrators may set quotas');
  end if;
  v_owner := mail.quota_root_owner(p_user, p_root);
  if v_owner is null then
    perform mail.fail('AXNEX', 'no such quota root');
  end if;
  select string_agg(r, ' ') into v_bad from unnest(p_resources) r where upper(r) not in ('STORAGE', 'MESSAGE');
  if v_bad is not null or cardinality(p_resources) is distinct from cardinality(p_limits) then
    perform mail.fail('AXBAD', 'unsupported quota resource ' || coalesce(v_bad, '(count mismatch)'));
  end if;
  -- RFC 9208 §4.1.3: limits not listed are removed
  perform mail.quota_store(v_owner,
    (select l from unnest(p_resources, p_limits) x(r, l) where upper(r) = 'STORAGE' limit 1),
    (select l from unnest(p_resources, p_limits) x(r, l) where upper(r) = 'MESSAGE' limit 1));
  return query select * from mail.quota_row(p_user, v_owner);
end $$;
comment on function api.quota_set(int, text, text[], bigint[]) is
  'SETQUOTA (RFC 9208 §4.1.3), administrators only (AXPRM): replaces the limits of a quota root (STORAGE in KiB, MESSAGE); resources not listed lose their limit. AXNEX for an unknown root, AXBAD for other resources.';

create or replace function admin.quota_set(p_login text, p_storage_kib bigint, p_messages bigint) returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform mail.quota_store(mail.user_by_login(p_login), p_storage_kib, p_messages);
end $$;
comment on function admin.quota_set(text, bigint, bigint) is
  'Sets a user''s quota (RFC 9208): storage in KiB (units of 1024 octets) and a message count; null means unlimited. Raises AXNEX for an unknown login, AXBAD for negative limits.';

-- ACL ---------------------------------------------------------------------------------------------

-- The mailbox a user names, with its owner's login and its name below the owner (what the
-- admin.rights_* functions take), after checking that the user holds `p_right` on it (RFC 4314
-- §4). A mailbox the user cannot see is AXNEX.
create or replace function mail.acl_mailbox(p_user int, p_name text, p_right text,
                                            out mailbox int, out owner_login text, out name text)
language plpgsql stable as $$
begin
  mailbox := mail.resolve_mailbox(p_user, p_name);
  if mailbox is null then
    perform mail.fail('AXNEX', 'no such mailbox');
  end if;
  if p_right is not null then
    perform mail.require_right(p_user, mailbox, p_right);
  end if;
  select u.login, b.name into owner_login, name
    from mail.mailboxes b join mail.users u on u.id = b.owner where b.id = mailbox;
end $$;

create or replace function api.acl_get(p_user int, p_name text)
returns table (identifier text, rights text)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_box record;
begin
  select * into v_box from mail.acl_mailbox(p_user, p_name, 'a');
  return query select r.identifier, mail.rights_normalise(r.rights)
                 from admin.rights_list(v_box.owner_login, v_box.name, null) r;
end $$;
comment on function api.acl_get(int, text) is
  'GETACL (RFC 4314 §3.3): the owner (all rights) and every ACL entry of a mailbox, rights canonical (obsolete c/d expanded). Needs the a right (AXPRM); AXNEX when the mailbox is not visible.';

create or replace function api.acl_set(p_user int, p_name text, p_identifier text, p_mod_rights text)
returns text
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_box record;
begin
  select * into v_box from mail.acl_mailbox(p_user, p_name, 'a');
  return admin.rights_set(v_box.owner_login, v_box.name, p_identifier, p_mod_rights);
end $$;
comment on function api.acl_set(int, text, text, text) is
  'SETACL (RFC 4314 §3.1): replaces ("lrs"), adds ("+w") or removes ("-w") an identifier''s rights, as aox setacl does (admin.rights_set). Needs the a right (AXPRM). AXBAD for negative identifiers, unknown letters or the owner; AXNEX for unknown users. Returns the resulting rights.';

create or replace function api.acl_delete(p_user int, p_name text, p_identifier text) returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_box record;
begin
  select * into v_box from mail.acl_mailbox(p_user, p_name, 'a');
  if exists (select 1 from mail.permissions p
              where p.mailbox = v_box.mailbox and lower(p.identifier) = lower(p_identifier)) then
    perform admin.rights_delete(v_box.owner_login, v_box.name, p_identifier);
  end if;
end $$;
comment on function api.acl_delete(int, text, text) is
  'DELETEACL (RFC 4314 §3.2): removes an identifier''s ACL entry (nothing to remove is success), as aox does (admin.rights_delete). Needs the a right (AXPRM).';

create or replace function api.acl_list_rights(p_user int, p_name text, p_identifier text)
returns table (identifier text, required text, optional text[])
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_box record;
  v_ident text;
begin
  select * into v_box from mail.acl_mailbox(p_user, p_name, 'a');
  v_ident := mail.acl_identifier(p_identifier);
  if lower(v_ident) = lower(v_box.owner_login) then
    -- the owner always has every right and none can be taken away
    return query select v_ident, 'lrswipkxteacdn'::text, '{}'::text[];
  else
    -- every right can be granted on its own; c and d are RFC 2086's names for kx and te
    return query select v_ident, ''::text, '{l,r,s,w,i,p,k,x,t,e,a,n,c,d}'::text[];
  end if;
end $$;
comment on function api.acl_list_rights(int, text, text) is
  'LISTRIGHTS (RFC 4314 §3.4): rights always granted to an identifier and those that may be granted, one by one. Needs the a right (AXPRM).';

create or replace function api.acl_my_rights(p_user int, p_name text) returns text
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_box record;
  v_rights text;
begin
  select * into v_box from mail.acl_mailbox(p_user, p_name, null);
  v_rights := mail.rights_normalise(mail.rights(p_user, v_box.mailbox));
  if v_rights = '' then
    perform mail.fail('AXNEX', 'no such mailbox');
  end if;
  return v_rights;
end $$;
comment on function api.acl_my_rights(int, text) is
  'MYRIGHTS (RFC 4314 §3.5): the user''s own rights on a mailbox, canonical (obsolete c/d expanded); AXNEX when the user has none or cannot see it.';
