// aox change admin <login> yes|no: whether a user administers the server over IMAP (SETQUOTA of
// any user, RFC 9208 §4.1.3; GETQUOTAROOT of every user's quota root).
import { CliError, type AoxCommand } from '../lib/command.ts';

const YES = new Set(['yes', 'on', 'true']);
const NO = new Set(['no', 'off', 'false']);

export const command: AoxCommand = {
  verb: 'change',
  noun: 'admin',
  summary: 'make a user an administrator or not',
  configure: (c) => c.argument('<login>').argument('<yes|no>'),
  async run(ctx, [login, answer]) {
    const a = answer.toLowerCase();
    if (!YES.has(a) && !NO.has(a)) throw new CliError(`say yes or no, not ${answer}`);
    const db = await ctx.owner();
    await db.query('select admin.user_set_admin($1, $2)', [login, YES.has(a)]);
    ctx.out.line(YES.has(a) ? `${login} is now an administrator` : `${login} is no longer an administrator`);
  },
};
