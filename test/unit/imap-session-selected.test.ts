// The selected mailbox's handling of other sessions' changes: when EXISTS, FETCH FLAGS, EXPUNGE
// and VANISHED may be sent (RFC 3501 §7.4.1), MSNs staying stable while expunges are queued,
// the session's own changes not echoed, \Recent claims. The database answers are canned here:
// this tests the session's rules, not SQL (which the integration tests cover).
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import type { ServerContext } from '../../frontend/context.ts';
import { loadConfig } from '../../frontend/config.ts';
import type { ListenerHub } from '../../frontend/db/listener.ts';
import type { Database, Row } from '../../frontend/db/pool.ts';
import { SelectedMailbox } from '../../frontend/imap/selected-mailbox.ts';
import { SequenceSet } from '../../frontend/imap/seqset.ts';
import { Session } from '../../frontend/imap/session.ts';
import { silentLogger } from '../../frontend/log.ts';
import { Connection } from '../../frontend/net/connection.ts';

interface Fixture {
  session: Session;
  box: SelectedMailbox;
  /** what the client received since the last call */
  output(): Promise<string[]>;
  /** the next api.mailbox_changes answer */
  changes: Row[];
  claims: Array<{ recent_from: number; recent_to: number }>;
  notify(): void;
  close(): void;
}

async function fixture(runs: Array<[number, number]>, options: { qresync?: boolean; condstore?: boolean } = {}): Promise<Fixture> {
  let serverSide: Socket | null = null;
  const srv = createServer((s) => { serverSide = s; });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const client = connect((srv.address() as { port: number }).port, '127.0.0.1');
  await new Promise<void>((r) => client.once('connect', () => r()));
  while (!serverSide) await new Promise((r) => setTimeout(r, 5));
  let received = '';
  client.on('data', (d: Buffer) => { received += d.toString('latin1'); });
  const handlers: Array<() => void> = [];
  const f: Partial<Fixture> = { changes: [], claims: [] };
  const db = {
    async call(fn: string): Promise<Row[]> {
      if (fn === 'mailbox_select') {
        const maxUid = runs.length ? runs[runs.length - 1][1] : 0;
        return [{ mailbox: 7, uidvalidity: 42, uidnext: maxUid + 1, highestmodseq: 10, messages: 0, unseen: 0,
          first_unseen_uid: null, recent_from: maxUid + 1, rights: 'lrswipkxtecdan', read_write: true, keywords: [],
          vanished_horizon: 0 }];
      }
      if (fn === 'mailbox_uid_runs') return runs.map(([lo, hi]) => ({ lo, hi }));
      if (fn === 'mailbox_changes') return f.changes ?? [];
      if (fn === 'mailbox_recent_claim') return [f.claims?.shift() ?? { recent_from: 0, recent_to: 0 }];
      throw new Error(`unexpected ${fn}`);
    },
  } as unknown as Database;
  const hub: ListenerHub = {
    subscribe: (_m, h) => {
      handlers.push(() => h(7));
      return () => undefined;
    },
    subscribeAll: () => () => undefined,
    subscribeList: () => () => undefined,
    close: async () => undefined,
    size: () => handlers.length,
  };
  const ctx = { config: loadConfig(null, {}), db, hub, tls: null, log: silentLogger(), hostname: 'test',
    sessions: new Set() } as unknown as ServerContext;
  const session = new Session(ctx, new Connection(serverSide));
  session.loggedIn({ id: 1, login: 'alice' });
  if (options.qresync) session.enabled.add('QRESYNC');
  if (options.condstore) session.enabled.add('CONDSTORE');
  const box = await SelectedMailbox.open(session, 'INBOX', true);
  session.selected = box;
  session.state = 'selected';
  return Object.assign(f, {
    session, box,
    async output() {
      await new Promise((r) => setTimeout(r, 20));
      const lines = received.split('\r\n').filter((l) => l !== '');
      received = '';
      return lines;
    },
    notify: () => handlers.forEach((h) => h()),
    close() {
      session.cleanup();
      client.destroy();
      srv.close();
    },
  }) as Fixture;
}

const state = (uidnext: number, modseq: number): Row => ({ kind: 'state', uid: uidnext, modseq, flags: null });
const expunged = (uid: number, modseq: number): Row => ({ kind: 'expunged', uid, modseq, flags: null });
const changed = (uid: number, modseq: number, flags: string[]): Row => ({ kind: 'changed', uid, modseq, flags });

describe('imap session: the selected mailbox and others\' changes', () => {
  let f: Fixture;
  afterEach(() => f?.close());

  it('looks once after SELECT, then only when a notification marks the view dirty', async () => {
    f = await fixture([[1, 5]]);
    f.changes = [state(6, 10)];
    await f.box.update(true);
    assert.deepEqual(await f.output(), []);
    f.changes = [state(6, 11), expunged(2, 11)];
    await f.box.update(true);
    assert.deepEqual(await f.output(), []);
    f.notify();
    await f.box.update(true);
    assert.deepEqual(await f.output(), ['* 2 EXPUNGE']);
    assert.equal(f.box.exists, 4);
  });

  it('queues expunges during MSN commands, keeping MSNs stable, and sends them later in order', async () => {
    f = await fixture([[1, 10]]);
    f.changes = [state(12, 12), expunged(3, 11), expunged(4, 11), expunged(9, 12), changed(11, 12, [])];
    f.notify();
    await f.box.update(false);
    assert.deepEqual(await f.output(), ['* 11 EXISTS']);
    // MSN 3 still means UID 3 to the client; UID 11 is message 11
    assert.equal(f.box.map.uidAt(3), 3);
    assert.equal(f.box.map.msnOf(11), 11);
    f.changes = [state(12, 12)];
    await f.box.update(true);
    assert.deepEqual(await f.output(), ['* 3 EXPUNGE', '* 3 EXPUNGE', '* 7 EXPUNGE']);
    assert.equal(f.box.exists, 8);
    assert.equal(f.box.map.uidAt(3), 5);
  });

  it('reports VANISHED instead of EXPUNGE once QRESYNC is enabled, and MODSEQ with flags', async () => {
    f = await fixture([[1, 6]], { qresync: true });
    f.changes = [state(7, 14), expunged(2, 13), expunged(3, 13), changed(5, 14, ['\\Seen'])];
    f.notify();
    await f.box.update(true);
    assert.deepEqual(await f.output(), ['* VANISHED 2:3', '* 3 FETCH (UID 5 FLAGS (\\Seen) MODSEQ (14))']);
  });

  it('does not echo the session\'s own flag changes, nor flags of messages about to vanish', async () => {
    f = await fixture([[1, 4]]);
    f.box.noteOwnChange(12, SequenceSet.fromNumbers([1, 2]));
    f.changes = [state(5, 13), changed(1, 12, ['\\Seen']), changed(2, 12, ['\\Seen']), changed(3, 13, ['\\Flagged']),
      expunged(4, 13), changed(4, 11, ['\\Draft'])];
    f.notify();
    await f.box.update(false);
    assert.deepEqual(await f.output(), ['* 3 FETCH (UID 3 FLAGS (\\Flagged))']);
  });

  it('announces new keywords before the FETCH that carries them', async () => {
    f = await fixture([[1, 2]]);
    f.changes = [state(3, 11), changed(2, 11, ['$Label'])];
    f.notify();
    await f.box.update(true);
    const out = await f.output();
    assert.equal(out[0], '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label)');
    assert.match(out[1], /^\* OK \[PERMANENTFLAGS \(.*\$Label \\\*\)\]/);
    assert.equal(out[2], '* 2 FETCH (UID 2 FLAGS ($Label))');
  });

  it('claims \\Recent for new arrivals when it sees them first', async () => {
    f = await fixture([[1, 3]]);
    f.changes = [state(6, 12), changed(4, 12, []), changed(5, 12, [])];
    f.claims = [{ recent_from: 4, recent_to: 6 }];
    f.notify();
    await f.box.update(true);
    assert.deepEqual(await f.output(), ['* 5 EXISTS', '* 2 RECENT']);
    assert.deepEqual(f.box.flagsOf(5, []), [{ atom: '\\Recent' }]);
  });
});
