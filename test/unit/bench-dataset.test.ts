import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Prng } from '../../tools/bench/prng.ts';
import {
  DEFAULT_ATTACHMENT_RATE, MAX_LARGE_ATTACHMENTS, PLANTED_WORDS, asctimeDate, defaultAttachmentRate, defuseFromLines,
  generateMessages, parseTemplate, rfc5322Date,
  type GeneratedMessage, type Template,
} from '../../tools/bench/generator.ts';
import { fromLineDate, mboxEntry, readMbox, toCrlf } from '../../tools/bench/mbox.ts';
import { parseScale } from '../../tools/bench/dataset.ts';

const TEMPLATES: Template[] = [
  parseTemplate(Buffer.from('From: Alice <alice@example.com>\nTo: bob@example.com\nSubject: Lunch plans\n' +
    'Message-ID: <orig1@example.com>\nDate: Mon, 1 Jan 2001 00:00:00 +0000\nStatus: RO\n\nShall we eat?\nFrom here it is close.\n')),
  parseTemplate(Buffer.from('From: carol@example.org\nSubject: =?utf-8?q?Caf=C3=A9?=\nContent-Type: text/html\n\n<p>Hi</p>\n')),
  parseTemplate(Buffer.from('From: dave@example.net\nSubject: Report\n\tcontinued\nContent-Type: text/plain\n\n>From the desk of Dave\n')),
];

function generate(count: number, seed: number, extra: { attachmentRate?: number } = {}): GeneratedMessage[] {
  const out: GeneratedMessage[] = [];
  generateMessages(TEMPLATES, { count, seed, ...extra }, (m) => out.push(m));
  return out;
}

function digest(ms: GeneratedMessage[]): string {
  const h = createHash('sha256');
  for (const m of ms) h.update(m.raw).update(m.date.toISOString());
  return h.digest('hex');
}

describe('bench prng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = new Prng(7);
    const b = new Prng(7);
    const c = new Prng(8);
    const xs = Array.from({ length: 5 }, () => a.next());
    assert.deepEqual(Array.from({ length: 5 }, () => b.next()), xs);
    assert.notDeepEqual(Array.from({ length: 5 }, () => c.next()), xs);
  });

  it('keeps int() within bounds and roughly uniform', () => {
    const r = new Prng(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[r.int(4)]++;
    for (const n of counts) assert.ok(n > 9000 && n < 11000, `bucket ${n}`);
  });
});

describe('bench data set generator', () => {
  it('makes the same bytes for the same seed, and different ones for another seed', () => {
    assert.equal(digest(generate(300, 42)), digest(generate(300, 42)));
    assert.notEqual(digest(generate(300, 42)), digest(generate(300, 43)));
  });

  it('gives every message a unique Message-ID and replaces the template\'s own fields', () => {
    const ms = generate(500, 1);
    const ids = new Set(ms.map((m) => m.messageId));
    assert.equal(ids.size, 500);
    for (const m of ms) {
      const text = m.raw.toString('latin1');
      const head = text.slice(0, text.indexOf('\n\n'));
      assert.equal((head.match(/^Message-ID:/gim) ?? []).length, 1);
      assert.equal((head.match(/^Date:/gim) ?? []).length, 1);
      assert.ok(!/^Status:/im.test(head), 'mbox bookkeeping fields are dropped');
      assert.ok(!head.includes('orig1@example.com'));
    }
  });

  it('threads replies to earlier messages with In-Reply-To, References and "Re:"', () => {
    const ms = generate(2000, 5);
    const index = new Map(ms.map((m) => [m.messageId, m]));
    const replies = ms.filter((m) => m.inReplyTo);
    assert.ok(replies.length > 600 && replies.length < 1000, `${replies.length} replies`);
    for (const r of replies) {
      const parent = index.get(r.inReplyTo as string);
      assert.ok(parent && parent.index < r.index, 'a reply answers an earlier message');
      assert.ok(r.date.getTime() > parent.date.getTime(), 'and comes after it');
      const text = r.raw.toString('latin1');
      assert.match(text, /^Subject: Re: /m);
      const refs = /^References: ([^]*?)\n(?![ \t])/m.exec(text)?.[1].split(/\s+/) ?? [];
      assert.equal(refs[refs.length - 1], r.inReplyTo);
    }
  });

  it('spreads dates over ten years, in whole seconds', () => {
    const ms = generate(1000, 9);
    const years = new Set(ms.map((m) => m.date.getUTCFullYear()));
    assert.ok(years.has(2015) && years.has(2024) && !years.has(2026));
    for (const m of ms) assert.equal(m.date.getTime() % 1000, 0);
  });

  it('adds base64 attachments of 200 KB to 3 MB at the requested rate', () => {
    const ms = generate(200, 3, { attachmentRate: 0.1 });
    const big = ms.filter((m) => m.attachmentBytes > 0);
    assert.ok(big.length > 5 && big.length < 40, `${big.length} attachments`);
    for (const m of big) {
      assert.ok(m.attachmentBytes >= 200 * 1024 && m.attachmentBytes <= 3 * 1024 * 1024);
      const text = m.raw.toString('latin1');
      assert.match(text, /^Content-Type: multipart\/mixed; boundary="([^"]+)"/m);
      assert.match(text, /Content-Transfer-Encoding: base64/);
      assert.ok(m.raw.length > m.attachmentBytes * 4 / 3);
    }
  });

  it('keeps 1% attachments up to 100,000 messages and about MAX_LARGE_ATTACHMENTS beyond', () => {
    assert.equal(defaultAttachmentRate(10_000), DEFAULT_ATTACHMENT_RATE);
    assert.equal(defaultAttachmentRate(100_000), DEFAULT_ATTACHMENT_RATE);
    assert.equal(defaultAttachmentRate(1_000_000), MAX_LARGE_ATTACHMENTS / 1_000_000);
    assert.ok(defaultAttachmentRate(1_000_000) * 1_000_000 <= MAX_LARGE_ATTACHMENTS);
  });

  it('plants the rare words only in plain-text bodies, and counts them', () => {
    const ms = generate(20_000, 11, { attachmentRate: 0 });
    for (const p of PLANTED_WORDS) {
      const carriers = ms.filter((m) => m.raw.includes(p.word));
      assert.deepEqual(carriers.map((m) => m.index), ms.filter((m) => m.planted.includes(p.word)).map((m) => m.index));
      assert.ok(carriers.length > 0);
      for (const m of carriers) assert.doesNotMatch(m.raw.toString('latin1'), /Content-Type: text\/html/);
    }
  });

  it('never leaves a line that starts with "From " in a message', () => {
    assert.equal(defuseFromLines('a\nFrom x\n>From y\nFromage\n'), 'a\n From x\n >From y\nFromage\n');
    for (const m of generate(300, 2)) assert.doesNotMatch(m.raw.toString('latin1'), /^>*From /m);
  });

  it('formats dates as RFC 5322 and asctime', () => {
    const t = Date.UTC(2019, 2, 3, 4, 5, 6);
    assert.equal(rfc5322Date(t, 60), 'Sun, 03 Mar 2019 05:05:06 +0100');
    assert.equal(rfc5322Date(t, -300), 'Sat, 02 Mar 2019 23:05:06 -0500');
    assert.equal(asctimeDate(t), 'Sun Mar  3 04:05:06 2019');
    assert.equal(fromLineDate(`From x@y ${asctimeDate(t)}`)?.getTime(), t);
  });
});

describe('bench mbox', () => {
  it('reads back exactly what was written, with the From line dates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-mbox-'));
    try {
      const ms = generate(50, 4, { attachmentRate: 0.05 });
      const file = join(dir, 'x.mbox');
      writeFileSync(file, Buffer.concat(ms.flatMap((m) => mboxEntry(m.raw, m.date))));
      const back = [...readMbox(file)];
      assert.equal(back.length, 50);
      back.forEach((b, i) => {
        assert.ok(b.raw.equals(ms[i].raw), `message ${i}`);
        assert.equal(b.date?.getTime(), ms[i].date.getTime());
      });
      assert.equal([...readMbox(file, 7)].length, 7);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('converts bare LF to CRLF and leaves CRLF alone', () => {
    assert.equal(toCrlf(Buffer.from('a\nb\r\nc\n')).toString(), 'a\r\nb\r\nc\r\n');
    assert.equal(toCrlf(Buffer.from('abc')).toString(), 'abc');
  });

  it('parses data set sizes', () => {
    assert.equal(parseScale('10k'), 10_000);
    assert.equal(parseScale('1m'), 1_000_000);
    assert.equal(parseScale('2500'), 2500);
    assert.throws(() => parseScale('lots'));
  });
});
