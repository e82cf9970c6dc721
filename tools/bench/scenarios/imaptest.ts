// imaptest (Dovecot's IMAP stress tester) with 10 and 50 clients: a mixed load of LOGIN, SELECT,
// FETCH, STORE, EXPUNGE, APPEND, LOGOUT… on a small mailbox of its own user, for a fixed time.
// The figure is imaptest's total of commands divided by the seconds it ran. One run per client
// count (a run is already 30 s of thousands of commands).
import { spawn } from 'node:child_process';
import { dovecotLibraryPath } from '../dovecot.ts';
import { type BenchContext, type Outcome, type Scenario } from '../scenario.ts';
import type { Target } from '../target.ts';

export interface ImaptestTotals {
  columns: string[];
  counts: number[];
  total: number;
  errors: string[];
}

/** Parses imaptest's final "Totals:" block (column names, percentages, counts) and its errors. */
export function parseImaptest(output: string): ImaptestTotals | null {
  const lines = output.split('\n');
  const errors = lines.filter((l) => /error/i.test(l) && !/^\s*\d/.test(l)).map((l) => l.trim()).slice(0, 20);
  const at = lines.findIndex((l) => l.trim() === 'Totals:');
  if (at < 0) return null;
  const columns = (lines[at + 1] ?? '').trim().split(/\s+/);
  for (let i = at + 2; i < Math.min(lines.length, at + 8); i++) {
    const parts = lines[i].trim().split(/\s+/);
    if (parts.length === columns.length && parts.every((p) => /^\d+$/.test(p))) {
      const counts = parts.map(Number);
      return { columns, counts, total: counts.reduce((a, b) => a + b, 0), errors };
    }
  }
  return null;
}

function runImaptest(path: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(path, args, { env: { ...process.env, LD_LIBRARY_PATH: dovecotLibraryPath() }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (d: Buffer) => {
      // bounded: imaptest prints one line per second plus errors
      if (output.length < 4_000_000) output += d.toString('utf8');
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(output);
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve(output + `\nerror: ${e.message}`);
    });
  });
}

async function once(t: Target, ctx: BenchContext, clients: number): Promise<Outcome> {
  const args = [`host=${t.host}`, `port=${t.ports.imap}`, `user=${t.users.stress.login}`, `pass=${t.users.stress.password}`,
    `mbox=${ctx.dataset.smallMbox}`, `clients=${clients}`, `secs=${ctx.imaptestSecs}`, 'seed=42'];
  const output = await runImaptest(ctx.imaptest as string, args, (ctx.imaptestSecs + 90) * 1000);
  const totals = parseImaptest(output);
  if (!totals) return { kind: 'failed', reason: `no totals in imaptest's output: ${output.trim().split('\n').slice(-3).join(' | ').slice(0, 250)}` };
  const logins = totals.counts[totals.columns.indexOf('Logi')] ?? 0;
  if (totals.total === 0 || logins === 0) {
    return { kind: 'unsupported', reason: `imaptest completed no commands: ${totals.errors[0] ?? output.trim().split('\n').slice(-1)[0] ?? ''}`.slice(0, 300) };
  }
  const rate = totals.total / ctx.imaptestSecs;
  const note = `${totals.total} commands in ${ctx.imaptestSecs} s` + (totals.errors.length ? `; imaptest reported errors, first: ${totals.errors[0].slice(0, 160)}` : '');
  return { kind: 'ok', value: rate, samples: [rate], note, detail: Object.fromEntries(totals.columns.map((c, i) => [c, totals.counts[i]])) };
}

export const scenario: Scenario = {
  name: 'imaptest',
  measures: 'imaptest stress load (its default mix: LOGIN, LIST, STATUS, SELECT, FETCH, STORE, EXPUNGE, APPEND, LOGOUT) with 10 and 50 concurrent clients for a fixed time on a separate user; commands completed per second',
  rows: [10, 50].map((n) => ({ id: `imaptest-${n}`, label: `imaptest, ${n} clients`, unit: 'cmd/s', better: 'higher' as const })),
  needs: ['imap'],
  async run(t, ctx) {
    const out: Record<string, Outcome> = {};
    for (const clients of [10, 50]) {
      const id = `imaptest-${clients}`;
      if (!ctx.imaptest) {
        out[id] = { kind: 'not-run', reason: ctx.imaptestMissing };
        continue;
      }
      if (!ctx.imaptestClients.includes(clients)) continue;
      out[id] = await once(t, ctx, clients);
    }
    return out;
  },
};
