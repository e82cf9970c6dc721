// The shape of a scenario and its results. A scenario produces one or more rows; each row is a
// number with a unit and a direction, or a reason why there is no number. A missing number is never
// a zero.
import type { DatasetManifest } from './dataset.ts';
import { ImapRefused } from './imap-client.ts';
import type { Target } from './target.ts';

export type Better = 'lower' | 'higher';

export interface RowSpec {
  id: string;
  label: string;
  unit: string;
  better: Better;
}

export type Outcome =
  | { kind: 'ok'; value: number; samples: number[]; note?: string; detail?: Record<string, number | string> }
  | { kind: 'unsupported'; reason: string }
  | { kind: 'not-run'; reason: string }
  | { kind: 'failed'; reason: string };

export interface BenchContext {
  dataset: DatasetManifest;
  /** measured runs per timing (the median is reported) */
  runs: number;
  /** unmeasured runs first, so a cold first run (empty caches) does not count */
  warmups: number;
  idleSessions: number;
  idleRounds: number;
  lmtpPerRun: number;
  lmtpConnections: number;
  popRetrCount: number;
  imaptestSecs: number;
  imaptestClients: number[];
  /** the imaptest binary, or null with the reason in imaptestMissing */
  imaptest: string | null;
  imaptestMissing: string;
  tmp: string;
  log: (line: string) => void;
}

export interface Scenario {
  /** the name --only selects */
  name: string;
  /** what it measures, for the report */
  measures: string;
  rows: RowSpec[];
  /** protocols the scenario needs; missing ones make it "not supported" without running */
  needs: Array<'imap' | 'pop' | 'lmtp'>;
  run(target: Target, ctx: BenchContext): Promise<Record<string, Outcome>>;
}

/** A thrown error as an outcome: a refused command is "not supported", anything else "failed". */
export function outcomeOf(e: unknown): Outcome {
  if (e instanceof ImapRefused) return { kind: 'unsupported', reason: e.message };
  if (e instanceof NotSupported) return { kind: 'unsupported', reason: e.message };
  const msg = e instanceof Error ? e.message : String(e);
  return { kind: 'failed', reason: msg.slice(0, 300) };
}

export class NotSupported extends Error {}

/** Runs warm-ups, then `runs` measured runs; each run returns its own measurement. */
export async function sample(ctx: BenchContext, f: (run: number) => Promise<number>): Promise<number[]> {
  for (let i = 0; i < ctx.warmups; i++) await f(-1 - i);
  const out: number[] = [];
  for (let i = 0; i < ctx.runs; i++) out.push(await f(i));
  return out;
}

/** Runs a row's measurement, turning a refusal or error into that row's outcome. */
export async function row(f: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await f();
  } catch (e) {
    return outcomeOf(e);
  }
}
