// APPEND (RFC 3501 §6.3.11), MULTIAPPEND (RFC 3502) and CATENATE (RFC 4469): every message is
// parsed once here and stored by a single api.message_inject call, so a MULTIAPPEND is all or
// nothing. The reply carries APPENDUID (RFC 4315); a missing mailbox is NO [TRYCREATE], which
// comes before any BADURL of a CATENATE part. The literal bytes are views into the command
// buffer; nothing copies them before the database driver does.
import { sqlState } from '../../db/errors.ts';
import { messageMeta } from '../../db/message-meta.ts';
import { parseMessage } from '../../mime/parse.ts';
import { injectMessages } from '../append-store.ts';
import { assembleCatenate } from '../catenate.ts';
import { AUTHENTICATED, bad, defineCommand, no } from '../command.ts';
import { Code } from '../compiler.ts';
import { parseAppendMessages } from '../grammar/append-args.ts';
import { SequenceSet } from '../seqset.ts';

export const append = defineCommand({
  name: 'APPEND',
  states: AUTHENTICATED,
  parse(c) {
    c.space();
    const name = c.mailbox();
    const messages = parseAppendMessages(c);
    c.end();
    return { name, messages };
  },
  async execute(s, { name, messages }) {
    for (const m of messages) {
      if (m.data.type === 'catenate' && m.data.parts.length === 0) throw bad('Empty CATENATE list');
    }
    const db = s.ctx.db;
    let mailbox: number;
    try {
      const [row] = await db.call<{ mailbox: number; selectable: boolean }>('mailbox_resolve', s.userId, name);
      if (!row.selectable) throw no('Mailbox cannot hold messages', Code.noPerm());
      mailbox = row.mailbox;
    } catch (e) {
      if (sqlState(e) === 'AXNEX') throw no('No such mailbox', Code.tryCreate());
      throw e;
    }
    const raws: Buffer[] = [];
    for (const m of messages) {
      const raw = m.data.type === 'literal' ? m.data.bytes : await assembleCatenate(s, m.data.parts, s.appendLimit);
      if (raw.length === 0) throw no('Empty message');
      if (raw.length > s.appendLimit) throw no('Message too large', Code.tooBig());
      raws.push(raw);
    }
    const metas = raws.map((r) => messageMeta(parseMessage(r)));
    const deliveries = messages.map((m, i) => ({
      m: i + 1, b: mailbox, f: m.flags, ...(m.date ? { d: m.date.toISOString() } : {}),
    }));
    const rows = await injectMessages(db, s.userId, raws, metas, deliveries, s.ctx.config.get('use-imap-quota'));
    if (s.selected?.id === mailbox) s.selected.markDirty();
    const uids = rows.map((r) => r.uid);
    const code = Code.appendUid(rows[0].uidvalidity, uids.length === 1 ? uids[0] : SequenceSet.fromNumbers(uids));
    return { status: 'OK', code, text: 'Appended' };
  },
});
