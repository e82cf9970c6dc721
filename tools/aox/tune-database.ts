// aox tune database mostly-writing|mostly-reading|advanced-reading: builds or drops the optional
// indexes (admin.tune_plan lists them: sort keys, flag and thread lookups for mostly-reading, plus
// pg_trgm indexes for substring SEARCH for advanced-reading; none for mostly-writing). Each index
// is built CONCURRENTLY, one statement at a time, so mail keeps flowing while it builds; that is
// why the statements run from here and not inside one SQL function (admin.tune does that, with
// write-blocking builds, for psql users on a quiet system).
import { CliError, type AoxCommand } from '../lib/command.ts';
import { formatBytes } from '../lib/output.ts';

const MODES = ['mostly-writing', 'mostly-reading', 'advanced-reading'];

interface Step {
  step: number;
  action: string;
  index_name: string;
  statement: string;
  description: string;
}

interface Status {
  index_name: string;
  level: number;
  present: boolean;
  valid: boolean;
  size: string | null;
  description: string;
}

export const command: AoxCommand = {
  verb: 'tune',
  noun: 'database',
  summary: 'build or drop optional indexes for a read- or write-heavy archive',
  usage: '[-n] mostly-writing|mostly-reading|advanced-reading, or --status',
  configure: (c) => c
    .argument('[mode]', MODES.join(' | '))
    .option('-n, --dry-run', 'print the statements, run nothing')
    .option('-s, --status', 'list the optional indexes and which exist'),
  async run(ctx, [mode], options) {
    const db = await ctx.owner();
    if (options.status === true) {
      const rows = (await db.query<Status>('select * from admin.tune_status()')).rows;
      ctx.out.table(rows.map((r) => [
        r.index_name, MODES[r.level], r.present ? (r.valid ? 'present' : 'INVALID') : 'absent',
        r.size === null ? '' : formatBytes(r.size), r.description,
      ]), ['index', 'from mode', 'state', 'size', 'serves']);
      return;
    }
    if (!mode || !MODES.includes(mode)) throw new CliError(`the mode is one of ${MODES.join(', ')}`);
    const plan = (await db.query<Step>('select * from admin.tune_plan($1, true) order by step', [mode])).rows;
    if (plan.length === 0) {
      ctx.out.line(`the database is already tuned for ${mode}`);
      return;
    }
    if (options.dryRun === true) {
      for (const s of plan) ctx.out.line(`${s.statement};`);
      return;
    }
    // trigram (GIN) builds over an archive's text are several times faster with more than
    // PostgreSQL's default 64 MB; only this session's builds get it, never the server's sessions
    await db.query(`select pg_catalog.set_config('maintenance_work_mem', '512MB', false)
                      from pg_catalog.pg_settings where name = 'maintenance_work_mem' and setting::bigint < 512 * 1024`);
    const started = Date.now();
    let created = 0;
    let dropped = 0;
    for (const s of plan) {
      const t = Date.now();
      ctx.out.note(`[${s.step}/${plan.length}] ${s.action} ${s.index_name} (${s.description}) …`);
      await db.query(s.statement);
      if (s.action === 'create') created++;
      else dropped++;
      ctx.out.note(`[${s.step}/${plan.length}] done in ${((Date.now() - t) / 1000).toFixed(1)}s`);
    }
    await db.query('analyze mail.messages, mail.mailbox_messages');
    ctx.out.line(`tuned for ${mode}: ${created} indexes built, ${dropped} dropped in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  },
};
