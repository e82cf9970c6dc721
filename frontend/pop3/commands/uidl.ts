// UIDL [msg] (RFC 1939 §7): unique ids that stay the same across sessions and are never reused.
import { defineCommand } from '../command.ts';
import { optionalNumber } from '../args.ts';
import { lineBody, ok } from '../reply.ts';
import type { Maildrop } from '../maildrop.ts';

function* lines(drop: Maildrop): Iterable<string> {
  for (const [n, i] of drop.live()) yield `${n} ${drop.uidl(i)}`;
}

export default defineCommand({
  name: 'UIDL',
  states: ['transaction'],
  parse: optionalNumber,
  async execute(session, n) {
    const drop = session.maildrop!;
    if (n !== null) return ok(`${n} ${drop.uidl(drop.index(n))}`);
    return ok('Unique ids follow', lineBody(lines(drop)));
  },
});
