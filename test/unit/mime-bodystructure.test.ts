// BODYSTRUCTURE and BODY (RFC 3501 §7.4.2, RFC 9051 §7.5.2): exact values for hand-written
// messages, with sizes and line counts worked out independently of the parser.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseMessage } from '../../frontend/mime/parse.ts';
import type { ImapValue } from '../../frontend/mime/types.ts';
import { checkInvariants } from '../fixtures/mime/invariants.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/mime/${name}`, import.meta.url));
const crlf = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');
const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const lfs = (s: string): number => s.split('\n').length - 1;

function structure(raw: Buffer): { bs: ImapValue; body: ImapValue } {
  const p = parseMessage(raw);
  checkInvariants(raw, p);
  return { bs: p.bodystructure, body: p.body };
}

describe('mime BODYSTRUCTURE', () => {
  it('describes a plain message with the RFC 2045 defaults', () => {
    const { bs, body } = structure(crlf('Subject: x', '', 'line one', 'line two', ''));
    const size = bytes('line one\r\nline two\r\n');
    assert.deepEqual(bs, ['TEXT', 'PLAIN', ['CHARSET', 'us-ascii'], null, null, '7BIT', size, 2, null, null, null, null]);
    assert.deepEqual(body, ['TEXT', 'PLAIN', ['CHARSET', 'us-ascii'], null, null, '7BIT', size, 2]);
  });

  it('keeps parameter order and values, upper-cases names and tokens', () => {
    const { bs } = structure(crlf(
      'Content-Type: Text/Plain; Charset="UTF-8"; format=flowed; DelSp=yes',
      'Content-Transfer-Encoding: Quoted-Printable',
      'Content-ID: <id@example.com>',
      'Content-Description: A =?utf-8?q?description?=',
      'Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==',
      'Content-Disposition: inline; filename="a b.txt"; size=12',
      'Content-Language: en-US, (comment) de',
      'Content-Location: http://example.com/a.txt',
      '', 'x'));
    assert.deepEqual(bs, [
      'TEXT', 'PLAIN', ['CHARSET', 'UTF-8', 'FORMAT', 'flowed', 'DELSP', 'yes'], '<id@example.com>',
      'A =?utf-8?q?description?=', 'QUOTED-PRINTABLE', 1, 0,
      'Q2hlY2sgSW50ZWdyaXR5IQ==', ['INLINE', ['FILENAME', 'a b.txt', 'SIZE', '12']], ['en-US', 'de'],
      'http://example.com/a.txt',
    ]);
  });

  it('writes NIL for a non-text part without parameters and no line count', () => {
    const { bs } = structure(crlf('Content-Type: application/octet-stream', 'Content-Transfer-Encoding: base64', '', 'AAAA'));
    assert.deepEqual(bs, ['APPLICATION', 'OCTET-STREAM', null, null, null, 'BASE64', 4, null, null, null, null]);
  });

  it('writes a disposition without parameters as (TYPE NIL)', () => {
    const { bs } = structure(crlf('Content-Type: image/gif', 'Content-Disposition: attachment', '', ''));
    assert.deepEqual((bs as ImapValue[])[8], ['ATTACHMENT', null]);
  });

  it('merges RFC 2231 continuations and keeps the encoding, as Dovecot does', () => {
    const { bs } = structure(fixture('rfc2231.eml'));
    const parts = bs as ImapValue[][];
    assert.deepEqual(parts[0][2], ['NAME*', "iso-8859-1'de'M%FCnchen.txt"]);
    assert.deepEqual(parts[0][8], ['ATTACHMENT', ['FILENAME*', "iso-8859-1'de'M%FCnchen.txt"]]);
    assert.deepEqual(parts[1][8], ['ATTACHMENT', ['FILENAME', 'very long file name.txt']]);
    assert.deepEqual(parts[2][2], ['NAME', '=?utf-8?Q?=E2=82=AC_invoice.pdf?=']);
    // Segments sorted by number; the unencoded continuation is percent-encoded into the value.
    assert.deepEqual(parts[3][8], ['ATTACHMENT', ['FILENAME*', "utf-8''part%20one%20two.txt"]]);
    assert.equal(parts[4], 'MIXED');
  });

  it('describes the nested fixture exactly', () => {
    const raw = fixture('nested.eml');
    const text = raw.toString('utf8');
    const html = '<html><head><style>p {color: red}</style><script>alert("x")</script></head><body><p>Café &amp; cr&egrave;me</p></body></html>';
    const messageBody = text.slice(text.indexOf('From: Carol'), text.indexOf('--enc--') + '--enc--'.length);
    const innerEnvelope: ImapValue = [
      'Sun, 6 Feb 1994 10:00:00 +0000', '=?utf-8?B?R3LDvMOfZQ==?=',
      [['Carol', null, 'carol', 'example.net']], [['Carol', null, 'carol', 'example.net']],
      [['Carol', null, 'carol', 'example.net']], [[null, null, 'alice', 'example.com']], null, null, null,
      '<inner@example.net>',
    ];
    const png = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('base64').match(/.{1,76}/g)?.join('\r\n') ?? '';
    const { bs, body } = structure(raw);
    assert.deepEqual(bs, [
      ['TEXT', 'PLAIN', ['CHARSET', 'us-ascii'], null, null, '7BIT', bytes('Plain text part, line one.\r\nLine two.'), 1,
        null, null, null, null],
      [
        ['TEXT', 'PLAIN', ['CHARSET', 'iso-8859-1'], null, null, 'QUOTED-PRINTABLE', 14, 0, null, null, null, null],
        ['TEXT', 'HTML', ['CHARSET', 'utf-8'], null, null, '8BIT', bytes(html), 0, null, null, null, null],
        'ALTERNATIVE', ['BOUNDARY', 'inner'], null, null, null,
      ],
      ['MESSAGE', 'RFC822', null, null, 'forwarded message', '7BIT', bytes(messageBody), innerEnvelope,
        [
          ['TEXT', 'PLAIN', ['CHARSET', 'us-ascii'], null, null, '7BIT', 11, 0, null, null, null, null],
          ['APPLICATION', 'PDF', ['NAME', 'report.pdf'], null, null, 'BASE64', 12, null,
            ['ATTACHMENT', ['FILENAME*', "utf-8''Gr%C3%BC%C3%9Fe%20aus%20Berlin.pdf"]], null, null],
          'MIXED', ['BOUNDARY', 'enc'], null, null, null,
        ],
        lfs(messageBody), null, null, null, null],
      ['IMAGE', 'PNG', ['NAME', 'pixels.png'], '<pixels@example.com>', null, 'BASE64', bytes(png),
        'Q2hlY2sgSW50ZWdyaXR5IQ==', ['INLINE', null], ['en', 'de'], 'http://example.com/pixels.png'],
      'MIXED', ['BOUNDARY', 'outer'], null, null, null,
    ]);
    assert.deepEqual(body, [
      ['TEXT', 'PLAIN', ['CHARSET', 'us-ascii'], null, null, '7BIT', 37, 1],
      [
        ['TEXT', 'PLAIN', ['CHARSET', 'iso-8859-1'], null, null, 'QUOTED-PRINTABLE', 14, 0],
        ['TEXT', 'HTML', ['CHARSET', 'utf-8'], null, null, '8BIT', bytes(html), 0],
        'ALTERNATIVE',
      ],
      ['MESSAGE', 'RFC822', null, null, 'forwarded message', '7BIT', bytes(messageBody), innerEnvelope,
        [
          ['TEXT', 'PLAIN', ['CHARSET', 'us-ascii'], null, null, '7BIT', 11, 0],
          ['APPLICATION', 'PDF', ['NAME', 'report.pdf'], null, null, 'BASE64', 12],
          'MIXED',
        ],
        lfs(messageBody)],
      ['IMAGE', 'PNG', ['NAME', 'pixels.png'], '<pixels@example.com>', null, 'BASE64', bytes(png)],
      'MIXED',
    ]);
  });

  it('counts a message/rfc822 part\'s lines over the whole encapsulated message', () => {
    const { bs } = structure(crlf('Content-Type: message/rfc822', '', 'Subject: s', '', 'a', 'b'));
    assert.deepEqual(bs, ['MESSAGE', 'RFC822', null, null, null, '7BIT', bytes('Subject: s\r\n\r\na\r\nb'), [
      null, 's', null, null, null, null, null, null, null, null,
    ], ['TEXT', 'PLAIN', ['CHARSET', 'us-ascii'], null, null, '7BIT', bytes('a\r\nb'), 1, null, null, null, null], 3,
    null, null, null, null]);
  });

  it('reports message/global as a basic type, as IMAP4rev1 clients expect', () => {
    const { bs } = structure(crlf('Content-Type: message/global', '', 'Subject: s', '', 'a'));
    assert.deepEqual((bs as ImapValue[]).slice(0, 2), ['MESSAGE', 'GLOBAL']);
    assert.equal((bs as ImapValue[]).length, 11);
  });

  it('reports an empty multipart as text so that BODYSTRUCTURE stays valid', () => {
    const { bs } = structure(crlf('Content-Type: multipart/mixed; boundary=b', '', '--b--', ''));
    assert.deepEqual(bs, ['TEXT', 'PLAIN', ['CHARSET', 'us-ascii'], null, null, '7BIT', bytes('--b--\r\n'), 1, null, null, null, null]);
  });

  it('reports parts nested beyond the limit as opaque', () => {
    let message = 'leaf';
    for (let i = 0; i < 150; i++) message = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${message}\r\n--b${i}--\r\n`;
    const raw = Buffer.from(message);
    const p = parseMessage(raw);
    checkInvariants(raw, p);
    let node = p.bodystructure as ImapValue[];
    let depth = 0;
    while (Array.isArray(node[0])) {
      node = node[0];
      depth++;
    }
    assert.equal(depth, 100);
    assert.deepEqual(node.slice(0, 2), ['APPLICATION', 'OCTET-STREAM']);
    assert.ok(p.problems.some((x) => x.includes('nested deeper than 100')));
  });

  it('sizes bare-LF parts in stored octets', () => {
    const raw = Buffer.from('Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\ny\n--b--\n');
    const { bs } = structure(raw);
    assert.deepEqual((bs as ImapValue[])[0], ['TEXT', 'PLAIN', ['CHARSET', 'us-ascii'], null, null, '7BIT', 3, 1, null, null, null, null]);
  });
});
