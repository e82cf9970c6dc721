// RFC 1939 §3 multi-line responses: every line ends in CRLF, a line starting with "." gets another
// "." in front, and "." on a line of its own ends the response. Pure and incremental, so a large
// message streams through in chunks.
//
// Stored messages are byte-exact and may contain lines ending in a bare LF (mail from systems that
// never spoke SMTP, or imported mbox files). POP3 has no way to carry those, so on the wire a bare
// LF becomes CRLF; a CR not followed by LF is passed through. The stored bytes never change.

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');
const DOT_BUF = Buffer.from('.');

export class DotStuffer {
  private atLineStart = true;
  private previous = -1;

  /** Transforms the next chunk of the message. */
  push(chunk: Buffer): Buffer {
    if (!chunk.length) return chunk;
    const out: Buffer[] = [];
    let start = 0;
    let i = 0;
    for (;;) {
      if (this.atLineStart && i < chunk.length) {
        this.atLineStart = false;
        if (chunk[i] === DOT) {
          out.push(chunk.subarray(start, i), DOT_BUF);
          start = i;
        }
      }
      const lf = chunk.indexOf(LF, i);
      if (lf < 0) break;
      const before = lf > 0 ? chunk[lf - 1] : this.previous;
      if (before !== CR) {
        out.push(chunk.subarray(start, lf), CRLF);
        start = lf + 1;
      }
      i = lf + 1;
      this.atLineStart = true;
    }
    out.push(chunk.subarray(start));
    this.previous = chunk[chunk.length - 1];
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }

  /** The end of the last line if the message did not end with one (the session adds "."). */
  end(): Buffer {
    if (this.atLineStart) return Buffer.alloc(0);
    return Buffer.from(this.previous === CR ? '\n' : '\r\n');
  }
}

/** A whole message as a complete multi-line body, terminating "." included (tests, small data). */
export function dotStuff(message: Buffer): Buffer {
  const s = new DotStuffer();
  return Buffer.concat([s.push(message), s.end(), Buffer.from('.\r\n')]);
}
