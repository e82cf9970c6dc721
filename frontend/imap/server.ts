// Entry point for an accepted IMAP or IMAPS connection: greet, run the command loop, clean up.
// Whatever happens inside a session is contained here; a session never takes the process down.
import type { ServerContext } from '../context.ts';
import type { Connection } from '../net/connection.ts';
import { capabilities } from './capabilities.ts';
import { Code } from './compiler.ts';
import { runSession } from './dispatcher.ts';
import { Session } from './session.ts';

export function handleImapConnection(ctx: ServerContext, conn: Connection): void {
  const s = new Session(ctx, conn);
  ctx.sessions.add(s);
  s.log.debug('connected');
  const run = async () => {
    await s.status('OK', Code.capability(capabilities(s)), `${ctx.hostname} aox IMAP server ready`);
    await runSession(s);
  };
  run()
    .catch((e: unknown) => s.log.error({ err: e }, 'session failed'))
    .finally(() => {
      ctx.sessions.delete(s);
      s.cleanup();
      s.log.debug({ bytesIn: conn.bytesIn, bytesOut: conn.bytesOut }, 'disconnected');
      conn.close().catch(() => conn.destroy());
    });
}
