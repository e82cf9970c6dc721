// The aox server under test, in its own process: its memory and event loop are then its own, not
// shared with the benchmark's clients. Configured entirely by AOX_* variables (as the integration
// tests do); reports its ports to the parent over IPC and stops when told to.
import { loadConfig } from '../../frontend/config.ts';

interface RunningServer {
  ports: Record<string, number | undefined>;
  close(): Promise<void>;
}
type StartServer = (config: ReturnType<typeof loadConfig>) => Promise<RunningServer>;

function send(message: object): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  let server: RunningServer;
  try {
    // imported at run time: while the server is being written, a missing module is a reportable
    // "not supported", not a crash of the suite
    const mod = (await import('../../frontend/main.ts')) as { startServer?: unknown };
    if (typeof mod.startServer !== 'function') throw new Error('frontend/main.ts exports no startServer');
    server = await (mod.startServer as StartServer)(loadConfig(null, process.env));
  } catch (e) {
    send({ type: 'error', error: e instanceof Error ? e.message : String(e) });
    process.exit(1);
  }
  send({ type: 'ready', ports: server.ports, pid: process.pid });
  process.on('message', (m: unknown) => {
    if (m === 'gc') {
      // memory readings: the parent asks for a full collection first (the child runs with
      // --expose-gc), so garbage left by an earlier scenario does not count against sessions
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      send({ type: 'gc-done', available: gc !== undefined });
    }
    if (m === 'stop') {
      server.close().finally(() => process.exit(0));
      // a server that cannot close in time is killed by the parent
    }
  });
  process.on('disconnect', () => {
    server.close().finally(() => process.exit(0));
  });
}

void main();
