import assert from 'node:assert/strict';
import {
  MAX_SEARCH_DEPTH,
  charsetDecoder,
  parseCharsetAndCriteria,
  parseSearchProgram,
  parseSearchReturnOptions,
  searchUsesFuzzy,
  searchUsesModseq,
  searchUsesSavedResult,
  type SearchOptions,
} from '../../frontend/imap/grammar/search-program.ts';
import { BadCharsetError, Cursor, ParseError } from '../../frontend/imap/parser.ts';
import type { SearchKey, SearchProgram, SearchReturnOptions } from '../../frontend/imap/types.ts';

function program(args: string | Buffer, options?: SearchOptions): SearchProgram {
  const c = new Cursor(args);
  const p = parseSearchProgram(c, options);
  c.end();
  return p;
}

function key(args: string | Buffer): SearchKey {
  return program(args).key;
}

/** A compact rendering of a key tree, so expectations stay readable. */
function show(k: SearchKey): string {
  switch (k.type) {
    case 'all':
    case 'recent':
    case 'savedatesupported':
      return k.type;
    case 'and':
      return `and(${k.keys.map(show).join(', ')})`;
    case 'or':
      return `or(${show(k.left)}, ${show(k.right)})`;
    case 'not':
      return `not(${show(k.key)})`;
    case 'fuzzy':
      return `fuzzy(${show(k.key)})`;
    case 'flag':
      return `flag ${k.flag}`;
    case 'seq':
    case 'uid':
      return `${k.type} ${k.set.toString()}`;
    case 'string':
      return `${k.field} ${JSON.stringify(k.value)}`;
    case 'header':
      return `header ${k.field} ${JSON.stringify(k.value)}`;
    case 'internaldate':
    case 'sentdate':
    case 'savedate':
      return `${k.type} ${k.op} ${k.date.year}-${k.date.month}-${k.date.day}`;
    case 'size':
      return `${k.op} ${k.size}`;
    case 'age':
      return `${k.op} ${k.seconds}`;
    case 'modseq':
      return `modseq ${k.modseq}${k.entry ? ` ${k.entry.flag} ${k.entry.kind}` : ''}`;
    case 'emailid':
    case 'threadid':
      return `${k.type} ${k.id}`;
  }
}

function s(args: string | Buffer): string {
  return show(key(args));
}

function bad(args: string | Buffer, message?: RegExp): void {
  assert.throws(
    () => program(args),
    (e: unknown) => {
      assert.ok(e instanceof ParseError, `${String(args)}: expected ParseError, got ${String(e)}`);
      if (message) assert.match(e.message, message);
      return true;
    },
  );
}

describe('imap search: RFC 3501 keys', () => {
  const cases: Array<[string, string]> = [
    ['ALL', 'all'],
    ['ANSWERED', 'flag \\Answered'],
    ['DELETED', 'flag \\Deleted'],
    ['DRAFT', 'flag \\Draft'],
    ['FLAGGED', 'flag \\Flagged'],
    ['SEEN', 'flag \\Seen'],
    ['UNANSWERED', 'not(flag \\Answered)'],
    ['UNDELETED', 'not(flag \\Deleted)'],
    ['UNDRAFT', 'not(flag \\Draft)'],
    ['UNFLAGGED', 'not(flag \\Flagged)'],
    ['UNSEEN', 'not(flag \\Seen)'],
    ['RECENT', 'recent'],
    ['NEW', 'and(recent, not(flag \\Seen))'],
    ['OLD', 'not(recent)'],
    ['KEYWORD $Forwarded', 'flag $Forwarded'],
    ['UNKEYWORD Junk', 'not(flag Junk)'],
    ['BCC fred', 'bcc "fred"'],
    ['BODY "hello world"', 'body "hello world"'],
    ['CC x', 'cc "x"'],
    ['FROM "Smith"', 'from "Smith"'],
    ['SUBJECT {5}\r\nhello', 'subject "hello"'],
    ['TEXT ""', 'text ""'],
    ['TO a@b', 'to "a@b"'],
    ['HEADER X-Mailer ""', 'header X-Mailer ""'],
    ['HEADER "Message-ID" "<abc@x>"', 'header Message-ID "<abc@x>"'],
    ['BEFORE 1-Feb-1994', 'internaldate before 1994-2-1'],
    ['ON "15-Mar-2020"', 'internaldate on 2020-3-15'],
    ['SINCE 29-Feb-2024', 'internaldate since 2024-2-29'],
    ['SENTBEFORE 1-Jan-2000', 'sentdate before 2000-1-1'],
    ['SENTON 1-Jan-2000', 'sentdate on 2000-1-1'],
    ['SENTSINCE 1-Jan-2000', 'sentdate since 2000-1-1'],
    ['LARGER 1000', 'larger 1000'],
    ['SMALLER 0', 'smaller 0'],
    ['UID 1:100,200:*', 'uid 1:100,200:*'],
    ['1:5', 'seq 1:5'],
    ['*', 'seq *'],
    ['2,4:*', 'seq 2,4:*'],
    ['NOT SEEN', 'not(flag \\Seen)'],
    ['OR SEEN FLAGGED', 'or(flag \\Seen, flag \\Flagged)'],
    ['OR (SEEN DELETED) NOT FLAGGED', 'or(and(flag \\Seen, flag \\Deleted), not(flag \\Flagged))'],
    ['OR OR SEEN DRAFT FROM x', 'or(or(flag \\Seen, flag \\Draft), from "x")'],
    ['NOT NOT ALL', 'not(not(all))'],
    ['(SEEN)', 'flag \\Seen'],
    ['((SEEN) (UNSEEN))', 'and(flag \\Seen, not(flag \\Seen))'],
    ['DELETED FROM "SMITH" SINCE 1-Feb-1994', 'and(flag \\Deleted, from "SMITH", internaldate since 1994-2-1)'],
    ['seen unseen', 'and(flag \\Seen, not(flag \\Seen))'],
    ['not 1:3', 'not(seq 1:3)'],
  ];
  for (const [input, expected] of cases) {
    it(input.replace(/\r\n/g, '\\r\\n'), () => assert.equal(s(input), expected));
  }
});

describe('imap search: extensions', () => {
  const cases: Array<[string, string]> = [
    ['MODSEQ 620162338', 'modseq 620162338'],
    ['MODSEQ 0', 'modseq 0'],
    ['MODSEQ "/flags/\\\\draft" all 620162338', 'modseq 620162338 \\Draft all'],
    ['MODSEQ "/flags/$Label1" PRIV 5', 'modseq 5 $Label1 priv'],
    ['MODSEQ "/flags/\\\\Seen" shared 5', 'modseq 5 \\Seen shared'],
    ['OLDER 3600', 'older 3600'],
    ['YOUNGER 60', 'younger 60'],
    ['$', 'seq $'],
    ['UID $', 'uid $'],
    ['SAVEDBEFORE 1-Jan-2020', 'savedate before 2020-1-1'],
    ['SAVEDON 1-Jan-2020', 'savedate on 2020-1-1'],
    ['SAVEDSINCE 1-Jan-2020', 'savedate since 2020-1-1'],
    ['SAVEDATESUPPORTED', 'savedatesupported'],
    ['EMAILID M6d99ac3275bb4e', 'emailid M6d99ac3275bb4e'],
    ['THREADID T64b478a75b7ea9', 'threadid T64b478a75b7ea9'],
    ['FUZZY SUBJECT "interesting"', 'fuzzy(subject "interesting")'],
    ['FUZZY (TEXT a TEXT b)', 'fuzzy(and(text "a", text "b"))'],
  ];
  for (const [input, expected] of cases) {
    it(input, () => assert.equal(s(input), expected));
  }

  it('searchUsesModseq / searchUsesSavedResult / searchUsesFuzzy', () => {
    assert.ok(searchUsesModseq(key('OR SEEN NOT MODSEQ 5')));
    assert.ok(!searchUsesModseq(key('SEEN')));
    assert.ok(searchUsesSavedResult(key('OR 1 (NOT UID $)')));
    assert.ok(!searchUsesSavedResult(key('UID 1:*')));
    assert.ok(searchUsesFuzzy(key('NOT FUZZY TEXT x')));
    assert.ok(!searchUsesFuzzy(key('TEXT x')));
  });
});

describe('imap search: charsets', () => {
  it('defaults to US-ASCII and decodes UTF-8 bytes', () => {
    const p = program('SUBJECT "Grüße"');
    assert.equal(p.charset, 'US-ASCII');
    assert.equal(show(p.key), 'subject "Grüße"');
  });

  it('CHARSET UTF-8, any case, quoted or not', () => {
    assert.equal(program('CHARSET UTF-8 TEXT x').charset, 'UTF-8');
    assert.equal(program('charset "utf-8" TEXT x').charset, 'UTF-8');
    assert.equal(program('CHARSET us-ascii ALL').charset, 'US-ASCII');
    const p = program(Buffer.concat([Buffer.from('CHARSET UTF-8 SUBJECT {4}\r\n'), Buffer.from('日', 'utf8'), Buffer.from('x')]));
    assert.equal(show(p.key), 'subject "日x"');
  });

  it('unknown charsets throw BadCharsetError with the supported list', () => {
    assert.throws(
      () => program('CHARSET KOI8-R TEXT x'),
      (e: unknown) => e instanceof BadCharsetError && e.charset === 'KOI8-R' && e.supported.includes('UTF-8'),
    );
    assert.throws(
      () => program('CHARSET X TEXT x', { supportedCharsets: ['UTF-8', 'ISO-8859-1'] }),
      (e: unknown) => e instanceof BadCharsetError && e.supported.includes('ISO-8859-1'),
    );
  });

  it('other charsets through the decoder callback', () => {
    const options: SearchOptions = {
      charsetDecoder: (name) => (name === 'ISO-8859-1' ? (b) => b.toString('latin1') : null),
    };
    const p = program(Buffer.from([...Buffer.from('CHARSET iso-8859-1 SUBJECT "'), 0xfc, 0x22]), options);
    assert.equal(p.charset, 'ISO-8859-1');
    assert.equal(show(p.key), 'subject "ü"');
    assert.throws(() => program('CHARSET KOI8-R ALL', options), BadCharsetError);
  });

  it('a decoder that throws becomes a ParseError', () => {
    const options: SearchOptions = {
      charsetDecoder: () => () => {
        throw new Error('boom');
      },
    };
    assert.throws(() => program('CHARSET X TEXT y', options), ParseError);
  });

  it('invalid UTF-8 is a ParseError', () => {
    bad(Buffer.from([...Buffer.from('CHARSET UTF-8 TEXT "'), 0xc3, 0x28, 0x22]), /UTF-8/);
    bad(Buffer.from([...Buffer.from('TEXT "'), 0xff, 0x22]), /UTF-8/);
  });

  it('charsetDecoder() directly', () => {
    assert.equal(charsetDecoder('utf-8')(Buffer.from('é')), 'é');
    assert.throws(() => charsetDecoder('EBCDIC'), BadCharsetError);
  });

  it('SORT/THREAD form: mandatory charset without the keyword', () => {
    const c = new Cursor('UTF-8 SUBJECT x');
    const p = parseCharsetAndCriteria(c);
    c.end();
    assert.equal(p.charset, 'UTF-8');
    assert.equal(show(p.key), 'subject "x"');
    assert.throws(() => parseCharsetAndCriteria(new Cursor('UTF-8')), ParseError);
    assert.throws(() => parseCharsetAndCriteria(new Cursor('BIG5 ALL')), BadCharsetError);
  });
});

describe('imap search: malformed criteria', () => {
  const cases = [
    '',
    ' ',
    'FOO',
    'SEEN  FLAGGED',
    '(SEEN',
    'SEEN)',
    '()',
    'OR SEEN',
    'OR',
    'NOT',
    'NOT ',
    'FROM',
    'FROM ',
    'FROM (x)',
    'HEADER',
    'HEADER X-A',
    'HEADER "a b" x',
    'HEADER "" x',
    'BEFORE',
    'BEFORE 1-Foo-2000',
    'BEFORE 31-Feb-2000',
    'BEFORE 2000-01-01',
    'LARGER',
    'LARGER x',
    'LARGER -1',
    'LARGER 99999999999999999999',
    'UID',
    'UID x',
    'UID 0',
    '0',
    '1,,2',
    'KEYWORD',
    'KEYWORD \\Seen',
    'KEYWORD "a b"',
    'OLDER 0',
    'OLDER x',
    'YOUNGER',
    'MODSEQ',
    'MODSEQ x',
    'MODSEQ -1',
    'MODSEQ 9223372036854775808',
    'MODSEQ "/flags/\\\\Seen" 5',
    'MODSEQ "/flags/\\\\Seen" mine 5',
    'MODSEQ "/foo/bar" all 5',
    'MODSEQ "/flags/\\\\Recent" all 5',
    'MODSEQ "/flags/" all 5',
    'EMAILID',
    'EMAILID a.b',
    'EMAILID ""',
    'THREADID ' + 'x'.repeat(256),
    'FUZZY',
    'CHARSET',
    'CHARSET UTF-8',
    'CHARSET  UTF-8 ALL',
    'CHARSET "" ALL',
    'SEEN CHARSET UTF-8 ALL',
    'UNFOO',
    'ALL x',
    '"ALL"',
    'SUBJECT {5}\r\nabc',
    'SUBJECT "abc',
    'SAVEDBEFORE',
  ];
  for (const input of cases) {
    it(JSON.stringify(input), () => bad(input));
  }

  it('deep nesting is refused, not recursed into', () => {
    bad('NOT '.repeat(MAX_SEARCH_DEPTH + 5) + 'ALL', /nested too deeply/);
    bad('('.repeat(100_000) + 'ALL' + ')'.repeat(100_000), /nested too deeply/);
    bad('OR '.repeat(MAX_SEARCH_DEPTH + 5) + 'ALL', /nested too deeply/);
    assert.equal(s('NOT '.repeat(10) + 'ALL').startsWith('not(not('), true);
  });

  it('many flat keys are fine', () => {
    const k = key(Array.from({ length: 5000 }, () => 'SEEN').join(' '));
    assert.equal(k.type, 'and');
    if (k.type === 'and') assert.equal(k.keys.length, 5000);
  });
});

describe('imap search: RETURN options', () => {
  function ret(args: string): SearchReturnOptions | null {
    const c = new Cursor(args);
    const r = parseSearchReturnOptions(c);
    return r;
  }
  const none: SearchReturnOptions = {
    min: false,
    max: false,
    all: false,
    count: false,
    save: false,
    context: false,
    update: false,
    relevancy: false,
    partial: null,
  };

  it('no RETURN, nothing consumed', () => {
    const c = new Cursor('CHARSET UTF-8 ALL');
    assert.equal(parseSearchReturnOptions(c), null);
    assert.equal(c.position, 0);
    assert.equal(ret('RETURNS'), null);
  });

  it('RETURN () means ALL', () => {
    assert.deepEqual(ret('RETURN ()'), { ...none, all: true });
  });

  it('each option', () => {
    assert.deepEqual(ret('RETURN (MIN MAX COUNT)'), { ...none, min: true, max: true, count: true });
    assert.deepEqual(ret('return (all save)'), { ...none, all: true, save: true });
    assert.deepEqual(ret('RETURN (SAVE)'), { ...none, save: true });
    assert.deepEqual(ret('RETURN (CONTEXT UPDATE COUNT)'), { ...none, context: true, update: true, count: true });
    assert.deepEqual(ret('RETURN (RELEVANCY ALL)'), { ...none, relevancy: true, all: true });
    assert.deepEqual(ret('RETURN (PARTIAL 1:100)'), { ...none, partial: { first: 1, last: 100 } });
    assert.deepEqual(ret('RETURN (PARTIAL -1:-50 COUNT)'), { ...none, count: true, partial: { first: -1, last: -50 } });
    assert.deepEqual(ret('RETURN (PARTIAL 100:1)'), { ...none, partial: { first: 1, last: 100 } });
  });

  it('leaves the cursor after the list', () => {
    const c = new Cursor('RETURN (MIN) UNSEEN');
    parseSearchReturnOptions(c);
    assert.equal(c.peekChar(), ' ');
    c.space();
    assert.equal(show(parseSearchProgram(c).key), 'not(flag \\Seen)');
  });

  it('malformed RETURN options', () => {
    for (const input of [
      'RETURN',
      'RETURN MIN',
      'RETURN (MIN',
      'RETURN (FOO)',
      'RETURN (PARTIAL)',
      'RETURN (PARTIAL 0:5)',
      'RETURN (PARTIAL 1:-5)',
      'RETURN (PARTIAL -1:5)',
      'RETURN (PARTIAL 1:x)',
      'RETURN (PARTIAL 1:5 PARTIAL 2:3)',
      'RETURN (ALL PARTIAL 1:5)',
      'RETURN (ALL ALL)',
      'RETURN (PARTIAL 1:99999999999)',
      'RETURN  (MIN)',
    ]) {
      assert.throws(() => ret(input), ParseError, input);
    }
  });
});
