// aox show configuration [-p] [name]: every variable and its value, passwords masked.
import { VARIABLES, type VariableName } from '../../frontend/config.ts';
import { CliError, type AoxCommand } from '../lib/command.ts';

const SECRET = new Set<VariableName>(['db-password', 'db-owner-password']);

export const command: AoxCommand = {
  verb: 'show',
  noun: 'configuration',
  nounAliases: ['config', 'cf'],
  summary: 'show configuration variables and their values',
  configure: (c) => c
    .argument('[name]', 'one variable')
    .option('-p, --set-only', 'only variables set in the file or the environment'),
  async run(ctx, [name], options) {
    const config = ctx.config();
    let names = Object.keys(VARIABLES) as VariableName[];
    if (name !== undefined) {
      if (!(name in VARIABLES)) throw new CliError(`unknown configuration variable: ${name}`);
      names = [name as VariableName];
    }
    if (options.setOnly === true) names = names.filter((n) => config.isSet(n));
    for (const n of names) {
      const value = String(config.get(n));
      ctx.out.line(`${n} = ${SECRET.has(n) && value !== '' ? '********' : value === '' ? '""' : value}`);
    }
  },
};
