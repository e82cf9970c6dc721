-- Up Migration

-- A word index for SEARCH TEXT and SEARCH BODY. Until now an optional trigram index narrowed the
-- candidates and each candidate's whole text was read and case-folded to decide (RFC 3501 §6.4.4
-- substring semantics). For a word in a sixth of the mail that is a sixth of all the text: 11 s
-- on 1,000,000 messages.
--
-- A word is a maximal run of characters that are not ASCII controls, spaces or punctuation
-- (frontend/mime/search-words.ts). A searched string without such characters can only occur inside
-- one word, so "the messages with a word containing it" is exactly the substring answer: the
-- vocabulary (trigram-indexed) gives the words that contain the string, and one GIN lookup of
-- their hashes gives the messages, with no text read. The hashes are 64 bits: with 32, a million
-- words made a collision likely enough that the benchmark's own word "people" shared its hash with
-- another. A hash another vocabulary word shares is noticed at search time all the same, and that
-- search falls back to reading the text (db/functions/45_imap.sql, mail.search_words_sql). Strings
-- with spaces or punctuation are narrowed by their rare words and decided on the text.

-- Every distinct case-folded word of any message, up to 200 bytes, with the hash the messages'
-- arrays hold (hashtextextended(word, 0)), kept so that collisions are found by an index.
create table mail.search_words (
  word text collate "C" primary key,
  hash bigint not null
);
create index search_words_hash on mail.search_words (hash);
do $$
declare
  v_schema name := (select n.nspname from pg_catalog.pg_extension e
                      join pg_catalog.pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm');
begin
  if v_schema is not null then
    execute format('create index search_words_trgm on mail.search_words using gin (word %I.gin_trgm_ops)', v_schema);
  end if;
end $$;

-- The words of one message as the hash of each distinct folded word, of its body text and of
-- its header (mail.headers_text: "Name: value" lines, field names included). Words longer than
-- the vocabulary takes are kept as text, to be searched one by one (they are rare: long URLs,
-- unbroken encoded blobs).
create table mail.message_words (
  message bigint primary key references mail.messages(id) on delete cascade,
  body_words bigint[] not null,
  header_words bigint[] not null,
  long_body text[] not null default '{}',
  long_header text[] not null default '{}',
  -- Keeps the heap narrow. A search reads the heap row of every message the GIN index names, for
  -- its id; with the arrays inline (1-2 KB) that was three quarters of a 1.1 GB heap for a word in
  -- a sixth of 1,000,000 messages, 1.9 s. PostgreSQL moves values to TOAST only from rows over
  -- about 2 KB, and then down to toast_tuple_target: this value (2,100 bytes, compressed to about
  -- 30) makes every new row big enough, so both arrays go out of line and a row is about 130 bytes.
  toast_pad text not null default repeat(' ', 2100)
);
alter table mail.message_words set (toast_tuple_target = 128);
-- (the hashes are random: compressing them is wasted work)
alter table mail.message_words alter column body_words set storage external,
  alter column header_words set storage external;
-- A 16 MB pending list (4 MB by default) halves what indexing costs a delivery: the entries are
-- merged into the index in larger sorted batches, by autovacuum or the insert that fills it. A
-- search reads the pending list whole, about 10 ms at 16 MB.
create index message_words_body on mail.message_words using gin (body_words) with (gin_pending_list_limit = 16384);
create index message_words_header on mail.message_words using gin (header_words) with (gin_pending_list_limit = 16384);
create index message_words_long on mail.message_words (message)
  where long_body <> '{}' or long_header <> '{}';

-- The messages already stored. The split is the one of mail.search_words_split
-- (db/functions/45_imap.sql), which this migration predates. No message may be stored meanwhile
-- (a server of the previous version would store it without words); one stored between this commit
-- and the new functions is indexed when they are applied (the end of 45_imap.sql).
lock table mail.messages in share mode;
create function pg_temp.split(p_text text) returns text
language sql immutable as $$
  select coalesce(string_agg(distinct w, ' '), '')
    from regexp_split_to_table(p_text, '[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+') w where w <> ''
$$;
-- (split, then fold the words: the order mail.message_words_add follows)
create temp table backfill_words on commit drop as
  select m.id, string_to_array(lower(pg_temp.split(m.body_text) collate mail.casefold), ' ') as body,
         string_to_array(lower(pg_temp.split((select coalesce(string_agg((h->>0) || ': ' || (h->>1), E'\n'), '')
                                                from jsonb_array_elements(m.headers) h)) collate mail.casefold), ' ') as header
    from mail.messages m;
insert into mail.search_words (word, hash)
  select d.w, hashtextextended(d.w, 0)
    from (select distinct w collate "C" as w from backfill_words b, unnest(b.body || b.header) w
           where w <> '' and octet_length(w) <= 200) d
   order by 1;
insert into mail.message_words (message, body_words, header_words, long_body, long_header)
  select b.id,
         array(select distinct hashtextextended(w collate "C", 0) from unnest(b.body) w where w <> '' and octet_length(w) <= 200),
         array(select distinct hashtextextended(w collate "C", 0) from unnest(b.header) w where w <> '' and octet_length(w) <= 200),
         array(select distinct w from unnest(b.body) w where octet_length(w) > 200),
         array(select distinct w from unnest(b.header) w where octet_length(w) > 200)
    from backfill_words b;

-- Down Migration
drop table mail.message_words;
drop table mail.search_words;
