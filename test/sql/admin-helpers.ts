// Shared by the admin-*.test.ts files: AX error matching and users made through admin.user_create.
import assert from 'node:assert/strict';
import type pg from 'pg';
import { makeVerifier } from '../../frontend/auth/scram.ts';

/** Asserts that a call fails with the given SQLSTATE and a message matching `text`. */
export async function rejectsWith(p: Promise<unknown>, state: string, text?: RegExp): Promise<void> {
  await assert.rejects(p, (e: Error & { code?: string }) => {
    assert.equal(e.code, state, `expected ${state}, got ${e.code}: ${e.message}`);
    if (text) assert.match(e.message, text);
    return true;
  });
}

/** A verifier with few iterations: these tests check storage, not key stretching. */
export const verifier = (password = 'secret') => makeVerifier(password, 1024);

export async function addUser(db: pg.Pool, login: string, address = `${login}@example.com`): Promise<number> {
  const r = await db.query<{ id: number }>('select admin.user_create($1, $2, $3) as id', [login, verifier(), address]);
  return r.rows[0].id;
}

export async function mailboxId(db: pg.Pool, login: string, name: string): Promise<number> {
  const r = await db.query<{ id: number }>(
    `select b.id from mail.mailboxes b join mail.users u on u.id = b.owner
      where lower(u.login) = lower($1) and b.name = $2 and b.deleted_at is null`, [login, name]);
  assert.equal(r.rowCount, 1, `mailbox ${login}/${name}`);
  return r.rows[0].id;
}
