// parseMessage on hand-written torture messages: part numbering and byte offsets (every IMAP
// BODY[section…] must be a plain slice), header blocks, broken structure, decoded header
// values, message ids, dates and search text.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseMessage } from '../../frontend/mime/parse.ts';
import type { ParsedMessage, PartInfo } from '../../frontend/mime/types.ts';
import { checkInvariants } from '../fixtures/mime/invariants.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/mime/${name}`, import.meta.url));
const crlf = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');

function parsed(raw: Buffer): ParsedMessage {
  const p = parseMessage(raw);
  checkInvariants(raw, p);
  return p;
}

function part(p: ParsedMessage, section: string): PartInfo {
  const found = p.parts.find((x) => x.section === section);
  assert.ok(found, `no part ${section}`);
  return found;
}

/** BODY[section] */
const body = (raw: Buffer, p: ParsedMessage, section: string): string => {
  const x = part(p, section);
  return raw.subarray(x.bodyStart, x.end).toString('utf8');
};
/** BODY[section.MIME] */
const mime = (raw: Buffer, p: ParsedMessage, section: string): string => {
  const x = part(p, section);
  return raw.subarray(x.start, x.bodyStart).toString('utf8');
};
/** BODY[section.HEADER] of a message/rfc822 part */
const header = (raw: Buffer, p: ParsedMessage, section: string): string => {
  const x = part(p, section);
  assert.ok(x.messageHeaderEnd !== undefined, `${section} is message/rfc822`);
  return raw.subarray(x.bodyStart, x.messageHeaderEnd).toString('utf8');
};
/** BODY[section.TEXT] of a message/rfc822 part */
const text = (raw: Buffer, p: ParsedMessage, section: string): string => {
  const x = part(p, section);
  assert.ok(x.messageHeaderEnd !== undefined, `${section} is message/rfc822`);
  return raw.subarray(x.messageHeaderEnd, x.end).toString('utf8');
};
const sections = (p: ParsedMessage): string[] => p.parts.map((x) => `${x.section}=${x.contentType}`);

describe('mime parseMessage: structure and offsets', () => {
  const raw = fixture('nested.eml');
  const p = parsed(raw);

  it('numbers the parts as RFC 3501 §6.4.5 does', () => {
    assert.deepEqual(sections(p), [
      '=multipart/mixed', '1=text/plain', '2=multipart/alternative', '2.1=text/plain', '2.2=text/html',
      '3=message/rfc822', '3.1=text/plain', '3.2=application/pdf', '4=image/png',
    ]);
  });

  it('measures the top-level header including its blank line', () => {
    const blank = raw.indexOf('\r\n\r\n');
    assert.equal(p.headerSize, blank + 4);
    assert.equal(p.size, raw.length);
    assert.equal(part(p, '').bodyStart, p.headerSize);
  });

  it('slices BODY[n] without the CRLF before the next delimiter', () => {
    assert.equal(body(raw, p, '1'), 'Plain text part, line one.\r\nLine two.');
    assert.equal(body(raw, p, '2.1'), 'Caf=E9 au lait');
    assert.ok(body(raw, p, '2.2').startsWith('<html>') && body(raw, p, '2.2').endsWith('</html>'));
    assert.equal(body(raw, p, '3.2'), 'JVBERi0xLjQK');
    assert.equal(body(raw, p, '3.1'), 'Inner text.');
    assert.ok(body(raw, p, '4').startsWith('AAECAwQF') && body(raw, p, '4').endsWith('/w=='));
  });

  it('slices BODY[n.MIME] including the blank line', () => {
    assert.equal(mime(raw, p, '1'), 'Content-Type: text/plain; charset=us-ascii\r\n\r\n');
    assert.equal(mime(raw, p, '2.1'),
      'Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n');
    assert.ok(mime(raw, p, '3').startsWith('Content-Type: message/rfc822\r\n'));
  });

  it('slices a multipart body from its preamble to its close delimiter', () => {
    const alt = body(raw, p, '2');
    assert.ok(alt.startsWith('--inner\r\n'));
    assert.ok(alt.endsWith('--inner--'));
  });

  it('slices HEADER and TEXT of a message/rfc822 part', () => {
    const h = header(raw, p, '3');
    assert.ok(h.startsWith('From: Carol <carol@example.net>\r\n'));
    assert.ok(h.endsWith('boundary="enc"\r\n\r\n'));
    const t = text(raw, p, '3');
    assert.ok(t.startsWith('--enc\r\n'));
    assert.ok(t.endsWith('--enc--'));
    assert.equal(body(raw, p, '3'), h + t);
  });

  it('records encodings, charsets and file names', () => {
    assert.equal(part(p, '2.1').encoding, 'quoted-printable');
    assert.equal(part(p, '2.1').charset, 'iso-8859-1');
    assert.equal(part(p, '2.2').encoding, '8bit');
    assert.equal(part(p, '3.1').charset, null);
    assert.equal(part(p, '3.2').filename, 'Grüße aus Berlin.pdf');
    assert.equal(part(p, '4').filename, 'pixels.png');
    assert.deepEqual(p.problems, []);
  });

  it('gives the same structure with bare LF line ends', () => {
    const lf = Buffer.from(raw.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    const q = parsed(lf);
    assert.deepEqual(sections(q), sections(p));
    for (const x of p.parts) {
      assert.equal(body(lf, q, x.section), body(raw, p, x.section).replace(/\r\n/g, '\n'), `BODY[${x.section}]`);
    }
    assert.equal(q.headerSize, lf.indexOf('\n\n') + 2);
  });

  it('parses a bare-LF fixture', () => {
    const r = fixture('bare-lf.eml');
    const q = parsed(r);
    assert.deepEqual(sections(q), ['=multipart/mixed', '1=text/plain', '2=text/plain']);
    assert.equal(body(r, q, '1'), 'one');
    assert.equal(body(r, q, '2'), 'two');
    assert.equal(mime(r, q, '2'), 'Content-Type: text/plain\n\n');
  });
});

describe('mime parseMessage: section numbering of messages in messages', () => {
  it('numbers a non-multipart message\'s body as part 1', () => {
    const raw = crlf('Subject: x', '', 'hello');
    const p = parsed(raw);
    assert.deepEqual(sections(p), ['=text/plain', '1=text/plain']);
    assert.equal(body(raw, p, '1'), 'hello');
    assert.equal(mime(raw, p, '1'), 'Subject: x\r\n\r\n');
  });

  it('numbers nested message/rfc822 parts under their parents', () => {
    const raw = fixture('message-in-message.eml');
    const p = parsed(raw);
    assert.deepEqual(sections(p), ['=message/rfc822', '1=message/rfc822', '1.1=message/rfc822', '1.1.1=text/plain']);
    assert.ok(header(raw, p, '1').startsWith('From: b@example.com'));
    assert.ok(header(raw, p, '1.1').startsWith('From: c@example.com'));
    assert.equal(text(raw, p, '1.1'), 'deep body\r\n');
    assert.equal(body(raw, p, '1.1.1'), 'deep body\r\n');
    assert.equal(mime(raw, p, '1.1.1'), 'From: c@example.com\r\nSubject: innermost\r\n\r\n');
  });

  it('numbers a non-multipart message/rfc822 part\'s body n.1', () => {
    const raw = crlf(
      'Content-Type: multipart/mixed; boundary=b', '',
      '--b', 'Content-Type: message/rfc822', '',
      'Subject: inner', '', 'inner body',
      '--b--', '');
    const p = parsed(raw);
    assert.deepEqual(sections(p), ['=multipart/mixed', '1=message/rfc822', '1.1=text/plain']);
    assert.equal(body(raw, p, '1.1'), 'inner body');
    assert.equal(header(raw, p, '1'), 'Subject: inner\r\n\r\n');
    assert.equal(mime(raw, p, '1.1'), 'Subject: inner\r\n\r\n');
  });

  it('treats parts of multipart/digest without Content-Type as message/rfc822', () => {
    const raw = fixture('digest.eml');
    const p = parsed(raw);
    assert.deepEqual(sections(p), [
      '=multipart/digest', '1=message/rfc822', '1.1=text/plain', '2=text/plain', '3=message/rfc822', '3.1=text/plain',
    ]);
    assert.equal(text(raw, p, '3'), 'two');
  });
});

describe('mime parseMessage: broken structure', () => {
  it('ends the last part at the end of the message when the close delimiter is missing', () => {
    const raw = fixture('missing-final-boundary.eml');
    const p = parsed(raw);
    assert.deepEqual(sections(p), ['=multipart/mixed', '1=text/plain', '2=text/plain']);
    assert.equal(body(raw, p, '1'), 'first');
    assert.equal(body(raw, p, '2'), 'second, and the message ends without a close delimiter\r\n');
    assert.ok(p.problems.includes('missing close delimiter'));
  });

  it('shows a multipart whose boundary never appears as text', () => {
    const raw = fixture('boundary-never.eml');
    const p = parsed(raw);
    assert.deepEqual(sections(p), ['=text/plain', '1=text/plain']);
    assert.ok(body(raw, p, '1').startsWith('--wrong-boundary'));
    assert.ok(p.bodyText.includes('hello there'));
    assert.ok(p.problems.some((x) => x.startsWith('boundary never found')));
  });

  it('treats a multipart without boundary parameter as text', () => {
    const raw = crlf('Content-Type: multipart/mixed', '', 'just text');
    const p = parsed(raw);
    assert.deepEqual(sections(p), ['=text/plain', '1=text/plain']);
    assert.ok(p.problems.some((x) => x.includes('without a boundary')));
  });

  it('treats a multipart with only a close delimiter as text', () => {
    const raw = crlf('Content-Type: multipart/mixed; boundary=z', '', 'pre', '--z--', 'post');
    const p = parsed(raw);
    assert.deepEqual(sections(p), ['=text/plain', '1=text/plain']);
    assert.equal(body(raw, p, '1'), 'pre\r\n--z--\r\npost');
  });

  it('lets an outer boundary end an inner multipart that was never closed', () => {
    const raw = fixture('prefix-boundaries.eml');
    const p = parsed(raw);
    assert.deepEqual(sections(p), [
      '=multipart/mixed', '1=multipart/alternative', '1.1=text/plain', '1.2=text/plain', '2=text/plain',
    ]);
    assert.equal(body(raw, p, '1.1'), 'inner one');
    assert.equal(body(raw, p, '1.2'), 'inner two');
    assert.equal(body(raw, p, '2'), 'outer two');
    assert.ok(p.problems.includes('missing close delimiter'));
  });

  it('prefers the longest boundary that matches a delimiter line', () => {
    // The inner boundary "abc-1" starts with the outer "abc"; its lines must not end outer parts.
    const raw = crlf(
      'Content-Type: multipart/mixed; boundary=abc', '',
      '--abc', 'Content-Type: multipart/alternative; boundary=abc-1', '',
      '--abc-1', '', 'one', '--abc-1', '', 'two', '--abc-1--',
      '--abc', '', 'three', '--abc--', '');
    const p = parsed(raw);
    assert.deepEqual(sections(p), ['=multipart/mixed', '1=multipart/alternative', '1.1=text/plain', '1.2=text/plain', '2=text/plain']);
    assert.equal(body(raw, p, '1.2'), 'two');
    assert.deepEqual(p.problems, []);
  });

  it('accepts delimiter lines with trailing whitespace or text (RFC 2046 prefix rule)', () => {
    const raw = crlf('Content-Type: multipart/mixed; boundary=b', '', '--b  ', '', 'one', '--b trailing junk', '', 'two', '--b--junk', 'epilogue');
    const p = parsed(raw);
    assert.deepEqual(sections(p), ['=multipart/mixed', '1=text/plain', '2=text/plain']);
    assert.equal(body(raw, p, '1'), 'one');
    assert.equal(body(raw, p, '2'), 'two');
  });

  it('ends a part header at a delimiter when the blank line is missing', () => {
    const raw = crlf('Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/html', '--b', '', 'two', '--b--');
    const p = parsed(raw);
    assert.deepEqual(sections(p), ['=multipart/mixed', '1=text/html', '2=text/plain']);
    assert.equal(mime(raw, p, '1'), 'Content-Type: text/html');
    assert.equal(body(raw, p, '1'), '');
    assert.equal(body(raw, p, '2'), 'two');
  });

  it('handles empty parts and adjacent delimiters', () => {
    const raw = crlf('Content-Type: multipart/mixed; boundary=b', '', '--b', '--b', '', '--b--');
    const p = parsed(raw);
    assert.deepEqual(sections(p), ['=multipart/mixed', '1=text/plain', '2=text/plain']);
    assert.equal(body(raw, p, '1'), '');
    assert.equal(body(raw, p, '2'), '');
  });

  it('uses a quoted boundary with spaces and special characters', () => {
    const boundary = "=_Part (1) '+,/:?";
    const raw = crlf(`Content-Type: multipart/mixed; boundary="${boundary}"`, '', `--${boundary}`, '', 'x', `--${boundary}--`);
    const p = parsed(raw);
    assert.deepEqual(sections(p), ['=multipart/mixed', '1=text/plain']);
    assert.equal(body(raw, p, '1'), 'x');
  });

  it('reports a message/rfc822 part with base64 encoding as opaque', () => {
    const raw = crlf('Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: message/rfc822',
      'Content-Transfer-Encoding: base64', '', 'U3ViamVjdDogeA0KDQpib2R5', '--b--');
    const p = parsed(raw);
    assert.deepEqual(sections(p), ['=multipart/mixed', '1=application/octet-stream']);
    assert.ok(p.problems.some((x) => x.includes('treated as opaque')));
  });

  it('defaults an unparsable Content-Type to text/plain', () => {
    const raw = crlf('Content-Type: ;;;', '', 'x');
    const p = parsed(raw);
    assert.deepEqual(sections(p), ['=text/plain', '1=text/plain']);
    assert.ok(p.problems.some((x) => x.startsWith('unparsable Content-Type')));
  });
});

describe('mime parseMessage: header blocks', () => {
  it('treats a message without blank line as all header', () => {
    const raw = fixture('header-only.eml');
    const p = parsed(raw);
    assert.equal(p.headerSize, raw.length);
    assert.equal(body(raw, p, '1'), '');
    assert.equal(p.subject, 'only a header');
  });

  it('parses the empty message', () => {
    const p = parsed(Buffer.alloc(0));
    assert.equal(p.size, 0);
    assert.equal(p.headerSize, 0);
    assert.deepEqual(p.envelope, [null, null, null, null, null, null, null, null, null, null]);
    assert.deepEqual(p.body, ['TEXT', 'PLAIN', ['CHARSET', 'us-ascii'], null, null, '7BIT', 0, 0]);
    assert.deepEqual(p.headers, []);
    assert.equal(p.baseSubject, '');
  });

  it('parses a message that starts with its blank line', () => {
    const raw = crlf('', 'body only');
    const p = parsed(raw);
    assert.equal(p.headerSize, 2);
    assert.deepEqual(p.headers, []);
    assert.equal(body(raw, p, '1'), 'body only');
  });

  it('ends the header at the first empty line, not at a line of spaces', () => {
    const raw = crlf('Subject: a', '   ', 'X-After: b', '', 'body');
    const p = parsed(raw);
    assert.deepEqual(p.headers.map(([n]) => n), ['Subject', 'X-After']);
    assert.equal(body(raw, p, '1'), 'body');
  });

  it('keeps field names as written and unfolds values', () => {
    const raw = crlf('SUBJECT: folded', '\tover two lines', 'x-custom :  spaced  ', 'X-Empty:', '', '');
    const p = parsed(raw);
    assert.deepEqual(p.headers, [['SUBJECT', 'folded\tover two lines'], ['x-custom', 'spaced'], ['X-Empty', '']]);
    assert.equal(p.subject, 'folded\tover two lines');
    assert.equal(p.baseSubject, 'folded over two lines');
  });

  it('skips lines that are not header fields and reports them', () => {
    const raw = crlf('From nobody Thu Aug 22 12:36:23 2002', 'Subject: ok', ' continuation of junk?', 'no colon here', 'X: y', '', '');
    const p = parsed(raw);
    assert.deepEqual(p.headers, [['Subject', 'ok continuation of junk?'], ['X', 'y']]);
    assert.ok(p.problems.includes('header lines without a field name'));
  });

  it('reads 8-bit latin1 headers as windows-1252', () => {
    const raw = fixture('latin1-headers.eml');
    const p = parsed(raw);
    assert.equal(p.subject, 'Grüße aus Köln');
    assert.deepEqual(p.from, [{ name: 'Jörg Müller', localpart: 'joerg', domain: 'example.de' }]);
    assert.equal((p.envelope as unknown[])[1], 'Grüße aus Köln');
    assert.equal(p.bodyText, 'Körper ohne Charset\n');
  });

  it('reads 8-bit UTF-8 headers as UTF-8', () => {
    const raw = fixture('utf8-headers.eml');
    const p = parsed(raw);
    assert.equal(p.subject, 'Grüße aus Köln ✓');
    assert.deepEqual(p.to, [{ name: 'Renée', localpart: 'renée', domain: 'exämple.fr' }]);
    assert.equal(p.bodyText, 'Körper mit UTF-8 ✓\n');
  });

  it('decodes RFC 2047 words in every header value', () => {
    const raw = fixture('encoded-words.eml');
    const p = parsed(raw);
    const h = new Map(p.headers);
    assert.equal(h.get('From'), 'Keld Jørn Simonsen <keld@example.dk>');
    assert.equal(h.get('To'), 'Keith Moore <moore@example.edu>, André Pirard <PIRARD@example.be>');
    assert.equal(h.get('Cc'), '"Éléonore" <eleonore@example.fr>');
    assert.equal(p.subject, 'If you can read this you understand the example.');
    assert.equal(h.get('X-Split'), '€ and a b');
    assert.equal(h.get('X-Glued'), 'foobarbaz');
    assert.equal(h.get('X-Spaces'), 'ab');
    assert.equal(h.get('X-Broken'), '=?utf-8?Q?unterminated and x =?utf-8?X?bad?=');
    assert.ok(p.problems.includes('unknown charset "nosuch" in encoded-word'));
  });

  it('writes RFC 2231 parameters of Content-Type and Content-Disposition decoded', () => {
    const raw = crlf("Content-Type: text/plain; name*=utf-8''%E2%82%AC.txt; charset=utf-8",
      'Content-Disposition: attachment; filename*0="a b"; filename*1=".txt"', '', '');
    const p = parsed(raw);
    assert.deepEqual(p.headers, [
      ['Content-Type', 'text/plain; name="€.txt"; charset=utf-8'],
      ['Content-Disposition', 'attachment; filename="a b.txt"'],
    ]);
  });
});

describe('mime parseMessage: parameters and file names', () => {
  const raw = fixture('rfc2231.eml');
  const p = parsed(raw);

  it('decodes RFC 2231 charsets, continuations and out-of-order segments', () => {
    assert.equal(part(p, '1').filename, 'München.txt');
    assert.equal(part(p, '2').filename, 'very long file name.txt');
    assert.equal(part(p, '3').filename, '€ invoice.pdf');
    assert.equal(part(p, '4').filename, 'part one two.txt');
  });

  it('reports an unknown charset in a text part and guesses its text', () => {
    const r = fixture('unknown-charset.eml');
    const q = parsed(r);
    assert.equal(q.bodyText, 'tlhIngan Hol é');
    assert.equal(q.subject, 'qaplaé');
    assert.ok(q.problems.includes('unknown charset "x-klingon"'));
  });
});

describe('mime parseMessage: ids, dates, subjects and addresses', () => {
  const raw = fixture('nested.eml');
  const p = parsed(raw);

  it('extracts Message-ID, In-Reply-To and References', () => {
    assert.equal(p.messageId, '<B27397-0100000@example.com>');
    assert.deepEqual(p.inReplyTo, ['<parent@example.com>']);
    assert.deepEqual(p.references, ['<root@example.com>', '<parent@example.com>']);
  });

  it('extracts ids from junk around them', () => {
    const q = parsed(crlf(
      'Message-ID: bare.id@example.com',
      'In-Reply-To: Your message of "Tue, 1 Jul <not an id" <a@b> (and <c@d> in a comment)',
      'References: <x@y>\t<folded', ' @id> junk <z@w>', '', ''));
    assert.equal(q.messageId, '<bare.id@example.com>');
    assert.deepEqual(q.inReplyTo, ['<a@b>']);
    assert.deepEqual(q.references, ['<x@y>', '<folded@id>', '<z@w>']);
  });

  it('has no ids when the fields are missing or hopeless', () => {
    const q = parsed(crlf('Message-ID: not an id', '', ''));
    assert.equal(q.messageId, null);
    assert.deepEqual(q.inReplyTo, []);
    assert.deepEqual(q.references, []);
  });

  it('parses the date', () => {
    assert.equal(p.date?.toISOString(), '1994-02-08T05:52:25.000Z');
    const q = parsed(crlf('Date: the day after tomorrow', '', ''));
    assert.equal(q.date, null);
    assert.ok(q.problems.some((x) => x.startsWith('unparsable Date')));
    assert.equal(parsed(crlf('Subject: x', '', '')).date, null);
  });

  it('computes the base subject from the decoded subject', () => {
    assert.equal(p.subject, 'Re: [list] Fwd: The quarterly report (fwd)');
    assert.equal(p.baseSubject, 'The quarterly report');
    const q = parsed(crlf('Subject: =?utf-8?q?Re=3A_=5Bfwd=3A_Gr=C3=BC=C3=9Fe=5D?=', '', ''));
    assert.equal(q.baseSubject, 'Grüße');
  });

  it('decodes addresses, dropping group markers', () => {
    assert.deepEqual(p.to, [{ name: 'Bob', localpart: 'bob', domain: 'example.org' }]);
    assert.deepEqual(p.cc, [
      { name: null, localpart: 'carol', domain: 'example.net' },
      { name: 'Dave D.', localpart: 'dave', domain: 'example.net' },
      { name: null, localpart: 'erin', domain: 'example.com' },
    ]);
    assert.deepEqual(p.sender, p.from);
    assert.deepEqual(p.replyTo, p.from);
    assert.deepEqual(p.bcc, []);
  });
});

describe('mime parseMessage: search text', () => {
  it('collects decoded text of all text parts and of encapsulated messages', () => {
    const p = parsed(fixture('nested.eml'));
    assert.equal(p.bodyText, [
      'Plain text part, line one.\nLine two.',
      'Café au lait',
      'Café & crème',
      'From: Carol <carol@example.net>',
      'To: alice@example.com',
      'Subject: Grüße',
      'Date: Sun, 6 Feb 1994 10:00:00 +0000',
      'Inner text.',
    ].join('\n'));
  });

  it('decodes base64 text in its charset', () => {
    const p = parsed(crlf('Content-Type: text/plain; charset=iso-8859-15', 'Content-Transfer-Encoding: base64', '',
      Buffer.from([0xa4, 0x20, 0x35]).toString('base64')));
    assert.equal(p.bodyText, '€ 5');
  });

  it('converts ISO-2022-JP text', () => {
    // "日本語" in ISO-2022-JP
    const jis = Buffer.from([0x1b, 0x24, 0x42, 0x46, 0x7c, 0x4b, 0x5c, 0x38, 0x6c, 0x1b, 0x28, 0x42]);
    const raw = Buffer.concat([crlf('Subject: =?ISO-2022-JP?B?' + jis.toString('base64') + '?=',
      'Content-Type: text/plain; charset=ISO-2022-JP', '', ''), jis]);
    const p = parsed(raw);
    assert.equal(p.subject, '日本語');
    assert.equal(p.bodyText, '日本語');
  });

  it('skips non-text parts', () => {
    const p = parsed(crlf('Content-Type: application/octet-stream', '', 'binary stuff'));
    assert.equal(p.bodyText, '');
  });

  it('stops at a million characters', () => {
    const big = 'x'.repeat(700000);
    const raw = crlf('Content-Type: multipart/mixed; boundary=b', '', '--b', '', big, '--b', '', big, '--b--');
    const p = parsed(raw);
    assert.equal(p.bodyText.length, 1000000);
  });
});
