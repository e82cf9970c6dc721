// Password checks shared by IMAP (LOGIN, AUTHENTICATE PLAIN/LOGIN), POP3 (PASS, AUTH) and SCRAM.
// The PBKDF2 work happens here; the comparison in SQL (api.auth_plain / api.auth_scram).
import type { Database } from '../db/pool.ts';
import { isMailError } from '../db/errors.ts';
import { storedKey, scramServerFirst, scramClientFinal, type ScramServerFirst } from './scram.ts';

export interface AuthenticatedUser {
  id: number;
  login: string;
}

async function challenge(db: Database, login: string): Promise<{ salt: Buffer; iterations: number }> {
  const [c] = await db.call<{ salt: Buffer; iterations: number }>('auth_challenge', login);
  return c;
}

/** Checks a login and password; null when wrong (AXAUT). Other failures throw. */
export async function verifyPassword(db: Database, login: string, password: string): Promise<AuthenticatedUser | null> {
  if (!login || login.length > 255) return null;
  const { salt, iterations } = await challenge(db, login);
  try {
    const [u] = await db.call<{ usr: number; login: string }>('auth_plain', login, storedKey(password, salt, iterations));
    return { id: u.usr, login: u.login };
  } catch (e) {
    if (isMailError(e)) return null;
    throw e;
  }
}

/** Decodes SASL PLAIN (RFC 4616): authzid NUL authcid NUL passwd; null if malformed. */
export function decodePlain(data: Buffer): { authzid: string; login: string; password: string } | null {
  const parts = data.toString('utf8').split('\u0000');
  if (parts.length !== 3 || !parts[1] || !parts[2]) return null;
  return { authzid: parts[0], login: parts[1], password: parts[2] };
}

/** The server side of one SCRAM-SHA-256 exchange. */
export class ScramExchange {
  private state: ScramServerFirst | null = null;
  constructor(private readonly db: Database) {}

  /** client-first-message → server-first-message */
  async first(clientFirst: string): Promise<string> {
    const bare = /,n=([^,]*)/.exec(clientFirst);
    const login = (bare?.[1] ?? '').replace(/=2C/g, ',').replace(/=3D/g, '=');
    const lookup = await challenge(this.db, login);
    this.state = scramServerFirst(clientFirst, lookup, login);
    return this.state.message;
  }

  /** client-final-message → the user and server-final-message, or null when the proof is wrong */
  async final(clientFinal: string): Promise<{ user: AuthenticatedUser; serverFinal: string } | null> {
    if (!this.state) return null;
    const { authMessage, proof } = scramClientFinal(this.state, clientFinal);
    try {
      const [r] = await this.db.call<{ usr: number; login: string; server_signature: Buffer }>(
        'auth_scram', this.state.login, authMessage, proof);
      return { user: { id: r.usr, login: r.login }, serverFinal: `v=${r.server_signature.toString('base64')}` };
    } catch (e) {
      if (isMailError(e)) return null;
      throw e;
    }
  }
}
