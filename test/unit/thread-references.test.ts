// THREAD=REFERENCES (RFC 5256 §4) and THREAD=REFS: the algorithm step by step, on hand-made
// messages, checked through the wire form of the result.
import assert from 'node:assert/strict';
import { formatThreads, thread } from '../../frontend/imap/threading/index.ts';
import type { ThreadAlgorithm, ThreadMessage } from '../../frontend/imap/threading/types.ts';
import { id, msg } from './thread-helpers.ts';

const refs = (messages: ThreadMessage[]) => formatThreads(thread('REFERENCES', messages));
const refs2 = (messages: ThreadMessage[]) => formatThreads(thread('REFS', messages));

describe('THREAD=REFERENCES (RFC 5256 §4)', () => {
  it('builds the tree of the RFC example "(2)(3 6 (4 23)(44 7 96))"', () => {
    const m = [
      msg(2, { subject: 'a' }),
      msg(3, { subject: 'b' }),
      msg(4, { subject: 'Re: b', refs: [id(3), id(6)] }),
      msg(6, { subject: 'Re: b', refs: [id(3)] }),
      msg(7, { subject: 'Re: b', refs: [id(3), id(6), id(44)] }),
      msg(23, { subject: 'Re: b', refs: [id(3), id(6), id(4)] }),
      msg(44, { subject: 'Re: b', refs: [id(3), id(6)] }),
      msg(96, { subject: 'Re: b', refs: [id(3), id(6), id(44), id(7)] }),
    ];
    assert.equal(refs(m), '(2)(3 6 (4 23)(44 7 96))');
  });

  it('keeps a dummy root holding several children: "((3)(5))"', () => {
    const m = [msg(3, { subject: 'x', refs: ['<gone@test>'] }), msg(5, { subject: 'y', refs: ['<gone@test>'] })];
    assert.equal(refs(m), '((3)(5))');
  });

  it('promotes the only child of a dummy root', () => {
    assert.equal(refs([msg(1, { refs: ['<gone@test>'] }), msg(2)]), '(1)(2)');
  });

  it('splices the children of a dummy below the root into its place (missing parents in the middle)', () => {
    // 1 <- (missing m) <- 2, 3: 2 and 3 become children of 1
    const m = [
      msg(1, { subject: 'a' }),
      msg(2, { subject: 'Re: a', refs: [id(1), '<m@test>'] }),
      msg(3, { subject: 'Re: a', refs: [id(1), '<m@test>'] }),
    ];
    assert.equal(refs(m), '(1 (2)(3))');
  });

  it('drops chains of dummies', () => {
    const m = [msg(1, { refs: ['<a@x>', '<b@x>', '<c@x>'] }), msg(2, { refs: ['<a@x>', '<b@x>', '<d@x>'] })];
    // 1 and 2 share the dummy ancestors a/b: one thread under a dummy (subjects differ)
    assert.equal(refs(m), '((1)(2))');
  });

  it('uses the first In-Reply-To id only when there is no References field', () => {
    const m = [
      msg(1), msg(2),
      msg(3, { irt: [id(2), id(1)] }),
      msg(4, { irt: [id(2)], refs: [id(1)] }),
    ];
    assert.equal(refs(m), '(1 4)(2 3)');
  });

  it('lets the first of several messages with the same Message-ID keep it, the others get unique ones', () => {
    const m = [
      msg(1, { id: '<dup@x>', subject: 'one' }),
      msg(2, { id: '<dup@x>', subject: 'two' }),
      msg(3, { subject: 'Re: one', refs: ['<dup@x>'] }),
    ];
    assert.equal(refs(m), '(1 3)(2)');
  });

  it('fills a dummy with the message that arrives later under its id', () => {
    const m = [msg(1, { subject: 'Re: p', refs: ['<p@x>'] }), msg(2, { id: '<p@x>', subject: 'p' })];
    assert.equal(refs(m), '(2 1)');
  });

  it('gives messages without Message-ID a thread of their own', () => {
    const m = [msg(1, { id: null, subject: 'a' }), msg(2, { id: null, subject: 'b' })];
    assert.equal(refs(m), '(1)(2)');
  });

  it('compares Message-IDs case-sensitively', () => {
    assert.equal(refs([msg(1, { id: '<A@x>', subject: 'a' }), msg(2, { refs: ['<a@x>'], subject: 'b' })]), '(1)(2)');
  });

  it('refuses links that would make a loop (two messages referencing each other)', () => {
    const m = [msg(1, { subject: 'a', refs: [id(2)] }), msg(2, { subject: 'b', refs: [id(1)] })];
    // 1 becomes a child of 2 (step 1.B of message 1); message 2 cannot then become 1's child
    assert.equal(refs(m), '(2 1)');
  });

  it('refuses loops hidden in References chains', () => {
    const m = [
      msg(1, { subject: 'a', refs: ['<x@x>', '<y@x>'] }),
      msg(2, { subject: 'b', refs: ['<y@x>', '<x@x>'] }),
      msg(3, { subject: 'c', refs: [id(3), id(1), id(3)] }),
    ];
    const out = refs(m);
    for (const uid of [1, 2, 3]) assert.equal(out.match(new RegExp(`\\b${uid}\\b`, 'g'))?.length, 1, out);
  });

  it('ignores a message referencing itself', () => {
    assert.equal(refs([msg(1, { refs: [id(1)] })]), '(1)');
    assert.equal(refs([msg(1, { subject: 'a' }), msg(2, { subject: 'Re: a', refs: [id(1), id(2)] })]), '(1 2)');
  });

  it('replaces a parent guessed from a truncated References field by the message\'s own last reference', () => {
    const m = [
      msg(1, { subject: 'a' }),
      msg(2, { subject: 'Re: c', refs: [id(1), id(3)] }), // says 3 is a child of 1
      msg(3, { subject: 'c', refs: ['<b@x>'] }), // but 3's own parent is b (missing)
    ];
    assert.equal(refs(m), '(1)(3 2)');
  });

  it('makes a message with no references a root even if another made it a child', () => {
    const m = [msg(1, { subject: 'a' }), msg(2, { subject: 'Re: b', refs: [id(1), id(3)] }), msg(3, { subject: 'b' })];
    assert.equal(refs(m), '(1)(3 2)');
  });

  it('orders siblings and threads by sent date, not by UID', () => {
    const m = [
      msg(1, { subject: 'late', date: 100 }),
      msg(2, { subject: 'early', date: 10 }),
      msg(3, { subject: 'Re: early', refs: [id(2)], date: 50 }),
      msg(4, { subject: 'Re: early', refs: [id(2)], date: 20 }),
    ];
    assert.equal(refs(m), '(2 (4)(3))(1)');
  });

  it('breaks sent-date ties by UID (sequence order)', () => {
    const m = [
      msg(5, { subject: 'e', date: 1 }), msg(3, { subject: 'c', date: 1 }),
      msg(4, { subject: 'Re: c', refs: [id(3)], date: 2 }), msg(6, { subject: 'Re: c', refs: [id(3)], date: 2 }),
    ];
    assert.equal(refs(m), '(3 (4)(6))(5)');
  });

  it('orders a dummy-rooted thread by its first child\'s date', () => {
    const m = [
      msg(1, { subject: 'one', date: 30 }),
      msg(2, { subject: 'x', refs: ['<gone@x>'], date: 50 }),
      msg(3, { subject: 'y', refs: ['<gone@x>'], date: 20 }),
    ];
    assert.equal(refs(m), '((3)(2))(1)');
  });

  describe('step 5: threads with the same base subject', () => {
    it('puts a reply under the thread of the original (Re:, case-insensitive)', () => {
      assert.equal(refs([msg(1, { subject: 'Re: Hello' }), msg(2, { subject: 'HELLO' })]), '(2 1)');
    });

    it('treats Fwd:, Fw: and a (fwd) trailer as forwards', () => {
      assert.equal(refs([msg(1, { subject: 'Fwd: plan' }), msg(2, { subject: 'plan' }), msg(3, { subject: 'plan (fwd)' }),
        msg(4, { subject: 'FW: plan' })]), '(2 (1)(3)(4))');
    });

    it('treats a [fwd: …] wrapper as a forward', () => {
      assert.equal(refs([msg(1, { subject: '[fwd: plan]' }), msg(2, { subject: 'plan' })]), '(2 1)');
    });

    it('does not count a [list] tag as a reply', () => {
      assert.equal(refs([msg(1, { subject: '[list] plan' }), msg(2, { subject: 'plan' })]), '((1)(2))');
    });

    it('joins two originals with the same subject under a new dummy', () => {
      assert.equal(refs([msg(1, { subject: 'report' }), msg(2, { subject: 'report' }), msg(3, { subject: 'other' })]),
        '((1)(2))(3)');
    });

    it('joins two replies with the same subject under a new dummy', () => {
      assert.equal(refs([msg(1, { subject: 'Re: x' }), msg(2, { subject: 'Re: x' })]), '((1)(2))');
    });

    it('adds messages to a dummy thread with the same subject', () => {
      const m = [
        msg(1, { subject: 'topic', refs: ['<gone@x>'] }),
        msg(2, { subject: 'Re: topic', refs: ['<gone@x>'] }),
        msg(3, { subject: 'topic' }),
        msg(4, { subject: 'Re: topic' }),
      ];
      assert.equal(refs(m), '((1)(2)(3)(4))');
    });

    it('merges two dummy threads with the same subject', () => {
      const m = [
        msg(1, { subject: 'topic', refs: ['<a@x>'] }), msg(2, { subject: 'Re: topic', refs: ['<a@x>'] }),
        msg(3, { subject: 'topic', refs: ['<b@x>'] }), msg(4, { subject: 'Re: topic', refs: ['<b@x>'] }),
      ];
      assert.equal(refs(m), '((1)(2)(3)(4))');
    });

    it('uses the subject of the thread\'s first message, not of its replies', () => {
      const m = [
        msg(1, { subject: 'alpha' }),
        msg(2, { subject: 'Re: beta', refs: [id(1)] }),
        msg(3, { subject: 'beta' }),
      ];
      assert.equal(refs(m), '(1 2)(3)');
    });

    it('never merges on an empty base subject', () => {
      assert.equal(refs([msg(1, { subject: '' }), msg(2, { subject: 'Re:' }), msg(3, { subject: '   ' })]), '(1)(2)(3)');
    });

    it('keeps the merged thread in date order among the others', () => {
      const m = [
        msg(1, { subject: 'b', date: 5 }), msg(2, { subject: 'a', date: 1 }), msg(3, { subject: 'Re: b', date: 2 }),
      ];
      // "Re: b" (date 2) joins "b" (date 5) as its child; threads ordered by the root's date
      assert.equal(refs(m), '(2)(1 3)');
    });
  });

  it('threads a reply chain 100,000 messages deep without running out of stack', () => {
    const n = 100_000;
    const m: ThreadMessage[] = [];
    for (let i = 1; i <= n; i++) m.push(msg(i, { subject: i === 1 ? 's' : 'Re: s', refs: i === 1 ? [] : [id(i - 1)] }));
    const out = refs(m);
    assert.ok(out.startsWith('(1 2 3 '));
    assert.ok(out.endsWith(` ${n - 1} ${n})`));
    // and delivered newest first (the reply with the highest UID is the oldest message), where
    // every message fills a dummy its reply made
    const reversed = formatThreads(thread('REFERENCES', m.map((x) => ({ ...x, uid: n + 1 - x.uid }))));
    assert.equal(reversed, `(${Array.from({ length: n }, (_, i) => n - i).join(' ')})`);
  });

  it('gives every searched message exactly once', () => {
    let seed = 7;
    const rand = (k: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % k; };
    const m: ThreadMessage[] = [];
    for (let i = 1; i <= 2000; i++) {
      const r: string[] = [];
      for (let j = rand(4); j > 0; j--) r.push(id(rand(2500) + 1));
      m.push(msg(i, { subject: ['a', 'Re: a', 'b', 'Fwd: b', ''][rand(5)], refs: r, date: rand(50), id: rand(10) === 0 ? id(rand(2000) + 1) : undefined }));
    }
    for (const alg of ['REFERENCES', 'REFS', 'ORDEREDSUBJECT'] as ThreadAlgorithm[]) {
      const out = formatThreads(thread(alg, m));
      const numbers = out.match(/\d+/g)?.map(Number).sort((a, b) => a - b);
      assert.deepEqual(numbers, m.map((x) => x.uid), alg);
      assert.doesNotMatch(out, /\(\)|\( | \)| {2}/, alg);
    }
  });
});

describe('THREAD=REFS (draft-ietf-morg-inthread)', () => {
  it('links by references like REFERENCES', () => {
    const m = [msg(1, { subject: 'a' }), msg(2, { subject: 'Re: a', refs: [id(1)] }), msg(3, { subject: 'Re: a', refs: [id(1), id(2)] })];
    assert.equal(refs2(m), '(1 2 3)');
  });

  it('does not merge threads by subject', () => {
    assert.equal(refs2([msg(1, { subject: 'Re: Hello' }), msg(2, { subject: 'Hello' })]), '(1)(2)');
  });

  it('orders threads by their newest message, the most recently active last', () => {
    const m = [
      msg(1, { subject: 'old thread', date: 1 }),
      msg(2, { subject: 'newer thread', date: 2 }),
      msg(3, { subject: 'Re: old thread', refs: [id(1)], date: 10 }),
      msg(4, { subject: 'single', date: 5 }),
    ];
    assert.equal(refs2(m), '(2)(4)(1 3)');
  });

  it('keeps siblings in sent-date order and breaks thread ties by the first message\'s UID', () => {
    const m = [
      msg(2, { subject: 'x', date: 1 }), msg(1, { subject: 'y', date: 1 }),
      msg(3, { refs: [id(2)], date: 9 }), msg(4, { refs: [id(2)], date: 3 }),
      msg(5, { refs: [id(1)], date: 9 }),
    ];
    assert.equal(refs2(m), '(1 5)(2 (4)(3))');
  });

  it('keeps dummy roots holding several children', () => {
    assert.equal(refs2([msg(1, { refs: ['<gone@x>'] }), msg(2, { refs: ['<gone@x>'] })]), '((1)(2))');
  });
});
