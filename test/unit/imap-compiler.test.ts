import assert from 'node:assert/strict';
import {
  Code,
  ResponseWriter,
  atom,
  compileUntagged,
  compileValue,
  continuation,
  literal,
  raw,
  section,
  tagged,
  untagged,
  untaggedStatus,
  type ResponseValue,
} from '../../frontend/imap/compiler.ts';
import type { ImapValue } from '../../frontend/mime/types.ts';
import { SequenceSet } from '../../frontend/imap/seqset.ts';

function text(b: Buffer): string {
  return b.toString('utf8');
}

function value(v: ResponseValue, utf8 = false): string {
  return text(compileValue(v, { utf8 }));
}

describe('imap compiler: values', () => {
  it('NIL, numbers and bigints', () => {
    assert.equal(value(null), 'NIL');
    assert.equal(value(0), '0');
    assert.equal(value(4294967295), '4294967295');
    assert.equal(value(9223372036854775807n), '9223372036854775807');
    assert.throws(() => value(-1), RangeError);
    assert.throws(() => value(1.5), RangeError);
    assert.throws(() => value(-1n), RangeError);
  });

  it('quotes safe strings', () => {
    assert.equal(value('hello world'), '"hello world"');
    assert.equal(value(''), '""');
    assert.equal(value('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(value('NIL'), '"NIL"');
  });

  it('sends unsafe strings as literals', () => {
    assert.equal(value('a\r\nb'), '{4}\r\na\r\nb');
    assert.equal(value('a\0b'), '{3}\r\na\0b');
    assert.equal(value('tab\there'), '{8}\r\ntab\there');
    assert.equal(value('x\x7f'), '{2}\r\nx\x7f');
  });

  it('non-ASCII strings are literals unless utf8 is on', () => {
    assert.equal(value('Grüße'), '{7}\r\nGrüße');
    assert.equal(value('Grüße', true), '"Grüße"');
    assert.equal(value('日本', true), '"日本"');
  });

  it('long strings become literals', () => {
    const long = 'x'.repeat(2000);
    assert.equal(value(long), `{2000}\r\n${long}`);
    const w = new ResponseWriter({ maxQuoted: 3 });
    assert.equal(text(w.value('abcd').toBuffer()), '{4}\r\nabcd');
    assert.equal(text(w.value('abc').toBuffer()), '"abc"');
    const u = new ResponseWriter({ maxQuoted: 4, utf8: true });
    assert.equal(text(u.value('ééé').toBuffer()), '{6}\r\nééé');
  });

  it('Buffers are literals, byte for byte', () => {
    const b = Buffer.from([0x68, 0x69, 0xff, 0x00]);
    const out = compileValue(b);
    assert.deepEqual([...out], [...Buffer.from('{4}\r\n'), 0x68, 0x69, 0xff, 0x00]);
    assert.equal(value(Buffer.alloc(0)), '{0}\r\n');
  });

  it('forced literals and literal8', () => {
    assert.equal(value(literal('abc')), '{3}\r\nabc');
    assert.equal(value(literal(Buffer.from('a\0b'), true)), '~{3}\r\na\0b');
    assert.equal(value(literal('é')), '{2}\r\né');
  });

  it('atoms, sections and raw are verbatim', () => {
    assert.equal(value(atom('\\Seen')), '\\Seen');
    assert.equal(value(section('BODY[HEADER.FIELDS (FROM TO)]<0>')), 'BODY[HEADER.FIELDS (FROM TO)]<0>');
    assert.equal(value(raw(Buffer.from('(1 2)'))), '(1 2)');
    assert.equal(value(raw('x y')), 'x y');
  });

  it('sequence sets in compact form', () => {
    assert.equal(value(SequenceSet.fromNumbers([1, 2, 3, 5])), '1:3,5');
  });

  it('nested lists', () => {
    assert.equal(value([]), '()');
    assert.equal(value([1, [2, [null, 'x']], atom('A')]), '(1 (2 (NIL "x")) A)');
  });

  it('compiles a stored ENVELOPE (ImapValue)', () => {
    const envelope: ImapValue = [
      'Wed, 17 Jul 1996 02:23:25 -0700 (PDT)',
      'IMAP4rev1 WG mtg summary and minutes',
      [['Terry Gray', null, 'gray', 'cac.washington.edu']],
      null,
      [],
      Buffer.from('<B27397-0100000@cac.washington.edu>'),
    ];
    assert.equal(
      value(envelope),
      '("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" ' +
        '(("Terry Gray" NIL "gray" "cac.washington.edu")) NIL () {35}\r\n<B27397-0100000@cac.washington.edu>)',
    );
  });

  it('refuses things that are not values', () => {
    assert.throws(() => compileValue({} as unknown as ResponseValue), TypeError);
  });
});

describe('imap compiler: responses', () => {
  it('untagged data', () => {
    assert.equal(text(untagged(23, atom('EXISTS'))), '* 23 EXISTS\r\n');
    assert.equal(
      text(untagged(atom('FLAGS'), [atom('\\Answered'), atom('\\Seen'), atom('$Forwarded')])),
      '* FLAGS (\\Answered \\Seen $Forwarded)\r\n',
    );
    assert.equal(text(untagged(atom('LIST'), [atom('\\HasNoChildren')], '/', 'Entw&APw-rfe')), '* LIST (\\HasNoChildren) "/" "Entw&APw-rfe"\r\n');
  });

  it('a FETCH response with a body literal', () => {
    const body = Buffer.from('Subject: hi\r\n\r\nbody\r\n');
    assert.equal(
      text(untagged(12, atom('FETCH'), [atom('UID'), 99, atom('FLAGS'), [atom('\\Seen')], section('BODY[]'), body])),
      `* 12 FETCH (UID 99 FLAGS (\\Seen) BODY[] {${body.length}}\r\n${body.toString()})\r\n`,
    );
  });

  it('compileUntagged honours utf8', () => {
    assert.equal(text(compileUntagged([atom('LIST'), [], '/', 'Größe'], { utf8: true })), '* LIST () "/" "Größe"\r\n');
  });

  it('tagged responses with and without codes', () => {
    assert.equal(text(tagged('a1', 'OK', 'LOGIN completed')), 'a1 OK LOGIN completed\r\n');
    assert.equal(
      text(tagged('a2', 'NO', Code.tryCreate(), 'No such mailbox')),
      'a2 NO [TRYCREATE] No such mailbox\r\n',
    );
    assert.equal(text(tagged('a3', 'OK', null, 'done')), 'a3 OK done\r\n');
    assert.equal(text(tagged('a4', 'BAD', '')), 'a4 BAD Invalid command\r\n');
    assert.equal(text(tagged('a5', 'OK', Code.readWrite(), '')), 'a5 OK [READ-WRITE] Completed\r\n');
  });

  it('untagged status responses', () => {
    assert.equal(text(untaggedStatus('OK', Code.uidNext(4392), 'Predicted next UID')), '* OK [UIDNEXT 4392] Predicted next UID\r\n');
    assert.equal(text(untaggedStatus('BYE', null, 'Logging out')), '* BYE Logging out\r\n');
    assert.equal(text(untaggedStatus('PREAUTH', null, '')), '* PREAUTH Logged in\r\n');
    assert.equal(text(untaggedStatus('NO', Code.alert(), 'Disk full')), '* NO [ALERT] Disk full\r\n');
  });

  it('sanitises response text', () => {
    assert.equal(text(tagged('a', 'NO', 'bad\r\nthing\0here')), 'a NO bad thing here\r\n');
    assert.equal(text(tagged('a', 'NO', 'Größe')), 'a NO Gr??e\r\n');
    assert.equal(text(tagged('a', 'NO', null, 'Größe', { utf8: true })), 'a NO Größe\r\n');
    assert.equal(text(tagged('a', 'NO', '[FAKE] code')), 'a NO (FAKE] code\r\n');
    assert.equal(text(tagged('a', 'NO', 'a\x01b')), 'a NO a?b\r\n');
  });

  it('continuation requests', () => {
    assert.equal(text(continuation()), '+ \r\n');
    assert.equal(text(continuation('Ready for literal data')), '+ Ready for literal data\r\n');
    assert.equal(text(continuation('YWJj')), '+ YWJj\r\n');
    assert.equal(text(continuation('two\r\nlines')), '+ two lines\r\n');
  });
});

describe('imap compiler: response codes', () => {
  function code(c: ReturnType<typeof Code.alert>): string {
    return text(tagged('t', 'OK', c, 'x')).slice('t OK '.length, -' x\r\n'.length);
  }

  it('simple codes', () => {
    assert.equal(code(Code.alert()), '[ALERT]');
    assert.equal(code(Code.parse()), '[PARSE]');
    assert.equal(code(Code.readOnly()), '[READ-ONLY]');
    assert.equal(code(Code.overQuota()), '[OVERQUOTA]');
    assert.equal(code(Code.nonExistent()), '[NONEXISTENT]');
    assert.equal(code(Code.alreadyExists()), '[ALREADYEXISTS]');
    assert.equal(code(Code.noModseq()), '[NOMODSEQ]');
    assert.equal(code(Code.closed()), '[CLOSED]');
    assert.equal(code(Code.unknownCte()), '[UNKNOWN-CTE]');
    assert.equal(code(Code.uidNotSticky()), '[UIDNOTSTICKY]');
    assert.equal(code(Code.authenticationFailed()), '[AUTHENTICATIONFAILED]');
  });

  it('codes with arguments', () => {
    assert.equal(code(Code.uidNext(5)), '[UIDNEXT 5]');
    assert.equal(code(Code.uidValidity(3857529045)), '[UIDVALIDITY 3857529045]');
    assert.equal(code(Code.unseen(12)), '[UNSEEN 12]');
    assert.equal(code(Code.highestModseq(715194045007n)), '[HIGHESTMODSEQ 715194045007]');
    assert.equal(code(Code.permanentFlags(['\\Deleted', '\\Seen', '\\*'])), '[PERMANENTFLAGS (\\Deleted \\Seen \\*)]');
    assert.equal(code(Code.permanentFlags([])), '[PERMANENTFLAGS ()]');
    assert.equal(
      code(Code.copyUid(38505, SequenceSet.parse('304,319:320'), SequenceSet.parse('3956:3958'))),
      '[COPYUID 38505 304,319:320 3956:3958]',
    );
    assert.equal(code(Code.appendUid(38505, 3955)), '[APPENDUID 38505 3955]');
    assert.equal(code(Code.appendUid(38505, SequenceSet.parse('3955:3957'))), '[APPENDUID 38505 3955:3957]');
    assert.equal(code(Code.modified(SequenceSet.parse('7,9'))), '[MODIFIED 7,9]');
    assert.equal(code(Code.badCharset()), '[BADCHARSET (UTF-8 US-ASCII)]');
    assert.equal(code(Code.badCharset(['UTF-8', 'weird name'])), '[BADCHARSET (UTF-8 "weird name")]');
    assert.equal(code(Code.capability(['IMAP4rev1', 'IDLE'])), '[CAPABILITY IMAP4rev1 IDLE]');
    assert.equal(code(Code.mailboxId('F2212ea87')), '[MAILBOXID (F2212ea87)]');
    assert.equal(code(Code.other('REFERRAL', atom('imap://x/'))), '[REFERRAL imap://x/]');
  });

  it('string arguments in codes are always quoted, never literals', () => {
    assert.equal(code(Code.other('X', 'a\r\nb')), '[X "a b"]');
    assert.equal(code(Code.other('X', 'ü')), '[X "?"]');
    assert.equal(code(Code.other('X', 'a]b')), '[X "a?b"]');
  });
});

describe('imap compiler: ResponseWriter', () => {
  it('accumulates many responses and returns them in order', () => {
    const w = new ResponseWriter();
    for (let i = 1; i <= 3; i++) w.untagged(i, atom('FETCH'), [atom('UID'), i * 10]);
    w.tagged('a1', 'OK', null, 'FETCH completed');
    assert.equal(
      text(w.toBuffer()),
      '* 1 FETCH (UID 10)\r\n* 2 FETCH (UID 20)\r\n* 3 FETCH (UID 30)\r\na1 OK FETCH completed\r\n',
    );
    assert.equal(w.length, 0);
    assert.equal(w.toBuffer().length, 0);
  });

  it('passes big literals through without copying', () => {
    const big = Buffer.alloc(100_000, 0x61);
    const w = new ResponseWriter();
    w.untagged(1, atom('FETCH'), [section('BODY[]'), big]);
    const chunks = w.take();
    assert.ok(chunks.includes(big));
    const joined = Buffer.concat(chunks);
    assert.equal(w.length, 0);
    assert.equal(joined.toString('latin1'), `* 1 FETCH (BODY[] {100000}\r\n${'a'.repeat(100_000)})\r\n`);
  });

  it('length counts pending bytes', () => {
    const w = new ResponseWriter();
    w.untagged(1, atom('EXISTS'));
    assert.equal(w.length, '* 1 EXISTS\r\n'.length);
    w.continuation('x');
    assert.equal(w.length, '* 1 EXISTS\r\n+ x\r\n'.length);
  });

  it('writes a million small FETCH responses quickly and correctly', function () {
    this.timeout(20_000);
    const w = new ResponseWriter();
    const FETCH = atom('FETCH');
    const UID = atom('UID');
    const FLAGS = atom('FLAGS');
    const SEEN = atom('\\Seen');
    let total = 0;
    for (let i = 1; i <= 1_000_000; i++) {
      w.untagged(i, FETCH, [UID, i + 1000, FLAGS, [SEEN]]);
      if (w.length > 1 << 20) for (const c of w.take()) total += c.length;
    }
    for (const c of w.take()) total += c.length;
    let expected = 0;
    for (let i = 1; i <= 1_000_000; i++) expected += `* ${i} FETCH (UID ${i + 1000} FLAGS (\\Seen))\r\n`.length;
    assert.equal(total, expected);
  });

  it('strings that straddle block boundaries come out intact', () => {
    const w = new ResponseWriter();
    const parts: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const s = `item-${i}-${'z'.repeat(i % 50)}`;
      parts.push(s);
      w.untagged(atom('X'), s, Buffer.from(s));
    }
    const expected = parts.map((s) => `* X "${s}" {${s.length}}\r\n${s}\r\n`).join('');
    assert.equal(w.toBuffer().toString('latin1'), expected);
  });
});
