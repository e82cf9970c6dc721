// SORT (RFC 5256) of the whole big folder by date and by subject: what a client that lets the
// server sort asks for when a folder opens.
import { numbersOf } from '../imap-client.ts';
import { median, timed } from '../stats.ts';
import { row, sample, type Outcome, type Scenario } from '../scenario.ts';
import { BULK_TIMEOUT_MS, bigFolder } from '../session.ts';

const SORTS = [
  { id: 'sort-date', label: 'SORT (DATE)', command: 'SORT (DATE) UTF-8 ALL' },
  { id: 'sort-subject', label: 'SORT (SUBJECT)', command: 'SORT (SUBJECT) UTF-8 ALL' },
];

export const scenario: Scenario = {
  name: 'sort',
  measures: 'client-observed time of SORT (DATE) UTF-8 ALL and SORT (SUBJECT) UTF-8 ALL on the selected big folder',
  rows: SORTS.map((s) => ({ id: s.id, label: s.label, unit: 'ms', better: 'lower' as const })),
  needs: ['imap'],
  async run(t, ctx) {
    const out: Record<string, Outcome> = {};
    const { c, exists } = await bigFolder(t);
    try {
      for (const s of SORTS) {
        out[s.id] = await row(async () => {
          let n = 0;
          const samples = await sample(ctx, async () => {
            const r = await timed(() => c.ok(s.command, { timeoutMs: BULK_TIMEOUT_MS, collect: true }));
            n = numbersOf(r.value.untagged, 'SORT').length;
            return r.ms;
          });
          return { kind: 'ok', value: median(samples), samples, note: n === exists ? undefined : `${n} numbers for ${exists} messages` };
        });
      }
    } finally {
      await c.logout();
    }
    return out;
  },
};
