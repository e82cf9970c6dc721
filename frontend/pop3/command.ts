// What every POP3 command module exports (DESIGN §6): its name, the states it is valid in
// (RFC 1939 §3), a pure parse that throws Pop3Error, and execute. The session writes replies.
import type { Pop3Reply } from './reply.ts';
import type { Pop3Session } from './session.ts';

export type Pop3State = 'authorization' | 'transaction';

export interface Pop3Command<A = unknown> {
  name: string;
  states: readonly Pop3State[];
  /** pure: the arguments after the verb (without the separating space) */
  parse(args: string): A;
  execute(session: Pop3Session, args: A): Promise<Pop3Reply>;
}

export function defineCommand<A>(c: Pop3Command<A>): Pop3Command<A> {
  return c;
}
