// STORE 1:* +FLAGS (\Seen): "mark the whole folder read", one command over every message.
import { median, timed } from '../stats.ts';
import { row, sample, type Scenario } from '../scenario.ts';
import { BULK_TIMEOUT_MS, bigFolder } from '../session.ts';

export const scenario: Scenario = {
  name: 'store',
  measures: 'client-observed time of STORE 1:* +FLAGS (\\Seen) on the selected big folder (every untagged FETCH read); each run starts unseen: STORE 1:* -FLAGS.SILENT (\\Seen) resets it, untimed',
  rows: [{ id: 'store', label: 'STORE 1:* +FLAGS (\\Seen)', unit: 'ms', better: 'lower' }],
  needs: ['imap'],
  async run(t, ctx) {
    return {
      store: await row(async () => {
        const { c, exists } = await bigFolder(t);
        try {
          let responses = 0;
          const samples = await sample(ctx, async () => {
            await c.ok('STORE 1:* -FLAGS.SILENT (\\Seen)', { timeoutMs: BULK_TIMEOUT_MS });
            const r = await timed(() => c.ok('STORE 1:* +FLAGS (\\Seen)', { timeoutMs: BULK_TIMEOUT_MS }));
            responses = r.value.untaggedCount;
            return r.ms;
          });
          await c.ok('STORE 1:* -FLAGS.SILENT (\\Seen)', { timeoutMs: BULK_TIMEOUT_MS });
          return { kind: 'ok', value: median(samples), samples, note: responses >= exists ? undefined : `${responses} FETCH responses for ${exists} messages` };
        } finally {
          await c.logout();
        }
      }),
    };
  },
};
