// NOOP (RFC 3501 §6.1.2) and CHECK (§6.4.1): nothing to do but report changes. Both look for
// changes even without a notification, since a client polling with NOOP expects to see what
// another session did a moment ago.
import { ANY_STATE, defineCommand, SELECTED } from '../command.ts';

export const noop = defineCommand({
  name: 'NOOP',
  states: ANY_STATE,
  parse: (c) => c.end(),
  async execute(s) {
    s.selected?.markDirty();
  },
});

export const check = defineCommand({
  name: 'CHECK',
  states: SELECTED,
  parse: (c) => c.end(),
  async execute(s) {
    s.selected?.markDirty();
  },
});
