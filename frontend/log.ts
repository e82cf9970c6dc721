// Logging with pino: JSON lines to standard error or to logfile. Passwords and AUTHENTICATE data
// are never passed to the logger (callers log logins and outcomes only).
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, file: string | null): Logger {
  const destination = file ? pino.destination({ dest: file, mkdir: true, sync: false }) : pino.destination(2);
  return pino({ level, base: { pid: process.pid }, redact: ['password', '*.password'] }, destination);
}

/** A logger that writes nothing, for tests and tools that do not want server logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
