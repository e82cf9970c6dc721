// AUTHENTICATE (RFC 3501 §6.2.2) with PLAIN (RFC 4616), LOGIN and SCRAM-SHA-256 (RFC 5802,
// RFC 7677), and an initial response on the command line (SASL-IR, RFC 4959). A "*" line cancels
// (BAD). PLAIN and LOGIN carry the password in clear, so they follow allow-plaintext-passwords.
import { ScramError } from '../../auth/scram.ts';
import { decodePlain, ScramExchange, verifyPassword } from '../../auth/verify.ts';
import { MAX_LINE } from '../../net/limits.ts';
import { authFailed, authSucceeded } from '../auth-outcome.ts';
import { saslMechanisms } from '../capabilities.ts';
import { bad, defineCommand, NOT_AUTHENTICATED, no, type CommandResult } from '../command.ts';
import { Code } from '../compiler.ts';
import type { Session } from '../session.ts';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decode64(text: string): Buffer {
  if (!BASE64.test(text)) throw bad('Invalid base64 in SASL response');
  return Buffer.from(text, 'base64');
}

/** Sends a challenge and reads the client's response line. */
async function exchange(s: Session, challenge: Buffer | string): Promise<Buffer> {
  const text = typeof challenge === 'string' ? Buffer.from(challenge, 'utf8').toString('base64') : challenge.toString('base64');
  await s.continuation(text);
  const line = (await s.conn.readLine(MAX_LINE)).toString('latin1').trim();
  if (line === '*') throw bad('Authentication cancelled');
  return decode64(line);
}

async function plain(s: Session, initial: Buffer | null): Promise<CommandResult> {
  const data = initial ?? await exchange(s, '');
  const p = decodePlain(data);
  if (!p) throw bad('Malformed PLAIN response');
  if (p.authzid && p.authzid.toLowerCase() !== p.login.toLowerCase()) {
    throw no('Cannot authorize as another user', Code.authorizationFailed());
  }
  const u = await verifyPassword(s.ctx.db, p.login, p.password);
  return u ? authSucceeded(s, u, 'PLAIN') : authFailed(s, p.login, 'PLAIN');
}

async function login(s: Session, initial: Buffer | null): Promise<CommandResult> {
  const user = (initial ?? await exchange(s, 'Username:')).toString('utf8');
  const password = (await exchange(s, 'Password:')).toString('utf8');
  const u = await verifyPassword(s.ctx.db, user, password);
  return u ? authSucceeded(s, u, 'LOGIN') : authFailed(s, user, 'LOGIN');
}

async function scram(s: Session, initial: Buffer | null): Promise<CommandResult> {
  const ex = new ScramExchange(s.ctx.db);
  const clientFirst = (initial ?? await exchange(s, '')).toString('utf8');
  let login = /,n=([^,]*)/.exec(clientFirst)?.[1] ?? '';
  try {
    const serverFirst = await ex.first(clientFirst);
    const clientFinal = (await exchange(s, serverFirst)).toString('utf8');
    const r = await ex.final(clientFinal);
    if (!r) return authFailed(s, login, 'SCRAM-SHA-256');
    login = r.user.login;
    // RFC 4422 §5: the server's final message goes out as a challenge the client answers empty
    const last = await exchange(s, r.serverFinal);
    if (last.length !== 0) throw bad('Expected an empty response');
    return authSucceeded(s, r.user, 'SCRAM-SHA-256');
  } catch (e) {
    if (e instanceof ScramError) throw bad(e.message);
    throw e;
  }
}

export const authenticate = defineCommand({
  name: 'AUTHENTICATE',
  states: NOT_AUTHENTICATED,
  parse(c) {
    c.space();
    const mechanism = c.atom().toUpperCase();
    let initial: string | null = null;
    if (c.trySpace()) initial = c.atom();
    c.end();
    return { mechanism, initial };
  },
  async execute(s, { mechanism, initial }) {
    if (!saslMechanisms(s).includes(mechanism)) {
      if (mechanism === 'PLAIN' || mechanism === 'LOGIN') {
        throw no('Plaintext authentication is not allowed here; use STARTTLS first', Code.privacyRequired());
      }
      throw no(`Unsupported authentication mechanism ${mechanism.slice(0, 30)}`);
    }
    // SASL-IR: "=" is an empty initial response; none of these mechanisms can start with nothing,
    // so it is treated like no initial response and the first challenge is sent
    const ir = initial === null || initial === '=' ? null : decode64(initial);
    if (mechanism === 'PLAIN') return plain(s, ir);
    if (mechanism === 'LOGIN') return login(s, ir);
    return scram(s, ir);
  },
});
