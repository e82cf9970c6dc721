// What a scenario knows about the server under test. Both sides (aox-server.ts, dovecot.ts)
// implement it, so every scenario is written once and runs unchanged against both.
import type { MemorySample } from './procs.ts';

export type SideName = 'aox' | 'dovecot';

export interface BenchUser {
  login: string;
  password: string;
  /** the LMTP recipient address */
  address: string;
}

/** The accounts every side creates: the big folder, LMTP's target, IDLE's mailbox, imaptest's. */
export interface BenchUsers {
  bench: BenchUser;
  lmtp: BenchUser;
  idle: BenchUser;
  stress: BenchUser;
}

export const USER_NAMES = ['bench', 'lmtp', 'idle', 'stress'] as const;
export const BENCH_PASSWORD = 'bench-password-1';
export const ADDRESS_DOMAIN = 'bench.aox.invalid';

export function benchUsers(): BenchUsers {
  const u = (login: string): BenchUser => ({ login, password: BENCH_PASSWORD, address: `${login}@${ADDRESS_DOMAIN}` });
  return { bench: u('bench'), lmtp: u('lmtp'), idle: u('idle'), stress: u('stress') };
}

export interface ImportOutcome {
  messages: number;
  seconds: number;
  /** how the data went in (e.g. "doveadm import", "aox import", "admin.messages_import batches") */
  method: string;
}

export interface Target {
  name: SideName;
  label: string;
  host: string;
  /** null: the protocol is not served; `unavailable` says why */
  ports: { imap: number | null; pop: number | null; lmtp: number | null };
  /** why the server could not be started (every protocol scenario is then "not supported") */
  unavailable: string | null;
  users: BenchUsers;
  /** messages in the bench user's INBOX after the import */
  bigCount: number;
  version: string;
  /** memory of every process serving mail (see procs.ts), and what that covers */
  memory(): MemorySample;
  memoryCovers: string;
  /** lets the server reach a steady state before a memory reading (aox: a full GC in its process) */
  quiesce(): Promise<void>;
  /** bytes the big folder occupies on disk, and what was counted */
  bytesStored(): Promise<{ bytes: number; note: string }>;
  /** host or server tuning needed for n concurrent connections; returns a note for the report */
  prepareConnections(n: number): Promise<string | null>;
  /** the server's own log, for failure notes */
  logFile: string;
}

export interface Side extends Target {
  importDataset(mbox: string, count: number): Promise<ImportOutcome>;
  startServer(): Promise<void>;
  stop(): Promise<void>;
}
