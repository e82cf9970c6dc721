// CATENATE (RFC 4469): builds one APPEND message from TEXT literals and URLs of messages, or
// parts of messages, the user may read. Each URL is fetched through api.mailbox_status (which
// checks the read right) and api.messages_fetch; the parts are joined byte for byte, nothing
// re-encoded. Any URL that is malformed, names something missing or unreadable, or has a stale
// UIDVALIDITY fails the whole APPEND with NO [BADURL url] (§5); a result above APPENDLIMIT with
// NO [TOOBIG].
import { sqlState } from '../db/errors.ts';
import type { PartInfo } from '../mime/types.ts';
import { no } from './command.ts';
import { atom, Code } from './compiler.ts';
import { parseImapUrl } from './grammar/imap-url.ts';
import { sectionBytes } from './message-sections.ts';
import { Cursor, ParseError } from './parser.ts';
import type { Session } from './session.ts';
import type { CatenatePart, Section } from './types.ts';

const EMPTY = Buffer.alloc(0);

function badUrl(url: string) {
  // resp-text-code BADURL takes the URL as text up to "]" (RFC 4469 §6)
  return no('Invalid URL in CATENATE', Code.other('BADURL', atom(url.replace(/\]/g, ''))));
}

function parseSection(spec: string): Section | null {
  try {
    const c = new Cursor(`[${spec}]`);
    const section = c.section();
    c.end();
    return section;
  } catch (e) {
    if (e instanceof ParseError) return null;
    throw e;
  }
}

/** The bytes one URL names, or a BADURL error. */
async function fetchUrl(s: Session, url: string): Promise<Buffer> {
  const u = parseImapUrl(url);
  // UIDs live in int4: anything larger cannot exist
  if (!u || u.uid > 2147483646 || (u.user !== null && u.user.toLowerCase() !== s.user?.login.toLowerCase())) throw badUrl(url);
  const section = u.section === null ? null : parseSection(u.section);
  if (u.section !== null && section === null) throw badUrl(url);
  const db = s.ctx.db;
  let box: { mailbox: number; uidvalidity: number };
  try {
    [box] = await db.call<{ mailbox: number; uidvalidity: number }>('mailbox_status', s.userId, u.mailbox);
  } catch (e) {
    const state = sqlState(e);
    if (state === 'AXNEX' || state === 'AXPRM') throw badUrl(url);
    throw e;
  }
  if (!box || (u.uidvalidity !== null && u.uidvalidity !== box.uidvalidity)) throw badUrl(url);
  const fields = section === null || section.part.length === 0 && section.text === null ? ['raw'] : ['raw', 'parts'];
  const [row] = await db.call<{ raw: Buffer | null; parts: PartInfo[] | null }>('messages_fetch', s.userId, box.mailbox,
    `{[${u.uid},${u.uid + 1})}`, fields, null);
  if (!row?.raw) throw badUrl(url);
  const bytes = section === null ? row.raw : sectionBytes({ raw: row.raw, header: null, text: null, parts: row.parts }, section);
  if (bytes === null) throw badUrl(url);
  if (!u.partial) return bytes;
  if (u.partial.offset >= bytes.length) return EMPTY;
  const end = u.partial.length === null ? bytes.length : Math.min(bytes.length, u.partial.offset + u.partial.length);
  return bytes.subarray(u.partial.offset, end);
}

/** The message a CATENATE list describes, checked against the size limit as it grows. */
export async function assembleCatenate(s: Session, parts: readonly CatenatePart[], limit: number): Promise<Buffer> {
  const pieces: Buffer[] = [];
  let size = 0;
  for (const p of parts) {
    const bytes = p.type === 'text' ? p.bytes : await fetchUrl(s, p.url);
    size += bytes.length;
    if (size > limit) throw no('Message too large', Code.tooBig());
    pieces.push(bytes);
  }
  return Buffer.concat(pieces, size);
}
