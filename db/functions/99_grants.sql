-- Privileges, applied last after every migrate; re-runnable. The frontend's login role (db-user,
-- "aox" by default; set as aox.frontend_role by the installer) may only execute api.* functions:
-- no table, no sequence, no admin.* or mail.* function.
do $$
declare
  v_role text := coalesce(nullif(current_setting('aox.frontend_role', true), ''), 'aox');
begin
  revoke all on schema mail, api, admin from public;
  revoke all on all functions in schema mail, api, admin from public;
  revoke all on all tables in schema mail from public;
  alter default privileges in schema mail, api, admin revoke execute on functions from public;
  if exists (select 1 from pg_roles where rolname = v_role) then
    execute format('revoke all on schema mail, admin from %I', v_role);
    execute format('grant usage on schema api to %I', v_role);
    execute format('grant execute on all functions in schema api to %I', v_role);
  end if;
end $$;
