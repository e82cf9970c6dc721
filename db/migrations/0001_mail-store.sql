-- Up Migration

-- The mail store. State only: behaviour lives in db/functions and is re-applied after every migrate.
-- pgcrypto (HMAC/SHA-256 for SCRAM verification) and pg_trgm (indexed substring SEARCH) are trusted
-- extensions, so the database owner can create them without superuser rights.
create extension if not exists pgcrypto;
create extension if not exists pg_trgm;

create schema mail;
create schema api;
create schema admin;

-- UIDVALIDITY values come from one sequence, so a mailbox deleted and created again under the same
-- name never reuses an old value (RFC 3501 §2.3.1.1). It starts at the epoch second of the
-- migration so that a database restored from scratch does not repeat values either.
create sequence mail.uidvalidity_seq;
select setval('mail.uidvalidity_seq', extract(epoch from now())::bigint % 2000000000);

create table mail.users (
  id serial primary key,
  login text not null,
  -- SCRAM-SHA-256 verifier in PostgreSQL's own format: SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>
  -- (base64). It serves SCRAM-SHA-256, PLAIN and LOGIN; no password is ever stored.
  secret text not null,
  quota_storage bigint,              -- bytes; null means unlimited
  quota_messages bigint,             -- messages; null means unlimited
  used_storage bigint not null default 0,
  used_messages bigint not null default 0,
  created_at timestamptz not null default now()
);
create unique index users_login_key on mail.users (lower(login));

create table mail.addresses (
  id serial primary key,
  name text,
  localpart text not null,
  domain text not null
);
create unique index addresses_key on mail.addresses (lower(localpart), lower(domain));

-- A user's own addresses (the first is the primary one).
create table mail.user_addresses (
  usr int not null references mail.users(id) on delete cascade,
  address int not null references mail.addresses(id) on delete cascade,
  primary_address boolean not null default false,
  primary key (address)
);
create index user_addresses_usr on mail.user_addresses (usr);

create table mail.mailboxes (
  id serial primary key,
  owner int not null references mail.users(id) on delete cascade,
  -- full name below the owner's personal namespace, '/'-separated, UTF-8; INBOX always spelled "INBOX"
  name text not null,
  uidvalidity int not null default nextval('mail.uidvalidity_seq'),
  uidnext int not null default 1,
  -- HIGHESTMODSEQ is nextmodseq - 1; every change takes nextmodseq and bumps it in the same transaction
  nextmodseq bigint not null default 2,
  -- \Recent (RFC 3501 §2.3.2): UIDs >= first_recent are recent for the next session that selects
  -- the mailbox read-write; that session takes them by moving first_recent to uidnext.
  first_recent int not null default 1,
  special_use text,
  -- counters kept current by statement triggers, so STATUS and SELECT never count rows
  messages int not null default 0,
  unseen int not null default 0,
  deleted_count int not null default 0,
  size bigint not null default 0,
  -- expunges with a modseq at or below this may have been purged by vacuum: QRESYNC must then
  -- report every unknown UID as vanished
  vanished_horizon bigint not null default 0,
  -- a mailbox deleted while it had children stays as a \Noselect name (RFC 3501 §6.3.4)
  selectable boolean not null default true,
  -- DELETE keeps the row (its expunged messages stay undeletable) under a name nobody can see
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  constraint mailbox_name_sane check (name <> '' and name not like '/%' and name not like '%/' and name not like '%//%')
);
create unique index mailboxes_owner_name on mail.mailboxes (owner, name) where deleted_at is null;

-- One row for each distinct message: the same bytes delivered to many mailboxes or users, copied or
-- moved, are stored once (single-instance storage keyed by SHA-256).
create table mail.messages (
  id bigserial primary key,
  hash bytea not null,
  raw bytea not null,                 -- the original bytes, byte-exact, never rewritten
  size int not null,                  -- RFC822.SIZE
  header_size int not null,           -- bytes of the header block including the blank line
  envelope jsonb not null,
  body jsonb not null,
  bodystructure jsonb not null,
  parts jsonb not null,               -- byte offsets of every body part (frontend/mime PartInfo[])
  headers jsonb not null,             -- [[name, decoded value], …] of the top-level header
  subject text,
  base_subject text not null default '',
  from_text text not null default '', -- decoded "Name <local@domain>, …" for SEARCH
  to_text text not null default '',
  cc_text text not null default '',
  bcc_text text not null default '',
  sort_from text not null default '', -- RFC 5256 sort keys: mailbox of the first address
  sort_to text not null default '',
  sort_cc text not null default '',
  display_from text not null default '', -- RFC 5957 DISPLAYFROM/DISPLAYTO
  display_to text not null default '',
  sent_date timestamptz,
  message_id text,
  in_reply_to text[] not null default '{}',
  refs text[] not null default '{}',
  body_text text not null default '',
  problems text[] not null default '{}', -- non-empty: stored anyway, listed by aox reparse
  created_at timestamptz not null default now()
);
create unique index messages_hash on mail.messages (hash);
create index messages_message_id on mail.messages (message_id);
create index messages_needing_reparse on mail.messages (id) where problems <> '{}';

create table mail.mailbox_messages (
  mailbox int not null references mail.mailboxes(id) on delete cascade,
  uid int not null,
  message bigint not null references mail.messages(id),
  modseq bigint not null,
  internaldate timestamptz not null,
  savedate timestamptz not null default now(),
  size int not null,                  -- copied from messages.size so counters and quota need no join
  seen boolean not null default false,
  answered boolean not null default false,
  flagged boolean not null default false,
  deleted boolean not null default false,
  draft boolean not null default false,
  keywords text[] not null default '{}',
  thread_root bigint,                 -- message id of the thread's first message (THREADID)
  primary key (mailbox, uid)
);
create index mailbox_messages_modseq on mail.mailbox_messages (mailbox, modseq);
create index mailbox_messages_message on mail.mailbox_messages (message);
create index mailbox_messages_internaldate on mail.mailbox_messages (mailbox, internaldate);

-- Expunged messages wait here (who, when, why) until aox vacuum purges them after undelete-time
-- days; aox undelete brings them back with new UIDs. Also the source of QRESYNC's VANISHED.
create table mail.deleted_messages (
  id bigserial primary key,
  mailbox int not null references mail.mailboxes(id) on delete cascade,
  uid int not null,
  message bigint not null references mail.messages(id),
  modseq bigint not null,             -- the modseq of the expunge
  internaldate timestamptz not null,
  seen boolean not null,
  answered boolean not null,
  flagged boolean not null,
  draft boolean not null,
  keywords text[] not null,
  deleted_by int references mail.users(id) on delete set null,
  deleted_at timestamptz not null default now(),
  reason text not null
);
create index deleted_messages_mailbox_modseq on mail.deleted_messages (mailbox, modseq);
create index deleted_messages_deleted_at on mail.deleted_messages (deleted_at);
create index deleted_messages_message on mail.deleted_messages (message);

-- An alias delivers mail for an address into a mailbox.
create table mail.aliases (
  id serial primary key,
  address int not null unique references mail.addresses(id) on delete cascade,
  mailbox int not null references mail.mailboxes(id) on delete cascade
);

create table mail.subscriptions (
  usr int not null references mail.users(id) on delete cascade,
  name text not null,                 -- as the user sees it (personal names are bare)
  primary key (usr, name)
);

-- RFC 4314 access control: rights granted on a mailbox to a user (or "anyone").
create table mail.permissions (
  mailbox int not null references mail.mailboxes(id) on delete cascade,
  identifier text not null,           -- a login, or 'anyone'
  rights text not null,
  primary key (mailbox, identifier)
);

-- Retention policies (aox retain/delete messages): keep or delete messages older than a duration,
-- optionally in one mailbox and matching a search.
create table mail.retention_policies (
  id serial primary key,
  action text not null check (action in ('retain', 'delete')),
  duration_days int not null check (duration_days > 0),
  mailbox int references mail.mailboxes(id) on delete cascade,
  selector jsonb,
  created_at timestamptz not null default now()
);

-- Settings the database itself needs (e.g. the secret that makes fake SCRAM salts for unknown
-- logins stable, so an attacker cannot tell which logins exist).
create table mail.settings (
  name text primary key,
  value text not null
);
insert into mail.settings (name, value) values ('fake-salt-secret', encode(gen_random_bytes(32), 'hex'));

-- Down Migration
drop schema admin cascade;
drop schema api cascade;
drop schema mail cascade;
