// `npm run bench`: one benchmark suite, aox and Dovecot side by side in the same run, on the same
// reproducible data set, measured by the same client code. Never part of `npm test`.
//
//   npm run bench                    100k messages (default)
//   npm run bench -- --quick         10k messages, a few minutes
//   npm run bench -- --scale 1m      the long run
//   npm run bench -- --only search,sort --aox-only
//
// Each side runs alone (the other is stopped), in a fresh temporary directory: aox with its own
// embedded PostgreSQL, Dovecot with its own configuration. Results: a table on stdout, and JSON +
// Markdown in bench-results/ (git-ignored).
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AoxSide } from './aox-server.ts';
import { defaultCacheDir, ensureDataset, parseScale, type DatasetManifest } from './dataset.ts';
import { DovecotSide, dovecotAvailable, hasExecutable, type DovecotFormat } from './dovecot.ts';
import { loadAverage, machineInfo } from './machine.ts';
import { consoleTable, writeReport, type Report } from './report.ts';
import { outcomeOf, type BenchContext, type Outcome, type Scenario } from './scenario.ts';
import type { Side, SideName } from './target.ts';
import { scenario as importScenario } from './scenarios/import.ts';
import { scenario as select } from './scenarios/select.ts';
import { scenario as fetchFlags } from './scenarios/fetch-flags.ts';
import { scenario as fetchHeaders } from './scenarios/fetch-headers.ts';
import { scenario as search } from './scenarios/search.ts';
import { scenario as sort } from './scenarios/sort.ts';
import { scenario as thread } from './scenarios/thread.ts';
import { scenario as bytes } from './scenarios/bytes.ts';
import { scenario as pop3 } from './scenarios/pop3.ts';
import { scenario as store } from './scenarios/store.ts';
import { scenario as move } from './scenarios/move.ts';
import { scenario as lmtp } from './scenarios/lmtp.ts';
import { scenario as idle } from './scenarios/idle.ts';
import { scenario as imaptest } from './scenarios/imaptest.ts';

/**
 * In running order. IDLE first after the import: its memory reading needs a server process whose
 * heap has not yet been grown by bulk responses (a garbage-collected heap keeps its high-water
 * mark, and new sessions would fill it for free). Then reads, then bytes (Dovecot's cache is warm
 * by then), then writes.
 */
const SCENARIOS: Scenario[] = [importScenario, idle, select, fetchFlags, fetchHeaders, search, sort, thread, bytes,
  pop3, store, move, lmtp, imaptest];

const DEFAULT_IMAPTEST = '/tmp/imaptest/src/imaptest';

/** With --aox-tune: the scenarios that run after `aox tune database` (the rest run before it). */
const TUNED_READS = new Set(['search', 'sort', 'thread']);

const USAGE = `usage: npm run bench -- [options]
  --quick                 10k messages and shorter runs (a few minutes)
  --scale N               data set size: 10k, 100k (default), 1m, or a number
  --only a,b              scenarios to run (import always runs): ${SCENARIOS.filter((s) => s !== importScenario).map((s) => s.name).join(', ')}
  --aox-only              skip Dovecot
  --aox-tune MODE         run \`aox tune database MODE\` after aox's import (mostly-reading or
                          advanced-reading: sort and trigram indexes, as an archive would be tuned;
                          timed and noted; Dovecot gets no full-text plugin either way)
  --dovecot-only          skip aox
  --seed N                data set seed (default 42)
  --runs N                measured runs per timing (default 5)
  --warmups N             unmeasured runs first (default 1)
  --idle-sessions N       IDLE sessions (default 1000)
  --imaptest-secs N       seconds per imaptest run (default 30; 20 with --quick)
  --imaptest PATH         imaptest binary (default ${DEFAULT_IMAPTEST})
  --dovecot-format F      maildir (default), sdbox or mdbox
  --dovecot-load files    load Dovecot by writing the maildir files and letting Dovecot index
                          them, instead of doveadm import (which cannot finish at 1m); its load
                          time is then not an import rate
  --cache-dir DIR         where generated data sets are kept (default ${defaultCacheDir()})
  --out DIR               where results are written (default bench-results)
  --keep                  keep the run's temporary directory (servers' data and logs)`;

interface Options {
  count: number;
  quick: boolean;
  only: Set<string> | null;
  sides: SideName[];
  seed: number;
  runs: number;
  warmups: number;
  idleSessions: number;
  imaptestSecs: number;
  imaptestPath: string;
  format: DovecotFormat;
  cacheDir: string;
  out: string;
  keep: boolean;
  aoxTune: string | null;
  dovecotFiles: boolean;
}

function positiveInt(name: string, v: string | undefined, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} wants a whole number ≥ ${min}, not "${v}"`);
  return n;
}

function parseOptions(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv, strict: true, allowPositionals: false,
    options: {
      quick: { type: 'boolean' }, scale: { type: 'string' }, only: { type: 'string' },
      'aox-only': { type: 'boolean' }, 'aox-tune': { type: 'string' }, 'dovecot-only': { type: 'boolean' }, seed: { type: 'string' },
      runs: { type: 'string' }, warmups: { type: 'string' }, 'idle-sessions': { type: 'string' },
      'imaptest-secs': { type: 'string' }, imaptest: { type: 'string' }, 'dovecot-format': { type: 'string' }, 'dovecot-load': { type: 'string' },
      'cache-dir': { type: 'string' }, out: { type: 'string' }, keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;
  const quick = values.quick ?? false;
  const count = values.scale ? parseScale(values.scale) : quick ? 10_000 : 100_000;
  let only: Set<string> | null = null;
  if (values.only) {
    only = new Set(values.only.split(',').map((s) => s.trim()).filter(Boolean));
    const known = new Set(SCENARIOS.flatMap((s) => [s.name, ...s.rows.map((r) => r.id)]));
    for (const o of only) if (!known.has(o)) throw new Error(`--only: unknown scenario "${o}" (known: ${[...known].join(', ')})`);
  }
  if (values['aox-only'] && values['dovecot-only']) throw new Error('--aox-only and --dovecot-only exclude each other');
  const sides: SideName[] = values['aox-only'] ? ['aox'] : values['dovecot-only'] ? ['dovecot'] : ['aox', 'dovecot'];
  const format = (values['dovecot-format'] ?? 'maildir') as DovecotFormat;
  const aoxTune = values['aox-tune'] ?? null;
  if (aoxTune !== null && !['mostly-writing', 'mostly-reading', 'advanced-reading'].includes(aoxTune)) {
    throw new Error('--aox-tune: mostly-writing, mostly-reading or advanced-reading');
  }
  if (!['maildir', 'sdbox', 'mdbox'].includes(format)) throw new Error('--dovecot-format: maildir, sdbox or mdbox');
  if (values['dovecot-load'] !== undefined && values['dovecot-load'] !== 'files') throw new Error('--dovecot-load: files');
  return {
    count, quick, only, sides,
    seed: positiveInt('seed', values.seed, 42, 0),
    runs: positiveInt('runs', values.runs, 5),
    warmups: positiveInt('warmups', values.warmups, 1, 0),
    idleSessions: positiveInt('idle-sessions', values['idle-sessions'], 1000, 8),
    imaptestSecs: positiveInt('imaptest-secs', values['imaptest-secs'], quick ? 20 : 30),
    imaptestPath: values.imaptest ?? process.env.IMAPTEST ?? DEFAULT_IMAPTEST,
    format,
    cacheDir: values['cache-dir'] ?? defaultCacheDir(),
    out: resolve(values.out ?? 'bench-results'),
    keep: values.keep ?? false,
    aoxTune,
    dovecotFiles: values['dovecot-load'] === 'files',
  };
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.round(v)));

function selected(s: Scenario, only: Set<string> | null): boolean {
  return s === importScenario || only === null || only.has(s.name) || s.rows.some((r) => only.has(r.id));
}

function log(line: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

/** Runs one scenario, bounded in time; whatever happens becomes an outcome per row. */
async function runScenario(s: Scenario, t: Side, ctx: BenchContext, timeoutMs: number): Promise<Record<string, Outcome>> {
  const all = (o: Outcome) => Object.fromEntries(s.rows.map((r) => [r.id, o]));
  for (const need of s.needs) {
    if (t.ports[need] === null) return all({ kind: 'unsupported', reason: t.unavailable ?? `${need} is not served` });
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      s.run(t, ctx),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`scenario timed out after ${timeoutMs / 60_000} min`)), timeoutMs);
      }),
    ]);
    return result;
  } catch (e) {
    return all(outcomeOf(e));
  } finally {
    clearTimeout(timer);
  }
}

async function runSide(name: SideName, o: Options, dataset: DatasetManifest, tmp: string, ctx: BenchContext,
                       active: Set<Side>, report: Report): Promise<void> {
  const results = report.results[name];
  const scenarios = SCENARIOS.filter((s) => selected(s, o.only));
  const fill = (o2: Outcome) => {
    for (const s of scenarios) for (const r of s.rows) results[r.id] ??= o2;
  };
  let side: Side | null = null;
  try {
    if (name === 'dovecot') {
      const avail = dovecotAvailable();
      if (!avail.ok) {
        report.sides.dovecot.version = `Dovecot (${avail.reason})`;
        fill({ kind: 'not-run', reason: avail.reason });
        return;
      }
      const dovecot = await DovecotSide.prepare(tmp, avail.version, o.format, o.idleSessions, log);
      dovecot.loadFiles = o.dovecotFiles;
      side = dovecot;
      report.sides.dovecot.notes.push(`mail_location ${o.format}; passwd-file with {SCRAM-SHA-256} verifiers (4096 rounds, like aox's); ` +
        'Dovecot defaults otherwise, limits raised only for 1,000 connections; configuration in tools/bench/dovecot.ts');
    } else {
      side = await AoxSide.prepare(tmp, log);
      report.sides.aox.notes.push('database: embedded PostgreSQL with its default settings (frontend/db/embedded.ts), db-max-handles default; server in its own node process');
    }
    active.add(side);
    report.sides[name].version = side.version;
    log(`${side.label}: importing ${dataset.count} messages`);
    const imp = await side.importDataset(dataset.mbox, dataset.count);
    log(`${side.label}: imported ${imp.messages} messages in ${imp.seconds.toFixed(1)} s (${imp.method})`);
    results.import = imp.messages === 0
      ? { kind: 'failed', reason: `nothing was imported (${imp.method})` }
      : { kind: 'ok', value: imp.messages / imp.seconds, samples: [imp.messages / imp.seconds],
          note: `${imp.messages} messages in ${imp.seconds.toFixed(1)} s (${(dataset.mboxBytes / 1e6 / imp.seconds).toFixed(1)} MB/s); one run; ${imp.method}`,
          detail: { seconds: imp.seconds, messages: imp.messages } };
    await side.startServer();
    const timeoutMs = (o.quick ? 15 : 90) * 60_000 * Math.max(1, o.count / (o.quick ? 10_000 : 100_000));
    // With --aox-tune, aox's writes run first on the default database, then the tune, then the
    // reads it is for: an admin tunes a read-mostly archive, and the optional indexes would make
    // every STORE and MOVE update more indexes.
    const tuneFirst = side instanceof AoxSide && o.aoxTune !== null;
    const ordered = tuneFirst
      ? [...scenarios.filter((s) => !TUNED_READS.has(s.name)), ...scenarios.filter((s) => TUNED_READS.has(s.name))]
      : scenarios;
    let tuned = !tuneFirst;
    for (const s of ordered) {
      if (s === importScenario) continue;
      if (!tuned && TUNED_READS.has(s.name) && side instanceof AoxSide && o.aoxTune) {
        tuned = true;
        log(`aox: aox tune database ${o.aoxTune}`);
        const secs = await side.tune(o.aoxTune);
        log(`aox: tuned in ${secs.toFixed(1)} s`);
        report.sides.aox.notes.push(`\`aox tune database ${o.aoxTune}\` built its optional indexes in ${secs.toFixed(1)} s ` +
          `(with the server running) after the other scenarios and before ${[...TUNED_READS].join(', ')}`);
      }
      log(`${side.label}: ${s.name}`);
      const t0 = performance.now();
      const r = await runScenario(s, side, ctx, timeoutMs);
      Object.assign(results, r);
      const summary = s.rows.map((row) => {
        const x = r[row.id];
        return `${row.id}=${x?.kind === 'ok' ? x.value.toFixed(1) + ' ' + row.unit : x?.kind ?? '?'}`;
      }).join(', ');
      log(`${side.label}: ${s.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${summary}`);
    }
  } catch (e) {
    log(`${name}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    fill(outcomeOf(e));
  } finally {
    if (side) {
      log(`${side.label}: stopping`);
      await side.stop().catch((e: unknown) => log(`${name}: stop failed: ${String(e)}`));
      active.delete(side);
    }
  }
}

async function main(): Promise<number> {
  let o: Options | null;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!o) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const started = performance.now();
  const dataset = ensureDataset({ count: o.count, seed: o.seed, cacheDir: o.cacheDir, log });
  const tmp = mkdtempSync(join(tmpdir(), 'aox-bench-'));
  // PostgreSQL (as "postgres") and Dovecot's mail processes must reach their directories below it
  chmodSync(tmp, 0o755);
  log(`run directory ${tmp}`);
  const imaptestOk = hasExecutable(o.imaptestPath);
  const ctx: BenchContext = {
    dataset, runs: o.runs, warmups: o.warmups,
    idleSessions: o.idleSessions, idleRounds: 5,
    lmtpPerRun: clamp(o.count / 20, 200, 2000), lmtpConnections: 10,
    popRetrCount: clamp(o.count / 10, 200, 2000),
    imaptestSecs: o.imaptestSecs, imaptestClients: [10, 50],
    imaptest: imaptestOk ? o.imaptestPath : null,
    imaptestMissing: `imaptest not built (${o.imaptestPath} is missing)`,
    tmp, log,
  };
  const { mbox: _m, smallMbox: _s, ...datasetSummary } = dataset;
  const report: Report = {
    date: new Date().toISOString(),
    command: process.env.npm_lifecycle_event === 'bench'
      ? `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`
      : `node --import tsx tools/bench/main.ts ${process.argv.slice(2).join(' ')}`.trim(),
    machine: machineInfo(), dataset: datasetSummary, runs: o.runs, warmups: o.warmups,
    sides: { aox: { version: '', notes: [] }, dovecot: { version: '', notes: [] } },
    scenarios: SCENARIOS.filter((s) => selected(s, o.only)).map((s) => ({ name: s.name, measures: s.measures, rows: s.rows })),
    results: { aox: {}, dovecot: {} }, seconds: 0, load: [],
  };
  const active = new Set<Side>();
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log('interrupted: stopping the servers');
    void Promise.all([...active].map((s) => s.stop().catch(() => undefined))).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for (const name of ['aox', 'dovecot'] as const) {
      if (!o.sides.includes(name)) {
        const skip: Outcome = { kind: 'not-run', reason: `skipped (--${name === 'aox' ? 'dovecot' : 'aox'}-only)` };
        for (const s of report.scenarios) for (const r of s.rows) report.results[name][r.id] = skip;
        if (name === 'dovecot') report.sides.dovecot.version = 'Dovecot (skipped)';
        continue;
      }
      report.load.push(loadAverage());
      await runSide(name, o, dataset, tmp, ctx, active, report);
    }
    report.load.push(loadAverage());
  } finally {
    if (!o.keep) rmSync(tmp, { recursive: true, force: true });
    else log(`kept ${tmp}`);
  }
  report.seconds = (performance.now() - started) / 1000;
  const files = writeReport(report, o.out);
  process.stdout.write('\n' + consoleTable(report) + '\n\n');
  process.stdout.write(`results: ${files.json}\n         ${files.md}\n`);
  return 0;
}

main().then((code) => process.exit(code), (e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
