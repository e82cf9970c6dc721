// LIST (RFC 3501 §6.3.8) with LIST-EXTENDED (RFC 5258: SUBSCRIBED, RECURSIVEMATCH, REMOTE,
// RETURN (SUBSCRIBED CHILDREN)), SPECIAL-USE (RFC 6154) and LIST-STATUS (RFC 5819); and LSUB
// (§6.3.9). Matching and attributes come from api.mailbox_list.
import { AUTHENTICATED, defineCommand } from '../command.ts';
import { atom, type ResponseValue } from '../compiler.ts';
import { parseListArguments } from '../grammar/list-options.ts';
import type { Session } from '../session.ts';
import { statusResponse, type StatusRow } from '../status-response.ts';
import type { ListArguments } from '../types.ts';

interface ListRow {
  name: string;
  attributes: string[];
  mailbox: number | null;
}

async function listRows(s: Session, reference: string, patterns: string[], subscribed: boolean,
                        specialUse: boolean): Promise<ListRow[]> {
  return s.ctx.db.call<ListRow & Record<string, unknown>>('mailbox_list', s.userId, reference, patterns,
    subscribed, specialUse);
}

/** An IMAP LIST pattern as a regular expression: * is anything, % anything but the delimiter. */
function patternRegex(pattern: string): RegExp {
  const body = pattern.replace(/[.^$+?()[\]{}|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/%/g, '[^/]*');
  return new RegExp(`^${body}$`, /^inbox(\/|$)/i.test(pattern) ? 'i' : '');
}

async function list(s: Session, a: ListArguments): Promise<void> {
  if (!a.extended && a.patterns.length === 1 && a.patterns[0] === '') {
    // RFC 3501 §6.3.8: the hierarchy delimiter and the root of the reference
    const root = a.reference.includes('/') ? a.reference.slice(0, a.reference.indexOf('/') + 1) : '';
    await s.untagged(atom('LIST'), [atom('\\Noselect')], '/', s.wireName(root));
    return;
  }
  const sel = a.selection;
  const rows = await listRows(s, a.reference, a.patterns, sel.subscribed, sel.specialUse);
  const childInfo = new Map<string, boolean>();
  if (sel.recursiveMatch && sel.subscribed) {
    // RFC 5258 §3.5: parents matching the pattern whose descendants are subscribed
    const all = await listRows(s, a.reference, a.patterns, false, sel.specialUse);
    const subs = (await listRows(s, '', ['*'], true, false)).map((r) => r.name);
    const listed = new Set(rows.map((r) => r.name));
    const matched = new Set(listed);
    for (const r of all) {
      // only when some subscribed descendant is not itself in the answer (RFC 5258 §3.5)
      if (subs.some((n) => n.startsWith(r.name + '/') && !matched.has(n))) {
        childInfo.set(r.name, true);
        if (!listed.has(r.name)) {
          rows.push({ ...r, attributes: r.attributes.filter((x) => x !== '\\Subscribed') });
          listed.add(r.name);
        }
      }
    }
    rows.sort((x, y) => (x.name === 'INBOX' ? -1 : y.name === 'INBOX' ? 1 : x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  }
  const showSubscribed = sel.subscribed || a.returns.subscribed;
  let statuses = new Map<number, StatusRow>();
  const items = a.returns.status;
  if (items && items.length > 0) {
    const ids = rows.filter((r) => r.mailbox !== null && !r.attributes.includes('\\Noselect')).map((r) => r.mailbox);
    if (ids.length > 0) {
      const st = await s.ctx.db.call<StatusRow & Record<string, unknown>>('mailbox_status_many', s.userId, ids);
      statuses = new Map(st.map((r) => [r.mailbox, r]));
    }
  }
  const w = s.writer();
  for (const r of rows) {
    // RFC 5258 §3: \NonExistent implies \Noselect, which is then not repeated
    const gone = r.attributes.includes('\\NonExistent');
    const attrs = r.attributes.filter((x) => (showSubscribed || x !== '\\Subscribed') && !(gone && x === '\\Noselect'));
    const line: ResponseValue[] = [atom('LIST'), attrs.map((x) => atom(x)), '/', s.wireName(r.name)];
    if (childInfo.has(r.name)) line.push(['CHILDINFO', ['SUBSCRIBED']]);
    w.untagged(...line);
    const st = r.mailbox !== null ? statuses.get(r.mailbox) : undefined;
    if (st && items) w.untagged(...statusResponse(s, r.name, st, items));
    await s.sendIfLarge(w);
  }
  await s.send(w);
}

export const listCommand = defineCommand({
  name: 'LIST',
  states: AUTHENTICATED,
  parse(c) {
    c.space();
    const args = parseListArguments(c);
    c.end();
    return args;
  },
  execute: list,
});

export const lsub = defineCommand({
  name: 'LSUB',
  states: AUTHENTICATED,
  parse(c) {
    c.space();
    const reference = c.mailbox();
    c.space();
    const pattern = c.listMailbox();
    c.end();
    return { reference, pattern };
  },
  async execute(s, { reference, pattern }) {
    const rows = await listRows(s, reference, [pattern], true, false);
    const out = rows.map((r) => ({
      name: r.name, noselect: r.attributes.includes('\\Noselect') || r.attributes.includes('\\NonExistent'),
    }));
    if (pattern.includes('%')) {
      // RFC 3501 §6.3.9: with %, a name that is not subscribed but has a subscribed descendant is
      // listed as \Noselect
      const re = patternRegex(reference + pattern);
      const seen = new Set(out.map((r) => r.name));
      const subs = await listRows(s, '', ['*'], true, false);
      for (const sub of subs) {
        const parts = sub.name.split('/');
        for (let i = 1; i < parts.length; i++) {
          const parent = parts.slice(0, i).join('/');
          if (!seen.has(parent) && re.test(parent)) {
            seen.add(parent);
            out.push({ name: parent, noselect: true });
          }
        }
      }
      out.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    }
    const w = s.writer();
    for (const r of out) {
      w.untagged(atom('LSUB'), r.noselect ? [atom('\\Noselect')] : [], '/', s.wireName(r.name));
      await s.sendIfLarge(w);
    }
    await s.send(w);
  },
});
