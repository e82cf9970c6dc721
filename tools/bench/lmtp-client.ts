// An LMTP client (RFC 2033) for delivery throughput: LHLO once, then MAIL/RCPT/DATA per message,
// one reply per recipient after the final dot. Messages are prepared (CRLF, dot-stuffed) before the
// clock starts, so only the protocol exchange is timed.
import { LineSocket } from './line-socket.ts';
import { toCrlf } from './mbox.ts';

export interface Reply {
  code: number;
  text: string;
}

/** CRLF line ends, leading dots doubled, and the terminating ".\r\n". */
export function lmtpData(raw: Buffer): Buffer {
  const crlf = toCrlf(raw);
  const parts: Buffer[] = [];
  let from = 0;
  if (crlf[0] === 0x2e) {
    parts.push(Buffer.from('.'));
  }
  for (let at = crlf.indexOf('\r\n.'); at >= 0; at = crlf.indexOf('\r\n.', at + 3)) {
    parts.push(crlf.subarray(from, at + 2), Buffer.from('.'));
    from = at + 2;
  }
  parts.push(crlf.subarray(from));
  const ends = crlf.length >= 2 && crlf[crlf.length - 2] === 0x0d && crlf[crlf.length - 1] === 0x0a;
  parts.push(Buffer.from(ends ? '.\r\n' : '\r\n.\r\n'));
  return Buffer.concat(parts);
}

export class LmtpClient {
  private constructor(private s: LineSocket) {}

  static async connect(host: string, port: number, timeoutMs = 30_000): Promise<LmtpClient> {
    const c = new LmtpClient(await LineSocket.connect(host, port, timeoutMs));
    const greeting = await c.reply(timeoutMs);
    if (greeting.code !== 220) {
      c.close();
      throw new Error(`LMTP greeting: ${greeting.code} ${greeting.text}`);
    }
    const lhlo = await c.send(`LHLO bench.aox.invalid`, timeoutMs);
    if (lhlo.code !== 250) {
      c.close();
      throw new Error(`LHLO: ${lhlo.code} ${lhlo.text}`);
    }
    return c;
  }

  /** One (possibly multi-line) reply. */
  async reply(timeoutMs = 60_000): Promise<Reply> {
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const line = await this.s.readLine(timeoutMs);
      lines.push(line.slice(4));
      if (line.length < 4 || line[3] !== '-') {
        const code = Number(line.slice(0, 3));
        return { code: Number.isFinite(code) ? code : 0, text: lines.join(' ') };
      }
    }
    throw new Error('LMTP reply longer than 1000 lines');
  }

  async send(line: string, timeoutMs = 60_000): Promise<Reply> {
    this.s.write(line + '\r\n');
    return this.reply(timeoutMs);
  }

  /** Delivers one message; returns the reply for each recipient (after DATA). onSent marks the
   *  moment the message's last byte went to the socket. */
  async deliver(from: string, recipients: string[], data: Buffer, timeoutMs = 120_000,
                onSent?: () => void): Promise<Reply[]> {
    const mail = await this.send(`MAIL FROM:<${from}>`, timeoutMs);
    if (mail.code !== 250) throw new Error(`MAIL FROM: ${mail.code} ${mail.text}`);
    const accepted: string[] = [];
    for (const r of recipients) {
      const rcpt = await this.send(`RCPT TO:<${r}>`, timeoutMs);
      if (rcpt.code === 250) accepted.push(r);
      else throw new Error(`RCPT TO:<${r}>: ${rcpt.code} ${rcpt.text}`);
    }
    const go = await this.send('DATA', timeoutMs);
    if (go.code !== 354) throw new Error(`DATA: ${go.code} ${go.text}`);
    this.s.write(data);
    onSent?.();
    const replies: Reply[] = [];
    for (let i = 0; i < accepted.length; i++) replies.push(await this.reply(timeoutMs));
    return replies;
  }

  async quit(): Promise<void> {
    try {
      await this.send('QUIT', 5000);
    } catch {
      // closing anyway
    }
    this.close();
  }

  close(): void {
    this.s.close();
  }
}
