// NOOP (RFC 1939 §5).
import { defineCommand } from '../command.ts';
import { noArguments } from '../args.ts';
import { ok } from '../reply.ts';

export default defineCommand({
  name: 'NOOP',
  states: ['transaction'],
  parse: noArguments,
  async execute() {
    return ok('');
  },
});
