-- Administration: users, addresses, mailboxes, aliases, rights and counts, for the aox command and
-- for DBAs in psql. Callers name things as an administrator does (logins, addresses, mailbox names
-- below their owner); ids never leave this file except as return values. Passwords never reach
-- the database: user_create and user_set_password take SCRAM-SHA-256 verifiers built by the caller
-- (frontend/auth/scram.ts makeVerifier). EXECUTE is revoked from PUBLIC by 99_grants.sql.

-- Private helpers ----------------------------------------------------------------------------------

-- A login must be usable in IMAP LOGIN, in "Other Users/<login>/…" names and as an RFC 4314 ACL
-- identifier: no hierarchy delimiter, no whitespace or controls, no LIST wildcards, not the
-- reserved identifier "anyone", and no leading '-' (RFC 4314 negative rights).
create or replace function mail.check_login(p_login text) returns void
language plpgsql immutable as $$
begin
  if p_login is null or p_login = '' then
    perform mail.fail('AXBAD', 'a login cannot be empty');
  end if;
  if length(p_login) > 255 or p_login ~ '[[:space:][:cntrl:]/*%?]' or p_login like '-%'
     or lower(p_login) in ('anyone', 'anonymous') then
    perform mail.fail('AXBAD', 'invalid login: ' || p_login);
  end if;
end $$;

-- Only verifiers are stored; refusing anything else keeps a plaintext password typed into psql by
-- mistake out of the table.
create or replace function mail.check_verifier(p_secret text) returns void
language plpgsql immutable as $$
begin
  if p_secret is null
     or p_secret !~ '^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]+=*$' then
    perform mail.fail('AXBAD', 'the secret must be a SCRAM-SHA-256 verifier (see frontend/auth/scram.ts), not a password');
  end if;
end $$;

-- Splits an address into local part and domain. Accepts the RFC 5322 dot-atom form (plus UTF-8
-- local parts, RFC 6531) and LDH domain labels; IDNs must be given in their A-label form.
create or replace function mail.address_split(p_address text, out localpart text, out domain text)
language plpgsql immutable as $$
declare
  v_at int := length(p_address) - position('@' in reverse(coalesce(p_address, ''))) + 1;
begin
  if p_address is null or position('@' in p_address) = 0 then
    perform mail.fail('AXBAD', 'invalid address (expected localpart@domain): ' || coalesce(p_address, 'null'));
  end if;
  localpart := substr(p_address, 1, v_at - 1);
  domain := lower(substr(p_address, v_at + 1));
  if localpart !~ '^[A-Za-z0-9!#$%&''*+/=?^_`{|}~\u0080-\U0010ffff-]+(\.[A-Za-z0-9!#$%&''*+/=?^_`{|}~\u0080-\U0010ffff-]+)*$'
     or domain !~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$'
     or length(p_address) > 320 then
    perform mail.fail('AXBAD', 'invalid address (expected localpart@domain): ' || p_address);
  end if;
end $$;

-- The id of the addresses row for an address, created if missing (addresses are shared by
-- users, aliases and, later, message address fields, so unused rows are left for vacuum).
create or replace function mail.address_id(p_address text) returns int
language plpgsql as $$
declare
  v_local text;
  v_domain text;
  v_id int;
begin
  select a.localpart, a.domain into v_local, v_domain from mail.address_split(p_address) a;
  insert into mail.addresses (localpart, domain) values (v_local, v_domain)
    on conflict ((lower(localpart)), (lower(domain))) do nothing;
  select id into v_id from mail.addresses
   where lower(localpart) = lower(v_local) and lower(domain) = lower(v_domain);
  return v_id;
end $$;

-- An address delivers to exactly one place: a user's INBOX or an alias's mailbox.
create or replace function mail.require_address_free(p_address int, p_text text, p_except_user int) returns void
language plpgsql stable as $$
declare
  v_owner text;
  v_alias text;
begin
  select u.login into v_owner from mail.user_addresses ua join mail.users u on u.id = ua.usr
   where ua.address = p_address and ua.usr is distinct from p_except_user;
  if v_owner is not null then
    perform mail.fail('AXEXI', 'address ' || p_text || ' belongs to user ' || v_owner);
  end if;
  select '/users/' || u.login || '/' || b.name into v_alias
    from mail.aliases al join mail.mailboxes b on b.id = al.mailbox join mail.users u on u.id = b.owner
   where al.address = p_address;
  if v_alias is not null then
    perform mail.fail('AXEXI', 'address ' || p_text || ' is an alias for ' || v_alias);
  end if;
end $$;

create or replace function mail.user_by_login(p_login text) returns int
language plpgsql stable as $$
declare
  v_id int;
begin
  select id into v_id from mail.users where lower(login) = lower(p_login);
  if v_id is null then
    perform mail.fail('AXNEX', 'no such user: ' || coalesce(p_login, 'null'));
  end if;
  return v_id;
end $$;

-- A live mailbox of a user by its name below the owner ("INBOX", "Lists/pg").
create or replace function mail.mailbox_by_name(p_user int, p_name text) returns int
language plpgsql stable as $$
declare
  v_id int;
begin
  select id into v_id from mail.mailboxes
   where owner = p_user and name = mail.normalise_name(p_name) and deleted_at is null;
  if v_id is null then
    perform mail.fail('AXNEX', 'no such mailbox: /users/' || (select login from mail.users where id = p_user)
                               || '/' || coalesce(p_name, 'null'));
  end if;
  return v_id;
end $$;

-- A shell-style pattern (* any run, ? one character) as a LIKE pattern; null matches everything.
create or replace function mail.glob_like(p_pattern text) returns text
language sql immutable as $$
  select coalesce(replace(replace(replace(replace(replace(p_pattern, '\', '\\'), '%', '\%'), '_', '\_'),
                          '*', '%'), '?', '_'), '%')
$$;

-- RFC 4314 §2.1 rights letters this server knows, in the order they are shown. "c" and "d" are
-- RFC 2086's obsolete rights (§2.1.1): c stands for k and x, d for t and e.
create or replace function mail.rights_normalise(p_rights text) returns text
language plpgsql immutable as $$
declare
  v_bad text := regexp_replace(coalesce(p_rights, ''), '[lrswipkxteacdn]', '', 'g');
  v_in text := replace(replace(p_rights, 'c', 'kx'), 'd', 'te');
begin
  if v_bad <> '' then
    perform mail.fail('AXBAD', 'invalid rights letters "' || v_bad || '" (RFC 4314: lrswipkxtean, obsolete c and d)');
  end if;
  return coalesce((select string_agg(l, '' order by position(l in 'lrswipkxtean'))
                     from unnest(string_to_array('lrswipkxtean', null)) l where position(l in v_in) > 0), '');
end $$;

-- ACL identifiers are logins (case as the user row spells it) or "anyone".
create or replace function mail.acl_identifier(p_identifier text) returns text
language plpgsql stable as $$
declare
  v_login text;
begin
  if lower(p_identifier) = 'anyone' then
    return 'anyone';
  end if;
  if p_identifier like '-%' then
    perform mail.fail('AXBAD', 'negative rights (RFC 4314 §2) are not supported: ' || p_identifier);
  end if;
  select login into v_login from mail.users where lower(login) = lower(p_identifier);
  if v_login is null then
    perform mail.fail('AXNEX', 'no such user: ' || coalesce(p_identifier, 'null'));
  end if;
  return v_login;
end $$;

-- Users ---------------------------------------------------------------------------------------

create or replace function admin.user_create(p_login text, p_secret text, p_address text) returns int
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_id int;
  v_address int;
  v_box record;
begin
  perform mail.check_login(p_login);
  perform mail.check_verifier(p_secret);
  v_address := mail.address_id(p_address);
  -- serialises concurrent creations of the same login with the unique index as the backstop
  perform pg_advisory_xact_lock(hashtext('aox user ' || lower(p_login)));
  if exists (select 1 from mail.users where lower(login) = lower(p_login)) then
    perform mail.fail('AXEXI', 'user exists: ' || p_login);
  end if;
  perform mail.require_address_free(v_address, p_address, null);
  insert into mail.users (login, secret) values (p_login, p_secret) returning id into v_id;
  insert into mail.user_addresses (usr, address, primary_address) values (v_id, v_address, true);
  for v_box in select * from (values (1, 'INBOX', null), (2, 'Sent', '\Sent'), (3, 'Drafts', '\Drafts'),
                                     (4, 'Trash', '\Trash'), (5, 'Junk', '\Junk'), (6, 'Archive', '\Archive'))
                              x(ord, name, special_use) order by ord loop
    perform mail.create_mailbox(v_id, v_box.name, v_box.special_use);
    insert into mail.subscriptions (usr, name) values (v_id, v_box.name) on conflict do nothing;
  end loop;
  return v_id;
end $$;
comment on function admin.user_create(text, text, text) is
  'Creates a user with a SCRAM-SHA-256 verifier and a primary address, and its INBOX, Sent, Drafts, Trash, Junk and Archive mailboxes (RFC 6154 special use), subscribed. Raises AXBAD (bad login, secret or address) or AXEXI (login or address taken). Returns the user id.';

create or replace function admin.user_delete(p_login text, p_force boolean default false) returns bigint
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_id int := mail.user_by_login(p_login);
  v_login text;
  v_messages bigint;
begin
  select login, used_messages into v_login, v_messages from mail.users where id = v_id for update;
  if v_messages > 0 and not p_force then
    perform mail.fail('AXPRM', 'user ' || v_login || ' has ' || v_messages || ' messages; force the deletion to delete them too');
  end if;
  -- rights granted to the user on others' mailboxes, and others' subscriptions to its mailboxes
  delete from mail.permissions where lower(identifier) = lower(v_login);
  delete from mail.subscriptions where name like 'Other Users/' || mail.glob_like(v_login) || '/%';
  -- mailboxes, their messages, aliases to them and the user's addresses go by cascade; message
  -- bodies nobody references any more are left for vacuum
  delete from mail.users where id = v_id;
  return v_messages;
end $$;
comment on function admin.user_delete(text, boolean) is
  'Deletes a user with its mailboxes, aliases and rights. Raises AXNEX (no such user) or, unless p_force, AXPRM when the user has messages. Returns how many messages were deleted.';

create or replace function admin.user_set_password(p_login text, p_secret text) returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform mail.check_verifier(p_secret);
  update mail.users set secret = p_secret where id = mail.user_by_login(p_login);
end $$;
comment on function admin.user_set_password(text, text) is
  'Replaces a user''s SCRAM-SHA-256 verifier (RFC 5802/7677). Raises AXNEX (no such user) or AXBAD (not a verifier).';

create or replace function admin.user_rename(p_login text, p_new_login text) returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_id int := mail.user_by_login(p_login);
  v_old text;
begin
  perform mail.check_login(p_new_login);
  select login into v_old from mail.users where id = v_id for update;
  if exists (select 1 from mail.users where lower(login) = lower(p_new_login) and id <> v_id) then
    perform mail.fail('AXEXI', 'user exists: ' || p_new_login);
  end if;
  update mail.users set login = p_new_login where id = v_id;
  -- the old name also lives on in ACL entries and in other users' view of the shared mailboxes
  update mail.permissions set identifier = p_new_login where lower(identifier) = lower(v_old);
  update mail.subscriptions s
     set name = 'Other Users/' || p_new_login || substr(s.name, length('Other Users/' || v_old) + 1)
   where s.name like 'Other Users/' || mail.glob_like(v_old) || '/%';
end $$;
comment on function admin.user_rename(text, text) is
  'Changes a login, carrying ACL entries and other users'' subscriptions along. Raises AXNEX, AXBAD or AXEXI.';

create or replace function admin.user_set_address(p_login text, p_address text) returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_id int := mail.user_by_login(p_login);
  v_address int := mail.address_id(p_address);
begin
  perform 1 from mail.users where id = v_id for update;
  perform mail.require_address_free(v_address, p_address, v_id);
  delete from mail.user_addresses where usr = v_id and (primary_address or address = v_address);
  insert into mail.user_addresses (usr, address, primary_address) values (v_id, v_address, true);
end $$;
comment on function admin.user_set_address(text, text) is
  'Replaces a user''s primary address (where LMTP delivers to the INBOX). Raises AXNEX, AXBAD, or AXEXI when another user or an alias has the address.';

create or replace function admin.user_list(p_pattern text default null)
returns table (login text, address text, messages bigint, storage bigint, created_at timestamptz)
language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select u.login,
         (select a.localpart || '@' || a.domain from mail.user_addresses ua
            join mail.addresses a on a.id = ua.address
           where ua.usr = u.id order by ua.primary_address desc, a.id limit 1),
         u.used_messages, u.used_storage, u.created_at
    from mail.users u
   where u.login ilike mail.glob_like(p_pattern)
   order by lower(u.login)
$$;
comment on function admin.user_list(text) is
  'Users whose login matches a pattern (* and ?, case-insensitive; null for all), with primary address, message count and bytes.';

create or replace function admin.quota_list(p_pattern text default null)
returns table (login text, is_admin boolean, used_messages bigint, quota_messages bigint,
               used_storage bigint, quota_storage bigint)
language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select u.login, u.is_admin, u.used_messages, u.quota_messages, u.used_storage, u.quota_storage
    from mail.users u
   where u.login ilike mail.glob_like(p_pattern)
   order by lower(u.login)
$$;
comment on function admin.quota_list(text) is
  'aox show quota: users whose login matches a pattern (* and ?; null for all) with their usage and quota (RFC 9208 MESSAGE and STORAGE; storage in bytes, null limits are unlimited) and whether they are administrators.';

-- Mailboxes -----------------------------------------------------------------------------------

create or replace function admin.mailbox_create(p_owner_login text, p_name text, p_special_use text default null)
returns int
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_user int := mail.user_by_login(p_owner_login);
begin
  if p_special_use is not null
     and p_special_use not in ('\All', '\Archive', '\Drafts', '\Flagged', '\Junk', '\Sent', '\Trash') then
    perform mail.fail('AXBAD', 'unknown special use (RFC 6154): ' || p_special_use);
  end if;
  return mail.create_mailbox(v_user, p_name, p_special_use);
end $$;
comment on function admin.mailbox_create(text, text, text) is
  'Creates a mailbox (name below its owner, "/"-separated) and missing parents, optionally with an RFC 6154 special use. Raises AXNEX (no such user), AXBAD (bad name) or AXEXI. Returns the mailbox id.';

create or replace function admin.mailbox_delete(p_owner_login text, p_name text, p_force boolean default false)
returns bigint
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_user int := mail.user_by_login(p_owner_login);
  v_id int := mail.mailbox_by_name(v_user, p_name);
  v_messages bigint;
  v_alias text;
begin
  select messages into v_messages from mail.mailboxes where id = v_id for update;
  if v_messages > 0 and not p_force then
    perform mail.fail('AXPRM', 'mailbox is not empty (' || v_messages || ' messages); force the deletion to delete them too');
  end if;
  select a.localpart || '@' || a.domain into v_alias
    from mail.aliases al join mail.addresses a on a.id = al.address where al.mailbox = v_id limit 1;
  if v_alias is not null and not p_force then
    perform mail.fail('AXPRM', 'alias ' || v_alias || ' delivers to this mailbox; delete the alias or force the deletion');
  end if;
  delete from mail.aliases where mailbox = v_id;
  -- the IMAP DELETE path: messages go to deleted_messages (undeletable until vacuum), a mailbox
  -- with children stays as \Noselect, INBOX is refused
  perform api.mailbox_delete(v_user, p_name);
  return v_messages;
end $$;
comment on function admin.mailbox_delete(text, text, boolean) is
  'Deletes a mailbox as IMAP DELETE does (RFC 3501 §6.3.4: messages become undeletable deleted messages; a mailbox with children becomes \Noselect). Raises AXNEX, AXPRM for INBOX, and AXPRM unless p_force when it holds messages or aliases deliver to it. Returns the number of messages it held.';

create or replace function admin.mailbox_list(p_pattern text default null, p_owner_login text default null,
                                              p_include_deleted boolean default false)
returns table (name text, owner text, path text, special_use text, selectable boolean, messages int,
               unseen int, size bigint, uidvalidity int, uidnext int, deleted_at timestamptz)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_user int;
begin
  if p_owner_login is not null then
    v_user := mail.user_by_login(p_owner_login);
  end if;
  return query
  select '/users/' || u.login || '/' || b.name, u.login, b.name, b.special_use, b.selectable,
         b.messages, b.unseen, b.size, b.uidvalidity, b.uidnext, b.deleted_at
    from mail.mailboxes b join mail.users u on u.id = b.owner
   where (v_user is null or b.owner = v_user)
     and (p_include_deleted or b.deleted_at is null)
     and case when p_pattern like '/%' then '/users/' || u.login || '/' || b.name like mail.glob_like(p_pattern)
              else b.name like mail.glob_like(p_pattern) end
   order by lower(u.login), b.name = 'INBOX' desc, b.name, b.deleted_at nulls first;
end $$;
comment on function admin.mailbox_list(text, text, boolean) is
  'Mailboxes as /users/<login>/<name>, optionally of one owner, matching a pattern (* and ?; against the full name if it starts with "/", else the name below the owner), with counters; deleted ones only if asked.';

-- Aliases -------------------------------------------------------------------------------------

create or replace function admin.alias_create(p_address text, p_owner_login text, p_mailbox text) returns int
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_box int := mail.mailbox_by_name(mail.user_by_login(p_owner_login), p_mailbox);
  v_address int := mail.address_id(p_address);
  v_id int;
begin
  if not (select selectable from mail.mailboxes where id = v_box) then
    perform mail.fail('AXBAD', 'mail cannot be delivered to a \Noselect mailbox');
  end if;
  perform mail.require_address_free(v_address, p_address, null);
  insert into mail.aliases (address, mailbox) values (v_address, v_box) returning id into v_id;
  return v_id;
end $$;
comment on function admin.alias_create(text, text, text) is
  'Makes LMTP deliver mail for an address into a mailbox (given by owner login and name). Raises AXBAD (bad address), AXNEX (no such user or mailbox) or AXEXI (address taken). Returns the alias id.';

create or replace function admin.alias_delete(p_address text) returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_local text;
  v_domain text;
begin
  select a.localpart, a.domain into v_local, v_domain from mail.address_split(p_address) a;
  delete from mail.aliases al using mail.addresses a
   where a.id = al.address and lower(a.localpart) = lower(v_local) and lower(a.domain) = lower(v_domain);
  if not found then
    perform mail.fail('AXNEX', 'no such alias: ' || p_address);
  end if;
end $$;
comment on function admin.alias_delete(text) is
  'Deletes the alias for an address. Raises AXBAD (bad address) or AXNEX (no such alias).';

create or replace function admin.alias_list(p_pattern text default null)
returns table (address text, mailbox text, owner text, path text)
language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select a.localpart || '@' || a.domain, '/users/' || u.login || '/' || b.name, u.login, b.name
    from mail.aliases al
    join mail.addresses a on a.id = al.address
    join mail.mailboxes b on b.id = al.mailbox
    join mail.users u on u.id = b.owner
   where a.localpart || '@' || a.domain ilike mail.glob_like(p_pattern)
   order by lower(a.domain), lower(a.localpart)
$$;
comment on function admin.alias_list(text) is
  'Aliases whose address matches a pattern (* and ?, case-insensitive; null for all), with their target mailboxes.';

-- Rights (RFC 4314) -------------------------------------------------------------------------------

create or replace function admin.rights_list(p_owner_login text, p_mailbox text, p_identifier text default null)
returns table (identifier text, rights text)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_user int := mail.user_by_login(p_owner_login);
  v_box int := mail.mailbox_by_name(v_user, p_mailbox);
  v_ident text;
begin
  if p_identifier is null then
    -- GETACL (RFC 4314 §3.3): the owner's implicit rights, then every entry
    return query
    select u.login, mail.rights_normalise(mail.rights(u.id, v_box)) from mail.users u where u.id = v_user
    union all
    (select p.identifier, p.rights from mail.permissions p where p.mailbox = v_box
      order by p.identifier <> 'anyone', lower(p.identifier));
    return;
  end if;
  v_ident := mail.acl_identifier(p_identifier);
  if v_ident = 'anyone' then
    return query select 'anyone'::text,
      coalesce((select p.rights from mail.permissions p where p.mailbox = v_box and p.identifier = 'anyone'), '');
  else
    -- what the user may actually do: own entry, "anyone", or everything as owner
    return query select v_ident, mail.rights_normalise(coalesce(mail.rights(u.id, v_box), ''))
      from mail.users u where lower(u.login) = lower(v_ident);
  end if;
end $$;
comment on function admin.rights_list(text, text, text) is
  'RFC 4314 GETACL: the owner''s implicit rights and every ACL entry of a mailbox; with an identifier, the rights it effectively has. Raises AXNEX or AXBAD.';

create or replace function admin.rights_set(p_owner_login text, p_mailbox text, p_identifier text, p_rights text)
returns text
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_user int := mail.user_by_login(p_owner_login);
  v_box int := mail.mailbox_by_name(v_user, p_mailbox);
  v_ident text := mail.acl_identifier(p_identifier);
  v_mod text := case when left(p_rights, 1) in ('+', '-') then left(p_rights, 1) else '' end;
  v_letters text := mail.rights_normalise(substr(p_rights, length(v_mod) + 1));
  v_old text;
  v_new text;
begin
  if lower(v_ident) = (select lower(login) from mail.users where id = v_user) then
    perform mail.fail('AXBAD', 'the owner always has every right on its own mailboxes');
  end if;
  select p.rights into v_old from mail.permissions p
   where p.mailbox = v_box and p.identifier = v_ident for update;
  v_new := mail.rights_normalise(case v_mod
    when '+' then coalesce(v_old, '') || v_letters
    when '-' then translate(coalesce(v_old, ''), coalesce(v_letters, ''), '')
    else v_letters end);
  if coalesce(v_new, '') = '' then
    delete from mail.permissions p where p.mailbox = v_box and p.identifier = v_ident;
    return '';
  end if;
  insert into mail.permissions (mailbox, identifier, rights) values (v_box, v_ident, v_new)
    on conflict (mailbox, identifier) do update set rights = excluded.rights;
  return v_new;
end $$;
comment on function admin.rights_set(text, text, text, text) is
  'RFC 4314 SETACL: sets ("lrs"), adds ("+w") or removes ("-w") rights of a login or "anyone" on a mailbox; no rights left deletes the entry. Raises AXNEX, or AXBAD for unknown letters, negative identifiers or the owner. Returns the resulting rights.';

create or replace function admin.rights_delete(p_owner_login text, p_mailbox text, p_identifier text) returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_box int := mail.mailbox_by_name(mail.user_by_login(p_owner_login), p_mailbox);
begin
  delete from mail.permissions p where p.mailbox = v_box and lower(p.identifier) = lower(p_identifier);
  if not found then
    perform mail.fail('AXNEX', 'no ACL entry for ' || coalesce(p_identifier, 'null') || ' on that mailbox');
  end if;
end $$;
comment on function admin.rights_delete(text, text, text) is
  'RFC 4314 DELETEACL: removes the ACL entry of an identifier on a mailbox. Raises AXNEX when there is none.';

-- Counts --------------------------------------------------------------------------------------

create or replace function admin.counts(p_full boolean default false)
returns table (name text, value bigint, description text)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
begin
  -- messages, unseen and bytes come from the per-mailbox counters, never from counting rows
  return query
  select 'users', (select count(*) from mail.users), 'users'
  union all select 'mailboxes', (select count(*) from mail.mailboxes where deleted_at is null), 'mailboxes (not deleted)'
  union all select 'messages', (select coalesce(sum(messages), 0)::bigint from mail.mailboxes), 'messages in mailboxes'
  union all select 'bodies', (select count(*) from mail.messages), 'distinct messages stored (single-instance)'
  union all select 'bytes', (select coalesce(sum(size), 0)::bigint from mail.mailboxes), 'bytes of messages in mailboxes';
  if p_full then
    return query
    select 'unseen', (select coalesce(sum(unseen), 0)::bigint from mail.mailboxes), 'messages without \Seen'
    union all select 'flagged-deleted', (select coalesce(sum(deleted_count), 0)::bigint from mail.mailboxes), 'messages with \Deleted, not yet expunged'
    union all select 'expunged', (select count(*) from mail.deleted_messages), 'expunged messages still undeletable'
    union all select 'deleted-mailboxes', (select count(*) from mail.mailboxes where deleted_at is not null), 'deleted mailboxes kept for undelete'
    union all select 'aliases', (select count(*) from mail.aliases), 'aliases'
    union all select 'addresses', (select count(*) from mail.addresses), 'known addresses'
    union all select 'body-bytes', (select coalesce(sum(size), 0)::bigint from mail.messages), 'bytes of distinct messages stored'
    union all select 'bodies-with-problems', (select count(*) from mail.messages where problems <> '{}'), 'stored messages that parsed with problems (aox reparse)'
    union all select 'database-bytes', pg_database_size(current_database()), 'size of the database on disk';
  end if;
end $$;
comment on function admin.counts(boolean) is
  'Users, mailboxes, messages, distinct bodies and bytes (from counters where kept); p_full adds unseen, \Deleted, expunged, aliases, addresses, body bytes, parse problems and database size.';
