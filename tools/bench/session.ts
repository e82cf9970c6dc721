// Opening sessions for scenarios: connect and LOGIN are never part of a timed section.
import { ImapClient } from './imap-client.ts';
import { NotSupported } from './scenario.ts';
import type { BenchUser, Target } from './target.ts';

export async function imapSession(t: Target, user: BenchUser, timeoutMs = 60_000): Promise<ImapClient> {
  if (t.ports.imap === null) throw new NotSupported(t.unavailable ?? 'no IMAP port');
  const c = await ImapClient.connect(t.host, t.ports.imap, timeoutMs);
  try {
    await c.login(user.login, user.password);
  } catch (e) {
    c.close();
    throw e;
  }
  return c;
}

/** A session with the big folder selected; returns the client and EXISTS. */
export async function bigFolder(t: Target): Promise<{ c: ImapClient; exists: number }> {
  const c = await imapSession(t, t.users.bench);
  try {
    // the first SELECT after the import may have to build indexes: allow it time
    const exists = await c.select('INBOX', false, { timeoutMs: 1_800_000 });
    return { c, exists };
  } catch (e) {
    c.close();
    throw e;
  }
}

/** Timeout for one command over the whole big folder (generous: a million messages, 2 cores). */
export const BULK_TIMEOUT_MS = 1_800_000;
