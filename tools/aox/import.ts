// aox import [--create] [--mboxrd] [-n] [-q] <mailbox> mbox|maildir <path>…: imports messages
// with their flags and internal dates, byte for byte, into one mailbox. Idempotent: running it
// again (after an interruption, say) adds only what is missing. Exit code 0 when everything was
// read, 2 when some input was skipped (each skip is reported), 130 when interrupted.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { CliError, type AoxCommand, type Context } from '../lib/command.ts';
import { connectClient, ownerConnection } from '../lib/database.ts';
import { fullMailboxName } from '../lib/names.ts';
import { concatSources, DEFAULT_LIMITS, runImport, type ImportCounts } from '../import/importer.ts';
import { readMaildir } from '../import/maildir.ts';
import { parseMailboxArg } from '../import/mailbox-arg.ts';
import { defaultParseWorkers, mainThreadPreparer, WorkerPreparer } from '../import/parse-pool.ts';
import { readMbox } from '../import/mbox.ts';
import { barProgress, formatDuration, lineProgress, silentProgress, type ProgressReporter } from '../import/progress.ts';
import { PgImportStore } from '../import/store.ts';
import type { SourceFormat, SourceItem } from '../import/types.ts';

interface ImportOptions {
  create?: boolean;
  mboxrd?: boolean;
  dryRun?: boolean;
  quiet?: boolean;
  batch?: string;
  batchSize?: string;
  parseWorkers?: string;
}

/** Input bytes to read, for the ETA: file sizes (mbox) or the sizes of cur/ and new/ files. */
async function totalBytes(format: SourceFormat, paths: string[]): Promise<number> {
  let total = 0;
  for (const p of paths) {
    try {
      if (format === 'mbox') {
        total += (await stat(p)).size;
        continue;
      }
      for (const dir of ['cur', 'new']) {
        const names = await readdir(join(p, dir)).catch(() => [] as string[]);
        for (const n of names) total += await stat(join(p, dir, n)).then((s) => s.size, () => 0);
      }
    } catch {
      // reported when the reader gets there
    }
  }
  return total;
}

function positive(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${what} must be a positive number, not ${text}`);
  return n;
}

function summary(c: ImportCounts, seconds: number, dryRun: boolean): string {
  const mb = (c.bytes / 1024 / 1024).toFixed(1);
  const parts = [
    `${dryRun ? 'would import' : 'imported'} ${c.imported} of ${c.read} messages (${mb} MB read) in ${formatDuration(seconds)}` +
      ` (${Math.round(c.read / Math.max(seconds, 0.001))} msg/s)`,
  ];
  if (c.present) parts.push(`${c.present} already in the mailbox`);
  if (c.malformed) parts.push(`${c.malformed} with parse problems (stored; see aox reparse)`);
  if (c.skipped) parts.push(`${c.skipped} skipped`);
  return parts.join('; ');
}

async function targetMailbox(ctx: Context, owner: pg.ClientBase, login: string, name: string, create: boolean, dryRun: boolean): Promise<number | null> {
  try {
    const r = await owner.query<{ id: number }>('select admin.import_mailbox($1, $2, $3) as id', [login, name, create && !dryRun]);
    return r.rows[0].id;
  } catch (e) {
    if (dryRun && create && typeof e === 'object' && e !== null && 'code' in e && e.code === 'AXNEX') {
      ctx.out.note(`the mailbox does not exist yet; it would be created`);
      return null;
    }
    throw e;
  }
}

export const command: AoxCommand = {
  verb: 'import',
  summary: 'import messages from mbox files or maildirs into a mailbox',
  usage: '[options] <mailbox> mbox|maildir <path...>',
  configure: (c) => c
    .argument('<mailbox>', '/users/<login>/<name> or <login>:<name>')
    .argument('<format>', 'mbox or maildir')
    .argument('<paths...>', 'mbox files or maildir directories (with cur/ and new/)')
    .option('--create', 'create the mailbox (and missing parents) if it does not exist')
    .option('--mboxrd', 'undo mboxrd quoting: ">From " → "From ", ">>From " → ">From " (default: keep lines as written)')
    .option('-n, --dry-run', 'read and parse everything, report problems, store nothing')
    .option('-q, --quiet', 'no progress display; problems and the summary only')
    .option('--batch <n>', `messages per database call (default ${DEFAULT_LIMITS.batchMessages})`)
    .option('--batch-size <MB>', `megabytes per database call (default ${DEFAULT_LIMITS.batchBytes / 1024 / 1024})`)
    .option('--parse-workers <n>', `threads that parse while the main thread reads and stores; 0 parses in the main thread (default ${defaultParseWorkers()}: one per core but one)`),
  async run(ctx, args, rawOptions) {
    const options = rawOptions as ImportOptions;
    const [mailboxText, formatText] = args;
    const paths = args.slice(2);
    if (formatText !== 'mbox' && formatText !== 'maildir') throw new CliError(`the format is mbox or maildir, not ${formatText}`);
    const format: SourceFormat = formatText;
    const box = parseMailboxArg(mailboxText);
    const limits = {
      batchMessages: Math.floor(positive(options.batch, DEFAULT_LIMITS.batchMessages, '--batch')),
      batchBytes: Math.floor(positive(options.batchSize, DEFAULT_LIMITS.batchBytes / 1024 / 1024, '--batch-size') * 1024 * 1024),
    };
    const dryRun = options.dryRun === true;

    const owner = await ctx.owner();
    const mailbox = await targetMailbox(ctx, owner, box.owner, box.name, options.create === true, dryRun);
    // a second connection asks which messages are there while the first one stores
    const reader = mailbox === null ? null : await connectClient(ownerConnection(ctx.config()), 'aox-import');
    const total = await totalBytes(format, paths);
    const progress: ProgressReporter = options.quiet ? silentProgress((l) => ctx.out.note(l))
      : process.stderr.isTTY ? barProgress(total) : lineProgress(total, (l) => ctx.out.note(l));

    const abort = new AbortController();
    const onSigint = () => {
      if (abort.signal.aborted) process.exit(130);
      abort.abort();
      progress.log('interrupted: storing what was read (press ^C again to stop at once)');
    };
    process.on('SIGINT', onSigint);
    const started = Date.now();
    // parsing runs in worker threads while the main thread reads, hashes and sends
    const workers = options.parseWorkers === undefined ? defaultParseWorkers() : Number(options.parseWorkers);
    if (!Number.isInteger(workers) || workers < 0 || workers > 64) throw new CliError(`--parse-workers must be a whole number from 0 to 64, not ${options.parseWorkers}`);
    const preparer = workers > 0 ? new WorkerPreparer(workers) : mainThreadPreparer;
    try {
      const source = (p: string): AsyncIterable<SourceItem> =>
        (format === 'mbox' ? readMbox(p, { mboxrd: options.mboxrd === true }) : readMaildir(p));
      const counts = await runImport(concatSources(paths, source), {
        store: mailbox === null || !reader ? null : new PgImportStore(owner, reader, mailbox),
        dryRun,
        limits,
        signal: abort.signal,
        preparer,
        events: {
          progress: (c) => progress.update(c),
          malformed: (place, problems) => progress.log(`${place}: stored with problems: ${problems.join('; ')}`),
          skipped: (place, reason) => progress.log(`${place}: skipped: ${reason}`),
        },
      });
      progress.update(counts);
      progress.stop();
      ctx.out.line(`${fullMailboxName(box)}: ${summary(counts, (Date.now() - started) / 1000, dryRun)}`);
      if (abort.signal.aborted) {
        ctx.out.note('aox: interrupted; run the same command again to import the rest');
        return 130;
      }
      return counts.skipped > 0 ? 2 : 0;
    } finally {
      progress.stop();
      process.off('SIGINT', onSigint);
      await preparer.close();
      await reader?.end().catch(() => undefined);
    }
  },
};
