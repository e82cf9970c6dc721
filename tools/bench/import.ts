// Benchmark of `aox import` (never run by npm test):
//   node --import tsx tools/bench/import.ts [--messages 100000] [--runs n] [--keep]
// 1. Writes an mboxrd file of --messages messages by repeating the SpamAssassin corpus; every
//    repetition after the first rewrites only the Message-ID line (or adds one where there is
//    none), so every message is distinct and nothing is deduplicated away.
// 2. Starts an embedded PostgreSQL in a temporary directory, installs the schema as aox setup
//    does, and times `aox import --mboxrd --create <user>:RunN mbox <file>` (the real command,
//    as a child process: start-up included) into a fresh mailbox per run; reports messages/s,
//    MB/s of mbox read, and the median of the runs.
// 3. If Dovecot is installed (Debian dovecot-core + dovecot-imapd), times `doveadm import` of the
//    same mbox into a maildir on the same temporary disk, configured by tools/bench/dovecot.ts
//    (loopback only, its own directories), and prints the ratio. Dovecot is never installed here.
// Every aox run is checked: the stored messages, in UID order, are the mbox's bytes exactly.
// Results also go to bench-results/import-<time>.json.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { makeVerifier } from '../../frontend/auth/scram.ts';
import { startEmbedded } from '../../frontend/db/embedded.ts';
import { install } from '../../frontend/db/install.ts';
import { dovecotAvailable, DovecotSide } from './dovecot.ts';
import { loadCorpus, mboxRoundTrip, writeMbox, type CorpusMessage } from './import-corpus.ts';
import { describeMachine, machineInfo } from './machine.ts';
import { freePort } from './net-util.ts';

const RUNNER = fileURLToPath(new URL('../aox.ts', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../bench-results/', import.meta.url));
const DB_NAME = 'aox_bench_import';

/** A copy of a message whose Message-ID line (with its continuation lines) is replaced. */
export function withMessageId(raw: Buffer, id: string): Buffer {
  const text = raw.toString('latin1');
  const headerEnd = text.search(/\r?\n\r?\n/);
  const header = headerEnd < 0 ? text : text.slice(0, headerEnd);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const line = `Message-ID: <${id}>`;
  const m = /(^|\n)Message-ID:[^\n]*(\n[ \t][^\n]*)*/i.exec(header);
  if (!m) return Buffer.concat([Buffer.from(line + eol, 'latin1'), raw]);
  const start = m.index + m[1].length;
  const end = m.index + m[0].length;
  const keepCr = text[end - 1] === '\r' ? '\r' : '';
  return Buffer.concat([raw.subarray(0, start), Buffer.from(line + keepCr, 'latin1'), raw.subarray(end)]);
}

/** SHA-256 over the hex SHA-256 of every message in order: what the database must hold. */
function digestOfDigests(raws: Iterable<Buffer>): string {
  const all = createHash('sha256');
  for (const r of raws) all.update(createHash('sha256').update(r).digest('hex'));
  return all.digest('hex');
}

function* repeated(corpus: CorpusMessage[], n: number): Generator<{ raw: Buffer; fromLine: string }> {
  for (let i = 0; i < n; i++) {
    const m = corpus[i % corpus.length];
    const round = Math.floor(i / corpus.length);
    yield round === 0 ? m : { raw: withMessageId(m.raw, `aox-bench.${round}.${i}@bench.aox.invalid`), fromLine: m.fromLine };
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function runAox(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string; seconds: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), RUNNER, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr, seconds: (performance.now() - t0) / 1000 }));
  });
}

interface SideResult {
  runs: number[];
  medianSeconds: number;
  messagesPerSecond: number;
  megabytesPerSecond: number;
  method: string;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '100000' },
      runs: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'no-dovecot': { type: 'boolean', default: false },
    },
  });
  const count = Number(values.messages);
  if (!Number.isInteger(count) || count < 1) throw new Error('--messages must be a positive whole number');
  const runs = values.runs === undefined ? (count <= 20_000 ? 3 : 1) : Number(values.runs);
  const log = (line: string) => process.stderr.write(line + '\n');
  const machine = machineInfo();
  log(`machine: ${describeMachine(machine)}`);

  const tmp = mkdtempSync(join(tmpdir(), 'aox-bench-import-'));
  chmodSync(tmp, 0o755);  // PostgreSQL (as "postgres") and Dovecot's mail user must reach it
  const mbox = join(tmp, 'bench.mbox');
  log(`writing ${count} messages to ${mbox}`);
  const corpus = loadCorpus();
  writeMbox(mbox, repeated(corpus, count));
  const mboxBytes = statSync(mbox).size;
  log(`  ${(mboxBytes / 1e6).toFixed(1)} MB`);
  const expected = digestOfDigests((function* () { for (const m of repeated(corpus, count)) yield mboxRoundTrip(m.raw); })());

  const results: { aox?: SideResult; dovecot?: SideResult | { unavailable: string } } = {};
  const pgDir = join(tmp, 'pg');
  mkdirSync(pgDir, { mode: 0o755 });
  const embedded = await startEmbedded(pgDir, await freePort());
  try {
    const superuser: pg.ClientConfig = { host: embedded.host, port: embedded.port, user: embedded.superuser, password: embedded.superuserPassword };
    const ownerPassword = randomBytes(18).toString('base64url');
    const userPassword = randomBytes(18).toString('base64url');
    await install({ superuser, database: DB_NAME, owner: 'aoxsuper', ownerPassword, user: 'aox', userPassword });
    const owner = new pg.Client({ ...superuser, database: DB_NAME, user: 'aoxsuper', password: ownerPassword });
    await owner.connect();
    await owner.query('select admin.user_create($1, $2, $3)', ['bench', makeVerifier(randomBytes(12).toString('hex'), 4096), 'bench@bench.aox.invalid']);
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AOX_') && !k.startsWith('PG')) env[k] = v;
    Object.assign(env, {
      AOX_CONFIG: join(tmp, 'none.conf'), AOX_DB_ADDRESS: embedded.host, AOX_DB_PORT: String(embedded.port),
      AOX_DB_NAME: DB_NAME, AOX_DB_USER: 'aox', AOX_DB_PASSWORD: userPassword,
      AOX_DB_OWNER: 'aoxsuper', AOX_DB_OWNER_PASSWORD: ownerPassword,
    });
    const times: number[] = [];
    for (let r = 1; r <= runs; r++) {
      log(`aox import, run ${r} of ${runs} …`);
      const out = await runAox(['import', '--mboxrd', '--create', '-q', `bench:Run${r}`, 'mbox', mbox], env);
      if (out.code !== 0) throw new Error(`aox import exited ${out.code}: ${out.stderr.slice(-2000)}`);
      const n = Number((await owner.query<{ n: string }>(
        `select count(*) as n from mail.mailbox_messages mm join mail.mailboxes b on b.id = mm.mailbox where b.name = $1`, [`Run${r}`])).rows[0].n);
      if (n !== count) throw new Error(`aox stored ${n} messages of ${count}`);
      // byte for byte, in order: one digest over the digests of all stored messages
      const stored = (await owner.query<{ d: string }>(
        `select encode(public.digest(string_agg(encode(public.digest(m.raw, 'sha256'), 'hex'), '' order by mm.uid), 'sha256'), 'hex') as d
           from mail.mailbox_messages mm join mail.mailboxes b on b.id = mm.mailbox join mail.messages m on m.id = mm.message
          where b.name = $1`, [`Run${r}`])).rows[0].d;
      if (stored !== expected) throw new Error('aox stored different bytes than the mbox holds');
      log(`  ${out.seconds.toFixed(1)} s: ${out.stdout.trim()} (bytes verified)`);
      times.push(out.seconds);
    }
    await owner.end();
    const m = median(times);
    results.aox = {
      runs: times, medianSeconds: m, messagesPerSecond: count / m, megabytesPerSecond: mboxBytes / 1e6 / m,
      method: 'aox import --mboxrd (child process, start-up included) into a fresh mailbox per run; embedded PostgreSQL',
    };
  } finally {
    await embedded.stop();
  }

  const dovecot = values['no-dovecot'] ? { ok: false as const, reason: '--no-dovecot' } : dovecotAvailable();
  if (!dovecot.ok) {
    results.dovecot = { unavailable: dovecot.reason };
    log(`Dovecot: not measured (${dovecot.reason})`);
  } else {
    const times: number[] = [];
    let method = '';
    let stored = 0;
    for (let r = 1; r <= runs; r++) {
      log(`doveadm import, run ${r} of ${runs} …`);
      const side = await DovecotSide.prepare(join(tmp, `dovecot-run${r}`), dovecot.version, 'maildir', 10, log);
      try {
        const outcome = await side.importDataset(mbox, count);
        // Dovecot's mbox reader may split a few corpus messages differently (it trusts
        // Content-Length: fields); the count is reported, not required
        stored = outcome.messages;
        times.push(outcome.seconds);
        method = `${outcome.method} (Dovecot ${dovecot.version}, maildir)`;
        log(`  ${outcome.seconds.toFixed(1)} s`);
      } finally {
        await side.stop();
      }
    }
    const m = median(times);
    results.dovecot = {
      runs: times, medianSeconds: m, messagesPerSecond: stored / m, megabytesPerSecond: mboxBytes / 1e6 / m,
      method: method + (stored === count ? '' : `; Dovecot stored ${stored} messages of ${count}`),
    };
  }

  const aox = results.aox as SideResult;
  const dv = results.dovecot && 'runs' in results.dovecot ? results.dovecot : null;
  const ratio = dv ? aox.medianSeconds / dv.medianSeconds : null;
  const report = { benchmark: 'import', date: new Date().toISOString(), machine, messages: count, mboxBytes, runs, ...results, aoxTimeOverDovecotTime: ratio };
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `import-${report.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  const line = (name: string, s: SideResult) =>
    `${name.padEnd(8)} median ${s.medianSeconds.toFixed(1)} s  ${Math.round(s.messagesPerSecond)} msg/s  ${s.megabytesPerSecond.toFixed(1)} MB/s  (runs: ${s.runs.map((x) => x.toFixed(1)).join(', ')})`;
  console.log(`import of ${count} messages (${(mboxBytes / 1e6).toFixed(1)} MB mbox)`);
  console.log(line('aox', aox));
  if (dv) console.log(line('dovecot', dv) + (dv.method.includes('stored') ? `\n         ${dv.method}` : ''));
  if (ratio !== null) console.log(`aox takes ${ratio.toFixed(2)}× Dovecot's time`);
  console.log(`results: ${file}`);
  if (values.keep) console.log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}

await main();
