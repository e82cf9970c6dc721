// Reading complete IMAP commands from a real socket: literals of every kind, continuation
// requests, limits, and resynchronisation after a refusal.
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { readCommand, type ReadOutcome } from '../../frontend/imap/command-reader.ts';
import { Connection, ConnectionClosed } from '../../frontend/net/connection.ts';

interface Pair {
  conn: Connection;
  client: Socket;
  received: () => string;
  close(): void;
}

async function pair(): Promise<Pair> {
  let serverSide: Socket | null = null;
  const srv = createServer((s) => { serverSide = s; });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  const client = connect(port, '127.0.0.1');
  await new Promise<void>((r) => client.once('connect', () => r()));
  while (!serverSide) await new Promise((r) => setTimeout(r, 5));
  const chunks: Buffer[] = [];
  client.on('data', (d: Buffer) => chunks.push(d));
  return {
    conn: new Connection(serverSide),
    client,
    received: () => Buffer.concat(chunks).toString('latin1'),
    close() {
      client.destroy();
      srv.close();
    },
  };
}

const LIMITS = { appendLimit: 1000, maxLine: 200, maxLiteral: 100, maxCommand: 5000 };

describe('imap command reader', () => {
  let p: Pair;
  let continuations = 0;
  const read = (): Promise<ReadOutcome> => readCommand(p.conn, LIMITS, async () => {
    continuations++;
    await p.conn.write('+ go\r\n');
  });
  const text = (o: ReadOutcome) => (o.kind === 'command' ? o.bytes.toString('latin1') : `${o.status} ${o.text}`);
  beforeEach(async () => {
    p = await pair();
    continuations = 0;
  });
  afterEach(() => p.close());

  it('reads a plain line without its CRLF', async () => {
    p.client.write('a1 NOOP\r\na2 CAPABILITY\n');
    assert.equal(text(await read()), 'a1 NOOP');
    assert.equal(text(await read()), 'a2 CAPABILITY');
  });

  it('asks for synchronizing literals and reads them inline, with the rest of the line', async () => {
    p.client.write('a1 LOGIN {5}\r\n');
    const pending = read();
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(p.received(), '+ go\r\n');
    p.client.write('alice {6}\r\n');
    await new Promise((r) => setTimeout(r, 30));
    p.client.write('secret\r\n');
    assert.equal(text(await pending), 'a1 LOGIN {5}\r\nalice {6}\r\nsecret');
    assert.equal(continuations, 2);
  });

  it('reads LITERAL+ and literal8 without asking', async () => {
    p.client.write('a1 APPEND x ~{3+}\r\n\u0000\u0001\u0002 {2+}\r\nhi\r\n');
    const o = await read();
    assert.equal(o.kind, 'command');
    assert.deepEqual(o.kind === 'command' ? o.bytes : null, Buffer.from('a1 APPEND x ~{3+}\r\n\0\x01\x02 {2+}\r\nhi', 'latin1'));
    assert.equal(continuations, 0);
  });

  it('refuses an oversized synchronizing APPEND literal with NO [TOOBIG] before it is sent', async () => {
    p.client.write('a1 APPEND INBOX {5000}\r\na2 NOOP\r\n');
    const o = await read();
    assert.equal(o.kind, 'rejected');
    assert.ok(o.kind === 'rejected' && o.status === 'NO' && o.code?.code === 'TOOBIG' && o.tag === 'a1');
    assert.equal(continuations, 0);
    assert.equal(text(await read()), 'a2 NOOP');
  });

  it('discards an oversized non-synchronizing literal so the next command is found', async () => {
    p.client.write(`a1 SEARCH TEXT {300+}\r\n${'x'.repeat(300)} BODY {3+}\r\nabc\r\na2 NOOP\r\n`);
    const o = await read();
    // RFC 7888 §4: tagged BAD [TOOBIG]
    assert.ok(o.kind === 'rejected' && o.status === 'BAD' && o.code?.code === 'TOOBIG' && o.tag === 'a1');
    assert.equal(text(await read()), 'a2 NOOP');
  });

  it('refuses an over-long line and resynchronises at its end', async () => {
    p.client.write(`a1 NOOP ${'y'.repeat(250)}\r\na2 NOOP\r\n`);
    const o = await read();
    assert.ok(o.kind === 'rejected' && o.status === 'BAD' && o.tag === null);
    assert.equal(text(await read()), 'a2 NOOP');
    // longer than what is buffered at once, arriving in pieces
    p.client.write(`a3 NOOP ${'z'.repeat(700)}`);
    const pending = read();
    await new Promise((r) => setTimeout(r, 30));
    p.client.write(`${'z'.repeat(500)}\r\na4 NOOP\r\n`);
    assert.equal((await pending).kind, 'rejected');
    assert.equal(text(await read()), 'a4 NOOP');
  });

  it('enforces the total size of a command', async () => {
    const lit = (n: number) => `{${n}+}\r\n${'q'.repeat(n)}`;
    p.client.write(`a1 APPEND INBOX ${lit(900)} ${lit(900)} ${lit(900)} ${lit(900)} ${lit(900)} ${lit(900)}\r\na2 NOOP\r\n`);
    const o = await read();
    assert.ok(o.kind === 'rejected' && o.status === 'NO');
    assert.equal(text(await read()), 'a2 NOOP');
  });

  it('throws ConnectionClosed when the peer goes away in the middle of a literal', async () => {
    p.client.write('a1 APPEND INBOX {500+}\r\nonly part of it');
    const pending = read();
    await new Promise((r) => setTimeout(r, 30));
    p.client.destroy();
    await assert.rejects(pending, ConnectionClosed);
  });
});
