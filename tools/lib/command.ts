// The contract between `aox` (tools/aox.ts) and its subcommands (tools/aox/<verb>-<noun>.ts): each
// subcommand file exports one AoxCommand, and tools/aox/commands.ts lists them. The registry builds
// commander commands from that list, so a command file never touches the program itself.
import type { Command } from 'commander';
import type pg from 'pg';
import type { Config } from '../../frontend/config.ts';
import type { Output } from './output.ts';

/** Options as commander parsed them; a command narrows them to its own interface. */
export type Options = Record<string, unknown>;

export interface Context {
  /** the -c argument, or undefined for the default ($AOX_CONFIG or ./archiveopteryx.conf) */
  readonly configFile: string | undefined;
  /** the configuration (loaded once, on first use); throws ConfigError for a bad file */
  config(): Config;
  /**
   * A connection as the database owner (db-owner), opening the embedded PostgreSQL when no
   * db-address is configured. Closed by the registry when the command ends. Unless told not to,
   * it first checks that the schema matches this code.
   */
  owner(options?: { checkSchema?: boolean }): Promise<pg.ClientBase>;
  readonly out: Output;
}

export interface AoxCommand {
  /** the first word: "add", "start" (aliases of common verbs come from tools/lib/verbs.ts) */
  verb: string;
  /** the second word, "user"; absent for one-word commands like "start" or "vacuum" */
  noun?: string;
  /** other spellings of the noun ("users" for "user") */
  nounAliases?: string[];
  /** one line for `aox help` */
  summary: string;
  /** usage line shown by help instead of the one commander derives, e.g. "[-p] <login> [<password>] <address>" */
  usage?: string;
  /** declares arguments and options with commander's .argument() and .option() (never -c: it is global) */
  configure?(cmd: Command): void;
  /**
   * Does the work. args are the operands as typed (commander has checked their count), options
   * the parsed options. Returns the exit code, or nothing for 0; throw CliError for bad input.
   */
  run(ctx: Context, args: string[], options: Options): Promise<number | void>;
}

/** A failure to report as "aox: <message>" with a non-zero exit code, without a stack trace. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}
