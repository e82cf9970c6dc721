// aox import (small hand-made inputs), vacuum, undelete, retain/delete messages, show retention,
// tune database and reparse through the real command line against a test database.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { createUser } from '../helpers/users.ts';
import { scratchDir, type CliResult, type Scratch } from './cli-helpers.ts';
import { aoxInProcess } from './import-run.ts';

describe('integration: aox import, vacuum, undelete, retention, tune and reparse commands', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let scratch: Scratch;
  let run: ReturnType<typeof aoxInProcess>;

  before(async () => {
    db = await createTestDatabase();
    await createUser(db.admin, 'ann');
    run = aoxInProcess(db);
    scratch = scratchDir('aox-import-cmd-');
  });
  after(async () => {
    scratch.remove();
    await db.drop();
  });

  const ok = (r: CliResult) => {
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
    return r;
  };
  const file = (name: string, text: string) => {
    const p = join(scratch.dir, name);
    writeFileSync(p, text);
    return p;
  };
  const rows = async (mailbox: string) => (await db.admin.query<{ uid: number; raw: Buffer; flags: string[]; problems: string[] }>(
    `select mm.uid, m.raw, m.problems, mail.flag_list(mm.seen, mm.answered, mm.flagged, mm.deleted, mm.draft, mm.keywords) as flags
       from mail.mailbox_messages mm join mail.messages m on m.id = mm.message join mail.mailboxes b on b.id = mm.mailbox
      where b.name = $1 order by mm.uid`, [mailbox])).rows;
  const one = async (sql: string, params: unknown[] = []) => (await db.admin.query(sql, params)).rows[0];

  const FROM1 = 'From a@example.org Mon Jan  6 10:00:00 2020\n';
  const FROM2 = 'From b@example.org Tue Jan  7 10:00:00 2020\n';
  const msg = (subject: string, extra = '') => `Subject: ${subject}\n${extra}\nbody of ${subject}\n>From the mbox writer\n`;

  describe('import', () => {
    it('refuses a missing mailbox without --create, and unknown formats', async () => {
      const mbox = file('one.mbox', FROM1 + msg('one') + '\n');
      const r = await run('import', 'ann:Nope', 'mbox', mbox);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /no such mailbox/);
      const f = await run('import', 'ann:INBOX', 'mh', mbox);
      assert.equal(f.code, 1);
      assert.match(f.stderr, /mbox or maildir/);
    });

    it('imports duplicates that occur twice in one mbox twice, and never again', async () => {
      const mbox = file('dups.mbox', FROM1 + msg('twin') + '\n' + FROM1 + msg('twin') + '\n' + FROM2 + msg('twin') + '\n');
      const first = ok(await run('import', '--create', '-q', '/users/ann/Dups', 'mbox', mbox));
      assert.match(first.stdout, /imported 3 of 3 messages/);
      const again = ok(await run('import', '-q', 'ann:Dups', 'mbox', mbox));
      assert.match(again.stdout, /imported 0 of 3 messages.*; 3 already in the mailbox/);
      assert.equal((await rows('Dups')).length, 3);
      assert.equal((await one(`select count(*)::int as n from mail.messages where raw = $1`, [Buffer.from(msg('twin'))])).n, 1);
    });

    it('takes flags from Status, X-Status and X-Keywords and keeps ">From " lines as written (mboxo)', async () => {
      const mbox = file('flags.mbox', FROM1 + msg('flagged', 'Status: RO\nX-Status: AF\nX-Keywords: $Work\n') + '\n' + FROM2 + msg('plain') + '\n');
      ok(await run('import', '--create', '-q', 'ann:Flags', 'mbox', mbox));
      const r = await rows('Flags');
      assert.deepEqual(r.map((x) => x.flags), [['\\Seen', '\\Answered', '\\Flagged', '$Work'], []]);
      assert.equal(r[1].raw.toString(), msg('plain'));
      assert.match(r[1].raw.toString(), /^>From the mbox writer$/m);
    });

    it('reports messages stored with parse problems and still exits 0; a dry run stores nothing', async () => {
      const broken = 'Subject: broken\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nno end\n';
      const mbox = file('broken.mbox', FROM1 + broken + '\n');
      const dry = ok(await run('import', '-q', '-n', '--create', 'ann:Broken', 'mbox', mbox));
      assert.match(dry.stdout, /would import 1 of 1 messages/);
      assert.match(dry.stderr, /broken\.mbox, offset 0 \(message 1\): stored with problems: .*delimiter/);
      assert.equal((await one(`select count(*)::int as n from mail.mailboxes where name = 'Broken'`)).n, 0);
      const r = ok(await run('import', '-q', '--create', 'ann:Broken', 'mbox', mbox));
      assert.match(r.stdout, /imported 1 of 1 messages.*1 with parse problems/);
      assert.match(r.stderr, /stored with problems/);
      assert.equal((await rows('Broken'))[0].raw.toString(), broken);
      // a dry run into the existing mailbox knows what is there already
      assert.match(ok(await run('import', '-q', '-n', 'ann:Broken', 'mbox', mbox)).stdout, /would import 0 of 1 messages.*; 1 already in the mailbox/);
    });
    it('stores a message whose decoded header holds a lone UTF-16 surrogate, with a repaired view', async () => {
      // jsonb refuses lone surrogates; messageMeta replaces them with U+FFFD, so the parsed view is
      // kept (the importer still falls back to a minimal view if the database ever refuses one)
      const odd = 'Subject: =?utf-16be?B?2AA=?=\nFrom: a@example.org\n\nhello\n';
      const mbox = file('odd.mbox', FROM1 + msg('fine') + '\n' + FROM2 + odd + '\n');
      const r = ok(await run('import', '-q', '--create', 'ann:Odd', 'mbox', mbox));
      assert.match(r.stdout, /imported 2 of 2 messages/);
      const stored = await rows('Odd');
      assert.equal(stored[1].raw.toString(), odd);
      const { subject } = await one(`select subject from mail.messages where raw = $1`, [Buffer.from(odd)]);
      assert.equal(subject, '\uFFFD');
    });
  });

  describe('retention, vacuum and undelete', () => {
    before(async () => {
      const mbox = file('ret.mbox', [
        'From x@y Mon Jan  6 10:00:00 2020\n' + msg('old one'),
        'From x@y Mon Jan  6 11:00:00 2020\n' + msg('old two'),
        `From x@y ${new Date().toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) (\S+) GMT$/, '$1 $3 $2 $5 $4')}\n` + msg('new'),
      ].join('\n') + '\n');
      ok(await run('import', '--create', '-q', 'ann:Ret', 'mbox', mbox));
      assert.equal((await rows('Ret')).length, 3);
    });

    it('stores, lists and removes policies', async () => {
      assert.match(ok(await run('show', 'retention')).stdout, /no retention policies/);
      assert.match(ok(await run('delete', 'messages', '30', 'ann:Ret')).stdout, /expunged by aox vacuum when older than 30 days/);
      assert.match(ok(await run('retain', 'messages', '3650')).stdout, /all mailboxes are kept for at least 3650 days/);
      const shown = ok(await run('show', 'retention')).stdout;
      assert.match(shown, /retain\s+3650 days\s+all mailboxes/);
      assert.match(shown, /delete\s+30 days\s+\/users\/ann\/Ret \(and below\)\s+every message\s+2 older messages/);
      const bad = await run('retain', 'messages', 'soon');
      assert.equal(bad.code, 1);
    });

    it('vacuum keeps what a longer retain policy covers, then expunges once it is gone', async () => {
      let out = ok(await run('vacuum')).stdout;
      assert.match(out, /expunged by retention policies: 0/);
      assert.match(ok(await run('retain', 'messages', '0')).stdout, /removed the retain policy of all mailboxes/);
      out = ok(await run('vacuum', '--batch', '1')).stdout;
      assert.match(out, /expunged by retention policies: 2/);
      assert.match(out, /purged expunged messages older than 49 days: 0/);
      assert.deepEqual((await rows('Ret')).map((r) => r.uid), [3]);
      ok(await run('delete', 'messages', '0', 'ann:Ret'));
    });

    it('undelete lists with -n and restores with new UIDs', async () => {
      const list = ok(await run('undelete', '-n', 'ann:Ret', 'all')).stdout;
      assert.match(list, /^1\s+2020-01-06\s+expunged \S+ \(retention policy\).*old one$/m);
      assert.match(list, /would restore 2 messages to \/users\/ann\/Ret/);
      const r = ok(await run('undelete', '/users/ann/Ret', 'subject', 'two'));
      assert.match(r.stdout, /^2\s+→ 4\s/m);
      assert.match(r.stdout, /restored 1 message into \/users\/ann\/Ret/);
      assert.deepEqual((await rows('Ret')).map((x) => x.uid), [3, 4]);
      const bad = await run('undelete', 'ann:Ret', 'colour', 'red');
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /unknown search key: colour/);
    });

    it('vacuum purges what undelete-time allows', async () => {
      await db.admin.query(`update mail.deleted_messages set deleted_at = now() - interval '60 days'`);
      const out = ok(await run('vacuum', '--days', '49')).stdout;
      assert.match(out, /purged expunged messages older than 49 days: 2/);  // one restored tombstone, one expunged
      assert.match(out, /purged message bodies no longer used: 1/);
      assert.equal((await run('undelete', '-n', 'ann:Ret', 'all')).stdout.trim(), 'would restore 0 messages to /users/ann/Ret');
    });

    it('policies limited by a search, retain forever, and the policies of one mailbox', async () => {
      ok(await run('delete', 'messages', '30', 'ann:Ret'));
      assert.match(ok(await run('retain', 'mail', 'forever', 'ann:Ret', 'subject', 'old two')).stdout,
        /messages in \/users\/ann\/Ret and the mailboxes below it matching "subject "old two"" are kept forever/);
      assert.equal((await run('delete', 'messages', 'forever')).code, 1);
      const bad = await run('retain', 'messages', '5', 'ann:Ret', 'reason', 'moved');
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /only applies to expunged messages/);
      const shown = ok(await run('show', 'retention', 'ann:Ret')).stdout;
      assert.match(shown, /delete\s+30 days\s+\/users\/ann\/Ret \(and below\)\s+every message\s+1 older messages/);
      assert.match(shown, /retain\s+forever\s+\/users\/ann\/Ret \(and below\)\s+subject "old two"\s+1 messages/);
      assert.match(ok(await run('show', 'retention', 'ann:INBOX')).stdout, /no retention policy applies to \/users\/ann\/INBOX/);
      assert.match(ok(await run('vacuum')).stdout, /expunged by retention policies: 0/);
      assert.match(ok(await run('retain', 'messages', '0', 'ann:Ret', 'subject', 'old two')).stdout, /removed the retain policy/);
      assert.match(ok(await run('vacuum')).stdout, /expunged by retention policies: 1/);
      assert.deepEqual((await rows('Ret')).map((r) => r.uid), [3]);
      ok(await run('delete', 'messages', '0', 'ann:Ret'));
      assert.match(ok(await run('show', 'retention')).stdout, /no retention policies/);
    });
  });

  describe('tune database and reparse', () => {
    it('builds and drops the optional indexes', async () => {
      const dry = ok(await run('tune', 'database', '-n', 'advanced-reading')).stdout;
      assert.match(dry, /^create index concurrently if not exists tune_messages_trgm_body on mail\.messages using gin \(mail\.folded\(body_text\) public\.gin_trgm_ops\);$/m);
      const r = ok(await run('tune', 'database', 'mostly-reading'));
      assert.match(r.stdout, /tuned for mostly-reading: \d+ indexes built, 0 dropped/);
      assert.match(r.stderr, /\[1\/\d+\] create tune_/);
      assert.match(ok(await run('tune', 'database', 'mostly-reading')).stdout, /already tuned for mostly-reading/);
      const status = ok(await run('tune', 'database', '--status')).stdout;
      assert.match(status, /tune_mailbox_messages_sort_subject\s+mostly-reading\s+present/);
      assert.match(status, /tune_messages_trgm_body\s+advanced-reading\s+absent/);
      assert.match(ok(await run('tune', 'database', 'mostly-writing')).stdout, /0 indexes built, \d+ dropped/);
      const n = await one(`select count(*)::int as n from pg_indexes where schemaname = 'mail' and indexname like 'tune%'`);
      assert.equal(n.n, 0);
      assert.equal((await run('tune', 'database', 'fast')).code, 1);
    });

    it('reparse lists messages with problems and clears what the parser now reads', async () => {
      await db.admin.query(`update mail.messages set problems = '{"an old parser bug"}', subject = 'stale'
                             where raw = $1`, [Buffer.from(msg('plain'))]);
      const dry = ok(await run('reparse', '-n')).stdout;
      assert.match(dry, /message \d+ \(\/users\/ann\/Flags uid 2\): an old parser bug → now parses cleanly/);
      assert.match(dry, /message \d+ \(\/users\/ann\/Broken uid 1\): .*delimiter.* → still: /);
      assert.equal((await one(`select subject from mail.messages where raw = $1`, [Buffer.from(msg('plain'))])).subject, 'stale');
      const r = ok(await run('reparse', '-q'));
      // Broken still has its problem
      assert.match(r.stdout, /reparsed 2 messages: 1 now without problems, 1 still with problems/);
      const fixed = await one(`select subject, problems, raw from mail.messages where raw = $1`, [Buffer.from(msg('plain'))]);
      assert.deepEqual([fixed.subject, fixed.problems], ['plain', []]);
      assert.match(ok(await run('reparse')).stdout, /reparsed 1 messages?: 0 now without problems, 1 still with problems/);
    });
  });
});
