// Turns bytes in a declared charset into a JavaScript string. Mail declares charsets carelessly:
// "us-ascii" on latin1 text, "iso-8859-1" on windows-1252 text, names nobody registered
// ("default", "x-unknown"). The rules below give the most readable text for search and display;
// the stored original is never touched.

import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { bytesToText } from './bytes.ts';
import { decodeIso2022Jp } from './iso-2022-jp.ts';

export interface Decoded {
  text: string;
  /** false when the charset was unknown and the bytes were guessed as UTF-8/windows-1252 */
  known: boolean;
}

type Decoder = 'utf8' | 'guess' | 'iso-2022-jp' | { iconv: string };

// Names whose bytes are better decoded as something else than iconv-lite would.
const SPECIAL: ReadonlyMap<string, Decoder> = new Map<string, Decoder>([
  // "us-ascii" on 8-bit text means the sender did not know; guess as for raw 8-bit headers.
  ['usascii', 'guess'], ['ascii', 'guess'], ['ansix3.41968', 'guess'], ['ansix341968', 'guess'],
  ['us', 'guess'], ['646', 'guess'], ['iso646us', 'guess'],
  ['utf8', 'utf8'], ['utf-8', 'utf8'], ['unicode11utf8', 'utf8'],
  // The C1 controls of latin1 are never meant; what is sent is windows-1252 (as WHATWG decides).
  ['iso88591', { iconv: 'windows-1252' }], ['latin1', { iconv: 'windows-1252' }],
  ['l1', { iconv: 'windows-1252' }], ['cp819', { iconv: 'windows-1252' }],
  ['iso885911987', { iconv: 'windows-1252' }],
  ['iso2022jp', 'iso-2022-jp'], ['csiso2022jp', 'iso-2022-jp'], ['iso2022jp1', 'iso-2022-jp'],
  ['iso2022jp2', 'iso-2022-jp'], ['jis', 'iso-2022-jp'],
  ['ksc56011987', { iconv: 'cp949' }], ['ksc5601', { iconv: 'cp949' }],
  ['iso88598i', { iconv: 'iso-8859-8' }], ['iso88596i', { iconv: 'iso-8859-6' }],
  ['xeucjp', { iconv: 'euc-jp' }], ['xsjis', { iconv: 'shift_jis' }], ['windows31j', { iconv: 'shift_jis' }],
  ['xmacroman', { iconv: 'macintosh' }], ['xgbk', { iconv: 'gbk' }], ['xeuctw', { iconv: 'big5' }],
  ['unicode', { iconv: 'utf-16' }], ['chinesebig5', { iconv: 'big5' }], ['xbig5', { iconv: 'big5' }],
]);

const cache = new Map<string, Decoder | null>();

function resolve(charset: string): Decoder | null {
  const cached = cache.get(charset);
  if (cached !== undefined) return cached;
  if (charset.length > 64) return null;
  // iconv-lite compares names the same way: lower case, only letters and digits.
  // "gb2312_charset" and similar decorations seen in spam.
  const key = charset.toLowerCase().replace(/[^0-9a-z.]/g, '').replace(/(.)charset$/, '$1');
  let decoder: Decoder | null = SPECIAL.get(key) ?? SPECIAL.get(key.replace(/\./g, '')) ?? null;
  if (decoder === null) {
    const name = key.replace(/\./g, '');
    // Transfer encodings are not character sets, even though iconv-lite has codecs for them.
    if (name !== 'base64' && name !== 'hex' && name !== 'binary' && iconv.encodingExists(name)) {
      decoder = { iconv: name };
    }
  }
  if (cache.size < 1000) cache.set(charset, decoder);
  return decoder;
}

/** Whether `charset` names something this module can decode. */
export function isKnownCharset(charset: string): boolean {
  return resolve(charset) !== null;
}

/** Decodes `bytes` declared as `charset` (null: undeclared). Never throws. */
export function decodeCharset(bytes: Buffer, charset: string | null): Decoded {
  if (charset === null || charset === '') return { text: bytesToText(bytes), known: true };
  const decoder = resolve(charset);
  if (decoder === null) return { text: bytesToText(bytes), known: false };
  try {
    if (decoder === 'guess') return { text: bytesToText(bytes), known: true };
    if (decoder === 'utf8') return { text: bytes.toString('utf8'), known: true };
    if (decoder === 'iso-2022-jp') return { text: decodeIso2022Jp(bytes), known: true };
    // Some declared-UTF-16 text has no BOM; iconv-lite guesses the byte order then.
    return { text: iconv.decode(bytes, decoder.iconv), known: true };
  } catch {
    return { text: isUtf8(bytes) ? bytes.toString('utf8') : bytesToText(bytes), known: false };
  }
}
