// The embedded PostgreSQL's memory settings (frontend/db/embedded.ts), sized to the machine.
import assert from 'node:assert/strict';
import { memorySettings } from '../../frontend/db/embedded.ts';

const settings = (mb: number) => Object.fromEntries(
  memorySettings(mb).filter((_, i) => i % 2 === 1).map((kv) => kv.split('=') as [string, string]));

describe('embedded PostgreSQL memory', () => {
  it('takes a quarter for shared buffers, half as the planner\'s cache, a sixteenth for index builds', () => {
    assert.deepEqual(settings(24_000), { shared_buffers: '6000MB', effective_cache_size: '12000MB', maintenance_work_mem: '1024MB' });
    assert.deepEqual(settings(4096), { shared_buffers: '1024MB', effective_cache_size: '2048MB', maintenance_work_mem: '256MB' });
  });

  it('never goes below PostgreSQL\'s defaults on a small machine, nor past 8 GB of shared buffers on a big one', () => {
    assert.deepEqual(settings(256), { shared_buffers: '128MB', effective_cache_size: '512MB', maintenance_work_mem: '64MB' });
    assert.equal(settings(256_000).shared_buffers, '8192MB');
  });
});
