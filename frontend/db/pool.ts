// The frontend's connection pool. Every call is `select * from api.fn(…)`; serialization failures
// and deadlocks (40001/40P01) are retried, since each api function is one transaction.
import pg from 'pg';
import { isRetryable } from './errors.ts';

// bigint (int8) values up to 2^53 are exact as numbers; modseqs and ids stay far below that
pg.types.setTypeParser(20, (v) => Number(v));

export type Row = Record<string, unknown>;

export interface Database {
  /** calls api.<fn>(params…) and returns its rows */
  call<R extends Row = Row>(fn: string, ...params: unknown[]): Promise<R[]>;
  pool: pg.Pool;
  close(): Promise<void>;
}

const MAX_RETRIES = 5;

export function openPool(config: pg.PoolConfig): Database {
  const pool = new pg.Pool({ max: 8, idleTimeoutMillis: 30_000, ...config });
  // an idle client losing its connection (PostgreSQL restart) must not crash the process
  pool.on('error', () => undefined);
  return {
    pool,
    async call<R extends Row = Row>(fn: string, ...params: unknown[]): Promise<R[]> {
      if (!/^[a-z_]+$/.test(fn)) throw new Error(`bad api function name ${fn}`);
      const placeholders = params.map((_, i) => `$${i + 1}`).join(', ');
      const sql = `select * from api.${fn}(${placeholders})`;
      for (let attempt = 0; ; attempt++) {
        try {
          return (await pool.query<R>(sql, params)).rows;
        } catch (e) {
          if (attempt < MAX_RETRIES && isRetryable(e)) {
            await new Promise((r) => setTimeout(r, 5 * 2 ** attempt * Math.random()));
            continue;
          }
          throw e;
        }
      }
    },
    close: () => pool.end(),
  };
}

/** A UID set as PostgreSQL int4multirange text: [[1,5],[9,9]] → '{[1,6),[9,10)}'. */
export function multirange(ranges: ReadonlyArray<readonly [number, number]>): string {
  return '{' + ranges.map(([lo, hi]) => `[${lo},${hi + 1})`).join(',') + '}';
}
