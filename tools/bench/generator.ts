// The data set generator, pure: (corpus templates, count, seed) → the same messages, byte for byte,
// every time. Real SpamAssassin messages give realistic headers and bodies; the generator adds what
// a ten-year archive has and the corpus lacks: unique Message-IDs, reply threads
// (In-Reply-To/References, "Re:" subjects), dates over ten years, ~1% large attachments, and a few
// planted words whose hit counts are known, so SEARCH results can be checked on both servers.
import { Prng } from './prng.ts';

/** Bump when the output for a given (seed, count) changes, so cached data sets are rebuilt. */
export const GENERATOR_VERSION = 2;

export interface Template {
  /** raw header fields (continuation lines included, no final LF), minus those the generator sets */
  fields: string[];
  /** the raw (still encoded) Subject value, unfolded, or null */
  subject: string | null;
  /** Content-Type and Content-Transfer-Encoding fields: what the body needs to become a MIME part */
  contentFields: string[];
  /** the body, as latin1 so that every byte survives */
  body: string;
  /** a single text/plain part in 7bit/8bit: a planted word there is searchable text on any server */
  plainText: boolean;
}

export interface PlantedWord {
  word: string;
  rate: number;
}

/** Words no corpus message contains, each planted in a known fraction of plain-text messages. */
export const PLANTED_WORDS: readonly PlantedWord[] = [
  { word: 'zorblaxian', rate: 1 / 1000 },
  { word: 'glimmerquartz', rate: 1 / 200 },
];

export interface GeneratorOptions {
  count: number;
  seed: number;
  /** fraction of messages with a large base64 attachment */
  attachmentRate?: number;
  /** fraction of messages that reply to an earlier one */
  replyRate?: number;
}

export interface GeneratedMessage {
  index: number;
  raw: Buffer;
  date: Date;
  messageId: string;
  inReplyTo: string | null;
  attachmentBytes: number;
  planted: string[];
}

// Fields the generator replaces, and the mbox bookkeeping fields that mbox readers (Dovecot's among
// them) interpret and strip, which would make the two servers store different bytes and flags.
const REPLACED = new Set(['message-id', 'date', 'subject', 'in-reply-to', 'references']);
const MBOX_FIELDS = new Set(['status', 'x-status', 'x-keywords', 'x-uid', 'x-imap', 'x-imapbase', 'content-length']);
const CONTENT_FIELDS = new Set(['content-type', 'content-transfer-encoding']);

export const DOMAIN = 'bench.aox.invalid';
const START = Date.UTC(2015, 0, 1);
const SPAN = Date.UTC(2025, 0, 1) - START;
const ATTACHMENT_MIN = 200 * 1024;
const ATTACHMENT_MAX = 3 * 1024 * 1024;
const ZONES = [0, 0, 60, 120, -300, -240, -420, 330, 540, -180];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ATTACHMENT_TYPES = [['application/pdf', 'pdf'], ['image/jpeg', 'jpg'], ['application/zip', 'zip'],
  ['application/vnd.oasis.opendocument.text', 'odt']] as const;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** RFC 5322 date-time in the given zone (minutes east of UTC). */
export function rfc5322Date(t: number, zone: number): string {
  const d = new Date(t + zone * 60_000);
  const sign = zone < 0 ? '-' : '+';
  const z = Math.abs(zone);
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${sign}${pad(Math.floor(z / 60))}${pad(z % 60)}`;
}

/** The asctime() form of an mbox "From " line (UTC). */
export function asctimeDate(t: number): string {
  const d = new Date(t);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

function fieldName(field: string): string {
  const colon = field.indexOf(':');
  return (colon < 0 ? field : field.slice(0, colon)).trim().toLowerCase();
}

/** Splits one corpus file (mbox "From " line already removed) into a template. */
export function parseTemplate(raw: Buffer): Template {
  const text = raw.toString('latin1').replace(/\r\n/g, '\n');
  let end = text.indexOf('\n\n');
  if (end < 0) end = text.length;
  const lines = text.slice(0, end).split('\n');
  const all: string[] = [];
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && all.length > 0) all[all.length - 1] += '\n' + line;
    else if (line.length > 0) all.push(line);
  }
  const fields: string[] = [];
  const contentFields: string[] = [];
  let subject: string | null = null;
  let contentType = '';
  let encoding = '';
  for (const f of all) {
    const name = fieldName(f);
    const value = f.slice(f.indexOf(':') + 1).replace(/\n[ \t]+/g, ' ').trim();
    if (name === 'subject') subject = value;
    if (name === 'content-type') contentType = value.toLowerCase();
    if (name === 'content-transfer-encoding') encoding = value.toLowerCase();
    if (CONTENT_FIELDS.has(name)) contentFields.push(f);
    if (REPLACED.has(name) || MBOX_FIELDS.has(name) || !f.includes(':')) continue;
    fields.push(f);
  }
  const body = end < text.length ? text.slice(end + 2) : '';
  const plainText = (contentType === '' || contentType.startsWith('text/plain')) &&
    !encoding.startsWith('base64') && !encoding.startsWith('quoted');
  return { fields, subject, contentFields, body, plainText };
}

/** Lines that an mbox reader could take for a message separator get a leading space. */
export function defuseFromLines(body: string): string {
  return body.replace(/^(>*From )/gm, ' $1');
}

/** Base64 in lines of 76 characters (RFC 2045), built as bytes: attachments are megabytes. */
export function base64Lines(data: Buffer): Buffer {
  const b64 = Buffer.from(data.toString('base64'), 'latin1');
  const lines = Math.ceil(b64.length / 76);
  const out = Buffer.allocUnsafe(b64.length + Math.max(0, lines - 1));
  let o = 0;
  for (let i = 0; i < b64.length; i += 76) {
    if (i > 0) out[o++] = 0x0a;
    o += b64.copy(out, o, i, Math.min(i + 76, b64.length));
  }
  return out;
}

interface Recent {
  id: string;
  refs: string[];
  rootSubject: string | null;
  time: number;
}

/**
 * Generates `count` messages and hands each to `emit`, in order. Memory stays bounded (a window of
 * recent messages for threading), so a million messages stream straight to disk.
 */
export function generateMessages(templates: readonly Template[], o: GeneratorOptions,
                                 emit: (m: GeneratedMessage) => void): void {
  if (templates.length === 0) throw new Error('no templates');
  if (!Number.isInteger(o.count) || o.count < 1) throw new Error(`bad message count ${o.count}`);
  const rng = new Prng(o.seed);
  const attachmentRate = o.attachmentRate ?? 0.01;
  const replyRate = o.replyRate ?? 0.4;
  const tag = (o.seed >>> 0).toString(36);
  // replies answer something from the last two weeks or so of mail
  const window = Math.max(20, Math.round(o.count * 14 / 3650));
  const recent: Recent[] = [];
  for (let i = 0; i < o.count; i++) {
    const t = templates[rng.int(templates.length)];
    const messageId = `<${i.toString(36)}.${tag}@${DOMAIN}>`;
    // whole seconds: the Date field and the mbox "From " line carry no milliseconds
    let time = Math.floor((START + (i / o.count) * SPAN) / 1000) * 1000 + (rng.int(4 * 3600) - 2 * 3600) * 1000;
    let parent: Recent | null = null;
    if (recent.length > 0 && rng.chance(replyRate)) {
      // biased towards the newest messages: most replies come soon
      const back = Math.floor(rng.float() ** 2 * recent.length);
      parent = recent[recent.length - 1 - back];
      time = Math.max(time, parent.time + 60_000 + rng.int(6 * 3600) * 1000);
    }
    const zone = ZONES[rng.int(ZONES.length)];
    const rootSubject = parent ? parent.rootSubject : t.subject;
    const refs = parent ? [...parent.refs.slice(-9), parent.id] : [];
    const head: string[] = [...t.fields];
    head.push(`Date: ${rfc5322Date(time, zone)}`);
    head.push(`Message-ID: ${messageId}`);
    if (rootSubject !== null) head.push(`Subject: ${parent ? 'Re: ' : ''}${rootSubject}`);
    else if (parent) head.push('Subject: Re:');
    if (parent) {
      head.push(`In-Reply-To: ${parent.id}`);
      head.push(`References: ${refs.join('\n ')}`);
    }
    let body = defuseFromLines(t.body);
    const planted: string[] = [];
    if (t.plainText) {
      for (const p of PLANTED_WORDS) {
        if (rng.chance(p.rate)) {
          planted.push(p.word);
          body = `${body.endsWith('\n') || body === '' ? body : body + '\n'}P.S. ask about the ${p.word} results.\n`;
        }
      }
    }
    let attachmentBytes = 0;
    let attachment: Buffer | null = null;
    let tail = '';
    if (rng.chance(attachmentRate)) {
      attachmentBytes = Math.round(Math.exp(Math.log(ATTACHMENT_MIN) + rng.float() * (Math.log(ATTACHMENT_MAX) - Math.log(ATTACHMENT_MIN))));
      const [type, ext] = ATTACHMENT_TYPES[rng.int(ATTACHMENT_TYPES.length)];
      const boundary = `=_bench_${i.toString(36)}_${rng.next().toString(36)}`;
      attachment = base64Lines(rng.bytes(attachmentBytes));
      const inner = t.contentFields.length > 0 ? t.contentFields.join('\n') : 'Content-Type: text/plain; charset=us-ascii';
      const kept = head.filter((f) => !CONTENT_FIELDS.has(fieldName(f)) && fieldName(f) !== 'mime-version');
      head.length = 0;
      head.push(...kept, 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${boundary}"`);
      body = `This is a multi-part message in MIME format.\n\n--${boundary}\n${inner}\n\n${body}` +
        `${body.endsWith('\n') ? '' : '\n'}\n--${boundary}\nContent-Type: ${type}; name="document-${i}.${ext}"\n` +
        `Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="document-${i}.${ext}"\n\n`;
      tail = `\n\n--${boundary}--\n`;
    }
    if (!attachment && !body.endsWith('\n')) body += '\n';
    const text = Buffer.from(`${head.join('\n')}\n\n${body}`, 'latin1');
    const raw = attachment ? Buffer.concat([text, attachment, Buffer.from(tail, 'latin1')]) : text;
    emit({ index: i, raw, date: new Date(time), messageId, inReplyTo: parent?.id ?? null, attachmentBytes, planted });
    recent.push({ id: messageId, refs, rootSubject, time });
    if (recent.length > window) recent.shift();
  }
}
