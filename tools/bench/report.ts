// The results as a console table, JSON (everything, samples included) and Markdown for the README.
// A cell without a number says why ("not supported", "not run", "failed") and the reason is listed
// under the table; nothing missing is ever shown as 0.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetManifest } from './dataset.ts';
import { describeMachine, type Machine } from './machine.ts';
import type { Better, Outcome, RowSpec } from './scenario.ts';
import { ratio } from './stats.ts';
import type { SideName } from './target.ts';

export interface ScenarioInfo {
  name: string;
  measures: string;
  rows: RowSpec[];
}

export interface Report {
  date: string;
  command: string;
  machine: Machine;
  dataset: Omit<DatasetManifest, 'mbox' | 'smallMbox'>;
  runs: number;
  warmups: number;
  sides: Record<SideName, { version: string; notes: string[] }>;
  scenarios: ScenarioInfo[];
  results: Record<SideName, Record<string, Outcome>>;
  seconds: number;
  /** 1-minute load averages sampled during the run (before each side, and at the end) */
  load: number[];
}

/** 3 significant figures, thousands separated: 12,345 · 123 · 12.3 · 1.23 · 0.123 */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

function cell(o: Outcome | undefined): string {
  if (!o) return '—';
  switch (o.kind) {
    case 'ok': return formatNumber(o.value);
    case 'unsupported': return 'not supported';
    case 'not-run': return 'not run';
    case 'failed': return 'failed';
  }
}

function value(o: Outcome | undefined): number | null {
  return o?.kind === 'ok' ? o.value : null;
}

/** "aox 2.1× better" / "Dovecot 1.4× better" / "even", from the ratio aox/Dovecot. */
export function verdict(r: number | null, better: Better): string {
  if (r === null) return '';
  const aoxWins = better === 'lower' ? r < 1 : r > 1;
  const factor = r >= 1 ? r : 1 / r;
  if (factor < 1.05) return 'even';
  return `${aoxWins ? 'aox' : 'Dovecot'} ${formatNumber(factor)}× better`;
}

interface Line {
  label: string;
  unit: string;
  better: Better;
  aox: string;
  dovecot: string;
  ratio: string;
  verdict: string;
}

function lines(r: Report): Line[] {
  const out: Line[] = [];
  for (const s of r.scenarios) {
    for (const spec of s.rows) {
      const a = r.results.aox[spec.id];
      const d = r.results.dovecot[spec.id];
      if (!a && !d) continue;
      const q = ratio(value(a), value(d));
      out.push({
        label: spec.label, unit: spec.unit, better: spec.better, aox: cell(a), dovecot: cell(d),
        ratio: q === null ? '' : q.toFixed(q >= 10 ? 1 : 2), verdict: verdict(q, spec.better),
      });
    }
  }
  return out;
}

/**
 * Why cells are empty, and what the numbers say beyond themselves. Rows of one side that lack a
 * number for the same reason (a server that did not start) share one line.
 */
function notes(r: Report): string[] {
  const out: string[] = [];
  for (const side of ['aox', 'dovecot'] as const) {
    const sideLabel = side === 'aox' ? 'aox' : 'Dovecot';
    const grouped = new Map<string, string[]>();
    for (const s of r.scenarios) {
      for (const spec of s.rows) {
        const o = r.results[side][spec.id];
        if (!o) continue;
        if (o.kind === 'ok') {
          if (o.note) out.push(`${sideLabel}, ${spec.label}: ${o.note}`);
          continue;
        }
        const why = o.kind === 'unsupported' ? `not supported — ${o.reason}` : o.kind === 'not-run' ? `not run — ${o.reason}` : `failed — ${o.reason}`;
        grouped.set(why, [...(grouped.get(why) ?? []), spec.label]);
      }
    }
    for (const [why, labels] of grouped) {
      const which = labels.length > 3 ? `${labels.length} rows (${labels.slice(0, 3).join('; ')}; …)` : labels.join('; ');
      out.push(`${sideLabel}, ${which}: ${why.replace(/\s*\n\s*/g, ' ')}`);
    }
  }
  return out;
}

function datasetLine(r: Report): string {
  const d = r.dataset;
  return `${d.count.toLocaleString('en-US')} messages, ${(d.messageBytes / 1e6).toFixed(0)} MB ` +
    `(${d.attachments} with attachments of 200 KB–3 MB, ${d.replies.toLocaleString('en-US')} replies in threads, ` +
    `dates ${d.firstDate.slice(0, 10)} … ${d.lastDate.slice(0, 10)}), seed ${d.seed}`;
}

export function consoleTable(r: Report): string {
  const ls = lines(r);
  const head = { label: 'scenario', unit: 'unit', better: 'better', aox: 'aox', dovecot: 'Dovecot', ratio: 'aox/Dovecot', verdict: '' };
  const rows = [head, ...ls];
  const w = (k: keyof Line) => Math.max(...rows.map((x) => String(x[k]).length));
  const widths = { label: w('label'), unit: w('unit'), better: w('better'), aox: w('aox'), dovecot: w('dovecot'), ratio: w('ratio') };
  const fmt = (x: typeof head | Line) =>
    `${x.label.padEnd(widths.label)}  ${x.unit.padEnd(widths.unit)}  ${String(x.better).padEnd(widths.better)}  ` +
    `${x.aox.padStart(widths.aox)}  ${x.dovecot.padStart(widths.dovecot)}  ${x.ratio.padStart(widths.ratio)}  ${x.verdict}`.trimEnd();
  const total = widths.label + widths.unit + widths.better + widths.aox + widths.dovecot + widths.ratio + 12;
  return [
    `aox vs Dovecot — ${r.date}`,
    `data: ${datasetLine(r)}`,
    `machine: ${describeMachine(r.machine)}`,
    `servers: aox on ${r.sides.aox.version || '?'}; ${r.sides.dovecot.version}`,
    `medians of ${r.runs} runs after ${r.warmups} warm-up (unless a note says otherwise); "better" says which direction wins`,
    `load average during the run: ${r.load.join(', ')} (on ${r.machine.cores} cores; anything else running skews the timings)`,
    '',
    fmt(head),
    '-'.repeat(total),
    ...ls.map(fmt),
    '',
    ...notes(r).map((n) => `  · ${n}`),
  ].join('\n');
}

const md = (s: string) => s.replace(/\|/g, '\\|');

export function markdown(r: Report): string {
  const ls = lines(r);
  return [
    `## Benchmark: aox vs Dovecot (${r.date.slice(0, 10)})`,
    '',
    `- Command: \`${r.command}\``,
    `- Machine: ${describeMachine(r.machine)}`,
    `- Data: ${datasetLine(r)}`,
    `- Servers: aox on ${r.sides.aox.version || '?'}; ${r.sides.dovecot.version}`,
    `- Each timing is the median of ${r.runs} runs after ${r.warmups} warm-up run(s), client-observed wall time over loopback; throughputs and one-off figures are marked in the notes. The ratio is aox/Dovecot; "better" says whether lower or higher wins.`,
    `- Run time: ${(r.seconds / 60).toFixed(1)} min; 1-minute load average sampled during the run: ${r.load.join(', ')} (${r.machine.cores} cores)`,
    '',
    '| scenario | unit | better | aox | Dovecot | aox/Dovecot | |',
    '|---|---|---|--:|--:|--:|---|',
    ...ls.map((l) => `| ${md(l.label)} | ${l.unit} | ${l.better} | ${l.aox} | ${l.dovecot} | ${l.ratio} | ${l.verdict} |`),
    '',
    '### Notes',
    '',
    ...r.sides.aox.notes.map((n) => `- aox: ${md(n)}`),
    ...r.sides.dovecot.notes.map((n) => `- Dovecot: ${md(n)}`),
    ...notes(r).map((n) => `- ${md(n)}`),
    '',
    '### What each scenario measures',
    '',
    ...r.scenarios.map((s) => `- **${s.name}**: ${md(s.measures)}`),
    '',
  ].join('\n');
}

/** Writes bench-results/<stamp>.json and .md (and latest.*); returns the paths. */
export function writeReport(r: Report, dir: string): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const stamp = r.date.replace(/[:]/g, '-').replace(/\..*$/, '');
  const json = join(dir, `bench-${stamp}.json`);
  const mdFile = join(dir, `bench-${stamp}.md`);
  writeFileSync(json, JSON.stringify(r, null, 2) + '\n');
  writeFileSync(mdFile, markdown(r));
  writeFileSync(join(dir, 'latest.json'), JSON.stringify(r, null, 2) + '\n');
  writeFileSync(join(dir, 'latest.md'), markdown(r));
  return { json, md: mdFile };
}
