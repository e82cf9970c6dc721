// Reading mbox files (RFC 4155) as a stream, so a multi-gigabyte mbox never sits in memory whole.
//
// What is kept: every byte of each message exactly as the file holds it, except
//  - the From_ line that starts it (its date becomes the internal date), and
//  - the blank line that separates it from the next From_ line: a message whose bytes end in an
//    empty line ("...\n\n" or "...\r\n\r\n") loses that one final line terminator, because mbox
//    writers append it. A message that does not end in a blank line is kept as it is (files made
//    by concatenating messages). Consequence: a message with no final newline at all cannot be
//    represented in mbox; its writer had to add one, and we keep what was written.
// ">From " quoting: by default (mboxo) nothing is unescaped, because only the writer knows
// whether ">From " was its quoting or the message's own text, and the quoted form is what the
// delivering agent stored. With mboxrd: true, every line matching /^>+From / loses one ">",
// which restores the original bytes exactly for files written by mboxrd writers.
import { open } from 'node:fs/promises';
import { MAX_FROM_LINE, parseFromLine, type FromLine } from './from-line.ts';
import type { SourceItem } from './types.ts';

const NL = 0x0a;
const CR = 0x0d;
const GT = 0x3e;
const READ_SIZE = 1 << 20;
const FROM = Buffer.from('From ');
const NL_FROM = Buffer.from('\nFrom ');
const GT_FROM = Buffer.from('>From ');

export interface MboxOptions {
  /** unescape mboxrd quoting (">From " → "From ", ">>From " → ">From ", …) */
  mboxrd?: boolean;
}

/** Removes the mbox separator: one final line terminator when the message ends in an empty line. */
export function stripSeparator(raw: Buffer): Buffer {
  const n = raw.length;
  if (n >= 4 && raw[n - 4] === CR && raw[n - 3] === NL && raw[n - 2] === CR && raw[n - 1] === NL) return raw.subarray(0, n - 2);
  if (n >= 2 && raw[n - 2] === NL && raw[n - 1] === NL) return raw.subarray(0, n - 1);
  if (n === 1 && raw[0] === NL) return raw.subarray(0, 0);
  return raw;
}

/** mboxrd unquoting: one ">" less on every line that is ">"s followed by "From ". */
export function unescapeMboxrd(raw: Buffer): Buffer {
  let i = raw.indexOf(GT_FROM);
  if (i < 0) return raw;
  const out: Buffer[] = [];
  let last = 0;
  while (i >= 0) {
    let s = i;
    while (s > 0 && raw[s - 1] === GT) s--;
    if (s === 0 || raw[s - 1] === NL) {
      out.push(raw.subarray(last, s));
      last = s + 1;
    }
    i = raw.indexOf(GT_FROM, i + GT_FROM.length);
  }
  out.push(raw.subarray(last));
  return Buffer.concat(out);
}

/** mboxrd quoting, for writers (tests, bench): one ">" more on every line matching /^>*From /. */
export function escapeMboxrd(raw: Buffer): Buffer {
  const out: Buffer[] = [];
  let last = 0;
  let lineStart = 0;
  while (lineStart < raw.length) {
    let p = lineStart;
    while (p < raw.length && raw[p] === GT) p++;
    if (raw.subarray(p, p + FROM.length).equals(FROM)) {
      out.push(raw.subarray(last, lineStart), Buffer.from('>'));
      last = lineStart;
    }
    const nl = raw.indexOf(NL, lineStart);
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  out.push(raw.subarray(last));
  return Buffer.concat(out);
}

function isBlank(b: Buffer): boolean {
  for (const c of b) if (c !== NL && c !== CR && c !== 0x20 && c !== 0x09) return false;
  return true;
}

/**
 * Yields the messages of an mbox file in order, and a problem for what cannot be read: an
 * unreadable file, or bytes before the first From_ line (a file without any is not an mbox).
 */
export async function* readMbox(file: string, options: MboxOptions = {}): AsyncGenerator<SourceItem> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    yield { kind: 'problem', file, reason: `cannot open: ${(e as Error).message}`, bytes: 0 };
    return;
  }
  // the current message: its From_ line and its bytes so far (slices of the chunks read)
  let envelope: FromLine | null = null;
  let envelopeOffset = 0;
  let parts: Buffer[] = [];
  let index = 0;
  // bytes before the first From_ line
  let junk = 0;
  let junkText = false;
  // an incomplete last line that may still turn out to be a From_ line
  let carry = Buffer.alloc(0);
  // false when the data that follows continues a line already passed on (too long for a From_ line)
  let atLineStart = true;
  let fileOffset = 0;  // offset of the data being scanned

  const finish = (): SourceItem | null => {
    if (!envelope) return null;
    let raw = stripSeparator(Buffer.concat(parts));
    if (options.mboxrd) raw = unescapeMboxrd(raw);
    parts = [];
    return { kind: 'message', raw, file, offset: envelopeOffset, index, date: envelope.date, flags: [], headerFlags: true };
  };

  // Scans complete lines (data ends with NL, or is the file's last line) for From_ lines.
  const scan = function* (data: Buffer, startsLine: boolean): Generator<SourceItem> {
    let segStart = 0;
    let c = startsLine && data.subarray(0, FROM.length).equals(FROM) ? 0 : -1;
    if (c < 0) {
      const f = data.indexOf(NL_FROM);
      c = f < 0 ? -1 : f + 1;
    }
    while (c >= 0) {
      let end = data.indexOf(NL, c);
      if (end < 0) end = data.length;
      const from = parseFromLine(data.subarray(c, end));
      if (from) {
        if (envelope) {
          parts.push(data.subarray(segStart, c));
          const m = finish();
          if (m) yield m;
        } else {
          const before = data.subarray(segStart, c);
          junk += before.length;
          junkText ||= !isBlank(before);
        }
        envelope = from;
        envelopeOffset = fileOffset + c;
        index++;
        segStart = Math.min(end + 1, data.length);
      }
      const f = data.indexOf(NL_FROM, c);
      c = f < 0 ? -1 : f + 1;
    }
    const rest = data.subarray(segStart);
    if (envelope) parts.push(rest);
    else {
      junk += rest.length;
      junkText ||= !isBlank(rest);
    }
  };

  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(READ_SIZE);  // fresh each time: message parts keep slices of it
      let bytesRead: number;
      try {
        ({ bytesRead } = await fh.read(chunk, 0, READ_SIZE, null));
      } catch (e) {
        // the message being read is incomplete: it is skipped with the rest of the file
        yield { kind: 'problem', file, offset: envelope ? envelopeOffset : fileOffset, index: envelope ? index : undefined,
                reason: `read error, rest of the file skipped: ${(e as Error).message}`, bytes: 0 };
        return;
      }
      if (bytesRead === 0) break;
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      const lastNl = data.lastIndexOf(NL);
      const startsLine = atLineStart;
      if (lastNl < 0) {
        // no complete line yet: keep it while it could still become a From_ line
        if (startsLine && data.length <= MAX_FROM_LINE &&
            data.subarray(0, FROM.length).equals(FROM.subarray(0, Math.min(data.length, FROM.length)))) {
          carry = Buffer.from(data);
          continue;
        }
        if (envelope) parts.push(data);
        else {
          junk += data.length;
          junkText ||= !isBlank(data);
        }
        fileOffset += data.length;
        carry = Buffer.alloc(0);
        atLineStart = false;
        continue;
      }
      yield* scan(data.subarray(0, lastNl + 1), startsLine);
      fileOffset += lastNl + 1;
      carry = Buffer.from(data.subarray(lastNl + 1));
      atLineStart = true;
    }
    if (carry.length) yield* scan(carry, atLineStart);
    const m = finish();
    if (m) yield m;
    if (index === 0 && junkText) {
      yield { kind: 'problem', file, reason: 'not an mbox: no From_ line found', bytes: junk };
    } else if (junkText) {
      yield { kind: 'problem', file, offset: 0, reason: `${junk} bytes before the first From_ line were not imported`, bytes: junk };
    }
  } finally {
    await fh.close();
  }
}
