// LOGOUT (RFC 3501 §6.1.3): BYE, the tagged OK, then the connection closes.
import { ANY_STATE, defineCommand } from '../command.ts';

export const logout = defineCommand({
  name: 'LOGOUT',
  states: ANY_STATE,
  parse: (c) => c.end(),
  async execute(s) {
    await s.status('BYE', null, 'Logging out');
    s.cleanup();
    return { status: 'OK', text: 'Logged out', after: () => s.conn.close() };
  },
});
