// Injects messages through api.message_inject exactly as APPEND/LMTP do: parse, serialise, call.
import type pg from 'pg';
import { messageMeta } from '../../frontend/db/message-meta.ts';
import type { ParsedMessage } from '../../frontend/mime/types.ts';

/** A minimal parsed view for tests that only need storage semantics, not MIME. */
export function plainMeta(raw: Buffer): ParsedMessage {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const headerSize = end < 0 ? raw.length : end + (text.slice(end).startsWith('\r\n\r\n') ? 4 : 2);
  const subject = /^Subject: (.*)$/mi.exec(text.slice(0, headerSize))?.[1]?.trim() ?? null;
  return {
    size: raw.length, headerSize, envelope: [null, subject, null, null, null, null, null, null, null, null],
    bodystructure: ['text', 'plain', null, null, null, '7bit', raw.length - headerSize, 1],
    body: ['text', 'plain', null, null, null, '7bit', raw.length - headerSize, 1],
    parts: [], headers: subject ? [['Subject', subject]] : [], subject, baseSubject: subject ?? '',
    from: [], sender: [], replyTo: [], to: [], cc: [], bcc: [], date: null, messageId: null,
    inReplyTo: [], references: [], bodyText: text.slice(headerSize), problems: [],
  };
}

export function rawMessage(subject: string, body = 'Hello.\r\n', extra = ''): Buffer {
  return Buffer.from(`From: a@example.com\r\nTo: b@example.com\r\nSubject: ${subject}\r\n${extra}\r\n${body}`);
}

export interface Delivery { m: number; b: number; f?: string[]; d?: string }

export async function inject(api: pg.Pool | pg.PoolClient, user: number | null, raws: Buffer[], deliveries: Delivery[],
                             checkQuota = true): Promise<Array<{ idx: number; mailbox: number; uid: number; modseq: number; message: number }>> {
  const metas = raws.map((r) => JSON.stringify(messageMeta(plainMeta(r))));
  const r = await api.query('select * from api.message_inject($1, $2, $3::jsonb[], $4, $5)',
    [user, raws, metas, JSON.stringify(deliveries.map((d) => ({ f: [], ...d }))), checkQuota]);
  return r.rows.map((x) => ({ ...x, modseq: Number(x.modseq), message: Number(x.message) }));
}
