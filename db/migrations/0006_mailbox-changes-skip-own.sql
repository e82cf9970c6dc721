-- Up Migration

-- api.mailbox_changes gains p_skip_modseqs (the modseqs of the session's own statements, whose
-- rows it has reported itself): after a STORE 1:* on a million messages the session no longer
-- reads a million rows back only to skip them. The new signature is created by
-- db/functions/30_mailboxes.sql; the three-argument one would make calls ambiguous.
drop function if exists api.mailbox_changes(int, int, bigint);

-- Down Migration
-- (the function files of the older revision create the three-argument form again)
