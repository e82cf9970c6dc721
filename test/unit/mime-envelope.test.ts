// ENVELOPE (RFC 3501 §7.4.2), the address parser and the date parser.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { AddressItem } from '../../frontend/mime/address.ts';
import { decodedAddresses, parseAddressList } from '../../frontend/mime/address.ts';
import { parseDate } from '../../frontend/mime/date.ts';
import { addressListValue } from '../../frontend/mime/envelope.ts';
import { parseMessage } from '../../frontend/mime/parse.ts';
import { Problems } from '../../frontend/mime/problems.ts';
import type { ImapValue } from '../../frontend/mime/types.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/mime/${name}`, import.meta.url));
const crlf = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');

/** The ENVELOPE address list of a header value. */
function env(text: string): ImapValue {
  return addressListValue(parseAddressList(text, new Problems()));
}

function items(text: string): { items: AddressItem[]; problems: string[] } {
  const problems = new Problems();
  return { items: parseAddressList(text, problems), problems: problems.list };
}

describe('mime ENVELOPE', () => {
  it('follows RFC 3501 for comments, groups, routes and folded fields (RFC 5322 A.5)', () => {
    assert.deepEqual(parseMessage(fixture('groups.eml')).envelope, [
      'Thu,      13        Feb          1969      23:32               -0330 (Newfoundland Time)',
      'groups',
      [['Pete', null, 'pete', 'silly.test']],
      [[null, '@route1.test,@route2.test', 'user', 'dest.test']],
      // Reply-To: "" is empty, so it defaults to From.
      [['Pete', null, 'pete', 'silly.test']],
      [
        [null, null, 'A Group', null],
        ['Chris Jones', null, 'c', 'public.example'],
        [null, null, 'joe', 'example.org'],
        ['John', null, 'jdoe', 'one.test'],
        [null, null, null, null],
      ],
      [[null, null, 'Hidden recipients', null], [null, null, null, null]],
      [[null, null, 'undisclosed-recipients', null], [null, null, null, null]],
      null,
      '<testabcd.1234@silly.test>',
    ]);
  });

  it('keeps strings raw: encoded-words stay encoded, unfolded, nothing else', () => {
    const p = parseMessage(fixture('encoded-words.eml'));
    const e = p.envelope as ImapValue[];
    assert.equal(e[1], '=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?= =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=');
    assert.deepEqual(e[2], [['=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=', null, 'keld', 'example.dk']]);
    assert.deepEqual(e[5], [
      ['=?US-ASCII?Q?Keith_Moore?=', null, 'moore', 'example.edu'],
      ['=?ISO-8859-1?Q?Andr=E9?= Pirard', null, 'PIRARD', 'example.be'],
    ]);
    assert.deepEqual(e[6], [['=?utf-8?B?w4lsw6lvbm9yZQ==?=', null, 'eleonore', 'example.fr']]);
    // …while the parsed view decodes the names.
    assert.deepEqual(p.from, [{ name: 'Keld Jørn Simonsen', localpart: 'keld', domain: 'example.dk' }]);
    assert.equal(p.cc[0].name, 'Éléonore');
  });

  it('writes the envelope of the nested fixture', () => {
    assert.deepEqual(parseMessage(fixture('nested.eml')).envelope, [
      'Mon, 7 Feb 1994 21:52:25 -0800 (PST)',
      'Re: [list] Fwd: The quarterly report (fwd)',
      [['Alice Example', null, 'alice', 'example.com']],
      [['Alice Example', null, 'alice', 'example.com']],
      [['Alice Example', null, 'alice', 'example.com']],
      [['Bob', null, 'bob', 'example.org'], [null, null, 'undisclosed-recipients', null], [null, null, null, null]],
      [
        [null, null, 'team', null], [null, null, 'carol', 'example.net'], ['Dave D.', null, 'dave', 'example.net'],
        [null, null, null, null], [null, null, 'erin', 'example.com'],
      ],
      null,
      '<parent@example.com>',
      '<B27397-0100000@example.com>',
    ]);
  });

  it('is all NIL for a message without those fields', () => {
    assert.deepEqual(parseMessage(crlf('X-Other: 1', '', 'b')).envelope, [null, null, null, null, null, null, null, null, null, null]);
  });

  it('uses Sender and Reply-To when present, From when empty', () => {
    const e = parseMessage(crlf('From: a@x.test', 'Sender: b@x.test', 'Reply-To:', 'Subject:', '', '')).envelope as ImapValue[];
    assert.deepEqual(e[3], [[null, null, 'b', 'x.test']]);
    assert.deepEqual(e[4], [[null, null, 'a', 'x.test']]);
    assert.equal(e[1], '');
  });

  it('collects recipients from repeated To and Cc fields, but takes the first From', () => {
    const p = parseMessage(crlf('From: a@x.test', 'From: b@x.test', 'To: c@x.test', 'To: d@x.test', '', ''));
    const e = p.envelope as ImapValue[];
    assert.deepEqual(e[2], [[null, null, 'a', 'x.test']]);
    assert.deepEqual(e[5], [[null, null, 'c', 'x.test'], [null, null, 'd', 'x.test']]);
  });

  it('writes 8-bit header text as text', () => {
    const e = parseMessage(fixture('latin1-headers.eml')).envelope as ImapValue[];
    assert.equal(e[1], 'Grüße aus Köln');
    assert.deepEqual(e[2], [['Jörg Müller', null, 'joerg', 'example.de']]);
  });
});

describe('mime address lists', () => {
  it('parses display names, quoted strings and plain addresses', () => {
    assert.deepEqual(env('Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>'), [
      ['Mary Smith', null, 'mary', 'x.test'], [null, null, 'jdoe', 'example.org'], ['Who?', null, 'one', 'y.test'],
    ]);
    assert.deepEqual(env('"Giant; \\"Big\\" Box" <sysservices@example.net>'), [['Giant; "Big" Box', null, 'sysservices', 'example.net']]);
    assert.deepEqual(env('John Q. Public <jqp@x.test>'), [['John Q. Public', null, 'jqp', 'x.test']]);
    assert.deepEqual(env('"Doe, John" <jd@x.test>'), [['Doe, John', null, 'jd', 'x.test']]);
  });

  it('uses a comment as the name when there is no phrase', () => {
    assert.deepEqual(env('user@example.com (Comment Name)'), [['Comment Name', null, 'user', 'example.com']]);
    assert.deepEqual(env('<user@example.com> (Comment Name)'), [['Comment Name', null, 'user', 'example.com']]);
    assert.deepEqual(env('Real <user@example.com> (Comment)'), [['Real', null, 'user', 'example.com']]);
  });

  it('keeps local parts and domains as written', () => {
    assert.deepEqual(env('"quoted local"@example.com'), [[null, null, '"quoted local"', 'example.com']]);
    assert.deepEqual(env('user@[192.168.0.1]'), [[null, null, 'user', '[192.168.0.1]']]);
    assert.deepEqual(env('User.Name+tag@Example.COM'), [[null, null, 'User.Name+tag', 'Example.COM']]);
    assert.deepEqual(env('user . name @ example . com'), [[null, null, 'user.name', 'example.com']]);
  });

  it('handles groups, empty groups and unterminated groups', () => {
    assert.deepEqual(env('undisclosed-recipients:;'), [[null, null, 'undisclosed-recipients', null], [null, null, null, null]]);
    assert.deepEqual(env('Friends: a@x.test, b@x.test;, c@x.test'), [
      [null, null, 'Friends', null], [null, null, 'a', 'x.test'], [null, null, 'b', 'x.test'], [null, null, null, null],
      [null, null, 'c', 'x.test'],
    ]);
    assert.deepEqual(env('Open: a@x.test'), [[null, null, 'Open', null], [null, null, 'a', 'x.test'], [null, null, null, null]]);
  });

  it('has no addresses for empty or null input', () => {
    assert.equal(env(''), null);
    assert.equal(env('   '), null);
    assert.equal(env('<>'), null);
    assert.equal(env('""'), null);
    assert.deepEqual(env('Mail Delivery System <>'), [['Mail Delivery System', null, '', '']]);
  });

  it('accepts a local name without domain', () => {
    assert.deepEqual(env('root'), [[null, null, 'root', '']]);
  });

  it('recovers from common junk', () => {
    // Display name that is itself an address.
    assert.deepEqual(env('joe@example.com <joe@example.com>'), [['joe@example.com', null, 'joe', 'example.com']]);
    // Missing comma and Outlook-style semicolons.
    assert.deepEqual(env('a@x.test b@y.test'), [[null, null, 'a', 'x.test'], [null, null, 'b', 'y.test']]);
    assert.deepEqual(env('a@x.test; b@y.test'), [[null, null, 'a', 'x.test'], [null, null, 'b', 'y.test']]);
    // Unclosed angle bracket and unclosed quote.
    const r = items('Joe <joe@x.test, Ann <ann@y.test>');
    assert.deepEqual(addressListValue(r.items), [['Joe', null, 'joe', 'x.test'], ['Ann', null, 'ann', 'y.test']]);
    assert.deepEqual(r.problems, ['unparsable junk in an address field']);
    assert.deepEqual(env('"Unclosed <a@x.test>'), [['"Unclosed', null, 'a', 'x.test']]);
    // Two @ signs: kept, reported.
    const t = items('<a@b@c.test>');
    assert.deepEqual(addressListValue(t.items), [[null, null, 'a', 'b@c.test']]);
    assert.equal(t.problems.length, 1);
  });

  it('parses 8-bit and encoded names', () => {
    const problems = new Problems();
    const list = parseAddressList('Jörg <j@x.test>, =?utf-8?q?J=C3=B6rg?= <k@x.test>, "=?utf-8?q?J=C3=B6rg?=" <l@x.test>', problems);
    assert.deepEqual(addressListValue(list), [
      ['Jörg', null, 'j', 'x.test'], ['=?utf-8?q?J=C3=B6rg?=', null, 'k', 'x.test'], ['=?utf-8?q?J=C3=B6rg?=', null, 'l', 'x.test'],
    ]);
    assert.deepEqual(decodedAddresses(list, problems).map((a) => a.name), ['Jörg', 'Jörg', 'Jörg']);
  });

  it('keeps adjacent encoded-words together in a name', () => {
    const problems = new Problems();
    const list = parseAddressList('=?utf-8?q?a?= =?utf-8?q?b?= plain <x@y.test>', problems);
    assert.deepEqual(decodedAddresses(list, problems), [{ name: 'ab plain', localpart: 'x', domain: 'y.test' }]);
  });

  it('caps hostile lists', () => {
    const list = parseAddressList('a@b.test, '.repeat(20000), new Problems());
    assert.equal(list.length, 5000);
  });
});

describe('mime dates', () => {
  const cases: Array<[string, string | null]> = [
    ['Thu, 22 Aug 2002 18:26:25 +0700', '2002-08-22T11:26:25.000Z'],
    ['Thu, 22 Aug 2002 18:26:25 -0700 (PDT)', '2002-08-23T01:26:25.000Z'],
    ['22 Aug 2002 18:26:25 GMT', '2002-08-22T18:26:25.000Z'],
    ['Thu, 22 Aug 02 18:26:25 EDT', '2002-08-22T22:26:25.000Z'],
    ['Sun, 22 Aug 99 18:26:25 +0000', '1999-08-22T18:26:25.000Z'],
    ['Thu, 22 Aug 102 18:26:25 +0000', '2002-08-22T18:26:25.000Z'],
    ['Thu Aug 22 12:36:23 2002', '2002-08-22T12:36:23.000Z'],
    ['Thu, 22 August 2002 12:36:23 +0200', '2002-08-22T10:36:23.000Z'],
    ['Thursday, 22-Aug-2002 12:36:23 -0500', '2002-08-22T17:36:23.000Z'],
    ['2002-08-22T12:36:23Z', '2002-08-22T12:36:23.000Z'],
    ['2002-08-22 12:36:23 +02:00', '2002-08-22T10:36:23.000Z'],
    ['2002/09/14 Sat 02:29:32 CDT', '2002-09-14T07:29:32.000Z'],
    ['Thu, 22 Aug 2002 12.36.23 +0000', '2002-08-22T12:36:23.000Z'],
    ['Thu, 22 Aug 2002 12:36 +0000', '2002-08-22T12:36:00.000Z'],
    ['Thu, 22 Aug 2002', '2002-08-22T00:00:00.000Z'],
    ['Thu, 22 Aug 2002 12:36:23 GMT+0200', '2002-08-22T10:36:23.000Z'],
    ['Thu, 22 Aug 2002 12:36:23', '2002-08-22T12:36:23.000Z'],
    ['Thu,22 Aug 2002 12:36:23 +0000 (GMT)', '2002-08-22T12:36:23.000Z'],
    ['Mon, 7 Feb 1994 9:52:25 PM -0800', '1994-02-08T05:52:25.000Z'],
    ['13 Feb 1969 23:32 -0330', '1969-02-14T03:02:00.000Z'],
    ['Thu, 22 Aug 2002 12:36:60 +0000', '2002-08-22T12:36:59.000Z'],
    ['Fri, 29 Feb 2008 00:00:00 +0000', '2008-02-29T00:00:00.000Z'],
    ['30 Feb 2002 10:00:00 +0000', null],
    ['Thu, 22 Aug 2002 25:00:00 +0000', null],
    ['Thu, 32 Aug 2002 10:00:00 +0000', null],
    ['garbage', null],
    ['', null],
    ['12:00:00', null],
  ];
  for (const [input, expected] of cases) {
    it(`parses ${JSON.stringify(input)}`, () => {
      assert.equal(parseDate(input)?.toISOString() ?? null, expected);
    });
  }

  it('stays fast on a hostile value', () => {
    const start = performance.now();
    assert.equal(parseDate('1:'.repeat(100000)), null);
    assert.ok(performance.now() - start < 500);
  });
});
