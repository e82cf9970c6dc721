// The MSN↔UID map: runs of consecutive UIDs, binary search, compact after expunges.
import assert from 'node:assert/strict';
import { MsnMap } from '../../frontend/imap/msn-map.ts';
import { SequenceSet } from '../../frontend/imap/seqset.ts';

describe('imap msn map', () => {
  it('maps MSNs to UIDs and back across runs', () => {
    const m = MsnMap.fromRuns([[1, 3], [7, 7], [10, 12]]);
    assert.equal(m.size, 7);
    assert.equal(m.runCount, 3);
    assert.equal(m.maxUid, 12);
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((n) => m.uidAt(n)), [1, 2, 3, 7, 10, 11, 12]);
    assert.deepEqual([1, 3, 4, 7, 10, 12, 13].map((u) => m.msnOf(u)), [1, 3, 0, 4, 5, 7, 0]);
    assert.equal(m.uidAt(0), 0);
    assert.equal(m.uidAt(8), 0);
    assert.equal(m.uidsOfMsns(SequenceSet.parse('3:5,7')).format(), '3,7,10,12');
    assert.equal(m.msnsOfUids(SequenceSet.parse('2:10')).format(), '2:5');
    assert.equal(m.existing(SequenceSet.parse('1:100')).format(), '1:3,7,10:12');
    assert.deepEqual([...m.entries(SequenceSet.parse('3:10'))], [[3, 3], [7, 4], [10, 5]]);
  });

  it('appends new UIDs, extending the last run when they follow it', () => {
    const m = MsnMap.fromRuns([[1, 5]]);
    m.appendRun(6, 8);
    assert.equal(m.runCount, 1);
    m.appendRun(10, 10);
    assert.equal(m.runCount, 2);
    assert.equal(m.msnOf(10), 9);
    assert.throws(() => m.appendRun(9, 9), RangeError);
  });

  it('removes UIDs, returning the MSNs they had, and stays compact', () => {
    const m = MsnMap.fromRuns([[1, 10]]);
    const msns = m.remove(SequenceSet.parse('2,4:5,20'));
    assert.equal(msns.format(), '2,4:5');
    assert.equal(m.size, 7);
    assert.deepEqual(m.allUids().format(), '1,3,6:10');
    assert.equal(m.runCount, 3);
    assert.equal(m.uidAt(3), 6);
    m.remove(SequenceSet.parse('1:10'));
    assert.equal(m.size, 0);
    assert.equal(m.maxUid, 0);
    assert.equal(m.uidAt(1), 0);
  });

  it('knows when every UID is its own MSN', () => {
    assert.equal(new MsnMap().isIdentity, true);
    const m = MsnMap.fromRuns([[1, 5]]);
    assert.equal(m.isIdentity, true);
    m.remove(SequenceSet.parse('5'));
    assert.equal(m.isIdentity, true);
    m.appendRun(7, 7);
    assert.equal(m.isIdentity, false);
    assert.equal(MsnMap.fromRuns([[2, 5]]).isIdentity, false);
    const n = MsnMap.fromRuns([[1, 3]]);
    n.remove(SequenceSet.parse('1'));
    assert.equal(n.isIdentity, false);
  });

  it('holds a million messages in one run and answers quickly with many runs', () => {
    const big = MsnMap.fromRuns([[1, 1_000_000]]);
    assert.equal(big.size, 1_000_000);
    assert.equal(big.runCount, 1);
    assert.equal(big.uidAt(999_999), 999_999);
    const runs: Array<[number, number]> = [];
    for (let i = 0; i < 100_000; i++) runs.push([i * 3 + 1, i * 3 + 2]);
    const m = MsnMap.fromRuns(runs);
    const t = Date.now();
    let sum = 0;
    for (let i = 1; i <= 200_000; i += 7) sum += m.uidAt(i) - m.msnOf(m.uidAt(i));
    assert.ok(sum > 0);
    assert.ok(Date.now() - t < 1000);
    assert.equal(m.uidsOfMsns(SequenceSet.parse('1:*'.replace('*', '200000'))).size, 200_000);
  });
});
