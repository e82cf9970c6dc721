// The server: one process serving IMAP, IMAPS, POP3, POP3S and LMTP on the configured ports,
// sharing one database pool and one LISTEN connection. `aox start` runs it (frontend/daemon.ts);
// tests start it on port 0.
import { join } from 'node:path';
import type pg from 'pg';
import type { Config } from './config.ts';
import type { ServerContext } from './context.ts';
import { openPool } from './db/pool.ts';
import { startListener } from './db/listener.ts';
import { expectedRevision } from './db/schema.ts';
import { createLogger, type Logger } from './log.ts';
import { listen, type Listening } from './net/listen.ts';
import { loadTlsContext } from './net/tls.ts';
import type { Connection } from './net/connection.ts';
import { handleImapConnection } from './imap/server.ts';
import { handlePop3Connection } from './pop3/server.ts';
import { handleLmtpConnection } from './lmtp/server.ts';
import { openDatabase } from '../tools/lib/database.ts';

export interface RunningServer {
  ports: Partial<Record<'imap' | 'imaps' | 'pop' | 'pops' | 'lmtp', number>>;
  context: ServerContext;
  close(): Promise<void>;
}

export class SchemaMismatch extends Error {}

async function checkRevision(db: ReturnType<typeof openPool>): Promise<void> {
  const [row] = await db.call<{ schema_revision: string | null }>('schema_revision');
  const want = expectedRevision();
  if (row?.schema_revision !== want) {
    throw new SchemaMismatch(`the database schema is at revision ${row?.schema_revision ?? '(none)'}, ` +
      `this server needs ${want}: run "aox upgrade schema"`);
  }
}

export async function startServer(config: Config, options: { log?: Logger } = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.get('log-level'), config.get('logfile') || null);
  const database = await openDatabase(config);
  const cleanups: Array<() => Promise<void>> = [() => database.close()];
  const cleanup = async () => {
    for (const f of cleanups.reverse()) await f().catch((e) => log.error({ err: e }, 'shutdown step failed'));
  };
  try {
    const frontend: pg.ClientConfig = database.frontendConfig;
    const db = openPool({ ...frontend, max: config.get('db-max-handles') });
    cleanups.push(() => db.close());
    await checkRevision(db);
    const hub = await startListener(frontend, (msg, err) => log.warn({ err }, msg));
    cleanups.push(() => hub.close());
    const tls = config.get('use-tls')
      ? await loadTlsContext(config.get('tls-certificate') || null,
          join(config.path('pidfile-dir'), 'self-signed.pem'), config.get('hostname'))
      : null;
    const context: ServerContext = { config, db, hub, tls, log, hostname: config.get('hostname'), sessions: new Set() };
    const ports: RunningServer['ports'] = {};
    const open = async (name: keyof RunningServer['ports'], address: string, port: number, implicit: boolean,
                        handler: (ctx: ServerContext, c: Connection) => void) => {
      if (implicit && !tls) throw new Error(`${name}: implicit TLS needs use-tls`);
      const l: Listening = await listen(address, port, implicit ? tls : null, (c) => handler(context, c));
      ports[name] = l.port;
      cleanups.push(() => l.close());
      log.info({ port: l.port, address }, `${name} listening`);
    };
    if (config.get('use-imap')) await open('imap', config.get('imap-address'), config.get('imap-port'), false, handleImapConnection);
    if (config.get('use-imaps')) await open('imaps', config.get('imap-address'), config.get('imaps-port'), true, handleImapConnection);
    if (config.get('use-pop')) await open('pop', config.get('pop-address'), config.get('pop-port'), false, handlePop3Connection);
    if (config.get('use-pops')) await open('pops', config.get('pop-address'), config.get('pops-port'), true, handlePop3Connection);
    if (config.get('use-lmtp')) await open('lmtp', config.get('lmtp-address'), config.get('lmtp-port'), false, handleLmtpConnection);
    // sessions get a polite BYE before the sockets close
    cleanups.push(async () => {
      await Promise.all([...context.sessions].map((s) => s.shutdown('Server shutting down').catch(() => undefined)));
    });
    return { ports, context, close: cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
