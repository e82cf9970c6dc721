// The mbox envelope line ("From_ line", RFC 4155): "From <sender> <ctime date>". A line that
// begins with "From " but carries no date is body text an mboxo writer failed to escape, so the
// date is what makes a separator. The date is ctime(3) output, in the local time of whatever
// machine wrote it; without a zone we read it as UTC (the writer's zone is unknowable).

export interface FromLine {
  sender: string;
  date: Date;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// Named zones seen in old mbox files; anything else counts as UTC.
const ZONES: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360,
  PST: -480, PDT: -420, CET: 60, CEST: 120, MET: 60, MEST: 120, BST: 60, JST: 540,
};

/** A From_ line is short; anything longer cannot be one (and is not buffered as a candidate). */
export const MAX_FROM_LINE = 1000;

const FROM_RE = new RegExp(
  '^From (.*?)[ \\t]+(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?[ \\t]+)?' +
  '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*[ \\t]+(\\d{1,2})[ \\t]+' +
  '(\\d{1,2}):(\\d{2})(?::(\\d{2}))?' +
  '(?:[ \\t]+([A-Z]{1,5}|[+-]\\d{4}))?[ \\t]+(\\d{4})(?:[ \\t]+([A-Z]{1,5}|[+-]\\d{4}))?' +
  '(?:[ \\t]+remote from [^ \\t]+)?[ \\t]*$', 'i');

function zoneMinutes(zone: string | undefined): number {
  if (!zone) return 0;
  if (/^[+-]\d{4}$/.test(zone)) {
    const sign = zone[0] === '-' ? -1 : 1;
    return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
  }
  return ZONES[zone.toUpperCase()] ?? 0;
}

/** Parses one line (without its line terminator); null when it is not a From_ line. */
export function parseFromLine(line: Buffer | string): FromLine | null {
  const text = typeof line === 'string' ? line : line.toString('latin1');
  if (!text.startsWith('From ') || text.length > MAX_FROM_LINE) return null;
  const m = FROM_RE.exec(text.replace(/\r$/, ''));
  if (!m) return null;
  const [, sender, mon, day, hh, mm, ss, zone1, year, zone2] = m;
  const month = MONTHS.indexOf(mon.slice(0, 3).toLowerCase());
  const d = Number(day);
  const h = Number(hh);
  const min = Number(mm);
  const s = ss === undefined ? 0 : Number(ss);
  if (d < 1 || d > 31 || h > 23 || min > 59 || s > 60) return null;
  const utc = Date.UTC(Number(year), month, d, h, min, Math.min(s, 59)) - zoneMinutes(zone1 ?? zone2) * 60_000;
  const date = new Date(utc);
  return Number.isNaN(date.getTime()) ? null : { sender, date };
}

/** A From_ line for a message, as the test and bench mbox writers need one. */
export function formatFromLine(sender: string, date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const mon = MONTHS[date.getUTCMonth()];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `From ${sender} ${days[date.getUTCDay()]} ${mon[0].toUpperCase()}${mon.slice(1)} ` +
    `${String(date.getUTCDate()).padStart(2, ' ')} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:` +
    `${pad(date.getUTCSeconds())} ${date.getUTCFullYear()}`;
}
