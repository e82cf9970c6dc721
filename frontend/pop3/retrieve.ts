// RETR and TOP (RFC 1939 §7, §11) read a stored message in slices (api.pop_retrieve) and send it
// dot-stuffed as it arrives, so a 100 MB message never sits in memory whole, and a slow client
// holds back the reading through the connection's back-pressure.
import type { Pop3Session } from './session.ts';
import { DotStuffer } from './dot-stuff.ts';

/**
 * Bytes per database round trip. Small enough that many concurrent RETRs stay cheap in memory
 * (a slice travels as hex text, then as a Buffer, then dot-stuffed); large enough that a big
 * message needs few round trips.
 */
export const CHUNK_BYTES = 1024 * 1024;
/** TOP usually needs only the header: its first slice is smaller. */
export const TOP_FIRST_SLICE = 64 * 1024;

interface SliceRow extends Record<string, unknown> {
  size: number;
  header_size: number;
  chunk: Buffer;
}

export interface OpenedMessage {
  uid: number;
  size: number;
  headerSize: number;
  first: Buffer;
}

/** The first slice of a message; null when it has been expunged since the snapshot. */
export async function openMessage(session: Pop3Session, uid: number, firstSlice = CHUNK_BYTES): Promise<OpenedMessage | null> {
  const drop = session.maildrop!;
  const [row] = await session.ctx.db.call<SliceRow>('pop_retrieve', session.user!.id, drop.mailbox, uid, 0, firstSlice);
  if (!row) return null;
  return { uid, size: row.size, headerSize: row.header_size, first: row.chunk };
}

/**
 * Where TOP stops (RFC 1939 §7): after the header block and the blank line, then after the n-th
 * line of the body. Given each slice and its offset, says how much of it to send.
 */
export class TopCutter {
  private lines = 0;
  done = false;
  constructor(private readonly headerSize: number, private readonly bodyLines: number) {}

  take(chunk: Buffer, offset: number): Buffer {
    if (this.done) return chunk.subarray(0, 0);
    const bodyStart = Math.max(0, this.headerSize - offset);
    if (bodyStart >= chunk.length) return chunk;
    if (this.lines >= this.bodyLines) {
      this.done = true;
      return chunk.subarray(0, bodyStart);
    }
    let i = bodyStart;
    for (;;) {
      const lf = chunk.indexOf(0x0a, i);
      if (lf < 0) return chunk;
      this.lines++;
      i = lf + 1;
      if (this.lines >= this.bodyLines) {
        this.done = true;
        return chunk.subarray(0, i);
      }
    }
  }
}

/** The message (or, with a cutter, its top) as dot-stuffed pieces. */
export async function* messageBody(session: Pop3Session, m: OpenedMessage, cutter?: TopCutter): AsyncIterable<Buffer> {
  const stuffer = new DotStuffer();
  const drop = session.maildrop!;
  let offset = 0;
  let chunk: Buffer | null = m.first;
  while (chunk && chunk.length) {
    const part = cutter ? cutter.take(chunk, offset) : chunk;
    yield stuffer.push(part);
    offset += chunk.length;
    if (cutter?.done || offset >= m.size) break;
    const [row]: SliceRow[] = await session.ctx.db.call<SliceRow>('pop_retrieve', session.user!.id, drop.mailbox, m.uid, offset, CHUNK_BYTES);
    chunk = row ? row.chunk : null;
    if (!row) throw new Error(`message uid ${m.uid} vanished while being sent`);
  }
  yield stuffer.end();
}
