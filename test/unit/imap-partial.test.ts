// PARTIAL windows (RFC 9394) over UID runs, and the ESEARCH data item.
import assert from 'node:assert/strict';
import { untagged } from '../../frontend/imap/compiler.ts';
import { partialData, partialOf } from '../../frontend/imap/partial.ts';
import { SequenceSet } from '../../frontend/imap/seqset.ts';

describe('imap PARTIAL windows', () => {
  const set = SequenceSet.parse('2:4,10,20:21');
  const at = (first: number, last: number) => partialOf(set, { first, last }).format();

  it('counts from the first member for positive ranges', () => {
    assert.equal(at(1, 1), '2');
    assert.equal(at(2, 4), '3:4,10');
    assert.equal(at(4, 100), '10,20:21');
    assert.equal(at(7, 9), '');
  });

  it('counts from the last member for negative ranges', () => {
    assert.equal(at(-1, -1), '21');
    assert.equal(at(-2, -4), '4,10,20');
    assert.equal(at(-5, -100), '2:3');
    assert.equal(at(-7, -9), '');
  });

  it('answers NIL when no message is at those positions', () => {
    const text = (v: ReturnType<typeof partialData>) => untagged(...v).toString().slice(2, -2);
    assert.equal(text(partialData({ first: 7, last: 9 }, SequenceSet.EMPTY)), 'PARTIAL (7:9 NIL)');
    assert.equal(text(partialData({ first: -1, last: -2 }, SequenceSet.parse('20:21'))), 'PARTIAL (-1:-2 20:21)');
    assert.equal(text(partialData({ first: 1, last: 3 }, '10,9,8')), 'PARTIAL (1:3 10,9,8)');
  });
});
