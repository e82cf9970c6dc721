// DELE msg (RFC 1939 §5): marks the message; nothing changes in the store before QUIT.
import { defineCommand } from '../command.ts';
import { numbers } from '../args.ts';
import { ok } from '../reply.ts';

export default defineCommand({
  name: 'DELE',
  states: ['transaction'],
  parse: (args: string) => numbers(args, 1)[0],
  async execute(session, n) {
    const drop = session.maildrop!;
    drop.markDeleted(drop.index(n));
    return ok(`Message ${n} deleted`);
  },
});
