-- What the frontend may know about the schema itself.

-- The newest migration applied, so the server can refuse to start on a schema it does not match.
create or replace function api.schema_revision() returns text
language sql stable security definer set search_path = pg_catalog, pg_temp as $$
  select name from public.pgmigrations order by run_on desc, id desc limit 1
$$;
comment on function api.schema_revision() is
  'The newest applied migration (db/migrations file name without .sql); the server compares it with its own.';
