import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { ImapClient, numbersOf } from '../../tools/bench/imap-client.ts';
import { lmtpData } from '../../tools/bench/lmtp-client.ts';
import { parseImaptest } from '../../tools/bench/scenarios/imaptest.ts';
import { countThreads } from '../../tools/bench/scenarios/thread.ts';

function fakeServer(onLine: (line: string, s: Socket) => void): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((s) => {
      s.write('* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n');
      let buf = '';
      s.on('data', (d) => {
        buf += d.toString('latin1');
        for (let nl = buf.indexOf('\r\n'); nl >= 0; nl = buf.indexOf('\r\n')) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 2);
          onLine(line, s);
        }
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ server, port: typeof a === 'object' && a ? a.port : 0 });
    });
  });
}

describe('bench imap client', () => {
  it('reads literals split across packets and counts their bytes', async () => {
    const { server, port } = await fakeServer((line, s) => {
      const [tag, cmd] = line.split(' ');
      if (cmd === 'FETCH') {
        s.write('* 1 FETCH (BODY[HEADER] {12}\r\nSubj');
        setTimeout(() => s.write('ect: x\r\n)\r\n* 2 FETCH (FLAGS ())\r\n' + `${tag} OK done\r\n`), 20);
      } else if (cmd === 'SEARCH') {
        // one long line in pieces, the line end arriving last
        s.write('* SEARCH 2 ');
        setTimeout(() => s.write('4 '), 10);
        setTimeout(() => s.write(`9\r\n${tag} OK done\r\n`), 20);
      } else {
        s.write(`${tag} NO [CANNOT] nope\r\n`);
      }
    });
    const c = await ImapClient.connect('127.0.0.1', port);
    try {
      assert.ok(c.has('IDLE'));
      const r = await c.command('FETCH 1:2 (BODY.PEEK[HEADER])', { collect: true });
      assert.equal(r.status, 'OK');
      assert.equal(r.untaggedCount, 2);
      assert.equal(r.literalBytes, 12);
      assert.equal(r.untagged[0].text, '* 1 FETCH (BODY[HEADER] {12})');
      const s = await c.command('SEARCH TEXT x', { collect: true });
      assert.deepEqual(numbersOf(s.untagged, 'SEARCH'), [2, 4, 9]);
      await assert.rejects(c.ok('SORT (DATE) UTF-8 ALL'), /SORT → NO \[CANNOT\] nope/);
    } finally {
      c.close();
      server.close();
    }
  });

  it('times out instead of hanging', async () => {
    const { server, port } = await fakeServer(() => undefined);
    const c = await ImapClient.connect('127.0.0.1', port);
    try {
      await assert.rejects(c.command('NOOP', { timeoutMs: 100 }), /no tagged reply/);
    } finally {
      c.close();
      server.close();
    }
  });
});

describe('bench parsers', () => {
  it('dot-stuffs LMTP data, ends it with CRLF.CRLF', () => {
    assert.equal(lmtpData(Buffer.from('.a\n..b\nc\n')).toString(), '..a\r\n...b\r\nc\r\n.\r\n');
    assert.equal(lmtpData(Buffer.from('x')).toString(), 'x\r\n.\r\n');
  });

  it('counts top-level threads', () => {
    assert.equal(countThreads([{ text: '* THREAD (1)(2 3 (4)(5))(6 7)', literalBytes: 0 }]), 3);
    assert.equal(countThreads([{ text: '* THREAD', literalBytes: 0 }]), 0);
  });

  it('reads imaptest totals', () => {
    const out = [
      'Logi List Stat Sele Fetc Fet2 Stor Dele Expu Appe Logo ',
      '   7    1    4    7    4    8    0    2    3    5    5   3/ 10',
      'Error: stress[5]: something odd',
      '',
      'Totals:',
      'Logi List Stat Sele Fetc Fet2 Stor Dele Expu Appe Logo ',
      '100%  50%  50% 100% 100% 100%  50% 100% 100% 100% 100% ',
      '                          30%                  5%      ',
      '  54   28   26   54   52   86   21   31   52   54   63 ',
    ].join('\n');
    const t = parseImaptest(out);
    assert.ok(t);
    assert.equal(t.total, 521);
    assert.equal(t.counts[t.columns.indexOf('Logi')], 54);
    assert.deepEqual(t.errors, ['Error: stress[5]: something odd']);
    assert.equal(parseImaptest('no totals here'), null);
  });
});
