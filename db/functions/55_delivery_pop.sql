-- LMTP delivery (RFC 2033) and the POP3 maildrop (RFC 1939). The frontend keeps the protocol
-- state (envelope, message numbers, deletion marks); everything two sessions could disagree about
-- (which mailbox an address means, quota, UIDs, what is deleted) is decided here.

-- Which mailbox an envelope recipient (RFC 5321 §4.1.1.3 RCPT) delivers to: an alias's mailbox,
-- else the INBOX of the user owning the address. Case-insensitive. With p_subaddressing,
-- "base<sep>tag@domain" falls back to "base@domain" when the full address is unknown (the full
-- address wins if it exists). p_addresses are addr-specs with the local part unquoted; one row per
-- input address, in order, with mailbox null when nobody receives mail there. over_quota says
-- whether a message of p_size bytes would take the owner over quota (RFC 9208 §5); the check is
-- repeated when the message is injected, this is only for the early RCPT reply.
create or replace function api.delivery_resolve(p_addresses text[], p_subaddressing boolean,
                                                p_separator text, p_size bigint default 0)
returns table (idx int, mailbox int, owner int, over_quota boolean)
language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  with input as (
    select a.ord::int as idx,
           substring(a.address from '^(.*)@[^@]*$') as localpart,
           lower(substring(a.address from '@([^@]*)$')) as domain
      from unnest(p_addresses) with ordinality as a(address, ord)
  ), candidates as (
    select i.idx, 1 as pref, lower(i.localpart) as localpart, i.domain from input i
    union all
    select i.idx, 2, lower(split_part(i.localpart, p_separator, 1)), i.domain from input i
     where p_subaddressing and coalesce(p_separator, '') <> '' and strpos(i.localpart, p_separator) > 1
  ), found as (
    select distinct on (c.idx) c.idx, coalesce(am.id, inbox.id) as mailbox
      from candidates c
      join mail.addresses ad on lower(ad.localpart) = c.localpart and lower(ad.domain) = c.domain
      left join mail.aliases al on al.address = ad.id
      left join mail.mailboxes am on am.id = al.mailbox and am.deleted_at is null and am.selectable
      left join mail.user_addresses ua on ua.address = ad.id
      left join mail.mailboxes inbox on inbox.owner = ua.usr and inbox.name = 'INBOX'
                                    and inbox.deleted_at is null and inbox.selectable
     where coalesce(am.id, inbox.id) is not null
     order by c.idx, c.pref
  )
  select i.idx, b.id, b.owner,
         coalesce(u.used_storage + greatest(p_size, 1) > u.quota_storage
                  or u.used_messages + 1 > u.quota_messages, false)
    from input i
    left join found f on f.idx = i.idx
    left join mail.mailboxes b on b.id = f.mailbox
    left join mail.users u on u.id = b.owner
   order by i.idx
$$;
comment on function api.delivery_resolve(text[], boolean, text, bigint) is
  'LMTP RCPT (RFC 2033 §4.2, RFC 5321 §4.1.1.3): the mailbox each address delivers to (alias, else the owner''s INBOX; subaddressing optional) and whether its owner is over quota (RFC 9208).';

-- Delivers one message to several mailboxes (LMTP DATA/BDAT LAST for N recipients) in one
-- transaction through mail.inject: the bytes are stored once, each distinct mailbox gets one copy.
-- Mailboxes whose owner would go over quota (when p_check_quota) are left out and reported as
-- 'over-quota', vanished ones as 'no-mailbox', so each recipient gets its own truthful reply
-- (RFC 2033 §4.2). The quota test here is done without locks; mail.inject repeats it after the
-- insert under the counter row locks and raises AXQTA for the whole call if a concurrent delivery
-- got in between, which the frontend turns into a temporary failure for every recipient.
create or replace function api.delivery_inject(p_raw bytea, p_meta jsonb, p_mailboxes int[],
                                               p_check_quota boolean default true)
returns table (mailbox int, status text, uid int)
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_size bigint := octet_length(p_raw);
  v_ok int[];
  v_full int[];
begin
  select coalesce(array_agg(t.id order by t.id) filter (where not t.full), '{}'),
         coalesce(array_agg(t.id order by t.id) filter (where t.full), '{}')
    into v_ok, v_full
    from (
      select b.id,
             p_check_quota and coalesce(
               u.used_storage + v_size * count(*) over (partition by b.owner) > u.quota_storage
               or u.used_messages + count(*) over (partition by b.owner) > u.quota_messages, false) as full
        from mail.mailboxes b join mail.users u on u.id = b.owner
       where b.id = any(p_mailboxes) and b.deleted_at is null and b.selectable
    ) t;
  if cardinality(v_ok) > 0 then
    return query
    select i.mailbox, 'delivered'::text, i.uid
      from mail.inject(null, array[p_raw], array[p_meta],
                       (select jsonb_agg(jsonb_build_object('m', 1, 'b', x.b, 'f', '[]'::jsonb) order by x.b)
                          from unnest(v_ok) x(b)),
                       p_check_quota) i;
  end if;
  return query select x.b, 'over-quota'::text, null::int from unnest(v_full) x(b);
  return query select distinct x.b, 'no-mailbox'::text, null::int from unnest(p_mailboxes) x(b)
                where x.b <> all(v_ok) and x.b <> all(v_full);
end $$;
comment on function api.delivery_inject(bytea, jsonb, int[], boolean) is
  'LMTP delivery (RFC 2033 §4.2, RFC 3030 BDAT LAST): stores the message once and delivers it to each distinct mailbox; reports per mailbox delivered/over-quota/no-mailbox.';

-- The POP3 maildrop (RFC 1939 §4: the user's INBOX) as one snapshot taken at login: the UIDs in
-- order and their sizes. Only two integer arrays, so a million-message INBOX opens quickly; the
-- messages themselves are read later with pop_retrieve.
create or replace function api.pop_maildrop(p_user int)
returns table (mailbox int, uidvalidity int, uids int[], sizes int[])
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_box int;
  v_validity int;
begin
  select b.id, b.uidvalidity into v_box, v_validity
    from mail.mailboxes b where b.owner = p_user and b.name = 'INBOX' and b.deleted_at is null;
  if v_box is null then
    perform mail.fail('AXNEX', 'the user has no INBOX');
  end if;
  return query
  select v_box, v_validity, coalesce(array_agg(mm.uid order by mm.uid), '{}'),
         coalesce(array_agg(mm.size order by mm.uid), '{}')
    from mail.mailbox_messages mm where mm.mailbox = v_box;
end $$;
comment on function api.pop_maildrop(int) is
  'POP3 PASS/AUTH (RFC 1939 §4, §7): the INBOX snapshot (mailbox, UIDVALIDITY, UIDs and sizes in UID order) that fixes message numbers for the session.';

-- A slice of one stored message, so RETR and TOP can stream a large message in pieces instead of
-- holding it whole. No row when the message has been expunged since the snapshot.
create or replace function api.pop_retrieve(p_user int, p_mailbox int, p_uid int, p_offset int, p_length int)
returns table (size int, header_size int, chunk bytea)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform mail.require_right(p_user, p_mailbox, 'r');
  return query
  select m.size, m.header_size, substring(m.raw from p_offset + 1 for p_length)
    from mail.mailbox_messages mm join mail.messages m on m.id = mm.message
   where mm.mailbox = p_mailbox and mm.uid = p_uid;
end $$;
comment on function api.pop_retrieve(int, int, int, int, int) is
  'POP3 RETR and TOP (RFC 1939 §7, §11): bytes p_offset.. of a stored message, byte-exact, with its size and header size.';

-- The POP3 UPDATE state (RFC 1939 §6): in one transaction, marks retrieved messages \Seen and moves
-- the messages marked with DELE to deleted_messages (reason 'pop3 dele', so aox undelete can bring
-- them back). Messages already expunged by someone else are simply not there any more.
create or replace function api.pop_update(p_user int, p_mailbox int, p_delete int4multirange,
                                          p_seen int4multirange)
returns table (deleted_count int, seen_count int)
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_deleted int := 0;
  v_seen int := 0;
  v_modseq bigint;
begin
  if p_seen is not null and not isempty(p_seen) then
    perform mail.require_right(p_user, p_mailbox, 's');
    v_modseq := mail.next_modseq(p_mailbox);
    update mail.mailbox_messages mm set seen = true, modseq = v_modseq
     where mm.mailbox = p_mailbox and mail.uid_in(mm.uid, p_seen) and not mm.seen
       and (p_delete is null or not mm.uid <@ p_delete);
    get diagnostics v_seen = row_count;
    perform mail.notify_mailbox(p_mailbox);
  end if;
  if p_delete is not null and not isempty(p_delete) then
    perform mail.require_right(p_user, p_mailbox, 'e');
    select count(*) into v_deleted from mail.expunge_rows(p_user, p_mailbox, p_delete, false, 'pop3 dele');
  end if;
  return query select v_deleted, v_seen;
end $$;
comment on function api.pop_update(int, int, int4multirange, int4multirange) is
  'POP3 QUIT in the TRANSACTION state (RFC 1939 §6): DELE-marked messages move to deleted_messages (reason ''pop3 dele''), retrieved ones become \Seen; one transaction.';
