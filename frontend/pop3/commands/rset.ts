// RSET (RFC 1939 §5): unmarks every message marked with DELE.
import { defineCommand } from '../command.ts';
import { noArguments } from '../args.ts';
import { ok } from '../reply.ts';

export default defineCommand({
  name: 'RSET',
  states: ['transaction'],
  parse: noArguments,
  async execute(session) {
    const drop = session.maildrop!;
    drop.reset();
    const { count, size } = drop.stat();
    return ok(`Maildrop has ${count} messages (${size} octets)`);
  },
});
