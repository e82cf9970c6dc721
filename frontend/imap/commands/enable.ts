// ENABLE (RFC 5161): CONDSTORE and QRESYNC (RFC 7162, QRESYNC implies CONDSTORE), UTF8=ACCEPT
// (RFC 6855) and IMAP4rev2 (RFC 9051 §6.3.1). Unknown names are ignored, as the RFC asks.
import { AUTHENTICATED, defineCommand } from '../command.ts';
import { atom } from '../compiler.ts';

const KNOWN = new Set(['CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT', 'IMAP4REV2']);
/** how ENABLED spells a name (capability names are case-insensitive; this is how they are listed) */
const SPELLING: Record<string, string> = { IMAP4REV2: 'IMAP4rev2' };

export const enable = defineCommand({
  name: 'ENABLE',
  states: AUTHENTICATED,
  parse(c) {
    const names: string[] = [];
    while (c.trySpace()) names.push(c.atom().toUpperCase());
    if (names.length === 0) throw c.expected('a capability name');
    c.end();
    return names;
  },
  async execute(s, names) {
    const now: string[] = [];
    for (const n of names) {
      if (!KNOWN.has(n) || s.enabled.has(n)) continue;
      if (n === 'CONDSTORE' && s.enabled.has('QRESYNC')) continue;
      s.enabled.add(n);
      now.push(n);
    }
    await s.untagged(atom('ENABLED'), ...now.map((n) => atom(SPELLING[n] ?? n)));
  },
});
