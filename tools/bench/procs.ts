// Memory of a server as the kernel accounts it: the sum of PSS (proportional set size, from
// /proc/<pid>/smaps_rollup) over the server's processes. PSS rather than RSS because Dovecot runs
// one forked process per IMAP connection and those share most of their pages: summing RSS would
// count the shared libraries a thousand times.
import { readdirSync, readFileSync } from 'node:fs';

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // the command name may contain spaces and parentheses: the fields start after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return null;
  }
}

/** The given processes and all their descendants that are alive now. */
export function processTree(roots: readonly number[]): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const ppid = parentOf(pid);
    if (ppid === null) continue;
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const out: number[] = [];
  const seen = new Set<number>();
  const stack = roots.filter((p) => parentOf(p) !== null);
  for (let guard = 0; stack.length > 0 && guard < 1_000_000; guard++) {
    const pid = stack.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

export interface MemorySample {
  /** sum of PSS in bytes */
  pss: number;
  /** sum of RSS in bytes (double-counts shared pages; for reference) */
  rss: number;
  processes: number;
}

function rollup(pid: number): { pss: number; rss: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
    return { pss: kb('Pss'), rss: kb('Rss') };
  } catch {
    return null;
  }
}

export function memoryOf(pids: readonly number[]): MemorySample {
  let pss = 0;
  let rss = 0;
  let processes = 0;
  for (const pid of pids) {
    const r = rollup(pid);
    if (!r) continue;
    pss += r.pss;
    rss += r.rss;
    processes++;
  }
  return { pss, rss, processes };
}

/** The first line of a pid file (postmaster.pid, Dovecot's master.pid), or null. */
export function pidFromFile(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, 'latin1').split('\n')[0].trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Whether a process runs; a zombie (exited, not yet reaped, which a daemon's re-parented
 *  processes can stay in a container without an init that reaps) counts as gone. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
