// IMAP URLs (RFC 5092) as CATENATE takes them: relative and absolute forms, %-decoding, and
// everything else refused.
import assert from 'node:assert/strict';
import { parseImapUrl } from '../../frontend/imap/grammar/imap-url.ts';

describe('imap url', () => {
  it('reads the relative form with UIDVALIDITY, SECTION and PARTIAL', () => {
    assert.deepEqual(parseImapUrl('/INBOX;UIDVALIDITY=385759045/;UID=20/;SECTION=1.2.MIME/;PARTIAL=10.5'), {
      mailbox: 'INBOX', uidvalidity: 385759045, uid: 20, section: '1.2.MIME', user: null,
      partial: { offset: 10, length: 5 },
    });
    assert.deepEqual(parseImapUrl('/a/b/;uid=3/;section=header.fields%20(from%20to)'), {
      mailbox: 'a/b', uidvalidity: null, uid: 3, section: 'header.fields (from to)', user: null, partial: null,
    });
  });

  it('reads the absolute form, its user and %-encoded UTF-8 names', () => {
    const u = parseImapUrl('imap://Fred%20F;AUTH=*@mail.example.org:143/Gr%C3%BC%C3%9Fe/;UID=7');
    assert.equal(u?.user, 'Fred F');
    assert.equal(u?.mailbox, 'Grüße');
    assert.equal(u?.uid, 7);
    assert.equal(parseImapUrl('imap://mail.example.org/INBOX/;UID=1')?.user, null);
  });

  it('refuses what is not a message URL', () => {
    for (const bad of ['INBOX/;UID=1', '/INBOX', '/INBOX/;UID=0', '/INBOX/;UID=1/;URLAUTH=x', '/%FF/;UID=1',
      '/%G1/;UID=1', '/;UID=1', 'imap://host', '/INBOX/;UID=99999999999', 'http://x/INBOX/;UID=1']) {
      assert.equal(parseImapUrl(bad), null, bad);
    }
  });
});
