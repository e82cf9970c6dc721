// The work of one import parse worker: prepares the messages of a job (see parse-pool.ts).
import { parentPort } from 'node:worker_threads';
import { prepareMessage } from './prepare.ts';
import type { ParseJob, ParseResult } from './parse-pool.ts';

parentPort?.on('message', (job: ParseJob) => {
  let result: ParseResult;
  try {
    const data = Buffer.from(job.data.buffer, job.data.byteOffset, job.data.byteLength);
    let offset = 0;
    const prepared = job.lengths.map((len, i) => {
      const raw = data.subarray(offset, offset + len);
      offset += len;
      return prepareMessage({ raw, flags: job.flags[i], headerFlags: job.headerFlags[i] });
    });
    result = { id: job.id, prepared };
  } catch (e) {
    result = { id: job.id, error: e instanceof Error ? e.stack ?? e.message : String(e) };
  }
  parentPort?.postMessage(result);
});
