// The api.message_inject call for APPEND. Messages go as separate bytea parameters gathered by
// array[…] in the statement: node-pg sends a Buffer parameter in binary, whereas a bytea[]
// parameter is spelled out as hex text (three times the bytes, and much slower to build and
// parse for a 50 MB message).
import type { Database } from '../db/pool.ts';
import { isRetryable } from '../db/errors.ts';

export interface InjectRow {
  idx: number;
  mailbox: number;
  uid: number;
  uidvalidity: number;
  modseq: number;
  message: number;
}

const MAX_RETRIES = 5;

export async function injectMessages(db: Database, user: number, raws: readonly Buffer[],
                                     metas: ReadonlyArray<Record<string, unknown>>, deliveries: unknown,
                                     checkQuota: boolean): Promise<InjectRow[]> {
  const params: unknown[] = [user];
  const raw = raws.map((r) => {
    params.push(r);
    return `$${params.length}::bytea`;
  });
  const meta = metas.map((m) => {
    params.push(JSON.stringify(m));
    return `$${params.length}::jsonb`;
  });
  params.push(JSON.stringify(deliveries), checkQuota);
  const sql = `select * from api.message_inject($1, array[${raw.join(', ')}], array[${meta.join(', ')}], ` +
    `$${params.length - 1}::jsonb, $${params.length})`;
  for (let attempt = 0; ; attempt++) {
    try {
      return (await db.pool.query<InjectRow>(sql, params)).rows;
    } catch (e) {
      if (attempt < MAX_RETRIES && isRetryable(e)) {
        await new Promise((r) => setTimeout(r, 5 * 2 ** attempt * Math.random()));
        continue;
      }
      throw e;
    }
  }
}
