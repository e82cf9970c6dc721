// Flags that mbox writers record in header fields of the message itself (the fields stay in the
// stored bytes; only the flags are taken from them):
//   Status: R → \Seen (O, "old", only means not \Recent)
//   X-Status: A → \Answered, F → \Flagged, T → \Draft, D → \Deleted
//   X-Keywords: keywords separated by spaces or commas (Dovecot, mutt)
//   X-Mozilla-Status: hex bits 0x1 \Seen, 0x2 \Answered, 0x4 \Flagged, 0x8 \Deleted, 0x1000 $Forwarded
//   X-Mozilla-Keys: keywords separated by spaces (Thunderbird tags)
// The first occurrence of each field counts.

const STATUS: Record<string, string> = { R: '\\Seen' };
const X_STATUS: Record<string, string> = { A: '\\Answered', F: '\\Flagged', T: '\\Draft', D: '\\Deleted' };
const MOZILLA_BITS: Array<[number, string]> = [
  [0x1, '\\Seen'], [0x2, '\\Answered'], [0x4, '\\Flagged'], [0x8, '\\Deleted'], [0x1000, '$Forwarded'],
];
const WANTED = new Set(['status', 'x-status', 'x-keywords', 'x-mozilla-status', 'x-mozilla-keys']);
/** The most header bytes looked at: flag fields sit near the top, and some headers are huge. */
const MAX_HEADER_SCAN = 256 * 1024;

/** RFC 3501 flag-keyword: an atom (no specials, controls or 8-bit) not starting with "\". */
export function isKeyword(k: string): boolean {
  // eslint-disable-next-line no-control-regex
  return k.length > 0 && k.length <= 100 && !/[\x00-\x20\x7f-\uffff(){%*"\\\]]/.test(k);
}

/** The fields above from a raw header block, unfolded; names lower-cased. */
function flagFields(raw: Buffer): Map<string, string> {
  const fields = new Map<string, string>();
  // only the header block: converting and splitting the first 256 KB of every message (most of
  // a large one's attachment) cost more than the parse itself
  const scan = raw.subarray(0, MAX_HEADER_SCAN);
  const blank = scan.indexOf('\n\n');
  const crlfBlank = scan.indexOf('\n\r\n');
  const ends = [blank, crlfBlank].filter((i) => i >= 0);
  const head = scan.subarray(0, ends.length ? Math.min(...ends) + 1 : scan.length).toString('latin1');
  const lines = head.split(/\r?\n/);
  let name: string | null = null;
  let value = '';
  const done = () => {
    if (name && WANTED.has(name) && !fields.has(name)) fields.set(name, value.trim());
    name = null;
  };
  for (const line of lines) {
    if (line === '') break;  // end of the header
    if ((line[0] === ' ' || line[0] === '\t') && name) {
      value += ' ' + line.trim();
      continue;
    }
    done();
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    name = line.slice(0, colon).trim().toLowerCase();
    value = line.slice(colon + 1);
  }
  done();
  return fields;
}

export function flagsFromHeaders(raw: Buffer): string[] {
  const fields = flagFields(raw);
  const flags = new Set<string>();
  for (const c of fields.get('status') ?? '') if (STATUS[c]) flags.add(STATUS[c]);
  for (const c of fields.get('x-status') ?? '') if (X_STATUS[c]) flags.add(X_STATUS[c]);
  const moz = fields.get('x-mozilla-status');
  if (moz && /^[0-9a-f]{1,8}$/i.test(moz)) {
    const bits = parseInt(moz, 16);
    for (const [bit, flag] of MOZILLA_BITS) if (bits & bit) flags.add(flag);
  }
  for (const field of ['x-keywords', 'x-mozilla-keys']) {
    for (const k of (fields.get(field) ?? '').split(/[\s,]+/)) if (isKeyword(k)) flags.add(k);
  }
  return [...flags];
}
