// The newest 50 messages' headers: what a client shows first when a folder opens.
import { median, timed } from '../stats.ts';
import { row, sample, type Scenario } from '../scenario.ts';
import { bigFolder } from '../session.ts';

const COUNT = 50;

export const scenario: Scenario = {
  name: 'fetch-headers',
  measures: `client-observed time of FETCH n-${COUNT - 1}:n (BODY.PEEK[HEADER]) for the newest ${COUNT} messages of the selected big folder`,
  rows: [{ id: 'fetch-headers', label: `FETCH newest ${COUNT} BODY.PEEK[HEADER]`, unit: 'ms', better: 'lower' }],
  needs: ['imap'],
  async run(t, ctx) {
    return {
      'fetch-headers': await row(async () => {
        const { c, exists } = await bigFolder(t);
        try {
          const first = Math.max(1, exists - COUNT + 1);
          let bytes = 0;
          const samples = await sample(ctx, async () => {
            const r = await timed(() => c.ok(`FETCH ${first}:${exists} (BODY.PEEK[HEADER])`));
            bytes = r.value.literalBytes;
            return r.ms;
          });
          return { kind: 'ok', value: median(samples), samples, detail: { headerBytes: bytes } };
        } finally {
          await c.logout();
        }
      }),
    };
  },
};
