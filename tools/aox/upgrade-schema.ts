// aox upgrade schema [-n]: runs pending migrations and re-applies every function file and the
// grants, as the owner (DESIGN §4). With -n it lists what would run.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import type { AoxCommand } from '../lib/command.ts';

async function appliedMigrations(db: pg.ClientBase, table: string): Promise<Set<string>> {
  const exists = await db.query(`select to_regclass('public.${table}') as t`);
  if (!exists.rows[0].t) return new Set();
  const r = await db.query<{ name: string }>(`select name from public.${table}`);
  return new Set(r.rows.map((m) => m.name));
}

export const command: AoxCommand = {
  verb: 'upgrade',
  noun: 'schema',
  summary: 'bring the database schema up to date',
  configure: (c) => c.option('-n, --dry-run', 'list the pending migrations without running them'),
  async run(ctx, _args, options) {
    const { DB_DIR, MIGRATIONS_TABLE, currentRevision, expectedRevision, functionFiles, upgradeSchema } =
      await import('../../frontend/db/schema.ts');
    const db = await ctx.owner({ checkSchema: false });
    const applied = await appliedMigrations(db, MIGRATIONS_TABLE);
    const pending = readdirSync(join(DB_DIR, 'migrations')).filter((f) => f.endsWith('.sql'))
      .map((f) => f.replace(/\.sql$/, '')).filter((m) => !applied.has(m)).sort();
    if (options.dryRun === true) {
      for (const m of pending) ctx.out.line(`would run migration ${m}`);
      if (!pending.length) ctx.out.line('no pending migrations');
      ctx.out.line(`would re-apply ${functionFiles().length} function files (${functionFiles().join(', ')})`);
      return;
    }
    const ran = await upgradeSchema(db, ctx.config().get('db-user'), (l) => ctx.out.note(l));
    for (const m of ran) ctx.out.line(`ran migration ${m}`);
    ctx.out.line(`re-applied ${functionFiles().length} function files and the grants`);
    const have = await currentRevision(db);
    ctx.out.line(`the schema is at revision ${have ?? '(none)'}` + (have === expectedRevision() ? '' : ` (this code expects ${expectedRevision()})`));
  },
};
