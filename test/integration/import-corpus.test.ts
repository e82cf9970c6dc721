// aox import on real mail: the SpamAssassin corpus as an mbox and as a maildir, through the real
// command (child process) into a real database; byte-exactness checked by SHA-256 in SQL.
// npm test takes every 4th message plus every corner case (no final newline, "From "/">From "
// lines, CR, no From_ line: about 2,200 messages); the tests of skipping and resuming use a tenth
// of those. The whole corpus (6,046 messages, 32 MB), which takes one to three minutes here:
//   AOX_TEST_CORPUS_STEP=1 node test/run.mjs test/integration/import-corpus.test.ts
// tools/bench/import.ts imports and verifies the corpus repeated to 100,000 messages.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { createUser } from '../helpers/users.ts';
import { scratchDir, type CliResult, type Scratch } from './cli-helpers.ts';
import { aoxFor, aoxInProcess, spawnAox } from './import-run.ts';
import { imapFlagsFor, loadCorpus, mboxRoundTrip, writeMaildir, writeMbox, type CorpusMessage } from '../../tools/bench/import-corpus.ts';

const STEP = Number(process.env.AOX_TEST_CORPUS_STEP ?? 4);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe(`integration: aox import of the SpamAssassin corpus (${STEP === 1 ? 'all' : `every ${STEP}th and the corner cases`})`, function () {
  this.timeout(240_000);
  let db: TestDatabase;
  let scratch: Scratch;
  let corpus: CorpusMessage[];
  let sample: CorpusMessage[];
  let mbox: string;
  // the real executable (a child process) for the big imports, in-process for the others
  let run: ReturnType<typeof aoxFor>;
  let quick: ReturnType<typeof aoxInProcess>;

  before(async () => {
    db = await createTestDatabase();
    await createUser(db.admin, 'ann');
    run = aoxFor(db);
    quick = aoxInProcess(db);
    scratch = scratchDir('aox-import-');
    corpus = loadCorpus(STEP);
    sample = corpus.filter((_, i) => i % 10 === 0);
    mbox = join(scratch.dir, 'corpus.mbox');
    writeMbox(mbox, corpus);
    writeMaildir(join(scratch.dir, 'Maildir'), corpus);
  });
  after(async () => {
    scratch.remove();
    await db.drop();
  });

  const ok = (r: CliResult) => {
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr.slice(-2000)}`);
    return r;
  };
  const stored = async (mailbox: string) => (await db.admin.query<{ uid: number; hash: string; internaldate: Date; flags: string[] }>(
    `select mm.uid, encode(public.digest(m.raw, 'sha256'), 'hex') as hash, mm.internaldate,
            mail.flag_list(mm.seen, mm.answered, mm.flagged, mm.deleted, mm.draft, mm.keywords) as flags
       from mail.mailbox_messages mm join mail.messages m on m.id = mm.message
       join mail.mailboxes b on b.id = mm.mailbox join mail.users u on u.id = b.owner
      where u.login = 'ann' and b.name = $1 order by mm.uid`, [mailbox])).rows;
  const messageRows = async () => Number((await db.admin.query('select count(*) as n from mail.messages')).rows[0].n);

  it('imports the mbox byte for byte, in order, with the From_ line dates', async () => {
    const started = Date.now();
    const r = ok(await run('import', '--mboxrd', '--create', '-q', 'ann:Corpus', 'mbox', mbox));
    const seconds = (Date.now() - started) / 1000;
    assert.match(r.stdout, new RegExp(`imported ${corpus.length} of ${corpus.length} messages`));
    const rows = await stored('Corpus');
    assert.equal(rows.length, corpus.length);
    rows.forEach((row, i) => {
      assert.equal(row.uid, i + 1);
      assert.equal(row.hash, sha(mboxRoundTrip(corpus[i].raw)), `message ${i} (${corpus[i].name}) differs`);
      assert.equal(row.internaldate.getTime(), corpus[i].date.getTime(), `date of ${corpus[i].name}`);
    });
    // every message kept its exact bytes except the one whose file lacks a final newline
    const changed = corpus.filter((m) => !mboxRoundTrip(m.raw).equals(m.raw)).length;
    assert.ok(changed <= 1);
    assert.equal(await messageRows(), corpus.length);
    console.log(`      (${corpus.length} messages in ${seconds.toFixed(1)}s: ${Math.round(corpus.length / seconds)} msg/s, command start included)`);
  });

  it('adds nothing when run again, and stores nothing twice for another mailbox', async () => {
    const again = ok(await quick('import', '--mboxrd', '-q', '/users/ann/Corpus', 'mbox', mbox));
    assert.match(again.stdout, new RegExp(`imported 0 of ${corpus.length} messages.*; ${corpus.length} already in the mailbox`));
    assert.equal((await stored('Corpus')).length, corpus.length);
    const before = await messageRows();
    ok(await quick('import', '--mboxrd', '--create', '-q', 'ann:Copy', 'mbox', mbox));
    assert.equal((await stored('Copy')).length, corpus.length);
    assert.equal(await messageRows(), before);
  });

  it('imports the maildir byte for byte with flags, keywords and dates', async () => {
    const before = await messageRows();
    ok(await run('import', '--create', '-q', 'ann:Maildir', 'maildir', join(scratch.dir, 'Maildir')));
    const rows = await stored('Maildir');
    assert.equal(rows.length, corpus.length);
    const byHash = new Map(rows.map((r) => [r.hash, r]));
    corpus.forEach((m, i) => {
      const row = byHash.get(sha(m.raw));
      assert.ok(row, `${m.name} is missing or differs`);
      assert.deepEqual(row.flags, imapFlagsFor(i), `flags of ${m.name}`);
      assert.equal(row.internaldate.getTime(), Math.floor(m.date.getTime() / 1000) * 1000);
    });
    // the same bytes as the mbox import, so no new message rows, except where mbox had to differ
    const differing = corpus.filter((m) => !mboxRoundTrip(m.raw).equals(m.raw)).length;
    assert.equal(await messageRows(), before + differing);
  });

  it('reports unreadable input, imports the rest, and exits non-zero', async () => {
    const half = Math.floor(sample.length / 2);
    const first = join(scratch.dir, 'first.mbox');
    const second = join(scratch.dir, 'second.mbox');
    writeMbox(first, sample.slice(0, half));
    writeMbox(second, sample.slice(half));
    const dir = join(scratch.dir, 'a-directory.mbox');
    mkdirSync(dir);
    const r = await quick('import', '--mboxrd', '--create', '-q', 'ann:Partial', 'mbox',
                        first, join(scratch.dir, 'missing.mbox'), dir, second);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /missing\.mbox: skipped: cannot open/);
    assert.match(r.stderr, /a-directory\.mbox.*: skipped: read error/);
    assert.match(r.stdout, /2 skipped/);
    assert.deepEqual((await stored('Partial')).map((x) => x.hash), sample.map((m) => sha(mboxRoundTrip(m.raw))));

    const maildir = join(scratch.dir, 'SampleMaildir');
    writeMaildir(maildir, sample);
    symlinkSync(join(scratch.dir, 'nowhere'), join(maildir, 'cur', '1000000000.broken.aox:2,S'));
    try {
      const m = await quick('import', '-q', '--create', 'ann:SampleMaildir', 'maildir', maildir);
      assert.equal(m.code, 2, m.stderr);
      assert.match(m.stderr, /1000000000\.broken\.aox:2,S.*: skipped: cannot read/);
      assert.match(m.stdout, new RegExp(`imported ${sample.length} of ${sample.length} messages`));
    } finally {
      rmSync(join(maildir, 'cur', '1000000000.broken.aox:2,S'));
    }
  });

  it('resumes an interrupted import without losing or duplicating', async () => {
    const part = join(scratch.dir, 'part.mbox');
    const whole = join(scratch.dir, 'sample.mbox');
    const third = Math.floor(sample.length / 3);
    writeMbox(part, sample.slice(0, third));   // what an interrupted run got through
    writeMbox(whole, sample);
    ok(await quick('import', '--mboxrd', '--create', '-q', 'ann:Resumed', 'mbox', part));
    const r = ok(await quick('import', '--mboxrd', '-q', 'ann:Resumed', 'mbox', whole));
    assert.match(r.stdout, new RegExp(`imported ${sample.length - third} of ${sample.length} messages.*; ${third} already`));
    const rows = await stored('Resumed');
    assert.deepEqual(rows.map((x) => x.hash), sample.map((m) => sha(mboxRoundTrip(m.raw))));
  });

  it('loses and duplicates nothing when killed mid-import or interrupted with ^C, then run again', async () => {
    const expected = corpus.map((m) => sha(mboxRoundTrip(m.raw)));
    for (const [signal, mailbox] of [['SIGKILL', 'Killed'], ['SIGINT', 'Interrupted']] as const) {
      const { child, done } = spawnAox(db, ['import', '--mboxrd', '--create', '-q', `ann:${mailbox}`, 'mbox', mbox]);
      // wait until some batches are in, then stop it wherever it is
      for (let i = 0; i < 600; i++) {
        const n = Number((await db.admin.query(
          `select coalesce(sum(messages), 0) as n from mail.mailboxes where name = $1`, [mailbox])).rows[0].n);
        if (n > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill(signal);
      const first = await done;
      if (signal === 'SIGINT' && first.code === 130) assert.match(first.stderr, /interrupted; run the same command again/);
      const partial = (await stored(mailbox)).length;
      assert.ok(partial > 0 && partial <= corpus.length, `${signal}: ${partial} stored`);
      ok(await quick('import', '--mboxrd', '-q', `ann:${mailbox}`, 'mbox', mbox));
      assert.deepEqual((await stored(mailbox)).map((x) => x.hash), expected, `${signal} then re-run`);
    }
  });
});
