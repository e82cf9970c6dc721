// Integration tests: the real server on port 0 against a test database, configured exactly as a
// user would configure it (AOX_* variables over no file).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../frontend/config.ts';
import { startServer, type RunningServer } from '../../frontend/main.ts';
import { silentLogger, createLogger } from '../../frontend/log.ts';
import type { TestDatabase } from './db.ts';

export interface TestServer extends RunningServer {
  imapPort: number;
  lmtpPort: number;
  popPort: number;
}

// Each server gets its own pidfile directory (the self-signed certificate is written there); all
// of them are removed when the test process exits, so runs leave nothing behind in /tmp.
const scratchDirs: string[] = [];
process.once('exit', () => {
  for (const d of scratchDirs) rmSync(d, { recursive: true, force: true });
});

function pidfileDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aox-test-'));
  scratchDirs.push(dir);
  return dir;
}

/** Settings for a Config that points at a test database; overrides win. */
export function testEnv(db: TestDatabase, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const dir = pidfileDir();
  const env: Record<string, string> = {
    AOX_DB_ADDRESS: String(db.frontend.host ?? '127.0.0.1'),
    AOX_DB_PORT: String(db.frontend.port ?? 5432),
    AOX_DB_NAME: db.name,
    AOX_DB_USER: String(db.frontend.user),
    AOX_DB_PASSWORD: String(db.frontend.password),
    AOX_DB_OWNER: String(db.owner.user),
    AOX_DB_OWNER_PASSWORD: String(db.owner.password),
    AOX_IMAP_ADDRESS: '127.0.0.1', AOX_IMAP_PORT: '0',
    AOX_POP_ADDRESS: '127.0.0.1', AOX_POP_PORT: '0', AOX_USE_POP: 'on',
    AOX_LMTP_ADDRESS: '127.0.0.1', AOX_LMTP_PORT: '0',
    AOX_PIDFILE_DIR: dir,
    AOX_ALLOW_PLAINTEXT_PASSWORDS: 'always',
  };
  for (const [k, v] of Object.entries(overrides)) env['AOX_' + k.toUpperCase().replace(/-/g, '_')] = v;
  return env;
}

export async function startTestServer(db: TestDatabase, overrides: Record<string, string> = {}): Promise<TestServer> {
  const config = loadConfig(null, testEnv(db, overrides));
  const log = process.env.AOX_TEST_LOG ? createLogger(process.env.AOX_TEST_LOG, null) : silentLogger();
  const s = await startServer(config, { log });
  return { ...s, imapPort: s.ports.imap ?? 0, lmtpPort: s.ports.lmtp ?? 0, popPort: s.ports.pop ?? 0 };
}
