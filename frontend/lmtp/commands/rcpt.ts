// RCPT TO (RFC 5321 §4.1.1.3, RFC 2033 §4.2): each recipient is resolved at once, so that an
// unknown address (550 5.1.1) or a full mailbox (452 4.2.2) is refused before the data is sent.
import { defineCommand } from '../command.ts';
import { isAscii, parseMailbox, parsePathArgument } from '../address.ts';
import { MAX_RECIPIENTS } from '../limits.ts';
import { LmtpError, parseReply, reply } from '../reply.ts';
import { protocolError } from '../../db/errors.ts';

interface RcptArgs {
  /** the forward-path as written */
  path: string;
  localpart: string;
  /** null for the bare <postmaster> of RFC 5321 §4.1.1.3 */
  domain: string | null;
}

interface Resolved extends Record<string, unknown> {
  mailbox: number | null;
  over_quota: boolean;
}

export default defineCommand({
  name: 'RCPT',
  phases: ['mail', 'rcpt'],
  sequenceError: { start: 'Send LHLO first', ready: 'Need MAIL before RCPT', bdat: 'RCPT after BDAT' },
  parse(args: string): RcptArgs {
    const { path, params } = parsePathArgument(args, 'TO');
    if (params.size) throw new LmtpError(reply(555, '5.5.4', `Unsupported parameter ${[...params.keys()][0]}`));
    if (/^postmaster$/i.test(path)) return { path, localpart: 'postmaster', domain: null };
    if (path === '') throw new LmtpError(reply(553, '5.1.3', 'Bad address syntax'));
    const { localpart, domain } = parseMailbox(path);
    return { path, localpart, domain };
  },
  async execute(session, a) {
    const tx = session.tx!;
    const { ctx } = session;
    if (tx.recipients.length >= MAX_RECIPIENTS) return reply(452, '4.5.3', 'Too many recipients');
    if (!tx.smtputf8 && !isAscii(a.path)) return reply(553, '5.6.7', 'Non-ASCII address needs SMTPUTF8');
    const address = `${a.localpart}@${a.domain ?? ctx.hostname}`;
    let row: Resolved | undefined;
    try {
      [row] = await ctx.db.call<Resolved>('delivery_resolve', [address], ctx.config.get('use-subaddressing'),
        ctx.config.get('address-separator'), tx.declaredSize ?? 0);
    } catch (e) {
      session.log.error({ err: e }, 'recipient lookup failed');
      return parseReply(protocolError(null).lmtp);
    }
    if (!row || row.mailbox === null) return reply(550, '5.1.1', `<${a.path}> User unknown`);
    if (row.over_quota && ctx.config.get('use-imap-quota')) return reply(452, '4.2.2', `<${a.path}> Mailbox full`);
    tx.recipients.push({ path: a.path, mailbox: row.mailbox });
    return reply(250, '2.1.5', `<${a.path}> Recipient OK`);
  },
});
