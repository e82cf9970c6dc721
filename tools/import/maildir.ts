// Reading a maildir: the messages in cur/ and new/ (not tmp/, whose files are still being
// written, and not Maildir++ subfolders, which are maildirs of their own to import separately).
// Each file is one message, stored byte for byte.
//
// Flags come from the file name's info part ("<name>:2,<letters>", also "!2," and ";2," where
// ":" is not allowed in file names): P $Forwarded, R \Answered, S \Seen, T \Deleted, D \Draft,
// F \Flagged, and a-z are keywords as Dovecot's dovecot-keywords file in the maildir lists them.
// The internal date is the file's modification time (Dovecot and most MDAs set it to the arrival
// time), unless the time at the start of the file name is earlier: then the file was copied
// without keeping its time, and the name still says when the message arrived.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceItem } from './types.ts';

const LETTERS: Record<string, string> = {
  P: '$Forwarded', R: '\\Answered', S: '\\Seen', T: '\\Deleted', D: '\\Draft', F: '\\Flagged',
};

export interface MaildirName {
  /** seconds since the epoch at the start of the name, or null */
  time: number | null;
  /** the flags the info part gives */
  flags: string[];
}

export function parseMaildirName(name: string, keywords: ReadonlyMap<string, string> = new Map()): MaildirName {
  const t = /^(\d{9,11})(?:\.|$)/.exec(name);
  const info = /[:!;]2,([A-Za-z]*)$/.exec(name);
  const flags: string[] = [];
  for (const letter of info?.[1] ?? '') {
    const flag = LETTERS[letter] ?? keywords.get(letter);
    if (flag && !flags.includes(flag)) flags.push(flag);
  }
  return { time: t ? Number(t[1]) : null, flags };
}

/** dovecot-keywords: "<n> <keyword>" lines; keyword n is letter a + n in file names. */
export function parseDovecotKeywords(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^(\d+)\s+(\S+)\s*$/.exec(line);
    if (m && Number(m[1]) < 26) map.set(String.fromCharCode(97 + Number(m[1])), m[2]);
  }
  return map;
}

export function maildirDate(mtime: Date, nameTime: number | null): Date {
  if (nameTime !== null && nameTime * 1000 < mtime.getTime()) return new Date(nameTime * 1000);
  return mtime;
}

interface Entry {
  dir: 'cur' | 'new';
  name: string;
  time: number | null;
}

/** The message files of a maildir in arrival order (time in the name, then name). */
export async function listMaildir(root: string): Promise<{ entries: Entry[]; problems: SourceItem[] }> {
  const entries: Entry[] = [];
  const problems: SourceItem[] = [];
  let found = 0;
  for (const dir of ['cur', 'new'] as const) {
    let names: string[];
    try {
      names = await readdir(join(root, dir));
      found++;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        problems.push({ kind: 'problem', file: join(root, dir), reason: `cannot list: ${(e as Error).message}`, bytes: 0 });
      }
      continue;
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      entries.push({ dir, name, time: parseMaildirName(name).time });
    }
  }
  if (found === 0 && problems.length === 0) {
    problems.push({ kind: 'problem', file: root, reason: 'not a maildir: no cur/ or new/ directory', bytes: 0 });
  }
  entries.sort((a, b) => (a.time ?? Infinity) - (b.time ?? Infinity) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { entries, problems };
}

export async function* readMaildir(root: string): AsyncGenerator<SourceItem> {
  const { entries, problems } = await listMaildir(root);
  yield* problems;
  let keywords = new Map<string, string>();
  try {
    keywords = parseDovecotKeywords(await readFile(join(root, 'dovecot-keywords'), 'utf8'));
  } catch {
    // no keyword file: lower-case letters in names mean nothing
  }
  let index = 0;
  for (const e of entries) {
    index++;
    const file = join(root, e.dir, e.name);
    let raw: Buffer;
    let mtime: Date;
    try {
      const st = await stat(file);
      if (!st.isFile()) continue;
      mtime = st.mtime;
      raw = await readFile(file);
    } catch (err) {
      yield { kind: 'problem', file, index, reason: `cannot read: ${(err as Error).message}`, bytes: 0 };
      continue;
    }
    const name = parseMaildirName(e.name, keywords);
    yield { kind: 'message', raw, file, index, date: maildirDate(mtime, name.time), flags: name.flags, headerFlags: false };
  }
}
