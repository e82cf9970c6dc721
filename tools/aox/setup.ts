// aox setup: installs aox into a real PostgreSQL. As a superuser (or a role with CREATEROLE and
// CREATEDB) it creates the roles db-owner and db-user, a UTF-8 database owned by db-owner, the
// extensions and the schema (frontend/db/install.ts), then writes archiveopteryx.conf (0600) and
// aoxsuper.conf (0400) beside the chosen configuration path. Passwords already in those files are
// reused and files are only rewritten where a value must change, so running it twice is safe.
import { randomBytes } from 'node:crypto';
import { existsSync, chmodSync, readFileSync } from 'node:fs';
import type pg from 'pg';
import { resolve } from 'node:path';
import { defaultConfigFile, type VariableName } from '../../frontend/config.ts';
import { CliError, type AoxCommand, type Context } from '../lib/command.ts';
import {
  changedValues, fileMode, loadConfigAt, renderConfig, renderSuperConfig, superConfigPath, updateConfigText,
  writeFileAtomic,
} from '../lib/config-files.ts';
import { checkSchema, connectClient, describeConnection } from '../lib/database.ts';
import { promptSecret } from '../lib/prompt.ts';

interface SetupOptions {
  dryRun?: boolean;
  address?: string;
  port?: string;
  superuser: string;
  password?: boolean;
  database?: string;
  dbUser?: string;
  dbOwner?: string;
}

function defaultAddress(): string {
  if (process.env.PGHOST) return process.env.PGHOST;
  return existsSync('/var/run/postgresql') ? '/var/run/postgresql' : '127.0.0.1';
}

function newPassword(): string {
  return randomBytes(24).toString('base64url');
}

/** Creates or updates one configuration file, printing what it does; never touches other lines. */
function writeConfigFile(ctx: Context, path: string, values: Map<VariableName, string>, mode: number,
                         render: () => string, dryRun: boolean): void {
  const would = dryRun ? 'would ' : '';
  if (!existsSync(path)) {
    ctx.out.line(`${would}write ${path} (mode ${mode.toString(8)})`);
    if (!dryRun) writeFileAtomic(path, render(), mode);
    return;
  }
  const changed = changedValues(path, values);
  if (!changed.length) {
    ctx.out.line(`${path} is up to date`);
    return;
  }
  ctx.out.line(`${would}update ${changed.join(', ')} in ${path}`);
  if (dryRun) return;
  const wanted = new Map(changed.map((n) => [n, values.get(n) as string]));
  writeFileAtomic(path, updateConfigText(readFileSync(path, 'utf8'), wanted), fileMode(path) | 0o200);
  chmodSync(path, mode);
}

export const command: AoxCommand = {
  verb: 'setup',
  summary: 'install aox into a PostgreSQL server and write the configuration files',
  configure: (c) => c
    .option('-n, --dry-run', 'print each step without doing it')
    .option('-a, --address <host>', 'PostgreSQL host name, address or Unix socket directory (default: db-address, $PGHOST, /var/run/postgresql or 127.0.0.1)')
    .option('-p, --port <port>', 'PostgreSQL port (default: db-port, $PGPORT or 5432)')
    .option('-U, --superuser <role>', 'the superuser to install as', 'postgres')
    .option('-P, --password', 'prompt for the superuser\'s password (else $PGPASSWORD or ~/.pgpass)')
    .option('-d, --database <name>', 'database name (default: db-name, archiveopteryx)')
    .option('--db-user <role>', 'the frontend\'s login role (default: db-user, aox)')
    .option('--db-owner <role>', 'the owner role (default: db-owner, aoxsuper)'),
  async run(ctx, _args, options) {
    const o = options as unknown as SetupOptions;
    const dryRun = o.dryRun === true;
    const configPath = resolve(ctx.configFile ?? defaultConfigFile());
    const superPath = superConfigPath(configPath);
    const existing = loadConfigAt(configPath);
    const address = o.address ?? (existing.isSet('db-address') ? existing.get('db-address') : defaultAddress());
    const port = Number(o.port ?? (existing.isSet('db-port') ? existing.get('db-port') : process.env.PGPORT ?? 5432));
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new CliError(`invalid port: ${o.port}`);
    const database = o.database ?? existing.get('db-name');
    const user = o.dbUser ?? existing.get('db-user');
    const owner = o.dbOwner ?? existing.get('db-owner');
    if (user === owner) throw new CliError('the frontend role and the owner role must differ');
    const userPassword = existing.get('db-password') || newPassword();
    const ownerPassword = existing.get('db-owner-password') || newPassword();
    const superuser: pg.ClientConfig = {
      host: address, port, user: o.superuser,
      password: o.password ? await promptSecret(`Password for PostgreSQL role ${o.superuser}: `) : undefined,
    };

    const { install } = await import('../../frontend/db/install.ts');
    ctx.out.line(`${dryRun ? 'dry run: ' : ''}installing into ${describeConnection({ ...superuser, database })}`);
    await install({
      superuser, database, owner, ownerPassword, user, userPassword, dryRun,
      log: (step) => ctx.out.line(step),
    }).catch((e: unknown) => {
      throw new CliError(`${e instanceof Error ? e.message : String(e)} (connecting as ${o.superuser} to ${describeConnection(superuser)})`);
    });

    const main = new Map<VariableName, string>([
      ['db-address', address], ['db-port', String(port)], ['db-name', database], ['db-user', user],
      ['db-password', userPassword],
    ]);
    const sup = new Map<VariableName, string>([['db-owner', owner], ['db-owner-password', ownerPassword]]);
    writeConfigFile(ctx, configPath, main, 0o600, () => renderConfig(main, 'aox configuration (archiveopteryx.conf)'), dryRun);
    writeConfigFile(ctx, superPath, sup, 0o400, () => renderSuperConfig(sup), dryRun);
    if (dryRun) return;

    // the server and the CLI log in over the network with passwords: make sure pg_hba.conf lets them
    const base: pg.ClientConfig = { host: address, port, database };
    for (const [role, password] of [[user, userPassword], [owner, ownerPassword]]) {
      const c = await connectClient({ ...base, user: role, password }).catch((e: unknown) => {
        throw new CliError(`${e instanceof Error ? e.message : String(e)}\n` +
          `the database is installed, but ${role} cannot log in: check pg_hba.conf allows password (scram-sha-256) logins`);
      });
      try {
        if (role === owner) await checkSchema(c);
      } finally {
        await c.end();
      }
      ctx.out.line(`checked that ${role} can log in`);
    }
    ctx.out.line(`done: "aox start" starts the server with ${configPath}`);
  },
};
