-- Password verification for IMAP, POP3 and the CLI. Only SCRAM-SHA-256 verifiers are stored
-- (RFC 5802/7677); the expensive PBKDF2 step runs in the frontend, the comparison here.

create or replace function mail.scram_verifier(p_secret text,
  out iterations int, out salt bytea, out stored_key bytea, out server_key bytea)
language sql immutable as $$
  select split_part(split_part(p_secret, '$', 2), ':', 1)::int,
         decode(split_part(split_part(p_secret, '$', 2), ':', 2), 'base64'),
         decode(split_part(split_part(p_secret, '$', 3), ':', 1), 'base64'),
         decode(split_part(split_part(p_secret, '$', 3), ':', 2), 'base64')
$$;

-- The salt and iteration count the client (SCRAM) or the frontend (PLAIN, LOGIN) needs to derive
-- keys. An unknown login gets a stable fake salt, so replies do not reveal which logins exist.
create or replace function api.auth_challenge(p_login text)
returns table (iterations int, salt bytea)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_secret text;
begin
  select u.secret into v_secret from mail.users u where lower(u.login) = lower(p_login);
  if v_secret is not null then
    return query select v.iterations, v.salt from mail.scram_verifier(v_secret) v;
  else
    return query select 4096, substring(public.hmac(convert_to(lower(p_login), 'UTF8'),
                    convert_to((select value from mail.settings where name = 'fake-salt-secret'), 'UTF8'),
                    'sha256') for 16);
  end if;
end $$;
comment on function api.auth_challenge(text) is
  'Salt and iteration count for a login (RFC 5802 §5.1 server-first-message); fake but stable for unknown logins.';

-- PLAIN/LOGIN/USER+PASS: the frontend derived StoredKey = H(HMAC(PBKDF2(password), "Client Key"));
-- it matches the verifier only if the password was right. Returns the user id, or raises AXAUT.
create or replace function api.auth_plain(p_login text, p_stored_key bytea)
returns table (usr int, login text)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_id int;
  v_login text;
  v_secret text;
begin
  select u.id, u.login, u.secret into v_id, v_login, v_secret from mail.users u where lower(u.login) = lower(p_login);
  if v_id is null or (mail.scram_verifier(v_secret)).stored_key is distinct from p_stored_key then
    perform mail.fail('AXAUT', 'authentication failed');
  end if;
  return query select v_id, v_login;
end $$;
comment on function api.auth_plain(text, bytea) is
  'Verifies a password-derived SCRAM StoredKey (RFC 4616 PLAIN, LOGIN, POP3 USER/PASS); returns the user or raises AXAUT.';

-- SCRAM-SHA-256 client-final-message check (RFC 5802 §3): ClientKey = ClientProof XOR
-- HMAC(StoredKey, AuthMessage) must hash to StoredKey. Returns the ServerSignature for the
-- server-final-message, or raises AXAUT.
create or replace function api.auth_scram(p_login text, p_auth_message text, p_client_proof bytea)
returns table (usr int, login text, server_signature bytea)
language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_id int;
  v_login text;
  v_stored bytea;
  v_server bytea;
  v_client_key bytea;
begin
  select u.id, u.login, (mail.scram_verifier(u.secret)).stored_key, (mail.scram_verifier(u.secret)).server_key
    into v_id, v_login, v_stored, v_server
    from mail.users u where lower(u.login) = lower(p_login);
  if v_id is not null then
    v_client_key := mail.bytea_xor(p_client_proof,
                      public.hmac(convert_to(p_auth_message, 'UTF8'), v_stored, 'sha256'));
  end if;
  if v_id is null or v_client_key is null
     or public.digest(v_client_key, 'sha256') is distinct from v_stored then
    perform mail.fail('AXAUT', 'authentication failed');
  end if;
  return query select v_id, v_login, public.hmac(convert_to(p_auth_message, 'UTF8'), v_server, 'sha256');
end $$;
comment on function api.auth_scram(text, text, bytea) is
  'Verifies a SCRAM-SHA-256 ClientProof (RFC 5802 §3, RFC 7677); returns the user and the ServerSignature or raises AXAUT.';
