// Parses the Date: field (RFC 5322 §3.3 and the obsolete §4.3 forms) plus what broken mailers
// write: missing day names or commas, two- and three-digit years, named or missing zones, asctime
// order ("Thu Aug 22 12:36:23 2002"), ISO 8601, "12.36.23". The parser collects tokens and
// assigns them by shape, so word order matters little.

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// RFC 5322 §4.3 names, and a few others common enough in old mail to be worth knowing. Military
// single letters are unreliable (RFC 5322 says treat them as -0000), so they count as UTC.
const ZONES: ReadonlyMap<string, number> = new Map([
  ['ut', 0], ['utc', 0], ['gmt', 0], ['z', 0], ['wet', 0],
  ['est', -300], ['edt', -240], ['cst', -360], ['cdt', -300],
  ['mst', -420], ['mdt', -360], ['pst', -480], ['pdt', -420],
  ['akst', -540], ['akdt', -480], ['hst', -600],
  ['bst', 60], ['cet', 60], ['met', 60], ['mez', 60], ['cest', 120], ['mest', 120], ['mesz', 120],
  ['eet', 120], ['eest', 180], ['msk', 180], ['jst', 540], ['kst', 540], ['hkt', 480],
  ['sgt', 480], ['aest', 600], ['aedt', 660], ['nzst', 720], ['nzdt', 780],
]);

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)? *(Z|[+-]\d{2}:?\d{2})?$/i;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

function build(
  year: number, month: number, day: number, hour: number, minute: number, second: number, zone: number,
): Date | null {
  if (year < 100) year += year < 50 ? 2000 : 1900;
  else if (year < 1000) year += 1900;
  if (year > 9999 || month < 0 || month > 11 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;
  if (second === 60) second = 59;
  const ms = Date.UTC(year, month, day, hour, minute, second) - zone * 60000;
  return Number.isFinite(ms) ? new Date(ms) : null;
}

function zoneFromDigits(sign: number, digits: string): number | null {
  if (digits.length === 4 || digits.length === 3) {
    const v = Number(digits);
    const h = Math.floor(v / 100);
    const m = v % 100;
    return h > 23 || m > 59 ? null : sign * (h * 60 + m);
  }
  if (digits.length <= 2) {
    const h = Number(digits);
    return h > 23 ? null : sign * h * 60;
  }
  return null;
}

function stripComments(text: string): string {
  if (!text.includes('(')) return text;
  let out = '';
  let depth = 0;
  for (const c of text) {
    if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

/** Parses an RFC 5322 date, returning null when no plausible date can be found. */
export function parseDate(input: string): Date | null {
  if (input.length > 200) input = input.slice(0, 200);
  const text = stripComments(input).trim().toLowerCase();

  const iso = ISO.exec(text);
  if (iso !== null) {
    let zone = 0;
    if (iso[7] !== undefined && iso[7] !== 'z') {
      const z = zoneFromDigits(iso[7][0] === '-' ? -1 : 1, iso[7].slice(1).replace(':', ''));
      if (z !== null) zone = z;
    }
    return build(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]), Number(iso[4] ?? 0),
      Number(iso[5] ?? 0), Number(iso[6] ?? 0), zone);
  }

  let day = -1;
  let month = -1;
  let year = -1;
  let hour = -1;
  let minute = 0;
  let second = 0;
  // A numeric zone beats a name: "GMT+0200", "-0400 EDT".
  let zone: number | null = null;
  let namedZone: number | null = null;
  let pm: boolean | null = null;
  // Numbers in date position, for numeric dates without a month name ("2002/09/14").
  const numbers: string[] = [];
  let i = 0;
  const n = text.length;
  const isDigit = (k: number): boolean => k < n && text.charCodeAt(k) >= 0x30 && text.charCodeAt(k) <= 0x39;
  const digitsAt = (k: number): string => {
    let e = k;
    while (isDigit(e)) e++;
    return text.slice(k, e);
  };
  while (i < n) {
    const c = text[i];
    if (isDigit(i)) {
      const digits = digitsAt(i);
      i += digits.length;
      const sep = text[i];
      if (hour === -1 && (sep === ':' || (sep === '.' && isDigit(i + 1) && text[i + 3] === '.')) && isDigit(i + 1) && digits.length <= 2) {
        // hh:mm[:ss]
        hour = Number(digits);
        const mm = digitsAt(i + 1);
        minute = Number(mm);
        i += 1 + mm.length;
        if (text[i] === sep && isDigit(i + 1)) {
          const ss = digitsAt(i + 1);
          second = Number(ss);
          i += 1 + ss.length;
        }
        continue;
      }
      if (hour === -1 && numbers.length < 3) numbers.push(digits);
      if (digits.length >= 3 && digits.length <= 4 && year === -1) year = Number(digits);
      else if (digits.length <= 2 && day === -1 && Number(digits) >= 1 && Number(digits) <= 31) day = Number(digits);
      else if (digits.length <= 2 && year === -1) year = Number(digits);
      else if (digits.length === 4 && hour !== -1 && zone === null) zone = zoneFromDigits(1, digits);
      continue;
    }
    if ((c === '+' || c === '-') && isDigit(i + 1) && hour !== -1 && zone === null) {
      // A zone follows the time; before it, "-" is a date separator ("22-Aug-2002").
      let digits = digitsAt(i + 1);
      i += 1 + digits.length;
      if (digits.length <= 2 && text[i] === ':' && isDigit(i + 1)) {
        const mm = digitsAt(i + 1);
        i += 1 + mm.length;
        digits = digits.padStart(2, '0') + mm;
      }
      zone = zoneFromDigits(c === '-' ? -1 : 1, digits);
      continue;
    }
    const code = text.charCodeAt(i);
    if (code >= 0x61 && code <= 0x7a) {
      let e = i;
      while (e < n && text.charCodeAt(e) >= 0x61 && text.charCodeAt(e) <= 0x7a) e++;
      const word = text.slice(i, e);
      i = e;
      const m = word.length >= 3 ? MONTHS.indexOf(word.slice(0, 3)) : -1;
      if (m !== -1 && month === -1 && word.length <= 9) {
        month = m;
      } else if (word === 'am' || word === 'pm') {
        pm = word === 'pm';
      } else if (hour !== -1 && namedZone === null && ZONES.has(word)) {
        namedZone = ZONES.get(word) ?? 0;
      }
      continue;
    }
    i++;
  }
  if (month === -1 && numbers.length === 3) {
    const [a, b, c] = numbers.map(Number);
    if (numbers[0].length === 4) {
      [year, month, day] = [a, b - 1, c];
    } else if (numbers[2].length === 4 || numbers[2].length === 2) {
      // d/m/y when the first cannot be a month, otherwise the American m/d/y.
      [year, month, day] = a > 12 ? [c, b - 1, a] : [c, a - 1, b];
    }
  }
  if (day === -1 || month === -1 || year === -1) return null;
  if (hour === -1) hour = 0;
  if (pm !== null && hour <= 12) hour = pm ? (hour % 12) + 12 : hour % 12;
  return build(year, month, day, hour, minute, second, zone ?? namedZone ?? 0);
}
