import assert from 'node:assert/strict';
import { messageMeta, imapValueFromJson, imapValueToJson } from '../../frontend/db/message-meta.ts';
import { parseMessage } from '../../frontend/mime/parse.ts';

describe('db: message meta for mail.inject', () => {
  it('turns NUL and lone surrogates into text jsonb accepts', () => {
    const p = parseMessage(Buffer.from('Subject: =?utf-16be?B?2AA=?= a\u0000b\r\nFrom: x@y\r\n\r\nbody\u0000\r\n', 'latin1'));
    const json = JSON.stringify(messageMeta(p));
    assert.ok(!json.includes('\\u0000'));
    assert.ok(!/\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])/i.test(json), json);
  });

  it('keeps 8-bit bytes of IMAP values through JSON', () => {
    const v = [Buffer.from([0xe9, 0x41]), 'x', null, 3, [Buffer.from('a')]];
    assert.deepEqual(imapValueFromJson(JSON.parse(JSON.stringify(imapValueToJson(v)))), v);
  });

  it('sorts by a leading group\'s name, as RFC 5256 takes the first address\'s mailbox', () => {
    const m = messageMeta(parseMessage(Buffer.from('From: Zed <zed@x.org>\r\nTo: team: a@x.org, b@x.org;\r\nCc: c@x.org\r\n\r\nx\r\n')));
    assert.equal(m.sortTo, 'team');
    assert.equal(m.displayTo, 'team');
    assert.equal(m.sortCc, 'c');
    assert.equal(m.sortFrom, 'zed');
    assert.equal(m.displayFrom, 'zed');
  });
});
