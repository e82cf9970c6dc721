// CONTEXT=SORT's positional arithmetic (frontend/imap/sort-context.ts): the pairs it writes, applied
// the way RFC 5267 §4.3.3/§4.3.4 tells a client to apply them, must give the server's new order.
// The sort criteria here are a pseudo-random key per UID; the database's part is tested in
// test/integration/imap-partial-context.test.ts.
import assert from 'node:assert/strict';
import {
  additionPairs, orderedSequenceSet, placeJoiners, type PositionPair, removeFromOrder, sequentialPositions,
} from '../../frontend/imap/sort-context.ts';

/** A client applying pairs to its list, in the order they appear. */
function applyRemovals(list: number[], pairs: readonly PositionPair[]): number[] {
  const out = [...list];
  for (const [position, members] of pairs) {
    assert.deepEqual(out.slice(position - 1, position - 1 + members.length), members, `members at ${position}`);
    out.splice(position - 1, members.length);
  }
  return out;
}
function applyAdditions(list: number[], pairs: readonly PositionPair[]): number[] {
  const out = [...list];
  for (const [position, members] of pairs) {
    assert.ok(position >= 1 && position <= out.length + 1, `position ${position} of ${out.length}`);
    out.splice(position - 1, 0, ...members);
  }
  return out;
}

/** A sort key per UID that is not the UID order (ties broken by UID, as RFC 5256 says). */
const keyOf = (uid: number) => (uid * 7919) % 1009;
const byKey = (a: number, b: number) => keyOf(a) - keyOf(b) || a - b;

describe('imap CONTEXT=SORT positions', () => {
  it('writes ordered sets with ranges only where numbers ascend by one', () => {
    assert.equal(orderedSequenceSet([4, 5, 6, 2, 9, 8]), '4:6,2,9,8');
    assert.equal(orderedSequenceSet([]), '');
  });

  it('removes runs from the last position to the first', () => {
    const order = [10, 3, 7, 1, 8, 2, 5];
    const { order: kept, pairs } = removeFromOrder(order, new Set([3, 7, 2, 10]));
    assert.deepEqual(kept, [1, 8, 5]);
    assert.deepEqual(pairs, [[6, [2]], [1, [10, 3, 7]]]);
    assert.deepEqual(applyRemovals(order, pairs), kept);
  });

  it('counts sequential removals in the order the earlier ones left', () => {
    const order = [10, 3, 7, 1, 8, 2, 5];
    // EXPUNGE order is ascending UID: 2 (at 6), 3 (at 2), 7 (now at 2), 10 (at 1)
    const positions = sequentialPositions(order, [2, 3, 7, 10]);
    assert.deepEqual(positions, [6, 2, 2, 1]);
    let list = [...order];
    [2, 3, 7, 10].forEach((u, i) => {
      list = applyRemovals(list, [[positions[i], [u]]]);
    });
    assert.deepEqual(list, [1, 8, 5]);
  });

  it('adds runs from the first position to the last', () => {
    const merged = [4, 10, 3, 9, 11, 7, 12];
    const pairs = additionPairs(merged, new Set([4, 9, 11, 12]));
    assert.deepEqual(pairs, [[1, [4]], [4, [9, 11]], [7, [12]]]);
    assert.deepEqual(applyAdditions([10, 3, 7], pairs), merged);
  });

  for (const [name, size, joiners] of [['a small result, sorted whole', 300, 40], ['a large result, narrowed by sampling', 20_000, 57],
    ['many joiners, sorted whole', 6_000, 400]] as const) {
    it(`places joiners exactly: ${name}`, async () => {
      const all = Array.from({ length: size + joiners }, (_, i) => i + 1);
      const joining = all.filter((u) => u % Math.floor((size + joiners) / joiners) === 0).slice(0, joiners);
      const isJoiner = new Set(joining);
      const order = all.filter((u) => !isJoiner.has(u)).sort(byKey);
      const calls: number[] = [];
      const merged = await placeJoiners(order, joining, async (uids) => {
        calls.push(uids.length);
        return [...uids].sort(byKey);
      });
      assert.deepEqual(merged, [...all].sort(byKey));
      assert.deepEqual(applyAdditions(order, additionPairs(merged, isJoiner)), merged);
      if (size === 20_000) {
        // four rounds of at most 64 samples per joiner, never the whole result
        assert.ok(calls.length <= 4, `${calls.length} calls`);
        assert.ok(Math.max(...calls) <= joiners * 65, `${Math.max(...calls)} sorted at once`);
      } else {
        assert.deepEqual(calls, [size + joiners]);
      }
    });
  }

  it('places joiners next to each other in their own order when they fall in one slot', async () => {
    const order = Array.from({ length: 5000 }, (_, i) => (i + 1) * 10);
    const joining = [25, 21, 23, 50001];
    const merged = await placeJoiners(order, joining, async (uids) => [...uids].sort((a, b) => a - b));
    assert.deepEqual(merged.slice(0, 6), [10, 20, 21, 23, 25, 30]);
    assert.equal(merged.at(-1), 50001);
  });

  it('keeps a member the database no longer has, and puts a vanished joiner last', async () => {
    const order = Array.from({ length: 5000 }, (_, i) => (i + 1) * 10);
    const gone = new Set([24990, 25000, 25010, 70001]);
    const merged = await placeJoiners(order, [25001, 70001], async (uids) =>
      [...uids].filter((u) => !gone.has(u)).sort((a, b) => a - b));
    assert.equal(merged.length, 5002);
    assert.deepEqual(merged.filter((u) => u % 10 === 0), order);
    const at = merged.indexOf(25001);
    assert.ok(merged[at - 1] >= 24980 && merged[at + 1] <= 25020, `${merged[at - 1]} 25001 ${merged[at + 1]}`);
    assert.equal(merged.at(-1), 70001);
  });
});
