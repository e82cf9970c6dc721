// NAMESPACE (RFC 2342): personal names are bare, other users' shared mailboxes live under
// "Other Users/<login>/"; there are no shared namespaces.
import { AUTHENTICATED, defineCommand } from '../command.ts';
import { atom } from '../compiler.ts';

export const namespace = defineCommand({
  name: 'NAMESPACE',
  states: AUTHENTICATED,
  parse: (c) => c.end(),
  async execute(s) {
    await s.untagged(atom('NAMESPACE'), [['', '/']], [['Other Users/', '/']], null);
  },
});
