// The data set's file format: one mbox ("From " line, the message, a blank line). The generator never
// produces a line that starts with "From " inside a message, so no quoting is needed and every mbox
// reader (mboxo, mboxrd, Dovecot's, aox import's) sees the same bytes.
import { closeSync, openSync, readSync } from 'node:fs';
import { asctimeDate } from './generator.ts';

export const MBOX_SENDER = 'bench@bench.aox.invalid';

export function mboxEntry(raw: Buffer, date: Date): Buffer[] {
  return [Buffer.from(`From ${MBOX_SENDER} ${asctimeDate(date.getTime())}\n`, 'latin1'), raw, Buffer.from('\n')];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The date of a "From sender Www Mmm dd hh:mm:ss yyyy" line (UTC), or null. */
export function fromLineDate(line: string): Date | null {
  const m = /^From \S+\s+\w{3} (\w{3})\s+(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4})/.exec(line);
  if (!m) return null;
  const month = MONTHS.indexOf(m[1]);
  if (month < 0) return null;
  return new Date(Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])));
}

export interface MboxMessage {
  raw: Buffer;
  date: Date | null;
}

const SEPARATOR = Buffer.from('\nFrom ');
const CHUNK = 4 * 1024 * 1024;

/**
 * Reads an mbox message by message with bounded memory (a chunk plus the largest message).
 * `limit` stops early, so a scenario can take the first N messages of a million.
 */
export function* readMbox(path: string, limit = Infinity): Generator<MboxMessage> {
  const fd = openSync(path, 'r');
  try {
    let pending = Buffer.alloc(0);
    let eof = false;
    let count = 0;
    let searchFrom = 0;
    while (count < limit) {
      const sep = pending.indexOf(SEPARATOR, searchFrom);
      if (sep < 0 && !eof) {
        const chunk = Buffer.allocUnsafe(CHUNK);
        const n = readSync(fd, chunk, 0, CHUNK, null);
        if (n === 0) eof = true;
        // keep searching where the last search stopped, less the separator's length
        searchFrom = Math.max(0, pending.length - SEPARATOR.length);
        pending = n === 0 ? pending : Buffer.concat([pending, chunk.subarray(0, n)]);
        continue;
      }
      const end = sep < 0 ? pending.length : sep;
      if (end > 0 || sep >= 0) {
        const entry = pending.subarray(0, end);
        const nl = entry.indexOf(0x0a);
        const header = (nl < 0 ? entry : entry.subarray(0, nl)).toString('latin1');
        if (header.startsWith('From ')) {
          let raw = nl < 0 ? Buffer.alloc(0) : entry.subarray(nl + 1);
          // at the end of the file the blank separator line is still attached
          if (sep < 0 && raw.length >= 2 && raw[raw.length - 1] === 0x0a && raw[raw.length - 2] === 0x0a) raw = raw.subarray(0, raw.length - 1);
          yield { raw: Buffer.from(raw), date: fromLineDate(header) };
          count++;
        }
      }
      if (sep < 0) break;
      pending = pending.subarray(sep + 1);
      searchFrom = 0;
    }
  } finally {
    closeSync(fd);
  }
}

const CRLF = Buffer.from('\r\n');

/** LF → CRLF (bare LFs only), as a client sends a message over IMAP, LMTP or POP3. */
export function toCrlf(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let lf = raw.indexOf(0x0a); lf >= 0; lf = raw.indexOf(0x0a, lf + 1)) {
    if (lf > 0 && raw[lf - 1] === 0x0d) continue;
    parts.push(raw.subarray(from, lf), CRLF);
    from = lf + 1;
  }
  if (parts.length === 0) return raw;
  parts.push(raw.subarray(from));
  return Buffer.concat(parts);
}
