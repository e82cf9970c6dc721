// The schema as the migrations and function files build it, normalised, must equal the committed
// snapshot test/fixtures/schema.sql: a change to the schema is always a visible change to review.
// After an intended change: AOX_UPDATE_SCHEMA_SNAPSHOT=1 npm run test:only -- test/sql/schema-snapshot.test.ts
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

const SNAPSHOT = fileURLToPath(new URL('../fixtures/schema.sql', import.meta.url));

// Catalog queries instead of pg_dump: pg_dump refuses a newer server than itself, and the same
// text must come out of PostgreSQL 14 to 17.
const QUERIES: Array<[string, string]> = [
  ['schemas', `select nspname from pg_namespace where nspname in ('mail', 'api', 'admin') order by 1`],
  ['columns', `select table_schema || '.' || table_name || '.' || column_name || ' ' || data_type ||
                 case when is_nullable = 'NO' then ' not null' else '' end ||
                 coalesce(' default ' || column_default, '') as c
               from information_schema.columns where table_schema = 'mail' order by table_name, ordinal_position`],
  ['indexes', `select schemaname || '.' || indexname || ': ' || regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \\S+ ON ', '\\1') from pg_indexes where schemaname = 'mail' order by 1`],
  ['constraints', `select conrelid::regclass || ' ' || conname || ': ' || pg_get_constraintdef(oid) from pg_constraint
                   where connamespace = 'mail'::regnamespace order by 1`],
  ['triggers', `select tgrelid::regclass || ' ' || tgname from pg_trigger where not tgisinternal
                and tgrelid::regclass::text like 'mail.%' order by 1`],
  ['functions', `select n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') returns ' ||
                   pg_get_function_result(p.oid) || case when p.prosecdef then ' security definer' else '' end
                 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                 where n.nspname in ('mail', 'api', 'admin') order by 1`],
  ['api functions without a comment', `select n.nspname || '.' || p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                 where n.nspname in ('api', 'admin') and obj_description(p.oid, 'pg_proc') is null order by 1`],
];

export async function schemaText(db: TestDatabase): Promise<string> {
  const out: string[] = [];
  for (const [title, sql] of QUERIES) {
    out.push(`-- ${title}`);
    for (const row of (await db.admin.query(sql)).rows) out.push(String(Object.values(row)[0]));
    out.push('');
  }
  return out.join('\n');
}

describe('sql: schema snapshot', () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db.drop(); });

  it('matches test/fixtures/schema.sql', async () => {
    const text = await schemaText(db);
    if (process.env.AOX_UPDATE_SCHEMA_SNAPSHOT === '1' || !existsSync(SNAPSHOT)) {
      if (process.env.CI && !existsSync(SNAPSHOT)) assert.fail('test/fixtures/schema.sql is missing');
      writeFileSync(SNAPSHOT, text);
    }
    assert.equal(text, readFileSync(SNAPSHOT, 'utf8'),
      'the schema drifted from test/fixtures/schema.sql; if intended, regenerate it (see the comment at the top of this file)');
  });

  it('gives every api.* and admin.* function a comment', async () => {
    const text = await schemaText(db);
    const section = text.split('-- api functions without a comment\n')[1];
    assert.equal(section.trim(), '');
  });

  it('lets the frontend role execute api.* and nothing else', async () => {
    const r = await db.admin.query(`
      select n.nspname || '.' || p.proname as f, has_function_privilege('aox', p.oid, 'execute') as can
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname in ('mail', 'api', 'admin')`);
    const wrong = r.rows.filter((x) => x.can !== x.f.startsWith('api.'));
    assert.deepEqual(wrong, []);
    const tables = await db.admin.query(`select count(*)::int n from information_schema.table_privileges where grantee = 'aox' and table_schema = 'mail'`);
    assert.equal(tables.rows[0].n, 0);
  });
});
