// The command loop of one session: read a complete command, find it in the registry, check the
// state, parse, execute, tell the client of others' changes where RFC 3501 §7.4.1 allows, and
// write the tagged reply. Every failure of a command becomes a tagged NO or BAD; nothing a client
// sends, and no database failure, ends the process.
import { protocolError, sqlState } from '../db/errors.ts';
import { ConnectionClosed, LineTooLong } from '../net/connection.ts';
import { MAX_BAD_COMMANDS } from '../net/limits.ts';
import { CommandError, type CommandResult } from './command.ts';
import { readCommand } from './command-reader.ts';
import { commands } from './commands/index.ts';
import { Code } from './compiler.ts';
import { BadCharsetError, InvalidMailboxName, ParseError } from './parser.ts';
import type { Session } from './session.ts';

const DEFAULT_TEXT: Record<CommandResult['status'], string> = { OK: 'Completed', NO: 'Failed', BAD: 'Invalid command' };

/** The tagged reply for anything a command threw. */
export function errorResult(s: Session, e: unknown, command: string): CommandResult {
  if (e instanceof ConnectionClosed) throw e;
  if (e instanceof CommandError) return { status: e.status, code: e.code, text: e.message };
  if (e instanceof InvalidMailboxName) return { status: 'NO', code: Code.other('NONEXISTENT'), text: e.message };
  if (e instanceof ParseError) return { status: 'BAD', text: e.message };
  if (e instanceof LineTooLong) return { status: 'BAD', code: Code.limit(), text: 'Line too long' };
  if (e instanceof BadCharsetError) return { status: 'NO', code: Code.badCharset(e.supported), text: e.message };
  if (e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError) {
    s.log.error({ err: e, command }, 'command failed');
    return { status: 'NO', code: Code.serverBug(), text: 'Internal server error' };
  }
  // the database: our own AX errors are expected outcomes; anything else (a dropped connection,
  // a restart) is a temporary failure the client may retry
  const state = sqlState(e);
  if (!state?.startsWith('AX')) s.log.error({ err: e, command }, 'database call failed');
  const p = protocolError(e).imap;
  return { status: p.status, code: p.code ? Code.other(p.code) : null, text: p.text };
}

/** Runs the session until LOGOUT, a BYE, or the peer going away. */
export async function runSession(s: Session): Promise<void> {
  try {
    while (!s.isClosing) {
      // RFC 5465: with NOTIFY the server speaks while no command is in progress
      s.notifier?.open('between');
      let outcome;
      try {
        outcome = await readCommand(s.conn, { appendLimit: s.appendLimit },
          () => s.continuation('Ready for literal data'));
      } finally {
        await s.notifier?.shut();
      }
      if (outcome.kind === 'rejected') {
        if (outcome.tag) await s.tagged(outcome.tag, outcome.status, outcome.code, outcome.text);
        else await s.status(outcome.status, outcome.code, outcome.text);
        if (await countBad(s, outcome.status === 'BAD')) return;
        continue;
      }
      await dispatch(s, outcome.bytes);
    }
  } catch (e) {
    if (!(e instanceof ConnectionClosed)) throw e;
  }
}

/** Counts BADs in a row; after MAX_BAD_COMMANDS the connection gets BYE. True when closed. */
async function countBad(s: Session, isBad: boolean): Promise<boolean> {
  s.badCommands = isBad ? s.badCommands + 1 : 0;
  if (s.badCommands < MAX_BAD_COMMANDS) return false;
  s.log.warn('too many invalid commands');
  await s.shutdown('Too many invalid commands');
  return true;
}

async function dispatch(s: Session, bytes: Buffer): Promise<void> {
  const c = s.cursor(bytes);
  let tag: string;
  try {
    tag = c.tag();
    c.space();
  } catch {
    await s.status('BAD', null, 'Expected a tag and a command');
    await countBad(s, true);
    return;
  }
  let name: string;
  try {
    name = c.atom().toUpperCase();
    if (name === 'UID') {
      c.space();
      name = `UID ${c.atom().toUpperCase()}`;
    }
  } catch {
    await s.tagged(tag, 'BAD', null, 'Expected a command name');
    await countBad(s, true);
    return;
  }
  const command = commands.get(name);
  s.log.debug({ tag, command: name }, 'command');
  let result: CommandResult;
  if (!command) {
    result = { status: 'BAD', text: `Unknown command ${name.slice(0, 40)}` };
  } else if (!command.states.includes(s.state)) {
    result = { status: 'BAD', text: s.state === 'notauth' ? 'Log in first' : s.state === 'auth'
      ? 'Select a mailbox first' : `${name} is not valid in this state` };
  } else {
    try {
      const run = command.prepare(c, s);
      result = (await run(tag)) ?? { status: 'OK' };
    } catch (e) {
      result = errorResult(s, e, name);
    }
  }
  if (s.selected && !s.isClosing) {
    try {
      await s.selected.update(!command?.usesMsns);
    } catch (e) {
      // the view stays dirty and is brought up to date by the next command or poll
      s.log.warn({ err: e }, 'could not fetch mailbox changes');
    }
  }
  if (s.notifier && !s.isClosing) {
    try {
      await s.notifier.flushOthers();
    } catch (e) {
      s.log.warn({ err: e }, 'could not deliver NOTIFY events');
    }
  }
  if (s.conn.isClosed) return;
  await s.tagged(tag, result.status, result.code ?? null, result.text ?? DEFAULT_TEXT[result.status]);
  if (result.after) await result.after();
  await countBad(s, result.status === 'BAD');
}
