// The LMTP listener's entry point (frontend/main.ts): one LmtpSession per connection.
import type { ServerContext } from '../context.ts';
import type { Connection } from '../net/connection.ts';
import { LmtpSession } from './session.ts';

export function handleLmtpConnection(ctx: ServerContext, conn: Connection): void {
  void new LmtpSession(ctx, conn).run();
}
