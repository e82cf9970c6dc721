// aox stop: SIGTERM to the pid in the pid file, then wait until the server has closed.
import { CliError, type AoxCommand, type Context } from '../lib/command.ts';
import { runningPid, stopPid } from '../lib/server-process.ts';
import { parseTimeout } from './start.ts';

/** Shared with restart; false when the server was not running. */
export async function stopServer(ctx: Context, timeoutSeconds: number): Promise<boolean> {
  const pid = runningPid(ctx.config());
  if (pid === null) return false;
  if (!await stopPid(pid, timeoutSeconds * 1000)) {
    throw new CliError(`the server (pid ${pid}) is still running after ${timeoutSeconds} s`);
  }
  ctx.out.line(`stopped the server (pid ${pid})`);
  return true;
}

export const command: AoxCommand = {
  verb: 'stop',
  summary: 'stop the server',
  configure: (c) => c.option('-t, --timeout <seconds>', 'how long to wait for it to close', '30'),
  async run(ctx, _args, options) {
    if (!await stopServer(ctx, parseTimeout(options.timeout, 30))) ctx.out.line('the server is not running');
  },
};
