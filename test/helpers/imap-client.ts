// A raw IMAP client for transcript tests: it sends exactly the bytes a test gives it and splits
// what comes back into response units (a line, with any literals it announces read inline), so
// tests can assert on the wire format itself.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { constants as zlib, createDeflateRaw, createInflateRaw, type DeflateRaw } from 'node:zlib';

export interface Unit {
  /** the unit as latin1 text, literals inline, without the final CRLF */
  text: string;
  /** the same as bytes */
  bytes: Buffer;
}

export interface TaggedResult {
  tag: string;
  status: 'OK' | 'NO' | 'BAD';
  /** the tagged line */
  line: string;
  /** untagged and continuation units before it */
  untagged: string[];
  units: Unit[];
}

export class ImapClient {
  private buf = Buffer.alloc(0);
  /** chunks received and not yet appended to buf (joined lazily: a big response arrives in many) */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** bytes still missing from a literal being received (0: waiting for a line end) */
  private need = 0;
  private units: Unit[] = [];
  private waiters: Array<() => void> = [];
  private counter = 0;
  closed = false;
  greeting = '';
  /** COMPRESS=DEFLATE (RFC 4978) output stream, once on */
  private deflater: DeflateRaw | null = null;
  /** bytes that crossed the socket, compressed or not (to see that compression happens) */
  wireBytesIn = 0;
  wireBytesOut = 0;

  private constructor(private socket: Socket | TLSSocket) {
    this.attach(socket);
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.on('data', (d: Buffer) => {
      this.wireBytesIn += d.length;
      this.receive(d);
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number, options: { tls?: boolean } = {}): Promise<ImapClient> {
    const socket = options.tls
      ? tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false })
      : netConnect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    const c = new ImapClient(socket);
    c.greeting = (await c.next()).text;
    return c;
  }

  private receive(d: Buffer): void {
    this.pending.push(d);
    this.pendingBytes += d.length;
    // only look for complete units once a line end has arrived; join the pieces then
    if (this.need > 0 ? this.pendingBytes >= this.need : d.includes(10)) this.split();
  }

  /**
   * Turns on COMPRESS=DEFLATE after the server's OK: raw deflate both ways, every write flushed
   * with Z_SYNC_FLUSH as RFC 4978 §4 asks of both sides. Nothing here flushes on the server's
   * behalf: a response the server leaves in its compressor is never seen.
   */
  startCompression(): void {
    const socket = this.socket;
    const inflater = createInflateRaw();
    const deflater = createDeflateRaw();
    socket.removeAllListeners('data');
    socket.removeAllListeners('close');
    socket.on('data', (d: Buffer) => {
      this.wireBytesIn += d.length;
      inflater.write(d);
    });
    // what the server sent just before closing may still be in the inflater: closed comes after it
    socket.on('close', () => inflater.flush(zlib.Z_SYNC_FLUSH, () => {
      this.closed = true;
      this.wake();
    }));
    inflater.on('data', (d: Buffer) => this.receive(d));
    inflater.on('error', () => {
      this.closed = true;
      this.wake();
      socket.destroy();
    });
    deflater.on('data', (d: Buffer) => {
      this.wireBytesOut += d.length;
      socket.write(d);
    });
    this.deflater = deflater;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Cuts complete units out of the buffer. */
  private split(): void {
    this.need = 0;
    if (this.pending.length > 0) {
      this.buf = Buffer.concat([this.buf, ...this.pending], this.buf.length + this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
    let pos = 0;
    for (;;) {
      const lf = this.buf.indexOf(10, pos);
      if (lf < 0) return;
      const m = /\{(\d+)\+?\}\r$/.exec(this.buf.toString('latin1', Math.max(pos, lf - 30), lf));
      if (m) {
        const n = Number(m[1]);
        if (this.buf.length < lf + 1 + n) {
          this.need = lf + 1 + n - this.buf.length;
          return;
        }
        pos = lf + 1 + n;
        continue;
      }
      const end = lf > 0 && this.buf[lf - 1] === 13 ? lf - 1 : lf;
      const bytes = Buffer.from(this.buf.subarray(0, end));
      this.units.push({ bytes, text: bytes.toString('latin1') });
      this.buf = this.buf.subarray(lf + 1);
      pos = 0;
      this.wake();
    }
  }

  /** The next response unit; rejects after timeoutMs or when the server closes first. */
  async next(timeoutMs = 20_000): Promise<Unit> {
    const deadline = Date.now() + timeoutMs;
    while (this.units.length === 0) {
      if (this.closed) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a response');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.units.shift() as Unit;
  }

  /** Units received and not yet read, without waiting. */
  drain(): Unit[] {
    const u = this.units;
    this.units = [];
    return u;
  }

  /** Waits for a unit whose text matches; returns it and the units read before it. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<{ unit: Unit; before: Unit[] }> {
    const before: Unit[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const u = await this.next(Math.max(1, deadline - Date.now()));
      if (pattern.test(u.text)) return { unit: u, before };
      before.push(u);
    }
  }

  write(data: string | Buffer): void {
    if (this.deflater) {
      this.deflater.write(data);
      this.deflater.flush(zlib.Z_SYNC_FLUSH);
      return;
    }
    this.wireBytesOut += Buffer.byteLength(data);
    this.socket.write(data);
  }

  nextTag(): string {
    return `A${++this.counter}`;
  }

  /** Reads units until the tagged response for `tag`. */
  async result(tag: string, timeoutMs = 30_000): Promise<TaggedResult> {
    const units: Unit[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const u = await this.next(Math.max(1, deadline - Date.now()));
      const m = /^(\S+) (OK|NO|BAD)\b/.exec(u.text);
      if (m && m[1] === tag) {
        return { tag, status: m[2] as TaggedResult['status'], line: u.text, untagged: units.map((x) => x.text), units };
      }
      units.push(u);
    }
  }

  /** Sends `tag command` CRLF and returns its result. */
  async exec(command: string | Buffer, timeoutMs?: number): Promise<TaggedResult> {
    const tag = this.nextTag();
    this.write(Buffer.concat([Buffer.from(`${tag} `), Buffer.isBuffer(command) ? command : Buffer.from(command, 'utf8'),
      Buffer.from('\r\n')]));
    return this.result(tag, timeoutMs);
  }

  /** LOGIN with a quoted user and password. */
  async login(user: string, password: string): Promise<TaggedResult> {
    const r = await this.exec(`LOGIN "${user}" "${password}"`);
    if (r.status !== 'OK') throw new Error(`login failed: ${r.line}`);
    return r;
  }

  /** APPEND with a synchronizing literal, waiting for the continuation like a careful client. */
  async append(mailbox: string, message: Buffer | string, options: { flags?: string; date?: string } = {}): Promise<TaggedResult> {
    const bytes = Buffer.isBuffer(message) ? message : Buffer.from(message, 'utf8');
    const tag = this.nextTag();
    const opts = (options.flags ? ` (${options.flags})` : '') + (options.date ? ` "${options.date}"` : '');
    this.write(`${tag} APPEND "${mailbox}"${opts} {${bytes.length}}\r\n`);
    const cont = await this.next();
    if (!cont.text.startsWith('+')) {
      return { tag, status: /^\S+ (OK|NO|BAD)/.exec(cont.text)?.[1] as TaggedResult['status'], line: cont.text, untagged: [], units: [] };
    }
    this.write(Buffer.concat([bytes, Buffer.from('\r\n')]));
    return this.result(tag);
  }

  /** Upgrades the socket to TLS (after a STARTTLS OK). */
  async startTls(): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    const secure = tlsConnect({ socket: plain, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
  }

  /**
   * Sends `data` and FIN in one write (so they tend to arrive together), compressed when
   * compression is on: the server must still act on the data.
   */
  endWith(data: Buffer): void {
    const deflater = this.deflater;
    if (!deflater) {
      this.socket.end(data);
      return;
    }
    const socket = this.socket;
    deflater.removeAllListeners('data');
    deflater.removeAllListeners('end');
    const out: Buffer[] = [];
    deflater.on('data', (d: Buffer) => out.push(d));
    deflater.on('end', () => socket.end(Buffer.concat(out)));
    deflater.end(data);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 1000).unref();
    });
  }
}

/** A small RFC 5322 message with CRLF line ends. */
export function message(subject: string, body = 'Hello.\r\n', extra: Record<string, string> = {}): Buffer {
  const headers: Record<string, string> = {
    From: 'Bob Sender <bob@example.org>',
    To: 'Alice <alice@example.com>',
    Subject: subject,
    Date: 'Mon, 7 Feb 1994 21:52:25 -0800',
    'Message-ID': `<${subject.replace(/\W/g, '')}.${Math.random().toString(36).slice(2)}@example.org>`,
    ...extra,
  };
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return Buffer.from(`${head}\r\n${body}`, 'utf8');
}
