// A raw LMTP client for transcript tests: sends lines, reads multi-line replies.
import { LineClient } from './pop3-client.ts';

export interface LmtpReply {
  code: number;
  /** the text of each line after "NNN-" / "NNN " */
  lines: string[];
  /** "NNN text" of the last line, for compact assertions */
  text: string;
}

export class LmtpClient extends LineClient {
  greeting: LmtpReply | null = null;

  static async connect(port: number): Promise<LmtpClient> {
    const c = new LmtpClient(await LineClient.open(port));
    c.greeting = await c.reply();
    return c;
  }

  /** Reads one (possibly multi-line) reply. */
  async reply(timeoutMs = 5000): Promise<LmtpReply> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.readLine(timeoutMs);
      const m = /^(\d{3})([ -])(.*)$/.exec(line);
      if (!m) throw new Error(`not a reply line: ${line}`);
      lines.push(m[3]);
      if (m[2] === ' ') return { code: Number(m[1]), lines, text: `${m[1]} ${m[3]}` };
    }
  }

  async command(line: string): Promise<LmtpReply> {
    this.send(line + '\r\n');
    return this.reply();
  }

  /** Reads n replies (pipelining, or one per recipient after DATA). */
  async replies(n: number, timeoutMs = 10_000): Promise<LmtpReply[]> {
    const out: LmtpReply[] = [];
    for (let i = 0; i < n; i++) out.push(await this.reply(timeoutMs));
    return out;
  }
}
