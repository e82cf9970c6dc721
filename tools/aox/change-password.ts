// aox change password <login> [<password>]: prompts when the password is not given.
import { makeVerifier } from '../../frontend/auth/scram.ts';
import { CliError, type AoxCommand } from '../lib/command.ts';
import { promptNewPassword } from '../lib/prompt.ts';

export const command: AoxCommand = {
  verb: 'change',
  noun: 'password',
  summary: 'set a user\'s password',
  configure: (c) => c.argument('<login>').argument('[password]', 'the new password; prompted for (not echoed) if omitted'),
  async run(ctx, [login, given]) {
    const password = given ?? await promptNewPassword(`New password for ${login}`);
    if (password === '') throw new CliError('the password cannot be empty');
    const db = await ctx.owner();
    await db.query('select admin.user_set_password($1, $2)', [login, makeVerifier(password)]);
    ctx.out.line(`changed the password of ${login}`);
  },
};
