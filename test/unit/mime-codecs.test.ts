// Transfer encodings, RFC 2047 encoded-words, charsets and the HTML reducer.

import assert from 'node:assert/strict';
import { decodeCharset, isKnownCharset } from '../../frontend/mime/charset.ts';
import { parseContentType, parseParameterized } from '../../frontend/mime/content-type.ts';
import { decodeEncodedWords } from '../../frontend/mime/encoded-words.ts';
import { decodeEntities, htmlToText } from '../../frontend/mime/html-to-text.ts';
import { decodeIso2022Jp } from '../../frontend/mime/iso-2022-jp.ts';
import { Problems } from '../../frontend/mime/problems.ts';
import { decodeTransfer } from '../../frontend/mime/transfer.ts';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('mime decodeTransfer', () => {
  it('passes identity encodings and unknown names through', () => {
    const raw = b('a\r\nb\xff');
    for (const e of ['7bit', '8bit', 'binary', 'x-uuencode', '']) assert.equal(decodeTransfer(raw, e), raw);
  });

  it('decodes base64 with line breaks, junk and missing padding', () => {
    assert.equal(decodeTransfer(b('aGVsbG8g\r\nd29y\r\nbGQ='), 'base64').toString(), 'hello world');
    assert.equal(decodeTransfer(b('aGVsbG8gd29ybGQ'), 'BASE64').toString(), 'hello world');
    assert.equal(decodeTransfer(b('aGVs*bG8g\x00d29ybGQ='), 'base64').toString(), 'hello world');
    assert.equal(decodeTransfer(b('aGVsbG8gd29ybG'), 'base64').toString(), 'hello worl');
    assert.equal(decodeTransfer(b(''), 'base64').length, 0);
  });

  it('decodes base64 chunks that each carry their own padding', () => {
    assert.equal(decodeTransfer(b('aGk=\r\nIHRoZXJl\r\nIQ=='), 'base64').toString(), 'hi there!');
  });

  it('decodes quoted-printable, keeping broken escapes as they stand', () => {
    assert.equal(decodeTransfer(b('Caf=E9 =3D soft=\r\nbreak'), 'quoted-printable').toString('latin1'), 'Café = softbreak');
    assert.equal(decodeTransfer(b('lower =e9 case'), 'quoted-printable').toString('latin1'), 'lower é case');
    assert.equal(decodeTransfer(b('bare lf soft=\nbreak'), 'quoted-printable').toString(), 'bare lf softbreak');
    assert.equal(decodeTransfer(b('padded soft= \t\r\nbreak'), 'quoted-printable').toString(), 'padded softbreak');
    assert.equal(decodeTransfer(b('bad =ZZ and =4 end='), 'quoted-printable').toString(), 'bad =ZZ and =4 end');
    assert.equal(decodeTransfer(b('=\r\n'), 'quoted-printable').toString(), '');
    assert.equal(decodeTransfer(b('a=4'), 'quoted-printable').toString(), 'a=4');
  });
});

describe('mime encoded-words (RFC 2047)', () => {
  const decode = (s: string): string => decodeEncodedWords(s, new Problems());
  const cases: Array<[string, string]> = [
    ['=?ISO-8859-1?Q?a?=', 'a'],
    ['=?ISO-8859-1?Q?a?= b', 'a b'],
    ['=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=', 'ab'],
    ['=?ISO-8859-1?Q?a?=  \r\n  =?ISO-8859-1?Q?b?=', 'ab'],
    ['=?ISO-8859-1?Q?a_b?=', 'a b'],
    ['=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=', 'a b'],
    ['=?UTF-8?B?w6k=?=', 'é'],
    ['=?utf-8?b?w6k?=', 'é'],
    ['=?UTF-8*en?Q?x?=', 'x'],
    ['=?utf-8?B?4oK=?= =?utf-8?B?rA==?=', '€'],
    ['=?utf-8?Q?=E2=82?= =?utf-8?Q?=AC?=', '€'],
    ['=?windows-1252?Q?=80?=', '€'],
    ['=?iso-8859-1?Q?=80?=', '€'],
    ['=?utf-8?Q?a b?=', 'a b'],
    ['x=?utf-8?Q?y?=z', 'xyz'],
    ['no words here', 'no words here'],
    ['=?utf-8?Q?unterminated', '=?utf-8?Q?unterminated'],
    ['=?utf-8?X?bad encoding?=', '=?utf-8?X?bad encoding?='],
    ['=??Q?empty charset?=', '=??Q?empty charset?='],
    ['=?utf-8?Q??=', ''],
  ];
  for (const [input, expected] of cases) {
    it(`decodes ${JSON.stringify(input)}`, () => assert.equal(decode(input), expected));
  }

  it('reports unknown charsets and guesses the bytes', () => {
    const problems = new Problems();
    assert.equal(decodeEncodedWords('=?x-unknown?Q?caf=E9?=', problems), 'café');
    assert.deepEqual(problems.list, ['unknown charset "x-unknown" in encoded-word']);
  });

  it('is linear on hostile input', () => {
    const start = performance.now();
    decode('=?'.repeat(100000) + '?=');
    decode('=?a?q?' + 'x'.repeat(200000));
    assert.ok(performance.now() - start < 3000);
  });
});

describe('mime charsets', () => {
  it('knows common names and aliases', () => {
    for (const name of ['utf-8', 'UTF8', 'us-ascii', 'iso-8859-1', 'ISO8859-15', 'latin1', 'windows-1252', 'cp1251',
      'koi8-r', 'big5', 'gb2312', 'GBK', 'ks_c_5601-1987', 'euc-kr', 'shift_jis', 'iso-2022-jp', 'utf-16', 'chinesebig5',
      'gb2312_charset']) {
      assert.ok(isKnownCharset(name), name);
    }
    for (const name of ['x-unknown', 'default', 'unknown-8bit', 'base64', '']) assert.ok(!isKnownCharset(name), name);
  });

  it('decodes latin1 declarations as windows-1252', () => {
    assert.equal(decodeCharset(b('\x93quoted\x94 \xe9'), 'iso-8859-1').text, '“quoted” é');
  });

  it('guesses 8-bit text declared as us-ascii', () => {
    assert.equal(decodeCharset(Buffer.from('Grüße'), 'us-ascii').text, 'Grüße');
    assert.equal(decodeCharset(b('Gr\xfc\xdfe'), 'us-ascii').text, 'Grüße');
  });

  it('decodes assorted charsets', () => {
    assert.equal(decodeCharset(Buffer.from([0xc1, 0xd2, 0xcf]), 'koi8-r').text, 'аро');
    assert.equal(decodeCharset(Buffer.from([0xa4, 0xa4, 0xa4, 0xe5]), 'big5').text, '中文');
    assert.equal(decodeCharset(Buffer.from([0xd6, 0xd0, 0xce, 0xc4]), 'gb2312').text, '中文');
  });

  it('falls back for unknown charsets', () => {
    assert.deepEqual(decodeCharset(Buffer.from('é'), 'x-klingon'), { text: 'é', known: false });
    assert.deepEqual(decodeCharset(b('\xe9'), 'x-klingon'), { text: 'é', known: false });
  });

  it('decodes ISO-2022-JP', () => {
    // "日本語 ｱ" with a JIS X 0201 katakana run.
    const bytes = Buffer.from([0x1b, 0x24, 0x42, 0x46, 0x7c, 0x4b, 0x5c, 0x38, 0x6c, 0x1b, 0x28, 0x42, 0x20,
      0x1b, 0x28, 0x49, 0x31, 0x1b, 0x28, 0x42, 0x61]);
    assert.equal(decodeIso2022Jp(bytes), '日本語 ｱa');
    assert.equal(decodeCharset(bytes, 'ISO-2022-JP').text, '日本語 ｱa');
    // Truncated in the middle of a two-byte character.
    assert.equal(decodeIso2022Jp(Buffer.from([0x1b, 0x24, 0x42, 0x46])), '?');
  });
});

describe('mime MIME parameters', () => {
  const ct = (s: string) => parseContentType(s, new Problems());

  it('parses type, subtype and parameters leniently', () => {
    const t = ct(' Text/HTML ; charset = "utf-8" (comment); format=flowed;');
    assert.equal(t?.type, 'text');
    assert.equal(t?.subtype, 'html');
    assert.deepEqual(t?.params, [{ name: 'charset', value: 'utf-8' }, { name: 'format', value: 'flowed' }]);
    assert.deepEqual(ct('text/plain charset=us-ascii')?.params, [{ name: 'charset', value: 'us-ascii' }]);
    assert.deepEqual(ct('multipart/mixed; boundary=----=_NextPart_000_0000_01C2')?.params,
      [{ name: 'boundary', value: '----=_NextPart_000_0000_01C2' }]);
    assert.equal(ct('text')?.subtype, 'plain');
    assert.equal(ct('image'), null);
    assert.equal(ct('/plain'), null);
    assert.equal(ct(''), null);
  });

  it('keeps the exact bytes of a boundary', () => {
    assert.equal(ct('multipart/mixed; boundary="a\xe9b"')?.exact.get('boundary'), 'a\xe9b');
  });

  it('merges RFC 2231 continuations', () => {
    const p = parseParameterized("attachment; filename*0*=utf-8'en'%E2%82%AC; filename*1=\" x\"; filename*2*=%21", new Problems());
    assert.equal(p.value, 'attachment');
    assert.deepEqual(p.params, [{ name: 'filename*', value: "utf-8'en'%E2%82%AC%20x%21" }]);
    assert.equal(p.decoded.get('filename'), '€ x!');
  });

  it('prefers the RFC 2231 value over a plain one of the same name', () => {
    const p = parseParameterized("attachment; filename=\"plain.txt\"; filename*=utf-8''fancy%E2%82%AC.txt", new Problems());
    assert.equal(p.decoded.get('filename'), 'fancy€.txt');
  });

  it('reports junk but keeps what it can', () => {
    const problems = new Problems();
    const p = parseParameterized('inline; ==; "stray"; good=yes; novalue', problems);
    assert.deepEqual(p.params, [{ name: 'good', value: 'yes' }]);
    assert.deepEqual(problems.list, ['junk among MIME parameters']);
  });
});

describe('mime HTML to text', () => {
  it('drops tags, scripts, styles and comments', () => {
    assert.equal(htmlToText('<html><head><title>T</title><style>p{}</style></head><body><script>x()</script>' +
      '<!-- hidden --><p>Hello <b>bold</b> world</p></body></html>'), 'Hello bold world');
  });

  it('turns block elements into line breaks and cells into spaces', () => {
    assert.equal(htmlToText('<div>one</div><div>two<br>three</div><table><tr><td>a</td><td>b</td></tr></table>'),
      'one\ntwo\nthree\na b');
  });

  it('collapses whitespace', () => {
    assert.equal(htmlToText('  a \r\n\t b  '), 'a b');
  });

  it('keeps a lone < and unknown entities', () => {
    assert.equal(htmlToText('1 < 2 &bogus; &amp'), '1 < 2 &bogus; &');
  });

  it('decodes named and numeric entities', () => {
    assert.equal(decodeEntities('&lt;&gt;&amp;&quot;&apos;&nbsp;&eacute;&Uuml;&euro;&mdash;'), '<>&"\' éÜ€—');
    assert.equal(decodeEntities('&#233;&#xE9;&#X20AC;&#150;&#0;&#x110000;'), 'éé€–\ufffd\ufffd');
    assert.equal(decodeEntities('&copy 2002'), '© 2002');
  });

  it('survives unclosed constructs', () => {
    assert.equal(htmlToText('before<script>never closed'), 'before');
    assert.equal(htmlToText('before<!-- never closed'), 'before');
    // An unclosed <head> does not swallow the document.
    assert.equal(htmlToText('<head><title>x</title>no close<p>text'), 'x\nno close\ntext');
    assert.equal(htmlToText('text<a href="x'), 'text');
  });
});
