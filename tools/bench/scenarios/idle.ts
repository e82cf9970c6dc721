// IDLE at scale: 1,000 sessions of one user sit in IDLE on its INBOX; another connection APPENDs
// a message (or, where APPEND is refused, LMTP delivers one), and each session's wait for its
// "* n EXISTS" is one latency sample. Several rounds; p50 and p99 over all samples. With the
// sessions open, the servers' memory is measured too: PSS read as the sessions open in four steps,
// per connection = the slope of PSS over sessions (see run()).
// Latency includes the client's own handling of 1,000 sockets in one event loop (a few ms at the
// tail), the same for both servers.
import { ImapClient, ImapRefused } from '../imap-client.ts';
import { LmtpClient, lmtpData } from '../lmtp-client.ts';
import { sleep } from '../net-util.ts';
import { NotSupported, outcomeOf, type BenchContext, type Outcome, type Scenario } from '../scenario.ts';
import { imapSession } from '../session.ts';
import { quantile, slope } from '../stats.ts';
import type { Target } from '../target.ts';

const OPEN_CONCURRENCY = 25;
const NOTIFY_TIMEOUT_MS = 60_000;
const SETTLE_MS = 2000;
const MEMORY_STEPS = 4;

interface Watcher {
  c: ImapClient;
  exists: number;
  target: number;
  seenAt: number;
}

async function openWatcher(t: Target, onSeen: () => void): Promise<Watcher> {
  const c = await imapSession(t, t.users.idle);
  try {
    const w: Watcher = { c, exists: await c.select('INBOX'), target: Infinity, seenAt: NaN };
    c.onUnsolicited = (u, at) => {
      const m = /^\* (\d+) EXISTS/i.exec(u.text);
      if (!m) return;
      w.exists = Number(m[1]);
      if (w.exists >= w.target && Number.isNaN(w.seenAt)) {
        w.seenAt = at;
        onSeen();
      }
    };
    // the sessions are never told DONE: the scenario ends by closing them
    await c.idle();
    return w;
  } catch (e) {
    c.close();
    throw e;
  }
}

function notification(round: number): Buffer {
  return Buffer.from([
    'From: Trigger <trigger@bench.aox.invalid>', 'To: idle@bench.aox.invalid',
    `Subject: IDLE round ${round}`, `Message-ID: <idle-${round}.${Date.now()}@bench.aox.invalid>`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`, '', `Round ${round}.`, '',
  ].join('\r\n'));
}

/** Sends one new message to the idle user's INBOX; returns when its last byte was sent. */
type Trigger = (round: number) => Promise<number>;

async function makeTrigger(t: Target): Promise<{ trigger: Trigger; how: string; close: () => Promise<void> }> {
  const c = await imapSession(t, t.users.idle);
  const probe = await c.append('INBOX', notification(0));
  if (probe.result.status === 'OK') {
    return {
      trigger: async (round) => {
        const r = await c.append('INBOX', notification(round));
        if (r.result.status !== 'OK') throw new ImapRefused('APPEND', r.result);
        return r.sentAt;
      },
      how: 'APPEND on another connection',
      close: () => c.logout(),
    };
  }
  await c.logout();
  if (t.ports.lmtp === null) throw new ImapRefused('APPEND', probe.result);
  const l = await LmtpClient.connect(t.host, t.ports.lmtp);
  return {
    trigger: async (round) => {
      let sentAt = 0;
      const [reply] = await l.deliver('trigger@bench.aox.invalid', [t.users.idle.address], lmtpData(notification(round)), 60_000,
        () => { sentAt = performance.now(); });
      if (reply.code !== 250) throw new Error(`LMTP delivery: ${reply.code} ${reply.text}`);
      return sentAt;
    },
    how: `LMTP delivery (APPEND refused: ${probe.result.status} ${probe.result.text.slice(0, 80)})`,
    close: () => l.quit(),
  };
}

async function openAll(t: Target, n: number, onSeen: () => void): Promise<Watcher[]> {
  const watchers: Watcher[] = [];
  let next = 0;
  let failure: unknown = null;
  await Promise.all(Array.from({ length: Math.min(OPEN_CONCURRENCY, n) }, async () => {
    for (let guard = 0; guard < n && failure === null; guard++) {
      if (next >= n) return;
      next++;
      try {
        watchers.push(await openWatcher(t, onSeen));
      } catch (e) {
        failure ??= e;
      }
    }
  }));
  if (failure !== null) {
    for (const w of watchers) w.c.close();
    throw failure;
  }
  return watchers;
}

export const scenario: Scenario = {
  name: 'idle',
  measures: 'IDLE notification latency with 1,000 idle sessions on one mailbox: time from the last byte of an APPEND on another connection to each session receiving "* n EXISTS" (p50/p99 over all sessions and 5 rounds); and memory per idle connection: the slope of the server\'s total PSS over the number of open IDLE sessions, read at ¼, ½, ¾ and all sessions (aox gets a full GC before each reading)',
  rows: [
    { id: 'idle-p50', label: 'IDLE notification latency p50', unit: 'ms', better: 'lower' },
    { id: 'idle-p99', label: 'IDLE notification latency p99', unit: 'ms', better: 'lower' },
    { id: 'idle-memory', label: 'memory per idle connection', unit: 'KiB/conn', better: 'lower' },
  ],
  needs: ['imap'],
  async run(t: Target, ctx: BenchContext): Promise<Record<string, Outcome>> {
    const n = ctx.idleSessions;
    const tuning = await t.prepareConnections(n);
    let seen = 0;
    const watchers: Watcher[] = [];
    const out: Record<string, Outcome> = {};
    try {
      // memory read at ¼, ½, ¾ and all sessions, and the least-squares slope: a garbage
      // collection between two readings moves one point, not the result. The reading before any
      // session is reported but not fitted: the first sessions also pay one-off costs (aox opens
      // its database pool, Dovecot starts login processes).
      const xs: number[] = [];
      const ys: number[] = [];
      const readings: string[] = [];
      const measure = async () => {
        await t.quiesce();
        await sleep(SETTLE_MS);
        const m = t.memory();
        if (watchers.length > 0) {
          xs.push(watchers.length);
          ys.push(m.pss);
        }
        readings.push(`${watchers.length}: ${(m.pss / 1048576).toFixed(0)} MiB/${m.processes} proc`);
        return m;
      };
      const before = await measure();
      const steps = MEMORY_STEPS;
      for (let k = 1; k <= steps; k++) {
        watchers.push(...await openAll(t, Math.round((n * k) / steps) - watchers.length, () => { seen++; }));
        await measure();
      }
      const perConnection = slope(xs, ys) / 1024;
      out['idle-memory'] = before.processes === 0
        ? { kind: 'failed', reason: 'no server processes found to measure' }
        : {
          kind: 'ok', value: perConnection, samples: [perConnection],
          note: `slope of PSS over open IDLE sessions (sessions: MiB/processes — ${readings.join(', ')}); counts ${t.memoryCovers}` +
            (tuning ? `; ${tuning}` : ''),
          detail: { sessions: xs.join(','), pss: ys.join(',') },
        };
      const { trigger, how, close } = await makeTrigger(t);
      const latencies: number[] = [];
      let missed = 0;
      try {
        for (let round = 1; round <= ctx.idleRounds; round++) {
          for (const w of watchers) {
            w.target = w.exists + 1;
            w.seenAt = NaN;
          }
          seen = 0;
          const sentAt = await trigger(round);
          const deadline = performance.now() + NOTIFY_TIMEOUT_MS;
          while (seen < watchers.length && performance.now() < deadline) await sleep(5);
          for (const w of watchers) {
            // a notification that never came counts as the timeout: a lower bound, never dropped
            if (Number.isNaN(w.seenAt)) missed++;
            latencies.push(Number.isNaN(w.seenAt) ? NOTIFY_TIMEOUT_MS : w.seenAt - sentAt);
          }
          await sleep(500);
        }
      } finally {
        await close();
      }
      if (missed === latencies.length) throw new NotSupported(`no IDLE session saw EXISTS within ${NOTIFY_TIMEOUT_MS / 1000} s`);
      const note = `${n} sessions × ${ctx.idleRounds} rounds via ${how}` +
        (missed ? `; ${missed} notifications not seen within ${NOTIFY_TIMEOUT_MS / 1000} s (counted as ${NOTIFY_TIMEOUT_MS} ms)` : '') + (tuning ? `; ${tuning}` : '');
      out['idle-p50'] = { kind: 'ok', value: quantile(latencies, 0.5), samples: [quantile(latencies, 0.5)], note, detail: { samples: latencies.length, missed } };
      out['idle-p99'] = { kind: 'ok', value: quantile(latencies, 0.99), samples: [quantile(latencies, 0.99)], note, detail: { samples: latencies.length, missed } };
    } catch (e) {
      const o = outcomeOf(e);
      for (const id of ['idle-p50', 'idle-p99', 'idle-memory']) out[id] ??= o;
    } finally {
      for (const w of watchers) w.c.close();
      // let the servers tear down 1,000 sessions before the next scenario measures anything
      await sleep(2000);
    }
    return out;
  },
};
