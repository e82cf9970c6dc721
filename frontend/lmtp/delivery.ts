// The end of an LMTP transaction (DATA or BDAT LAST): prepend Received, parse once, store once for
// all recipients in one transaction (api.delivery_inject), and answer each recipient in RCPT order
// (RFC 2033 §4.2). A 250 is only sent after the commit; a failure is a temporary 4xx for every
// recipient, never a false success.
import { randomBytes } from 'node:crypto';
import { messageMeta } from '../db/message-meta.ts';
import { protocolError, sqlState } from '../db/errors.ts';
import { parseMessage } from '../mime/parse.ts';
import type { Transaction } from './command.ts';
import { receivedField } from './received.ts';
import { parseReply, reply, type Reply } from './reply.ts';
import type { LmtpSession } from './session.ts';

interface DeliveryRow {
  mailbox: number;
  status: 'delivered' | 'over-quota' | 'no-mailbox';
  uid: number | null;
}

/** A transaction id for logs and the Received field: time-ordered, unique enough per host. */
function transactionId(): string {
  return Date.now().toString(36) + randomBytes(5).toString('hex');
}

export async function deliver(session: LmtpSession, tx: Transaction, body: Buffer): Promise<Reply[]> {
  const { ctx } = session;
  const id = transactionId();
  const received = receivedField({
    heloName: session.heloName ?? 'unknown',
    remoteAddress: session.conn.remoteAddress,
    hostname: ctx.hostname,
    protocol: tx.smtputf8 ? 'UTF8LMTP' : 'LMTP',
    id,
    recipient: tx.recipients.length === 1 ? tx.recipients[0].path : null,
    date: new Date(),
  });
  // the stored message is the Received field followed by exactly the bytes the client delivered
  const raw = Buffer.concat([received, body]);
  const mailboxes = [...new Set(tx.recipients.map((r) => r.mailbox))];
  let rows: DeliveryRow[];
  try {
    const meta = messageMeta(parseMessage(raw));
    rows = await session.deliver(ctx.db.call<DeliveryRow & Record<string, unknown>>('delivery_inject', raw,
      JSON.stringify(meta), mailboxes, ctx.config.get('use-imap-quota')));
  } catch (e) {
    // over quota (a concurrent delivery got there first) is 452 4.2.2; anything else, even a
    // vanished mailbox, is temporary: the MTA retries and the next attempt resolves afresh
    const failure = parseReply(sqlState(e) === 'AXQTA' ? protocolError(e).lmtp : protocolError(null).lmtp);
    session.log.error({ err: e, id, size: raw.length, recipients: tx.recipients.length }, 'lmtp delivery failed');
    return tx.recipients.map((r) => ({ ...failure, lines: [`<${r.path}> ${failure.lines[0]}`] }));
  }
  const byMailbox = new Map(rows.map((r) => [r.mailbox, r]));
  session.log.info({ id, size: raw.length, recipients: tx.recipients.length, mailboxes: mailboxes.length }, 'delivered');
  return tx.recipients.map((r) => {
    const row = byMailbox.get(r.mailbox);
    if (row?.status === 'delivered') return reply(250, '2.0.0', `<${r.path}> Delivered (${id})`);
    if (row?.status === 'over-quota') return reply(452, '4.2.2', `<${r.path}> Mailbox full`);
    return reply(451, '4.3.0', `<${r.path}> Mailbox unavailable, try again later`);
  });
}
