import assert from 'node:assert/strict';
import { Cursor, ParseError, decodeMailboxName, isAtom, uniqueFlags } from '../../frontend/imap/parser.ts';

function cur(input: string | Buffer, utf8Accept = false): Cursor {
  return new Cursor(input, { utf8Accept });
}

function bad(fn: () => unknown, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ParseError, `expected ParseError, got ${String(e)}`);
    if (message) assert.match(e.message, message);
    return true;
  });
}

describe('imap parser: Cursor basics', () => {
  it('reads tag, command and arguments of a simple command', () => {
    const c = cur('a001 LOGIN fred "secret pass"');
    assert.equal(c.tag(), 'a001');
    c.space();
    assert.equal(c.atom(), 'LOGIN');
    c.space();
    assert.equal(c.astringText(), 'fred');
    c.space();
    assert.equal(c.astringText(), 'secret pass');
    c.end();
  });

  it('accepts tags with resp-specials but not "+" or wildcards', () => {
    assert.equal(cur('a]1 NOOP').tag(), 'a]1');
    assert.equal(cur('A.1-x NOOP').tag(), 'A.1-x');
    bad(() => cur('+ NOOP').tag());
    bad(() => cur('* NOOP').tag());
    bad(() => cur(' NOOP').tag());
    bad(() => cur('').tag());
    const c = cur('a+b NOOP');
    assert.equal(c.tag(), 'a');
    bad(() => c.space());
  });

  it('stops atoms at atom-specials', () => {
    const c = cur('abc(def');
    assert.equal(c.atom(), 'abc');
    assert.equal(c.peekChar(), '(');
    assert.equal(cur('x]y').atom(), 'x');
    assert.equal(cur('BODY[TEXT]').atom(), 'BODY[TEXT');
    bad(() => cur('(x').atom());
    bad(() => cur('"x"').atom());
    bad(() => cur('\u00e9').atom());
  });

  it('requires exactly one SP where one is due', () => {
    const c = cur('a  b');
    c.atom();
    c.space();
    bad(() => c.atom());
    bad(() => cur('ab').space());
  });

  it('end() tolerates trailing spaces but nothing else', () => {
    const c = cur('a1 NOOP   ');
    c.tag();
    c.space();
    c.atom();
    c.end();
    const d = cur('a1 NOOP x');
    d.tag();
    d.space();
    d.atom();
    bad(() => d.end(), /end of command/);
  });

  it('matches keywords case-insensitively and as whole tokens', () => {
    assert.ok(cur('return (MIN)').peekKeyword('RETURN'));
    assert.ok(cur('RETURN').peekKeyword('return'));
    assert.ok(!cur('RETURNS').peekKeyword('RETURN'));
    assert.ok(!cur('RET').peekKeyword('RETURN'));
    const c = cur('nil rest');
    assert.ok(c.tryKeyword('NIL'));
    assert.equal(c.position, 3);
    bad(() => cur('foo').keyword('BAR'), /Expected BAR/);
  });

  it('reads keyword tokens upper-cased and stops at brackets', () => {
    const c = cur('body.peek[1]');
    assert.equal(c.keywordToken(), 'BODY.PEEK');
    assert.equal(c.peekChar(), '[');
    bad(() => cur('[x').keywordToken());
  });

  it('peek helpers report the end', () => {
    const c = cur('');
    assert.equal(c.peek(), -1);
    assert.equal(c.peekChar(), '');
    assert.ok(c.atEnd());
    assert.ok(!c.peekDigit());
  });

  it('error messages are short and show where', () => {
    const long = 'x'.repeat(10000);
    try {
      cur(`a ${long}`).space();
      assert.fail('no error');
    } catch (e) {
      assert.ok(e instanceof ParseError);
      assert.ok(e.message.length < 80, e.message);
      assert.equal(e.position, 0);
    }
  });
});

describe('imap parser: strings', () => {
  it('reads quoted strings without copying when unescaped', () => {
    const input = Buffer.from('"hello world" x');
    const c = cur(input);
    const s = c.quoted();
    assert.equal(s.toString(), 'hello world');
    assert.equal(s.buffer, input.buffer);
    assert.equal(c.peekChar(), ' ');
  });

  it('unescapes \\" and \\\\', () => {
    assert.equal(cur('"a\\"b\\\\c"').quoted().toString(), 'a"b\\c');
    assert.equal(cur('""').quoted().length, 0);
  });

  it('rejects bad quoted strings', () => {
    bad(() => cur('"abc').quoted(), /Unterminated/);
    bad(() => cur('"a\\nb"').quoted(), /escape/);
    bad(() => cur('"a\r\nb"').quoted(), /CR, LF or NUL/);
    bad(() => cur(Buffer.from([0x22, 0x61, 0x00, 0x22])).quoted(), /NUL/);
    bad(() => cur('"abc\\').quoted());
    bad(() => cur('abc').quoted());
  });

  it('accepts 8-bit bytes in quoted strings (RFC 9051 UTF-8)', () => {
    assert.equal(cur('"Grüße"').quoted().toString('utf8'), 'Grüße');
  });

  it('reads literals as views into the command', () => {
    const input = Buffer.from('{5}\r\nhello rest');
    const c = cur(input);
    const lit = c.literal();
    assert.equal(lit.toString(), 'hello');
    assert.equal(lit.buffer, input.buffer);
    assert.equal(c.peekChar(), ' ');
  });

  it('reads non-synchronizing and empty literals', () => {
    assert.equal(cur('{3+}\r\nabc').literal().toString(), 'abc');
    const c = cur('{0}\r\n');
    assert.equal(c.literal().length, 0);
    assert.ok(c.atEnd());
  });

  it('literals may contain CRLF, quotes and 8-bit bytes', () => {
    const body = 'a\r\n"b"\r\n\u00ff';
    const n = Buffer.byteLength(body);
    assert.equal(cur(`{${n}}\r\n${body}`).literal().toString(), body);
  });

  it('rejects malformed literals', () => {
    bad(() => cur('{5}\r\nhell').literal(), /shorter/);
    bad(() => cur('{5}hello').literal(), /CRLF/);
    bad(() => cur('{5}\nhello').literal(), /CRLF/);
    bad(() => cur('{}\r\n').literal());
    bad(() => cur('{x}\r\n').literal());
    bad(() => cur('{5+x}\r\nhello').literal());
    bad(() => cur('{99999999999999999}\r\nx').literal(), /too large/);
    bad(() => cur(Buffer.from('{3}\r\na\0b')).literal(), /NUL/);
    bad(() => cur('~{3}\r\nabc').literal(), /literal8/);
  });

  it('reads literal8 only where asked, and lets it carry NUL', () => {
    const r = cur(Buffer.from('~{3}\r\na\0b')).literalOrLiteral8();
    assert.equal(r.binary, true);
    assert.deepEqual([...r.bytes], [0x61, 0, 0x62]);
    const s = cur('{2}\r\nab').literalOrLiteral8();
    assert.equal(s.binary, false);
    bad(() => cur('~3').literalOrLiteral8());
    bad(() => cur('~{3}\r\nabc').astring(), /literal8/);
    bad(() => cur('~{3}\r\nabc').string(), /literal8/);
  });

  it('"~" not followed by "{" is an ordinary atom character', () => {
    assert.equal(cur('~/Mail/ %').astring().toString(), '~/Mail/');
    assert.equal(cur('~peter').mailbox(), '~peter');
    bad(() => cur('~').string());
  });

  it('astring: atom, quoted, literal, and "]" as ASTRING-CHAR', () => {
    assert.equal(cur('foo]bar baz').astring().toString(), 'foo]bar');
    assert.equal(cur('"a b"').astring().toString(), 'a b');
    assert.equal(cur('{3}\r\na b').astring().toString(), 'a b');
    bad(() => cur('(x)').astring());
    bad(() => cur('').astring());
    bad(() => cur(' x').astring());
  });

  it('astringText decodes UTF-8 strictly', () => {
    assert.equal(cur('"\u00e9t\u00e9"').astringText(), 'été');
    bad(() => cur(Buffer.from([0x22, 0xc3, 0x28, 0x22])).astringText(), /UTF-8/);
    bad(() => cur(Buffer.from([0x22, 0xff, 0x22])).astringText(), /UTF-8/);
  });

  it('string() refuses atoms', () => {
    assert.equal(cur('"x"').string().toString(), 'x');
    bad(() => cur('x').string());
    assert.equal(cur('{1}\r\nx').stringText(), 'x');
  });

  it('nstring: NIL (any case) or a string', () => {
    assert.equal(cur('NIL').nstring(), null);
    assert.equal(cur('nil').nstring(), null);
    assert.equal(cur('"NIL"').nstring()?.toString(), 'NIL');
    bad(() => cur('NILS').nstring());
  });
});

describe('imap parser: numbers', () => {
  it('number: 0 to 2^32-1', () => {
    assert.equal(cur('0').number(), 0);
    assert.equal(cur('4294967295').number(), 4294967295);
    assert.equal(cur('007').number(), 7);
    bad(() => cur('4294967296').number(), /too large/);
    bad(() => cur('99999999999').number(), /too large/);
    bad(() => cur('x').number());
    bad(() => cur('-1').number());
    bad(() => cur('').number());
  });

  it('nz-number refuses zero and leading zeros', () => {
    assert.equal(cur('12').nzNumber(), 12);
    bad(() => cur('0').nzNumber());
    bad(() => cur('01').nzNumber());
  });

  it('number64 returns bigint up to 2^63-1', () => {
    assert.equal(cur('9223372036854775807').number64(), 9223372036854775807n);
    assert.equal(cur('0').number64(), 0n);
    bad(() => cur('9223372036854775808').number64(), /too large/);
    bad(() => cur('0').nzNumber64());
    assert.equal(cur('5').nzNumber64(), 5n);
  });

  it('safeNumber64 refuses what a JS number cannot hold', () => {
    assert.equal(cur('9007199254740991').safeNumber64(), Number.MAX_SAFE_INTEGER);
    bad(() => cur('9007199254740992').safeNumber64(), /too large/);
  });
});

describe('imap parser: lists and flags', () => {
  it('list() reads SP-separated items', () => {
    assert.deepEqual(
      cur('(a b c)').list((c) => c.atom()),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(
      cur('()').list((c) => c.atom(), { allowEmpty: true }),
      [],
    );
    bad(() => cur('()').list((c) => c.atom()), /Empty list/);
    bad(() => cur('(a  b)').list((c) => c.atom()));
    bad(() => cur('(a b').list((c) => c.atom()));
    bad(() => cur('a b)').list((c) => c.atom()));
    bad(() => cur('( a)').list((c) => c.atom()));
  });

  it('flag() normalises system flags and keeps keywords', () => {
    assert.equal(cur('\\seen').flag(), '\\Seen');
    assert.equal(cur('\\ANSWERED').flag(), '\\Answered');
    assert.equal(cur('\\Draft').flag(), '\\Draft');
    assert.equal(cur('\\flagged').flag(), '\\Flagged');
    assert.equal(cur('\\deleted').flag(), '\\Deleted');
    assert.equal(cur('$Forwarded').flag(), '$Forwarded');
    assert.equal(cur('Junk').flag(), 'Junk');
  });

  it('flag() refuses \\Recent, unknown system flags and non-atoms', () => {
    bad(() => cur('\\Recent').flag(), /Unknown system flag/);
    bad(() => cur('\\Foo').flag(), /Unknown system flag/);
    bad(() => cur('\\*').flag());
    bad(() => cur('\\').flag());
    bad(() => cur('"x"').flag());
    bad(() => cur('(').flag());
    bad(() => cur('').flag());
  });

  it('flagList() deduplicates case-insensitively', () => {
    assert.deepEqual(cur('(\\Seen \\seen Foo foo $X)').flagList(), ['\\Seen', 'Foo', '$X']);
    assert.deepEqual(cur('()').flagList(), []);
    bad(() => cur('(\\Seen').flagList());
    bad(() => cur('\\Seen').flagList());
    assert.deepEqual(uniqueFlags(['a', 'A', 'b']), ['a', 'b']);
  });
});

describe('imap parser: mailboxes', () => {
  it('normalises any case of INBOX, and nothing else', () => {
    assert.equal(cur('inbox').mailbox(), 'INBOX');
    assert.equal(cur('"InBoX"').mailbox(), 'INBOX');
    assert.equal(cur('inbox/sub').mailbox(), 'inbox/sub');
    assert.equal(cur('Inboxes').mailbox(), 'Inboxes');
  });

  it('decodes modified UTF-7 unless UTF8=ACCEPT', () => {
    assert.equal(cur('"Entw&APw-rfe"').mailbox(), 'Entwürfe');
    assert.equal(cur('"A &- B"').mailbox(), 'A & B');
    assert.equal(cur('"Entw&APw-rfe"', true).mailbox(), 'Entw&APw-rfe');
    assert.equal(cur('"Entwürfe"', true).mailbox(), 'Entwürfe');
    assert.equal(cur('"Entw&APw-rfe"').mailbox(true), 'Entw&APw-rfe');
  });

  it('refuses malformed names', () => {
    bad(() => cur('"a&b"').mailbox(), /UTF-7/);
    bad(() => cur('"Entwürfe"').mailbox(), /8-bit/);
    bad(() => cur(Buffer.from([0x22, 0xc3, 0x22])).mailbox(true), /UTF-8/);
    bad(() => cur('{3}\r\na\tb').mailbox(), /control|UTF-7/);
    bad(() => cur('{3}\r\na\tb').mailbox(true), /control/);
    bad(() => cur('"&AAk-"').mailbox(), /control/);
  });

  it('the error position is the start of the name', () => {
    const c = cur('x "a&b"');
    c.atom();
    c.space();
    try {
      c.mailbox();
      assert.fail('no error');
    } catch (e) {
      assert.ok(e instanceof ParseError);
      assert.equal(e.position, 2);
    }
  });

  it('decodeMailboxName works on raw bytes', () => {
    assert.equal(decodeMailboxName(Buffer.from('INBOX.Sent'), false), 'INBOX.Sent');
    assert.equal(decodeMailboxName(Buffer.from('&ZeVnLIqe-'), false), '日本語');
  });

  it('listMailbox() keeps wildcards and reads strings', () => {
    assert.equal(cur('*').listMailbox(), '*');
    assert.equal(cur('%/foo]*').listMailbox(), '%/foo]*');
    assert.equal(cur('""').listMailbox(), '');
    assert.equal(cur('"&APw-*"').listMailbox(), 'ü*');
    assert.equal(cur('inbox').listMailbox(), 'INBOX');
    bad(() => cur('(').listMailbox());
    bad(() => cur('').listMailbox());
    // a pattern that is not modified UTF-7 matches nothing rather than being an error
    assert.equal(cur('&').listMailbox(), '&');
  });
});

describe('imap parser: dates', () => {
  it('dateTime() parses APPEND dates with zones', () => {
    assert.equal(cur('"17-Jul-1996 02:44:25 -0700"').dateTime().toISOString(), '1996-07-17T09:44:25.000Z');
    assert.equal(cur('" 7-Feb-2024 23:59:59 +0100"').dateTime().toISOString(), '2024-02-07T22:59:59.000Z');
    assert.equal(cur('"07-feb-2024 00:00:00 +0000"').dateTime().toISOString(), '2024-02-07T00:00:00.000Z');
    assert.equal(cur('"7-FEB-2024 00:00:00 +0530"').dateTime().toISOString(), '2024-02-06T18:30:00.000Z');
    assert.equal(cur('"29-Feb-2000 12:00:00 +0000"').dateTime().toISOString(), '2000-02-29T12:00:00.000Z');
    assert.equal(cur('"01-Jan-0099 00:00:00 +0000"').dateTime().getUTCFullYear(), 99);
  });

  it('dateTime() refuses malformed dates', () => {
    for (const s of [
      '17-Jul-1996 02:44:25 -0700',
      '"17-Jul-1996 02:44:25"',
      '"17-Jux-1996 02:44:25 -0700"',
      '"32-Jul-1996 02:44:25 -0700"',
      '"29-Feb-1900 02:44:25 -0700"',
      '"00-Jul-1996 02:44:25 -0700"',
      '"17-Jul-1996 24:00:00 -0700"',
      '"17-Jul-1996 02:60:25 -0700"',
      '"17-Jul-1996 02:44:25 -0760"',
      '"17-Jul-96 02:44:25 -0700"',
      '"17-Jul-1996  02:44:25 -0700"',
      '"17-Jul-1996 2:44:25 -0700"',
      '"17-Jul-1996 02:44:25 0700"',
      '""',
    ]) {
      bad(() => cur(s).dateTime());
    }
  });

  it('date() parses search dates, quoted or not', () => {
    assert.deepEqual(cur('1-Feb-1994').date(), { year: 1994, month: 2, day: 1 });
    assert.deepEqual(cur('"01-feb-1994"').date(), { year: 1994, month: 2, day: 1 });
    assert.deepEqual(cur('31-DEC-2023 x').date(), { year: 2023, month: 12, day: 31 });
    bad(() => cur('31-Apr-2023').date(), /day/);
    bad(() => cur('1-Feb-94').date());
    bad(() => cur('1 Feb 1994').date());
    bad(() => cur('123-Feb-1994').date());
    bad(() => cur('"1-Feb-1994 "').date());
    bad(() => cur('').date());
  });
});

describe('imap parser: sequence sets, sections and partials', () => {
  it('sequenceSet() reads sets with * and $', () => {
    assert.equal(cur('1:5,7,*').sequenceSet().toString(), '1:5,7,*');
    assert.ok(cur('$').sequenceSet().isSaved);
    const c = cur('2:4 (FLAGS)');
    assert.equal(c.sequenceSet().toString(), '2:4');
    assert.equal(c.peekChar(), ' ');
    bad(() => cur('0').sequenceSet());
    bad(() => cur('1,,2').sequenceSet());
    bad(() => cur('x').sequenceSet());
    bad(() => cur('1,$').sequenceSet());
  });

  it('section() reads every section-spec form', () => {
    assert.deepEqual(cur('[]').section(), { part: [], text: null, fields: [] });
    assert.deepEqual(cur('[HEADER]').section(), { part: [], text: 'HEADER', fields: [] });
    assert.deepEqual(cur('[text]').section(), { part: [], text: 'TEXT', fields: [] });
    assert.deepEqual(cur('[1.2.3]').section(), { part: [1, 2, 3], text: null, fields: [] });
    assert.deepEqual(cur('[1.MIME]').section(), { part: [1], text: 'MIME', fields: [] });
    assert.deepEqual(cur('[4.2.HEADER]').section(), { part: [4, 2], text: 'HEADER', fields: [] });
    assert.deepEqual(cur('[HEADER.FIELDS (From "To" {2}\r\nCc)]').section(), {
      part: [],
      text: 'HEADER.FIELDS',
      fields: ['From', 'To', 'Cc'],
    });
    assert.deepEqual(cur('[2.header.fields.not (X-Spam)]').section(), {
      part: [2],
      text: 'HEADER.FIELDS.NOT',
      fields: ['X-Spam'],
    });
  });

  it('section() refuses malformed sections', () => {
    for (const s of [
      '[MIME]',
      '[0]',
      '[1.0]',
      '[1.]',
      '[.1]',
      '[HEADER.FIELDS]',
      '[HEADER.FIELDS ()]',
      '[HEADER.FIELDS (From]',
      '[HEADER.FIELDS ("a:b")]',
      '[HEADER.FIELDS ("")]',
      '[HEADERS]',
      '[TEXT.1]',
      '[1',
      '1]',
      '[1 ]',
      '[1.TEXT.MIME]',
    ]) {
      bad(() => cur(s).section(), undefined);
    }
  });

  it('sectionPart() reads binary sections', () => {
    assert.deepEqual(cur('[]').sectionPart(), []);
    assert.deepEqual(cur('[1.2]').sectionPart(), [1, 2]);
    bad(() => cur('[TEXT]').sectionPart());
    bad(() => cur('[1.]').sectionPart());
  });

  it('partial() reads <offset.length> or nothing', () => {
    assert.equal(cur('x').partial(), null);
    assert.deepEqual(cur('<0.100>').partial(), { offset: 0, length: 100 });
    assert.deepEqual(cur('<4294967296.5>').partial(), { offset: 4294967296, length: 5 });
    bad(() => cur('<0.0>').partial());
    bad(() => cur('<0>').partial());
    bad(() => cur('<.5>').partial());
    bad(() => cur('<1.2').partial());
    bad(() => cur('<-1.2>').partial());
  });

  it('headerFieldName() accepts printable ASCII except colon', () => {
    assert.equal(cur('X-Foo').headerFieldName(), 'X-Foo');
    assert.equal(cur('"X(y)"').headerFieldName(), 'X(y)');
    bad(() => cur('"X y"').headerFieldName());
    bad(() => cur('"X:y"').headerFieldName());
  });

  it('isAtom()', () => {
    assert.ok(isAtom('$Label1'));
    assert.ok(!isAtom(''));
    assert.ok(!isAtom('a b'));
    assert.ok(!isAtom('a]'));
    assert.ok(!isAtom('é'));
  });
});

describe('imap parser: whole commands', () => {
  it('reads an APPEND command with an inline literal', () => {
    const c = cur('a1 APPEND INBOX (\\Seen) {5}\r\nhello');
    assert.equal(c.tag(), 'a1');
    c.space();
    assert.equal(c.atom().toUpperCase(), 'APPEND');
    c.space();
    assert.equal(c.mailbox(), 'INBOX');
    c.space();
    assert.deepEqual(c.flagList(), ['\\Seen']);
    c.space();
    assert.equal(c.literal().toString(), 'hello');
    c.end();
  });

  it('reads a LOGIN with literals for both arguments', () => {
    const c = cur('a2 login {4+}\r\nfred {5}\r\nse cr t');
    c.tag();
    c.space();
    c.atom();
    c.space();
    assert.equal(c.astringText(), 'fred');
    c.space();
    assert.equal(c.astringText(), 'se cr');
    bad(() => c.end());
  });
});
