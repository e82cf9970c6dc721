// aox show status: whether the server runs, its pid and ports. Exit code as LSB init scripts'
// status: 0 running, 3 not running.
import type { AoxCommand } from '../lib/command.ts';
import { canConnect, listeners, pidFile, runningPid } from '../lib/server-process.ts';

export const command: AoxCommand = {
  verb: 'show',
  noun: 'status',
  summary: 'show whether the server is running',
  async run(ctx) {
    const config = ctx.config();
    const pid = runningPid(config);
    if (pid === null) {
      ctx.out.line(`the server is not running (no live pid in ${pidFile(config)})`);
      return 3;
    }
    ctx.out.line(`the server is running (pid ${pid})`);
    for (const l of listeners(config)) {
      const state = l.port === 0 ? 'ephemeral port' : await canConnect(l.address, l.port) ? 'accepting' : 'not accepting';
      ctx.out.line(`  ${l.name} ${l.address}:${l.port} ${state}`);
    }
  },
};
