// BDAT (RFC 3030 CHUNKING): the message in counted chunks, no dot-stuffing, byte-exact. A chunk is
// read (or discarded) even when the command is refused, since its size is known (RFC 3030 §2):
// otherwise its bytes would be taken for commands. BDAT ... LAST is answered like DATA, once per
// recipient; other chunks get one reply each.
import { defineCommand, ALL_PHASES } from '../command.ts';
import { deliver } from '../delivery.ts';
import { LmtpError, TOO_BIG, reply, BAD_SEQUENCE } from '../reply.ts';

interface BdatArgs {
  /** null when the size could not be parsed: the stream cannot be resynchronised */
  size: number | null;
  last: boolean;
}

export default defineCommand({
  name: 'BDAT',
  // checked in execute: a refused chunk must still be consumed
  phases: ALL_PHASES,
  parse(args: string): BdatArgs {
    const m = /^(\d{1,15})( +LAST)? *$/i.exec(args);
    return m ? { size: Number(m[1]), last: Boolean(m[2]) } : { size: null, last: false };
  },
  async execute(session, { size, last }) {
    const { conn } = session;
    if (size === null) {
      session.closeAfterReply = true;
      return reply(501, '5.5.4', 'Syntax: BDAT <size> [LAST]; closing connection');
    }
    const phase = session.phase;
    if (phase !== 'rcpt' && phase !== 'bdat') {
      await conn.discardBytes(size);
      throw new LmtpError(BAD_SEQUENCE(phase === 'mail' ? 'No valid recipients' : phase === 'start' ? 'Send LHLO first' : 'Need MAIL command'));
    }
    const tx = session.tx!;
    const total = tx.chunkBytes + size;
    if (total > session.maxMessage) {
      await conn.discardBytes(size);
      // the transaction is over; chunks already pipelined behind this one get 503 (RFC 3030 §2)
      session.reset();
      return last ? tx.recipients.map((r) => ({ ...TOO_BIG, lines: [`<${r.path}> ${TOO_BIG.lines[0]}`] })) : TOO_BIG;
    }
    const chunk = size ? await conn.readBytes(size) : Buffer.alloc(0);
    tx.chunks = tx.chunks ?? [];
    tx.chunks.push(chunk);
    tx.chunkBytes = total;
    if (!last) return reply(250, '2.0.0', `${size} octets received`);
    session.reset();
    return deliver(session, tx, Buffer.concat(tx.chunks, total));
  },
});
