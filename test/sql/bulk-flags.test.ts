// The bulk shapes of FETCH and STORE: api.messages_fetch_cheap (one row of arrays per UID set),
// api.flags_store_runs (runs of UIDs, for .SILENT) and api.flags_store_chunks (new flags as
// chunks of arrays), checked against the row-per-message functions they stand in for.
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { inject, rawMessage } from '../helpers/inject.ts';

const BITS: Array<[number, string]> = [[1, '\\Seen'], [2, '\\Answered'], [4, '\\Flagged'], [8, '\\Deleted'], [16, '\\Draft']];

function decode(bits: number, keywords: string | undefined): string[] {
  return [...BITS.filter(([b]) => bits & b).map(([, f]) => f), ...(keywords ? keywords.split(' ') : [])];
}

describe('sql: bulk fetch and store shapes', () => {
  let db: TestDatabase;
  let alice: TestUser;

  before(async () => {
    db = await createTestDatabase();
    alice = await createUser(db.admin, 'alice');
    const flags = [[], ['\\Seen'], ['\\Answered', '\\Draft', 'Work'], [], ['\\Deleted', '$Label1', 'Work'], ['\\Flagged'], []];
    await inject(db.api, alice.id, flags.map((_, i) => rawMessage(`m${i}`)), flags.map((f, i) => ({ m: i + 1, b: alice.inbox, f })));
  });
  after(async () => { await db.drop(); });

  const cheap = async (set: string, changedSince: number | null = null) =>
    (await db.api.query('select * from api.messages_fetch_cheap($1, $2, $3, $4)', [alice.id, alice.inbox, set, changedSince])).rows[0];
  const rows = async (set: string) =>
    (await db.api.query(`select * from api.messages_fetch($1, $2, $3, '{}')`, [alice.id, alice.inbox, set])).rows;

  it('messages_fetch_cheap returns what messages_fetch does, as arrays in UID order', async () => {
    const c = await cheap('{[1,100)}');
    const r = await rows('{[1,100)}');
    assert.deepEqual(c.uids, r.map((x) => x.uid));
    assert.deepEqual(c.modseqs.map(Number), r.map((x) => Number(x.modseq)));
    assert.deepEqual(c.sizes, r.map((x) => x.size));
    assert.deepEqual(c.internaldates.map(Number), r.map((x) => Math.floor(x.internaldate.getTime() / 1000)));
    const kw = new Map<number, string>(c.kw_uids.map((u: number, i: number) => [u, c.kw_lists[i]]));
    assert.deepEqual(c.kw_uids, [3, 5]);
    assert.deepEqual(c.uids.map((u: number, i: number) => decode(c.flags[i], kw.get(u))), r.map((x) => x.flags));
  });

  it('messages_fetch_cheap honours the UID set and CHANGEDSINCE, and answers empty arrays for nothing', async () => {
    assert.deepEqual((await cheap('{[2,4),[6,7)}')).uids, [2, 3, 6]);
    const none = await cheap('{[50,60)}');
    assert.deepEqual([none.uids, none.flags, none.kw_uids, none.kw_lists], [[], [], [], []]);
    await db.api.query(`select * from api.flags_store($1, $2, '{[4,5)}', '+', array['\\Flagged'])`, [alice.id, alice.inbox]);
    const [{ modseq }] = (await rows('{[4,5)}'));
    const later = await cheap('{[1,100)}', Number(modseq) - 1);
    assert.deepEqual(later.uids, [4]);
  });

  it('flags_store_runs returns runs of changed UIDs with one modseq, and the runs failing UNCHANGEDSINCE', async () => {
    const before = await rows('{[1,100)}');
    // 2 is \Seen already: unchanged, so it splits the run
    const r = (await db.api.query(`select * from api.flags_store_runs($1, $2, '{[1,100)}', '+', array['\\Seen'])`,
      [alice.id, alice.inbox])).rows;
    assert.deepEqual(r.map((x) => [x.changed, x.lo, x.hi]), [[true, 1, 1], [true, 3, 7]]);
    assert.equal(new Set(r.map((x) => Number(x.modseq))).size, 1);
    const after = await rows('{[1,100)}');
    assert.ok(after.every((x) => x.flags.includes('\\Seen')));
    assert.equal(Number(after[1].modseq), Number(before[1].modseq));
    // UNCHANGEDSINCE below 6's modseq: 6 and 7 fail; 1…5 (changed with the last store) too
    const m = Number(r[0].modseq);
    await db.api.query(`select * from api.flags_store($1, $2, '{[6,8)}', '+', array['\\Answered'])`, [alice.id, alice.inbox]);
    const f = (await db.api.query(`select * from api.flags_store_runs($1, $2, '{[1,100)}', '-', array['\\Seen'], $3)`,
      [alice.id, alice.inbox, m])).rows;
    assert.deepEqual(f.map((x) => [x.changed, x.modseq === null ? null : 'n', x.lo, x.hi]),
      [[true, 'n', 1, 5], [false, null, 6, 7]]);
  });

  it('flags_store_chunks returns the new flags in chunks of arrays, then the failed UIDs', async () => {
    const m = Math.max(...(await rows('{[1,100)}')).map((x) => Number(x.modseq)));
    // 7 changes after m: it fails UNCHANGEDSINCE m
    await db.api.query(`select * from api.flags_store($1, $2, '{[7,8)}', '+', array['\\Flagged'])`, [alice.id, alice.inbox]);
    const c = (await db.api.query(`select * from api.flags_store_chunks($1, $2, '{[1,100)}', '+', array['Urgent'], $3, 3)`,
      [alice.id, alice.inbox, m])).rows;
    assert.deepEqual(c.map((x) => [x.changed, x.uids]), [[true, [1, 2, 3]], [true, [4, 5, 6]], [false, [7]]]);
    const after = await rows('{[1,100)}');
    for (const chunk of c.filter((x) => x.changed)) {
      const kw = new Map<number, string>(chunk.kw_uids.map((u: number, i: number) => [u, chunk.kw_lists[i]]));
      chunk.uids.forEach((u: number, i: number) => {
        assert.deepEqual(decode(chunk.flags[i], kw.get(u)), after[u - 1].flags);
        assert.equal(Number(chunk.modseq), Number(after[u - 1].modseq));
      });
    }
    assert.ok(!after[6].flags.includes('Urgent'));
  });

  it('mailbox_changes leaves out the rows of the modseqs the caller skips (its own statements)', async () => {
    const since = Math.max(...(await rows('{[1,100)}')).map((x) => Number(x.modseq)));
    const [own] = (await db.api.query(`select * from api.flags_store_runs($1, $2, '{[1,4)}', '+', array['Mine'])`, [alice.id, alice.inbox])).rows;
    await db.api.query(`select * from api.flags_store($1, $2, '{[5,6)}', '+', array['Theirs'])`, [alice.id, alice.inbox]);
    const changed = async (skip: number[] | null) => (await db.api.query(
      `select uid from api.mailbox_changes($1, $2, $3, $4) where kind = 'changed'`, [alice.id, alice.inbox, since, skip])).rows.map((r) => r.uid);
    assert.deepEqual(await changed([]), [1, 2, 3, 5]);
    assert.deepEqual(await changed(null), [1, 2, 3, 5]);
    assert.deepEqual(await changed([Number(own.modseq)]), [5]);
  });
});
