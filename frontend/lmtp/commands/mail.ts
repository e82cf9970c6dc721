// MAIL FROM (RFC 5321 §4.1.1.2) with SIZE (RFC 1870), BODY (RFC 6152, RFC 3030) and SMTPUTF8
// (RFC 6531 §3.4). Starts a mail transaction.
import { defineCommand, type Transaction } from '../command.ts';
import { isAscii, parseMailbox, parsePathArgument } from '../address.ts';
import { LmtpError, SYNTAX_ERROR, TOO_BIG, reply } from '../reply.ts';

interface MailArgs {
  reversePath: string;
  size: number | null;
  body: Transaction['body'];
  smtputf8: boolean;
}

export default defineCommand({
  name: 'MAIL',
  phases: ['ready'],
  sequenceError: { start: 'Send LHLO first', mail: 'Nested MAIL command', rcpt: 'Nested MAIL command', bdat: 'Nested MAIL command' },
  parse(args: string): MailArgs {
    const { path, params } = parsePathArgument(args, 'FROM');
    const out: MailArgs = { reversePath: path, size: null, body: '7BIT', smtputf8: false };
    for (const [key, value] of params) {
      if (key === 'SIZE' && value !== null && /^\d{1,15}$/.test(value)) out.size = Number(value);
      else if (key === 'BODY' && value !== null && /^(7BIT|8BITMIME|BINARYMIME)$/i.test(value)) {
        out.body = value.toUpperCase() as Transaction['body'];
      } else if (key === 'SMTPUTF8' && value === null) out.smtputf8 = true;
      else if (key === 'SIZE' || key === 'BODY' || key === 'SMTPUTF8') throw new LmtpError(SYNTAX_ERROR(`Bad ${key} parameter`));
      else throw new LmtpError(reply(555, '5.5.4', `Unsupported parameter ${key}`));
    }
    if (path !== '') parseMailbox(path);
    if (!out.smtputf8 && !isAscii(path)) {
      throw new LmtpError(reply(553, '5.6.7', 'Non-ASCII address needs SMTPUTF8'));
    }
    return out;
  },
  async execute(session, a) {
    if (a.size !== null && a.size > session.maxMessage) throw new LmtpError(TOO_BIG);
    session.tx = {
      reversePath: a.reversePath, declaredSize: a.size, body: a.body, smtputf8: a.smtputf8,
      recipients: [], chunks: null, chunkBytes: 0,
    };
    return reply(250, '2.1.0', 'Sender OK');
  },
});
