import assert from 'node:assert/strict';
import { normaliseRights, parseModRights, parseRights, withObsoleteRights } from '../../frontend/imap/grammar/acl-rights.ts';
import { parseAppendMessages } from '../../frontend/imap/grammar/append-args.ts';
import { parseListArguments } from '../../frontend/imap/grammar/list-options.ts';
import { parseQuotaLimits, parseSetQuota } from '../../frontend/imap/grammar/quota.ts';
import { parseSelectParams } from '../../frontend/imap/grammar/select-params.ts';
import { parseSortCriteria } from '../../frontend/imap/grammar/sort-criteria.ts';
import { parseStatusItems } from '../../frontend/imap/grammar/status-items.ts';
import { parseStoreArguments } from '../../frontend/imap/grammar/store-action.ts';
import { THREAD_ALGORITHMS, parseThreadAlgorithm } from '../../frontend/imap/grammar/thread-algorithm.ts';
import { Cursor, ParseError } from '../../frontend/imap/parser.ts';

/** Runs a grammar function over the whole input, requiring it to consume everything. */
function parseAll<T>(fn: (c: Cursor) => T, input: string | Buffer, utf8Accept = false): T {
  const c = new Cursor(input, { utf8Accept });
  const r = fn(c);
  c.end();
  return r;
}

function bad<T>(fn: (c: Cursor) => T, input: string | Buffer, message?: RegExp): void {
  assert.throws(
    () => parseAll(fn, input),
    (e: unknown) => {
      assert.ok(e instanceof ParseError, `${String(input)}: expected ParseError, got ${String(e)}`);
      if (message) assert.match(e.message, message);
      return true;
    },
    String(input),
  );
}

describe('imap grammar: sort criteria', () => {
  it('parses keys with REVERSE', () => {
    assert.deepEqual(parseAll(parseSortCriteria, '(REVERSE ARRIVAL subject)'), [
      { key: 'ARRIVAL', reverse: true },
      { key: 'SUBJECT', reverse: false },
    ]);
    assert.deepEqual(parseAll(parseSortCriteria, '(CC DATE FROM SIZE TO DISPLAYFROM REVERSE DISPLAYTO)').length, 7);
  });

  it('drops repeated keys', () => {
    assert.deepEqual(parseAll(parseSortCriteria, '(DATE REVERSE DATE)'), [{ key: 'DATE', reverse: false }]);
  });

  it('refuses bad criteria', () => {
    for (const s of ['()', 'DATE', '(REVERSE)', '(REVERSE REVERSE DATE)', '(FOO)', '(DATE', '(DATE  SIZE)', '(REVERSE  DATE)']) {
      bad(parseSortCriteria, s);
    }
  });
});

describe('imap grammar: thread algorithm', () => {
  it('accepts supported algorithms in any case', () => {
    assert.equal(parseAll(parseThreadAlgorithm, 'references'), 'REFERENCES');
    assert.equal(parseAll(parseThreadAlgorithm, 'ORDEREDSUBJECT'), 'ORDEREDSUBJECT');
    assert.equal(parseAll((c) => parseThreadAlgorithm(c, ['REFS']), 'refs'), 'REFS');
    assert.deepEqual([...THREAD_ALGORITHMS], ['ORDEREDSUBJECT', 'REFERENCES']);
  });

  it('refuses others', () => {
    bad(parseThreadAlgorithm, 'REFS', /Unsupported/);
    bad(parseThreadAlgorithm, '"REFERENCES"');
    bad(parseThreadAlgorithm, '');
  });
});

describe('imap grammar: status items', () => {
  it('parses all items, dedupes', () => {
    assert.deepEqual(
      parseAll(parseStatusItems, '(MESSAGES recent UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ SIZE DELETED APPENDLIMIT MAILBOXID MESSAGES)'),
      ['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'HIGHESTMODSEQ', 'SIZE', 'DELETED', 'APPENDLIMIT', 'MAILBOXID'],
    );
  });

  it('refuses bad lists', () => {
    for (const s of ['()', 'MESSAGES', '(MESSAGES', '(FOO)', '(MESSAGES  UNSEEN)', '(MESSAGES)x']) bad(parseStatusItems, s);
  });
});

describe('imap grammar: LIST arguments', () => {
  const basic = {
    selection: { subscribed: false, remote: false, recursiveMatch: false, specialUse: false },
    returns: { subscribed: false, children: false, specialUse: false, status: null },
  };

  it('basic LIST', () => {
    assert.deepEqual(parseAll(parseListArguments, '"" *'), { ...basic, reference: '', patterns: ['*'], extended: false });
    assert.deepEqual(parseAll(parseListArguments, '~/Mail/ %'), { ...basic, reference: '~/Mail/', patterns: ['%'], extended: false });
    assert.deepEqual(parseAll(parseListArguments, '"" ""').patterns, ['']);
    assert.deepEqual(parseAll(parseListArguments, '"" "Entw&APw-rfe/*"').patterns, ['Entwürfe/*']);
    assert.deepEqual(parseAll(parseListArguments, '"" "Entwürfe/*"', true).patterns, ['Entwürfe/*']);
    assert.deepEqual(parseAll(parseListArguments, 'inbox inbox').reference, 'INBOX');
  });

  it('selection options', () => {
    const r = parseAll(parseListArguments, '(SUBSCRIBED RECURSIVEMATCH) "" %');
    assert.deepEqual(r.selection, { subscribed: true, remote: false, recursiveMatch: true, specialUse: false });
    assert.equal(r.extended, true);
    assert.deepEqual(parseAll(parseListArguments, '(REMOTE) "" %').selection.remote, true);
    assert.deepEqual(parseAll(parseListArguments, '(special-use recursivematch) "" *').selection.specialUse, true);
    assert.equal(parseAll(parseListArguments, '() "" %').extended, true);
  });

  it('several patterns', () => {
    const r = parseAll(parseListArguments, '"" ("INBOX" Drafts "Sent/%")');
    assert.deepEqual(r.patterns, ['INBOX', 'Drafts', 'Sent/%']);
    assert.equal(r.extended, true);
  });

  it('return options including STATUS', () => {
    const r = parseAll(parseListArguments, '"" % RETURN (CHILDREN SUBSCRIBED SPECIAL-USE STATUS (MESSAGES UNSEEN))');
    assert.deepEqual(r.returns, { subscribed: true, children: true, specialUse: true, status: ['MESSAGES', 'UNSEEN'] });
    assert.equal(parseAll(parseListArguments, '"" % RETURN ()').extended, true);
    assert.deepEqual(parseAll(parseListArguments, '"" % return (status (uidnext) status (uidnext messages))').returns.status, [
      'UIDNEXT',
      'MESSAGES',
    ]);
  });

  it('refuses malformed LISTs', () => {
    for (const s of [
      '',
      '""',
      '"" ',
      '(RECURSIVEMATCH) "" %',
      '(FOO) "" %',
      '(SUBSCRIBED "" %',
      '(SUBSCRIBED)"" %',
      '"" ()',
      '"" (a',
      '"" % RETURN',
      '"" % RETURN (FOO)',
      '"" % RETURN (STATUS)',
      '"" % RETURN (STATUS ())',
      '"" % FOO (CHILDREN)',
      '"" % (CHILDREN)',
    ]) {
      bad(parseListArguments, s);
    }
  });
});

describe('imap grammar: STORE arguments', () => {
  it('the three modes, silent or not', () => {
    assert.deepEqual(parseAll(parseStoreArguments, ' FLAGS (\\Seen)'), {
      unchangedSince: null,
      mode: 'replace',
      silent: false,
      flags: ['\\Seen'],
    });
    assert.deepEqual(parseAll(parseStoreArguments, ' +FLAGS.SILENT (\\deleted $Junk)'), {
      unchangedSince: null,
      mode: 'add',
      silent: true,
      flags: ['\\Deleted', '$Junk'],
    });
    assert.deepEqual(parseAll(parseStoreArguments, ' -flags \\Seen \\Flagged \\seen').flags, ['\\Seen', '\\Flagged']);
    assert.equal(parseAll(parseStoreArguments, ' -flags.silent \\Seen').mode, 'remove');
    assert.deepEqual(parseAll(parseStoreArguments, ' FLAGS ()').flags, []);
  });

  it('UNCHANGEDSINCE', () => {
    assert.equal(parseAll(parseStoreArguments, ' (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)').unchangedSince, 320162338n);
    assert.equal(parseAll(parseStoreArguments, ' (unchangedsince 0) FLAGS ()').unchangedSince, 0n);
  });

  it('refuses malformed STOREs', () => {
    for (const s of [
      '',
      'FLAGS (\\Seen)',
      ' FLAGS',
      ' FLAGS ',
      ' *FLAGS (\\Seen)',
      ' +FLAG (\\Seen)',
      ' FLAGS.LOUD (\\Seen)',
      ' +-FLAGS (\\Seen)',
      ' FLAGS (\\Recent)',
      ' FLAGS \\Recent',
      ' FLAGS (\\Seen',
      ' FLAGS \\Seen  \\Draft',
      ' (UNCHANGEDSINCE) FLAGS ()',
      ' (UNCHANGEDSINCE x) FLAGS ()',
      ' (UNCHANGEDSINCE 1 UNCHANGEDSINCE 2) FLAGS ()',
      ' (FOO 1) FLAGS ()',
      ' () FLAGS ()',
      ' (UNCHANGEDSINCE 1)FLAGS ()',
      ' X-GM-LABELS (foo)',
    ]) {
      bad(parseStoreArguments, s);
    }
  });
});

describe('imap grammar: SELECT parameters', () => {
  it('none, CONDSTORE', () => {
    assert.deepEqual(parseAll(parseSelectParams, ''), { condstore: false, qresync: null });
    assert.deepEqual(parseAll(parseSelectParams, '  '), { condstore: false, qresync: null });
    assert.deepEqual(parseAll(parseSelectParams, ' (CONDSTORE)'), { condstore: true, qresync: null });
    assert.deepEqual(parseAll(parseSelectParams, ' ()'), { condstore: false, qresync: null });
  });

  it('QRESYNC in its forms', () => {
    const q1 = parseAll(parseSelectParams, ' (QRESYNC (67890007 20050715194045000))').qresync;
    assert.deepEqual(q1, { uidValidity: 67890007, modseq: 20050715194045000n, knownUids: null, seqMatch: null });
    const q2 = parseAll(parseSelectParams, ' (QRESYNC (67890007 20050715194045000 41,43:211,214:541))').qresync;
    assert.equal(q2?.knownUids?.format(), '41,43:211,214:541');
    const q3 = parseAll(
      parseSelectParams,
      ' (QRESYNC (67890007 90060115194045000 41:211,214:541 (1:15,19 12:30)))',
    ).qresync;
    assert.equal(q3?.seqMatch?.sequences.format(), '1:15,19');
    assert.equal(q3?.seqMatch?.uids.format(), '12:30');
    const q4 = parseAll(parseSelectParams, ' (condstore qresync (1 2 (1,3 5,7)))');
    assert.equal(q4.condstore, true);
    assert.equal(q4.qresync?.knownUids, null);
    assert.equal(q4.qresync?.seqMatch?.uids.format(), '5,7');
  });

  it('refuses malformed parameters', () => {
    for (const s of [
      'x',
      ' CONDSTORE',
      ' (CONDSTORE CONDSTORE)',
      ' (FOO)',
      ' (QRESYNC)',
      ' (QRESYNC ())',
      ' (QRESYNC (1))',
      ' (QRESYNC (0 1))',
      ' (QRESYNC (1 x))',
      ' (QRESYNC (1 2 1:*))',
      ' (QRESYNC (1 2 $))',
      ' (QRESYNC (1 2 1:5 (1:2)))',
      ' (QRESYNC (1 2 1:5 (1:* 3:4)))',
      ' (QRESYNC (1 2) QRESYNC (1 2))',
      ' (QRESYNC (1 2 ))',
      ' (QRESYNC (1 2 1:5 ))',
      ' (CONDSTORE',
    ]) {
      bad(parseSelectParams, s);
    }
  });
});

describe('imap grammar: APPEND arguments', () => {
  it('a plain literal', () => {
    const [m] = parseAll(parseAppendMessages, ' {5}\r\nhello');
    assert.deepEqual(m.flags, []);
    assert.equal(m.date, null);
    assert.equal(m.data.type, 'literal');
    if (m.data.type === 'literal') {
      assert.equal(m.data.bytes.toString(), 'hello');
      assert.equal(m.data.binary, false);
      assert.equal(m.data.utf8, false);
    }
  });

  it('flags and date', () => {
    const [m] = parseAll(parseAppendMessages, ' (\\Seen \\seen $X) "17-Jul-1996 02:44:25 -0700" {1+}\r\nx');
    assert.deepEqual(m.flags, ['\\Seen', '$X']);
    assert.equal(m.date?.toISOString(), '1996-07-17T09:44:25.000Z');
    const [n] = parseAll(parseAppendMessages, ' "17-Jul-1996 02:44:25 -0700" {1}\r\nx');
    assert.deepEqual(n.flags, []);
    assert.ok(n.date);
  });

  it('MULTIAPPEND', () => {
    const ms = parseAll(parseAppendMessages, ' (\\Seen) {3}\r\none {3}\r\ntwo () "1-Jan-2000 00:00:00 +0000" {5}\r\nthree');
    assert.equal(ms.length, 3);
    assert.deepEqual(
      ms.map((m) => (m.data.type === 'literal' ? m.data.bytes.toString() : '')),
      ['one', 'two', 'three'],
    );
    assert.deepEqual(ms[0].flags, ['\\Seen']);
    assert.equal(ms[2].date?.getUTCFullYear(), 2000);
  });

  it('literal8 and UTF8', () => {
    const [m] = parseAll(parseAppendMessages, Buffer.from(' ~{3}\r\na\0b'));
    assert.ok(m.data.type === 'literal' && m.data.binary && m.data.bytes.length === 3);
    const [u] = parseAll(parseAppendMessages, ' UTF8 (~{2}\r\nhi)');
    assert.ok(u.data.type === 'literal' && u.data.utf8 && u.data.bytes.toString() === 'hi');
  });

  it('CATENATE', () => {
    const [m] = parseAll(
      parseAppendMessages,
      ' (\\Seen) CATENATE (URL "/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER" TEXT {4}\r\n\r\n\r\n URL /x TEXT ~{1}\r\n\0)',
    );
    assert.equal(m.data.type, 'catenate');
    if (m.data.type === 'catenate') {
      assert.deepEqual(
        m.data.parts.map((p) => p.type),
        ['url', 'text', 'url', 'text'],
      );
      assert.deepEqual(m.data.parts[0], { type: 'url', url: '/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER' });
      const t = m.data.parts[3];
      assert.ok(t.type === 'text' && t.binary);
    }
  });

  it('the literal is a view into the command, not a copy', () => {
    const input = Buffer.from(' {5}\r\nhello');
    const [m] = parseAll(parseAppendMessages, input);
    assert.ok(m.data.type === 'literal' && m.data.bytes.buffer === input.buffer);
  });

  it('refuses malformed APPENDs', () => {
    for (const s of [
      '',
      ' ',
      '{5}\r\nhello',
      ' (\\Seen)',
      ' (\\Seen) ',
      ' (\\Seen) "17-Jul-1996 02:44:25 -0700"',
      ' "bad date" {1}\r\nx',
      ' (\\Recent) {1}\r\nx',
      ' {5}\r\nhell',
      ' "17-Jul-1996 02:44:25 -0700" (\\Seen) {1}\r\nx',
      ' (\\Seen)  {1}\r\nx',
      ' {1}\r\nx  {1}\r\ny',
      ' {1}\r\nx{1}\r\ny',
      ' hello',
      ' CATENATE ()',
      ' CATENATE (FOO x)',
      ' CATENATE (TEXT "x")',
      ' CATENATE (URL)',
      ' CATENATE (URL "a b")',
      ' UTF8 {1}\r\nx',
      ' UTF8 (~{1}\r\nx',
      ' {3}\r\na\0b',
    ]) {
      bad(parseAppendMessages, Buffer.from(s, 'latin1'));
    }
  });
});

describe('imap grammar: ACL rights', () => {
  it('normalises rights', () => {
    assert.equal(normaliseRights('lrswipkxtea'), 'lrswipkxtea');
    assert.equal(normaliseRights('arl'), 'lra');
    assert.equal(normaliseRights('lrlr'), 'lr');
    assert.equal(normaliseRights(''), '');
    assert.equal(normaliseRights('c'), 'kx');
    assert.equal(normaliseRights('d'), 'te');
    assert.equal(normaliseRights('lrcd'), 'lrkxte');
    assert.equal(normaliseRights('n9l0'), 'ln09');
  });

  it('refuses unknown rights', () => {
    for (const r of ['L', 'lrz', 'l r', 'é', '+l', 'lr-']) {
      assert.throws(() => normaliseRights(r), ParseError, r);
    }
  });

  it('parseRights and parseModRights read astrings', () => {
    assert.equal(parseAll(parseRights, '"rl"'), 'lr');
    assert.deepEqual(parseAll(parseModRights, '+lr'), { mode: 'add', rights: 'lr' });
    assert.deepEqual(parseAll(parseModRights, '-w'), { mode: 'remove', rights: 'w' });
    assert.deepEqual(parseAll(parseModRights, 'lrswi'), { mode: 'replace', rights: 'lrswi' });
    assert.deepEqual(parseAll(parseModRights, '""'), { mode: 'replace', rights: '' });
    assert.deepEqual(parseAll(parseModRights, '{3}\r\n+cd'), { mode: 'add', rights: 'kxte' });
    bad(parseModRights, '+-l');
    bad(parseModRights, '+Q');
    bad(parseRights, 'lr x');
    bad(parseRights, '(l)');
  });

  it('adds the virtual c and d for responses', () => {
    assert.equal(withObsoleteRights('lrk'), 'lrkc');
    assert.equal(withObsoleteRights('lrt'), 'lrtd');
    assert.equal(withObsoleteRights('lrswipkxtea'), 'lrswipkxteacd');
    assert.equal(withObsoleteRights('lr'), 'lr');
  });
});

describe('imap grammar: quota', () => {
  it('SETQUOTA arguments', () => {
    assert.deepEqual(parseAll(parseSetQuota, '"" (STORAGE 512)'), { root: '', limits: [{ resource: 'STORAGE', limit: 512 }] });
    assert.deepEqual(parseAll(parseSetQuota, 'user.fred (storage 1024 MESSAGE 100)'), {
      root: 'user.fred',
      limits: [
        { resource: 'STORAGE', limit: 1024 },
        { resource: 'MESSAGE', limit: 100 },
      ],
    });
    assert.deepEqual(parseAll(parseSetQuota, '"" ()').limits, []);
    assert.deepEqual(parseAll(parseQuotaLimits, '(X-CUSTOM 0)'), [{ resource: 'X-CUSTOM', limit: 0 }]);
  });

  it('refuses malformed SETQUOTA', () => {
    for (const s of [
      '',
      '""',
      '"" STORAGE 512',
      '"" (STORAGE)',
      '"" (STORAGE x)',
      '"" (STORAGE -1)',
      '"" (STORAGE 1 storage 2)',
      '"" (STORAGE 1',
      '"" (512 STORAGE)',
      '"" (STORAGE 99999999999999999999)',
    ]) {
      bad(parseSetQuota, s);
    }
  });
});
