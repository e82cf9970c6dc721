// THREAD=ORDEREDSUBJECT (RFC 5256 §4), the reply/forward analysis of RFC 5256 §2.1 and the
// thread-list wire form (RFC 5256 §5).
import assert from 'node:assert/strict';
import { baseSubject } from '../../frontend/mime/base-subject.ts';
import { formatThreads, fromNodes, thread, toNodes, type ThreadNode } from '../../frontend/imap/threading/index.ts';
import { analyseSubject, subjectKey } from '../../frontend/imap/threading/subject.ts';
import { msg } from './thread-helpers.ts';

describe('THREAD=ORDEREDSUBJECT (RFC 5256 §4)', () => {
  const ordered = (m: ReturnType<typeof msg>[]) => formatThreads(thread('ORDEREDSUBJECT', m));

  it('groups by base subject, the first message as root and the rest as its children', () => {
    const m = [
      msg(1, { subject: 'alpha', date: 1 }),
      msg(2, { subject: 'beta', date: 2 }),
      msg(3, { subject: 'Re: alpha', date: 3 }),
      msg(4, { subject: 'RE: ALPHA', date: 4 }),
      msg(5, { subject: '[list] Re: beta', date: 5 }),
    ];
    assert.equal(ordered(m), '(1 (3)(4))(2 5)');
  });

  it('orders messages in a thread by sent date and threads by their first message', () => {
    const m = [
      msg(1, { subject: 'a', date: 30 }),
      msg(2, { subject: 'b', date: 20 }),
      msg(3, { subject: 'Re: a', date: 10 }),
      msg(4, { subject: 'Re: b', date: 25 }),
    ];
    assert.equal(ordered(m), '(3 1)(2 4)');
  });

  it('breaks sent-date ties by UID', () => {
    const m = [msg(4, { subject: 'x', date: 1 }), msg(2, { subject: 'x', date: 1 }), msg(3, { subject: 'y', date: 1 })];
    assert.equal(ordered(m), '(2 4)(3)');
  });

  it('ignores references', () => {
    assert.equal(ordered([msg(1, { subject: 'a' }), msg(2, { subject: 'b', refs: ['<1@test>'] })]), '(1)(2)');
  });

  it('puts all messages with an empty base subject in one thread', () => {
    assert.equal(ordered([msg(1, { subject: '' }), msg(2, { subject: 'x' }), msg(3, { subject: 'Re: ' })]), '(1 3)(2)');
  });

  it('compares subjects with i;ascii-casemap: ASCII case folds, other letters do not', () => {
    assert.equal(ordered([msg(1, { subject: 'Ärger' }), msg(2, { subject: 'äRGER' }), msg(3, { subject: 'ÄRGER' })]), '(1 3)(2)');
  });

  it('answers nothing for no messages', () => {
    assert.equal(ordered([]), '');
  });
});

describe('thread subjects (RFC 5256 §2.1)', () => {
  const cases: Array<[string, boolean]> = [
    ['plain', false], ['Re: x', true], ['RE:x', true], ['re [3]: x', true], ['Fwd: x', true], ['fw: x', true],
    ['x (fwd)', true], ['x (FWD)  ', true], ['[fwd: x]', true], ['[FWD: Re: x]', true], ['[list] x', false],
    ['[list] Re: x', true], ['[a][b] Fwd: x', true], ['Rex: y', false], ['Fwdx: y', false], ['Re', false],
    ['[list]', false], ['  spaced   out  ', false], ['Re: [fwd: x] (fwd)', true], ['x (fwd) y', false],
    ['[a] [b] c', false], ['Re: ', true], ['', false], ['Aw: x', false],
  ];
  for (const [subject, reply] of cases) {
    it(`${JSON.stringify(subject)}: ${reply ? 'reply or forward' : 'original'}, same base as the MIME library`, () => {
      const a = analyseSubject(subject);
      assert.equal(a.replyOrForward, reply);
      assert.equal(a.base, baseSubject(subject));
    });
  }

  it('takes linear time on hostile subjects', () => {
    const hostile = '[a]'.repeat(200_000) + ' Re:'.repeat(100_000) + ' x' + ' (fwd)'.repeat(100_000);
    const t = Date.now();
    const a = analyseSubject(hostile);
    assert.ok(Date.now() - t < 2000);
    assert.equal(a.base, 'x');
  });

  it('folds only ASCII letters for comparison', () => {
    assert.equal(subjectKey('abc xyz äö'), 'ABC XYZ äö');
  });
});

describe('thread lists (RFC 5256 §5)', () => {
  const n = (uid: number | null, ...children: ThreadNode[]): ThreadNode => ({ uid, children });
  const text = (nodes: ThreadNode[], number?: (uid: number) => number) => formatThreads(fromNodes(nodes), number);

  it('writes the RFC examples', () => {
    assert.equal(text([n(2), n(3, n(6, n(4, n(23)), n(44, n(7, n(96)))))]), '(2)(3 6 (4 23)(44 7 96))');
    assert.equal(text([n(null, n(3), n(5))]), '((3)(5))');
  });

  it('maps UIDs to sequence numbers for THREAD', () => {
    const msn = new Map([[10, 1], [20, 2], [30, 3]]);
    assert.equal(text([n(10, n(30)), n(20)], (u) => msn.get(u) as number), '(1 3)(2)');
  });

  it('continues the list with the only child of a dummy', () => {
    assert.equal(text([n(1, n(null, n(2)))]), '(1 2)');
  });

  it('writes trees deeper than the stack', () => {
    let root = n(200_000);
    for (let i = 199_999; i >= 1; i--) root = n(i, root, n(i + 1_000_000));
    const out = text([root]);
    assert.ok(out.startsWith('(1 (2 (3 (4 '));
    assert.ok(out.endsWith('(1000001))'));
  });

  it('turns results into nested objects and back', () => {
    const m = [msg(1, { subject: 'a' }), msg(2, { subject: 'Re: a', refs: ['<1@test>'] }), msg(3, { subject: 'b', refs: ['<x@y>'] }),
      msg(4, { subject: 'c', refs: ['<x@y>'] })];
    const nodes = toNodes(thread('REFERENCES', m));
    assert.deepEqual(nodes, [n(1, n(2)), n(null, n(3), n(4))]);
    assert.equal(text(nodes), formatThreads(thread('REFERENCES', m)));
  });
});
