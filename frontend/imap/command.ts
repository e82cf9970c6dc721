// The shape of one IMAP command (frontend/imap/commands/<name>.ts): its name, the states it is
// valid in, what it does to message sequence numbers, a pure parse and an async execute. The
// dispatcher alone writes the tagged reply, from what execute returns or throws.
import type { Cursor } from './parser.ts';
import type { ResponseCode } from './compiler.ts';
import type { Session, SessionState } from './session.ts';

export interface CommandResult {
  status: 'OK' | 'NO' | 'BAD';
  code?: ResponseCode | null;
  text?: string;
  /** runs after the tagged reply is written (STARTTLS's handshake, closing after LOGOUT) */
  after?: () => Promise<void>;
}

export interface CommandSpec<A> {
  /** upper case; UID commands are "UID FETCH" etc. */
  name: string;
  states: readonly SessionState[];
  /**
   * The command refers to messages by sequence number (FETCH, STORE, SEARCH, COPY…): RFC 3501
   * §7.4.1 forbids EXPUNGE responses while it runs, so expunges by others stay queued.
   */
  usesMsns?: boolean;
  /** Reads the arguments after the command name (starting at the SP, if any); throws ParseError. */
  parse(c: Cursor, s: Session): A;
  execute(s: Session, args: A, tag: string): Promise<CommandResult | void>;
}

/** A command with its argument type erased, as the registry holds it. */
export interface Command {
  name: string;
  states: readonly SessionState[];
  usesMsns: boolean;
  /** parses, and returns what executes the parsed command */
  prepare(c: Cursor, s: Session): (tag: string) => Promise<CommandResult | void>;
}

export function defineCommand<A>(spec: CommandSpec<A>): Command {
  return {
    name: spec.name,
    states: spec.states,
    usesMsns: spec.usesMsns ?? false,
    prepare(c, s) {
      const args = spec.parse(c, s);
      return (tag) => spec.execute(s, args, tag);
    },
  };
}

/** Thrown by execute to end a command with NO or BAD and a response code. */
export class CommandError extends Error {
  constructor(readonly status: 'NO' | 'BAD', readonly code: ResponseCode | null, text: string) {
    super(text);
  }
}

export const no = (text: string, code: ResponseCode | null = null) => new CommandError('NO', code, text);
export const bad = (text: string, code: ResponseCode | null = null) => new CommandError('BAD', code, text);

export const ok = (text = 'Completed', code: ResponseCode | null = null): CommandResult => ({ status: 'OK', code, text });

export const ANY_STATE: readonly SessionState[] = ['notauth', 'auth', 'selected'];
export const AUTHENTICATED: readonly SessionState[] = ['auth', 'selected'];
export const SELECTED: readonly SessionState[] = ['selected'];
export const NOT_AUTHENTICATED: readonly SessionState[] = ['notauth'];
