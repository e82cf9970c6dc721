// The import pipeline: read messages from the sources, number the occurrences of each (bytes,
// internal date), group them into batches (count or bytes), ask which ones the mailbox already
// holds, parse the others and store them. Storing batch k overlaps reading, checking and parsing
// batch k+1; batches are stored one after the other, so UIDs follow the input's order.
//
// Idempotence: see admin.messages_import. Re-running an import, or resuming an interrupted one,
// neither loses nor duplicates messages. Occurrences are counted over one run (all its paths),
// so an exact duplicate (same bytes and internal date) split over two separate runs is imported
// once only. Memory: about 100 bytes per message for that count.
import { createHash } from 'node:crypto';
import { mainThreadPreparer, type Preparer } from './parse-pool.ts';
import { fallbackMeta, type Prepared as PreparedMessage } from './prepare.ts';
import type { ImportStore, StoreBatch } from './store.ts';
import type { SourceItem, SourceMessage, SourceProblem } from './types.ts';

export interface ImportLimits {
  /** messages per database call */
  batchMessages: number;
  /** bytes per database call (a batch closes when it reaches either limit) */
  batchBytes: number;
}

export const DEFAULT_LIMITS: ImportLimits = { batchMessages: 200, batchBytes: 8 * 1024 * 1024 };

export interface ImportCounts {
  /** messages read from the input */
  read: number;
  /** bytes of those messages */
  bytes: number;
  /** messages stored by this run */
  imported: number;
  /** messages the mailbox held already (an earlier run) */
  present: number;
  /** messages stored although the parser found problems (aox reparse lists them) */
  malformed: number;
  /** input skipped: unreadable files, junk, messages the database refused */
  skipped: number;
  /** bytes of input skipped, where known */
  skippedBytes: number;
}

export interface ImportEvents {
  /** after each batch, and for messages skipped */
  progress?(counts: Readonly<ImportCounts>): void;
  /** a message stored with parse problems */
  malformed?(where: string, problems: string[]): void;
  /** input that was skipped */
  skipped?(where: string, reason: string): void;
}

export interface ImportRun {
  /** null: nothing to compare with or store into (a dry run into a mailbox not made yet) */
  store: ImportStore | null;
  /** read, check what the mailbox holds, parse and report, but store nothing */
  dryRun?: boolean;
  limits?: ImportLimits;
  events?: ImportEvents;
  /** stops reading when aborted; what was read is still stored */
  signal?: AbortSignal;
  /** who parses (default: the main thread); the caller closes it */
  preparer?: Preparer;
}

/** "file, offset N" or "file, message N": where a message or problem is. */
export function where(x: Pick<SourceMessage | SourceProblem, 'file' | 'offset' | 'index'>): string {
  if (x.offset !== undefined) return `${x.file}, offset ${x.offset}` + (x.index !== undefined ? ` (message ${x.index})` : '');
  if (x.index !== undefined) return `${x.file}, message ${x.index}`;
  return x.file;
}

/** A parsed message; fallback when its view is the minimal one stored after a refusal. */
type Prepared = PreparedMessage & { fallback?: boolean };

interface Pending {
  msg: SourceMessage;
  hash: Buffer;
  occ: number;
}

// SQLSTATE classes for which one message, not the connection or the mailbox, is at fault: a
// batch that fails so is split until the culprit is found, which is then stored with a minimal
// parsed view, or skipped if even that fails (a message over PostgreSQL's 1 GB limit).
const MESSAGE_FAULTS = new Set(['22', '23', '54']);
// Serialization failures and deadlocks (a concurrent delivery of the same message to the same
// mailbox): the batch is simply sent again; the presence check makes that safe.
const RETRYABLE = new Set(['40001', '40P01']);
const RETRIES = 5;
// batches handed on but not yet stored, at most (one storing, the next checked and parsed while
// the one after is read): with 8 MB batches the pipeline holds a few dozen MB whatever the input
const MAX_IN_FLIGHT = 3;

function sqlState(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : '';
}

export async function runImport(sources: AsyncIterable<SourceItem>, run: ImportRun): Promise<ImportCounts> {
  const limits = run.limits ?? DEFAULT_LIMITS;
  const events = run.events ?? {};
  const counts: ImportCounts = { read: 0, bytes: 0, imported: 0, present: 0, malformed: 0, skipped: 0, skippedBytes: 0 };
  const seen = new Map<string, number>();
  let batch: Pending[] = [];
  let batchBytes = 0;
  let storing: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | null = null;

  const skip = (place: string, reason: string, bytes: number) => {
    counts.skipped++;
    counts.skippedBytes += bytes;
    events.skipped?.(place, reason);
  };

  // Stores prepared messages; on a fault of one message, halves the batch to find it.
  const storeParts = async (store: ImportStore, items: Pending[], prepared: Prepared[], attempt = 0): Promise<void> => {
    const b: StoreBatch = {
      raws: items.map((p) => p.msg.raw), metas: prepared.map((p) => p.meta), flags: prepared.map((p) => p.flags),
      dates: items.map((p) => p.msg.date), occ: items.map((p) => p.occ),
    };
    try {
      const stored = await store.store(b);
      counts.imported += stored.length;
      counts.present += items.length - stored.length;
    } catch (e) {
      const state = sqlState(e);
      if (RETRYABLE.has(state) && attempt < RETRIES) {
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt * Math.random()));
        return storeParts(store, items, prepared, attempt + 1);
      }
      if (!MESSAGE_FAULTS.has(state.slice(0, 2))) throw e;
      if (items.length > 1) {
        const half = Math.ceil(items.length / 2);
        await storeParts(store, items.slice(0, half), prepared.slice(0, half));
        await storeParts(store, items.slice(half), prepared.slice(half));
        return;
      }
      const reason = (e as Error).message;
      if (!prepared[0].fallback) {
        if (prepared[0].problems.length === 0) counts.malformed++;
        events.malformed?.(where(items[0].msg), [`the database refused its parsed view (${reason}); storing it without one`]);
        const meta = fallbackMeta(items[0].msg.raw, reason);
        await storeParts(store, items, [{ ...prepared[0], meta, fallback: true }]);
        return;
      }
      skip(where(items[0].msg), `the database refused it: ${reason}`, items[0].msg.raw.length);
    }
  };

  // The pipeline: each batch goes through a stage (presence check, then parsing, possibly in
  // worker threads) that starts as soon as the batch is full, and then a store step that waits
  // for the previous batch's store, so UIDs follow the input's order. At most MAX_IN_FLIGHT
  // batches are between reading and stored: memory stays bounded by a few batches.
  const preparer = run.preparer ?? mainThreadPreparer;
  const pending: Promise<void>[] = [];
  type Staged = { items: Pending[]; todo: Pending[]; prepared: Prepared[] };
  const stage = async (items: Pending[]): Promise<Staged> => {
    const present = run.store
      ? await run.store.present(items.map((p) => p.hash), items.map((p) => p.msg.date), items.map((p) => p.occ))
      : new Set<number>();
    const todo = items.filter((_, i) => !present.has(i));
    const prepared = await preparer.prepare(todo.map((p) => p.msg));
    return { items, todo, prepared };
  };
  const storeStep = async (previous: Promise<void>, staged: Promise<Staged>): Promise<void> => {
    const s = await staged.then((v) => ({ v }), (error: unknown) => ({ error }));
    await previous;
    if (failure) return;
    if ('error' in s) throw s.error;
    const { items, todo, prepared } = s.v;
    prepared.forEach((p, i) => {
      if (p.problems.length) {
        counts.malformed++;
        events.malformed?.(where(todo[i].msg), p.problems);
      }
    });
    counts.present += items.length - todo.length;
    const store = run.store;
    if (!store || run.dryRun) {
      counts.imported += todo.length;
    } else {
      await storeParts(store, todo, prepared);
    }
    events.progress?.(counts);
  };

  const flush = async () => {
    const items = batch;
    batch = [];
    batchBytes = 0;
    if (failure) throw failure.error;
    if (items.length === 0) return;
    storing = storeStep(storing, stage(items)).catch((e: unknown) => { failure ??= { error: e }; });
    pending.push(storing);
    while (pending.length >= MAX_IN_FLIGHT) await pending.shift();
    if (failure) throw (failure as { error: unknown }).error;
  };

  for await (const item of sources) {
    if (item.kind === 'problem') {
      skip(where(item), item.reason, item.bytes);
      events.progress?.(counts);
      continue;
    }
    counts.read++;
    counts.bytes += item.raw.length;
    const hash = createHash('sha256').update(item.raw).digest();
    const key = hash.toString('base64', 0, 16) + item.date.getTime();
    const occ = (seen.get(key) ?? 0) + 1;
    seen.set(key, occ);
    batch.push({ msg: item, hash, occ });
    batchBytes += item.raw.length;
    if (batch.length >= limits.batchMessages || batchBytes >= limits.batchBytes) await flush();
    if (run.signal?.aborted) break;
  }
  await flush();
  await storing;
  if (failure) throw (failure as { error: unknown }).error;
  return counts;
}

/** The sources of several paths, one after the other. */
export async function* concatSources(paths: string[], open: (path: string) => AsyncIterable<SourceItem>): AsyncGenerator<SourceItem> {
  for (const p of paths) yield* open(p);
}
