// NOOP (RFC 5321 §4.1.1.9): any argument is ignored.
import { defineCommand, ALL_PHASES } from '../command.ts';
import { reply } from '../reply.ts';

export default defineCommand({
  name: 'NOOP',
  phases: ALL_PHASES,
  parse: () => null,
  async execute() {
    return reply(250, '2.0.0', 'OK');
  },
});
