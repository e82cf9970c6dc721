// What commands print. Results go to standard output, one record per line so scripts can read
// them; progress notes and warnings go to standard error.

export interface Output {
  /** a line of results on standard output */
  line(text?: string): void;
  /** rows as aligned columns (the last column is not padded) */
  table(rows: string[][], header?: string[]): void;
  /** a note or warning on standard error */
  note(text: string): void;
}

export function formatTable(rows: string[][], header?: string[]): string[] {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return all.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd());
}

export function consoleOutput(stdout: NodeJS.WritableStream = process.stdout,
                              stderr: NodeJS.WritableStream = process.stderr): Output {
  return {
    line: (text = '') => { stdout.write(text + '\n'); },
    table: (rows, header) => { for (const l of formatTable(rows, header)) stdout.write(l + '\n'); },
    note: (text) => { stderr.write(text + '\n'); },
  };
}

/** Bytes as a short human-readable size ("1.5 MB"), for listings. */
export function formatBytes(n: number | bigint | string): string {
  let v = Number(n);
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return u === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}
