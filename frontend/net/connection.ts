// A client connection with a pull-style reader: protocol sessions `await readLine()` and
// `await readBytes(n)` instead of juggling 'data' events. Bytes stay Buffers end to end.
// STARTTLS swaps the socket underneath and discards anything the client pipelined after the
// command (RFC 3207 §4.2, RFC 2595 §3.1: no command injection across the TLS boundary).
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';

export class ConnectionClosed extends Error {
  constructor() { super('connection closed'); }
}
export class LineTooLong extends Error {
  /** consumed: the whole line (up to its LF) was read and dropped; otherwise its start was left
   *  in the buffer, and a reader that wants to resynchronise must discard up to the next LF */
  constructor(public readonly limit: number, public readonly consumed = false) { super(`line longer than ${limit} bytes`); }
}

export class Connection {
  private socket: Socket;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private waiter: (() => void) | null = null;
  /** bytes a pending readBytes waits for: buffering up to that much is expected, not abuse */
  private wanted = 0;
  private ended = false;
  private timer: NodeJS.Timeout | null = null;
  private timeoutMs = 0;
  private onTimeout: (() => void) | null = null;
  readonly remoteAddress: string;
  readonly localPort: number;
  /** bytes read and written, for logs */
  bytesIn = 0;
  bytesOut = 0;

  constructor(socket: Socket, public secure = false) {
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.localPort = socket.localPort ?? 0;
    this.attach(socket);
  }

  private attach(socket: Socket): void {
    socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.buffered += d.length;
      this.bytesIn += d.length;
      this.touch();
      // a client sending without reading our replies must not grow our memory without end
      // (pausing below what a pending readBytes asked for would only make a big literal crawl in
      // one event-loop turn per chunk)
      if (this.buffered > Math.max(16 * 1024 * 1024, this.wanted)) socket.pause();
      this.wake();
    });
    socket.on('end', () => { this.ended = true; this.wake(); });
    socket.on('close', () => { this.ended = true; this.wake(); this.clearTimer(); });
    socket.on('error', () => { this.ended = true; this.wake(); });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    if (w) w();
  }

  private async more(): Promise<void> {
    if (this.ended) throw new ConnectionClosed();
    if (this.socket.isPaused()) this.socket.resume();
    await new Promise<void>((r) => { this.waiter = r; });
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }

  /** true when the peer is local (plaintext passwords may be allowed "localhost" only) */
  get isLoopback(): boolean {
    return this.remoteAddress === '127.0.0.1' || this.remoteAddress === '::1' || this.remoteAddress.startsWith('::ffff:127.');
  }

  get isClosed(): boolean {
    return this.ended || this.socket.destroyed;
  }

  /** Reads one line and returns it without its CRLF (a bare LF also ends a line). */
  async readLine(maxLength: number): Promise<Buffer> {
    const { line, end } = await this.nextLine(maxLength);
    return line.subarray(0, end);
  }

  /**
   * Reads one line and returns it with its ending exactly as received (CRLF, or a bare LF): for
   * LMTP DATA, which must store what was sent. maxLength applies to the line without its ending.
   */
  async readLineAsSent(maxLength: number): Promise<Buffer> {
    return (await this.nextLine(maxLength)).line;
  }

  /** The next line with its ending, and where its content ends (before CRLF or LF). */
  private async nextLine(maxLength: number): Promise<{ line: Buffer; end: number }> {
    let scanned = 0;
    for (;;) {
      for (let ci = 0, offset = 0; ci < this.chunks.length; offset += this.chunks[ci].length, ci++) {
        const c = this.chunks[ci];
        if (offset + c.length <= scanned) continue;
        const i = c.indexOf(10, Math.max(0, scanned - offset));
        if (i >= 0) {
          const line = this.take(offset + i + 1);
          const end = line.length >= 2 && line[line.length - 2] === 13 ? line.length - 2 : line.length - 1;
          if (end > maxLength) throw new LineTooLong(maxLength, true);
          return { line, end };
        }
      }
      scanned = this.buffered;
      if (this.buffered > maxLength + 2) {
        throw new LineTooLong(maxLength);
      }
      await this.more();
    }
  }

  /** Reads exactly n bytes (a literal, a DATA chunk). */
  async readBytes(n: number): Promise<Buffer> {
    this.wanted = n;
    try {
      while (this.buffered < n) await this.more();
    } finally {
      this.wanted = 0;
    }
    return Buffer.from(this.take(n));
  }

  /** Reads and throws away n bytes (a literal we refused but the client sends anyway). */
  async discardBytes(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.buffered === 0) await this.more();
      const k = Math.min(left, this.buffered);
      this.take(k);
      left -= k;
    }
  }

  /** Whether more input is already waiting (pipelining). */
  get hasBufferedInput(): boolean {
    return this.buffered > 0;
  }

  write(data: Buffer | string): Promise<void> {
    if (this.socket.destroyed || !this.socket.writable) return Promise.resolve();
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.bytesOut += buf.length;
    this.touch();
    return new Promise((resolve) => {
      // wait for drain so a slow reader applies back-pressure to FETCH streaming
      if (this.socket.write(buf)) resolve();
      else {
        const done = () => { this.socket.off('drain', done); this.socket.off('close', done); resolve(); };
        this.socket.once('drain', done);
        this.socket.once('close', done);
      }
    });
  }

  /** Sets the inactivity timeout (re-armed by any traffic). */
  setIdleTimeout(ms: number, onTimeout: () => void): void {
    this.timeoutMs = ms;
    this.onTimeout = onTimeout;
    this.touch();
  }

  private touch(): void {
    this.clearTimer();
    if (this.timeoutMs > 0 && this.onTimeout && !this.ended) {
      this.timer = setTimeout(() => this.onTimeout?.(), this.timeoutMs);
      this.timer.unref();
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Upgrades to TLS in place; input pipelined before the handshake is discarded. */
  async startTls(context: SecureContext): Promise<void> {
    this.chunks = [];
    this.buffered = 0;
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('end');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    const secure = new TLSSocket(plain, { isServer: true, secureContext: context });
    this.socket = secure;
    this.attach(secure);
    await new Promise<void>((resolve, reject) => {
      secure.once('secure', () => resolve());
      secure.once('error', reject);
      secure.once('close', () => reject(new ConnectionClosed()));
    });
    this.secure = true;
  }

  /** Closes after flushing what was written. */
  async close(): Promise<void> {
    this.clearTimer();
    if (this.socket.destroyed) return;
    await new Promise<void>((resolve) => {
      this.socket.end(() => resolve());
      setTimeout(resolve, 2000).unref();
    });
    this.socket.destroy();
  }

  destroy(): void {
    this.clearTimer();
    this.socket.destroy();
  }
}
