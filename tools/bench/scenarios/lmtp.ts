// LMTP delivery throughput with 10 concurrent connections, as an MTA's delivery agents would
// deliver. Each run delivers the first N messages of the data set again, each made unique by an
// added header (so aox's single-instance store cannot skip the work); the copies are prepared
// (CRLF, dot-stuffed) before the clock starts and the connections are opened (LHLO) untimed.
import { LmtpClient, lmtpData } from '../lmtp-client.ts';
import { readMbox } from '../mbox.ts';
import { row, sample, type Scenario } from '../scenario.ts';
import { median } from '../stats.ts';
import type { Target } from '../target.ts';
import type { BenchContext } from '../scenario.ts';

async function deliverRun(t: Target, ctx: BenchContext, originals: Buffer[], run: number): Promise<number> {
  const port = t.ports.lmtp as number;
  const data = originals.map((raw, i) => lmtpData(Buffer.concat([Buffer.from(`X-Bench-Delivery: ${run}.${i}\n`), raw])));
  const conns = await Promise.all(Array.from({ length: ctx.lmtpConnections }, () => LmtpClient.connect(t.host, port)));
  try {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(conns.map(async (c) => {
      for (let guard = 0; guard < data.length; guard++) {
        const i = next++;
        if (i >= data.length) return;
        const [reply] = await c.deliver(`sender@bench.aox.invalid`, [t.users.lmtp.address], data[i]);
        if (reply.code !== 250) throw new Error(`delivery ${i}: ${reply.code} ${reply.text}`);
      }
    }));
    const seconds = (performance.now() - t0) / 1000;
    return data.length / seconds;
  } finally {
    await Promise.all(conns.map((c) => c.quit()));
  }
}

export const scenario: Scenario = {
  name: 'lmtp',
  measures: 'LMTP delivery throughput: messages per second over 10 concurrent connections (MAIL/RCPT/DATA per message, no pipelining), wall time from the first MAIL FROM to the last 250',
  rows: [{ id: 'lmtp', label: 'LMTP delivery, 10 connections', unit: 'msg/s', better: 'higher' }],
  needs: ['lmtp'],
  async run(t, ctx) {
    return {
      lmtp: await row(async () => {
        const originals = [...readMbox(ctx.dataset.mbox, ctx.lmtpPerRun)].map((m) => m.raw);
        const samples = await sample(ctx, (run) => deliverRun(t, ctx, originals, run + 100));
        const mb = originals.reduce((s, b) => s + b.length, 0) / 1e6;
        return { kind: 'ok', value: median(samples), samples, note: `${originals.length} messages (${mb.toFixed(1)} MB) per run` };
      }),
    };
  },
};
