// RFC 5256 §2.1 base subject, step by step.

import assert from 'node:assert/strict';
import { baseSubject } from '../../frontend/mime/base-subject.ts';

describe('mime baseSubject (RFC 5256 §2.1)', () => {
  const cases: Array<[string, string, string]> = [
    ['plain subject', 'Hello world', 'Hello world'],
    ['empty', '', ''],
    // (1) whitespace
    ['tabs and runs of spaces', '  foo \t\t bar  ', 'foo bar'],
    ['folded subject', 'foo\r\n bar', 'foo bar'],
    // (2) subj-trailer
    ['trailing (fwd)', 'foo (fwd)', 'foo'],
    ['trailing (FWD) twice', 'foo (FWD) (fwd)', 'foo'],
    ['(fwd) without space', 'foo(fwd)', 'foo'],
    ['(fwd) in the middle stays', 'Re: foo (fwd) bar', 'foo (fwd) bar'],
    // (3) subj-leader / subj-refwd
    ['Re:', 'Re: foo', 'foo'],
    ['RE: upper case', 'RE: foo', 'foo'],
    ['re: without space', 're:foo', 'foo'],
    ['repeated Re:', 'Re: Re: re: foo', 'foo'],
    ['Re[2]:', 'Re[2]: foo', 'foo'],
    ['Re [2]:', 'Re [2]: foo', 'foo'],
    ['Re : with space before colon', 'Re : foo', 'foo'],
    ['Fwd:', 'Fwd: foo', 'foo'],
    ['Fw:', 'Fw: foo', 'foo'],
    ['FW:', 'FW: foo', 'foo'],
    ['mixed leaders', 'Re: Re[5]: Fwd:Re: hello', 'hello'],
    ['blob before refwd', '[list] Re: foo', 'foo'],
    ['blob glued to refwd', '[a]Re:b', 'b'],
    ['several blobs before refwd', '[a] [b] Re: foo', 'foo'],
    ['blob, refwd, blob, refwd', 'Re: [list] Re: foo', 'foo'],
    ['patch series', '[PATCH 1/2] Re: fix the thing', 'fix the thing'],
    ['Re: only', 'Re:', ''],
    ['Re: and (fwd) only', 'Re:   (fwd)', ''],
    // Not leaders
    ['Ref: is not Re:', 'Ref: foo', 'Ref: foo'],
    ['Reply: is not Re:', 'Reply: foo', 'Reply: foo'],
    ['Re without colon', 'Re foo', 'Re foo'],
    ['Fwd without colon', 'Fwd foo', 'Fwd foo'],
    ['non-ASCII look-alike', 'Rê: foo', 'Rê: foo'],
    // (4) subj-blob removed when text remains
    ['leading blob', '[list] foo', 'foo'],
    ['two leading blobs', '[a][b] c', 'c'],
    ['blob that is all there is', '[list]', '[list]'],
    ['two blobs and nothing else', '[a] [b]', '[b]'],
    ['blob after Re:', 'Re: [a]', '[a]'],
    ['trailing blob stays', 'foo [bar]', 'foo [bar]'],
    ['unclosed blob stays', '[list foo', '[list foo'],
    // (6) subj-fwd
    ['[fwd: ...]', '[fwd: foo]', 'foo'],
    ['[Fwd: Re: ...]', '[Fwd: Re: foo]', 'foo'],
    ['Re: [fwd: ...]', 'Re: [fwd: foo]', 'foo'],
    ['nested [fwd:]', 're: re: re: [fwd: [fwd: hello]]', 'hello'],
    ['Fwd: [fwd: ...] (fwd)', 'Fwd: [fwd: foo] (fwd)', 'foo'],
    ['[fwd: ...] followed by text is a blob', '[fwd: foo] bar', 'bar'],
    ['empty [fwd:]', '[fwd: ]', ''],
    ['unclosed [fwd:', '[fwd: foo', '[fwd: foo'],
    ['[fwd:] with trailer inside', '[Fwd: foo (fwd)]', 'foo'],
    // Case and non-ASCII text are kept
    ['keeps case', 'Re: HeLLo', 'HeLLo'],
    ['non-ASCII base', 'Re: Grüße aus Köln', 'Grüße aus Köln'],
    ['Fwd: with blob inside refwd', 'Fwd[3]: x', 'x'],
  ];
  for (const [what, input, expected] of cases) {
    it(`${what}: ${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(baseSubject(input), expected);
    });
  }

  it('is idempotent on its results', () => {
    for (const [, input] of cases) {
      const once = baseSubject(input);
      // A result that is a lone blob or "[fwd:"-looking text is stable too.
      assert.equal(baseSubject(once), once, input);
    }
  });

  it('copes with hostile subjects (linear scans; a quadratic one would run into the test timeout)', () => {
    assert.equal(baseSubject('[a]'.repeat(200000) + 'x'), 'x');
    assert.equal(baseSubject('Re: '.repeat(200000) + 'x'), 'x');
    assert.equal(baseSubject('[fwd: '.repeat(50000) + 'x' + ']'.repeat(50000)), 'x');
    assert.equal(baseSubject('['.repeat(200000)), '['.repeat(200000));
  });
});
