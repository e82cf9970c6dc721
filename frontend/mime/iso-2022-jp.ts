// ISO-2022-JP (RFC 1468), still the usual charset of Japanese mail, is not supported by iconv-lite.
// Its two-byte mode is JIS X 0208 with the high bit cleared, so re-adding the high bit gives
// EUC-JP, which iconv-lite decodes. The escape sequences only switch modes.

import iconv from 'iconv-lite';

const ESC = 0x1b;
const SO = 0x0e;
const SI = 0x0f;

type Mode = 'ascii' | 'jis0208' | 'jis0212' | 'katakana';

/** Decodes ISO-2022-JP (and the common CP50220-style half-width katakana extensions). */
export function decodeIso2022Jp(input: Buffer): string {
  const out = Buffer.allocUnsafe(input.length * 2);
  let n = 0;
  let mode: Mode = 'ascii';
  let shifted = false; // SO/SI katakana, used by some Windows encoders
  for (let i = 0; i < input.length; i++) {
    const b = input[i];
    if (b === ESC) {
      const b1 = input[i + 1];
      const b2 = input[i + 2];
      const b3 = input[i + 3];
      if (b1 === 0x28 && (b2 === 0x42 || b2 === 0x4a || b2 === 0x48)) { mode = 'ascii'; i += 2; continue; }
      if (b1 === 0x28 && b2 === 0x49) { mode = 'katakana'; i += 2; continue; }
      if (b1 === 0x24 && (b2 === 0x40 || b2 === 0x42)) { mode = 'jis0208'; i += 2; continue; }
      if (b1 === 0x24 && b2 === 0x28 && b3 === 0x42) { mode = 'jis0208'; i += 3; continue; }
      if (b1 === 0x24 && b2 === 0x28 && b3 === 0x44) { mode = 'jis0212'; i += 3; continue; }
      out[n++] = b;
      continue;
    }
    if (b === SO) { shifted = true; continue; }
    if (b === SI) { shifted = false; continue; }
    // Line ends reset nothing in the standard, but broken encoders rely on them doing so; either
    // way a control byte is never half of a two-byte character.
    if (b < 0x21 || b > 0x7e) {
      out[n++] = b;
      continue;
    }
    if (shifted || mode === 'katakana') {
      if (b <= 0x5f) { out[n++] = 0x8e; out[n++] = b | 0x80; } else out[n++] = b;
    } else if (mode === 'jis0208' || mode === 'jis0212') {
      const t = input[i + 1];
      if (t === undefined || t < 0x21 || t > 0x7e) { out[n++] = 0x3f; continue; }
      if (mode === 'jis0212') out[n++] = 0x8f;
      out[n++] = b | 0x80;
      out[n++] = t | 0x80;
      i++;
    } else {
      out[n++] = b;
    }
  }
  return iconv.decode(out.subarray(0, n), 'euc-jp');
}
