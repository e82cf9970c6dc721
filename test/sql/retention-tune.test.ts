import assert from 'node:assert/strict';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

interface PlanRow { step: number; action: string; index_name: string; statement: string }

describe('sql: admin.tune_plan and admin.tune', () => {
  let db: TestDatabase;
  beforeEach(async () => { db = await createTestDatabase(); });
  afterEach(async () => { await db.drop(); });

  const plan = async (mode: string) =>
    (await db.admin.query<PlanRow>('select * from admin.tune_plan($1) order by step', [mode])).rows;
  const present = async () =>
    (await db.admin.query<{ indexname: string }>(
      `select indexname from pg_indexes where schemaname = 'mail' and indexname like 'tune\\_%' order by 1`)).rows.map((r) => r.indexname);
  const runPlan = async (mode: string) => {
    for (const s of await plan(mode)) await db.admin.query(s.statement);  // each outside a transaction
  };

  it('builds the reading indexes concurrently, the trigram ones only for advanced-reading, and drops them again', async () => {
    assert.deepEqual(await present(), []);
    assert.deepEqual(await plan('mostly-writing'), []);
    const reading = await plan('mostly-reading');
    assert.ok(reading.length >= 10);
    assert.ok(reading.every((s) => s.action === 'create' && s.statement.startsWith('create index concurrently if not exists tune_')));
    await runPlan('mostly-reading');
    const afterReading = await present();
    assert.ok(afterReading.includes('tune_mailbox_messages_sort_subject'));
    assert.ok(afterReading.includes('tune_mailbox_messages_flagged'));
    assert.ok(!afterReading.some((n) => n.includes('trgm')));
    assert.deepEqual(await plan('mostly-reading'), [], 'a second run has nothing to do');

    const advanced = await plan('advanced-reading');
    assert.ok(advanced.length >= 5 && advanced.every((s) => s.index_name.includes('trgm')));
    await runPlan('advanced-reading');
    assert.ok((await present()).includes('tune_messages_trgm_body'));
    // the conditions SEARCH compiles (folded text, mail.search_sql) can now use the trigram indexes
    const client = await db.admin.connect();
    try {
      await client.query('set enable_seqscan = off');
      // (for TEXT and BODY a string whose words are too short to narrow: the word index answers a
      // single word alone and narrows a phrase by its longer words)
      const planOf = async (field: string) => {
        const cond = (await client.query<{ c: string }>('select mail.search_sql($1) as c',
          [JSON.stringify({ type: 'string', field, value: field === 'body' || field === 'text' ? 'Ne lE' : 'NeedLe in' })])).rows[0].c;
        return (await client.query(`explain select msg.id from mail.messages msg where ${cond}`)).rows
          .map((r) => r['QUERY PLAN']).join('\n');
      };
      assert.match(await planOf('body'), /tune_messages_trgm_body/);
      assert.match(await planOf('from'), /tune_messages_trgm_from/);
      assert.match(await planOf('subject'), /tune_messages_trgm_subject/);
      const text = await planOf('text');
      assert.match(text, /tune_messages_trgm_body/);
      assert.match(text, /tune_messages_trgm_headers/);
    } finally {
      client.release();
    }

    const back = await plan('mostly-reading');
    assert.ok(back.length >= 5 && back.every((s) => s.action === 'drop' && s.statement.startsWith('drop index concurrently')));
    await runPlan('mostly-writing');
    assert.deepEqual(await present(), []);
  });

  it('admin.tune applies a plan inside one transaction for psql users', async () => {
    const done = (await db.admin.query('select * from admin.tune($1)', ['advanced-reading'])).rows;
    assert.equal(done.length, (await db.admin.query('select * from admin.tune_status()')).rows.length);
    const status = (await db.admin.query('select index_name, present, valid from admin.tune_status()')).rows;
    assert.ok(status.every((s) => s.present && s.valid));
    await db.admin.query('select * from admin.tune($1)', ['mostly-writing']);
    assert.deepEqual(await present(), []);
  });

  it('rebuilds an index left invalid by an interrupted concurrent build', async () => {
    await runPlan('mostly-reading');
    // only a superuser can mark an index invalid, as a failed CREATE INDEX CONCURRENTLY leaves it
    const server = JSON.parse(process.env.AOX_TEST_SERVER ?? '{}') as { superuser: pg.ClientConfig };
    const su = new pg.Client({ ...server.superuser, database: db.name });
    await su.connect();
    try {
      await su.query(`update pg_index set indisvalid = false where indexrelid = 'mail.tune_messages_sort_to'::regclass`);
    } finally {
      await su.end();
    }
    const steps = await plan('mostly-reading');
    assert.deepEqual(steps.map((s) => [s.action, s.index_name]),
      [['drop', 'tune_messages_sort_to'], ['create', 'tune_messages_sort_to']]);
    await runPlan('mostly-reading');
    assert.deepEqual(await plan('mostly-reading'), []);
  });

  it('refuses unknown modes', async () => {
    await assert.rejects(plan('mostly-sleeping'), (e: { code?: string }) => e.code === 'AXBAD');
  });
});
