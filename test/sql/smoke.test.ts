import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

describe('sql: schema smoke', () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db.drop(); });

  it('the frontend role cannot read tables', async () => {
    await assert.rejects(db.api.query('select * from mail.messages'), /permission denied/);
  });
});
