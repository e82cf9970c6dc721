// AUTH (RFC 5034): SASL PLAIN (RFC 4616), LOGIN and SCRAM-SHA-256 (RFC 5802, RFC 7677), with an
// optional initial response ("=" for an empty one). SCRAM's server-final-message is additional
// data with success: it goes out as one more "+" challenge, answered by an empty line, then +OK
// (RFC 5034 §4). "AUTH" alone lists the mechanisms, as clients older than CAPA expect.
import { ScramExchange, decodePlain, verifyPassword, type AuthenticatedUser } from '../../auth/verify.ts';
import { ScramError } from '../../auth/scram.ts';
import { ConnectionClosed } from '../../net/connection.ts';
import { defineCommand } from '../command.ts';
import { completeLogin } from '../login.ts';
import { Pop3Error, databaseError, err, lineBody, ok, type Pop3Reply } from '../reply.ts';
import { SaslCancelled, type Pop3Session } from '../session.ts';
import { PLAINTEXT_REFUSED } from './user.ts';

interface AuthArgs {
  mechanism: string | null;
  initial: Buffer | null;
}

/** The mechanisms this connection may use, for CAPA and a bare AUTH. */
export function mechanisms(session: Pop3Session): string[] {
  return session.plaintextAllowed ? ['PLAIN', 'LOGIN', 'SCRAM-SHA-256'] : ['SCRAM-SHA-256'];
}

const EMPTY = Buffer.alloc(0);

async function plain(session: Pop3Session, initial: Buffer | null): Promise<Pop3Reply> {
  const decoded = decodePlain(initial ?? await session.challenge(EMPTY));
  // an authorization identity other than the login would be proxy authentication: not offered
  if (!decoded || (decoded.authzid && decoded.authzid !== decoded.login)) return session.authFailed(decoded?.login ?? '', 'PLAIN');
  return check(session, decoded.login, await verifyPassword(session.ctx.db, decoded.login, decoded.password), 'PLAIN');
}

async function login(session: Pop3Session, initial: Buffer | null): Promise<Pop3Reply> {
  const name = (initial ?? await session.challenge(Buffer.from('Username:'))).toString('utf8');
  const password = (await session.challenge(Buffer.from('Password:'))).toString('utf8');
  return check(session, name, await verifyPassword(session.ctx.db, name, password), 'LOGIN');
}

async function scram(session: Pop3Session, initial: Buffer | null): Promise<Pop3Reply> {
  const exchange = new ScramExchange(session.ctx.db);
  const clientFirst = (initial ?? await session.challenge(EMPTY)).toString('utf8');
  const name = /,n=([^,]*)/.exec(clientFirst)?.[1] ?? '';
  let serverFirst: string;
  try {
    serverFirst = await exchange.first(clientFirst);
  } catch (e) {
    if (e instanceof ScramError) return session.authFailed(name, 'SCRAM-SHA-256');
    throw e;
  }
  const clientFinal = (await session.challenge(Buffer.from(serverFirst))).toString('utf8');
  let result;
  try {
    result = await exchange.final(clientFinal);
  } catch (e) {
    if (e instanceof ScramError) return session.authFailed(name, 'SCRAM-SHA-256');
    throw e;
  }
  if (!result) return session.authFailed(name, 'SCRAM-SHA-256');
  await session.challenge(Buffer.from(result.serverFinal));
  return completeLogin(session, result.user, 'SCRAM-SHA-256');
}

function check(session: Pop3Session, name: string, user: AuthenticatedUser | null, mechanism: string): Promise<Pop3Reply> {
  return user ? completeLogin(session, user, mechanism) : session.authFailed(name, mechanism);
}

const MECHANISMS = new Map<string, (s: Pop3Session, initial: Buffer | null) => Promise<Pop3Reply>>([
  ['PLAIN', plain], ['LOGIN', login], ['SCRAM-SHA-256', scram],
]);

export default defineCommand({
  name: 'AUTH',
  states: ['authorization'],
  parse(args: string): AuthArgs {
    const parts = args.trim() === '' ? [] : args.trim().split(' ');
    if (parts.length > 2) throw new Pop3Error(err('Syntax: AUTH <mechanism> [<initial-response>]'));
    const [mechanism, initial] = parts;
    if (initial !== undefined && initial !== '=' && !/^[A-Za-z0-9+/]+={0,2}$/.test(initial)) {
      throw new Pop3Error(err('Invalid base64 in initial response'));
    }
    return {
      mechanism: mechanism ? mechanism.toUpperCase() : null,
      initial: initial === undefined ? null : initial === '=' ? EMPTY : Buffer.from(initial, 'base64'),
    };
  },
  async execute(session, { mechanism, initial }) {
    if (mechanism === null) return ok('Supported mechanisms follow', lineBody(mechanisms(session)));
    const run = MECHANISMS.get(mechanism);
    if (!run) return err('Unsupported authentication mechanism');
    if (mechanism !== 'SCRAM-SHA-256' && !session.plaintextAllowed) return err(PLAINTEXT_REFUSED);
    try {
      return await run(session, initial);
    } catch (e) {
      if (e instanceof SaslCancelled) return err('Authentication cancelled');
      if (e instanceof Pop3Error || e instanceof ConnectionClosed) throw e;
      session.log.error({ err: e, mechanism }, 'authentication failed with an error');
      return databaseError(e);
    }
  },
});
