// CAPA (RFC 2449 §5). USER and the plaintext SASL mechanisms are listed only where this connection
// may use them (allow-plaintext-passwords), STLS only while the connection is in clear
// (RFC 2595 §4). The same list is given in both states: RFC 2449 §5 wants the AUTHORIZATION
// capabilities announced in the TRANSACTION state too.
import { defineCommand } from '../command.ts';
import { noArguments } from '../args.ts';
import { lineBody, ok } from '../reply.ts';
import { mechanisms } from './auth.ts';

export default defineCommand({
  name: 'CAPA',
  states: ['authorization', 'transaction'],
  parse: noArguments,
  async execute(session) {
    const caps = ['TOP', 'UIDL'];
    if (session.plaintextAllowed) caps.push('USER');
    caps.push(`SASL ${mechanisms(session).join(' ')}`);
    caps.push('RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING');
    if (session.tlsAvailable) caps.push('STLS');
    caps.push('IMPLEMENTATION aox');
    return ok('Capability list follows', lineBody(caps));
  },
});
