import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatFromLine, parseFromLine } from '../../tools/import/from-line.ts';
import { escapeMboxrd, readMbox, stripSeparator, unescapeMboxrd } from '../../tools/import/mbox.ts';
import type { SourceItem, SourceMessage, SourceProblem } from '../../tools/import/types.ts';

async function collect(it: AsyncIterable<SourceItem>): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const x of it) out.push(x);
  return out;
}
const messages = (items: SourceItem[]) => items.filter((x): x is SourceMessage => x.kind === 'message');
const problems = (items: SourceItem[]) => items.filter((x): x is SourceProblem => x.kind === 'problem');

describe('import: From_ lines', () => {
  it('reads ctime dates as UTC, with optional zones and seconds', () => {
    assert.equal(parseFromLine('From exmh-workers-admin@redhat.com  Thu Aug 22 12:36:23 2002')?.date.toISOString(), '2002-08-22T12:36:23.000Z');
    assert.equal(parseFromLine('From a@b Sat Jan  3 01:05:34 1996')?.date.toISOString(), '1996-01-03T01:05:34.000Z');
    assert.equal(parseFromLine('From a@b Mon Feb 14 12:00:00 +0100 2011')?.date.toISOString(), '2011-02-14T11:00:00.000Z');
    assert.equal(parseFromLine('From a@b Mon Feb 14 12:00:00 2011 -0500')?.date.toISOString(), '2011-02-14T17:00:00.000Z');
    assert.equal(parseFromLine('From a@b Mon Feb 14 12:00 PST 2011')?.date.toISOString(), '2011-02-14T20:00:00.000Z');
    assert.equal(parseFromLine('From 1234567890123@xxx Tue Jan 15 10:00:00 +0000 2019\r')?.date.toISOString(), '2019-01-15T10:00:00.000Z');
    assert.equal(parseFromLine('From uucp!user Mon Feb 14 12:00:00 2011 remote from host')?.sender, 'uucp!user');
    assert.equal(parseFromLine('From  Thu Aug 22 12:36:23 2002')?.sender, '');
  });

  it('refuses body text that merely starts with "From "', () => {
    for (const l of ['From the start, we knew', 'From: someone@example.org', 'From a@b yesterday', 'From a@b Thu Aug 32 12:36:23 2002',
                     'Fro a@b Thu Aug 22 12:36:23 2002', 'From a@b Thu Aug 22 25:36:23 2002']) {
      assert.equal(parseFromLine(l), null, l);
    }
  });

  it('formats what it parses', () => {
    const d = new Date('2002-08-02T03:04:05Z');
    const line = formatFromLine('x@y', d);
    assert.equal(line, 'From x@y Fri Aug  2 03:04:05 2002');
    assert.equal(parseFromLine(line)?.date.getTime(), d.getTime());
  });
});

describe('import: mbox quoting and separators', () => {
  it('drops exactly one line terminator of a final empty line', () => {
    const s = (x: string) => stripSeparator(Buffer.from(x)).toString();
    assert.equal(s('a\n\n'), 'a\n');
    assert.equal(s('a\n\n\n'), 'a\n\n');
    assert.equal(s('a\n'), 'a\n');
    assert.equal(s('a'), 'a');
    assert.equal(s('a\r\n\r\n'), 'a\r\n');
    assert.equal(s('a\r\n'), 'a\r\n');
    assert.equal(s('\n'), '');
  });

  it('mboxrd escaping and unescaping are inverses; mboxo text is left alone by the unescaper only where it must', () => {
    const original = Buffer.from('From here\n>From there\n>>From afar\n X>From not at line start\nFrom\n');
    const escaped = escapeMboxrd(original);
    assert.equal(escaped.toString(), '>From here\n>>From there\n>>>From afar\n X>From not at line start\nFrom\n');
    assert.deepEqual(unescapeMboxrd(escaped), original);
    assert.equal(unescapeMboxrd(Buffer.from('a>From b\n>From c')).toString(), 'a>From b\nFrom c');
  });
});

describe('import: reading mbox files', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'aox-mbox-unit-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string | Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };

  it('splits at From_ lines only, keeps every other byte, and records offsets, indexes and dates', async () => {
    const text = 'From a@b Thu Aug 22 12:36:23 2002\nSubject: one\n\nFrom the start.\n>From quoted\n\n' +
                 'From c@d Fri Aug 23 12:36:23 2002\r\nSubject: two\r\n\r\nbody\r\n\r\n' +
                 'From e@f Sat Aug 24 12:36:23 2002\nSubject: three\n\nno final newline';
    const items = await collect(readMbox(file('basic.mbox', text)));
    const ms = messages(items);
    assert.deepEqual(ms.map((m) => m.raw.toString()), [
      'Subject: one\n\nFrom the start.\n>From quoted\n',
      'Subject: two\r\n\r\nbody\r\n',
      'Subject: three\n\nno final newline',
    ]);
    assert.deepEqual(ms.map((m) => m.offset), [0, text.indexOf('From c@d'), text.indexOf('From e@f')]);
    assert.deepEqual(ms.map((m) => m.index), [1, 2, 3]);
    assert.deepEqual(ms.map((m) => m.date.toISOString().slice(0, 10)), ['2002-08-22', '2002-08-23', '2002-08-24']);
    assert.ok(ms.every((m) => m.headerFlags));
    assert.deepEqual(problems(items), []);
  });

  it('unquotes ">From " only with mboxrd', async () => {
    const p = file('rd.mbox', 'From a@b Thu Aug 22 12:36:23 2002\nx\n>From y\n>>From z\n\n');
    assert.equal(messages(await collect(readMbox(p)))[0].raw.toString(), 'x\n>From y\n>>From z\n');
    assert.equal(messages(await collect(readMbox(p, { mboxrd: true })))[0].raw.toString(), 'x\nFrom y\n>From z\n');
  });

  it('handles messages and lines larger than the read size, and From_ lines across reads', async () => {
    const big = 'A'.repeat(3 * 1024 * 1024);             // one 3 MB line, no newline in it
    const lines = Array.from({ length: 40_000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n');
    const parts = [
      `From a@b Thu Aug 22 12:36:23 2002\nSubject: big\n\n${big}\n\n`,
      `From b@c Thu Aug 22 12:36:24 2002\nSubject: many lines\n\n${lines}\n\n`,
    ];
    // a From_ line right at the 1 MB read boundary
    const pad = 1024 * 1024 - Buffer.byteLength(parts[0] + parts[1]) % (1024 * 1024) - 10;
    parts[1] = parts[1].replace('Subject: many lines\n\n', `Subject: many lines\n\n${'p'.repeat(pad > 0 ? pad : 0)}\n`);
    parts.push('From c@d Thu Aug 22 12:36:25 2002\nSubject: last\n\nend\n');
    const lastAt = Buffer.byteLength(parts[0] + parts[1]);
    assert.ok(lastAt % (1024 * 1024) > 1024 * 1024 - 20, 'the last From_ line spans a read boundary');
    const items = await collect(readMbox(file('big.mbox', parts.join(''))));
    const ms = messages(items);
    assert.equal(ms.length, 3);
    assert.equal(ms[0].raw.length, Buffer.byteLength(`Subject: big\n\n${big}\n`));
    assert.ok(ms[1].raw.toString().endsWith(`line 39999 ${'x'.repeat(40)}\n`));
    assert.equal(ms[2].raw.toString(), 'Subject: last\n\nend\n');
    assert.equal(ms[2].offset, lastAt);
  });

  it('reports junk before the first From_ line, files that are not mboxes, and unreadable files', async () => {
    const junk = await collect(readMbox(file('junk.mbox', 'garbage\nmore\nFrom a@b Thu Aug 22 12:36:23 2002\nx\n')));
    assert.equal(messages(junk).length, 1);
    assert.match(problems(junk)[0].reason, /13 bytes before the first From_ line/);
    const blank = await collect(readMbox(file('blank.mbox', '\n\nFrom a@b Thu Aug 22 12:36:23 2002\nx\n')));
    assert.deepEqual(problems(blank), []);
    const notMbox = await collect(readMbox(file('message.eml', 'Subject: hi\n\nhello\n')));
    assert.deepEqual(messages(notMbox), []);
    assert.match(problems(notMbox)[0].reason, /not an mbox/);
    assert.deepEqual(await collect(readMbox(file('empty.mbox', ''))), []);
    const missing = await collect(readMbox(join(dir, 'nope.mbox')));
    assert.match(problems(missing)[0].reason, /cannot open/);
    const directory = await collect(readMbox(dir));
    assert.match(problems(directory)[0].reason, /read error/);
  });
});
