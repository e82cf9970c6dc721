// Reading and writing archiveopteryx.conf and aoxsuper.conf for the installer: new files get every
// variable as a commented default; existing files keep their comments and order, and only the
// lines whose values must change are rewritten.
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { VARIABLES, loadConfig, parseConfigText, type Config, type VariableName } from '../../frontend/config.ts';

export const OWNER_VARIABLES: VariableName[] = ['db-owner', 'db-owner-password'];

/** The configuration at a path that may not exist yet (then: defaults and AOX_* variables). */
export function loadConfigAt(path: string): Config {
  if (existsSync(path)) return loadConfig(path);
  // loadConfig() without a file takes $AOX_CONFIG and tolerates its absence
  const saved = process.env.AOX_CONFIG;
  process.env.AOX_CONFIG = path;
  try {
    return loadConfig();
  } finally {
    if (saved === undefined) delete process.env.AOX_CONFIG; else process.env.AOX_CONFIG = saved;
  }
}

export function superConfigPath(configPath: string): string {
  return resolve(dirname(configPath), 'aoxsuper.conf');
}

/** The values a file sets itself (not defaults, not the environment), or an empty map. */
export function fileValues(path: string): Map<string, string> {
  return existsSync(path) ? parseConfigText(readFileSync(path, 'utf8'), path) : new Map();
}

function quote(value: string): string {
  return /^\s|\s$|#|^$/.test(value) ? `"${value}"` : value;
}

/** A new archiveopteryx.conf: the given values, then every other variable commented out. */
export function renderConfig(values: Map<VariableName, string>, title: string): string {
  const lines = [`# ${title}`, `# Written by aox setup. "name = value" lines; every variable can also be set by`,
    `# an environment variable AOX_<NAME> (AOX_IMAP_PORT). "aox show configuration" shows the result.`, ''];
  for (const [name, value] of values) lines.push(`${name} = ${quote(value)}`);
  lines.push('');
  for (const [name, v] of Object.entries(VARIABLES)) {
    if (values.has(name as VariableName) || OWNER_VARIABLES.includes(name as VariableName)) continue;
    lines.push(`# ${v.help}`);
    lines.push(`# ${name} = ${v.default ?? ''}`.trimEnd());
  }
  return lines.join('\n') + '\n';
}

/** A new aoxsuper.conf: the owner role and its password only. */
export function renderSuperConfig(values: Map<VariableName, string>): string {
  const lines = ['# The database owner role (runs migrations and admin.*). Keep this file readable only by',
    '# the administrator: aox reads it beside archiveopteryx.conf.', ''];
  for (const [name, value] of values) lines.push(`${name} = ${quote(value)}`);
  return lines.join('\n') + '\n';
}

/** The names whose values in the file differ from the wanted ones. */
export function changedValues(path: string, wanted: Map<VariableName, string>): VariableName[] {
  const have = fileValues(path);
  return [...wanted.keys()].filter((name) => have.get(name) !== wanted.get(name));
}

/** Rewrites the lines setting the given variables (appending missing ones), keeping the rest. */
export function updateConfigText(text: string, values: Map<VariableName, string>): string {
  const pending = new Map(values);
  const lines = text.split('\n').map((line) => {
    const m = /^\s*([a-z0-9-]+)\s*=/.exec(line);
    if (m && pending.has(m[1] as VariableName)) {
      const v = pending.get(m[1] as VariableName) as string;
      pending.delete(m[1] as VariableName);
      return `${m[1]} = ${quote(v)}`;
    }
    return line;
  });
  if (lines[lines.length - 1] === '') lines.pop();
  for (const [name, value] of pending) lines.push(`${name} = ${quote(value)}`);
  return lines.join('\n') + '\n';
}

/** Writes a file atomically (temporary file, then rename) with the given mode. */
export function writeFileAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode, flag: 'wx' });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}

export function fileMode(path: string): number {
  return statSync(path).mode & 0o777;
}
