// Joins the aox side of one report and the Dovecot side of another into one table:
//
//   node --import tsx tools/bench/merge.ts bench-results/<aox-run>.json bench-results/<dovecot-run>.json
//
// For runs too long to make in one go (1,000,000 messages: each side's load alone takes a quarter
// of an hour or more), where `--aox-only` and `--dovecot-only` ran one after the other on the same
// data set. Prints the console table and writes the Markdown beside the first report
// (<name>-merged.md). Both reports must be of the same data set; the commands, run times and load
// averages of both are kept.
import { readFileSync, writeFileSync } from 'node:fs';
import { consoleTable, markdown, type Report } from './report.ts';

function load(path: string): Report {
  return JSON.parse(readFileSync(path, 'utf8')) as Report;
}

function main(args: string[]): number {
  if (args.length !== 2) {
    process.stderr.write('usage: merge.ts <report with aox results>.json <report with Dovecot results>.json\n');
    return 2;
  }
  const [a, d] = args.map(load);
  const same = (k: 'count' | 'seed' | 'generatorVersion') => a.dataset[k] === d.dataset[k];
  if (!same('count') || !same('seed') || !same('generatorVersion')) {
    process.stderr.write('the two reports are of different data sets\n');
    return 1;
  }
  const ids = new Set(a.scenarios.flatMap((s) => s.rows.map((r) => r.id)));
  const merged: Report = {
    ...a,
    command: `${a.command}; then ${d.command}`,
    sides: { aox: a.sides.aox, dovecot: d.sides.dovecot },
    // every scenario either run measured, in the first run's order
    scenarios: [...a.scenarios, ...d.scenarios.filter((s) => !s.rows.some((r) => ids.has(r.id)))],
    results: { aox: a.results.aox, dovecot: d.results.dovecot },
    seconds: a.seconds + d.seconds,
    load: [...a.load, ...d.load],
  };
  process.stdout.write(consoleTable(merged) + '\n');
  const out = args[0].replace(/\.json$/, '') + '-merged.md';
  writeFileSync(out, markdown(merged));
  process.stdout.write(`\nMarkdown: ${out}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
