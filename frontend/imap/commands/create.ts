// CREATE (RFC 3501 §6.3.3) with CREATE-SPECIAL-USE (RFC 6154 §3): `CREATE name (USE (\Drafts))`.
// The tagged OK carries the MAILBOXID (RFC 8474). Missing parents are created; a trailing "/" is dropped; INBOX exists already.
import { AUTHENTICATED, defineCommand, no } from '../command.ts';
import { atom, Code } from '../compiler.ts';

const SPECIAL_USES = ['\\All', '\\Archive', '\\Drafts', '\\Flagged', '\\Junk', '\\Sent', '\\Trash'];

export const create = defineCommand({
  name: 'CREATE',
  states: AUTHENTICATED,
  parse(c) {
    c.space();
    const name = c.mailbox();
    const uses: string[] = [];
    if (c.peekChar() === ' ' && c.rest().some((b) => b !== 0x20)) {
      c.space();
      c.list((cur) => {
        cur.keyword('USE');
        cur.space();
        uses.push(...cur.list((l) => {
          l.require('\\');
          return '\\' + l.atom();
        }, { allowEmpty: true }));
      });
    }
    c.end();
    return { name, uses };
  },
  async execute(s, { name, uses }) {
    let special: string | null = null;
    for (const u of uses) {
      const known = SPECIAL_USES.find((k) => k.toLowerCase() === u.toLowerCase());
      if (!known) throw no(`Unknown special use ${u.slice(0, 30)}`, Code.other('USEATTR'));
      if (special && special !== known) throw no('Only one special use per mailbox', Code.other('USEATTR'));
      special = known;
    }
    const [row] = await s.ctx.db.call<{ mailbox_create: number }>('mailbox_create', s.userId, name, special);
    // RFC 8474 §4.1: the new mailbox's MAILBOXID in the tagged OK
    return { status: 'OK', code: Code.other('MAILBOXID', [atom(`F${row.mailbox_create}`)]), text: 'CREATE completed' };
  },
});
