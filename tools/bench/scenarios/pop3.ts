// POP3 RETR throughput: a POP3 client downloading mail from the big maildrop, one message after
// the other on one connection.
import { Pop3Client } from '../pop3-client.ts';
import { row, sample, type Scenario } from '../scenario.ts';
import { median } from '../stats.ts';

export const scenario: Scenario = {
  name: 'pop3',
  measures: 'POP3 RETR throughput: messages per second retrieving messages 1..N of the big maildrop in order on one connection (USER/PASS and STAT untimed; bodies read in full)',
  rows: [{ id: 'pop3', label: 'POP3 RETR', unit: 'msg/s', better: 'higher' }],
  needs: ['pop'],
  async run(t, ctx) {
    return {
      pop3: await row(async () => {
        let bytes = 0;
        let count = 0;
        let mbps: number[] = [];
        const samples = await sample(ctx, async (run) => {
          const c = await Pop3Client.connect(t.host, t.ports.pop as number);
          try {
            await c.login(t.users.bench.login, t.users.bench.password);
            const stat = await c.stat();
            count = Math.min(ctx.popRetrCount, stat.count);
            if (count === 0) throw new Error('the maildrop is empty');
            bytes = 0;
            const t0 = performance.now();
            for (let i = 1; i <= count; i++) bytes += await c.retr(i);
            const seconds = (performance.now() - t0) / 1000;
            if (run >= 0) mbps = [...mbps, bytes / 1e6 / seconds];
            return count / seconds;
          } finally {
            await c.quit();
          }
        });
        return { kind: 'ok', value: median(samples), samples, note: `${count} messages, ${(bytes / 1e6).toFixed(1)} MB per run, ${median(mbps).toFixed(1)} MB/s` };
      }),
    };
  },
};
