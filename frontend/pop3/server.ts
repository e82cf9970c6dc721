// The POP3 and POP3S listeners' entry point (frontend/main.ts): one Pop3Session per connection.
import type { ServerContext } from '../context.ts';
import type { Connection } from '../net/connection.ts';
import { Pop3Session } from './session.ts';

export function handlePop3Connection(ctx: ServerContext, conn: Connection): void {
  void new Pop3Session(ctx, conn).run();
}
