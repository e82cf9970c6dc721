// A socket read line by line (LMTP, POP3), with a timeout on every read so no scenario can hang.
import { connect as netConnect, type Socket } from 'node:net';

export class LineSocket {
  private buf: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  private error: Error | null = null;

  private constructor(private socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.wake();
    });
    socket.on('error', (e) => { this.error ??= e; this.wake(); });
    socket.on('close', () => { this.error ??= new Error('connection closed by the server'); this.wake(); });
  }

  static connect(host: string, port: number, timeoutMs = 30_000): Promise<LineSocket> {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`cannot connect to ${host}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new LineSocket(socket));
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Waits until `find` locates something in the buffer (returns its end) or the time runs out. */
  private async until(find: (buf: Buffer) => number, timeoutMs: number, what: string): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    while (true) {
      const end = find(this.buf);
      if (end >= 0) return end;
      if (this.error) throw this.error;
      const left = deadline - performance.now();
      if (left <= 0) {
        this.socket.destroy();
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  async readLine(timeoutMs = 60_000): Promise<string> {
    const end = await this.until((b) => {
      const lf = b.indexOf(0x0a);
      return lf < 0 ? -1 : lf + 1;
    }, timeoutMs, 'a reply line');
    const line = this.buf.toString('latin1', 0, end).replace(/\r?\n$/, '');
    this.buf = this.buf.subarray(end);
    return line;
  }

  /**
   * Reads a dot-terminated multi-line body (POP3 RETR) and returns its size in bytes without
   * keeping it: the terminator is searched for, the bytes are dropped.
   */
  async skipDotTerminated(timeoutMs = 60_000): Promise<number> {
    let skipped = 0;
    const term = Buffer.from('\r\n.\r\n');
    const end = await this.until((b) => {
      // the body may be empty: ".\r\n" right away
      if (skipped === 0 && b.length >= 3 && b[0] === 0x2e && b[1] === 0x0d && b[2] === 0x0a) return 3;
      const at = b.indexOf(term);
      if (at >= 0) return at + term.length;
      // drop what cannot hold the start of the terminator, so a big message is not buffered whole
      const keep = Math.min(b.length, term.length - 1);
      skipped += b.length - keep;
      this.buf = b.subarray(b.length - keep);
      return -1;
    }, timeoutMs, 'the end of a multi-line reply');
    skipped += end;
    this.buf = this.buf.subarray(end);
    return skipped;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  close(): void {
    this.socket.destroy();
  }
}
