// NOTIFY (RFC 5465): events pushed between commands and during IDLE for the selected mailbox
// (EXISTS with the requested FETCH, EXPUNGE, FETCH FLAGS; selected-delayed holds expunges back),
// STATUS for other watched mailboxes, LIST for MailboxName and SubscriptionChange, the STATUS
// indicator, ACL filtering (\NoAccess, invisible mailboxes ignored), BADEVENT and the BADs of §5.
//
// Where a test shows that something was NOT sent, a later event is used as a sentinel: the session
// reports changes in the order they were committed, selected mailbox first.
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { ImapClient, message } from '../helpers/imap-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createUser } from '../helpers/users.ts';

describe('imap NOTIFY (RFC 5465)', () => {
  let db: TestDatabase;
  let server: TestServer;
  let watcher: ImapClient;
  let actor: ImapClient;
  let counter = 0;
  let box = '';
  let other = '';
  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db, { 'use-tls': 'off' });
    await createUser(db.admin, 'alice', 'secret');
    await createUser(db.admin, 'bob', 'secret', 'bob@example.com', ['Shared', 'Listed', 'Secret']);
    await db.admin.query("select admin.rights_set('bob', 'Shared', 'alice', 'lr')");
    await db.admin.query("select admin.rights_set('bob', 'Listed', 'alice', 'l')");
  });
  after(async () => {
    await server?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    box = `T${++counter}`;
    other = `O${counter}`;
    watcher = await ImapClient.connect(server.imapPort);
    await watcher.login('alice', 'secret');
    actor = await ImapClient.connect(server.imapPort);
    await actor.login('alice', 'secret');
    await actor.exec(`CREATE ${box}`);
    await actor.exec(`CREATE ${other}`);
    for (let i = 1; i <= 3; i++) await actor.append(box, message(`${box} m${i}`));
    await watcher.exec(`SELECT ${box}`);
  });
  afterEach(async () => {
    await watcher.close();
    await actor.close();
  });

  it('is advertised', async () => {
    const r = await watcher.exec('CAPABILITY');
    assert.match(r.untagged[0], / NOTIFY( |$)/);
  });

  it('pushes EXISTS with the requested FETCH, FETCH FLAGS and EXPUNGE between commands', async () => {
    const r = await watcher.exec('NOTIFY SET (selected (MessageNew (UID FLAGS ENVELOPE) MessageExpunge FlagChange))');
    assert.equal(r.status, 'OK');
    await actor.append(box, message('pushed'));
    const exists = await watcher.waitFor(/EXISTS/);
    assert.equal(exists.unit.text, '* 4 EXISTS');
    const fetch = await watcher.waitFor(/FETCH/);
    assert.deepEqual(fetch.before.map((u) => u.text), ['* 4 RECENT']);
    assert.match(fetch.unit.text, /^\* 4 FETCH \(UID 4 FLAGS \(\\Recent\) ENVELOPE \(.*"pushed"/);
    await actor.exec(`SELECT ${box}`);
    await actor.exec('UID STORE 2 +FLAGS (\\Flagged)');
    const flags = await watcher.waitFor(/FETCH/);
    assert.equal(flags.unit.text, '* 2 FETCH (UID 2 FLAGS (\\Flagged \\Recent))');
    await actor.exec('UID STORE 1 +FLAGS (\\Deleted)');
    await actor.exec('EXPUNGE');
    const gone = await watcher.waitFor(/EXPUNGE/);
    assert.equal(gone.unit.text, '* 1 EXPUNGE');
    const uids = await watcher.exec('UID SEARCH ALL');
    assert.deepEqual(uids.untagged, ['* SEARCH 2 3 4']);
  });

  it('reports other mailboxes with STATUS, and the selected one never', async () => {
    await watcher.exec('NOTIFY SET (selected (MessageNew MessageExpunge)) (personal (MessageNew MessageExpunge FlagChange))');
    await actor.append(other, message('elsewhere'));
    const st = await watcher.waitFor(/STATUS/);
    assert.equal(st.unit.text, `* STATUS "${other}" (MESSAGES 1 UIDNEXT 2 UNSEEN 1)`);
    await actor.exec(`SELECT ${other}`);
    await actor.exec('STORE 1 +FLAGS (\\Seen)');
    const seen = await watcher.waitFor(/STATUS/);
    assert.equal(seen.unit.text, `* STATUS "${other}" (UIDVALIDITY ${/UIDVALIDITY (\d+)/.exec((await actor.exec(`STATUS ${other} (UIDVALIDITY)`)).untagged[0])?.[1]} UNSEEN 0)`);
    // the selected mailbox is personal too, but reported as EXISTS, not STATUS
    await actor.append(box, message('here'));
    await actor.append(other, message('sentinel'));
    const next = await watcher.waitFor(new RegExp(`STATUS "${other}"`));
    assert.deepEqual(next.before.map((u) => u.text), ['* 4 EXISTS', '* 4 RECENT']);
  });

  it('adds HIGHESTMODSEQ with CONDSTORE', async () => {
    await watcher.exec('ENABLE CONDSTORE');
    await watcher.exec('NOTIFY SET (personal (MessageNew MessageExpunge))');
    await actor.append(other, message('elsewhere'));
    const st = await watcher.waitFor(/STATUS/);
    assert.match(st.unit.text, new RegExp(`^\\* STATUS "${other}" \\(MESSAGES 1 UIDNEXT 2 UNSEEN 1 HIGHESTMODSEQ \\d+\\)$`));
  });

  it('selected-delayed keeps EXPUNGE for a command that allows it', async () => {
    await watcher.exec('NOTIFY SET (selected-delayed (MessageNew MessageExpunge)) (mailboxes ' + other + ' (MessageNew MessageExpunge))');
    await actor.exec(`SELECT ${box}`);
    await actor.exec('STORE 1 +FLAGS (\\Deleted)');
    await actor.exec('EXPUNGE');
    await actor.append(other, message('sentinel'));
    const st = await watcher.waitFor(/STATUS/);
    assert.ok(!st.before.some((u) => /EXPUNGE/.test(u.text)), st.before.map((u) => u.text).join('\n'));
    const fetch = await watcher.exec('FETCH 1 UID');
    assert.ok(!fetch.untagged.some((u) => /EXPUNGE/.test(u)));
    const noop = await watcher.exec('NOOP');
    assert.deepEqual(noop.untagged, ['* 1 EXPUNGE']);
  });

  it('selected pushes EXPUNGE before a later event without any command', async () => {
    await watcher.exec('NOTIFY SET (selected (MessageNew MessageExpunge)) (mailboxes ' + other + ' (MessageNew MessageExpunge))');
    await actor.exec(`SELECT ${box}`);
    await actor.exec('STORE 1 +FLAGS (\\Deleted)');
    await actor.exec('EXPUNGE');
    await actor.append(other, message('sentinel'));
    const st = await watcher.waitFor(/STATUS/);
    assert.deepEqual(st.before.map((u) => u.text), ['* 1 EXPUNGE']);
  });

  it('without a selected filter the selected mailbox gets no events until a command ends', async () => {
    await watcher.exec(`NOTIFY SET (mailboxes ${other} (MessageNew MessageExpunge))`);
    watcher.write('I1 IDLE\r\n');
    assert.match((await watcher.next()).text, /^\+ /);
    await actor.append(box, message('quiet'));
    await actor.append(other, message('sentinel'));
    const st = await watcher.waitFor(/STATUS/);
    assert.deepEqual(st.before, []);
    watcher.write('DONE\r\n');
    const done = await watcher.result('I1');
    assert.equal(done.status, 'OK');
    // RFC 3501 still has the command end with what changed
    assert.deepEqual(done.untagged, ['* 4 EXISTS', '* 4 RECENT']);
  });

  it('sends STATUS for every watched mailbox with the STATUS indicator', async () => {
    const r = await watcher.exec(`NOTIFY SET STATUS (selected (MessageNew MessageExpunge)) (subtree (${other} INBOX) (MessageNew MessageExpunge))`);
    assert.equal(r.status, 'OK');
    const lines = r.untagged.map((u) => u.replace(/UIDVALIDITY \d+/, 'UIDVALIDITY v')).sort();
    assert.deepEqual(lines, [
      '* STATUS "INBOX" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY v)',
      `* STATUS "${other}" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY v)`,
    ]);
  });

  it('reports mailbox names and subscriptions with LIST', async () => {
    await watcher.exec('NOTIFY SET (personal (MailboxName SubscriptionChange))');
    await actor.exec(`CREATE ${box}new`);
    assert.equal((await watcher.waitFor(/LIST/)).unit.text, `* LIST () "/" "${box}new"`);
    await actor.exec(`RENAME ${box}new ${box}renamed`);
    assert.equal((await watcher.waitFor(/LIST/)).unit.text, `* LIST () "/" "${box}renamed" ("OLDNAME" ("${box}new"))`);
    await actor.exec(`SUBSCRIBE ${box}renamed`);
    assert.equal((await watcher.waitFor(/LIST/)).unit.text, `* LIST (\\Subscribed) "/" "${box}renamed"`);
    await actor.exec(`UNSUBSCRIBE ${box}renamed`);
    assert.equal((await watcher.waitFor(/LIST/)).unit.text, `* LIST () "/" "${box}renamed"`);
    await actor.exec(`DELETE ${box}renamed`);
    assert.equal((await watcher.waitFor(/LIST/)).unit.text, `* LIST (\\NonExistent) "/" "${box}renamed"`);
  });

  it('reports only mailboxes the user may see, and \\NoAccess for those it may not read', async () => {
    const r = await watcher.exec('NOTIFY SET STATUS (mailboxes ("Other Users/bob/Shared" "Other Users/bob/Listed" '
      + '"Other Users/bob/Secret") (MessageNew MessageExpunge))');
    assert.equal(r.status, 'OK');
    const lines = r.untagged.map((u) => u.replace(/UIDVALIDITY \d+/, 'UIDVALIDITY v'));
    assert.deepEqual(lines, [
      '* LIST (\\NoAccess) "/" "Other Users/bob/Listed"',
      '* STATUS "Other Users/bob/Shared" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY v)',
    ]);
    const bob = await ImapClient.connect(server.imapPort);
    try {
      await bob.login('bob', 'secret');
      await bob.append('Secret', message('private'));
      await bob.append('Listed', message('private too'));
      await bob.append('Shared', message('for alice'));
    } finally {
      await bob.close();
    }
    const st = await watcher.waitFor(/STATUS/);
    assert.deepEqual(st.before, []);
    assert.equal(st.unit.text, '* STATUS "Other Users/bob/Shared" (MESSAGES 1 UIDNEXT 2 UNSEEN 1)');
  });

  it('answers NO [BADEVENT] for unsupported events and BAD for the composition rules', async () => {
    const r = await watcher.exec('NOTIFY SET (selected (MessageNew MessageExpunge AnnotationChange))');
    assert.equal(r.status, 'NO');
    assert.match(r.line, /^\S+ NO \[BADEVENT \(MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange\)\]/);
    for (const bad of [
      'NOTIFY SET (selected (MailboxName))',
      'NOTIFY SET (selected (MessageNew MessageExpunge)) (selected-delayed (MessageNew MessageExpunge))',
      'NOTIFY SET (nowhere (MessageNew MessageExpunge))',
      'NOTIFY SET',
      'NOTIFY',
    ]) {
      assert.equal((await watcher.exec(bad)).status, 'BAD', bad);
    }
  });

  it('NOTIFY NONE stops the events', async () => {
    await watcher.exec(`NOTIFY SET (mailboxes ${other} (MessageNew MessageExpunge))`);
    assert.equal((await watcher.exec('NOTIFY NONE')).status, 'OK');
    await actor.append(other, message('unreported'));
    // without NOTIFY, IDLE reports the selected mailbox as before: its EXISTS comes alone
    watcher.write('I1 IDLE\r\n');
    assert.match((await watcher.next()).text, /^\+ /);
    await actor.append(box, message('seen in idle'));
    const exists = await watcher.waitFor(/EXISTS/);
    assert.deepEqual(exists.before, []);
    watcher.write('DONE\r\n');
    assert.equal((await watcher.result('I1')).status, 'OK');
  });
});
