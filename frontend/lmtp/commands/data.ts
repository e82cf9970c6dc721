// DATA (RFC 5321 §4.1.1.4, §4.5.2; RFC 2033 §4.2): reads the message up to the line ".",
// removing the transparency dots, then replies once per accepted recipient.
//
// Line endings: each line is stored with the ending it arrived with. A well-formed client sends
// CRLF only (RFC 5321 §2.3.8); one that sends bare LFs gets them stored as sent, so the stored
// message is byte for byte what was delivered once the transparency dots are removed (RFC 5321
// §4.5.2). A "." line ends the data whether it ends in CRLF or a bare LF.
import { defineCommand } from '../command.ts';
import { deliver } from '../delivery.ts';
import { LmtpError, SYNTAX_ERROR, TOO_BIG, reply, BAD_SEQUENCE } from '../reply.ts';
import { LineTooLong } from '../../net/connection.ts';
import { skipLongLine } from '../lines.ts';
import { MAX_LINE } from '../../net/limits.ts';

const DOT = 0x2e;
const CR = 0x0d;
const LF = 0x0a;

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
        line = await session.conn.readLineAsSent(tooBig ? MAX_LINE : limit + 2);
      } catch (e) {
        // a line longer than a whole message may be: the message is too big, read on to the end
        if (!(e instanceof LineTooLong)) throw e;
        await skipLongLine(session.conn, e);
        tooBig = true;
        lines.length = 0;
        continue;
      }
      if (line[0] === DOT && (line.length === 2 ? line[1] === LF : line.length === 3 && line[1] === CR && line[2] === LF)) break;
      const content = line[0] === DOT ? line.subarray(1) : line;
      size += content.length;
      if (size > limit) {
        // keep reading to the end of the data (RFC 5321 §4.5.3.1.10), but keep nothing
        tooBig = true;
        lines.length = 0;
      } else if (!tooBig) {
        lines.push(content);
      }
    }
    session.reset();
    if (tooBig) return tx.recipients.map((r) => ({ ...TOO_BIG, lines: [`<${r.path}> ${TOO_BIG.lines[0]}`] }));
    return deliver(session, tx, Buffer.concat(lines, size));
  },
});
