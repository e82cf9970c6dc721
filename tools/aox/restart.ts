// aox restart: stop (if running), then start in the background.
import type { AoxCommand } from '../lib/command.ts';
import { parseTimeout, startInBackground } from './start.ts';
import { stopServer } from './stop.ts';

export const command: AoxCommand = {
  verb: 'restart',
  summary: 'stop the server if it runs, then start it',
  configure: (c) => c.option('-t, --timeout <seconds>', 'how long to wait for each of stop and start', '60'),
  async run(ctx, _args, options) {
    const timeout = parseTimeout(options.timeout, 60);
    await stopServer(ctx, timeout);
    await startInBackground(ctx, timeout);
  },
};
