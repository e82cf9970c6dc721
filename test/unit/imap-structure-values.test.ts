import assert from 'node:assert/strict';
import { compileValue } from '../../frontend/imap/compiler.ts';
import { bodyValue, envelopeValue } from '../../frontend/imap/structure-values.ts';
import { parseMessage } from '../../frontend/mime/parse.ts';

describe('imap: ENVELOPE and BODYSTRUCTURE values', () => {
  const raw = Buffer.from([
    'From: A <a@x.org>', 'To: b@x.org, "C" <c@x.org>', 'Subject: hi', 'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary=XX', '', '--XX', 'Content-Type: text/plain', '', 'one',
    '--XX', 'Content-Type: text/html', '', '<b>two</b>', '--XX--', ''].join('\r\n'));
  const p = parseMessage(raw);

  it('writes multipart children with no space between them (RFC 3501 body-type-mpart)', () => {
    const text = compileValue(bodyValue(p.bodystructure)).toString();
    assert.match(text, /^\(\("TEXT" "PLAIN"[^]*\)\("TEXT" "HTML"[^]*\) "MIXED"/);
  });

  it('writes addresses of one field with no space between them', () => {
    const text = compileValue(envelopeValue(p.envelope)).toString();
    assert.match(text, /\(\(NIL NIL "b" "x\.org"\)\("C" NIL "c" "x\.org"\)\)/);
  });
});
