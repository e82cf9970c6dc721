// aox start [-f]: runs the server in the background and returns once it accepts connections (or
// fails with the reason the server gave); -f keeps it in the foreground until a signal.
import { runDaemon } from '../../frontend/daemon.ts';
import { CliError, type AoxCommand, type Context } from '../lib/command.ts';
import { daemonOutputFile, listeners, runningPid, startDetached } from '../lib/server-process.ts';

/** Shared with restart. */
export async function startInBackground(ctx: Context, timeoutSeconds: number): Promise<void> {
  const config = ctx.config();
  const running = runningPid(config);
  if (running !== null) throw new CliError(`the server is already running (pid ${running})`);
  const pid = await startDetached(config, { configFile: config.file, timeoutMs: timeoutSeconds * 1000 })
    .catch((e: unknown) => { throw new CliError(e instanceof Error ? e.message : String(e)); });
  const ports = listeners(config).map((l) => `${l.name} ${l.address}:${l.port}`).join(', ');
  ctx.out.line(`started the server (pid ${pid}${ports ? `; ${ports}` : ''}); output in ${daemonOutputFile(config)}`);
}

export function parseTimeout(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`--timeout: "${String(value)}" is not a positive number of seconds`);
  return n;
}

export const command: AoxCommand = {
  verb: 'start',
  summary: 'start the server',
  configure: (c) => c
    .option('-f, --foreground', 'run in the foreground (logs on standard error) until SIGTERM or ^C')
    .option('-t, --timeout <seconds>', 'how long to wait for the server to accept connections', '60'),
  async run(ctx, _args, options) {
    if (options.foreground === true) return runDaemon(ctx.config());
    await startInBackground(ctx, parseTimeout(options.timeout, 60));
  },
};
