// Turns one message read from the input into what admin.messages_import stores: its parsed view
// (frontend/mime, serialised as mail.inject expects) and its flags. Pure and synchronous, so it
// can run in the main thread or in parse workers alike.
import { parseMessage } from '../../frontend/mime/parse.ts';
import { messageMeta } from '../../frontend/db/message-meta.ts';
import { flagsFromHeaders } from './flags.ts';

export interface PrepareInput {
  raw: Buffer;
  flags: string[];
  headerFlags: boolean;
}

export interface Prepared {
  /** the parsed view as JSON text (one element of the batch's JSON array) */
  meta: string;
  flags: string[];
  /** what the parser could not read cleanly: stored anyway, listed by aox reparse */
  problems: string[];
}

export function prepareMessage(m: PrepareInput): Prepared {
  const parsed = parseMessage(m.raw);
  const flags = m.headerFlags ? [...new Set([...m.flags, ...flagsFromHeaders(m.raw)])] : m.flags;
  return { meta: JSON.stringify(messageMeta(parsed)), flags, problems: parsed.problems };
}

/**
 * A parsed view that any database accepts, for a message whose real one was refused (a string
 * PostgreSQL cannot store, say): the message is still stored, byte for byte, marked with the
 * reason, and aox reparse can try again with a later parser.
 */
export function fallbackMeta(raw: Buffer, reason: string): string {
  const text = raw.toString('latin1');
  const blank = /\r?\n\r?\n/.exec(text);
  const headerSize = blank ? blank.index + blank[0].length : raw.length;
  const bodySize = raw.length - headerSize;
  const lines = (text.slice(headerSize).match(/\n/g) ?? []).length;
  const body = ['TEXT', 'PLAIN', ['CHARSET', 'us-ascii'], null, null, '7BIT', bodySize, lines];
  return JSON.stringify({
    headerSize, envelope: [null, null, null, null, null, null, null, null, null, null], body,
    bodystructure: [...body, null, null, null, null], parts: [], headers: [], subject: null, baseSubject: '',
    fromText: '', toText: '', ccText: '', bccText: '', sortFrom: '', sortTo: '', sortCc: '',
    displayFrom: '', displayTo: '', sentDate: null, messageId: null, inReplyTo: [], references: [],
    bodyText: '', problems: [`the parsed view was refused by the database, stored without it: ${reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 200)}`],
  });
}
