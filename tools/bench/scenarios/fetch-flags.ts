// UID FETCH 1:* (FLAGS): what every client does to resynchronise a folder.
import { median, timed } from '../stats.ts';
import { row, sample, type Scenario } from '../scenario.ts';
import { BULK_TIMEOUT_MS, bigFolder } from '../session.ts';

export const scenario: Scenario = {
  name: 'fetch-flags',
  measures: 'client-observed time of UID FETCH 1:* (FLAGS) on the selected big folder, until the tagged OK (every FETCH response read)',
  rows: [{ id: 'fetch-flags', label: 'UID FETCH 1:* (FLAGS)', unit: 'ms', better: 'lower' }],
  needs: ['imap'],
  async run(t, ctx) {
    return {
      'fetch-flags': await row(async () => {
        const { c, exists } = await bigFolder(t);
        try {
          let responses = 0;
          const samples = await sample(ctx, async () => {
            const r = await timed(() => c.ok('UID FETCH 1:* (FLAGS)', { timeoutMs: BULK_TIMEOUT_MS }));
            responses = r.value.untaggedCount;
            return r.ms;
          });
          return { kind: 'ok', value: median(samples), samples, note: responses === exists ? undefined : `${responses} FETCH responses for ${exists} messages` };
        } finally {
          await c.logout();
        }
      }),
    };
  },
};
