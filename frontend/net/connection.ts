// A client connection with a pull-style reader: protocol sessions `await readLine()` and
// `await readBytes(n)` instead of juggling 'data' events. Bytes stay Buffers end to end.
// STARTTLS swaps the socket underneath and discards anything the client pipelined after the
// command (RFC 3207 §4.2, RFC 2595 §3.1: no command injection across the TLS boundary).
// COMPRESS=DEFLATE (RFC 4978) puts raw deflate streams between the socket (plain or TLS) and the
// reader/writer: the protocol code keeps reading and writing uncompressed bytes.
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { constants as zlib, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from 'node:zlib';

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
  /** COMPRESS=DEFLATE streams, once compression is active */
  private inflater: InflateRaw | null = null;
  private deflater: DeflateRaw | null = null;
  /** the peer closed and the inflater is being drained, or has been */
  private draining = false;
  private inflaterDrained = false;
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
      this.bytesIn += d.length;
      this.touch();
      if (this.inflater) this.inflater.write(d);
      else this.received(d);
    });
    socket.on('end', () => this.inputEnded());
    socket.on('close', () => { this.inputEnded(); this.clearTimer(); });
    socket.on('error', () => { this.ended = true; this.wake(); });
  }

  /**
   * The peer sent its last byte. With compression the inflater may still hold some of it (a
   * command sent just before the peer closed): the end counts once the inflater has let go.
   */
  private inputEnded(): void {
    const inflater = this.inflater;
    if (inflater && !this.inflaterDrained && !inflater.destroyed) {
      // a flush, not end(): clients never finish the deflate stream, and ending it would only
      // raise "unexpected end of file"; the callback comes after everything written was inflated
      if (this.draining) return;
      this.draining = true;
      inflater.flush(zlib.Z_SYNC_FLUSH, () => {
        this.inflaterDrained = true;
        this.ended = true;
        this.wake();
      });
      return;
    }
    this.ended = true;
    this.wake();
  }

  /** Bytes for the reader (after decompression, when active). */
  private received(d: Buffer): void {
    this.chunks.push(d);
    this.buffered += d.length;
    // a client sending without reading our replies must not grow our memory without end
    // (pausing below what a pending readBytes asked for would only make a big literal crawl in
    // one event-loop turn per chunk); the inflater is paused too, so a small compressed chunk
    // cannot expand without bound either
    if (this.buffered > Math.max(16 * 1024 * 1024, this.wanted)) {
      this.socket.pause();
      this.inflater?.pause();
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    if (w) w();
  }

  private async more(): Promise<void> {
    if (this.ended) throw new ConnectionClosed();
    if (this.socket.isPaused()) this.socket.resume();
    if (this.inflater?.isPaused()) this.inflater.resume();
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
    this.touch();
    const deflater = this.deflater;
    if (deflater) {
      // every write is one burst of responses: flush it (Z_SYNC_FLUSH) so the client can inflate
      // all of it now instead of stalling on bytes held back in the compressor; the flush
      // callback comes once the compressed bytes went to the socket, and a socket that does
      // not drain pauses the deflater (see startCompression), so back-pressure still holds
      return new Promise((resolve) => {
        deflater.write(buf);
        deflater.flush(zlib.Z_SYNC_FLUSH, () => resolve());
      });
    }
    this.bytesOut += buf.length;
    return this.rawWrite(buf);
  }

  private rawWrite(buf: Buffer): Promise<void> {
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

  /** Whether COMPRESS=DEFLATE is active (RFC 4978 §3: at most once per connection). */
  get compressed(): boolean {
    return this.deflater !== null;
  }

  /**
   * Starts COMPRESS=DEFLATE (RFC 4978) in both directions, right after the tagged OK was
   * written. Anything already buffered arrived after that OK, so it is compressed too and goes
   * through the inflater first. A corrupt stream ends the connection.
   */
  startCompression(): void {
    if (this.deflater) return;
    const pending = this.take(this.buffered);
    const inflater = createInflateRaw();
    const deflater = createDeflateRaw({ level: zlib.Z_DEFAULT_COMPRESSION });
    this.inflater = inflater;
    this.deflater = deflater;
    inflater.on('data', (d: Buffer) => this.received(d));
    inflater.on('error', () => { this.ended = true; this.wake(); this.socket.destroy(); });
    deflater.on('data', (d: Buffer) => {
      this.bytesOut += d.length;
      if (this.socket.destroyed) return;
      if (!this.socket.write(d)) {
        deflater.pause();
        this.socket.once('drain', () => deflater.resume());
      }
    });
    deflater.on('error', () => this.socket.destroy());
    if (pending.length > 0) inflater.write(pending);
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
    this.inflater?.destroy();
    this.deflater?.destroy();
  }

  destroy(): void {
    this.clearTimer();
    this.socket.destroy();
    this.inflater?.destroy();
    this.deflater?.destroy();
  }
}
