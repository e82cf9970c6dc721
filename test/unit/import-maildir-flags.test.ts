import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flagsFromHeaders, isKeyword } from '../../tools/import/flags.ts';
import { maildirDate, parseDovecotKeywords, parseMaildirName, readMaildir } from '../../tools/import/maildir.ts';
import type { SourceItem, SourceMessage, SourceProblem } from '../../tools/import/types.ts';

describe('import: flags in mbox header fields', () => {
  const flags = (header: string) => flagsFromHeaders(Buffer.from(header + '\n\nbody\nStatus: RO\n')).sort();

  it('reads Status, X-Status and X-Keywords', () => {
    assert.deepEqual(flags('Subject: x\nStatus: RO\nX-Status: AFTD\nX-Keywords: $Junk, NonJunk work'),
      ['$Junk', 'NonJunk', '\\Answered', '\\Deleted', '\\Draft', '\\Flagged', '\\Seen', 'work'].sort());
    assert.deepEqual(flags('Status: O'), []);
    assert.deepEqual(flags('status:   R'), ['\\Seen']);
  });

  it('reads Thunderbird\'s X-Mozilla-Status and X-Mozilla-Keys', () => {
    assert.deepEqual(flags('X-Mozilla-Status: 1003\nX-Mozilla-Keys: $label1 important'),
      ['$Forwarded', '$label1', '\\Answered', '\\Seen', 'important'].sort());
    assert.deepEqual(flags('X-Mozilla-Status: 0008'), ['\\Deleted']);
    assert.deepEqual(flags('X-Mozilla-Status: zz'), []);
  });

  it('looks at the header only, the first occurrence only, and unfolds', () => {
    assert.deepEqual(flags('Subject: x'), []);
    assert.deepEqual(flags('Status: R\nStatus: O\nX-Status: \n A'), ['\\Answered', '\\Seen']);
    assert.deepEqual(flagsFromHeaders(Buffer.from('Status: R\r\nX-Keywords: a\r\n\r\nX-Status: F\r\n')).sort(), ['\\Seen', 'a']);
  });

  it('keeps only keywords IMAP can carry', () => {
    assert.ok(isKeyword('$Junk'));
    for (const k of ['', 'a b', '\\Seen', 'x(y', 'per%cent', 'quo"te', 'naïve', 'brack]et']) assert.ok(!isKeyword(k), k);
    assert.deepEqual(flags('X-Keywords: good, (bad), ok'), ['good', 'ok']);
  });
});

describe('import: maildir names and dates', () => {
  it('reads flags from the info part, with any of the separators in use', () => {
    const kw = parseDovecotKeywords('0 $Junk\n1 NonJunk\nbad line\n30 TooFar\n');
    assert.deepEqual(parseMaildirName('1035478339.27041_11.host:2,FRS', kw), { time: 1035478339, flags: ['\\Flagged', '\\Answered', '\\Seen'] });
    assert.deepEqual(parseMaildirName('1035478339.x!2,DPTab', kw).flags, ['\\Draft', '$Forwarded', '\\Deleted', '$Junk', 'NonJunk']);
    assert.deepEqual(parseMaildirName('1035478339.x;2,Sz', kw).flags, ['\\Seen']);
    assert.deepEqual(parseMaildirName('1035478339.x', kw), { time: 1035478339, flags: [] });
    assert.deepEqual(parseMaildirName('msg-without-time:2,S'), { time: null, flags: ['\\Seen'] });
  });

  it('takes the earlier of file time and name time', () => {
    const mtime = new Date('2020-01-01T00:00:00Z');
    assert.equal(maildirDate(mtime, null), mtime);
    assert.equal(maildirDate(mtime, Date.UTC(2021, 0, 1) / 1000), mtime);        // set by the MDA: mtime wins
    assert.equal(maildirDate(mtime, Date.UTC(2019, 0, 1) / 1000).toISOString(), '2019-01-01T00:00:00.000Z'); // copied
  });
});

describe('import: reading maildirs', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'aox-maildir-unit-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function collect(root: string): Promise<SourceItem[]> {
    const out: SourceItem[] = [];
    for await (const x of readMaildir(root)) out.push(x);
    return out;
  }

  it('reads cur/ and new/ in arrival order with exact bytes, flags and dates, and reports unreadable files', async () => {
    const root = join(dir, 'Maildir');
    for (const d of ['cur', 'new', 'tmp', '.Sub/cur']) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, 'dovecot-keywords'), '0 Work\n');
    const put = (rel: string, content: string, time: number) => {
      writeFileSync(join(root, rel), content);
      utimesSync(join(root, rel), time, time);
    };
    put('cur/1000000300.c.host:2,Sa', 'Subject: third\r\n\r\nx', 1000000300);
    put('cur/1000000100.a.host:2,RS', 'Subject: first\n\n', 1000000100);
    put('new/1000000200.b.host', 'Subject: second\n\n\n', 1000000200);
    put('tmp/1000000050.t.host', 'Subject: in delivery\n\n', 1000000050);
    put('.Sub/cur/1000000060.s.host:2,', 'Subject: subfolder\n\n', 1000000060);
    writeFileSync(join(root, 'cur', '.hidden'), 'x');
    symlinkSync(join(dir, 'nowhere'), join(root, 'cur', '1000000150.gone.host:2,S'));
    const items = await collect(root);
    const ms = items.filter((x): x is SourceMessage => x.kind === 'message');
    assert.deepEqual(ms.map((m) => m.raw.toString()), ['Subject: first\n\n', 'Subject: second\n\n\n', 'Subject: third\r\n\r\nx']);
    assert.deepEqual(ms.map((m) => m.flags), [['\\Answered', '\\Seen'], [], ['\\Seen', 'Work']]);
    assert.deepEqual(ms.map((m) => m.date.getTime() / 1000), [1000000100, 1000000200, 1000000300]);
    assert.ok(ms.every((m) => !m.headerFlags));
    const ps = items.filter((x): x is SourceProblem => x.kind === 'problem');
    assert.equal(ps.length, 1);
    assert.match(ps[0].file, /1000000150\.gone/);
    assert.match(ps[0].reason, /cannot read/);
  });

  it('reports a directory that is not a maildir', async () => {
    const items = await collect(join(dir, 'nothing-here'));
    assert.equal(items.length, 1);
    assert.match((items[0] as SourceProblem).reason, /not a maildir/);
  });
});
