-- Up Migration

-- A word index for SEARCH TEXT and SEARCH BODY. Until now an optional trigram index narrowed the
-- candidates and each candidate's whole text was read and case-folded to decide (RFC 3501 §6.4.4
-- substring semantics). For a word in a sixth of the mail that is a sixth of all the text: 11 s
-- on 1,000,000 messages.
--
-- A word is a maximal run of characters that are not ASCII controls, spaces or punctuation
-- (frontend/mime/search-words.ts). A searched string without such characters can only occur inside
-- one word, so "the messages with a word containing it" is exactly the substring answer: the
-- vocabulary (small, trigram-indexed) gives the word ids that contain the string, and one GIN
-- lookup gives the messages, with no text read. Strings with spaces or punctuation keep the old
-- path.

-- Every distinct case-folded word of any message, up to 200 bytes; ids are never reused.
create table mail.search_words (
  id int generated always as identity primary key,
  word text collate "C" not null unique
);
do $$
declare
  v_schema name := (select n.nspname from pg_catalog.pg_extension e
                      join pg_catalog.pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm');
begin
  if v_schema is not null then
    execute format('create index search_words_trgm on mail.search_words using gin (word %I.gin_trgm_ops)', v_schema);
  end if;
end $$;

-- The words of one message: the ids of its body's words, and the negated ids of its header's
-- words (mail.headers_text: "Name: value" lines), so TEXT and BODY share one GIN index. Words
-- longer than the vocabulary takes are kept here as text, to be searched one by one (they are
-- rare: long URLs, unbroken encoded blobs).
create table mail.message_words (
  message bigint primary key references mail.messages(id) on delete cascade,
  words int[] not null,
  long_body text[] not null default '{}',
  long_header text[] not null default '{}'
);
-- The arrays live out of line, uncompressed (ids hardly compress): a search reads only the narrow
-- heap row for its message id, after the GIN index has decided.
alter table mail.message_words set (toast_tuple_target = 128);
alter table mail.message_words alter column words set storage external;
create index message_words_words on mail.message_words using gin (words);
create index message_words_long on mail.message_words (message)
  where long_body <> '{}' or long_header <> '{}';

-- The messages already stored. The split is the one of mail.search_words_split
-- (db/functions/45_imap.sql), which this migration predates.
create function pg_temp.split(p_text text) returns text
language sql immutable as $$
  select coalesce(string_agg(distinct w, ' '), '')
    from regexp_split_to_table(p_text, '[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+') w where w <> ''
$$;
create temp table backfill_words on commit drop as
  select m.id, f.body, f.header
    from mail.messages m,
         lateral (select string_to_array(lower(pg_temp.split(m.body_text) collate mail.casefold), ' ')::text[] as body,
                         string_to_array(lower(pg_temp.split(
                           (select coalesce(string_agg((h->>0) || ': ' || (h->>1), E'\n'), '')
                              from jsonb_array_elements(m.headers) h)) collate mail.casefold), ' ')::text[] as header) f;
insert into mail.search_words (word)
  select distinct w collate "C" from backfill_words b, unnest(b.body || b.header) w
   where octet_length(w) <= 200
   order by 1;
analyze mail.search_words;
insert into mail.message_words (message, words, long_body, long_header)
  select b.id,
         array(select v.id from mail.search_words v
                where v.word = any(array(select w collate "C" from unnest(b.body) w))
               union
               select -v.id from mail.search_words v
                where v.word = any(array(select w collate "C" from unnest(b.header) w))),
         array(select distinct w from unnest(b.body) w where octet_length(w) > 200),
         array(select distinct w from unnest(b.header) w where octet_length(w) > 200)
    from backfill_words b;

-- Down Migration
drop table mail.message_words;
drop table mail.search_words;
