import assert from 'node:assert/strict';
import { ParseError } from '../../frontend/imap/parser.ts';
import { MAX_UINT32, SequenceSet, SequenceSetSpec, parseSequenceSet } from '../../frontend/imap/seqset.ts';
import { setFromRunsText } from '../../frontend/imap/uid-runs.ts';

function set(text: string): SequenceSet {
  return SequenceSet.parse(text);
}

describe('imap seqset: parseSequenceSet', () => {
  it('parses numbers, ranges and *', () => {
    const s = parseSequenceSet('1,3:5,7:*,*');
    assert.deepEqual(s.items, [
      [1, 1],
      [3, 5],
      [7, '*'],
      ['*', '*'],
    ]);
    assert.equal(s.isSaved, false);
    assert.equal(s.hasStar, true);
    assert.equal(s.highest, 7);
  });

  it('keeps reversed ranges as written', () => {
    assert.deepEqual(parseSequenceSet('5:2').items, [[5, 2]]);
    assert.deepEqual(parseSequenceSet('*:4').items, [['*', 4]]);
  });

  it('parses $ alone', () => {
    const s = parseSequenceSet('$');
    assert.equal(s.isSaved, true);
    assert.equal(s.toString(), '$');
    assert.equal(s.hasStar, false);
  });

  it('accepts the largest 32-bit number', () => {
    assert.equal(parseSequenceSet(String(MAX_UINT32)).highest, MAX_UINT32);
  });

  it('rejects malformed sets with ParseError', () => {
    for (const text of [
      '',
      '0',
      '01',
      '1:0',
      ',1',
      '1,',
      '1,,2',
      '1:',
      ':1',
      '1:2:3',
      '1::2',
      '**',
      '1*',
      '$,1',
      '1,$',
      '$$',
      '4294967296',
      '99999999999999',
      'a',
      '1-2',
      '1 2',
    ]) {
      assert.throws(() => parseSequenceSet(text), ParseError, text);
    }
  });

  it('toString() normalises the spelling', () => {
    assert.equal(parseSequenceSet('1:1,2:*').toString(), '1,2:*');
  });
});

describe('imap seqset: resolving', () => {
  it('substitutes max for *', () => {
    assert.equal(parseSequenceSet('1:*').resolve(10).format(), '1:10');
    assert.equal(parseSequenceSet('*').resolve(10).format(), '10');
    assert.equal(parseSequenceSet('*:3').resolve(10).format(), '3:10');
  });

  it('n:* with n beyond max is max:n (RFC 3501 §9)', () => {
    assert.equal(parseSequenceSet('5:*').resolve(3).format(), '3:5');
  });

  it('handles an empty mailbox', () => {
    assert.equal(parseSequenceSet('*').resolve(0).format(), '');
    assert.equal(parseSequenceSet('3:*').resolve(0).format(), '1:3');
  });

  it('sorts and merges', () => {
    assert.equal(parseSequenceSet('9,1:3,2:5,7,6,20:18').resolve(100).format(), '1:7,9,18:20');
  });

  it('$ resolves to the saved set, or nothing', () => {
    const saved = set('4,8');
    assert.equal(SequenceSetSpec.saved().resolve(100, saved), saved);
    assert.ok(parseSequenceSet('$').resolve(100).isEmpty);
  });

  it('never expands 1:* on a huge mailbox', () => {
    const s = parseSequenceSet('1:*').resolve(MAX_UINT32);
    assert.equal(s.rangeCount, 1);
    assert.equal(s.size, MAX_UINT32);
    assert.ok(s.contains(123456789));
    assert.throws(() => s.toArray(), RangeError);
  });
});

describe('imap seqset: SequenceSet', () => {
  it('fromNumbers sorts, dedupes and merges', () => {
    const s = SequenceSet.fromNumbers([5, 3, 4, 1, 1, 10, 9, 12]);
    assert.equal(s.format(), '1,3:5,9:10,12');
    assert.deepEqual(s.toArray(), [1, 3, 4, 5, 9, 10, 12]);
    assert.equal(s.size, 7);
    assert.equal(s.min, 1);
    assert.equal(s.max, 12);
  });

  it('fromRanges merges overlapping and adjacent ranges', () => {
    assert.equal(
      SequenceSet.fromRanges([
        [10, 12],
        [1, 3],
        [4, 4],
        [11, 20],
        [30, 25],
      ]).format(),
      '1:4,10:20,25:30',
    );
  });

  it('refuses non-positive or fractional members', () => {
    assert.throws(() => SequenceSet.fromNumbers([0]), RangeError);
    assert.throws(() => SequenceSet.fromNumbers([1.5]), RangeError);
    assert.throws(() => SequenceSet.fromRanges([[-1, 3]]), RangeError);
    assert.throws(() => SequenceSet.fromNumbers([NaN]), RangeError);
  });

  it('empty set', () => {
    const e = SequenceSet.EMPTY;
    assert.ok(e.isEmpty);
    assert.equal(e.size, 0);
    assert.equal(e.format(), '');
    assert.equal(e.min, undefined);
    assert.equal(e.max, undefined);
    assert.ok(!e.contains(1));
    assert.deepEqual([...e], []);
    assert.equal(SequenceSet.fromNumbers([]), SequenceSet.EMPTY);
  });

  it('contains() by binary search', () => {
    const s = set('2:4,10,20:30,40');
    const members = new Set(s.toArray());
    for (let n = 0; n <= 45; n++) assert.equal(s.contains(n), members.has(n), String(n));
  });

  it('iterates numbers and ranges in order', () => {
    const s = set('1:3,7');
    assert.deepEqual([...s], [1, 2, 3, 7]);
    assert.deepEqual([...s.ranges()], [
      [1, 3],
      [7, 7],
    ]);
    assert.deepEqual(s.toRanges(), [
      [1, 3],
      [7, 7],
    ]);
  });

  it('converts to and from SQL-shaped arrays', () => {
    const s = set('1:3,7,9:12');
    assert.deepEqual(s.toArrays(), { starts: [1, 7, 9], ends: [3, 7, 12] });
    assert.ok(SequenceSet.fromArrays([1, 7, 9], [3, 7, 12]).equals(s));
    assert.throws(() => SequenceSet.fromArrays([1], []), RangeError);
    assert.equal(s.toPgMultirange(), '{[1,4),[7,8),[9,13)}');
    assert.equal(SequenceSet.EMPTY.toPgMultirange(), '{}');
  });

  it('union', () => {
    assert.equal(set('1:3,10').union(set('4:5,8,11:12')).format(), '1:5,8,10:12');
    assert.equal(set('1').union(SequenceSet.EMPTY).format(), '1');
    assert.equal(SequenceSet.EMPTY.union(set('2')).format(), '2');
  });

  it('intersect', () => {
    assert.equal(set('1:10,20:30').intersect(set('5:25')).format(), '5:10,20:25');
    assert.equal(set('1:3').intersect(set('4:5')).format(), '');
    assert.equal(set('1,3,5').intersect(set('1:5')).format(), '1,3,5');
  });

  it('subtract', () => {
    assert.equal(set('1:10').subtract(set('3,5:6')).format(), '1:2,4,7:10');
    assert.equal(set('1:10').subtract(set('1:10')).format(), '');
    assert.equal(set('1:3,8:10').subtract(set('2:9')).format(), '1,10');
    assert.equal(set('5').subtract(set('1:3,7')).format(), '5');
    assert.equal(set('1:100').subtract(set('1,50,100')).format(), '2:49,51:99');
  });

  it('set operations agree with brute force', () => {
    // a small deterministic PRNG, so the test is repeatable
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const a = Array.from({ length: rnd(20) }, () => 1 + rnd(40));
      const b = Array.from({ length: rnd(20) }, () => 1 + rnd(40));
      const sa = SequenceSet.fromNumbers(a);
      const sb = SequenceSet.fromNumbers(b);
      const A = new Set(a);
      const B = new Set(b);
      const sorted = (xs: Iterable<number>): number[] => [...xs].sort((x, y) => x - y);
      assert.deepEqual(sa.union(sb).toArray(), sorted(new Set([...A, ...B])));
      assert.deepEqual(sa.intersect(sb).toArray(), sorted([...A].filter((x) => B.has(x))));
      assert.deepEqual(sa.subtract(sb).toArray(), sorted([...A].filter((x) => !B.has(x))));
      assert.ok(SequenceSet.parse(sa.format() || '1').equals(sa.isEmpty ? set('1') : sa));
    }
  });

  it('intersectRange clamps', () => {
    assert.equal(set('1:10,20').intersectRange(5, 15).format(), '5:10');
    assert.equal(set('1:10').intersectRange(0, 3).format(), '1:3');
    assert.equal(set('1:10').intersectRange(11, 20).format(), '');
    assert.equal(set('1:10').intersectRange(5, 4).format(), '');
    assert.equal(set('1:10').intersectRange(-5, 0).format(), '');
    const s = set('2:3');
    assert.equal(s.intersectRange(1, 100), s);
  });

  it('at() and slice() address members by position', () => {
    const s = set('1:3,10:12,20');
    assert.equal(s.at(0), 1);
    assert.equal(s.at(3), 10);
    assert.equal(s.at(6), 20);
    assert.equal(s.at(7), undefined);
    assert.equal(s.at(-1), undefined);
    assert.equal(s.slice(2, 5).format(), '3,10:11');
    assert.equal(s.slice(5).format(), '12,20');
    assert.equal(s.slice(0, 0).format(), '');
    assert.equal(s.slice(10, 20).format(), '');
  });

  it('SequenceSet.parse refuses * and $', () => {
    assert.throws(() => SequenceSet.parse('1:*'), ParseError);
    assert.throws(() => SequenceSet.parse('$'), ParseError);
    assert.equal(SequenceSet.parse('3:1').format(), '1:3');
  });

  it('range() and equals()', () => {
    assert.ok(SequenceSet.range(5, 1).equals(set('1:5')));
    assert.ok(!set('1:5').equals(set('1:4')));
    assert.equal(String(set('4,5,6')), '4:6');
  });
});

describe('imap seqset: scale', () => {
  it('parses a long list of single numbers (speed is measured by benchmarks, not here)', function () {
    this.timeout(10_000);
    const text = Array.from({ length: 200_000 }, (_, i) => String(i * 2 + 1)).join(',');
    const spec = parseSequenceSet(text);
    const resolved = spec.resolve(1);
    assert.equal(spec.items.length, 200_000);
    assert.equal(resolved.size, 200_000);
    assert.equal(resolved.rangeCount, 200_000);
    assert.ok(resolved.contains(399_999));
    assert.ok(!resolved.contains(400_000));
  });
});

describe('imap seqset: runs from SQL text (uid-runs.ts)', () => {
  it('reads "1:3,5,9:12" and the empty text', () => {
    assert.equal(setFromRunsText('1:3,5,9:12').format(), '1:3,5,9:12');
    assert.equal(setFromRunsText('7').format(), '7');
    assert.ok(setFromRunsText('').isEmpty);
    assert.throws(() => setFromRunsText('1:x'), RangeError);
  });

  it('joins adjacent runs and refuses runs out of order or overlapping', () => {
    assert.equal(setFromRunsText('1:3,4,6:7,8:9').format(), '1:4,6:9');
    assert.equal(SequenceSet.fromAscendingFlat([5, 5, 7, 9]).format(), '5,7:9');
    assert.throws(() => setFromRunsText('5,3'), RangeError);
    assert.throws(() => setFromRunsText('1:5,5:7'), RangeError);
    assert.throws(() => setFromRunsText('4:2'), RangeError);
    assert.throws(() => SequenceSet.fromAscendingFlat([1, 2, 3]), RangeError);
  });

  it('reads 150,000 runs in one pass', () => {
    const text = Array.from({ length: 150_000 }, (_, i) => (i % 3 === 0 ? `${4 * i + 1}:${4 * i + 2}` : String(4 * i + 1))).join(',');
    const set = setFromRunsText(text);
    assert.equal(set.rangeCount, 150_000);
    assert.equal(set.size, 200_000);
  });
});
