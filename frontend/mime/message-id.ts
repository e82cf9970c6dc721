// Message-ID, In-Reply-To and References (RFC 5322 §3.6.4) as lists of "<id>". Old mailers put
// phrases, quoted strings and comments around the ids ("<id> (from Bob at 12:00)", "Your
// message of …"); only what stands in angle brackets counts.

const MAX_IDS = 1000;

/** The "<…>" ids in a field, in order, with whitespace inside them removed. */
export function messageIds(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n && out.length < MAX_IDS) {
    const c = text[i];
    if (c === '"') {
      const close = text.indexOf('"', i + 1);
      i = close === -1 ? n : close + 1;
    } else if (c === '(') {
      let depth = 0;
      while (i < n) {
        const d = text[i++];
        if (d === '(') depth++;
        else if (d === ')' && --depth === 0) break;
      }
    } else if (c === '<') {
      let k = i + 1;
      while (k < n && text[k] !== '>' && text[k] !== '<') k++;
      if (k < n && text[k] === '>') {
        const id = text.slice(i + 1, k).replace(/[ \t\r\n]+/g, '');
        if (id !== '') out.push(`<${id}>`);
        i = k + 1;
      } else {
        i = k;
      }
    } else {
      i++;
    }
  }
  return out;
}

/** The Message-ID: the first bracketed id, or a bare "id@host" given brackets, or null. */
export function messageId(text: string | null): string | null {
  if (text === null) return null;
  const ids = messageIds(text);
  if (ids.length > 0) return ids[0];
  const bare = text.trim();
  return bare !== '' && bare.includes('@') && !/[\s<>()"]/.test(bare) ? `<${bare}>` : null;
}
