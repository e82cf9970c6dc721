// Builds the commander program for `aox <verb> <noun>` from the list of AoxCommand modules, and
// runs one command with a Context: configuration and owner connection made on demand, closed
// when the command ends, errors reported as one "aox: …" line and an exit code.
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { ConfigError, loadConfig, type Config } from '../../frontend/config.ts';
import { CliError, type AoxCommand, type Context } from './command.ts';
import { checkSchema, connectClient, openDatabase, SchemaMismatchError, type OpenedDatabase } from './database.ts';
import { consoleOutput, type Output } from './output.ts';

/** Archiveopteryx's verb spellings; a verb not listed here has no aliases. */
export const VERBS: Record<string, { aliases: string[]; summary: string }> = {
  add: { aliases: ['create', 'new'], summary: 'create users, mailboxes, aliases' },
  delete: { aliases: ['del', 'remove'], summary: 'delete users, mailboxes, aliases, messages' },
  list: { aliases: ['ls'], summary: 'list users, mailboxes, aliases, rights' },
  change: { aliases: [], summary: 'change a user\'s password, login, address, quota or administrator status' },
  show: { aliases: [], summary: 'show counts, configuration, quota, retention, schema, status' },
  check: { aliases: [], summary: 'check the configuration' },
  upgrade: { aliases: [], summary: 'upgrade the database schema' },
  retain: { aliases: [], summary: 'keep messages for a time (retention policies)' },
  tune: { aliases: [], summary: 'tune the database for a workload' },
};

const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function errorMessage(e: unknown): { message: string; code: number } {
  if (e instanceof CliError) return { message: e.message, code: e.exitCode };
  if (e instanceof ConfigError || e instanceof SchemaMismatchError) return { message: e.message, code: 1 };
  const sqlstate = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  // our own SQL functions word their AX errors for administrators
  if (sqlstate.startsWith('AX')) return { message: (e as Error).message, code: 1 };
  if (e instanceof Error) return { message: sqlstate ? `database error ${sqlstate}: ${e.message}` : e.message, code: 1 };
  return { message: String(e), code: 1 };
}

class RunContext implements Context {
  private loaded: Config | null = null;
  private database: OpenedDatabase | null = null;
  private client: pg.Client | null = null;

  constructor(readonly configFile: string | undefined, readonly out: Output) {}

  config(): Config {
    this.loaded ??= loadConfig(this.configFile);
    return this.loaded;
  }

  async owner(options: { checkSchema?: boolean } = {}): Promise<pg.ClientBase> {
    if (!this.client) {
      this.database = await openDatabase(this.config(), { log: (l) => this.out.note(l) });
      const settings = this.database.ownerConfig;
      if (!settings.password && !process.env.PGPASSWORD && !this.config().embedded) {
        this.out.note('note: db-owner-password is not set (is aoxsuper.conf beside the configuration and readable?)');
      }
      this.client = await connectClient(settings, 'aox-cli');
    }
    if (options.checkSchema !== false) await checkSchema(this.client);
    return this.client;
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => undefined);
    this.client = null;
    await this.database?.close();
    this.database = null;
  }
}

async function runCommand(spec: AoxCommand, cmd: Command, out: Output): Promise<number> {
  const globals = cmd.optsWithGlobals<{ config?: string }>();
  const ctx = new RunContext(globals.config, out);
  try {
    const code = await spec.run(ctx, cmd.args, cmd.opts());
    return code ?? 0;
  } catch (e) {
    const { message, code } = errorMessage(e);
    out.note(`aox: ${message}`);
    if (process.env.AOX_DEBUG && e instanceof Error && e.stack) out.note(e.stack);
    return code;
  } finally {
    await ctx.close().catch((e: unknown) => out.note(`aox: while closing: ${errorMessage(e).message}`));
  }
}

function attach(parent: Command, name: string, spec: AoxCommand, out: Output): void {
  const cmd = parent.command(name).description(spec.summary);
  for (const alias of spec.nounAliases ?? []) if (spec.noun) cmd.alias(alias);
  spec.configure?.(cmd);
  if (spec.usage) cmd.usage(spec.usage);
  cmd.action(async (...params: unknown[]) => {
    const self = params[params.length - 1] as Command;
    process.exitCode = await runCommand(spec, self, out);
  });
}

/** Finds the command that a list of words names ("add", "user"), following aliases. */
function findCommand(root: Command, words: string[]): Command | null {
  let cmd = root;
  for (const w of words) {
    const next = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (!next) return null;
    cmd = next;
  }
  return cmd;
}

export function buildProgram(commands: AoxCommand[], out: Output = consoleOutput()): Command {
  const program = new Command('aox')
    .description('administer an aox mail archive server (Archiveopteryx-style: aox <verb> <noun>)')
    .version(packageVersion, '-V, --version')
    .option('-c, --config <file>', 'configuration file (default: $AOX_CONFIG or ./archiveopteryx.conf)')
    .helpCommand(false)
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'aox: ')) });
  const verbs = new Map<string, Command>();
  const sorted = [...commands].sort((a, b) => `${a.verb} ${a.noun ?? ''}`.localeCompare(`${b.verb} ${b.noun ?? ''}`));
  for (const spec of sorted) {
    if (!spec.noun) {
      attach(program, spec.verb, spec, out);
      continue;
    }
    let verb = verbs.get(spec.verb);
    if (!verb) {
      const known = VERBS[spec.verb];
      verb = program.command(spec.verb).description(known?.summary ?? spec.verb).helpCommand(false);
      for (const alias of known?.aliases ?? []) verb.alias(alias);
      verbs.set(spec.verb, verb);
    }
    attach(verb, spec.noun, spec, out);
  }
  program.command('help').argument('[command...]', 'a command, e.g. "add user"')
    .description('show help for aox or for one command')
    .action((words: string[]) => {
      const target = findCommand(program, words);
      if (!target) {
        out.note(`aox: no such command: ${words.join(' ')} (see "aox help")`);
        process.exitCode = 1;
        return;
      }
      target.outputHelp();
    });
  return program;
}

/** Runs the program on argv (process.argv form), leaving the exit code in process.exitCode. */
export async function main(commands: AoxCommand[], argv: string[] = process.argv): Promise<void> {
  const program = buildProgram(commands);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    // commander has already printed its message (or the help/version it was asked for)
    if (e instanceof CommanderError) process.exitCode = e.exitCode;
    else throw e;
  }
}
