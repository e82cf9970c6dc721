-- What the IMAP server needs beyond the mailbox and message functions: name resolution for
-- APPEND, \Recent hand-over for new arrivals, VANISHED sets for QRESYNC, bulk STATUS for
-- LIST-STATUS and SEARCH evaluation. Every function is one set-based statement over the mailbox.

-- The mailbox a name denotes, for commands that only need its id (APPEND). AXNEX (TRYCREATE) when
-- the user cannot see it.
create or replace function api.mailbox_resolve(p_user int, p_name text)
returns table (mailbox int, uidvalidity int, selectable boolean)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_id int := mail.resolve_mailbox(p_user, p_name);
begin
  if v_id is null then
    perform mail.fail('AXNEX', 'no such mailbox');
  end if;
  return query select b.id, b.uidvalidity, b.selectable from mail.mailboxes b where b.id = v_id;
end $$;
comment on function api.mailbox_resolve(int, text) is
  'The mailbox a name denotes for a user (RFC 3501 §6.3.11 APPEND target, TRYCREATE when missing).';

-- \Recent (RFC 3501 §2.3.2): messages that arrive while a mailbox is selected read-write are
-- recent for the first session that learns of them. The session calls this with the UIDNEXT it
-- knows when it sees new UIDs; the UIDs in [recent_from, recent_to) are its own recent ones (an
-- empty range when another session took them first). UIDs beyond p_upto stay for whoever sees
-- them next.
create or replace function api.mailbox_recent_claim(p_user int, p_mailbox int, p_upto int)
returns table (recent_from int, recent_to int)
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_from int;
  v_to int;
begin
  perform mail.require_right(p_user, p_mailbox, 'r');
  select b.first_recent, least(b.uidnext, p_upto) into v_from, v_to
    from mail.mailboxes b where b.id = p_mailbox for update;
  if v_from < v_to then
    update mail.mailboxes b set first_recent = v_to where b.id = p_mailbox;
  end if;
  return query select v_from, greatest(v_from, v_to);
end $$;
comment on function api.mailbox_recent_claim(int, int, int) is
  'Takes the \Recent messages below p_upto that arrived since the last claim, for the calling session (RFC 3501 §2.3.2).';

-- The UIDs of a set that were expunged after a modseq, as runs (RFC 7162 §3.2.5.1 SELECT QRESYNC,
-- §3.2.6 FETCH VANISHED). When vacuum has purged expunge records newer than p_since, every UID of
-- the set below UIDNEXT that no longer exists is reported, as §3.2.5.1 allows.
create or replace function api.messages_vanished(p_user int, p_mailbox int, p_since bigint,
                                                 p_uids int4multirange default null)
returns table (lo int, hi int)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_box mail.mailboxes;
  v_set int4multirange;
begin
  perform mail.require_right(p_user, p_mailbox, 'r');
  select * into v_box from mail.mailboxes b where b.id = p_mailbox;
  v_set := coalesce(p_uids, int4multirange(int4range(1, v_box.uidnext)));
  if p_since < v_box.vanished_horizon then
    return query
    select lower(r), upper(r) - 1 from unnest(
      (v_set * int4multirange(int4range(1, v_box.uidnext)))
      - coalesce((select range_agg(int4range(mm.uid, mm.uid + 1)) from mail.mailbox_messages mm
                   where mm.mailbox = p_mailbox), '{}'::int4multirange)) r
    order by 1;
  else
    return query
    select lower(r), upper(r) - 1 from unnest(coalesce(
      (select range_agg(int4range(d.uid, d.uid + 1)) from mail.deleted_messages d
        where d.mailbox = p_mailbox and d.modseq > p_since and d.uid <@ v_set),
      '{}'::int4multirange)) r
    order by 1;
  end if;
end $$;
comment on function api.messages_vanished(int, int, bigint, int4multirange) is
  'UIDs expunged since a modseq, as runs, for VANISHED (EARLIER) (RFC 7162 §3.2.5.1, §3.2.6).';

-- STATUS of many mailboxes at once, for LIST-STATUS (RFC 5819): the counters of every selectable
-- mailbox of the list the user may read; others are left out.
create or replace function api.mailbox_status_many(p_user int, p_mailboxes int[])
returns table (mailbox int, messages int, recent int, uidnext int, uidvalidity int, unseen int,
               highestmodseq bigint, size bigint, deleted int)
language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select b.id, b.messages,
         (select count(*)::int from mail.mailbox_messages mm where mm.mailbox = b.id and mm.uid >= b.first_recent),
         b.uidnext, b.uidvalidity, b.unseen, b.nextmodseq - 1, b.size, b.deleted_count
    from mail.mailboxes b
   where b.id = any(p_mailboxes) and b.selectable and b.deleted_at is null
     and position('r' in coalesce(mail.rights(p_user, b.id), '')) > 0
$$;
comment on function api.mailbox_status_many(int, int[]) is
  'STATUS counters of several mailboxes (RFC 5819 LIST-STATUS, RFC 3501 §6.3.10).';

-- The searchable text of a header: "Name: value" lines of the decoded fields. Immutable, so an
-- expression trigram index can serve SEARCH TEXT when a site wants one.
create or replace function mail.headers_text(p_headers jsonb) returns text
language sql immutable parallel safe as $$
  select coalesce(string_agg((h->>0) || ': ' || (h->>1), E'\n'), '') from jsonb_array_elements(p_headers) h
$$;

-- Case-insensitive substring matching (RFC 3501 §6.4.4) beyond ASCII: a text and the searched
-- string are both lowered under mail.casefold (Unicode case mapping; db/migrations/0007), then
-- compared with LIKE. The optional trigram indexes of aox tune database are built on exactly
-- mail.folded(column), so the planner can use them.
create or replace function mail.folded(p_text text) returns text
language sql immutable parallel safe as $$
  select lower(p_text collate mail.casefold)
$$;

-- `p_text` with LIKE's pattern characters escaped, to match literally.
create or replace function mail.like_escape(p_text text) returns text
language sql immutable parallel safe as $$
  select replace(replace(replace(p_text, '\', '\\'), '%', '\%'), '_', '\_')
$$;

-- A LIKE pattern matching the folded `p_text` as a substring, with the pattern characters escaped.
create or replace function mail.substring_pattern(p_text text) returns text
language sql immutable as $$
  select '%' || mail.like_escape(mail.folded(p_text)) || '%'
$$;

-- The characters between words, as a regular-expression class: ASCII controls, space and
-- punctuation (frontend/mime/search-words.ts WORD_SEPARATORS).
create or replace function mail.search_word_separators() returns text
language sql immutable parallel safe as $$
  select '[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]'
$$;

-- The word index of SEARCH TEXT and BODY (db/migrations/0012). A word is a maximal run of
-- characters other than ASCII controls, spaces and punctuation; this split must agree with
-- frontend/mime/search-words.ts, which makes the words of new mail. Returns the distinct words
-- joined by spaces, the form mail.message_words_add reads; used for mail stored without them.
create or replace function mail.search_words_split(p_text text) returns text
language sql immutable parallel safe as $$
  select coalesce(string_agg(distinct w, ' '), '')
    from regexp_split_to_table(p_text, mail.search_word_separators() || '+') w where w <> ''
$$;

-- The hashes stored for a list of folded words (mail.message_words): the 64-bit hashtextextended
-- of each distinct word the vocabulary takes (up to 200 bytes).
create or replace function mail.search_words_hashes(p_words text[]) returns bigint[]
language sql immutable parallel safe as $$
  select array(select distinct hashtextextended(w collate "C", 0) from unnest(p_words) w
                where w <> '' and octet_length(w) <= 200)
$$;

-- Indexes the words of new messages: p_body[i] and p_header[i] are the space-joined words of
-- message p_ids[i]'s body text and header (mail.search_words_split). They are case-folded here,
-- by the same mail.folded the searched string goes through, added to the vocabulary (in word
-- order, so concurrent injectors never wait on each other in a cycle) and stored as hashes, which
-- need no lookup. A message that already has its words keeps them.
create or replace function mail.message_words_add(p_ids bigint[], p_body text[], p_header text[])
returns void language sql as $$
  with f as (
    select i.id, string_to_array(mail.folded(coalesce(i.body, '')), ' ') as body,
           string_to_array(mail.folded(coalesce(i.header, '')), ' ') as header
      from unnest(p_ids, p_body, p_header) i(id, body, header)
     where i.id is not null
  ), vocabulary as (
    insert into mail.search_words (word, hash)
      select d.w, hashtextextended(d.w, 0)
        from (select distinct w collate "C" as w from f, unnest(f.body || f.header) w
               where w <> '' and octet_length(w) <= 200) d
       order by d.w
    on conflict (word) do nothing
  )
  insert into mail.message_words (message, body_words, header_words, long_body, long_header)
    select f.id, mail.search_words_hashes(f.body), mail.search_words_hashes(f.header),
           array(select distinct w from unnest(f.body) w where octet_length(w) > 200),
           array(select distinct w from unnest(f.header) w where octet_length(w) > 200)
      from f
  on conflict (message) do nothing
$$;

-- Whether one of the (long, unhashed) words contains p_needle.
create or replace function mail.search_words_contain(p_words text[], p_needle text) returns boolean
language sql immutable parallel safe as $$
  select exists (select 1 from unnest(p_words) t where strpos(t, p_needle) > 0)
$$;

-- The messages of mailbox p_mailbox that have a word hashed in p_hashes in their body (p_field
-- 'body') or anywhere ('text'), or a word too long for the vocabulary that contains p_needle.
-- A function of its own, so that the way in is chosen by the mailbox's size rather than by the
-- planner, which cannot see that the arrays are read from TOAST:
-- - a mailbox with a fiftieth of all messages or more: the GIN indexes find the messages of every
--   mailbox, and the caller's join keeps this one's (a word in a sixth of the mail costs a sixth
--   of the narrow index entries, and no text);
-- - a smaller one: each of its messages' words is checked, which costs less than the global
--   matches of a common word in a large installation.
create or replace function mail.messages_with_words(p_mailbox int, p_hashes bigint[], p_field text, p_needle text)
returns setof bigint language plpgsql stable
set enable_seqscan = off set work_mem = '64MB' as $$
declare
  v_all real := (select c.reltuples from pg_catalog.pg_class c where c.oid = 'mail.message_words'::regclass);
  v_here int := (select b.messages from mail.mailboxes b where b.id = p_mailbox);
  v_text boolean := p_field = 'text';
begin
  if v_all > 0 and coalesce(v_here, 0) * 50 < v_all then
    return query
      select mm.message from mail.mailbox_messages mm
       where mm.mailbox = p_mailbox
         and (select w.body_words && p_hashes or (v_text and w.header_words && p_hashes)
                     or mail.search_words_contain(case when v_text then w.long_body || w.long_header
                                                       else w.long_body end, p_needle)
                from mail.message_words w where w.message = mm.message);
    return;
  end if;
  if v_text then
    return query
      select w.message from mail.message_words w where w.body_words && p_hashes or w.header_words && p_hashes;
  else
    return query select w.message from mail.message_words w where w.body_words && p_hashes;
  end if;
  return query
    select w.message from mail.message_words w
     where (w.long_body <> '{}' or w.long_header <> '{}')
       and mail.search_words_contain(case when v_text then w.long_body || w.long_header
                                          else w.long_body end, p_needle);
end $$;

-- The share of messages with one of the words hashed in p_hashes (in their body, or anywhere for
-- p_field 'text'), from the column statistics: ANALYZE keeps the frequencies of about a thousand
-- most common words; a word not among them counts as rare (0).
create or replace function mail.search_words_share(p_field text, p_hashes bigint[]) returns real
language sql stable as $$
  select coalesce(sum(e.f), 0)::real
    from pg_catalog.pg_stats s,
         lateral unnest(case when s.attname in ('body_words', 'header_words') then s.most_common_elems::text::bigint[] end,
                        s.most_common_elem_freqs) e(v, f)
   where s.schemaname = 'mail' and s.tablename = 'message_words'
     and s.attname in ('body_words', 'header_words') and (p_field = 'text' or s.attname = 'body_words')
     and e.v = any(p_hashes)
$$;

-- The condition "mm's message has one of the words hashed in p_hashes" (or a long word containing
-- p_needle) for SEARCH TEXT/BODY, in the form that suits how common the words are (p_share, from
-- mail.search_words_share). For a common word the planner would take the function's answer as
-- about 200 rows and look each up in mailbox_messages (170,000 index probes for "people" on
-- 1,000,000 messages): wrapped in coalesce, the IN stays a hashed subplan, so the mailbox's rows
-- are read once and checked against the answer. For a rare word the lookups are the cheaper way,
-- and the plain IN lets the planner take them.
create or replace function mail.search_words_in(p_field text, p_hashes bigint[], p_needle text, p_share real) returns text
language sql immutable as $$
  -- $1 is the mailbox in every statement a search condition goes into (mail.search_source_sql)
  select format(case when p_share >= 0.02
                     then '(coalesce(mm.message in (select mail.messages_with_words($1, %L::bigint[], %L, %L)), false))'
                     else '(mm.message in (select mail.messages_with_words($1, %L::bigint[], %L, %L)))' end,
                p_hashes, p_field, p_needle)
$$;

-- The vocabulary words LIKE p_pattern (case-folded, escaped), or null when there are more than
-- 10,000 (a lookup of that many would cost more than it saves).
create or replace function mail.search_words_like(p_pattern text) returns text[]
language sql stable as $$
  select case when count(*) <= 10000 then coalesce(array_agg(v.word), '{}') end
    from (select w.word from mail.search_words w where w.word like (p_pattern collate "C") limit 10001) v
$$;

-- SEARCH TEXT/BODY through the word index (p_field 'text' or 'body'), as a condition over mm (and
-- msg), or null when the index cannot help and the folded text alone must decide. p_scan is that
-- condition on the text (mail.search_sql).
--
-- A string without separators (a "word", at least 3 characters) is answered from the index alone,
-- exactly. It falls back to p_scan when it is in more than 10,000 distinct words, or when a word
-- that does not contain it has the same 64-bit hash as one that does (with a million words, about
-- one search in ten million million).
--
-- A string with separators ("hotmail.com", "john smith") can only match where each of its words
-- is a word of the text: the inner ones whole, the first one as a word's end, the last one as a
-- word's start (as its start or end too when the string begins or ends with a separator). Those
-- words narrow the messages through the index; p_scan decides on the text of what is left. A word
-- of the string that cannot narrow much (an end of under 3 characters, one matching over 10,000
-- words, or one in 2% of the mail or more) is left out; with none left, p_scan alone decides.
--
-- Either way the index is used only while hashtextextended is the function it was built with (a
-- big-endian server hashes differently, and a dump restored there keeps the old hashes).
create or replace function mail.search_words_sql(p_field text, p_value text, p_scan text) returns text
language plpgsql stable as $$
declare
  v_needle text := mail.folded(p_value);
  v_pattern text := mail.substring_pattern(p_value);
  v_parts text[];
  v_part text;
  v_n int;
  v_words text[];
  v_hashes bigint[];
  v_conds text[] := '{}';
  v_escaped text;
  v_share real;
begin
  if hashtextextended('aox', 0) <> -2376155187684011370 then
    return null;
  end if;
  if v_needle !~ mail.search_word_separators() then
    if char_length(v_needle) < 3 then
      return null;
    end if;
    v_words := mail.search_words_like(v_pattern);
    if v_words is null then
      return null;
    end if;
    v_hashes := mail.search_words_hashes(v_words);
    if exists (select 1 from mail.search_words w
                where w.hash = any(v_hashes) and not w.word like (v_pattern collate "C")) then
      return null;
    end if;
    return mail.search_words_in(p_field, v_hashes, v_needle, mail.search_words_share(p_field, v_hashes));
  end if;

  -- the words of the string; an empty first or last part means it begins or ends with a separator
  v_parts := regexp_split_to_array(v_needle, mail.search_word_separators() || '+');
  v_n := cardinality(v_parts);
  for i in 1 .. v_n loop
    v_part := v_parts[i];
    continue when v_part = '' or octet_length(v_part) > 200;
    v_escaped := mail.like_escape(v_part);
    if i > 1 and i < v_n then
      v_words := array(select w.word from mail.search_words w where w.word = (v_part collate "C"));
    elsif i > 1 and char_length(v_part) >= 3 then
      v_words := mail.search_words_like(v_escaped || '%');
    elsif char_length(v_part) >= 3 then
      v_words := mail.search_words_like('%' || v_escaped);
    else
      v_words := null;
    end if;
    continue when v_words is null;
    v_hashes := mail.search_words_hashes(v_words);
    v_share := mail.search_words_share(p_field, v_hashes);
    -- a common word hardly narrows, and finding its messages costs more than it saves
    continue when v_share >= 0.02;
    v_conds := v_conds || mail.search_words_in(p_field, v_hashes, v_part, v_share);
  end loop;
  if cardinality(v_conds) = 0 then
    return null;
  end if;
  return '(' || array_to_string(v_conds, ' and ') || ' and ' || p_scan || ')';
end $$;

-- Gives their words to messages stored without them: by a server of the previous version between
-- migration 0012 and these functions being applied (this file runs at every aox upgrade schema).
-- Finding none costs one anti-join.
create or replace function mail.message_words_repair() returns bigint
language plpgsql as $$
declare
  v_ids bigint[];
begin
  select array_agg(m.id) into v_ids from mail.messages m
   where not exists (select 1 from mail.message_words w where w.message = m.id);
  if v_ids is not null then
    perform mail.message_words_add(array_agg(m.id), array_agg(mail.search_words_split(m.body_text)),
                                   array_agg(mail.search_words_split(mail.headers_text(m.headers))))
       from mail.messages m where m.id = any(v_ids);
  end if;
  return coalesce(cardinality(v_ids), 0);
end $$;
select mail.message_words_repair();

-- A date comparison of a timestamp column with a calendar day (UTC), in index-friendly form.
create or replace function mail.search_date_sql(p_column text, p_op text, p_date text) returns text
language plpgsql immutable as $$
declare
  v_day text := quote_literal(p_date::date::text);
begin
  return case p_op
    when 'before' then format('%s < (%s::date::timestamp at time zone ''UTC'')', p_column, v_day)
    when 'on' then format('(%1$s >= (%2$s::date::timestamp at time zone ''UTC'') and %1$s < ((%2$s::date + 1)::timestamp at time zone ''UTC''))', p_column, v_day)
    when 'since' then format('%s >= (%s::date::timestamp at time zone ''UTC'')', p_column, v_day)
  end;
end $$;

-- The calendar day a message was sent on, in the sender's own time zone (RFC 3501 §6.4.4: SENT*
-- disregard time and timezone), read from the Date field as the envelope keeps it; falls back to
-- the UTC day of the parsed date, then of the internal date.
create or replace function mail.sent_day(p_envelope jsonb, p_sent timestamptz, p_internal timestamptz)
returns date language sql immutable parallel safe as $$
  select coalesce(
    (select make_date(y, m, d) from (
       select case when length(x[3]) = 4 then x[3]::int when x[3]::int < 50 then 2000 + x[3]::int
                   else 1900 + x[3]::int end as y,
              (position(lower(x[2]) in 'janfebmaraprmayjunjulaugsepoctnovdec') + 2) / 3 as m,
              x[1]::int as d
         from (select regexp_match(p_envelope->>0, '(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\s+(\d{4}|\d{2})\M') x) r
        where x is not null) v
      where case when m between 1 and 12 and y between 1 and 9999 and d between 1 and 31
                 then d <= extract(day from make_date(y, m, 1) + interval '1 month - 1 day') else false end),
    (p_sent at time zone 'UTC')::date,
    (p_internal at time zone 'UTC')::date)
$$;

-- The schema pg_trgm is installed in, or null without it (FUZZY then matches exactly).
create or replace function mail.trgm_schema() returns name
language sql stable as $$
  select n.nspname from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace
   where e.extname = 'pg_trgm'
$$;

-- How closely a message matches one fuzzy string key (RFC 6203), 0..1, as an SQL expression over mm
-- and msg: pg_trgm's word_similarity (the value against the best-matching extent of the field,
-- which decides whether it matches) or strict_word_similarity (against whole words, which ranks
-- "helo" nearer "hello" than "help").
create or replace function mail.search_similarity_sql(p_key jsonb, p_function text default 'word_similarity') returns text
language plpgsql stable as $$
declare
  v_value text := quote_literal(lower(p_key->>'value'));
  v_field text := case p_key->>'field'
    when 'subject' then 'coalesce(msg.subject, '''')'
    when 'from' then 'msg.from_text' when 'to' then 'msg.to_text' when 'cc' then 'msg.cc_text'
    when 'bcc' then 'msg.bcc_text'
    when 'body' then 'msg.body_text'
    else 'coalesce(msg.subject, '''') || '' '' || msg.body_text' end;
begin
  return format('%I.%I(%s, lower(%s))', mail.trgm_schema(), p_function, v_value, v_field);
end $$;

-- RELEVANCY (RFC 6203 §4, §6): a score 1-100 per message, the best similarity of the fuzzy string
-- keys of a search key; 100 when the fuzzy keys are not strings (they match exactly).
create or replace function mail.search_score_sql(p_key jsonb) returns text
language plpgsql stable as $$
declare
  v_parts text[];
begin
  with recursive walk(k) as (
    select p_key
    union all
    select c from walk, lateral (
      select walk.k->'key' where walk.k ? 'key'
      union all select walk.k->'left' where walk.k ? 'left'
      union all select walk.k->'right' where walk.k ? 'right'
      union all select e from jsonb_array_elements(case when jsonb_typeof(walk.k->'keys') = 'array'
                                                       then walk.k->'keys' else '[]'::jsonb end) e
    ) x(c)
  )
  select array_agg(mail.search_similarity_sql(k, 'strict_word_similarity')) into v_parts
    from walk where k->>'type' = 'string' and (k->>'fuzzy')::boolean;
  if v_parts is null or mail.trgm_schema() is null then
    return '100';
  end if;
  return format('greatest(1, least(100, round(100 * greatest(%s))))::int', array_to_string(v_parts, ', '));
end $$;

-- Compiles one search key (the JSON form of frontend/imap/types.ts SearchKey, with sequence
-- numbers and \Recent already turned into UID sets by the session) into a boolean SQL expression
-- over mm (mail.mailbox_messages) and msg (mail.messages). Leaves never yield NULL, so NOT is
-- plain negation. Values are quoted with format's %L; nothing from the client is spliced raw.
create or replace function mail.search_sql(p_key jsonb) returns text
language plpgsql stable as $$
declare
  v_type text := p_key->>'type';
  v_parts text[];
  v_pattern text;
  v_scan text;
  v_flag text;
begin
  case v_type
  when 'all', 'savedatesupported' then
    return 'true';
  when 'and' then
    select array_agg(mail.search_sql(k)) into v_parts from jsonb_array_elements(p_key->'keys') k;
    return '(' || coalesce(array_to_string(v_parts, ' and '), 'true') || ')';
  when 'or' then
    return '(' || mail.search_sql(p_key->'left') || ' or ' || mail.search_sql(p_key->'right') || ')';
  when 'not' then
    return '(not ' || mail.search_sql(p_key->'key') || ')';
  when 'fuzzy' then
    return mail.search_sql(p_key->'key');
  when 'uids' then
    return format('(mm.uid <@ %L::int4multirange)', p_key->>'set');
  when 'flag' then
    v_flag := lower(p_key->>'flag');
    return case v_flag
      when '\seen' then 'mm.seen' when '\answered' then 'mm.answered' when '\flagged' then 'mm.flagged'
      when '\deleted' then 'mm.deleted' when '\draft' then 'mm.draft'
      else format('exists (select 1 from unnest(mm.keywords) k where lower(k) = %L)', v_flag)
    end;
  when 'string' then
    -- every text contains the empty string
    if coalesce(p_key->>'value', '') = '' then
      return 'true';
    end if;
    v_pattern := quote_literal(mail.substring_pattern(p_key->>'value'));
    -- TEXT and BODY: the text decides, unless the word index answers (or narrows) first
    v_scan := case p_key->>'field'
      when 'body' then format('(mail.folded(msg.body_text) like %s)', v_pattern)
      when 'text' then format('(mail.folded(msg.body_text) like %1$s or mail.folded(mail.headers_text(msg.headers)) like %1$s)', v_pattern)
    end;
    if (p_key->>'fuzzy')::boolean and mail.trgm_schema() is not null then
      -- FUZZY (RFC 6203 §3): the exact match, or a close one by trigram word similarity
      return format('(%s or %s >= 0.5)', mail.search_sql(p_key - 'fuzzy'), mail.search_similarity_sql(p_key));
    end if;
    return case p_key->>'field'
      -- the envelope's address lists, group names included (mail.address_search_text)
      when 'from' then format('(mail.folded(msg.from_text) like %s)', v_pattern)
      when 'to' then format('(mail.folded(msg.to_text) like %s)', v_pattern)
      when 'cc' then format('(mail.folded(msg.cc_text) like %s)', v_pattern)
      when 'bcc' then format('(mail.folded(msg.bcc_text) like %s)', v_pattern)
      -- (a message without a Subject field has a null subject, which contains nothing)
      when 'subject' then format('(msg.subject is not null and mail.folded(msg.subject) like %s)', v_pattern)
      -- the word index when it can answer or narrow; the folded text decides the rest, narrowed
      -- by the trigram indexes of aox tune database when there are any
      when 'body' then coalesce(mail.search_words_sql('body', p_key->>'value', v_scan), v_scan)
      when 'text' then coalesce(mail.search_words_sql('text', p_key->>'value', v_scan), v_scan)
    end;
  when 'header' then
    -- RFC 3501 §6.4.4: an empty string matches every message that has the field
    return format('exists (select 1 from jsonb_array_elements(msg.headers) h where lower(h->>0) = lower(%L) and mail.folded(coalesce(h->>1, '''')) like %L)',
                  p_key->>'field', mail.substring_pattern(p_key->>'value'));
  when 'internaldate' then
    return mail.search_date_sql('mm.internaldate', p_key->>'op', p_key->>'date');
  when 'sentdate' then
    -- the day is copied into the mailbox row (db/migrations/0007): no jsonb is read
    return format('(mm.sent_day %s %L::date)',
                  case p_key->>'op' when 'before' then '<' when 'on' then '=' else '>=' end, p_key->>'date');
  when 'savedate' then
    return mail.search_date_sql('mm.savedate', p_key->>'op', p_key->>'date');
  when 'size' then
    return format('(mm.size %s %s)', case when p_key->>'op' = 'larger' then '>' else '<' end,
                  (p_key->>'size')::bigint);
  when 'age' then
    return format('(mm.internaldate %s now() - make_interval(secs => %s))',
                  case when p_key->>'op' = 'older' then '<=' else '>=' end, (p_key->>'seconds')::bigint);
  when 'modseq' then
    return format('(mm.modseq >= %s)', (p_key->>'modseq')::numeric);
  when 'emailid' then
    if p_key->>'id' ~ '^M[0-9]{1,18}$' then
      return format('(mm.message = %s)', substr(p_key->>'id', 2)::bigint);
    end if;
    return 'false';
  when 'threadid' then
    if p_key->>'id' ~ '^T[0-9]{1,18}$' then
      return format('(coalesce(mm.thread_root, mm.message) = %s)', substr(p_key->>'id', 2)::bigint);
    end if;
    return 'false';
  else
    perform mail.fail('AXBAD', 'unknown search key ' || coalesce(v_type, '(none)'));
  end case;
  return 'false';
end $$;

-- SEARCH (RFC 3501 §6.4.4, RFC 4731, RFC 7162 §3.1.5, RFC 5032, RFC 8514): evaluates a search key
-- in one statement and returns the matching UIDs as one text of runs ("1:3,5,9:12", '' for none)
-- with the highest modseq among them (null for none). One row, however many messages match: a
-- row per run cost the frontend 0.7 s for a word in 177,580 of 1,000,000 messages (146,178 runs).
-- work_mem 32 MB: a match of a sixth of 1,000,000 messages is 170,000 rows to sort and group into
-- runs, which spilled to disk at the default 4 MB.
do $$
begin
  -- it returned a row per run before; create or replace cannot change a function's result type
  if exists (select 1 from pg_catalog.pg_proc p
              where p.oid = to_regprocedure('api.messages_search(int, int, jsonb)')
                and not 'uids' = any(p.proargnames)) then
    drop function api.messages_search(int, int, jsonb);
  end if;
end $$;

create or replace function api.messages_search(p_user int, p_mailbox int, p_key jsonb)
returns table (uids text, modseq bigint)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp set work_mem = '32MB' as $$
declare
  v_cond text;
begin
  perform mail.require_right(p_user, p_mailbox, 'r');
  v_cond := mail.search_sql(p_key);
  -- one pass in UID order: a run starts where the previous UID is not one less, ends where the
  -- next is not one more; only those rows write anything (",lo" and ":hi")
  return query execute format(
    'select coalesce(substr(string_agg(r.piece, '''' order by r.uid), 2), ''''), max(r.modseq)
       from (select mm.uid, mm.modseq,
                    case when mm.uid - 1 is distinct from lag(mm.uid) over w then '','' || mm.uid
                         when mm.uid + 1 is distinct from lead(mm.uid) over w then '':'' || mm.uid end as piece
               from %s
             window w as (order by mm.uid)) r',
    mail.search_source_sql(v_cond, false)) using p_mailbox;
end $$;
comment on function api.messages_search(int, int, jsonb) is
  'SEARCH evaluation (RFC 3501 §6.4.4, RFC 4731 ESEARCH, RFC 7162 MODSEQ, RFC 5032 WITHIN, RFC 8514 SAVEDATE): matching UIDs as one text of runs ("1:3,5") and their highest modseq.';

-- RELEVANCY scores (RFC 6203 §4) of the messages in p_uids that match a search key with FUZZY,
-- in UID order.
create or replace function api.messages_relevancy(p_user int, p_mailbox int, p_uids int4multirange, p_key jsonb)
returns table (uid int, score int)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform mail.require_right(p_user, p_mailbox, 'r');
  return query execute format(
    'select mm.uid, %s from mail.mailbox_messages mm join mail.messages msg on msg.id = mm.message
      where mm.mailbox = $1 and mail.uid_in(mm.uid, $2) and %s order by mm.uid',
    mail.search_score_sql(p_key), mail.search_sql(p_key)) using p_mailbox, p_uids;
end $$;
comment on function api.messages_relevancy(int, int, int4multirange, jsonb) is
  'SEARCH=FUZZY (RFC 6203 §4): relevancy scores 1-100 of the matching messages among p_uids, by pg_trgm word similarity.';

-- The FROM/WHERE part of a search statement over mm (and msg when the condition needs it), for
-- the mailbox $1 and, when p_within, only the UIDs of the multirange $2 (one index range scan over
-- its span, mail.uid_in).
create or replace function mail.search_source_sql(p_cond text, p_within boolean) returns text
language sql immutable as $$
  select 'mail.mailbox_messages mm'
         || case when position('msg.' in p_cond) > 0 then ' join mail.messages msg on msg.id = mm.message' else '' end
         || ' where mm.mailbox = $1'
         || case when p_within then ' and mail.uid_in(mm.uid, $2)' else '' end
         || ' and ' || p_cond
$$;

-- A page of a SEARCH result (RFC 9394 §3.1 PARTIAL), or the part of it among some UIDs (RFC 5267
-- §4.3 CONTEXT=SEARCH updates re-evaluate only the messages that changed): the matching UIDs of
-- p_uids (null: the whole mailbox) as runs with their highest modseq. p_first and p_last are
-- 1-based positions in the result in UID order, both positive (counted from the lowest UID) or
-- both negative (-1 is the highest), |p_first| <= |p_last|; null for the whole result. The page is
-- cut by ORDER BY/OFFSET/LIMIT in the statement, so the page of a million-message result is a
-- short walk down the (mailbox, uid) index from the end it counts from, and only the page leaves
-- the database.
create or replace function api.messages_search_page(p_user int, p_mailbox int, p_key jsonb,
                                                    p_uids int4multirange, p_first int, p_last int)
returns table (lo int, hi int, modseq bigint)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_page text := '';
begin
  perform mail.require_right(p_user, p_mailbox, 'r');
  if (p_first is null) <> (p_last is null) or p_first = 0 or p_last = 0 or sign(p_first) <> sign(p_last)
     or abs(p_first) > abs(p_last) then
    perform mail.fail('AXBAD', 'invalid partial range');
  end if;
  if p_first is not null then
    v_page := format(' order by mm.uid %s offset %s limit %s',
                     case when p_first > 0 then 'asc' else 'desc' end,
                     abs(p_first) - 1, abs(p_last) - abs(p_first) + 1);
  end if;
  return query execute format(
    'select min(x.uid), max(x.uid), max(x.modseq) from (
       select p.uid, p.modseq, p.uid - row_number() over (order by p.uid) as grp
         from (select mm.uid, mm.modseq from %s%s) p) x
     group by x.grp order by 1',
    mail.search_source_sql(mail.search_sql(p_key), p_uids is not null), v_page) using p_mailbox, p_uids;
end $$;
comment on function api.messages_search_page(int, int, jsonb, int4multirange, int, int) is
  'SEARCH among some UIDs and/or one page of the result (RFC 9394 PARTIAL, RFC 5267 CONTEXT=SEARCH updates): matching UIDs as runs, cut in the statement.';

-- What ESEARCH reports of a whole result next to a PARTIAL page (RFC 4731 COUNT/MIN/MAX, RFC 7162
-- §3.1.5 MODSEQ): the number of matching messages of p_uids (null: all), the lowest and highest
-- matching UID and the highest modseq, in one aggregate without shipping the result.
create or replace function api.messages_search_summary(p_user int, p_mailbox int, p_key jsonb, p_uids int4multirange)
returns table (total bigint, min_uid int, max_uid int, modseq bigint)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
begin
  perform mail.require_right(p_user, p_mailbox, 'r');
  return query execute format('select count(*), min(mm.uid), max(mm.uid), max(mm.modseq) from %s',
    mail.search_source_sql(mail.search_sql(p_key), p_uids is not null)) using p_mailbox, p_uids;
end $$;
comment on function api.messages_search_summary(int, int, jsonb, int4multirange) is
  'COUNT, MIN, MAX and highest MODSEQ of a SEARCH result (RFC 4731, RFC 7162 §3.1.5) without returning it, for PARTIAL (RFC 9394).';
