// CAPABILITY (RFC 3501 §6.1.1): the list depends on the state and the connection's security.
import { capabilities } from '../capabilities.ts';
import { ANY_STATE, defineCommand } from '../command.ts';
import { atom } from '../compiler.ts';

export const capability = defineCommand({
  name: 'CAPABILITY',
  states: ANY_STATE,
  parse: (c) => c.end(),
  async execute(s) {
    await s.untagged(atom('CAPABILITY'), ...capabilities(s).map(atom));
  },
});
