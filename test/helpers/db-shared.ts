// What the global setup and the per-file helpers agree on.
import type pg from 'pg';

export const TEMPLATE_DB = 'aox_test_template';
export const TEST_ROLES = {
  owner: 'aoxsuper',
  ownerPassword: 'aoxsuper-test-password',
  user: 'aox',
  userPassword: 'aox-test-password',
};

export interface TestServer {
  superuser: pg.ClientConfig;
}
