import assert from 'node:assert/strict';
import { ParseError } from '../../frontend/imap/parser.ts';
import { decodeUtf7, encodeMailboxName, encodeUtf7 } from '../../frontend/imap/utf7.ts';

// pairs of (Unicode name, modified UTF-7)
const CASES: Array<[string, string]> = [
  ['INBOX', 'INBOX'],
  ['', ''],
  ['&', '&-'],
  ['A & B', 'A &- B'],
  ['&&', '&-&-'],
  ['Entwürfe', 'Entw&APw-rfe'],
  ['ü', '&APw-'],
  ['日本語', '&ZeVnLIqe-'],
  ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'],
  ['Отправленные', '&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-'],
  ['😀', '&2D3eAA-'],
  ['a😀b', 'a&2D3eAA-b'],
  ['ä&', '&AOQ-&-'],
  ['&ä', '&-&AOQ-'],
  ['Ω1', '&A6k-1'],
  ['tab\tx', 'tab&AAk-x'],
];

describe('imap utf7: encode', () => {
  for (const [plain, encoded] of CASES) {
    it(`encodes ${JSON.stringify(plain)}`, () => {
      assert.equal(encodeUtf7(plain), encoded);
    });
  }

  it('encodes each run of non-ASCII separately', () => {
    assert.equal(encodeUtf7('äbä'), '&AOQ-b&AOQ-');
  });

  it('encodeMailboxName passes UTF-8 through when enabled', () => {
    assert.equal(encodeMailboxName('Entwürfe', true), 'Entwürfe');
    assert.equal(encodeMailboxName('Entwürfe', false), 'Entw&APw-rfe');
  });
});

describe('imap utf7: decode', () => {
  for (const [plain, encoded] of CASES) {
    if (plain.includes('\t')) continue;
    it(`decodes ${JSON.stringify(encoded)}`, () => {
      assert.equal(decodeUtf7(encoded), plain);
    });
  }

  it('decodes control characters encoded in base64 (callers refuse them later)', () => {
    assert.equal(decodeUtf7('tab&AAk-x'), 'tab\tx');
  });

  it('round-trips many strings', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = ['a', 'Z', '&', '-', ' ', '/', 'é', 'ß', '日', '😀', '\u0100', ',', '+'];
    for (let i = 0; i < 500; i++) {
      let s = '';
      for (let k = rnd(12); k > 0; k--) s += alphabet[rnd(alphabet.length)];
      assert.equal(decodeUtf7(encodeUtf7(s)), s, s);
    }
  });

  it('rejects malformed input with ParseError', () => {
    for (const bad of [
      '&',
      'a&',
      '&APw',
      '&APw-&APw-',
      '&AGE-',
      '&AC0-',
      '&ACY-',
      '&APw_-',
      '&AP-',
      '&APx-',
      '&A-',
      '&2D0-',
      '&3gA-',
      '&2D3YPQ-',
      '&2D0-&3gA-',
      'é',
      'a\tb',
      'a\x7fb',
      '&AP/w-',
      '&APw=-',
    ]) {
      assert.throws(() => decodeUtf7(bad), ParseError, JSON.stringify(bad));
    }
  });
});
