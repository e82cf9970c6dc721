// Test users, made the way the installer's admin functions would: a SCRAM verifier and INBOX.
// Written with the owner role directly so tests of the frontend do not depend on the CLI.
import type pg from 'pg';
import { makeVerifier } from '../../frontend/auth/scram.ts';

export interface TestUser {
  id: number;
  login: string;
  password: string;
  inbox: number;
}

export async function createUser(owner: pg.Pool, login: string, password = 'secret',
                                 address = `${login}@example.com`, mailboxes: string[] = []): Promise<TestUser> {
  const { rows: [u] } = await owner.query<{ id: number }>(
    'insert into mail.users (login, secret) values ($1, $2) returning id', [login, makeVerifier(password, 1024)]);
  const [local, domain] = address.split('@');
  const { rows: [a] } = await owner.query<{ id: number }>(
    'insert into mail.addresses (localpart, domain) values ($1, $2) returning id', [local, domain]);
  await owner.query('insert into mail.user_addresses (usr, address, primary_address) values ($1, $2, true)', [u.id, a.id]);
  const { rows: [b] } = await owner.query<{ id: number }>('select mail.create_mailbox($1, $2, null) as id', [u.id, 'INBOX']);
  for (const m of mailboxes) await owner.query('select mail.create_mailbox($1, $2, null)', [u.id, m]);
  return { id: u.id, login, password, inbox: b.id };
}
