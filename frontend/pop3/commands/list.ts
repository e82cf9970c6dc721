// LIST [msg] (RFC 1939 §5): the size of one message, or of every message not marked deleted.
// Sizes are those of the stored messages (RFC 1939 allows the sent size to differ by line endings).
import { defineCommand } from '../command.ts';
import { optionalNumber } from '../args.ts';
import { lineBody, ok } from '../reply.ts';
import type { Maildrop } from '../maildrop.ts';

function* lines(drop: Maildrop): Iterable<string> {
  for (const [n, i] of drop.live()) yield `${n} ${drop.sizes[i]}`;
}

export default defineCommand({
  name: 'LIST',
  states: ['transaction'],
  parse: optionalNumber,
  async execute(session, n) {
    const drop = session.maildrop!;
    if (n !== null) return ok(`${n} ${drop.sizes[drop.index(n)]}`);
    const { count, size } = drop.stat();
    return ok(`${count} messages (${size} octets)`, lineBody(lines(drop)));
  },
});
