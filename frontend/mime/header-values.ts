// Header field values for the parsed view (search, display, `aox show`): unfolded, 8-bit text
// read as UTF-8 or windows-1252, RFC 2047 words decoded, and RFC 2231 parameters of
// Content-Type/Content-Disposition written out decoded.

import { parseParameterized } from './content-type.ts';
import { decodeEncodedWords } from './encoded-words.ts';
import type { HeaderField } from './header-block.ts';
import { fieldBinaryText, fieldText } from './header-block.ts';
import type { Problems } from './problems.ts';

function quoteIfNeeded(value: string): string {
  return /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/.test(value) ? value : `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

/** Content-Type and Content-Disposition with RFC 2231 parameters replaced by their decoded text. */
function decodeParameterized(raw: Buffer, field: HeaderField, problems: Problems): string {
  const parsed = parseParameterized(fieldBinaryText(raw, field), problems);
  let out = parsed.value;
  for (const p of parsed.params) {
    const base = p.name.endsWith('*') ? p.name.slice(0, -1) : p.name;
    const value = p.name.endsWith('*') ? parsed.decoded.get(base.toLowerCase()) ?? p.value : decodeEncodedWords(p.value, problems);
    out += `; ${base}=${quoteIfNeeded(value)}`;
  }
  return out;
}

/** The decoded value of a header field. */
export function decodeFieldValue(raw: Buffer, field: HeaderField, problems: Problems): string {
  const text = fieldText(raw, field);
  if ((field.key === 'content-type' || field.key === 'content-disposition') && /\*[0-9]*\*?[ \t]*=/.test(text)) {
    return decodeParameterized(raw, field, problems);
  }
  return decodeEncodedWords(text, problems);
}
