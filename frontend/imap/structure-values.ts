// ENVELOPE and BODY/BODYSTRUCTURE as stored (frontend/mime ImapValue trees, via jsonb) turned into
// compiler values. Generic lists are written with a space between elements, but RFC 3501 §9
// writes a multipart's children (`1*body`) and an address list's addresses (`1*address`) with
// none; this marks exactly those places as adjacent.
import type { ImapValue } from '../mime/types.ts';
import type { ResponseValue } from './compiler.ts';

const ADDRESS_FIELDS = [2, 3, 4, 5, 6, 7];

function addressList(v: ImapValue): ResponseValue {
  if (!Array.isArray(v)) return v;
  return [{ adjacent: v }];
}

export function envelopeValue(v: ImapValue): ResponseValue {
  if (!Array.isArray(v)) return v;
  return v.map((field, i) => (ADDRESS_FIELDS.includes(i) ? addressList(field) : field));
}

/** BODY or BODYSTRUCTURE: multipart children adjacent; message/rfc822 envelope and body inside. */
export function bodyValue(v: ImapValue): ResponseValue {
  if (!Array.isArray(v)) return v;
  if (Array.isArray(v[0])) {
    let n = 0;
    while (n < v.length && Array.isArray(v[n])) n++;
    return [{ adjacent: v.slice(0, n).map(bodyValue) }, ...v.slice(n)];
  }
  const type = typeof v[0] === 'string' ? v[0].toUpperCase() : '';
  const subtype = typeof v[1] === 'string' ? v[1].toUpperCase() : '';
  if (type === 'MESSAGE' && (subtype === 'RFC822' || subtype === 'GLOBAL') && v.length >= 10) {
    return v.map((x, i) => (i === 7 ? envelopeValue(x) : i === 8 ? bodyValue(x) : x));
  }
  return v;
}
