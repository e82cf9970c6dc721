// aox show schema: the database's schema revision and whether this code matches it.
import type { AoxCommand } from '../lib/command.ts';

export const command: AoxCommand = {
  verb: 'show',
  noun: 'schema',
  summary: 'show the schema revision of the database',
  async run(ctx) {
    const { currentRevision, expectedRevision } = await import('../../frontend/db/schema.ts');
    const db = await ctx.owner({ checkSchema: false });
    const have = await currentRevision(db);
    const want = expectedRevision();
    ctx.out.line(`database: ${have ?? '(no schema)'}`);
    ctx.out.line(`code:     ${want}`);
    ctx.out.line(have === want ? 'the schema is up to date'
      : have === null || have < want ? 'the schema is behind: run "aox upgrade schema"'
      : 'the schema is newer than this code: run the aox version that upgraded it');
  },
};
