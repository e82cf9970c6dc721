// What every protocol server and session shares within one frontend process.
import type { SecureContext } from 'node:tls';
import type { Config } from './config.ts';
import type { Database } from './db/pool.ts';
import type { ListenerHub } from './db/listener.ts';
import type { Logger } from './log.ts';

export interface ServerContext {
  config: Config;
  db: Database;
  hub: ListenerHub;
  /** null when use-tls is off */
  tls: SecureContext | null;
  log: Logger;
  hostname: string;
  /** sessions register here so a shutdown can say BYE to each */
  sessions: Set<{ shutdown(reason: string): Promise<void> }>;
}

/** RFC 3501 §6.2.3 / allow-plaintext-passwords: may this connection send a password in clear? */
export function plaintextAllowed(ctx: ServerContext, secure: boolean, loopback: boolean): boolean {
  if (secure) return true;
  const policy = ctx.config.get('allow-plaintext-passwords');
  return policy === 'always' || (policy === 'localhost' && loopback);
}
