// ENVELOPE (RFC 3501 §7.4.2, RFC 9051 §7.5.2): the header fields clients show in message lists,
// as raw unfolded text; only the address lists are parsed into (name adl mailbox host).

import type { AddressItem } from './address.ts';
import { parseAddressList } from './address.ts';
import type { HeaderBlock } from './header-block.ts';
import { fieldText, findField } from './header-block.ts';
import type { Problems } from './problems.ts';
import type { ImapValue } from './types.ts';

export interface EnvelopeData {
  date: string | null;
  subject: string | null;
  from: AddressItem[];
  /** Sender, or From when Sender is absent or empty (RFC 3501) */
  sender: AddressItem[];
  /** Reply-To, or From when Reply-To is absent or empty */
  replyTo: AddressItem[];
  to: AddressItem[];
  cc: AddressItem[];
  bcc: AddressItem[];
  inReplyTo: string | null;
  messageId: string | null;
}

function text(raw: Buffer, header: HeaderBlock, key: string): string | null {
  const f = findField(header, key);
  return f === null ? null : fieldText(raw, f);
}

/**
 * Address items of a field. To, Cc and Bcc sometimes occur more than once; all occurrences are
 * kept (they are all recipients). From, Sender and Reply-To use the first, as ENVELOPE can
 * only hold one.
 */
function addresses(raw: Buffer, header: HeaderBlock, key: string, all: boolean, problems: Problems): AddressItem[] {
  const out: AddressItem[] = [];
  for (const f of header.fields) {
    if (f.key !== key) continue;
    for (const item of parseAddressList(fieldText(raw, f), problems)) out.push(item);
    if (!all) break;
  }
  return out;
}

export function readEnvelope(raw: Buffer, header: HeaderBlock, problems: Problems): EnvelopeData {
  const from = addresses(raw, header, 'from', false, problems);
  const sender = addresses(raw, header, 'sender', false, problems);
  const replyTo = addresses(raw, header, 'reply-to', false, problems);
  return {
    date: text(raw, header, 'date'),
    subject: text(raw, header, 'subject'),
    from,
    sender: sender.length > 0 ? sender : from,
    replyTo: replyTo.length > 0 ? replyTo : from,
    to: addresses(raw, header, 'to', true, problems),
    cc: addresses(raw, header, 'cc', true, problems),
    bcc: addresses(raw, header, 'bcc', true, problems),
    inReplyTo: text(raw, header, 'in-reply-to'),
    messageId: text(raw, header, 'message-id'),
  };
}

/** An address list as IMAP writes it; group syntax per RFC 3501 (host NIL marks groups). */
export function addressListValue(items: AddressItem[]): ImapValue {
  if (items.length === 0) return null;
  return items.map((item): ImapValue => {
    if (item.kind === 'group') return [null, null, item.name, null];
    if (item.kind === 'end') return [null, null, null, null];
    return [item.name, item.route, item.localpart, item.domain];
  });
}

export function envelopeValue(env: EnvelopeData): ImapValue {
  return [
    env.date,
    env.subject,
    addressListValue(env.from),
    addressListValue(env.sender),
    addressListValue(env.replyTo),
    addressListValue(env.to),
    addressListValue(env.cc),
    addressListValue(env.bcc),
    env.inReplyTo,
    env.messageId,
  ];
}
