// aox add user [-p] <login> [<password>] <address>: a new user with its INBOX and special-use
// mailboxes (admin.user_create). The password becomes a SCRAM verifier here; only that is sent.
import { makeVerifier } from '../../frontend/auth/scram.ts';
import { CliError, type AoxCommand } from '../lib/command.ts';
import { checkAddressShape } from '../lib/names.ts';
import { promptNewPassword } from '../lib/prompt.ts';

export const command: AoxCommand = {
  verb: 'add',
  noun: 'user',
  summary: 'create a user with INBOX, Sent, Drafts, Trash, Junk and Archive',
  usage: '[options] <login> [<password>] <address>',
  configure: (c) => c
    .argument('<login>')
    .argument('<password-or-address>', 'the password, or the address when prompting with -p')
    .argument('[address]', 'the user\'s address, localpart@domain')
    .option('-p, --prompt', 'prompt for the password (twice, not echoed; one line from a pipe)'),
  async run(ctx, args, options) {
    const prompt = options.prompt === true;
    let login: string, password: string | undefined, address: string;
    if (args.length === 3) {
      if (prompt) throw new CliError('give the password as an argument or use -p, not both');
      [login, password, address] = args;
    } else {
      if (!prompt) throw new CliError('missing password: give it before the address, or use -p to be prompted');
      [login, address] = args;
    }
    checkAddressShape(address);
    password ??= await promptNewPassword(`Password for ${login}`);
    if (password === '') throw new CliError('the password cannot be empty');
    const db = await ctx.owner();
    await db.query('select admin.user_create($1, $2, $3)', [login, makeVerifier(password), address]);
    ctx.out.line(`created user ${login} <${address}>`);
  },
};
