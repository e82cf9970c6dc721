// SORT (RFC 5256) of the whole big folder by date, subject and sender: what a client that lets the
// server sort asks for when a folder opens. The first run of each (a warm-up, unmeasured in the
// median) goes into the note: a server that keeps sort data after the first request (Dovecot's
// index cache, aox's order cache) shows its cost there.
import { numbersOf } from '../imap-client.ts';
import { median, timed } from '../stats.ts';
import { row, sample, type Outcome, type Scenario } from '../scenario.ts';
import { BULK_TIMEOUT_MS, bigFolder } from '../session.ts';

export const firstRun = (ms: number | null) => (ms === null ? 'not timed' : `${ms < 100 ? ms.toFixed(1) : Math.round(ms).toLocaleString('en-US')} ms`);

const SORTS = [
  { id: 'sort-date', label: 'SORT (DATE)', command: 'SORT (DATE) UTF-8 ALL' },
  { id: 'sort-subject', label: 'SORT (SUBJECT)', command: 'SORT (SUBJECT) UTF-8 ALL' },
  { id: 'sort-from', label: 'SORT (FROM)', command: 'SORT (FROM) UTF-8 ALL' },
];

export const scenario: Scenario = {
  name: 'sort',
  measures: 'client-observed time of SORT (DATE), SORT (SUBJECT) and SORT (FROM), each UTF-8 ALL, on the selected big folder',
  rows: SORTS.map((s) => ({ id: s.id, label: s.label, unit: 'ms', better: 'lower' as const })),
  needs: ['imap'],
  async run(t, ctx) {
    const out: Record<string, Outcome> = {};
    const { c, exists } = await bigFolder(t);
    try {
      for (const s of SORTS) {
        out[s.id] = await row(async () => {
          let n = 0;
          let first: number | null = null;
          const samples = await sample(ctx, async () => {
            const r = await timed(() => c.ok(s.command, { timeoutMs: BULK_TIMEOUT_MS, collect: true }));
            n = numbersOf(r.value.untagged, 'SORT').length;
            first ??= r.ms;
            return r.ms;
          });
          const count = n === exists ? '' : `; ${n} numbers for ${exists} messages`;
          return { kind: 'ok', value: median(samples), samples, note: `first run ${firstRun(first)}${count}` };
        });
      }
    } finally {
      await c.logout();
    }
    return out;
  },
};
