-- NOTIFY (RFC 5465): what a session needs to watch mailboxes other than the selected one.
-- Message changes already reach every frontend on channel aox_mailbox (mail.notify_mailbox).
-- Changes to the mailbox list a user sees (create, rename, delete, \Noselect, ACL) and to a
-- user's subscriptions are announced on channel aox_mailbox_list with the id of each user whose
-- view changed, or '*' when an "anyone" ACL entry makes it everybody's business. Row triggers
-- catch every path (IMAP, aox CLI, a DBA's SQL); PostgreSQL folds equal notifications of one
-- transaction into one, so renaming a whole subtree costs one message per user. Sessions that
-- did not ask for NOTIFY never look at this channel's messages.

-- Tells the owner of a mailbox, and everybody its ACL names, that the mailbox list changed.
create or replace function mail.notify_mailbox_list(p_mailbox int, p_owner int) returns void
language sql as $$
  select pg_notify('aox_mailbox_list', t.who) from (
    select p_owner::text as who
    union
    select case when p.identifier = 'anyone' then '*' else u.id::text end
      from mail.permissions p left join mail.users u on lower(u.login) = lower(p.identifier)
     where p.mailbox = p_mailbox and (p.identifier = 'anyone' or u.id is not null)
  ) t
$$;

create or replace function mail.mailboxes_list_changed() returns trigger
language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    perform mail.notify_mailbox_list(old.id, old.owner);
    return old;
  end if;
  perform mail.notify_mailbox_list(new.id, new.owner);
  return new;
end $$;

create or replace function mail.subscriptions_changed() returns trigger
language plpgsql as $$
begin
  perform pg_notify('aox_mailbox_list', (case when tg_op = 'DELETE' then old.usr else new.usr end)::text);
  return null;
end $$;

create or replace function mail.permissions_changed() returns trigger
language plpgsql as $$
declare
  v_row mail.permissions := case when tg_op = 'DELETE' then old else new end;
begin
  perform pg_notify('aox_mailbox_list', coalesce(
    case when v_row.identifier = 'anyone' then '*' end,
    (select u.id::text from mail.users u where lower(u.login) = lower(v_row.identifier)),
    '*'));
  return null;
end $$;

-- Only the columns that change what LIST shows; counters and modseqs update this table all the time.
create or replace trigger mailboxes_list_changed_update
  after update of name, selectable, deleted_at, special_use on mail.mailboxes for each row
  when (old.name is distinct from new.name or old.selectable is distinct from new.selectable
        or old.deleted_at is distinct from new.deleted_at or old.special_use is distinct from new.special_use)
  execute function mail.mailboxes_list_changed();
create or replace trigger mailboxes_list_changed_insert
  after insert or delete on mail.mailboxes for each row execute function mail.mailboxes_list_changed();
create or replace trigger subscriptions_changed
  after insert or update or delete on mail.subscriptions for each row execute function mail.subscriptions_changed();
create or replace trigger permissions_changed
  after insert or update or delete on mail.permissions for each row execute function mail.permissions_changed();

-- Every mailbox a user can see, with what the NOTIFY filters (RFC 5465 §6) ask about it: whether it
-- is personal (§6.2), an inbox, that is INBOX or a mailbox mail is delivered to by an alias
-- (§6.3), subscribed (§6.4), and the user's rights (§5: only mailboxes with l are reported, and
-- message events need r).
create or replace function api.notify_mailboxes(p_user int)
returns table (mailbox int, name text, personal boolean, inbox boolean, subscribed boolean,
               selectable boolean, rights text)
language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select v.id, v.name, v.owner = p_user,
         v.owner = p_user and (v.name = 'INBOX' or exists (select 1 from mail.aliases a where a.mailbox = v.id)),
         exists (select 1 from mail.subscriptions s where s.usr = p_user and s.name = v.name),
         v.selectable, coalesce(mail.rights(p_user, v.id), '')
    from mail.visible_mailboxes(p_user) v
   order by v.name = 'INBOX' desc, v.name
$$;
comment on function api.notify_mailboxes(int) is
  'NOTIFY (RFC 5465 §6): every mailbox the user can see, with personal/inbox/subscribed and the user''s rights, for evaluating NOTIFY filters.';
