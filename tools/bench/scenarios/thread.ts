// THREAD=REFERENCES (RFC 5256) over the whole big folder: a threaded view of ten years of mail.
// The first run's time goes into the note, as for SORT (scenarios/sort.ts).
import type { Untagged } from '../imap-client.ts';
import { median, timed } from '../stats.ts';
import { row, sample, type Scenario } from '../scenario.ts';
import { BULK_TIMEOUT_MS, bigFolder } from '../session.ts';
import { firstRun } from './sort.ts';

/** Top-level threads in "* THREAD (1)(2 3)…" (parenthesised groups at depth 0). */
export function countThreads(untagged: readonly Untagged[]): number {
  let threads = 0;
  for (const u of untagged) {
    if (!/^\* THREAD/i.test(u.text)) continue;
    let depth = 0;
    for (const ch of u.text) {
      if (ch === '(') {
        if (depth === 0) threads++;
        depth++;
      } else if (ch === ')') depth--;
    }
  }
  return threads;
}

export const scenario: Scenario = {
  name: 'thread',
  measures: 'client-observed time of THREAD REFERENCES UTF-8 ALL on the selected big folder',
  rows: [{ id: 'thread', label: 'THREAD=REFERENCES', unit: 'ms', better: 'lower' }],
  needs: ['imap'],
  async run(t, ctx) {
    return {
      thread: await row(async () => {
        const { c } = await bigFolder(t);
        try {
          let threads = 0;
          let first: number | null = null;
          const samples = await sample(ctx, async () => {
            const r = await timed(() => c.ok('THREAD REFERENCES UTF-8 ALL', { timeoutMs: BULK_TIMEOUT_MS, collect: true }));
            threads = countThreads(r.value.untagged);
            first ??= r.ms;
            return r.ms;
          });
          // the first run (a warm-up) shows what a server pays before any cache of its own is warm
          return { kind: 'ok', value: median(samples), samples, note: `${threads} threads; first run ${firstRun(first)}` };
        } finally {
          await c.logout();
        }
      }),
    };
  },
};
