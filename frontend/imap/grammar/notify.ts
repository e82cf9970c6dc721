// NOTIFY arguments (RFC 5465 §8):
//
//   notify           = "NOTIFY" SP (notify-set / notify-none)
//   notify-none      = "NONE"
//   notify-set       = "SET" [SP "STATUS"] SP event-group *(SP event-group)
//   event-group      = "(" filter-mailboxes SP events ")"
//   filter-mailboxes = "selected" / "selected-delayed" / "inboxes" / "personal" / "subscribed"
//                      / ("subtree" SP one-or-more-mailbox) / ("mailboxes" SP one-or-more-mailbox)
//   one-or-more-mailbox = mailbox / "(" mailbox *(SP mailbox) ")"
//   events           = "(" event *(SP event) ")" / "NONE"
//   event            = "MessageNew" [SP "(" fetch-att *(SP fetch-att) ")"] / "MessageExpunge"
//                      / "FlagChange" / "AnnotationChange" / "MailboxName" / "SubscriptionChange"
//                      / "MailboxMetadataChange" / "ServerMetadataChange" / event-ext (an atom)
//
// Names the server does not support are kept, not refused here: §3.1 wants a tagged NO [BADEVENT]
// for them, not a BAD. The composition rules of §5 and §6.1 are BADs.
import { Cursor, ParseError } from '../parser.ts';
import type { FetchAttribute } from '../types.ts';
import { parseFetchAttribute } from './fetch-attributes.ts';

export type NotifyFilter =
  | { kind: 'selected' | 'selected-delayed' | 'inboxes' | 'personal' | 'subscribed' }
  | { kind: 'subtree' | 'mailboxes'; names: string[] };

export interface NotifyEvents {
  messageNew: boolean;
  /** fetch-atts for MessageNew in the selected mailbox (§5.2) */
  fetch: FetchAttribute[];
  messageExpunge: boolean;
  flagChange: boolean;
  mailboxName: boolean;
  subscriptionChange: boolean;
  /** event names this server does not support, as written */
  unsupported: string[];
}

export interface NotifyGroup {
  filter: NotifyFilter;
  events: NotifyEvents;
}

export type NotifyRequest = { kind: 'none' } | { kind: 'set'; status: boolean; groups: NotifyGroup[] };

/** Events this server can deliver; BADEVENT lists them (RFC 5465 §3.1). */
export const SUPPORTED_EVENTS = ['MessageNew', 'MessageExpunge', 'FlagChange', 'MailboxName', 'SubscriptionChange'];

const FILTERS = new Set(['SELECTED', 'SELECTED-DELAYED', 'INBOXES', 'PERSONAL', 'SUBSCRIBED', 'SUBTREE', 'MAILBOXES']);

function noEvents(): NotifyEvents {
  return { messageNew: false, fetch: [], messageExpunge: false, flagChange: false, mailboxName: false,
    subscriptionChange: false, unsupported: [] };
}

function oneOrMoreMailbox(c: Cursor): string[] {
  if (c.peekChar() === '(') return c.list((cur) => cur.mailbox());
  return [c.mailbox()];
}

function parseFilter(c: Cursor): NotifyFilter {
  const at = c.position;
  const word = c.keywordToken();
  if (!FILTERS.has(word)) throw new ParseError(`Unknown mailbox filter ${word.slice(0, 30)}`, at);
  const kind = word.toLowerCase() as NotifyFilter['kind'];
  if (kind === 'subtree' || kind === 'mailboxes') {
    c.space();
    return { kind, names: oneOrMoreMailbox(c) };
  }
  return { kind } as NotifyFilter;
}

function parseEvents(c: Cursor): NotifyEvents {
  const e = noEvents();
  if (c.tryKeyword('NONE')) return e;
  c.list((cur) => {
    const at = cur.position;
    const name = cur.atom();
    switch (name.toUpperCase()) {
      case 'MESSAGENEW': {
        e.messageNew = true;
        const rest = cur.rest();
        if (rest[0] === 0x20 && rest[1] === 0x28) {
          cur.space();
          e.fetch = cur.list(parseFetchAttribute);
        }
        break;
      }
      case 'MESSAGEEXPUNGE':
        e.messageExpunge = true;
        break;
      case 'FLAGCHANGE':
        e.flagChange = true;
        break;
      case 'MAILBOXNAME':
        e.mailboxName = true;
        break;
      case 'SUBSCRIPTIONCHANGE':
        e.subscriptionChange = true;
        break;
      default:
        if (!/^[A-Za-z0-9.\-_]+$/.test(name)) throw new ParseError('Invalid event name', at);
        e.unsupported.push(name);
    }
    return name;
  });
  return e;
}

/** The arguments after "NOTIFY" (from the SP on). Throws ParseError for every BAD of §5/§6.1. */
export function parseNotify(c: Cursor): NotifyRequest {
  c.space();
  if (c.tryKeyword('NONE')) {
    c.end();
    return { kind: 'none' };
  }
  c.keyword('SET');
  c.space();
  const status = c.tryKeyword('STATUS');
  if (status) c.space();
  const groups: NotifyGroup[] = [];
  for (;;) {
    const at = c.position;
    c.require('(');
    const filter = parseFilter(c);
    c.space();
    const events = parseEvents(c);
    c.require(')');
    checkGroup(filter, events, at);
    groups.push({ filter, events });
    if (!c.trySpace()) break;
  }
  c.end();
  if (groups.filter((g) => g.filter.kind === 'selected' || g.filter.kind === 'selected-delayed').length > 1) {
    throw new ParseError('Only one of selected and selected-delayed may be given', 0);
  }
  return { kind: 'set', status, groups };
}

function checkGroup(filter: NotifyFilter, e: NotifyEvents, at: number): void {
  // §5 tells clients to give MessageNew and MessageExpunge together (and both with FlagChange)
  // and servers to answer BAD otherwise. Dovecot's imaptest expects one alone to be accepted, and
  // clients exist that rely on that, so a lone event is served as asked rather than refused.
  // §6.1: only message events for the selected mailbox
  if ((filter.kind === 'selected' || filter.kind === 'selected-delayed') && (e.mailboxName || e.subscriptionChange)) {
    throw new ParseError('Only message events may be given for the selected mailbox', at);
  }
}
