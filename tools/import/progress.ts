// Progress of a long import on standard error: a cli-progress bar on a terminal (messages, bytes,
// rate, ETA), plain lines every few seconds otherwise (cron, logs, pipes). Reports of skipped and
// malformed messages go above the bar, so they are never overwritten.
import cliProgress from 'cli-progress';
import type { ImportCounts } from './importer.ts';

export interface ProgressReporter {
  update(counts: Readonly<ImportCounts>): void;
  /** a line that must stay visible */
  log(line: string): void;
  stop(): void;
}

const MB = 1024 * 1024;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function rates(counts: Readonly<ImportCounts>, started: number, totalBytes: number) {
  const seconds = Math.max((Date.now() - started) / 1000, 0.001);
  const perSecond = counts.read / seconds;
  const bytesPerSecond = counts.bytes / seconds;
  const eta = totalBytes > 0 && bytesPerSecond > 0 ? Math.max(totalBytes - counts.bytes, 0) / bytesPerSecond : NaN;
  return { seconds, perSecond, bytesPerSecond, eta };
}

/** A bar for a terminal. */
export function barProgress(totalBytes: number, stream: NodeJS.WritableStream = process.stderr): ProgressReporter {
  const started = Date.now();
  const multi = new cliProgress.MultiBar({
    stream,
    format: '{bar} {percentage}% | {messages} msgs | {mb}/{totalMb} MB | {rate} msg/s | ETA {etaText}',
    hideCursor: true,
    clearOnComplete: false,
    fps: 5,
  }, cliProgress.Presets.shades_classic);
  const payload = (c: Readonly<ImportCounts>) => {
    const r = rates(c, started, totalBytes);
    return {
      messages: c.read, mb: (c.bytes / MB).toFixed(1), totalMb: (totalBytes / MB).toFixed(1),
      rate: Math.round(r.perSecond), etaText: formatDuration(r.eta),
    };
  };
  const empty: ImportCounts = { read: 0, bytes: 0, imported: 0, present: 0, malformed: 0, skipped: 0, skippedBytes: 0 };
  const bar = multi.create(Math.max(totalBytes, 1), 0, payload(empty));
  let stopped = false;
  return {
    update: (c) => { if (!stopped) bar.update(Math.min(c.bytes, Math.max(totalBytes, 1)), payload(c)); },
    log: (line) => { if (stopped) stream.write(line + '\n'); else multi.log(line + '\n'); },
    stop: () => {
      if (!stopped) multi.stop();
      stopped = true;
    },
  };
}

/** Plain lines every intervalMs, for output that is not a terminal. */
export function lineProgress(totalBytes: number, write: (line: string) => void, intervalMs = 10_000): ProgressReporter {
  const started = Date.now();
  let last = started;
  return {
    update(c) {
      const now = Date.now();
      if (now - last < intervalMs) return;
      last = now;
      const r = rates(c, started, totalBytes);
      const pct = totalBytes > 0 ? ` of ${(totalBytes / MB).toFixed(1)} MB (${Math.min(100, Math.floor((100 * c.bytes) / totalBytes))}%)` : '';
      write(`import: ${c.read} messages, ${(c.bytes / MB).toFixed(1)} MB${pct}, ` +
        `${Math.round(r.perSecond)} msg/s, ${(r.bytesPerSecond / MB).toFixed(1)} MB/s, ETA ${formatDuration(r.eta)}`);
    },
    log: write,
    stop: () => undefined,
  };
}

/** Nothing at all (-q). */
export function silentProgress(write: (line: string) => void): ProgressReporter {
  return { update: () => undefined, log: write, stop: () => undefined };
}
