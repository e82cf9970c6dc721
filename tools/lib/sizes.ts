// Sizes typed by administrators: "500M", "2G", "1024K", "123456" (bytes), "unlimited"/"none".
// Units are powers of 1024, as quota is counted (RFC 9208 STORAGE is in units of 1024 octets).
import { CliError } from './command.ts';

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4, tib: 1024 ** 4 };

/** Bytes, or null for no limit. */
export function parseSize(text: string): number | null {
  if (/^(unlimited|none)$/i.test(text)) return null;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new CliError(`not a size (like 500M, 2G, 1024K, or unlimited): ${text}`);
  return Math.round(Number(m[1]) * unit);
}

/** A count, or null for no limit. */
export function parseCount(text: string): number | null {
  if (/^(unlimited|none)$/i.test(text)) return null;
  if (!/^\d+$/.test(text)) throw new CliError(`not a number of messages (or unlimited): ${text}`);
  return Number(text);
}
