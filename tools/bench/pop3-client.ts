// A POP3 client (RFC 1939) for RETR throughput: USER/PASS, then RETR with the body counted and
// dropped as it arrives.
import { LineSocket } from './line-socket.ts';

export class Pop3Refused extends Error {}

export class Pop3Client {
  private constructor(private s: LineSocket) {}

  static async connect(host: string, port: number, timeoutMs = 30_000): Promise<Pop3Client> {
    const c = new Pop3Client(await LineSocket.connect(host, port, timeoutMs));
    const greeting = await c.s.readLine(timeoutMs);
    if (!greeting.startsWith('+OK')) {
      c.close();
      throw new Error(`POP3 greeting: ${greeting.slice(0, 200)}`);
    }
    return c;
  }

  /** A single-line command; -ERR becomes Pop3Refused. */
  async command(line: string, timeoutMs = 60_000): Promise<string> {
    this.s.write(line + '\r\n');
    const reply = await this.s.readLine(timeoutMs);
    if (!reply.startsWith('+OK')) throw new Pop3Refused(`${line.split(' ')[0]} → ${reply.slice(0, 200)}`);
    return reply;
  }

  async login(user: string, password: string, timeoutMs = 600_000): Promise<void> {
    await this.command(`USER ${user}`);
    // a big maildrop is opened (and on Dovecot, sized) here, which can take a while the first time
    await this.command(`PASS ${password}`, timeoutMs);
  }

  /** STAT: message count and maildrop size. */
  async stat(): Promise<{ count: number; bytes: number }> {
    const r = await this.command('STAT');
    const m = /^\+OK (\d+) (\d+)/.exec(r);
    if (!m) throw new Error(`STAT: unexpected reply ${r.slice(0, 100)}`);
    return { count: Number(m[1]), bytes: Number(m[2]) };
  }

  /** RETR n; returns the bytes of the (dot-stuffed) reply body. */
  async retr(n: number, timeoutMs = 120_000): Promise<number> {
    await this.command(`RETR ${n}`, timeoutMs);
    return this.s.skipDotTerminated(timeoutMs);
  }

  async quit(): Promise<void> {
    try {
      await this.command('QUIT', 5000);
    } catch {
      // closing anyway
    }
    this.close();
  }

  close(): void {
    this.s.close();
  }
}
