// SUBSCRIBE and UNSUBSCRIBE (RFC 3501 §6.3.6-7).
import { AUTHENTICATED, defineCommand } from '../command.ts';

function makeSubscribe(on: boolean) {
  return defineCommand({
    name: on ? 'SUBSCRIBE' : 'UNSUBSCRIBE',
    states: AUTHENTICATED,
    parse(c) {
      c.space();
      const name = c.mailbox();
      c.end();
      return name;
    },
    async execute(s, name) {
      await s.ctx.db.call('subscription_set', s.userId, name, on);
    },
  });
}

export const subscribe = makeSubscribe(true);
export const unsubscribe = makeSubscribe(false);
