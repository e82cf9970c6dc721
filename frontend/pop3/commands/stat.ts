// STAT (RFC 1939 §5): messages and octets in the maildrop, not counting those marked deleted.
import { defineCommand } from '../command.ts';
import { noArguments } from '../args.ts';
import { ok } from '../reply.ts';

export default defineCommand({
  name: 'STAT',
  states: ['transaction'],
  parse: noArguments,
  async execute(session) {
    const { count, size } = session.maildrop!.stat();
    return ok(`${count} ${size}`);
  },
});
