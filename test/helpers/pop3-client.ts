// Raw protocol clients for integration tests: a line-oriented socket (LineClient) and a POP3
// client on top of it that returns status lines and multi-line bodies byte for byte.
import net from 'node:net';
import tls from 'node:tls';

export class LineClient {
  // a growable buffer (doubling), so that reading a 10 MB body is linear, not quadratic
  private data = Buffer.alloc(64 * 1024);
  private start = 0;
  private end = 0;
  private waiter: (() => void) | null = null;
  private ended = false;

  protected constructor(public socket: net.Socket) {
    this.attach(socket);
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (d: Buffer) => {
      this.append(d);
      this.wake();
    });
    socket.on('close', () => { this.ended = true; this.wake(); });
    socket.on('error', () => { this.ended = true; this.wake(); });
  }

  private append(d: Buffer): void {
    if (this.end + d.length > this.data.length) {
      const used = this.end - this.start;
      const next = Buffer.alloc(Math.max(this.data.length, 2 * (used + d.length)));
      this.data.copy(next, 0, this.start, this.end);
      this.data = next;
      this.start = 0;
      this.end = used;
    }
    d.copy(this.data, this.end);
    this.end += d.length;
  }

  private get buffer(): Buffer {
    return this.data.subarray(this.start, this.end);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  static async open(port: number): Promise<net.Socket> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return socket;
  }

  /** Implicit TLS (POP3S, IMAPS); the self-signed certificate is accepted. */
  static async openTls(port: number): Promise<net.Socket> {
    const socket = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    return socket;
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /**
   * Waits until `test` finds what it needs in the unread bytes; it returns how many bytes to take
   * (or -1), and is told how many bytes it has already seen, so it need not scan them again.
   */
  protected async waitFor(test: (b: Buffer, seen: number) => number, timeoutMs: number): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    let seen = 0;
    for (;;) {
      const b = this.buffer;
      const n = test(b, seen);
      if (n >= 0) {
        const out = Buffer.from(b.subarray(0, n));
        this.start += n;
        return out;
      }
      seen = b.length;
      if (this.ended) throw new Error(`connection closed; unread: ${JSON.stringify(b.toString('latin1').slice(0, 200))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout; unread: ${JSON.stringify(b.toString('latin1').slice(0, 200))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => { clearTimeout(t); resolve(); };
      });
    }
  }

  /** One line without its CRLF. */
  async readLine(timeoutMs = 5000): Promise<string> {
    const line = await this.waitFor((b, seen) => {
      const i = b.indexOf('\r\n', Math.max(0, seen - 1));
      return i < 0 ? -1 : i + 2;
    }, timeoutMs);
    return line.subarray(0, line.length - 2).toString('utf8');
  }

  /** Bytes up to and including `terminator`. */
  async readUntil(terminator: string, timeoutMs = 5000): Promise<Buffer> {
    const t = Buffer.from(terminator);
    return this.waitFor((b, seen) => {
      const i = b.indexOf(t, Math.max(0, seen - t.length + 1));
      return i < 0 ? -1 : i + t.length;
    }, timeoutMs);
  }

  /** Resolves when the server has closed the connection. */
  async closed(timeoutMs = 5000): Promise<void> {
    await this.waitFor((b) => (this.ended ? b.length : -1), timeoutMs);
  }

  get isClosed(): boolean {
    return this.ended;
  }

  /** Anything received and not yet read. */
  get unread(): Buffer {
    return this.buffer;
  }

  /** Starts TLS on the same socket (after STLS/STARTTLS); the self-signed certificate is accepted. */
  async startTls(): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    this.start = this.end = 0;
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface MultiLine {
  status: string;
  /** the body exactly as sent, dot-stuffed, without the final ".\r\n" */
  raw: Buffer;
  /** the body with the transparency dots removed */
  body: Buffer;
  lines: string[];
}

/** Removes POP3/SMTP transparency dots from a CRLF body. */
export function unstuff(raw: Buffer): Buffer {
  return Buffer.from(raw.toString('latin1').replace(/(^|\r\n)\./g, '$1'), 'latin1');
}

export class Pop3Client extends LineClient {
  greeting = '';

  static async connect(port: number, implicitTls = false): Promise<Pop3Client> {
    const c = new Pop3Client(await (implicitTls ? LineClient.openTls(port) : LineClient.open(port)));
    c.greeting = await c.readLine();
    return c;
  }

  /** Sends a command and returns its status line. */
  async command(line: string): Promise<string> {
    this.send(line + '\r\n');
    return this.readLine();
  }

  /** Reads a multi-line body after a +OK status; returns it without the terminating ".\r\n". */
  async readBody(timeoutMs = 20_000): Promise<Buffer> {
    const all = await this.waitFor((b, seen) => {
      if (b.subarray(0, 3).toString('latin1') === '.\r\n') return 3;
      const i = b.indexOf('\r\n.\r\n', Math.max(0, seen - 4));
      return i < 0 ? -1 : i + 5;
    }, timeoutMs);
    return all.subarray(0, all.length - 3);
  }

  /** Sends a command expected to answer with a multi-line body. */
  async multi(line: string): Promise<MultiLine> {
    const status = await this.command(line);
    if (!status.startsWith('+OK')) return { status, raw: Buffer.alloc(0), body: Buffer.alloc(0), lines: [] };
    const raw = await this.readBody();
    const text = raw.toString('utf8');
    return { status, raw, body: unstuff(raw), lines: text === '' ? [] : text.replace(/\r\n$/, '').split('\r\n') };
  }

  /** USER + PASS; returns the PASS status line. */
  async login(user: string, password: string): Promise<string> {
    const u = await this.command(`USER ${user}`);
    if (!u.startsWith('+OK')) return u;
    return this.command(`PASS ${password}`);
  }
}
