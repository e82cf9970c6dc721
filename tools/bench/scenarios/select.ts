// SELECT of the big folder: what a client waits for when it opens a ten-year archive folder.
import { median, timed } from '../stats.ts';
import { row, sample, type Scenario } from '../scenario.ts';
import { BULK_TIMEOUT_MS, imapSession } from '../session.ts';

export const scenario: Scenario = {
  name: 'select',
  measures: 'client-observed time from sending SELECT INBOX (the big folder) to its tagged OK, on a fresh logged-in connection each run (connect and LOGIN untimed)',
  rows: [{ id: 'select', label: 'SELECT big folder', unit: 'ms', better: 'lower' }],
  needs: ['imap'],
  async run(t, ctx) {
    return {
      select: await row(async () => {
        let exists = 0;
        const samples = await sample(ctx, async () => {
          const c = await imapSession(t, t.users.bench);
          try {
            const r = await timed(() => c.select('INBOX', false, { timeoutMs: BULK_TIMEOUT_MS }));
            exists = r.value;
            return r.ms;
          } finally {
            await c.logout();
          }
        });
        return { kind: 'ok', value: median(samples), samples, note: `EXISTS ${exists}` };
      }),
    };
  },
};
