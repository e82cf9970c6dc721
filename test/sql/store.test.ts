// The store's core api functions, called as the frontend role, checked through the owner role.
import assert from 'node:assert/strict';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { inject, rawMessage } from '../helpers/inject.ts';

describe('sql: message store', () => {
  let db: TestDatabase;
  let alice: TestUser;
  let bob: TestUser;
  let archive: number;

  before(async () => {
    db = await createTestDatabase();
    alice = await createUser(db.admin, 'alice', 'pw', 'alice@example.com', ['Archive', 'Trash']);
    bob = await createUser(db.admin, 'bob');
    archive = (await db.admin.query(`select id from mail.mailboxes where owner = $1 and name = 'Archive'`, [alice.id])).rows[0].id;
  });
  after(async () => { await db.drop(); });

  it('injects byte-exact and allocates increasing UIDs and one modseq per mailbox', async () => {
    const raws = [rawMessage('one'), rawMessage('two'), Buffer.from('no header at all\n\x00\xff')];
    const rows = await inject(db.api, alice.id, raws, [{ m: 1, b: alice.inbox }, { m: 2, b: alice.inbox }, { m: 3, b: alice.inbox, f: ['\\Seen', 'Custom'] }]);
    assert.deepEqual(rows.map((r) => r.uid), [1, 2, 3]);
    assert.equal(new Set(rows.map((r) => r.modseq)).size, 1);
    const stored = await db.admin.query('select m.raw from mail.mailbox_messages mm join mail.messages m on m.id = mm.message where mm.mailbox = $1 order by uid', [alice.inbox]);
    assert.deepEqual(stored.rows.map((r) => r.raw), raws);
    const box = (await db.admin.query('select messages, unseen, uidnext, size from mail.mailboxes where id = $1', [alice.inbox])).rows[0];
    assert.deepEqual({ ...box, size: Number(box.size) }, { messages: 3, unseen: 2, uidnext: 4, size: raws.reduce((n, r) => n + r.length, 0) });
  });

  it('stores the same message delivered to many mailboxes once', async () => {
    const before = (await db.admin.query('select count(*)::int n from mail.messages')).rows[0].n;
    const raw = rawMessage('shared');
    await inject(db.api, null, [raw], [{ m: 1, b: alice.inbox }, { m: 1, b: archive }, { m: 1, b: bob.inbox }]);
    await inject(db.api, null, [raw], [{ m: 1, b: bob.inbox }]);
    const after = (await db.admin.query('select count(*)::int n from mail.messages')).rows[0].n;
    assert.equal(after - before, 1);
    const used = (await db.admin.query('select used_messages from mail.users where id = $1', [bob.id])).rows[0];
    assert.equal(Number(used.used_messages), 2);
  });

  it('refuses a mailbox the user has no right to insert into', async () => {
    await assert.rejects(inject(db.api, bob.id, [rawMessage('x')], [{ m: 1, b: alice.inbox }]), (e: { code?: string }) => e.code === 'AXPRM' || e.code === 'AXNEX');
  });

  it('enforces quota inside the injecting transaction', async () => {
    await db.admin.query('update mail.users set quota_messages = used_messages where id = $1', [bob.id]);
    await assert.rejects(inject(db.api, bob.id, [rawMessage('over')], [{ m: 1, b: bob.inbox }]), (e: { code?: string }) => e.code === 'AXQTA');
    await inject(db.api, bob.id, [rawMessage('over, unchecked')], [{ m: 1, b: bob.inbox }], false);
    await db.admin.query('update mail.users set quota_messages = null where id = $1', [bob.id]);
  });

  it('keeps UIDs unique and increasing under concurrent injection from several connections', async () => {
    const clients = await Promise.all([1, 2, 3, 4].map(() => new pg.Client(db.frontend)));
    await Promise.all(clients.map((c) => c.connect()));
    const got: number[][] = await Promise.all(clients.map(async (c, i) => {
      const uids: number[] = [];
      for (let k = 0; k < 15; k++) {
        const rows = await inject(c as unknown as pg.Pool, alice.id, [rawMessage(`c${i}-${k}`), rawMessage('same body everywhere')],
          [{ m: 1, b: archive }, { m: 2, b: archive }]);
        uids.push(...rows.map((r) => r.uid));
      }
      return uids;
    }));
    await Promise.all(clients.map((c) => c.end()));
    for (const list of got) assert.deepEqual(list, [...list].sort((a, b) => a - b));
    const all = got.flat();
    assert.equal(new Set(all).size, all.length);
    const r = (await db.admin.query('select count(*)::int n, max(uid) mx, (select uidnext from mail.mailboxes where id = $1) nx from mail.mailbox_messages where mailbox = $1', [archive])).rows[0];
    assert.equal(r.n, 121);
    assert.equal(r.nx, r.mx + 1);
  });

  it('NOTIFY reaches a third connection when a mailbox changes', async () => {
    const listener = new pg.Client(db.frontend);
    await listener.connect();
    const seen: string[] = [];
    listener.on('notification', (n) => seen.push(String(n.payload)));
    await listener.query('listen aox_mailbox');
    await inject(db.api, alice.id, [rawMessage('notify me')], [{ m: 1, b: alice.inbox }]);
    for (let i = 0; i < 50 && !seen.includes(String(alice.inbox)); i++) await new Promise((r) => setTimeout(r, 20));
    await listener.end();
    assert.ok(seen.includes(String(alice.inbox)));
  });

  it('stores flags over a whole UID set in one call, bumping modseq only where something changed', async () => {
    const [{ highestmodseq: m0 }] = (await db.api.query('select * from api.mailbox_select($1, $2, false)', [alice.id, 'INBOX'])).rows;
    const changed = (await db.api.query(`select * from api.flags_store($1, $2, '{[1,1000)}', '+', array['\\Seen'])`, [alice.id, alice.inbox])).rows;
    assert.ok(changed.length >= 2 && changed.every((r) => r.changed && r.flags.includes('\\Seen')));
    assert.ok(changed.every((r) => Number(r.modseq) > Number(m0)));
    const again = (await db.api.query(`select * from api.flags_store($1, $2, '{[1,1000)}', '+', array['\\Seen'])`, [alice.id, alice.inbox])).rows;
    assert.equal(again.length, 0);
    const box = (await db.admin.query('select unseen from mail.mailboxes where id = $1', [alice.inbox])).rows[0];
    assert.equal(box.unseen, 0);
    // UNCHANGEDSINCE: a row modified after the given modseq is reported, not changed
    const cond = (await db.api.query(`select * from api.flags_store($1, $2, '{[1,2)}', '+', array['\\Flagged'], $3)`, [alice.id, alice.inbox, Number(m0)])).rows;
    assert.deepEqual(cond.map((r) => [r.uid, r.changed]), [[1, false]]);
    // keywords
    await db.api.query(`select * from api.flags_store($1, $2, '{[2,3)}', '=', array['$Label1', '\\Answered'])`, [alice.id, alice.inbox]);
    const f = (await db.api.query(`select flags from api.messages_fetch($1, $2, '{[2,3)}', '{}')`, [alice.id, alice.inbox])).rows[0].flags;
    assert.deepEqual(f, ['\\Answered', '$Label1']);
  });

  it('expunges \\Deleted messages into deleted_messages and reports them as changes', async () => {
    const [{ highestmodseq }] = (await db.api.query('select * from api.mailbox_select($1, $2, false)', [alice.id, 'INBOX'])).rows;
    await db.api.query(`select * from api.flags_store($1, $2, '{[1,3)}', '+', array['\\Deleted'])`, [alice.id, alice.inbox]);
    const gone = (await db.api.query('select * from api.messages_expunge($1, $2)', [alice.id, alice.inbox])).rows.map((r) => r.uid);
    assert.deepEqual(gone, [1, 2]);
    const kept = (await db.admin.query('select uid, reason, deleted_by from mail.deleted_messages where mailbox = $1 order by uid', [alice.inbox])).rows;
    assert.deepEqual(kept, [{ uid: 1, reason: 'expunged', deleted_by: alice.id }, { uid: 2, reason: 'expunged', deleted_by: alice.id }]);
    const changes = (await db.api.query('select * from api.mailbox_changes($1, $2, $3)', [alice.id, alice.inbox, highestmodseq])).rows;
    assert.equal(changes[0].kind, 'state');
    assert.deepEqual(changes.filter((c) => c.kind === 'expunged').map((c) => c.uid), [1, 2]);
  });

  it('copies and moves any UID set in one call with COPYUID data', async () => {
    const runs = (await db.api.query('select * from api.mailbox_uid_runs($1, $2)', [alice.id, alice.inbox])).rows;
    assert.ok(runs.length >= 1);
    const copied = (await db.api.query(`select * from api.messages_copy($1, $2, '{[1,100000)}', 'Trash', false)`, [alice.id, alice.inbox])).rows;
    assert.ok(copied.length > 0);
    assert.deepEqual(copied.map((r) => r.dst_uid), copied.map((_, i) => i + 1));
    const moved = (await db.api.query(`select * from api.messages_copy($1, $2, '{[1,100000)}', 'Archive', true)`, [alice.id, alice.inbox])).rows;
    assert.equal(moved.length, copied.length);
    const left = (await db.admin.query('select count(*)::int n from mail.mailbox_messages where mailbox = $1', [alice.inbox])).rows[0].n;
    assert.equal(left, 0);
    await assert.rejects(db.api.query(`select * from api.messages_copy($1, $2, '{[1,2)}', 'Nowhere', false)`, [alice.id, archive]), (e: { code?: string }) => e.code === 'AXNEX');
  });

  it('creates, renames and deletes mailbox hierarchies', async () => {
    await db.api.query('select api.mailbox_create($1, $2)', [alice.id, 'a/b/c']);
    await assert.rejects(db.api.query('select api.mailbox_create($1, $2)', [alice.id, 'a/b']), (e: { code?: string }) => e.code === 'AXEXI');
    await db.api.query('select api.mailbox_rename($1, $2, $3)', [alice.id, 'a', 'x/y']);
    const names = (await db.api.query(`select name from api.mailbox_list($1, '', array['*'])`, [alice.id])).rows.map((r) => r.name);
    for (const n of ['x', 'x/y', 'x/y/b', 'x/y/b/c']) assert.ok(names.includes(n), n);
    assert.ok(!names.includes('a'));
    await db.api.query('select api.mailbox_delete($1, $2)', [alice.id, 'x/y/b']);
    const list = (await db.api.query(`select name, attributes from api.mailbox_list($1, '', array['x/%/%'])`, [alice.id])).rows;
    assert.deepEqual(list, [{ name: 'x/y/b', attributes: ['\\Noselect', '\\HasChildren'] }]);
    await assert.rejects(db.api.query('select api.mailbox_delete($1, $2)', [alice.id, 'inbox']), (e: { code?: string }) => e.code === 'AXPRM');
  });

  it('gives a reply the thread id of the message it refers to, computed at injection', async () => {
    const root = Buffer.from('From: a@x\r\nMessage-ID: <root@x>\r\nSubject: t\r\n\r\nroot\r\n');
    const [r] = await inject(db.api, alice.id, [root], [{ m: 1, b: archive }]);
    const reply = Buffer.from('From: b@x\r\nMessage-ID: <reply@x>\r\nReferences: <root@x>\r\nSubject: Re: t\r\n\r\nreply\r\n');
    const other = Buffer.from('From: b@x\r\nMessage-ID: <other@x>\r\nSubject: other\r\n\r\nother\r\n');
    const rows = await inject(db.api, alice.id, [reply, other], [{ m: 1, b: alice.inbox }, { m: 2, b: alice.inbox }]);
    const f = (await db.api.query(`select uid, message, thread_root from api.messages_fetch($1, $2, $3, '{}')`,
      [alice.id, alice.inbox, `{[${rows[0].uid},${rows[1].uid + 1})}`])).rows;
    assert.equal(Number(f[0].thread_root), r.message);
    assert.equal(Number(f[1].thread_root), Number(f[1].message));
    // bob's copy of a reply does not join alice's thread
    const [b] = await inject(db.api, bob.id, [reply], [{ m: 1, b: bob.inbox }]);
    const fb = (await db.api.query(`select thread_root from api.messages_fetch($1, $2, $3, '{}')`, [bob.id, bob.inbox, `{[${b.uid},${b.uid + 1})}`])).rows;
    assert.equal(Number(fb[0].thread_root), b.message);
  });

  it('verifies passwords through SCRAM StoredKey without ever seeing them', async () => {
    const { storedKey, clientProof } = await import('../../frontend/auth/scram.ts');
    const [{ salt, iterations }] = (await db.api.query('select * from api.auth_challenge($1)', ['ALICE'])).rows;
    const ok = (await db.api.query('select * from api.auth_plain($1, $2)', ['alice', storedKey('pw', salt, iterations)])).rows[0];
    assert.equal(ok.usr, alice.id);
    await assert.rejects(db.api.query('select * from api.auth_plain($1, $2)', ['alice', storedKey('wrong', salt, iterations)]), (e: { code?: string }) => e.code === 'AXAUT');
    const auth = 'n=alice,r=abc,r=abcdef,s=x,i=1,c=biws,r=abcdef';
    const { proof, serverSignature } = clientProof('pw', salt, iterations, auth);
    const s = (await db.api.query('select * from api.auth_scram($1, $2, $3)', ['alice', auth, proof])).rows[0];
    assert.deepEqual(s.server_signature, serverSignature);
    // unknown logins get a stable fake salt
    const a = (await db.api.query('select * from api.auth_challenge($1)', ['nobody'])).rows[0];
    const b = (await db.api.query('select * from api.auth_challenge($1)', ['nobody'])).rows[0];
    assert.deepEqual(a, b);
  });
});
