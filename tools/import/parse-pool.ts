// Parsing for aox import off the main thread. Parsing (MIME structure, ENVELOPE, BODYSTRUCTURE,
// search text, JSON) is CPU work that would otherwise compete with reading, hashing and sending
// batches on the one main thread; worker threads do it while the main thread reads on. A batch
// is split into contiguous slices of about equal bytes, one per worker, each sent as one compact
// buffer (a message's Buffer is a slice of a 1 MB read chunk, and structured cloning would copy
// the whole chunk) and transferred, not copied. Results come back in input order.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { prepareMessage, type PrepareInput, type Prepared } from './prepare.ts';

export interface ParseJob {
  id: number;
  data: Uint8Array;
  lengths: number[];
  flags: string[][];
  headerFlags: boolean[];
}

export type ParseResult = { id: number; prepared: Prepared[] } | { id: number; error: string };

export interface Preparer {
  prepare(items: PrepareInput[]): Promise<Prepared[]>;
  close(): Promise<void>;
}

/** Parses in the calling thread (dry runs of tests, or where workers cannot start). */
export const mainThreadPreparer: Preparer = {
  prepare: (items) => Promise.resolve(items.map((m) => prepareMessage(m))),
  close: () => Promise.resolve(),
};

/** Workers worth starting here: one core stays for the main thread (and often the database). */
export function defaultParseWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

const WORKER_ENTRY = new URL('./parse-worker.mjs', import.meta.url);

/** Worker threads that parse; close() ends them (until then they keep the process alive). */
export class WorkerPreparer implements Preparer {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve(p: Prepared[]): void; reject(e: Error): void }>();
  private nextId = 1;
  private broken: Error | null = null;

  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      // no inherited flags: the entry registers tsx itself
      const w = new Worker(WORKER_ENTRY, { execArgv: [] });
      w.on('message', (r: ParseResult) => {
        const job = this.waiting.get(r.id);
        if (!job) return;
        this.waiting.delete(r.id);
        if ('error' in r) job.reject(new Error(`parse worker: ${r.error}`));
        else job.resolve(r.prepared);
      });
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => { if (code !== 0) this.fail(new Error(`parse worker exited with code ${code}`)); });
      this.workers.push(w);
    }
  }

  private fail(e: Error): void {
    this.broken ??= e;
    for (const job of this.waiting.values()) job.reject(e);
    this.waiting.clear();
  }

  async prepare(items: PrepareInput[]): Promise<Prepared[]> {
    // a worker that could not start or died: the main thread parses (a parser exception then
    // surfaces there, as it would without workers)
    if (this.broken) return mainThreadPreparer.prepare(items);
    if (items.length === 0) return [];
    try {
      return await this.prepareInWorkers(items);
    } catch {
      return mainThreadPreparer.prepare(items);
    }
  }

  private async prepareInWorkers(items: PrepareInput[]): Promise<Prepared[]> {
    const total = items.reduce((n, m) => n + m.raw.length, 0);
    const slices: PrepareInput[][] = [];
    let current: PrepareInput[] = [];
    let bytes = 0;
    for (const m of items) {
      current.push(m);
      bytes += m.raw.length;
      if (bytes >= (total * (slices.length + 1)) / this.workers.length && slices.length < this.workers.length - 1) {
        slices.push(current);
        current = [];
      }
    }
    if (current.length) slices.push(current);
    const results = await Promise.all(slices.map((slice, i) => this.run(this.workers[i], slice)));
    return results.flat();
  }

  private run(worker: Worker, items: PrepareInput[]): Promise<Prepared[]> {
    const id = this.nextId++;
    const copy = new Uint8Array(items.reduce((n, m) => n + m.raw.length, 0));  // its own, so it can be transferred
    let offset = 0;
    for (const m of items) {
      copy.set(m.raw, offset);
      offset += m.raw.length;
    }
    const job: ParseJob = {
      id, data: copy, lengths: items.map((m) => m.raw.length), flags: items.map((m) => m.flags),
      headerFlags: items.map((m) => m.headerFlags),
    };
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage(job, [copy.buffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
