// Injects messages through api.message_inject exactly as APPEND/LMTP do: parse, serialise, call.
import type pg from 'pg';
import { messageMeta } from '../../frontend/db/message-meta.ts';
import { parseMessage } from '../../frontend/mime/parse.ts';

export function rawMessage(subject: string, body = 'Hello.\r\n', extra = ''): Buffer {
  return Buffer.from(`From: a@example.com\r\nTo: b@example.com\r\nSubject: ${subject}\r\n${extra}\r\n${body}`);
}

export interface Delivery { m: number; b: number; f?: string[]; d?: string }

export async function inject(api: pg.Pool | pg.PoolClient, user: number | null, raws: Buffer[], deliveries: Delivery[],
                             checkQuota = true): Promise<Array<{ idx: number; mailbox: number; uid: number; modseq: number; message: number }>> {
  // the real parser, as APPEND and LMTP use it
  const metas = raws.map((r) => JSON.stringify(messageMeta(parseMessage(r))));
  const r = await api.query('select * from api.message_inject($1, $2, $3::jsonb[], $4, $5)',
    [user, raws, metas, JSON.stringify(deliveries.map((d) => ({ f: [], ...d }))), checkQuota]);
  return r.rows.map((x) => ({ ...x, modseq: Number(x.modseq), message: Number(x.message) }));
}
