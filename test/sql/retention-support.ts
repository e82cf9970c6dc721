// Shared setup of the retention-*.test.ts files: users, mailboxes and messages made directly as
// the owner role, with a hand-made parsed view, so these SQL tests do not depend on the parser.
import type pg from 'pg';

export async function makeUser(admin: pg.Pool, login: string): Promise<number> {
  const r = await admin.query<{ id: number }>(
    `insert into mail.users (login, secret) values ($1, 'SCRAM-SHA-256$4096:AAAA$AAAA:AAAA') returning id`, [login]);
  return r.rows[0].id;
}

export async function makeMailbox(admin: pg.Pool, user: number, name: string): Promise<number> {
  const r = await admin.query<{ id: number }>('select mail.create_mailbox($1, $2, null) as id', [user, name]);
  return r.rows[0].id;
}

/** A parsed view with the keys mail.inject reads, enough for search and display. */
export function fakeMeta(raw: Buffer, o: { subject?: string; from?: string; body?: string; problems?: string[] } = {}): object {
  const headerEnd = raw.indexOf('\n\n');
  return {
    headerSize: headerEnd < 0 ? raw.length : headerEnd + 2,
    envelope: [null, o.subject ?? null], body: ['text', 'plain'], bodystructure: ['text', 'plain'],
    parts: [], headers: [['Subject', o.subject ?? '']], subject: o.subject ?? null,
    baseSubject: (o.subject ?? '').toLowerCase(), fromText: o.from ?? '', toText: '', ccText: '',
    bccText: '', sortFrom: '', sortTo: '', sortCc: '', displayFrom: '', displayTo: '', sentDate: null,
    messageId: null, inReplyTo: [], references: [], bodyText: o.body ?? o.subject ?? '', problems: o.problems ?? [],
  };
}

export interface TestMessage {
  subject: string;
  from?: string;
  date?: Date;
  flags?: string[];
  body?: string;
  problems?: string[];
}

export function rawOf(m: TestMessage): Buffer {
  return Buffer.from(`From: ${m.from ?? 'someone@example.org'}\nSubject: ${m.subject}\n\n${m.body ?? m.subject}\n`);
}

/** Imports messages into a mailbox through admin.messages_import; returns their UIDs. */
export async function addMessages(admin: pg.Pool, mailbox: number, msgs: TestMessage[]): Promise<number[]> {
  const raws = msgs.map(rawOf);
  const r = await admin.query<{ idx: number; uid: number }>(
    'select * from admin.messages_import($1, $2, $3::jsonb[], $4::jsonb, $5, $6)',
    [mailbox, raws, msgs.map((m, i) => JSON.stringify(fakeMeta(raws[i], m))),
     JSON.stringify(msgs.map((m) => m.flags ?? [])),
     msgs.map((m) => m.date ?? new Date('2020-01-01T00:00:00Z')), msgs.map(() => 1)]);
  return r.rows.map((x) => x.uid);
}

export const DAY = 86_400_000;

export function daysAgo(n: number): Date {
  return new Date(Date.now() - n * DAY);
}

/** Expunges UIDs as a client would (STORE \Deleted + EXPUNGE through the api functions' core). */
export async function expunge(admin: pg.Pool, mailbox: number, uids: number[], reason = 'expunged'): Promise<void> {
  const set = '{' + uids.map((u) => `[${u},${u + 1})`).join(',') + '}';
  await admin.query('select mail.expunge_rows(null, $1, $2::int4multirange, false, $3)', [mailbox, set, reason]);
}

export async function count(admin: pg.Pool, sql: string, params: unknown[] = []): Promise<number> {
  const r = await admin.query<{ n: string }>(`select (${sql})::text as n`, params);
  return Number(r.rows[0].n);
}
