// SEARCH over the whole big folder: a planted rare word (a needle), a common word (a large
// result), a sender and a subject word. Hit counts go into the notes, so a server that answers
// fast but wrongly shows up.
import { SEARCH_TERMS } from '../dataset.ts';
import { numbersOf, quote } from '../imap-client.ts';
import { median, timed } from '../stats.ts';
import { row, sample, type Outcome, type Scenario } from '../scenario.ts';
import { BULK_TIMEOUT_MS, bigFolder } from '../session.ts';

const QUERIES = [
  { id: 'search-rare', label: `SEARCH TEXT rare word`, criteria: `TEXT ${quote(SEARCH_TERMS.rare)}` },
  { id: 'search-common', label: `SEARCH TEXT common word`, criteria: `TEXT ${quote(SEARCH_TERMS.common)}` },
  { id: 'search-from', label: 'SEARCH FROM', criteria: `FROM ${quote(SEARCH_TERMS.from)}` },
  { id: 'search-subject', label: 'SEARCH SUBJECT', criteria: `SUBJECT ${quote(SEARCH_TERMS.subject)}` },
];

export const scenario: Scenario = {
  name: 'search',
  measures: `client-observed time of SEARCH on the selected big folder: TEXT "${SEARCH_TERMS.rare}" (planted in 1 of 1,000 plain-text messages), ` +
    `TEXT "${SEARCH_TERMS.common}" (~17% of messages), FROM "${SEARCH_TERMS.from}", SUBJECT "${SEARCH_TERMS.subject}"`,
  rows: QUERIES.map((q) => ({ id: q.id, label: q.label, unit: 'ms', better: 'lower' as const })),
  needs: ['imap'],
  async run(t, ctx) {
    const out: Record<string, Outcome> = {};
    const { c } = await bigFolder(t);
    try {
      for (const q of QUERIES) {
        out[q.id] = await row(async () => {
          let hits = 0;
          const samples = await sample(ctx, async () => {
            const r = await timed(() => c.ok(`SEARCH ${q.criteria}`, { timeoutMs: BULK_TIMEOUT_MS, collect: true }));
            hits = numbersOf(r.value.untagged, 'SEARCH').length;
            return r.ms;
          });
          const planted = q.id === 'search-rare' ? ` (planted: ${ctx.dataset.planted[SEARCH_TERMS.rare] ?? '?'})` : '';
          return { kind: 'ok', value: median(samples), samples, note: `${hits} hits${planted}`, detail: { hits } };
        });
      }
    } finally {
      await c.logout();
    }
    return out;
  },
};
