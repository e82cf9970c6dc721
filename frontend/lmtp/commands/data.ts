// DATA (RFC 5321 §4.1.1.4, §4.5.2; RFC 2033 §4.2): reads the message up to the line ".",
// removing the transparency dots, then replies once per accepted recipient.
//
// Line endings: each line is stored with CRLF. A well-formed client sends nothing else (RFC 5321
// §2.3.8), and then the stored bytes are exactly the delivered ones. Connection.readLine also ends
// a line at a bare LF and does not say which it was, so a client that sends bare LFs gets its lines
// stored CRLF-terminated (BDAT has no line framing and is byte-exact for anything).
import { defineCommand } from '../command.ts';
import { deliver } from '../delivery.ts';
import { LmtpError, SYNTAX_ERROR, TOO_BIG, reply, BAD_SEQUENCE } from '../reply.ts';
import { LineTooLong } from '../../net/connection.ts';
import { skipLongLine } from '../lines.ts';
import { MAX_LINE } from '../../net/limits.ts';

const CRLF = Buffer.from('\r\n');
const DOT = 0x2e;

export default defineCommand({
  name: 'DATA',
  phases: ['rcpt'],
  sequenceError: { start: 'Send LHLO first', ready: 'Need MAIL command', mail: 'No valid recipients', bdat: 'DATA after BDAT' },
  parse(args: string) {
    if (args.trim()) throw new LmtpError(SYNTAX_ERROR('Syntax: DATA'));
    return null;
  },
  async execute(session) {
    const tx = session.tx!;
    // RFC 3030 §3: a BINARYMIME message can only be sent with BDAT
    if (tx.body === 'BINARYMIME') throw new LmtpError(BAD_SEQUENCE('BODY=BINARYMIME requires BDAT'));
    await session.send(reply(354, null, 'Start mail input; end with <CRLF>.<CRLF>'));
    const limit = session.maxMessage;
    const lines: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    for (;;) {
      let line: Buffer;
      try {
        // once the message is too big its lines are only counted, not kept: no need to hold long ones
        line = await session.conn.readLine(tooBig ? MAX_LINE : limit + 2);
      } catch (e) {
        // a line longer than a whole message may be: the message is too big, read on to the end
        if (!(e instanceof LineTooLong)) throw e;
        await skipLongLine(session.conn, e);
        tooBig = true;
        lines.length = 0;
        continue;
      }
      if (line.length === 1 && line[0] === DOT) break;
      const content = line.length && line[0] === DOT ? line.subarray(1) : line;
      size += content.length + 2;
      if (size > limit) {
        // keep reading to the end of the data (RFC 5321 §4.5.3.1.10), but keep nothing
        tooBig = true;
        lines.length = 0;
      } else if (!tooBig) {
        lines.push(content, CRLF);
      }
    }
    session.reset();
    if (tooBig) return tx.recipients.map((r) => ({ ...TOO_BIG, lines: [`<${r.path}> ${TOO_BIG.lines[0]}`] }));
    return deliver(session, tx, Buffer.concat(lines, size));
  },
});
