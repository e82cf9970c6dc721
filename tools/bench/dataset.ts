// The reproducible data set: generated once per (size, seed, generator version, corpus version) into
// a cache directory and reused, so a re-run starts measuring at once. Both servers load the same
// mbox file. Directories are 0755 and files 0644 because Dovecot's doveadm reads the mbox as the
// unprivileged mail user.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCorpus } from './corpus.ts';
import { GENERATOR_VERSION, PLANTED_WORDS, generateMessages, type GeneratedMessage, type Template } from './generator.ts';
import { mboxEntry } from './mbox.ts';

/** What SEARCH looks for; the common terms were chosen from the corpus's word frequencies. */
export const SEARCH_TERMS = {
  /** planted in 1 of 1,000 plain-text messages: a needle */
  rare: PLANTED_WORDS[0].word,
  /** in ~17% of corpus bodies */
  common: 'people',
  /** ~5% of senders */
  from: 'hotmail.com',
  /** ~4% of subjects (more with the "Re:" replies) */
  subject: 'razor',
};

export interface DatasetManifest {
  generatorVersion: number;
  corpusVersion: string;
  seed: number;
  count: number;
  mbox: string;
  mboxBytes: number;
  /** sum of the messages' own sizes (LF line ends, as in the mbox) */
  messageBytes: number;
  attachments: number;
  attachmentBytes: number;
  replies: number;
  planted: Record<string, number>;
  firstDate: string;
  lastDate: string;
  /** a small mbox without attachments for imaptest's APPENDs */
  smallMbox: string;
  smallCount: number;
  generatedSeconds: number;
}

/** "10k" → 10000, "1m" → 1000000, "2500" → 2500. */
export function parseScale(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (!m) throw new Error(`bad size "${text}": use e.g. 10k, 100k, 1m or a number`);
  const n = Number(m[1]) * (m[2].toLowerCase() === 'k' ? 1e3 : m[2].toLowerCase() === 'm' ? 1e6 : 1);
  if (!Number.isInteger(n) || n < 1) throw new Error(`bad size "${text}"`);
  return n;
}

export function defaultCacheDir(): string {
  return process.env.AOX_BENCH_CACHE ?? join(tmpdir(), 'aox-bench-cache');
}

/** Buffers writes so a million small messages do not become a million system calls. */
class FileWriter {
  private parts: Buffer[] = [];
  private size = 0;
  written = 0;
  constructor(private fd: number) {}
  write(bufs: Buffer[]): void {
    for (const b of bufs) {
      this.parts.push(b);
      this.size += b.length;
    }
    if (this.size >= 8 * 1024 * 1024) this.flush();
  }
  flush(): void {
    const all = Buffer.concat(this.parts);
    let off = 0;
    while (off < all.length) off += writeSync(this.fd, all, off);
    this.written += all.length;
    this.parts = [];
    this.size = 0;
  }
}

function writeMbox(path: string, templates: readonly Template[], count: number, seed: number,
                   attachmentRate: number | undefined, each: (m: GeneratedMessage) => void): void {
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w', 0o644);
  try {
    const w = new FileWriter(fd);
    generateMessages(templates, { count, seed, attachmentRate }, (m) => {
      each(m);
      w.write(mboxEntry(m.raw, m.date));
    });
    w.flush();
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
  chmodSync(path, 0o644);
}

export function ensureDataset(o: { count: number; seed: number; cacheDir: string; log: (line: string) => void }): DatasetManifest {
  mkdirSync(o.cacheDir, { recursive: true, mode: 0o755 });
  chmodSync(o.cacheDir, 0o755);
  const corpus = loadCorpus();
  const dir = join(o.cacheDir, `n${o.count}-s${o.seed}-g${GENERATOR_VERSION}-c${corpus.version}`);
  const manifestFile = join(dir, 'manifest.json');
  if (existsSync(manifestFile)) {
    const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as DatasetManifest;
    if (existsSync(m.mbox) && statSync(m.mbox).size === m.mboxBytes && existsSync(m.smallMbox)) {
      o.log(`data set: ${m.count} messages from the cache (${dir})`);
      return m;
    }
  }
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  chmodSync(dir, 0o755);
  o.log(`data set: generating ${o.count} messages (seed ${o.seed}) in ${dir}`);
  const t0 = performance.now();
  const planted: Record<string, number> = Object.fromEntries(PLANTED_WORDS.map((p) => [p.word, 0]));
  let messageBytes = 0;
  let attachments = 0;
  let attachmentBytes = 0;
  let replies = 0;
  let first = Infinity;
  let last = -Infinity;
  const mbox = join(dir, 'data.mbox');
  writeMbox(mbox, corpus.templates, o.count, o.seed, undefined, (m) => {
    messageBytes += m.raw.length;
    if (m.attachmentBytes > 0) {
      attachments++;
      attachmentBytes += m.attachmentBytes;
    }
    if (m.inReplyTo) replies++;
    for (const w of m.planted) planted[w]++;
    first = Math.min(first, m.date.getTime());
    last = Math.max(last, m.date.getTime());
    if (m.index > 0 && m.index % 100_000 === 0) o.log(`  ${m.index} messages`);
  });
  const smallCount = 500;
  const smallMbox = join(dir, 'imaptest.mbox');
  writeMbox(smallMbox, corpus.templates, smallCount, o.seed + 1, 0, () => undefined);
  const manifest: DatasetManifest = {
    generatorVersion: GENERATOR_VERSION, corpusVersion: corpus.version, seed: o.seed, count: o.count,
    mbox, mboxBytes: statSync(mbox).size, messageBytes, attachments, attachmentBytes, replies, planted,
    firstDate: new Date(first).toISOString(), lastDate: new Date(last).toISOString(),
    smallMbox, smallCount, generatedSeconds: (performance.now() - t0) / 1000,
  };
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n', { mode: 0o644 });
  o.log(`data set: ${o.count} messages, ${(manifest.mboxBytes / 1e6).toFixed(0)} MB, ${attachments} with attachments, ` +
    `${replies} replies, in ${manifest.generatedSeconds.toFixed(1)} s`);
  return manifest;
}
