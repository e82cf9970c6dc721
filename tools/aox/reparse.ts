// aox reparse [-n] [--all]: lists the messages stored with parse problems and parses them again
// with the current parser (frontend/mime), replacing their parsed view: ENVELOPE,
// BODYSTRUCTURE, addresses, search text and the problem list. The original bytes are never
// touched. Run it after upgrading aox; --all re-parses every message (e.g. after a parser fix
// that changes results for messages it did not flag).
import type { AoxCommand } from '../lib/command.ts';
import { messageMeta } from '../../frontend/db/message-meta.ts';
import { parseMessage } from '../../frontend/mime/parse.ts';

interface Row {
  id: string;
  raw: Buffer;
  problems: string[];
  location: string | null;
}

const PAGE = 100;

export const command: AoxCommand = {
  verb: 'reparse',
  summary: 'parse messages with parse problems again with the current parser',
  usage: '[-n] [--all] [-q]',
  configure: (c) => c
    .option('-n, --dry-run', 'parse and report, store nothing')
    .option('--all', 'every message, not only those with problems')
    .option('-q, --quiet', 'only the summary, not one line per message'),
  async run(ctx, _args, options) {
    const dryRun = options.dryRun === true;
    const all = options.all === true;
    const db = await ctx.owner();
    const total = Number((await db.query<{ n: string }>('select admin.messages_reparse_count($1) as n', [all])).rows[0].n);
    if (total === 0) {
      ctx.out.line(all ? 'no messages' : 'no messages with parse problems');
      return;
    }
    let after = '0';
    let done = 0;
    let fixed = 0;
    let still = 0;
    let refused = 0;
    const cleaned = new Set<string>();  // ids whose problems the new parse cleared
    // a page the database refuses (a parsed view it cannot store) is stored message by message;
    // a message still refused keeps its old view and is reported
    const store = async (ids: string[], metas: string[]): Promise<void> => {
      try {
        await db.query('select admin.messages_reparsed($1, $2::jsonb[])', [ids, metas]);
      } catch (e) {
        const state = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
        if (!/^(22|23|54)/.test(state)) throw e;
        if (ids.length > 1) {
          for (let i = 0; i < ids.length; i++) await store([ids[i]], [metas[i]]);
          return;
        }
        refused++;
        if (cleaned.has(ids[0])) fixed--;
        ctx.out.note(`message ${ids[0]}: the database refused the new parsed view (${(e as Error).message}); kept the old one`);
      }
    };
    for (;;) {
      const rows = (await db.query<Row>('select * from admin.messages_needing_reparse($1, $2, $3)', [after, PAGE, all])).rows;
      if (rows.length === 0) break;
      const ids: string[] = [];
      const metas: string[] = [];
      for (const r of rows) {
        const parsed = parseMessage(r.raw);
        ids.push(r.id);
        metas.push(JSON.stringify(messageMeta(parsed)));
        if (parsed.problems.length > 0) still++;
        else if (r.problems.length > 0) {
          fixed++;
          cleaned.add(r.id);
        }
        if (options.quiet !== true && (r.problems.length > 0 || parsed.problems.length > 0)) {
          const now = parsed.problems.length === 0 ? 'now parses cleanly' : `still: ${parsed.problems.join('; ')}`;
          ctx.out.line(`message ${r.id} (${r.location ?? 'expunged'}): ${r.problems.join('; ') || 'no problems'} → ${now}`);
        }
      }
      if (!dryRun) await store(ids, metas);
      cleaned.clear();
      done += rows.length;
      after = rows[rows.length - 1].id;
      if (done % (PAGE * 20) === 0) ctx.out.note(`reparse: ${done} of ${total}`);
    }
    ctx.out.line(`${dryRun ? 'parsed (nothing stored)' : 'reparsed'} ${done} messages: ${fixed} now without problems, ` +
      `${still} still with problems` + (refused ? `, ${refused} kept their old view (refused by the database)` : ''));
  },
};
