// The word index of SEARCH TEXT and BODY (db/migrations/0012, db/functions/45_imap.sql): its
// answers must be exactly those of a substring scan of the folded text, whichever way in it takes.
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { inject } from '../helpers/inject.ts';
import { messageMeta } from '../../frontend/db/message-meta.ts';
import { parseMessage } from '../../frontend/mime/parse.ts';
import { searchWords } from '../../frontend/mime/search-words.ts';
import { migrate } from '../../frontend/db/schema.ts';
import { setFromRunsText } from '../../frontend/imap/uid-runs.ts';

const LONG_WORD = 'q'.repeat(150) + 'Haystackneedle' + 'z'.repeat(150);

function mail(subject: string, body: string, extra = ''): Buffer {
  return Buffer.from(`From: Sender <sender@example.org>\r\nTo: b@example.com\r\nSubject: ${subject}\r\n${extra}` +
    'Content-Type: text/plain; charset=utf-8\r\n\r\n' + body);
}

const CORPUS = [
  mail('Town meeting', 'The townspeople met on Tuesday.\r\n'),
  mail('PEOPLE!', 'Peoples of the world, unite.\r\n'),
  mail('quarterly report', 'Numbers went up: 42abc and x-y.z\r\n'),
  mail('German', 'Viel Ärger mit der Straße, naïve Leute.\r\n'),
  mail('Japanese', '日本語テキストの例\r\n'),
  mail('Long', `see ${LONG_WORD} here\r\n`),
  mail('Headers', 'nothing special\r\n', 'X-Project: Zephyr-7\r\n'),
  mail('Link', 'https://example.com/very/long/path?q=people_search\r\n'),
];

const WORDS = ['people', 'PEOPLE', 'eopl', 'townspeople', 'peoples', 'ärger', 'ÄRGER', 'straße', 'NAÏVE',
  '本語テ', 'quarterly', 'zephyr', 'project', 'subject', 'haystackneedle', 'qqqhaystack', 'sender', 'org',
  '42abc', 'xyzzy', 'tuesday'];
// strings with separators: the index narrows with their words that are rare enough (in under 2%
// of the mail: here, in one or two of 110 messages), the text decides
const PHRASES = ['people_search', 'of the world', 'the world, unite', 'x-project: zephyr-7', 'ärger mit der',
  'mit der straße', 'nothing special', 'special thing', 'q=people_', 'Viel Ärger'];
// strings with separators whose words are all common (From, example.org in every message) or short
const COMMON = ['sender@example.org', '@example.org', 'r@example', 'e@e', 'OF THE', ' the ', 'x-project', '.com/very',
  'unite.', 'world,'];
const SHORT = ['te', 'a', '..', ' ', 'y.z', 'up: 42'];

async function uids(db: TestDatabase, user: number, mailbox: number, field: string, value: string): Promise<number[]> {
  const r = await db.api.query<{ uids: string }>('select uids from api.messages_search($1, $2, $3)',
    [user, mailbox, JSON.stringify({ type: 'string', field, value })]);
  return [...setFromRunsText(r.rows[0].uids)];
}

/** The substring scan the index must agree with: the folded text, read in full. */
async function scanned(db: TestDatabase, mailbox: number, field: string, value: string): Promise<number[]> {
  const r = await db.admin.query<{ uid: number }>(
    `select mm.uid from mail.mailbox_messages mm join mail.messages msg on msg.id = mm.message
      where mm.mailbox = $1 and (mail.folded(msg.body_text) like mail.substring_pattern($2)
            or ($3 = 'text' and mail.folded(mail.headers_text(msg.headers)) like mail.substring_pattern($2)))
      order by mm.uid`, [mailbox, value, field]);
  return r.rows.map((x) => x.uid);
}

/** 'index': answered from the word index alone; 'narrowed': the index narrows, the text decides;
 *  'scan': the text alone. */
async function wayIn(db: TestDatabase, field: string, value: string): Promise<'index' | 'narrowed' | 'scan'> {
  const c = (await db.admin.query<{ c: string | null }>('select mail.search_words_sql($1, $2, $3) as c',
    [field, value, 'THE_SCAN'])).rows[0].c;
  return c === null ? 'scan' : c.includes('THE_SCAN') ? 'narrowed' : 'index';
}

describe('sql: the word index of SEARCH TEXT and BODY', () => {
  let db: TestDatabase;
  let alice: TestUser;
  let small: number;

  before(async () => {
    db = await createTestDatabase();
    alice = await createUser(db.admin, 'alice', 'secret', 'alice@example.com', ['Small', 'Filler']);
    await inject(db.api, alice.id, CORPUS, CORPUS.map((_, i) => ({ m: i + 1, b: alice.inbox })));
    const boxes = await db.admin.query<{ id: number; name: string }>('select id, name from mail.mailboxes where owner = $1', [alice.id]);
    small = boxes.rows.find((b) => b.name === 'Small')!.id;
    const filler = boxes.rows.find((b) => b.name === 'Filler')!.id;
    // Small holds two messages out of more than a hundred: checked message by message; INBOX
    // (eight) goes through the GIN index (mail.messages_with_words)
    await inject(db.api, alice.id, [CORPUS[0], CORPUS[5]], [{ m: 1, b: small }, { m: 2, b: small }]);
    const fill = Array.from({ length: 100 }, (_, i) => mail(`filler ${i}`, `ordinary text number ${i}\r\n`));
    await inject(db.api, alice.id, fill, fill.map((_, i) => ({ m: i + 1, b: filler })));
    await db.admin.query('analyze mail.message_words');
  });
  after(async () => db.drop());

  it('splits text in SQL exactly as the frontend does', async () => {
    const texts = ['Hello, hello world!\tfoo_bar\r\nx-y.z@host:8080', 'Straße 42abc Ärger\u00a0heute 日本語 déjà-vu',
      '~tilde`back{brace}|pipe\\slash', '', '...', 'a\u0001b\u007fc'];
    for (const t of texts) {
      const sql = (await db.admin.query<{ w: string }>('select mail.search_words_split($1) as w', [t])).rows[0].w;
      assert.deepEqual(sql.split(' ').filter(Boolean).sort(), searchWords(t).split(' ').filter(Boolean).sort(), t);
    }
  });

  it('answers a word from the index, narrows a phrase with it, and matches a full scan every time', async () => {
    for (const value of [...WORDS, ...PHRASES, ...COMMON, ...SHORT]) {
      const way = WORDS.includes(value) ? 'index' : PHRASES.includes(value) ? 'narrowed' : 'scan';
      if (!COMMON.includes(value)) assert.equal(await wayIn(db, 'text', value), way, value);
      for (const field of ['text', 'body']) {
        for (const box of [alice.inbox, small]) {
          assert.deepEqual(await uids(db, alice.id, box, field, value), await scanned(db, box, field, value),
            `${field} ${value} in ${box === small ? 'Small' : 'INBOX'}`);
        }
      }
    }
    // the cases that matter, spelled out: infix, case, header-only words, a word past the vocabulary
    assert.deepEqual(await uids(db, alice.id, alice.inbox, 'text', 'PEOPLE'), [1, 2, 8]);
    assert.deepEqual(await uids(db, alice.id, alice.inbox, 'text', 'zephyr'), [7]);
    assert.deepEqual(await uids(db, alice.id, alice.inbox, 'body', 'zephyr'), []);
    assert.deepEqual(await uids(db, alice.id, alice.inbox, 'text', 'haystackneedle'), [6]);
    assert.deepEqual(await uids(db, alice.id, small, 'body', 'haystackneedle'), [2]);
    assert.deepEqual(await uids(db, alice.id, alice.inbox, 'text', 'ÄRGER'), [4]);
    assert.deepEqual(await uids(db, alice.id, alice.inbox, 'text', 'OF THE world'), [2]);
    assert.deepEqual(await uids(db, alice.id, alice.inbox, 'body', 'x-project: zephyr'), []);
    assert.deepEqual(await uids(db, alice.id, alice.inbox, 'text', 'x-project: zephyr'), [7]);
  });

  it('lets the text decide when another word shares a hash with a matching one', async () => {
    // 64-bit hashes do not collide in practice: a vocabulary word that claims the hash of "zephyr"
    // stands in for one that would, as if a message had it (its own hash would be stored)
    const box = (await db.api.query<{ id: number }>('select api.mailbox_create($1, $2) as id', [alice.id, 'Hashes'])).rows[0].id;
    await inject(db.api, alice.id, [mail('one', 'zephyr here\r\n'), mail('two', 'kumquat there\r\n')], [{ m: 1, b: box }, { m: 2, b: box }]);
    assert.equal(await wayIn(db, 'body', 'zephyr'), 'index');
    await db.admin.query(`insert into mail.search_words (word, hash)
      select 'kumquat-twin', hash from mail.search_words where word = 'zephyr'`);
    assert.equal(await wayIn(db, 'body', 'zephyr'), 'scan');
    assert.deepEqual(await uids(db, alice.id, box, 'body', 'ZEPHYR'), [1]);
    assert.equal(await wayIn(db, 'body', 'kumquat'), 'index');
    assert.deepEqual(await uids(db, alice.id, box, 'body', 'kumquat'), [2]);
    await db.admin.query(`delete from mail.search_words where word = 'kumquat-twin'`);
  });

  it('keeps the heap narrow: the arrays are stored out of line', async () => {
    // 100 words: 800 bytes of hashes, a row PostgreSQL would keep inline on its own
    const wide = Array.from({ length: 80 }, (_, m) =>
      mail(`wide ${m}`, Array.from({ length: 100 }, (_, i) => `w${m}x${i}`).join(' ') + '\r\n'));
    await inject(db.api, alice.id, wide, wide.map((_, i) => ({ m: i + 1, b: alice.inbox })));
    const { rows: [r] } = await db.admin.query<{ heap: string; rows: string }>(
      `select pg_relation_size('mail.message_words') as heap, (select count(*) from mail.message_words) as rows`);
    // inline, these 80 rows alone would take over 64 KB
    assert.ok(Number(r.heap) <= 48 * 1024, JSON.stringify(r));
    assert.equal((await uids(db, alice.id, alice.inbox, 'body', 'w79x99')).length, 1);
  });

  it('negates and combines like any other key', async () => {
    const r = await db.api.query<{ uids: string }>('select uids from api.messages_search($1, $2, $3)',
      [alice.id, alice.inbox, JSON.stringify({ type: 'and', keys: [
        { type: 'not', key: { type: 'string', field: 'text', value: 'people' } },
        { type: 'or', left: { type: 'string', field: 'body', value: 'tuesday' }, right: { type: 'string', field: 'text', value: 'quarterly' } },
      ] })]);
    assert.deepEqual(r.rows, [{ uids: '3' }]);
  });

  it('indexes mail from a caller that sent no words, and follows a reparse', async () => {
    const raw = mail('Peculiar', 'Serendipitous finding\r\n');
    const meta = messageMeta(parseMessage(raw));
    delete meta.bodyWords;
    delete meta.headerWords;
    const [row] = (await db.api.query<{ uid: number; message: string }>(
      'select uid, message from api.message_inject($1, $2, $3::jsonb[], $4, false)',
      [alice.id, [raw], [JSON.stringify(meta)], JSON.stringify([{ m: 1, b: alice.inbox, f: [] }])])).rows;
    assert.deepEqual(await uids(db, alice.id, alice.inbox, 'body', 'SERENDIPITOUS'), [row.uid]);
    assert.deepEqual(await uids(db, alice.id, alice.inbox, 'text', 'peculiar'), [row.uid]);

    const again = messageMeta(parseMessage(mail('Peculiar', 'Quixotic finding\r\n')));
    await db.admin.query('select admin.messages_reparsed($1, $2::jsonb[])', [[row.message], [JSON.stringify(again)]]);
    assert.deepEqual(await uids(db, alice.id, alice.inbox, 'body', 'serendipitous'), []);
    assert.deepEqual(await uids(db, alice.id, alice.inbox, 'body', 'quixotic'), [row.uid]);
  });

  it('keeps every word of two injectors that add the same new words at once', async () => {
    const a = await db.api.connect();
    const b = await db.api.connect();
    try {
      const words = Array.from({ length: 50 }, (_, i) => `brandnewword${i}`).join(' ');
      await a.query('begin');
      await inject(a, alice.id, [mail('first', words + '\r\n')], [{ m: 1, b: alice.inbox }]);
      // b waits on a's uncommitted vocabulary rows; once a commits, both messages are found
      const second = inject(b, alice.id, [mail('second', words + ' extra\r\n')], [{ m: 1, b: alice.inbox }]);
      await new Promise((r) => setTimeout(r, 200));
      await a.query('commit');
      const [{ uid }] = await second;
      const found = await uids(db, alice.id, alice.inbox, 'body', 'brandnewword49');
      assert.equal(found.length, 2);
      assert.ok(found.includes(uid));
    } finally {
      a.release();
      b.release();
    }
  });

  it('gives their words to messages stored without them, as aox upgrade schema does', async () => {
    const [{ message }] = await inject(db.api, alice.id, [mail('late', 'Belated arrival\r\n')], [{ m: 1, b: alice.inbox }]);
    // as if a server of the previous version had stored it while migration 0012 ran
    await db.admin.query('delete from mail.message_words where message = $1', [message]);
    assert.deepEqual(await uids(db, alice.id, alice.inbox, 'body', 'belated'), []);
    assert.equal(Number((await db.admin.query('select mail.message_words_repair() as n')).rows[0].n), 1);
    assert.equal((await uids(db, alice.id, alice.inbox, 'body', 'belated')).length, 1);
    assert.equal(Number((await db.admin.query('select mail.message_words_repair() as n')).rows[0].n), 0);
  });

  it('forgets the words of a message aox vacuum purges', async () => {
    const gone = (await db.api.query<{ id: number }>('select api.mailbox_create($1, $2) as id', [alice.id, 'Gone'])).rows[0].id;
    const [row] = await inject(db.api, alice.id, [mail('bye', 'Evanescent words\r\n')], [{ m: 1, b: gone, f: ['\\Deleted'] }]);
    const words = (id: number) => db.admin.query('select 1 from mail.message_words where message = $1', [id]);
    assert.equal((await words(row.message)).rowCount, 1);
    await db.api.query('select * from api.messages_expunge($1, $2)', [alice.id, gone]);
    await db.admin.query(`update mail.deleted_messages set deleted_at = now() - interval '60 days' where mailbox = $1`, [gone]);
    await db.admin.query('select * from admin.vacuum(49)');
    assert.equal((await db.admin.query('select 1 from mail.messages where id = $1', [row.message])).rowCount, 0);
    assert.equal((await words(row.message)).rowCount, 0);
  });

  // last: it rebuilds the index
  it('builds the same index from stored mail in migration 0012 as injection builds', async () => {
    const snapshot = async () => ({
      rows: (await db.admin.query(`select message,
          (select array_agg(x order by x) from unnest(body_words) x) as b, (select array_agg(x order by x) from unnest(header_words) x) as h,
          (select array_agg(x order by x) from unnest(long_body) x) as lb, (select array_agg(x order by x) from unnest(long_header) x) as lh
        from mail.message_words order by message`)).rows,
      vocabulary: (await db.admin.query('select word from mail.search_words order by word')).rows.map((r) => r.word),
    });
    const built = await snapshot();
    assert.ok(built.rows.length > 100);
    const client = await db.admin.connect();
    try {
      // back to before 0012 (and 0013, which must run after it: its down migration first)
      await client.query(`alter table mail.mailbox_messages drop constraint mailbox_messages_pkey,
        add constraint mailbox_messages_pkey primary key (mailbox, uid)`);
      await client.query('drop table mail.message_words; drop table mail.search_words');
      await client.query(`delete from public.pgmigrations where name in ('0012_search-words', '0013_mailbox-rows-cover')`);
      assert.deepEqual(await migrate(client), ['0012_search-words', '0013_mailbox-rows-cover']);
    } finally {
      client.release();
    }
    const rebuilt = await snapshot();
    assert.deepEqual(rebuilt.rows, built.rows);
    // the vocabulary never forgets a word (a reparse and a purge above left some behind)
    assert.deepEqual(rebuilt.vocabulary.filter((w) => !built.vocabulary.includes(w)), []);
    assert.ok(rebuilt.vocabulary.includes('townspeople') && rebuilt.vocabulary.includes('zephyr'));
  });
});

