-- Up Migration

-- Message bytes are stored out of line without compression (STORAGE EXTERNAL; new rows only,
-- existing ones keep their form). PostgreSQL's pglz is the only compression these builds have:
-- on large messages, which are mostly base64 attachments of already compressed data (images,
-- PDF, archives), it works through ~80% of the value before giving up below its 25% savings
-- threshold, and that wasted effort was the largest single cost of storing mail (aox import of
-- the benchmark data: 137 MB of such messages saved 0.5% at several seconds of CPU). Plain mail
-- does compress (about 45%), so this costs disk: about 10% more in total on the benchmark data.
-- In return, reading a part of a message (BODY[HEADER], BODY[]<partial>, POP3 TOP/RETR in
-- pieces) fetches only the TOAST chunks it needs instead of decompressing the whole value.
alter table mail.messages alter column raw set storage external;

-- Down Migration
alter table mail.messages alter column raw set storage extended;
