// Configuration: archiveopteryx.conf ("name = value" lines, # comments), with every variable
// overridable by an environment variable AOX_<NAME> (upper case, '-' as '_'). Names follow
// Archiveopteryx so that its users find what they know.
import { readFileSync, existsSync } from 'node:fs';
import { resolve, dirname } from 'node:path';

type Kind = 'string' | 'number' | 'boolean';

interface Variable {
  kind: Kind;
  default: string | number | boolean | null;
  help: string;
}

/** Every configuration variable, its type, default and meaning (shown by `aox show configuration`). */
export const VARIABLES = {
  'db-address': { kind: 'string', default: null, help: 'PostgreSQL host name, IP address or Unix socket directory; unset means the embedded PostgreSQL' },
  'db-port': { kind: 'number', default: 5432, help: 'PostgreSQL port' },
  'db-name': { kind: 'string', default: 'archiveopteryx', help: 'database name' },
  'db-user': { kind: 'string', default: 'aox', help: 'the frontend\'s login role (may only execute api.* functions)' },
  'db-password': { kind: 'string', default: '', help: 'password of db-user' },
  'db-owner': { kind: 'string', default: 'aoxsuper', help: 'the role that owns the schema and runs admin.* (password in aoxsuper.conf)' },
  'db-owner-password': { kind: 'string', default: '', help: 'password of db-owner (kept in aoxsuper.conf, mode 0400)' },
  'db-max-handles': { kind: 'number', default: 8, help: 'database connections per server process' },
  'embedded-db-directory': { kind: 'string', default: 'data/embedded-db', help: 'data directory of the embedded PostgreSQL (relative to the configuration file\'s directory, or the working directory without one)' },
  'embedded-db-port': { kind: 'number', default: 15432, help: 'loopback port of the embedded PostgreSQL' },
  'embedded-db-memory': { kind: 'number', default: 0, help: 'megabytes the embedded PostgreSQL sizes its memory to (a quarter as shared buffers); 0 means the machine\'s or container\'s memory' },
  'hostname': { kind: 'string', default: 'localhost', help: 'the name this server gives itself in greetings and Received fields' },
  'use-imap': { kind: 'boolean', default: true, help: 'serve IMAP on imap-port' },
  'imap-address': { kind: 'string', default: '0.0.0.0', help: 'address the IMAP server listens on' },
  'imap-port': { kind: 'number', default: 143, help: 'IMAP port' },
  'use-imaps': { kind: 'boolean', default: false, help: 'serve IMAP over implicit TLS on imaps-port' },
  'imaps-port': { kind: 'number', default: 993, help: 'IMAPS port' },
  'use-pop': { kind: 'boolean', default: false, help: 'serve POP3 on pop-port' },
  'pop-address': { kind: 'string', default: '0.0.0.0', help: 'address the POP3 server listens on' },
  'pop-port': { kind: 'number', default: 110, help: 'POP3 port' },
  'use-pops': { kind: 'boolean', default: false, help: 'serve POP3 over implicit TLS on pops-port' },
  'pops-port': { kind: 'number', default: 995, help: 'POP3S port' },
  'use-lmtp': { kind: 'boolean', default: true, help: 'accept LMTP deliveries on lmtp-port' },
  'lmtp-address': { kind: 'string', default: '127.0.0.1', help: 'address the LMTP server listens on (keep it private)' },
  'lmtp-port': { kind: 'number', default: 2026, help: 'LMTP port' },
  'use-tls': { kind: 'boolean', default: true, help: 'offer STARTTLS/STLS and allow implicit TLS' },
  'tls-certificate': { kind: 'string', default: '', help: 'PEM file with certificate, key and chain; unset means a self-signed certificate made at first start' },
  'allow-plaintext-passwords': { kind: 'string', default: 'localhost', help: 'always, localhost or never: where plaintext authentication may be used without TLS' },
  'undelete-time': { kind: 'number', default: 49, help: 'days expunged messages stay restorable before aox vacuum purges them' },
  'use-imap-quota': { kind: 'boolean', default: true, help: 'enforce quotas on APPEND, COPY, MOVE and delivery' },
  'use-subaddressing': { kind: 'boolean', default: false, help: 'deliver user+tag@domain to user@domain' },
  'address-separator': { kind: 'string', default: '+', help: 'separator for subaddressing' },
  'appendlimit': { kind: 'number', default: 104857600, help: 'largest message accepted by APPEND and LMTP, in bytes' },
  'log-level': { kind: 'string', default: 'info', help: 'trace, debug, info, warn, error or fatal' },
  'logfile': { kind: 'string', default: '', help: 'log file; unset means standard error' },
  'pidfile-dir': { kind: 'string', default: 'data', help: 'directory for aox.pid (relative like embedded-db-directory)' },
} as const satisfies Record<string, Variable>;

export type VariableName = keyof typeof VARIABLES;
type ValueOf<N extends VariableName> = (typeof VARIABLES)[N]['kind'] extends 'number' ? number
  : (typeof VARIABLES)[N]['kind'] extends 'boolean' ? boolean : string;

export class ConfigError extends Error {}

export interface Config {
  get<N extends VariableName>(name: N): ValueOf<N>;
  /** true when the value came from the file or the environment rather than the default */
  isSet(name: VariableName): boolean;
  /** where a relative path in the configuration is resolved from */
  baseDir: string;
  /** the configuration file, or null when none exists */
  file: string | null;
  /** resolves a path-valued variable against baseDir */
  path(name: VariableName): string;
  /** the embedded PostgreSQL is used when no db-address is configured */
  embedded: boolean;
}

function parseValue(name: string, kind: Kind, raw: string): string | number | boolean {
  if (kind === 'number') {
    if (!/^\d+$/.test(raw)) throw new ConfigError(`${name}: "${raw}" is not a whole number`);
    return Number(raw);
  }
  if (kind === 'boolean') {
    const v = raw.toLowerCase();
    if (['on', 'true', 'yes', '1'].includes(v)) return true;
    if (['off', 'false', 'no', '0'].includes(v)) return false;
    throw new ConfigError(`${name}: "${raw}" is not on/off`);
  }
  return raw;
}

/** Parses "name = value" text; throws ConfigError naming the line for anything unknown or bad. */
export function parseConfigText(text: string, source: string): Map<string, string> {
  const values = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.replace(/(^|\s)#.*$/, '').trim();
    if (!trimmed) return;
    const m = /^([a-z0-9-]+)\s*=\s*(.*)$/.exec(trimmed);
    if (!m) throw new ConfigError(`${source}:${i + 1}: expected "name = value"`);
    if (!(m[1] in VARIABLES)) throw new ConfigError(`${source}:${i + 1}: unknown variable ${m[1]}`);
    values.set(m[1], m[2].replace(/^"(.*)"$/, '$1'));
  });
  return values;
}

/** The configuration file used when none is named: $AOX_CONFIG, else ./archiveopteryx.conf. */
export function defaultConfigFile(): string {
  return process.env.AOX_CONFIG ?? resolve('archiveopteryx.conf');
}

/** Loads the configuration: `file` names it (an error if missing), undefined means the default
 *  file if it exists, null means no file at all (environment and defaults only, as tests do). */
export function loadConfig(file?: string | null, env: NodeJS.ProcessEnv = process.env): Config {
  const path = resolve(file ?? defaultConfigFile());
  const exists = file !== null && existsSync(path);
  if (file && !exists) throw new ConfigError(`${path}: no such configuration file`);
  const raw = exists ? parseConfigText(readFileSync(path, 'utf8'), path) : new Map<string, string>();
  // aoxsuper.conf beside the main file holds the owner's password (readable only by root/admin)
  const superPath = resolve(dirname(path), 'aoxsuper.conf');
  if (exists && existsSync(superPath)) {
    try {
      for (const [k, v] of parseConfigText(readFileSync(superPath, 'utf8'), superPath)) raw.set(k, v);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EACCES') throw e;
    }
  }
  for (const name of Object.keys(VARIABLES)) {
    const envName = 'AOX_' + name.toUpperCase().replace(/-/g, '_');
    if (env[envName] !== undefined) raw.set(name, env[envName] as string);
  }
  const values = new Map<string, string | number | boolean>();
  for (const [name, v] of raw) {
    values.set(name, parseValue(name, VARIABLES[name as VariableName].kind, v));
  }
  const allow = values.get('allow-plaintext-passwords');
  if (allow !== undefined && !['always', 'localhost', 'never'].includes(String(allow))) {
    throw new ConfigError('allow-plaintext-passwords: must be always, localhost or never');
  }
  const baseDir = exists ? dirname(path) : process.cwd();
  const config: Config = {
    get<N extends VariableName>(name: N): ValueOf<N> {
      return (values.has(name) ? values.get(name) : VARIABLES[name].default) as ValueOf<N>;
    },
    isSet: (name) => values.has(name),
    baseDir,
    file: exists ? path : null,
    path(name) {
      return resolve(baseDir, String(config.get(name)));
    },
    embedded: !values.get('db-address'),
  };
  return config;
}
