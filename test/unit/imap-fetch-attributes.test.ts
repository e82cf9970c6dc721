import assert from 'node:assert/strict';
import {
  fetchItemLabel,
  fetchNeedsMessageBytes,
  fetchSetsSeen,
  formatSection,
  parseFetch,
  parseFetchAttribute,
  parseFetchAttributes,
} from '../../frontend/imap/grammar/fetch-attributes.ts';
import { Cursor, ParseError } from '../../frontend/imap/parser.ts';
import type { FetchAttribute, FetchRequest } from '../../frontend/imap/types.ts';

function fetch(args: string): FetchRequest {
  const c = new Cursor(args);
  const r = parseFetch(c);
  c.end();
  return r;
}

function atts(args: string): FetchAttribute[] {
  return fetch(args).attributes;
}

function bad(args: string, message?: RegExp): void {
  assert.throws(
    () => fetch(args),
    (e: unknown) => {
      assert.ok(e instanceof ParseError, `${args}: expected ParseError, got ${String(e)}`);
      if (message) assert.match(e.message, message);
      return true;
    },
  );
}

describe('imap fetch attributes: simple items', () => {
  const simple: Array<[string, FetchAttribute['type']]> = [
    ['ENVELOPE', 'envelope'],
    ['FLAGS', 'flags'],
    ['INTERNALDATE', 'internaldate'],
    ['RFC822', 'rfc822'],
    ['RFC822.HEADER', 'rfc822.header'],
    ['RFC822.SIZE', 'rfc822.size'],
    ['RFC822.TEXT', 'rfc822.text'],
    ['BODY', 'body'],
    ['BODYSTRUCTURE', 'bodystructure'],
    ['UID', 'uid'],
    ['MODSEQ', 'modseq'],
    ['EMAILID', 'emailid'],
    ['THREADID', 'threadid'],
    ['SAVEDATE', 'savedate'],
  ];
  for (const [name, type] of simple) {
    it(`${name} alone, in a list and in lower case`, () => {
      assert.deepEqual(atts(name), [{ type }]);
      assert.deepEqual(atts(`(${name})`), [{ type }]);
      assert.deepEqual(atts(name.toLowerCase()), [{ type }]);
    });
  }
});

describe('imap fetch attributes: macros', () => {
  it('FAST, ALL and FULL expand', () => {
    assert.deepEqual(atts('FAST'), [{ type: 'flags' }, { type: 'internaldate' }, { type: 'rfc822.size' }]);
    assert.deepEqual(atts('all'), [{ type: 'flags' }, { type: 'internaldate' }, { type: 'rfc822.size' }, { type: 'envelope' }]);
    assert.deepEqual(atts('FULL'), [
      { type: 'flags' },
      { type: 'internaldate' },
      { type: 'rfc822.size' },
      { type: 'envelope' },
      { type: 'body' },
    ]);
  });

  it('macros cannot be in a list', () => {
    bad('(ALL)', /cannot be used in a list/);
    bad('(FLAGS FAST)', /cannot be used in a list/);
  });

  it('expansions are fresh objects', () => {
    const a = atts('ALL');
    (a[0] as { type: string }).type = 'changed';
    assert.equal(atts('ALL')[0].type, 'flags');
  });
});

describe('imap fetch attributes: sections', () => {
  it('BODY[] and BODY.PEEK[]', () => {
    assert.deepEqual(atts('BODY[]'), [{ type: 'section', peek: false, section: { part: [], text: null, fields: [] }, partial: null }]);
    assert.deepEqual(atts('BODY.PEEK[]'), [{ type: 'section', peek: true, section: { part: [], text: null, fields: [] }, partial: null }]);
  });

  it('sections with parts, text and partials', () => {
    assert.deepEqual(atts('BODY[1.2.TEXT]<10.20>'), [
      { type: 'section', peek: false, section: { part: [1, 2], text: 'TEXT', fields: [] }, partial: { offset: 10, length: 20 } },
    ]);
    assert.deepEqual(atts('body.peek[header.fields (From Subject)]'), [
      { type: 'section', peek: true, section: { part: [], text: 'HEADER.FIELDS', fields: ['From', 'Subject'] }, partial: null },
    ]);
  });

  it('a typical Thunderbird FETCH', () => {
    const a = atts('(UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To)])');
    assert.equal(a.length, 4);
    assert.equal(a[3].type, 'section');
    if (a[3].type === 'section') assert.equal(a[3].section.fields.length, 14);
  });

  it('BINARY, BINARY.PEEK and BINARY.SIZE', () => {
    assert.deepEqual(atts('BINARY[1]'), [{ type: 'binary', peek: false, part: [1], partial: null }]);
    assert.deepEqual(atts('BINARY.PEEK[1.2]<0.1024>'), [{ type: 'binary', peek: true, part: [1, 2], partial: { offset: 0, length: 1024 } }]);
    assert.deepEqual(atts('BINARY.SIZE[3]'), [{ type: 'binary.size', part: [3] }]);
    assert.deepEqual(atts('BINARY[]'), [{ type: 'binary', peek: false, part: [], partial: null }]);
  });

  it('rejects malformed sections and items', () => {
    bad('BODY.PEEK', /Expected "\["/);
    bad('BINARY', /Expected "\["/);
    bad('BINARY[TEXT]');
    bad('BINARY.SIZE[1]<0.5>');
    bad('BODY[MIME]');
    bad('BODY[1]<0.0>');
    bad('BODY[1]<5>');
    bad('BODY[HEADER.FIELDS ()]');
    bad('BODY [1]');
    bad('RFC822.FOO', /Unknown fetch attribute/);
    bad('FLAGSX', /Unknown fetch attribute/);
    bad('X-GM-LABELS', /Unknown fetch attribute/);
    bad('"FLAGS"');
    bad('()');
    bad('(FLAGS');
    bad('(FLAGS  UID)');
    bad('FLAGS UID');
    bad('');
    bad('BODY[]]');
  });
});

describe('imap fetch attributes: lists and modifiers', () => {
  it('keeps order and drops exact duplicates', () => {
    assert.deepEqual(atts('(UID FLAGS UID BODY[1] BODY[1] BODY.PEEK[1])').map(fetchItemLabel), ['UID', 'FLAGS', 'BODY[1]', 'BODY[1]']);
  });

  it('CHANGEDSINCE and VANISHED', () => {
    assert.deepEqual(fetch('(FLAGS) (CHANGEDSINCE 12345)'), {
      attributes: [{ type: 'flags' }],
      changedSince: 12345n,
      vanished: false,
      partial: null,
    });
    assert.deepEqual(fetch('FLAGS (changedsince 9223372036854775807 vanished)'), {
      attributes: [{ type: 'flags' }],
      changedSince: 9223372036854775807n,
      vanished: true,
      partial: null,
    });
    assert.deepEqual(fetch('FLAGS (VANISHED CHANGEDSINCE 1)').vanished, true);
    assert.deepEqual(fetch('FLAGS  ').changedSince, null);
  });

  it('PARTIAL (RFC 9394 §3.3): a partial-range, either order, alone or with CHANGEDSINCE', () => {
    assert.deepEqual(fetch('(FLAGS) (PARTIAL -1:-50)').partial, { first: -1, last: -50 });
    assert.deepEqual(fetch('(FLAGS) (partial 30:10)').partial, { first: 10, last: 30 });
    const both = fetch('(FLAGS) (PARTIAL 1:5 CHANGEDSINCE 7)');
    assert.deepEqual([both.partial, both.changedSince], [{ first: 1, last: 5 }, 7n]);
    assert.equal(fetch('(FLAGS)').partial, null);
    bad('FLAGS (PARTIAL)');
    bad('FLAGS (PARTIAL 1:*)');
    bad('FLAGS (PARTIAL 0:3)');
    bad('FLAGS (PARTIAL -1:3)');
    bad('FLAGS (PARTIAL 1:2 PARTIAL 3:4)', /Duplicate PARTIAL/);
  });

  it('rejects bad modifiers', () => {
    bad('FLAGS (VANISHED)', /VANISHED requires CHANGEDSINCE/);
    bad('FLAGS (CHANGEDSINCE)');
    bad('FLAGS (CHANGEDSINCE 0)');
    bad('FLAGS (CHANGEDSINCE x)');
    bad('FLAGS (CHANGEDSINCE 1 CHANGEDSINCE 2)', /Duplicate/);
    bad('FLAGS (CHANGEDSINCE 1 VANISHED VANISHED)', /Duplicate/);
    bad('FLAGS (FOO)', /Unknown fetch modifier/);
    bad('FLAGS ()');
    bad('FLAGS x');
    bad('FLAGS (CHANGEDSINCE 1');
  });

  it('parseFetchAttribute and parseFetchAttributes stop where they should', () => {
    const c = new Cursor('BODY[1]<0.5> rest');
    assert.equal(parseFetchAttribute(c).type, 'section');
    assert.equal(c.peekChar(), ' ');
    const d = new Cursor('(FLAGS) (CHANGEDSINCE 1)');
    assert.equal(parseFetchAttributes(d).length, 1);
    assert.equal(d.peekChar(), ' ');
  });
});

describe('imap fetch attributes: labels and helpers', () => {
  it('labels as the response names them', () => {
    const cases: Array<[string, string]> = [
      ['BODY.PEEK[]', 'BODY[]'],
      ['BODY[]<0.100>', 'BODY[]<0>'],
      ['BODY[1.2.MIME]', 'BODY[1.2.MIME]'],
      ['BODY.PEEK[HEADER.FIELDS (from "X-A(b)")]', 'BODY[HEADER.FIELDS (from "X-A(b)")]'],
      ['BODY[2.HEADER.FIELDS.NOT (X-Spam)]<5.10>', 'BODY[2.HEADER.FIELDS.NOT (X-Spam)]<5>'],
      ['BINARY.PEEK[1]<3.4>', 'BINARY[1]<3>'],
      ['BINARY.SIZE[1.1]', 'BINARY.SIZE[1.1]'],
      ['RFC822.HEADER', 'RFC822.HEADER'],
      ['BODY', 'BODY'],
      ['MODSEQ', 'MODSEQ'],
    ];
    for (const [input, label] of cases) assert.equal(fetchItemLabel(atts(input)[0]), label, input);
  });

  it('formatSection', () => {
    assert.equal(formatSection({ part: [], text: null, fields: [] }), '');
    assert.equal(formatSection({ part: [1, 2], text: null, fields: [] }), '1.2');
    assert.equal(formatSection({ part: [3], text: 'HEADER.FIELDS', fields: ['A', 'B"c'] }), '3.HEADER.FIELDS (A "B\\"c")');
  });

  it('fetchSetsSeen', () => {
    assert.equal(fetchSetsSeen(atts('(FLAGS UID BODY.PEEK[] RFC822.HEADER RFC822.SIZE BINARY.PEEK[1])')), false);
    assert.equal(fetchSetsSeen(atts('BODY[]')), true);
    assert.equal(fetchSetsSeen(atts('RFC822')), true);
    assert.equal(fetchSetsSeen(atts('RFC822.TEXT')), true);
    assert.equal(fetchSetsSeen(atts('BINARY[1]')), true);
  });

  it('fetchNeedsMessageBytes', () => {
    assert.equal(fetchNeedsMessageBytes(atts('(FLAGS UID ENVELOPE BODYSTRUCTURE RFC822.SIZE MODSEQ)')), false);
    assert.equal(fetchNeedsMessageBytes(atts('BODY.PEEK[HEADER]')), true);
    assert.equal(fetchNeedsMessageBytes(atts('BINARY.SIZE[1]')), true);
  });
});
