// What the global setup and the per-file helpers agree on.
import type pg from 'pg';

/** The template of one test run (each run has its own, so concurrent runs stay apart). */
export function templateName(): string {
  return `aox_test_${process.env.AOX_TEST_RUN ?? process.pid}_template`;
}
export const TEST_ROLES = {
  owner: 'aoxsuper',
  ownerPassword: 'aoxsuper-test-password',
  user: 'aox',
  userPassword: 'aox-test-password',
};

export interface TestServer {
  superuser: pg.ClientConfig;
}
