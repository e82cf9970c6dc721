-- Up Migration

-- Retention policies as in Archiveopteryx: "aox retain messages forever …" (a retain policy
-- without an end: duration_days null) and policies limited to messages matching a search
-- (selector: the JSON of tools/lib/search-terms.ts, evaluated by mail.selector_match).
alter table mail.retention_policies alter column duration_days drop not null;
alter table mail.retention_policies drop constraint retention_policies_duration_days_check;
alter table mail.retention_policies add constraint retention_policies_duration_check
  check (duration_days > 0 or (duration_days is null and action = 'retain'));
-- one policy per action, scope and search, as retention_policies_scope is for unconditional ones
create unique index retention_policies_selector_scope
  on mail.retention_policies (action, coalesce(mailbox, 0), selector) where selector is not null;

-- replaced by functions with other signatures (db/functions/70_retention.sql)
drop function if exists admin.retention_set(text, int, text, text);
drop function if exists admin.retention_list();
drop function if exists mail.retention_thresholds();
drop function if exists mail.undelete_match(jsonb, mail.deleted_messages, mail.messages);

-- Down Migration
drop index mail.retention_policies_selector_scope;
delete from mail.retention_policies where duration_days is null or selector is not null;
alter table mail.retention_policies drop constraint retention_policies_duration_check;
alter table mail.retention_policies add constraint retention_policies_duration_days_check check (duration_days > 0);
alter table mail.retention_policies alter column duration_days set not null;
