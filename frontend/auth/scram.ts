// SCRAM-SHA-256 (RFC 5802, RFC 7677). Passwords are stored only as verifiers in PostgreSQL's own
// format, "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>"; the same verifier checks
// SCRAM exchanges and plaintext passwords (PLAIN, LOGIN, POP3 PASS), whose PBKDF2 step runs here
// so that the password never reaches the database.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

export const SCRAM_ITERATIONS = 4096;

const hmac = (key: Buffer, data: string | Buffer) => createHmac('sha256', key).update(data).digest();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

/** SASLprep-lite: NFKC normalisation, which covers what real passwords contain (RFC 4013 §2). */
export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

export function saltedPassword(password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(normalisePassword(password), salt, iterations, 32, 'sha256');
}

/** StoredKey = H(HMAC(SaltedPassword, "Client Key")): what api.auth_plain compares. */
export function storedKey(password: string, salt: Buffer, iterations: number): Buffer {
  return sha256(hmac(saltedPassword(password, salt, iterations), 'Client Key'));
}

/** A new verifier with a random salt, for admin.user_create and admin.user_set_password. */
export function makeVerifier(password: string, iterations = SCRAM_ITERATIONS): string {
  const salt = randomBytes(16);
  const salted = saltedPassword(password, salt, iterations);
  const stored = sha256(hmac(salted, 'Client Key'));
  const server = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${stored.toString('base64')}:${server.toString('base64')}`;
}

/** What a SCRAM client sends and computes; used by tests and the benchmark clients. */
export function clientProof(password: string, salt: Buffer, iterations: number, authMessage: string): {
  proof: Buffer; serverSignature: Buffer;
} {
  const salted = saltedPassword(password, salt, iterations);
  const clientKey = hmac(salted, 'Client Key');
  const signature = hmac(sha256(clientKey), authMessage);
  const proof = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) proof[i] = clientKey[i] ^ signature[i];
  return { proof, serverSignature: hmac(hmac(salted, 'Server Key'), authMessage) };
}

/** Decodes a SCRAM "saslname" (RFC 5802 §5.1: =2C is ',', =3D is '='); null if malformed. */
export function decodeSaslName(s: string): string | null {
  if (/=(?!2C|3D)/.test(s)) return null;
  return s.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

export interface ScramServerFirst {
  /** the message to send to the client */
  message: string;
  /** state needed to check the client's final message */
  login: string;
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
  gs2Header: string;
}

export class ScramError extends Error {}

/**
 * Parses the client-first-message and builds the server-first-message from the login's salt and
 * iteration count (from api.auth_challenge). Channel binding is not offered, so "p=" is refused.
 */
export function scramServerFirst(clientFirst: string, lookup: { salt: Buffer; iterations: number },
                                 login?: string): ScramServerFirst {
  const m = /^([ny]|p=[^,]*),(a=[^,]*)?,(n=[^,]*,r=[^,]+(?:,.*)?)$/.exec(clientFirst);
  if (!m) throw new ScramError('malformed client-first-message');
  if (m[1].startsWith('p=')) throw new ScramError('channel binding is not supported');
  const bare = m[3];
  const fields = new Map(bare.split(',').map((f) => [f.slice(0, 1), f.slice(2)] as [string, string]));
  const user = decodeSaslName(fields.get('n') ?? '');
  const clientNonce = fields.get('r') ?? '';
  if (user === null || !clientNonce || /[^\x21-\x2b\x2d-\x7e]/.test(clientNonce)) {
    throw new ScramError('malformed client-first-message');
  }
  const nonce = clientNonce + randomBytes(18).toString('base64');
  const serverFirst = `r=${nonce},s=${lookup.salt.toString('base64')},i=${lookup.iterations}`;
  return {
    message: serverFirst, login: login ?? user, clientFirstBare: bare, serverFirst, nonce,
    gs2Header: `${m[1]},${m[2] ?? ''},`,
  };
}

/** Parses the client-final-message; returns the AuthMessage and the proof to verify in SQL. */
export function scramClientFinal(state: ScramServerFirst, clientFinal: string): { authMessage: string; proof: Buffer } {
  const m = /^c=([^,]*),r=([^,]*)(?:,.*)?,p=([A-Za-z0-9+/=]+)$/.exec(clientFinal);
  if (!m) throw new ScramError('malformed client-final-message');
  if (Buffer.from(m[1], 'base64').toString('latin1') !== state.gs2Header) throw new ScramError('channel binding mismatch');
  if (m[2] !== state.nonce) throw new ScramError('nonce mismatch');
  const withoutProof = clientFinal.slice(0, clientFinal.lastIndexOf(',p='));
  return {
    authMessage: `${state.clientFirstBare},${state.serverFirst},${withoutProof}`,
    proof: Buffer.from(m[3], 'base64'),
  };
}
