// Loads the data set into aox, by the first of these that exists, so the "import" row measures
// what an administrator gets:
//  1. the `aox import` command (tools/aox/import.ts) as a child process, start-up included, the way
//     tools/bench/import.ts runs it (tools/aox.ts);
//  2. aox's import pipeline in this process (tools/import: readMbox → runImport → PgImportStore),
//     loaded at run time and checked for the functions used, because it is written in parallel;
//  3. the same work done here: frontend/mime parseMessage + message-meta, stored in batches by
//     admin.messages_import (or, on a schema without it, api.message_inject).
// A path that fails before storing anything falls through to the next. Every path stores the
// mbox's bytes as they are (LF line ends), as Dovecot's import does.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parseMessage } from '../../frontend/mime/parse.ts';
import { messageMeta } from '../../frontend/db/message-meta.ts';
import { readMbox } from './mbox.ts';

export interface LoadOptions {
  owner: pg.ClientConfig;
  frontend: pg.ClientConfig;
  userId: number;
  login: string;
  mailboxId: number;
  mbox: string;
  /** a directory for the CLI's (absent) configuration file */
  dir: string;
  log: (line: string) => void;
}

export interface LoadResult {
  messages: number;
  method: string;
  /** why the preferred path was not used, if it was not */
  fallback?: string;
}

interface Batch {
  raws: Buffer[];
  metas: string[];
  dates: string[];
}

const BATCH_MESSAGES = 200;
const BATCH_BYTES = 8 * 1024 * 1024;

async function hasFunction(c: pg.ClientBase, name: string): Promise<boolean> {
  const r = await c.query(`select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                            where n.nspname || '.' || p.proname = $1`, [name]);
  return (r.rowCount ?? 0) > 0;
}

async function mailboxCount(c: pg.ClientBase, mailbox: number): Promise<number> {
  const r = await c.query<{ n: string }>('select count(*) as n from mail.mailbox_messages where mailbox = $1', [mailbox]);
  return Number(r.rows[0].n);
}

// ---- aox's import pipeline (tools/import), typed only as far as this file uses it -------------

interface ImportCounts { imported: number; skipped: number }
interface PipelineModules {
  runImport: (sources: AsyncIterable<unknown>, run: { store: unknown; events?: { progress?: (c: ImportCounts) => void } }) => Promise<ImportCounts>;
  readMbox: (file: string) => AsyncIterable<unknown>;
  PgImportStore: new (writer: pg.ClientBase, reader: pg.ClientBase, mailbox: number) => unknown;
}

const IMPORT_DIR = fileURLToPath(new URL('../import/', import.meta.url));

async function pipeline(): Promise<PipelineModules | string> {
  const files = ['importer.ts', 'mbox.ts', 'store.ts'];
  for (const f of files) if (!existsSync(IMPORT_DIR + f)) return `tools/import/${f} does not exist`;
  try {
    const [importer, mbox, store] = await Promise.all(files.map((f) => import(IMPORT_DIR + f) as Promise<Record<string, unknown>>));
    if (typeof importer.runImport !== 'function') return 'tools/import/importer.ts exports no runImport';
    if (typeof mbox.readMbox !== 'function') return 'tools/import/mbox.ts exports no readMbox';
    if (typeof store.PgImportStore !== 'function') return 'tools/import/store.ts exports no PgImportStore';
    return {
      runImport: importer.runImport as PipelineModules['runImport'],
      readMbox: mbox.readMbox as PipelineModules['readMbox'],
      PgImportStore: store.PgImportStore as PipelineModules['PgImportStore'],
    };
  } catch (e) {
    return `tools/import did not load: ${e instanceof Error ? e.message : String(e)}`;
  }
}

async function loadWithPipeline(p: PipelineModules, o: LoadOptions): Promise<LoadResult> {
  const writer = new pg.Client(o.owner);
  const reader = new pg.Client(o.owner);
  await writer.connect();
  await reader.connect();
  try {
    let last = performance.now();
    const counts = await p.runImport(p.readMbox(o.mbox), {
      store: new p.PgImportStore(writer, reader, o.mailboxId),
      events: {
        progress: (c) => {
          if (performance.now() - last < 15_000) return;
          last = performance.now();
          o.log(`  aox: ${c.imported} messages stored`);
        },
      },
    });
    if (counts.skipped > 0) o.log(`  aox import skipped ${counts.skipped} messages`);
    return { messages: counts.imported, method: 'aox import pipeline (tools/import: readMbox → runImport → PgImportStore)' };
  } finally {
    await writer.end().catch(() => undefined);
    await reader.end().catch(() => undefined);
  }
}

// ---- the fallback: the same steps, done here ---------------------------------------------------

function* batches(mbox: string): Generator<Batch> {
  let b: Batch = { raws: [], metas: [], dates: [] };
  let bytes = 0;
  for (const m of readMbox(mbox)) {
    b.raws.push(m.raw);
    b.metas.push(JSON.stringify(messageMeta(parseMessage(m.raw))));
    b.dates.push((m.date ?? new Date(0)).toISOString());
    bytes += m.raw.length;
    if (b.raws.length >= BATCH_MESSAGES || bytes >= BATCH_BYTES) {
      yield b;
      b = { raws: [], metas: [], dates: [] };
      bytes = 0;
    }
  }
  if (b.raws.length > 0) yield b;
}

async function loadWithSql(o: LoadOptions): Promise<LoadResult> {
  const owner = new pg.Client(o.owner);
  const frontend = new pg.Client(o.frontend);
  await owner.connect();
  await frontend.connect();
  try {
    const viaImport = await hasFunction(owner, 'admin.messages_import');
    const store = (b: Batch): Promise<unknown> => viaImport
      ? owner.query('select * from admin.messages_import($1, $2, $3::jsonb[], $4::jsonb, $5::timestamptz[], $6::int[])',
          [o.mailboxId, b.raws, b.metas, JSON.stringify(b.raws.map(() => [])), b.dates, b.raws.map(() => 1)])
      : frontend.query('select * from api.message_inject($1, $2, $3::jsonb[], $4::jsonb, false)',
          [o.userId, b.raws, b.metas, JSON.stringify(b.raws.map((_, i) => ({ m: i + 1, b: o.mailboxId, f: [], d: b.dates[i] })))]);
    let messages = 0;
    let inFlight: Promise<unknown> | null = null;
    let lastLog = performance.now();
    for (const b of batches(o.mbox)) {
      if (inFlight) await inFlight;
      inFlight = store(b);
      // a rejection must not count as unhandled while the next batch is parsed; it is awaited above
      inFlight.catch(() => undefined);
      messages += b.raws.length;
      if (performance.now() - lastLog > 15_000) {
        o.log(`  aox: ${messages} messages stored`);
        lastLog = performance.now();
      }
    }
    if (inFlight) await inFlight;
    const fn = viaImport ? 'admin.messages_import' : 'api.message_inject';
    return { messages, method: `parseMessage + ${fn}, batches of ≤${BATCH_MESSAGES} (bench fallback)` };
  } finally {
    await owner.end().catch(() => undefined);
    await frontend.end().catch(() => undefined);
  }
}

// ---- the aox import command ----------------------------------------------------------------------

const CLI_COMMAND = fileURLToPath(new URL('../aox/import.ts', import.meta.url));
const CLI_RUNNERS = [fileURLToPath(new URL('../aox.ts', import.meta.url))];
const CLI_TIMEOUT_MS = 12 * 3600_000;

function runCli(runner: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), runner, ...args],
      { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
    child.on('error', (e) => { clearTimeout(timer); resolve({ code: 127, stderr: e.message }); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, stderr }); });
  });
}

/** The environment an `aox` child process gets: no configuration file (everything comes from the
 * environment), the run's database. */
function cliEnv(o: Pick<LoadOptions, 'owner' | 'frontend' | 'dir'>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AOX_') && !k.startsWith('PG')) env[k] = v;
  Object.assign(env, {
    AOX_CONFIG: join(o.dir, 'none.conf'),
    AOX_DB_ADDRESS: String(o.owner.host), AOX_DB_PORT: String(o.owner.port), AOX_DB_NAME: String(o.owner.database),
    AOX_DB_USER: String(o.frontend.user), AOX_DB_PASSWORD: String(o.frontend.password),
    AOX_DB_OWNER: String(o.owner.user), AOX_DB_OWNER_PASSWORD: String(o.owner.password),
  });
  return env;
}

/** Runs another `aox` command (such as `tune database`) against the run's database; throws on failure. */
export async function runAox(o: Pick<LoadOptions, 'owner' | 'frontend' | 'dir'>, args: string[]): Promise<void> {
  const runner = CLI_RUNNERS.find((r) => existsSync(r));
  if (!runner) throw new Error('no aox entry point');
  const r = await runCli(runner, args, cliEnv(o));
  if (r.code !== 0) throw new Error(`aox ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 300)}`);
}

async function loadWithCli(o: LoadOptions): Promise<LoadResult | string> {
  if (!existsSync(CLI_COMMAND)) return 'tools/aox/import.ts does not exist';
  const runner = CLI_RUNNERS.find((r) => existsSync(r));
  if (!runner) return 'no aox entry point to run the import command';
  const args = ['import', '-q', `${o.login}:INBOX`, 'mbox', o.mbox];
  const r = await runCli(runner, args, cliEnv(o));
  const rel = runner.slice(runner.lastIndexOf('tools/'));
  // 2: some input was skipped (reported, the rest imported)
  if (r.code !== 0 && r.code !== 2) return `aox import exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 300)}`;
  const c = new pg.Client(o.owner);
  await c.connect();
  try {
    const n = await mailboxCount(c, o.mailboxId);
    return { messages: n, method: `aox import -q ${o.login}:INBOX mbox <file> (child process via ${rel}, start-up included)` +
      (r.code === 2 ? '; it reported skipped input' : '') };
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function storedNothing(o: LoadOptions): Promise<boolean> {
  const c = new pg.Client(o.owner);
  await c.connect();
  try {
    return await mailboxCount(c, o.mailboxId) === 0;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function loadIntoAox(o: LoadOptions): Promise<LoadResult> {
  const reasons: string[] = [];
  const cli = await loadWithCli(o);
  if (typeof cli !== 'string') return cli;
  reasons.push(cli);
  if (!(await storedNothing(o))) throw new Error(`${cli} (after storing part of the data set)`);
  const p = await pipeline();
  if (typeof p !== 'string') {
    try {
      return { ...(await loadWithPipeline(p, o)), fallback: reasons.join('; ') };
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      // only an import that stored nothing can be redone another way without double counting
      if (!(await storedNothing(o))) throw e;
      reasons.push(`the import pipeline failed: ${why}`);
    }
  } else {
    reasons.push(p);
  }
  o.log(`  aox: importing with the bench's own loader (${reasons.join('; ')})`);
  return { ...(await loadWithSql(o)), fallback: reasons.join('; ') };
}
