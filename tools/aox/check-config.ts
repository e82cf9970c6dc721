// aox check config: parses the configuration and looks for what would stop the server; exits 1
// on an error. Warnings (things that work but are probably not meant) do not change the exit code.
import { existsSync, accessSync, constants } from 'node:fs';
import { ConfigError, type Config } from '../../frontend/config.ts';
import type { AoxCommand } from '../lib/command.ts';
import { superConfigPath } from '../lib/config-files.ts';
import { listeners } from '../lib/server-process.ts';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export function checkConfig(config: Config): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const ports = listeners(config);
  for (const l of ports) if (l.port > 65535) errors.push(`${l.name}: port ${l.port} is out of range`);
  for (let i = 0; i < ports.length; i++) {
    for (const other of ports.slice(i + 1)) {
      const overlap = ports[i].address === other.address || [ports[i].address, other.address].some((a) => a === '0.0.0.0' || a === '::');
      if (ports[i].port !== 0 && ports[i].port === other.port && overlap) {
        errors.push(`${ports[i].name} and ${other.name} both use port ${other.port}`);
      }
    }
  }
  if (!ports.length) warnings.push('no service is enabled (use-imap, use-imaps, use-pop, use-pops, use-lmtp)');
  if (!LOG_LEVELS.includes(config.get('log-level'))) errors.push(`log-level: "${config.get('log-level')}" is not one of ${LOG_LEVELS.join(', ')}`);
  const cert = config.get('tls-certificate');
  if (cert) {
    try { accessSync(cert, constants.R_OK); } catch { errors.push(`tls-certificate: cannot read ${cert}`); }
  }
  if ((config.get('use-imaps') || config.get('use-pops')) && !config.get('use-tls')) {
    errors.push('use-imaps and use-pops need use-tls');
  }
  if (config.get('db-port') > 65535) errors.push(`db-port: ${config.get('db-port')} is out of range`);
  if (config.embedded) {
    warnings.push(`no db-address: aox uses the embedded PostgreSQL in ${config.path('embedded-db-directory')}`);
  } else {
    if (!config.get('db-password')) warnings.push('db-password is not set (PGPASSWORD or ~/.pgpass must supply it)');
    if (config.file && !existsSync(superConfigPath(config.file))) {
      warnings.push('there is no aoxsuper.conf beside the configuration: admin commands need db-owner-password');
    }
  }
  return { errors, warnings };
}

export const command: AoxCommand = {
  verb: 'check',
  noun: 'config',
  nounAliases: ['configuration'],
  summary: 'check the configuration for errors',
  async run(ctx) {
    let config: Config;
    try {
      config = ctx.config();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      ctx.out.line(`error: ${e.message}`);
      return 1;
    }
    const { errors, warnings } = checkConfig(config);
    for (const w of warnings) ctx.out.line(`warning: ${w}`);
    for (const e of errors) ctx.out.line(`error: ${e}`);
    const source = config.file ?? '(no configuration file: defaults and AOX_* variables)';
    ctx.out.line(errors.length ? `${source}: ${errors.length} error(s)` : `${source}: OK`);
    return errors.length ? 1 : 0;
  },
};
